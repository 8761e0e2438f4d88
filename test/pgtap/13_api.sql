-- The replaced system's HTTP API as SQL (issue 11): every function on the
-- real seq1 -> seq2 -> seq3 snapshots and the real transceivers feed, each
-- against an independent plain-SQL computation written here; every keyset
-- list walked page by page (each row once, in order, equal to the unpaged
-- query), the limit at its edges, a handmade flight for the exact distance
-- and the newest-flight rule, and who may call what.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(70);

-- ---------------------------------------------------------------------------
-- api_status on an empty database: critical, every table empty
-- ---------------------------------------------------------------------------
SELECT is((SELECT status FROM vatsim.api_status() WHERE component = 'overall'), 'critical',
          'api_status: no snapshot at all is critical');
SELECT is((SELECT array_agg(DISTINCT status) FROM vatsim.api_status() WHERE component NOT IN ('overall', 'worker')),
          '{empty}', 'api_status: every table empty');

SELECT vatsim.ingest_file(:'fixtures' || '/' || f)
FROM unnest(ARRAY['v3-2023-08-07T232929Z-754p-seq1.json', 'v3-2023-08-07T232944Z-757p-seq2.json',
                  'v3-2023-08-08T000359Z-737p-seq3.json']) f \g /dev/null
-- the real transceivers feed (2021; stations matched by callsign only)
INSERT INTO vatsim.transceivers
SELECT s->>'callsign', (t->>'id')::int, (t->>'frequency')::bigint, (t->>'latDeg')::float8, (t->>'lonDeg')::float8,
       (t->>'heightMslM')::float8, (t->>'heightAglM')::float8
FROM jsonb_array_elements(pg_read_file(:'fixtures' || '/transceivers-2021-04-21-892stations.json')::jsonb) s,
     jsonb_array_elements(s->'transceivers') t
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- api_status: a row per table, counted independently
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE st AS SELECT * FROM vatsim.api_status();
SELECT results_eq($$SELECT component, rows FROM st WHERE kind NOT IN ('status', 'worker') ORDER BY component$$,
    $$SELECT * FROM (VALUES
        ('airports', (SELECT count(*) FROM vatsim.airports)), ('atc_contacts', (SELECT count(*) FROM vatsim.atc_contacts)),
        ('atis', (SELECT count(*) FROM vatsim.atis)), ('controller_ranges', (SELECT count(*) FROM vatsim.controller_ranges)),
        ('controller_sessions', (SELECT count(*) FROM vatsim.controller_sessions)),
        ('controllers', (SELECT count(*) FROM vatsim.controllers)), ('flight_plans', (SELECT count(*) FROM vatsim.flight_plans)),
        ('flights', (SELECT count(*) FROM vatsim.flights)), ('pilots', 737::bigint),
        ('positions', (SELECT count(*) FROM vatsim.positions)), ('prefiles', (SELECT count(*) FROM vatsim.prefiles)),
        ('runs', (SELECT count(*) FROM vatsim.runs)), ('sector_occupancy', (SELECT count(*) FROM vatsim.sector_occupancy)),
        ('sector_sets', (SELECT count(*) FROM vatsim.sector_sets)), ('servers', (SELECT count(*) FROM vatsim.servers)),
        ('snapshots', 3::bigint), ('transceivers', (SELECT count(*) FROM vatsim.transceivers))) v ORDER BY 1$$,
    'api_status: the rows of every table (positions from the snapshots'' sums, equal to a count)');
SELECT is((SELECT count(*)::int FROM vatsim.positions), 754 + 757 + 737, 'all three snapshots'' positions are stored');
SELECT results_eq($$SELECT component, newest FROM st WHERE component IN ('snapshots', 'pilots', 'flights', 'positions', 'flight_plans', 'controller_sessions') ORDER BY 1$$,
    $$VALUES ('controller_sessions'::text, (SELECT max(last_seen) FROM vatsim.controller_sessions)),
             ('flight_plans', (SELECT max(seen_at) FROM vatsim.flight_plans)),
             ('flights', (SELECT max(last_seen) FROM vatsim.flights)),
             ('pilots', (SELECT update_timestamp FROM vatsim.snapshots ORDER BY 1 DESC LIMIT 1)),
             ('positions', (SELECT max(ts) FROM vatsim.positions)),
             ('snapshots', (SELECT max(update_timestamp) FROM vatsim.snapshots))$$,
    'api_status: the newest time of each table');
