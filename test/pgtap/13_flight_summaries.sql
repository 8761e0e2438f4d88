-- Flight summaries: the running aggregates and the end rules at their
-- edges on handmade snapshots (airborne at exactly 60 kt but not 59, a gap
-- longer than stale_after, maximum altitude, distance of a known route, end
-- at exactly stale_after vs one second more, landed then gone, contact
-- shares from inserted atc_contacts rows, controllers as a union of
-- overlapping intervals, sectors from the occupancy, a reconnect that
-- replaces the summary, a duplicate snapshot); then every summary of a
-- dead-reckoned replay of real snapshots against a model in plain SQL over
-- vatsim.positions.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(64);

SELECT * FROM vatsim.load_sectors('t', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Polygon", "coordinates": [[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}]}$$);

\i test/sql/synthetic.sql
\i test/sql/controllers.sql
-- The contacts here are written by hand (the matching has its own tests,
-- 13_contacts.sql).  Every snapshot carries the controllers they name, so
-- their sessions are present and the contacts step, given no transceivers,
-- leaves the rows as written (it closes only rows whose flight or
-- controller is absent from the snapshot).
DROP FUNCTION pg_temp.snap(int, jsonb[]);
CREATE FUNCTION pg_temp.snap(seconds int, VARIADIC pilots jsonb[] DEFAULT '{}') RETURNS vatsim.ingest_result
LANGUAGE sql AS $$
    SELECT vatsim.ingest(jsonb_set(pg_temp.feed_at(pg_temp.t(seconds), VARIADIC pilots)::jsonb, '{controllers}',
                                   jsonb_build_array(pg_temp.c('EDDF_TWR', 0), pg_temp.c('EDDF_APP', 0, '120.800')))::text)
$$;
-- latitude of a point d nm north of the equator on the 3440.065 nm sphere
CREATE FUNCTION pg_temp.nm(d float8) RETURNS float8 LANGUAGE sql AS $$ SELECT degrees(d / 3440.065) $$;
-- haversine on that sphere, written out here
CREATE FUNCTION pg_temp.gc(la1 float8, lo1 float8, la2 float8, lo2 float8) RETURNS float8 LANGUAGE sql AS $$
    SELECT 2 * 3440.065 * asin(sqrt(sin(radians(la2 - la1) / 2) ^ 2
                                    + cos(radians(la1)) * cos(radians(la2)) * sin(radians(lo2 - lo1) / 2) ^ 2))
$$;
CREATE FUNCTION pg_temp.fid(cs text) RETURNS bigint LANGUAGE sql AS $$
    SELECT flight_id FROM vatsim.flights WHERE callsign = cs
$$;
CREATE FUNCTION pg_temp.sm(cs text) RETURNS vatsim.flight_summaries LANGUAGE sql AS $$
    SELECT * FROM vatsim.flight_summaries WHERE callsign = cs
$$;
CREATE FUNCTION pg_temp.st(cs text) RETURNS vatsim.flight_stats LANGUAGE sql AS $$
    SELECT s.* FROM vatsim.flight_stats s JOIN vatsim.flights f USING (flight_id) WHERE f.callsign = cs
$$;
CREATE FUNCTION pg_temp.contact(cs text, atc text, khz int, s int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO vatsim.atc_contacts (flight_id, session_id, pilot_callsign, atc_callsign, frequency_khz, started_at)
    VALUES (pg_temp.fid(cs), (SELECT max(session_id) FROM vatsim.controller_sessions WHERE callsign = atc),
            cs, atc, khz, pg_temp.t(s))
$$;
CREATE FUNCTION pg_temp.uncontact(cs text, khz int, s int) RETURNS void LANGUAGE sql AS $$
    UPDATE vatsim.atc_contacts SET ended_at = pg_temp.t(s)
    WHERE flight_id = pg_temp.fid(cs) AND frequency_khz = khz AND ended_at IS NULL
$$;

-- t=0: everybody appears
SELECT is((pg_temp.snap(0,
    pg_temp.p('AB60', 10, 50, 60), pg_temp.p('AB59', 10, 51, 59),
    pg_temp.p('DIST', 0, 60, 300, 1000), pg_temp.p('GAP', 20, 50, 200),
    pg_temp.p('STALE', 21, 50, 200), pg_temp.p('LAND', 22, 50, 200),
    pg_temp.p('NOLAND', 23, 50, 200), pg_temp.p('LAND30', 24, 50, 200),
    pg_temp.p('CON', 25, 50, 0), pg_temp.p('SEC', 0.5, 0.5, 200),
    pg_temp.p('ONE', 26, 50, 100))).status, 'ingested', 't=0');
SELECT is((SELECT count(*)::int FROM vatsim.flight_stats WHERE open AND snapshots = 1 AND airborne_us = 0
           AND distance_nm = 0 AND first_ts = pg_temp.t(0) AND last_ts = pg_temp.t(0)), 11,
          'a stats row for each new flight, nothing counted yet');
SELECT pg_temp.contact('CON', 'EDDF_TWR', 118700, 15);

SELECT is((pg_temp.snap(15,
    pg_temp.p('AB60', 10, 50.1, 60), pg_temp.p('AB59', 10, 51.1, 59),
    pg_temp.p('DIST', pg_temp.nm(60), 60, 300, 35000), pg_temp.p('GAP', 20, 50.1, 200),
    pg_temp.p('STALE', 21, 50.1, 200), pg_temp.p('LAND', 22, 50.1, 20),
    pg_temp.p('NOLAND', 23, 50.1, 200), pg_temp.p('LAND30', 24, 50.1, 30),
    pg_temp.p('CON', 25, 50, 0), pg_temp.p('SEC', 0.5, 0.6, 200))).status, 'ingested', 't=15');
SELECT is((pg_temp.st('AB60')).airborne_us, 15000000::bigint, 'exactly 60 kt at t=0: (0, 15] is airborne');
SELECT is((pg_temp.st('AB59')).airborne_us, 0::bigint, '59 kt: not airborne');
SELECT is((pg_temp.st('CON')).contact_us, 0::bigint, 'a contact opened at t=15 counts nothing before t=15');
SELECT ok(abs((pg_temp.st('DIST')).distance_nm - 60) < 1e-6, 'a 60 nm leg along a meridian is 60 nm');
SELECT pg_temp.contact('CON', 'EDDF_TWR', 119900, 30);

SELECT is((pg_temp.snap(30,
    pg_temp.p('DIST', pg_temp.nm(90), 60, 300, 20000), pg_temp.p('LAND', 22, 50.1, 10),
    pg_temp.p('NOLAND', 23, 50.1, 29), pg_temp.p('LAND30', 24, 50.1, 30),
    pg_temp.p('CON', 25, 50.1, 150), pg_temp.p('SEC', 0.5, 1.5, 200))).status, 'ingested', 't=30');
SELECT is((pg_temp.st('CON')).contact_us, 15000000::bigint, 'in contact at t=15: (15, 30] counts');
SELECT is((pg_temp.st('CON')).airborne_us, 0::bigint, 'on the ground at 0 kt: not airborne');
SELECT pg_temp.uncontact('CON', 118700, 45);

-- t=45: LAND was slow (below 30 kt) in its last two snapshots and is absent: landed
SELECT is((pg_temp.snap(45, pg_temp.p('CON', 25, 50.2, 150), pg_temp.p('SEC', 0.5, 1.6, 200))).status, 'ingested', 't=45');
SELECT is((pg_temp.sm('LAND')).end_reason, 'landed', 'slow for exit_polls snapshots, then absent: landed');
SELECT is((pg_temp.sm('LAND')).last_seen, pg_temp.t(30), 'last_seen is its last snapshot');
SELECT is((pg_temp.sm('LAND')).summarised_at, pg_temp.t(45), 'summarised by the first snapshot without it');
SELECT is((pg_temp.sm('LAND')).airborne_s, 15::float8, 'airborne (0, 15] only (20 kt at t=15)');
SELECT is((pg_temp.st('LAND')).open, false, 'its stats row is closed');
SELECT is((SELECT count(*)::int FROM vatsim.flight_summaries WHERE callsign IN ('NOLAND', 'LAND30')), 0,
          'one slow snapshot (29 kt), or 30 kt (not below exit_speed_kt): absent is not landed');

-- a duplicate snapshot changes nothing
CREATE TEMP TABLE fp AS
SELECT (SELECT md5(string_agg(s::text, '|' ORDER BY flight_id)) FROM vatsim.flight_stats s) AS st,
       (SELECT md5(string_agg(s::text, '|' ORDER BY flight_id)) FROM vatsim.flight_summaries s) AS sm;
SELECT is((pg_temp.snap(45, pg_temp.p('CON', 25, 51, 150), pg_temp.p('SEC', 0.5, 1.9, 200))).status, 'duplicate', 't=45 again: duplicate');
SELECT is((SELECT md5(string_agg(s::text, '|' ORDER BY flight_id)) FROM vatsim.flight_stats s), (SELECT st FROM fp),
          'no stats row changed');
SELECT is((SELECT md5(string_agg(s::text, '|' ORDER BY flight_id)) FROM vatsim.flight_summaries s), (SELECT sm FROM fp),
          'no summary changed');
SELECT pg_temp.uncontact('CON', 119900, 60);
SELECT pg_temp.contact('CON', 'EDDF_APP', 127300, 60);

SELECT is((pg_temp.snap(60, pg_temp.p('CON', 25, 50.3, 150), pg_temp.p('SEC', 0.5, 1.7, 200))).status, 'ingested', 't=60');
SELECT pg_temp.uncontact('CON', 127300, 75);
SELECT is((pg_temp.snap(75, pg_temp.p('CON', 25, 50.4, 10))).status, 'ingested', 't=75');
SELECT is((pg_temp.snap(90, pg_temp.p('CON', 25, 50.4, 0))).status, 'ingested', 't=90');
SELECT is((pg_temp.snap(105)).status, 'ingested', 't=105: CON landed');

-- CON: in contact at 15, 30, 45, 60 (60 s, 15 s of it on the ground);
-- airborne at 30, 45, 60 (45 s), all in contact
SELECT is((pg_temp.sm('CON')).end_reason, 'landed', 'CON landed');
SELECT is((pg_temp.sm('CON')).total_s, 90::float8, 'total 90 s');
SELECT is((pg_temp.sm('CON')).contact_s, 60::float8, 'contact 60 s');
SELECT is((pg_temp.sm('CON')).airborne_s, 45::float8, 'airborne 45 s');
SELECT is((pg_temp.sm('CON')).airborne_contact_s, 45::float8, 'airborne in contact 45 s');
SELECT is((pg_temp.sm('CON')).atc_share, 60 / 90::float8, 'ATC share of the total time: 2/3');
SELECT is((pg_temp.sm('CON')).airborne_atc_share, 1::float8, 'of the airborne time: 1 (the ground contact does not count)');
SELECT is((pg_temp.sm('CON')).controllers,
          '[{"callsign": "EDDF_TWR", "seconds": 45}, {"callsign": "EDDF_APP", "seconds": 15}]'::jsonb,
          'controllers: EDDF_TWR''s two overlapping contacts [15, 45) and [30, 60) as their union, 45 s');
SELECT is((pg_temp.sm('CON')).contact_s,
          (SELECT extract(epoch FROM max(ended_at) - min(started_at))::float8 FROM vatsim.atc_contacts WHERE pilot_callsign = 'CON'),
          'contact_s is the length of the union of its contact intervals ([15, 75))');

-- t=315: ONE (seen once, at t=0) is gone; AB60, AB59, STALE and GAP (last
-- seen at t=15) are absent exactly stale_after: not gone
SELECT is((pg_temp.snap(315)).status, 'ingested', 't=315');
SELECT is((pg_temp.sm('ONE')).end_reason, 'gone', 'absent 315 s: gone');
SELECT is((pg_temp.sm('ONE')).total_s, 0::float8, 'one snapshot: total 0 s');
SELECT ok((pg_temp.sm('ONE')).atc_share IS NULL AND (pg_temp.sm('ONE')).airborne_atc_share IS NULL,
          'total and airborne time 0: both shares NULL');
SELECT is((SELECT count(*)::int FROM vatsim.flight_summaries WHERE callsign IN ('AB60', 'AB59', 'STALE', 'GAP')), 0,
          'absent exactly stale_after: not ended');
SELECT is((pg_temp.snap(316)).status, 'ingested', 't=316');
SELECT is((SELECT string_agg(callsign || ':' || end_reason, ' ' ORDER BY callsign) FROM vatsim.flight_summaries
           WHERE callsign IN ('AB60', 'AB59', 'STALE', 'GAP')),
          'AB59:gone AB60:gone GAP:gone STALE:gone', 'one second more: gone');
SELECT is((pg_temp.sm('AB60')).airborne_s, 15::float8, 'AB60 (60 kt) airborne 15 s');
SELECT is((pg_temp.sm('AB59')).airborne_s, 0::float8, 'AB59 (59 kt) airborne 0 s');
SELECT is((pg_temp.sm('AB60')).atc_share, 0::float8, 'no contact: ATC share 0');
SELECT ok((pg_temp.sm('AB59')).airborne_atc_share IS NULL, 'never airborne: airborne ATC share NULL');
SELECT is((pg_temp.sm('GAP')).last_seen, pg_temp.t(15), 'GAP summarised with last_seen t=15');

-- t=400: GAP comes back (same connection: the flight continues after 385 s)
SELECT is((pg_temp.snap(400, pg_temp.p('GAP', 20, 51, 200))).status, 'ingested', 't=400');
SELECT is((pg_temp.st('GAP')).open, true, 'the continued flight reopens its stats row');
SELECT is((pg_temp.st('GAP')).airborne_us, 15000000::bigint, 'the 385 s gap (longer than stale_after) is not airborne time');
SELECT ok(abs((pg_temp.st('GAP')).distance_nm - pg_temp.gc(20, 50, 20, 50.1) - pg_temp.gc(20, 50.1, 20, 51)) < 1e-9,
          'but its leg is flown distance (0.1 then 0.9 degrees of longitude at 20N)');
SELECT is((pg_temp.sm('GAP')).last_seen, pg_temp.t(15), 'its summary stays until it ends again');
SELECT is((pg_temp.sm('DIST')).end_reason, 'gone', 'DIST gone at t=400');
SELECT ok(abs((pg_temp.sm('DIST')).distance_nm - 90) < 1e-6, 'DIST flew 60 + 30 nm');
SELECT is((pg_temp.sm('DIST')).max_altitude, 35000, 'maximum altitude 35,000 ft (1,000, 35,000, 20,000)');
SELECT is((pg_temp.sm('NOLAND')).end_reason, 'gone', 'NOLAND (one slow snapshot) ended gone');
SELECT is((pg_temp.sm('LAND30')).end_reason, 'gone', 'LAND30 (30 kt is not slow) ended gone');
SELECT is((pg_temp.sm('SEC')).sectors, 2, 'SEC: two sectors');
SELECT is((pg_temp.sm('SEC')).sector_seconds,
          '[{"sector": "A", "seconds": 30, "sector_set": "t"}, {"sector": "B", "seconds": 30, "sector_set": "t"}]'::jsonb,
          'A [0, 30) and B [30, 60) (closed gone at last_seen), in the order entered');
SELECT is((pg_temp.sm('SEC')).primary_sector_set || '/' || (pg_temp.sm('SEC')).primary_sector, 't/A',
          'a tie in seconds: the first entered is primary');
SELECT is((pg_temp.sm('AB60')).sectors, 0, 'no sector: 0');
SELECT ok((pg_temp.sm('AB60')).primary_sector IS NULL AND (pg_temp.sm('AB60')).sector_seconds = '[]', 'and no primary');

SELECT is((pg_temp.snap(415, pg_temp.p('GAP', 20, 51.1, 200))).status, 'ingested', 't=415');
SELECT is((pg_temp.snap(716)).status, 'ingested', 't=716: GAP gone again');
SELECT is((SELECT count(*)::int FROM vatsim.flight_summaries WHERE callsign = 'GAP'), 1, 'GAP has one summary');
SELECT is(ROW((pg_temp.sm('GAP')).last_seen, (pg_temp.sm('GAP')).total_s, (pg_temp.sm('GAP')).airborne_s,
              (pg_temp.sm('GAP')).summarised_at),
          ROW(pg_temp.t(415), 415::float8, 30::float8, pg_temp.t(716)),
          'replaced: last_seen t=415, total 415 s, airborne 15 + 15 s');

SELECT * FROM finish();
ROLLBACK;