SELECT is((SELECT date_trunc('second', newest) FROM st WHERE component = 'snapshots'), '2023-08-08 00:03:59+00',
          'the newest snapshot is seq3''s');
SELECT is((SELECT status FROM st WHERE component = 'overall'), 'degraded',
          'a newest snapshot older than fresh_within (5 min): degraded');
SELECT is((SELECT array_agg(status ORDER BY component) FROM st WHERE kind IN ('current', 'history') AND component <> 'transceivers' AND rows > 0),
          array_fill('stale'::text, ARRAY[(SELECT count(*)::int FROM st WHERE kind IN ('current', 'history') AND component <> 'transceivers' AND rows > 0)]),
          'every filled table is stale by a 5 min window');
SELECT is((SELECT status FROM st WHERE component = 'transceivers'), 'present', 'transceivers keep no time: present');
SELECT is((SELECT status FROM st WHERE component = 'sector_sets'), 'empty', 'no sector set: empty');
SELECT is((SELECT status FROM vatsim.api_status('1000 years') WHERE component = 'overall'),
          CASE WHEN (SELECT coalesce(consecutive_failures, 0) FROM vatsim.status) > 0 THEN 'degraded' ELSE 'operational' END,
          'within fresh_within and the worker not failing: operational');
SELECT is((SELECT status FROM vatsim.api_status('1000 years') WHERE component = 'pilots'), 'fresh', 'and the tables fresh');
-- the freshness edge: the age exactly fresh_within is fresh
SELECT is((SELECT status FROM vatsim.api_status(now() - (SELECT max(update_timestamp) FROM vatsim.snapshots))
           WHERE component = 'snapshots'), 'fresh', 'an age of exactly fresh_within is fresh');
SELECT is((SELECT status FROM vatsim.api_status(now() - (SELECT max(update_timestamp) FROM vatsim.snapshots) - interval '1 microsecond')
           WHERE component = 'snapshots'), 'stale', 'one microsecond older is stale');
SELECT is((SELECT status FROM st WHERE component = 'worker'), (SELECT state FROM vatsim.status),
          'the worker row says the worker''s state');
SELECT is((SELECT array_agg(component ORDER BY ord) FROM (SELECT component, row_number() OVER () AS ord FROM vatsim.api_status()) x),
          '{overall,snapshots,pilots,controllers,atis,prefiles,servers,transceivers,flights,positions,flight_plans,controller_sessions,sector_occupancy,atc_contacts,runs,sector_sets,airports,controller_ranges,worker}',
          'api_status: the verdict first, the worker last');

-- ---------------------------------------------------------------------------
-- Keyset pages: a walker that follows "after" until a short page
-- ---------------------------------------------------------------------------
-- pg_temp.walk(sql, limit) (test/sql/api_helpers.sql): follows "after" page by page.
\i test/sql/api_helpers.sql

SELECT results_eq($$SELECT key FROM pg_temp.walk('SELECT callsign FROM vatsim.online_flights($1, $2)', 7)$$,
                  $$SELECT callsign::text FROM vatsim.pilots ORDER BY callsign$$,
                  'online_flights: pages of 7 give every online pilot once, in callsign order');
SELECT is((SELECT max(page) FROM pg_temp.walk('SELECT callsign FROM vatsim.online_flights($1, $2)', 100)), 8,
          '737 pilots: 7 full pages of 100 and one of 37');
SELECT is((SELECT count(*)::int FROM pg_temp.walk('SELECT callsign FROM vatsim.online_flights($1, $2)', 737)), 737,
          'a limit of exactly the count: one full page, then an empty one');
SELECT results_eq($$SELECT * FROM vatsim.online_flights(NULL, 3)$$,
    $$SELECT callsign::text, flight_id, cid, name, plan_aircraft, plan_aircraft_short, plan_flight_rules, plan_departure,
             plan_arrival, plan_route, plan_altitude, latitude, longitude, altitude, groundspeed, heading, transponder,
             logon_time, last_updated
      FROM vatsim.pilots ORDER BY callsign LIMIT 3$$,
    'online_flights: the fields of the current pilots');
SELECT is((SELECT count(*)::int FROM vatsim.online_flights((SELECT max(callsign) FROM vatsim.pilots), 10)), 0,
          'after the last callsign: an empty page');
SELECT is((SELECT count(*)::int FROM vatsim.online_flights(NULL, 10000)), 737, 'limit 10000 is allowed');
SELECT is((SELECT count(*)::int FROM vatsim.online_flights(NULL, 1)), 1, 'limit 1 is one row');
SELECT throws_ok($$SELECT * FROM vatsim.online_flights(NULL, 0)$$, '22023', 'page limit out of range', 'limit 0 is an error');
SELECT throws_ok($$SELECT * FROM vatsim.online_flights(NULL, 10001)$$, '22023', 'page limit out of range', 'limit 10001 is an error');
SELECT throws_ok($$SELECT * FROM vatsim.online_controllers(NULL, NULL)$$, '22023', 'page limit out of range', 'limit NULL is an error');
SELECT throws_ok($$SELECT * FROM vatsim.flight_track(1::bigint, NULL, -5)$$, '22023', 'page limit out of range',
                 'a negative limit is an error, also when the page would be empty');

-- ---------------------------------------------------------------------------
-- online_controllers: pages, type and range, the open session
-- ---------------------------------------------------------------------------
SELECT results_eq($$SELECT key FROM pg_temp.walk('SELECT callsign FROM vatsim.online_controllers($1, $2)', 10)$$,
                  $$SELECT callsign::text FROM vatsim.controllers ORDER BY callsign$$,
                  'online_controllers: pages of 10 give every controller once, in order');
SELECT results_eq(
    $$SELECT callsign, cid, frequency, type, range_nm, session_id, session_start, connections FROM vatsim.online_controllers(NULL, 10000)$$,
    $$SELECT c.callsign::text, c.cid, c.frequency,
             CASE upper(substring(c.callsign from '[^_]*$')) WHEN 'DEL' THEN 'Ground' WHEN 'GND' THEN 'Ground' WHEN 'TWR' THEN 'Tower'
                  WHEN 'APP' THEN 'Approach' WHEN 'DEP' THEN 'Approach' WHEN 'CTR' THEN 'Center' WHEN 'FSS' THEN 'FSS' ELSE 'Other' END,
             CASE upper(substring(c.callsign from '[^_]*$')) WHEN 'DEL' THEN 15 WHEN 'GND' THEN 15 WHEN 'TWR' THEN 15
                  WHEN 'APP' THEN 60 WHEN 'DEP' THEN 60 WHEN 'CTR' THEN 400 WHEN 'FSS' THEN 1000 ELSE 15 END::float8,
             s.session_id, s.logon_time, s.connections
      FROM vatsim.controllers c
      LEFT JOIN vatsim.controller_sessions s ON s.cid = c.cid AND s.callsign = c.callsign AND s.ended_at IS NULL
      ORDER BY c.callsign$$,
    'online_controllers: the built-in type and range by suffix, the open session of each');
SELECT is((SELECT count(*)::int FROM vatsim.online_controllers(NULL, 10000) WHERE session_id IS NULL), 0,
          'every online controller has its open session');

-- ---------------------------------------------------------------------------
-- controllers_by_cid: sessions seen since a time, grouped by cid
-- ---------------------------------------------------------------------------
SELECT results_eq(
    $$SELECT key::int FROM pg_temp.walk('SELECT cid::text FROM vatsim.controllers_by_cid($1::int, $2, ''2023-08-07 23:00+00'')', 13)$$,
    $$SELECT DISTINCT cid FROM vatsim.controller_sessions ORDER BY cid$$,
    'controllers_by_cid: pages of 13 give every cid once, in order');
SELECT results_eq(
    $$SELECT * FROM vatsim.controllers_by_cid(NULL, 10000, '2023-08-08 00:00+00')$$,
    $$SELECT cid, count(*), sum(connections)::bigint, array_agg(DISTINCT callsign::text ORDER BY callsign::text),
             min(first_seen), max(last_seen), sum(last_seen - first_seen), bool_or(ended_at IS NULL)
      FROM vatsim.controller_sessions WHERE last_seen >= '2023-08-08 00:00+00' GROUP BY cid ORDER BY cid$$,
    'controllers_by_cid: counts, callsigns, times of the sessions seen since the time');
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.controllers_by_cid(NULL, 10000, '2023-08-08 00:00+00')), '<',
              (SELECT count(*)::int FROM vatsim.controllers_by_cid(NULL, 10000, '2023-08-07 23:00+00')),
              'sessions last seen before the time are left out (those of seq1 and seq2 only)');
SELECT is((SELECT count(*)::int FROM vatsim.controllers_by_cid(NULL, 100)), 0,
          'the default window is the last 24 h (these sessions are from 2023)');

-- ---------------------------------------------------------------------------
-- transceivers: pages by (callsign, transceiver_id), cut inside stations
-- ---------------------------------------------------------------------------
SELECT results_eq(
    $$SELECT key FROM pg_temp.walk('SELECT callsign || ''/'' || transceiver_id FROM vatsim.transceivers_page(split_part($1, ''/'', 1), split_part($1, ''/'', 2)::int, $2)', 3)$$,
    $$SELECT callsign || '/' || transceiver_id FROM vatsim.transceivers ORDER BY callsign, transceiver_id$$,
    'transceivers_page: pages of 3 (cut inside stations) give every transceiver once, in order');
SELECT cmp_ok((SELECT count(*)::int FROM (SELECT callsign FROM vatsim.transceivers GROUP BY callsign HAVING count(*) > 1) x), '>', 100,
              'many stations have several transceivers (the cut inside a station is exercised)');
SELECT results_eq($$SELECT callsign, transceiver_id, frequency_hz, latitude, longitude, height_msl_m, height_agl_m
                    FROM vatsim.transceivers_of('HVN1301')$$,
    $$SELECT callsign::text, transceiver_id, frequency_hz, latitude, longitude, height_msl_m, height_agl_m
      FROM vatsim.transceivers WHERE callsign = 'HVN1301' ORDER BY transceiver_id$$,
    'transceivers_of: one station''s transceivers');
SELECT is((SELECT array_agg(frequency_hz ORDER BY transceiver_id) FROM vatsim.transceivers_of('HVN1301')),
          '{124300000,123450000}', 'HVN1301 has the fixture''s two frequencies');
-- a transceiver under the callsign of a pilot, a controller and an ATIS online now
INSERT INTO vatsim.transceivers
SELECT callsign, 1, 122800000, 0, 0, 0, 0 FROM (
    (SELECT callsign FROM vatsim.pilots ORDER BY callsign LIMIT 1) UNION ALL
    (SELECT callsign FROM vatsim.controllers ORDER BY callsign LIMIT 1) UNION ALL
    (SELECT callsign FROM vatsim.atis ORDER BY callsign LIMIT 1)) x
ON CONFLICT DO NOTHING;
SELECT results_eq($$SELECT station, count(*)::int FROM vatsim.transceivers_page(NULL, NULL, 10000) GROUP BY 1 ORDER BY 1$$,
    $$SELECT k, count(*)::int FROM (SELECT CASE WHEN callsign IN (SELECT callsign FROM vatsim.pilots) THEN 'pilot'
                                                WHEN callsign IN (SELECT callsign FROM vatsim.controllers) THEN 'controller'
                                                WHEN callsign IN (SELECT callsign FROM vatsim.atis) THEN 'atis' END AS k
                                     FROM vatsim.transceivers) x GROUP BY 1 ORDER BY 1$$,
    'transceivers_page: the station kind from the current tables');

-- ---------------------------------------------------------------------------
-- flight_analytics: the positions of a window and their flights
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.activity(since timestamptz, until timestamptz)
RETURNS TABLE (flights bigint, callsigns bigint, positions bigint, avg_groundspeed float8, max_altitude int,
               departures bigint, arrivals bigint)
LANGUAGE sql AS $$
    SELECT count(DISTINCT p.flight_id), count(DISTINCT f.callsign), count(*), avg(p.groundspeed)::float8, max(p.altitude),
           count(DISTINCT f.departure), count(DISTINCT f.arrival)
    FROM vatsim.positions p, vatsim.flights f
    WHERE f.flight_id = p.flight_id AND p.ts >= since AND p.ts <= until
$$;
SELECT results_eq($$SELECT * FROM vatsim.flight_analytics('2023-08-07 23:00+00', '2023-08-08 01:00+00')$$,
                  $$SELECT * FROM pg_temp.activity('2023-08-07 23:00+00', '2023-08-08 01:00+00')$$,
                  'flight_analytics over all three snapshots');
SELECT is((SELECT positions FROM vatsim.flight_analytics('2023-08-07 23:00+00', '2023-08-08 01:00+00')), 2248::bigint,
          '754 + 757 + 737 positions');
SELECT results_eq($$SELECT * FROM vatsim.flight_analytics((SELECT min(update_timestamp) FROM vatsim.snapshots), (SELECT min(update_timestamp) FROM vatsim.snapshots))$$,
                  $$SELECT * FROM pg_temp.activity((SELECT min(update_timestamp) FROM vatsim.snapshots), (SELECT min(update_timestamp) FROM vatsim.snapshots))$$,
                  'a window of exactly seq1''s time: its positions (the bounds are inclusive)');
SELECT is((SELECT positions FROM vatsim.flight_analytics((SELECT min(update_timestamp) FROM vatsim.snapshots), (SELECT min(update_timestamp) FROM vatsim.snapshots))),
          754::bigint, 'seq1 alone: 754 positions');
SELECT results_eq($$SELECT * FROM vatsim.flight_analytics('2023-08-07 23:29:40+00', '2023-08-08 00:00+00')$$,
                  $$SELECT * FROM pg_temp.activity('2023-08-07 23:29:40+00', '2023-08-08 00:00+00')$$,
                  'a window holding seq2 only');
SELECT is((SELECT positions FROM vatsim.flight_analytics()), 0::bigint, 'the default window (the last 24 h) holds none of 2023');

-- ---------------------------------------------------------------------------
-- flight, flight_track, flight_stats on the real flights
-- ---------------------------------------------------------------------------
-- independent stats: the angle between unit vectors (chord), not haversine
CREATE FUNCTION pg_temp.stats(fid bigint)
RETURNS TABLE (points bigint, first_ts timestamptz, last_ts timestamptz, avg_gs float8, max_gs int, max_alt int, nm float8)
LANGUAGE sql AS $$
    WITH v AS (SELECT ts, groundspeed, altitude,
                      cos(radians(latitude)) * cos(radians(longitude)) AS x,
                      cos(radians(latitude)) * sin(radians(longitude)) AS y, sin(radians(latitude)) AS z
               FROM vatsim.positions WHERE flight_id = fid),
    legs AS (SELECT a.ts, 2 * asin(sqrt((a.x - b.x) ^ 2 + (a.y - b.y) ^ 2 + (a.z - b.z) ^ 2) / 2) * 3440.065 AS nm
             FROM v a JOIN v b ON b.ts = (SELECT max(c.ts) FROM v c WHERE c.ts < a.ts))
    SELECT count(*), min(ts), max(ts), avg(groundspeed)::float8, max(groundspeed), max(altitude),
           coalesce((SELECT sum(nm) FROM legs), 0) FROM v
$$;
CREATE TEMP TABLE cmp AS
SELECT f.flight_id, s.points, s.first_ts, s.last_ts, s.avg_groundspeed, s.max_groundspeed, s.max_altitude, s.distance_nm,
       m.points AS m_points, m.first_ts AS m_first, m.last_ts AS m_last, m.avg_gs, m.max_gs, m.max_alt, m.nm
FROM vatsim.flights f, vatsim.flight_stats(f.flight_id) s, pg_temp.stats(f.flight_id) m;
SELECT is((SELECT count(*)::int FROM cmp), (SELECT count(DISTINCT flight_id)::int FROM vatsim.positions),
          'flight_stats: a row for every flight with positions');
SELECT is((SELECT count(*)::int FROM cmp WHERE (points, first_ts, last_ts, max_groundspeed, max_altitude)
                                              IS DISTINCT FROM (m_points, m_first, m_last, max_gs, max_alt)
                                           OR abs(avg_groundspeed - avg_gs) > 1e-9), 0,
          'flight_stats: points, first, last, groundspeed and altitude equal the independent ones');
SELECT is((SELECT count(*)::int FROM cmp WHERE abs(distance_nm - nm) > 1e-6), 0,
          'flight_stats: the great-circle distance equals the chord model''s within 1e-6 nm for every flight');
SELECT cmp_ok((SELECT count(*)::int FROM cmp WHERE distance_nm > 100), '>', 50,
              'and the distances are real (many flights flew more than 100 nm from seq1 to seq3)');

-- the newest flight of a callsign: a handmade later flight of a real callsign
CREATE TEMP TABLE hand AS
WITH cs AS (SELECT callsign, cid FROM vatsim.pilots ORDER BY callsign OFFSET 5 LIMIT 1),
     f AS (INSERT INTO vatsim.flights (cid, callsign, logon_time, first_seen, last_seen, departure, arrival, aircraft, status)
           SELECT cid, callsign, '2020-01-01 00:00+00', '2020-01-01 00:00+00', '2020-01-01 00:02+00', 'HAND', 'MADE', 'B738', 'offline'
           FROM cs RETURNING flight_id, callsign)
SELECT f.*, (SELECT p.flight_id FROM vatsim.pilots p WHERE p.callsign = f.callsign) AS online_flight FROM f;
SELECT vatsim.ensure_partitions('0', '2020-01-01');   -- positions by hand need their day's partition
INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude, altitude, groundspeed)
SELECT h.flight_id, v.ts, v.lat, v.lon, v.alt, v.gs FROM hand h,
       (VALUES ('2020-01-01 00:00+00'::timestamptz, 0::float8, 0::float8, 1000, 100),
               ('2020-01-01 00:01+00', 0, 1, 2000, 200),
               ('2020-01-01 00:02+00', 1, 1, 3000, 300)) v (ts, lat, lon, alt, gs);
SELECT is((SELECT flight_id FROM vatsim.flight((SELECT callsign FROM hand))), (SELECT flight_id FROM hand),
          'flight(callsign): the newest flight of the callsign, not the one online');
SELECT results_eq($$SELECT departure, arrival, aircraft, status, latitude, longitude, altitude, position_ts
                    FROM vatsim.flight((SELECT callsign FROM hand))$$,
                  $$VALUES ('HAND'::text, 'MADE'::text, 'B738'::text, 'offline'::text, 1::float8, 1::float8, 3000, '2020-01-01 00:02+00'::timestamptz)$$,
                  'flight: its fields and its newest position');
SELECT results_eq($$SELECT ts, latitude, longitude FROM vatsim.flight_track(vatsim.newest_flight((SELECT callsign FROM hand)))$$,
                  $$VALUES ('2020-01-01 00:00+00'::timestamptz, 0::float8, 0::float8), ('2020-01-01 00:01+00', 0, 1), ('2020-01-01 00:02+00', 1, 1)$$,
                  'flight_track(newest_flight(callsign)): the newest flight''s positions only, in time order');
SELECT results_eq($$SELECT points, max_groundspeed, max_altitude, avg_groundspeed, duration,
                           round(distance_nm::numeric, 6) FROM vatsim.flight_stats(vatsim.newest_flight((SELECT callsign FROM hand)))$$,
                  $$VALUES (3::bigint, 300, 3000, 200::float8, interval '2 minutes', round((2 * 3440.065 * pi() / 180)::numeric, 6))$$,
                  'flight_stats: one degree east on the equator, one north: 2 x 60.04 nm');
SELECT is((SELECT count(*)::int FROM vatsim.flight('NO-SUCH-CALLSIGN')), 0, 'flight of an unknown callsign: no row');
SELECT is(vatsim.newest_flight('NO-SUCH-CALLSIGN'), NULL, 'newest_flight of an unknown callsign: NULL');
SELECT is((SELECT count(*)::int FROM vatsim.flight_stats(-1::bigint)), 0, 'flight_stats of a flight without positions: no row');

-- track pages of the real flight online now, by flight_id
SELECT results_eq(
    $$SELECT key::timestamptz FROM pg_temp.walk(format('SELECT ts::text FROM vatsim.flight_track(%s::bigint, $1::timestamptz, $2)',
                                                       (SELECT online_flight FROM hand)), 1)$$,
    $$SELECT ts FROM vatsim.positions WHERE flight_id = (SELECT online_flight FROM hand) ORDER BY ts$$,
    'flight_track(flight_id): pages of 1 give each of the flight''s positions once, in order');
SELECT results_eq($$SELECT * FROM vatsim.flight_track((SELECT online_flight FROM hand), NULL, 1000)$$,
    $$SELECT flight_id, ts, latitude, longitude, altitude, groundspeed, heading, transponder FROM vatsim.positions
      WHERE flight_id = (SELECT online_flight FROM hand) ORDER BY ts$$,
    'flight_track: the stored fields');

-- ---------------------------------------------------------------------------
-- region_status
-- ---------------------------------------------------------------------------
SELECT results_eq($$SELECT region, loaded, sectors, newest_snapshot, pilots, positions_kept FROM vatsim.region_status()$$,
                  $$VALUES (NULL::text, false, NULL::int, (SELECT max(update_timestamp) FROM vatsim.snapshots), 737, 737)$$,
                  'region_status: no region, the newest snapshot kept every pilot');
SELECT vatsim.load_sectors('t', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Polygon", "coordinates": [[[1,-2],[3,-2],[3,2],[1,2],[1,-2]]]}},
  {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,2],[1,2],[1,3],[0,3],[0,2]]]}}]}$$,
  'name') \g /dev/null
SET LOCAL vatsim_ingest.region = 't';
SELECT results_eq($$SELECT region, loaded, sectors, features, min_lon, min_lat, max_lon, max_lat FROM vatsim.region_status()$$,
                  $$VALUES ('t'::text, true, 2, 3, 0::float8, -2::float8, 3::float8, 3::float8)$$,
                  'region_status: the region''s set, its sectors, features and bounding box');
RESET vatsim_ingest.region;

-- ---------------------------------------------------------------------------
-- A hostile search_path: comparison operators planted ahead of pg_catalog
-- on every type the functions compare never run (each records its call)
-- ---------------------------------------------------------------------------
-- (pgTAP lives in public, after pg_catalog: its own calls are not recorded)
-- (test/sql/api_helpers.sql: schema evil, its spies and evil.calls)
SELECT pg_temp.plant_spies() \g /dev/null
SET search_path = evil, pg_catalog, public;
CREATE TEMP TABLE hostile AS
SELECT (SELECT count(*) FROM vatsim.api_status()) AS a, (SELECT count(*) FROM vatsim.online_flights('K', 500)) AS b,
       (SELECT count(*) FROM vatsim.flight((SELECT h.callsign FROM hand h))) AS c,
       (SELECT count(*) FROM vatsim.flight_track((SELECT h.online_flight FROM hand h), '2023-08-07', 10)) AS d,
       (SELECT count(*) FROM vatsim.flight_stats((SELECT h.online_flight FROM hand h))) AS e,
       (SELECT count(*) FROM vatsim.online_controllers('E', 500)) AS f,
       (SELECT count(*) FROM vatsim.controllers_by_cid(1000, 500, '2023-08-07')) AS g,
       (SELECT count(*) FROM vatsim.transceivers_page('H', 1, 500)) AS h,
       (SELECT count(*) FROM vatsim.transceivers_of('HVN1301')) AS i,
       (SELECT count(*) FROM vatsim.flight_analytics('2023-08-07', '2023-08-09')) AS j,
       (SELECT count(*) FROM vatsim.region_status()) AS k;
RESET search_path;
SELECT is((SELECT string_agg(DISTINCT what, ', ') FROM evil.calls), NULL, 'under a hostile search_path no planted operator runs');
SELECT is((SELECT array[a, b, c, d, e, f, g, h, i, j, k]::int[] FROM hostile),
          array[19, least(500, (SELECT count(*) FROM vatsim.pilots WHERE callsign > 'K')), 1, (SELECT count(*) FROM vatsim.positions WHERE flight_id = (SELECT online_flight FROM hand)),
                1, (SELECT count(*) FROM vatsim.controllers WHERE callsign > 'E'), (SELECT count(DISTINCT cid) FROM vatsim.controller_sessions WHERE cid > 1000),
                500, 2, 1, 1]::int[],
          'and every function gives its answer');
SET search_path = evil, pg_catalog, public;
CREATE TEMP TABLE control AS SELECT 1::int4 = 2::int4 AS x;
RESET search_path;
SELECT isnt((SELECT string_agg(DISTINCT what, ', ') FROM evil.calls), NULL, 'control: unqualified SQL does call them');

-- ---------------------------------------------------------------------------
-- Who may call what
-- ---------------------------------------------------------------------------
CREATE ROLE vi_api_reader IN ROLE vatsim_reader;
CREATE ROLE vi_api_plain;
CREATE TEMP TABLE calls (q text);
GRANT SELECT ON calls TO vi_api_reader, vi_api_plain;
INSERT INTO calls VALUES
  ('SELECT * FROM vatsim.api_status()'), ('SELECT * FROM vatsim.online_flights()'),
  ('SELECT * FROM vatsim.flight(''X'')'), ('SELECT * FROM vatsim.flight_track(1::bigint)'),
  ('SELECT * FROM vatsim.newest_flight(''X'')'), ('SELECT * FROM vatsim.flight_stats(1::bigint)'), ('SELECT * FROM vatsim.online_controllers()'),
  ('SELECT * FROM vatsim.controllers_by_cid()'), ('SELECT * FROM vatsim.transceivers_page()'),
  ('SELECT * FROM vatsim.transceivers_of(''X'')'), ('SELECT * FROM vatsim.station_kind(''X'')'),
  ('SELECT * FROM vatsim.flight_analytics()'), ('SELECT * FROM vatsim.region_status()');
GRANT EXECUTE ON FUNCTION pg_temp.try(text) TO vi_api_reader, vi_api_plain;
SET ROLE vi_api_reader;
SELECT is((SELECT array_agg(DISTINCT pg_temp.try(q)) FROM calls), '{ok}', 'vatsim_reader may call every API function');
SELECT is((SELECT count(*)::int FROM vatsim.online_flights(NULL, 10000)), 737, 'and reads the rows through them');
RESET ROLE;
-- (USAGE on the schema, which only vatsim_reader has, so that the refusal
-- tested is the function's own)
GRANT USAGE ON SCHEMA vatsim TO vi_api_plain;
SET ROLE vi_api_plain;
SELECT is((SELECT array_agg(DISTINCT pg_temp.try(q)) FROM calls), '{42501}',
          'a role without vatsim_reader may call none (42501 insufficient_privilege)');
SELECT throws_ok($$SELECT * FROM vatsim.online_flights()$$, '42501', 'permission denied for function online_flights',
                 'refused at the function');
SELECT is(vatsim.page_limit(5) + round(vatsim.distance_nm(0, 0, 0, 1))::int, 65,
          'page_limit and distance_nm read nothing: everybody''s');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'vatsim' AND p.proname IN ('api_status', 'online_flights', 'flight', 'newest_flight', 'flight_track', 'flight_stats',
                 'online_controllers', 'controllers_by_cid', 'transceivers_page', 'transceivers_of', 'station_kind',
                 'flight_analytics', 'region_status')
             AND (has_function_privilege('public', p.oid, 'EXECUTE') OR NOT has_function_privilege('vatsim_reader', p.oid, 'EXECUTE'))), 0,
          'every API function: EXECUTE for vatsim_reader, not for PUBLIC');
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'vatsim' AND p.proname IN ('api_status', 'online_flights', 'flight', 'newest_flight', 'flight_track', 'flight_stats',
                 'online_controllers', 'controllers_by_cid', 'transceivers_page', 'transceivers_of', 'station_kind',
                 'flight_analytics', 'region_status', 'page_limit', 'distance_nm')
             AND NOT coalesce(p.proconfig @> '{"search_path=pg_catalog, pg_temp"}', false)), 0,
          'every API function pins search_path');

SELECT * FROM finish();
ROLLBACK;
