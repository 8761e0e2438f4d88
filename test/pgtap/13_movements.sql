-- Departures and arrivals at real airports (VATSpy.dat), rule by rule at
-- its edges on synthetic snapshots: takeoff at exactly airborne_speed_kt
-- (60) but not 59, landing below it, the airport radius (at it, beyond it:
-- no airport), the altitude change (3000 ft, 3001), the gap (stale_after
-- exactly, one second more), no flight no movement; then buckets with
-- empty ones and a window across midnight, daily totals (UTC whatever the
-- session's time zone, through the (icao, ts) index); then a sequence built
-- from a real snapshot checked against an independent SQL model.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(33);

SELECT airports FROM vatsim.load_airports(pg_read_file(:'fixtures' || '/vatspy/VATSpy.dat'));
\i test/sql/synthetic.sql

-- YSSY (Sydney) 0 ft .. and a flight's movements as text: kind icao @seconds
CREATE FUNCTION pg_temp.mv(cs text) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s %s @%s', kind, coalesce(icao, '-'),
                                      extract(epoch FROM ts - pg_temp.t(0))::int), ', ' ORDER BY ts), '')
    FROM vatsim.movements WHERE callsign = cs
$$;
-- a query's plan as text
CREATE FUNCTION pg_temp.plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    l text;
    r text := '';
BEGIN
    FOR l IN EXECUTE 'EXPLAIN ' || q LOOP
        r := r || l || E'\n';
    END LOOP;
    RETURN r;
END $$;
CREATE TEMP TABLE yssy AS SELECT latitude AS lat, longitude AS lon FROM vatsim.airports WHERE icao = 'YSSY' AND entry = 1;
-- a point at sea off Sydney, and its distance to the nearest airport
CREATE TEMP TABLE sea AS
SELECT -33.95::float8 AS slat, 151.30::float8 AS slon,
       (SELECT distance_nm FROM vatsim.nearest_airport(-33.95, 151.30, 50)) AS d,
       (SELECT icao FROM vatsim.nearest_airport(-33.95, 151.30, 50)) AS icao;
-- and one a little farther out, nothing within d of it
CREATE TEMP TABLE sea2 AS SELECT -33.95::float8 AS lat, 151.31::float8 AS lon;

SELECT ok((SELECT d > 3 AND d < 5 AND icao = 'YRWK' FROM sea), 'the sea point is 3..5 nm from Randwick (YRWK), its nearest airport');
SELECT is_empty(format('SELECT * FROM vatsim.nearest_airport(%s, %s, %s)', s2.lat, s2.lon, s.d),
                'nothing within that distance of the second sea point')
FROM sea s, sea2 s2;

SELECT is(current_setting('vatsim_ingest.movement_radius_nm'), '5', 'movement_radius_nm defaults to 5');
SELECT is(current_setting('vatsim_ingest.movement_max_climb_ft'), '3000', 'movement_max_climb_ft defaults to 3000');
SELECT is(current_setting('vatsim_ingest.airborne_speed_kt'), '60', 'airborne_speed_kt defaults to 60');

-- t=0: everyone on the ground (or in the air for the arrivals)
SELECT status FROM yssy, sea, pg_temp.snap(0,
    pg_temp.p('DEP60', lat, lon, 0, 21), pg_temp.p('DEP59', lat, lon, 0, 21),
    pg_temp.p('ARR59', lat + 0.02, lon, 60, 600), pg_temp.p('ARR60', lat + 0.02, lon, 61, 600),
    pg_temp.p('ALT3000', lat, lon, 0, 21), pg_temp.p('ALT3001', lat, lon, 0, 21),
    pg_temp.p('SEA', slat, slon, 0, 0), pg_temp.p('GAP300', lat, lon, 0, 21),
    pg_temp.p('GAP301', lat, lon, 0, 21), pg_temp.p('STAY', lat, lon, 5, 21));
-- t=15: the radius is exactly the sea point's distance for this snapshot
SELECT set_config('vatsim_ingest.movement_radius_nm', d::text, true) IS NOT NULL FROM sea;
SELECT status FROM yssy, sea, pg_temp.snap(15,
    pg_temp.p('DEP60', lat + 0.001, lon, 60, 300), pg_temp.p('DEP59', lat + 0.001, lon, 59, 300),
    pg_temp.p('ARR59', lat, lon, 59, 21), pg_temp.p('ARR60', lat, lon, 60, 21),
    pg_temp.p('ALT3000', lat, lon, 150, 3021), pg_temp.p('ALT3001', lat, lon, 150, 3022),
    pg_temp.p('SEA', slat, slon, 80, 0), pg_temp.p('STAY', lat, lon, 7, 21));
RESET vatsim_ingest.movement_radius_nm;

SELECT is(pg_temp.mv('DEP60'), 'departure YSSY @15', 'ground then exactly 60 kt: a departure at YSSY, at the airborne snapshot');
SELECT is(pg_temp.mv('DEP59'), '', 'ground then 59 kt: still on the ground, nothing');
SELECT is(pg_temp.mv('ARR59'), 'arrival YSSY @15', '60 kt then 59 kt: an arrival at YSSY, at the ground snapshot');
SELECT is(pg_temp.mv('ARR60'), '', '61 kt then 60 kt: still airborne, nothing');
SELECT is(pg_temp.mv('ALT3000'), 'departure YSSY @15', 'an altitude change of exactly movement_max_climb_ft: a departure');
SELECT is(pg_temp.mv('ALT3001'), '', '3001 ft: no movement (not a takeoff from that field)');
SELECT is(pg_temp.mv('SEA'), 'departure YRWK @15', 'ground side exactly at movement_radius_nm: that airport');
SELECT is(pg_temp.mv('STAY'), '', 'taxiing: nothing');
SELECT results_eq($$SELECT flight_id = (SELECT flight_id FROM vatsim.flights WHERE callsign = 'DEP60'),
                           kind, icao, airport_name, distance_nm, ts, groundspeed, altitude, latitude,
                           prev_ts, prev_groundspeed, prev_altitude, prev_latitude, prev_longitude
                    FROM vatsim.movements WHERE callsign = 'DEP60'$$,
                  $$SELECT true, 'departure', 'YSSY', 'Sydney/Kingsford Smith', 0::float8, pg_temp.t(15), 60, 300,
                           lat + 0.001, pg_temp.t(0), 0, 21, lat, lon FROM yssy$$,
                  'the evidence: both snapshots'' times, positions, speeds and altitudes; the airport from the ground side');
SELECT results_eq($$SELECT icao, distance_nm, latitude, prev_latitude FROM vatsim.movements WHERE callsign = 'ARR59'$$,
                  $$SELECT 'YSSY', 0::float8, lat, lat + 0.02 FROM yssy$$,
                  'an arrival''s airport is measured from its ground-side (newer) position');

-- the gap: the previous stored position exactly stale_after old counts, one second more does not
SELECT status FROM yssy, pg_temp.snap(300, pg_temp.p('GAP300', lat, lon, 100, 500));
SELECT status FROM yssy, pg_temp.snap(301, pg_temp.p('GAP301', lat, lon, 100, 500));
SELECT is(pg_temp.mv('GAP300'), 'departure YSSY @300', 'previous position exactly stale_after (300 s) before: a departure');
SELECT is(pg_temp.mv('GAP301'), '', '301 s before: no movement');

-- beyond the radius: the movement is kept with no airport
SELECT status FROM sea2, pg_temp.snap(315, pg_temp.p('FAR', lat, lon, 0, 0));
SELECT set_config('vatsim_ingest.movement_radius_nm', d::text, true) IS NOT NULL FROM sea;
SELECT status FROM sea2, pg_temp.snap(330, pg_temp.p('FAR', lat, lon, 90, 200));
RESET vatsim_ingest.movement_radius_nm;
SELECT is(pg_temp.mv('FAR'), 'departure - @330', 'ground side beyond movement_radius_nm: a movement with no airport');
SELECT results_eq($$SELECT airport_name, distance_nm FROM vatsim.movements WHERE callsign = 'FAR'$$,
                  $$VALUES (NULL::text, NULL::float8)$$, 'no airport: name and distance NULL');

-- a pilot with no flight (outside the region here) has no movement
SELECT * FROM vatsim.load_sectors('r', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "R"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}$$);
SET LOCAL vatsim_ingest.region = 'r';
SELECT status FROM yssy, pg_temp.snap(345, pg_temp.p('NOFLT', lat, lon, 0, 21));
SELECT status FROM yssy, pg_temp.snap(360, pg_temp.p('NOFLT', lat, lon, 100, 200));
RESET vatsim_ingest.region;
SELECT is(pg_temp.mv('NOFLT'), '', 'a pilot without a flight (outside vatsim_ingest.region): no movement');

-- across midnight: a departure at 23:59:50 and an arrival at 00:00:10 UTC
SELECT status FROM yssy, pg_temp.snap(82775, pg_temp.p('MID1', lat, lon, 0, 21));
SELECT status FROM yssy, pg_temp.snap(82790, pg_temp.p('MID1', lat, lon, 100, 400), pg_temp.p('MID2', lat, lon, 100, 400));
SELECT status FROM yssy, pg_temp.snap(82810, pg_temp.p('MID2', lat, lon, 20, 21));
SELECT is(pg_temp.mv('MID1') || ' / ' || pg_temp.mv('MID2'), 'departure YSSY @82790 / arrival YSSY @82810',
          'a departure at 23:59:50 and an arrival at 00:00:10');

SET LOCAL TimeZone = 'America/New_York';
SELECT results_eq($$SELECT * FROM vatsim.airport_movements('YSSY', '2024-01-01 23:00Z', '2024-01-02 02:00Z')$$,
                  $$VALUES ('2024-01-01 23:00Z'::timestamptz, 1::bigint, 0::bigint),
                           ('2024-01-02 00:00Z', 0, 1), ('2024-01-02 01:00Z', 0, 0)$$,
                  'hourly buckets across midnight, UTC-aligned, the empty one included');
SELECT results_eq($$SELECT * FROM vatsim.airport_movements('YSSY', '2024-01-01 00:30Z', '2024-01-01 03:00Z', '1 hour')$$,
                  $$VALUES ('2024-01-01 00:00Z'::timestamptz, 0::bigint, 0::bigint),
                           ('2024-01-01 01:00Z', 3, 1), ('2024-01-01 02:00Z', 0, 0)$$,
                  'the first bucket starts on the hour before since; 3 departures and 1 arrival at YSSY from 01:00');
SELECT results_eq($$SELECT * FROM vatsim.airport_movements('YSSY', '2024-01-01 23:59:50Z', '2024-01-02 00:00:10Z', '10 seconds')$$,
                  $$VALUES ('2024-01-01 23:59:50Z'::timestamptz, 1::bigint, 0::bigint), ('2024-01-02 00:00:00Z', 0, 0)$$,
                  '[since, until): a movement at since counts, one at until does not');
SELECT results_eq($$SELECT * FROM vatsim.airport_movements('YSSY', '2024-01-01 00:00Z', '2024-01-03 00:00Z', '1 day')$$,
                  $$VALUES ('2024-01-01 00:00Z'::timestamptz, 4::bigint, 1::bigint), ('2024-01-02 00:00Z', 0, 1)$$,
                  'daily buckets start at 00:00 UTC whatever the session''s time zone');
SELECT is_empty($$SELECT * FROM vatsim.airport_movements('YSSY', '2024-01-02Z', '2024-01-01Z')$$, 'until before since: no bucket');
SELECT throws_ok($$SELECT * FROM vatsim.airport_movements('YSSY', '2024-01-01Z', '2024-01-02Z', '1 month')$$,
                 '22023', 'bucket 1 mon is not a positive interval of days, hours, minutes or seconds',
                 'a bucket of a month is refused');
SELECT throws_ok($$SELECT * FROM vatsim.airport_movements('YSSY', '2024-01-01Z', '2025-01-01Z', '1 second')$$,
                 '54000', 'too many buckets', 'more than 100000 buckets are refused');

SELECT results_eq($$SELECT day, departures, arrivals FROM vatsim.airport_daily_movements WHERE icao = 'YSSY' ORDER BY day$$,
                  $$VALUES ('2024-01-01'::date, 4::bigint, 1::bigint), ('2024-01-02', 0, 1)$$,
                  'daily totals by UTC day (the session is in New York)');
SET LOCAL enable_seqscan = off;
SELECT ok(pg_temp.plan($$SELECT * FROM vatsim.airport_daily_movements WHERE icao = 'YSSY'$$)
          ~ 'movements_icao_ts_idx[^\n]*\n[^\n]*Index Cond: [^\n]*icao = ''YSSY''',
          'one airport''s daily totals read only its rows of the (icao, ts) index');
RESET enable_seqscan;
RESET TimeZone;

-- An independent model on a sequence built from a real snapshot (seq3, 737
-- pilots): three snapshots 15 s apart, every pilot at its real position and
-- altitude, groundspeeds replaced by a rule on the cid (ground -> air,
-- air -> ground, unchanged, a 5000 ft jump), checked against a plain SQL
-- computation of the rule with its own haversine.
CREATE TEMP TABLE src AS
SELECT pg_read_file(:'fixtures' || '/v3-2023-08-08T000359Z-737p-seq3.json')::jsonb AS doc;
CREATE TEMP TABLE seq AS
SELECT k, timestamptz '2024-06-01 12:00:00Z' + k * interval '15 s' AS ts,
       p ->> 'callsign' AS callsign, (p ->> 'latitude')::float8 AS lat, (p ->> 'longitude')::float8 AS lon,
       (p ->> 'altitude')::int + CASE WHEN (p ->> 'cid')::int % 7 = 3 AND k = 2 THEN 5000 ELSE 0 END AS alt,
       CASE ((p ->> 'cid')::int % 7, k)
           WHEN (0, 1) THEN 0 WHEN (0, 2) THEN 150 WHEN (0, 3) THEN 150
           WHEN (1, 1) THEN 150 WHEN (1, 2) THEN 0 WHEN (1, 3) THEN 59
           WHEN (2, 1) THEN 0 WHEN (2, 2) THEN 60 WHEN (2, 3) THEN 59
           WHEN (3, 1) THEN 0 WHEN (3, 2) THEN 150 WHEN (3, 3) THEN 150
           ELSE (p ->> 'groundspeed')::int END AS gs,
       p AS rec
FROM src, jsonb_array_elements(src.doc -> 'pilots') AS p, generate_series(1, 3) AS k;
SELECT is((SELECT count(*)::int FROM seq WHERE k = 1), 737, 'the sequence: the 737 pilots of seq3');
DO $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT k, ts, jsonb_agg(rec || jsonb_build_object('groundspeed', gs, 'altitude', alt)) AS pilots
             FROM seq GROUP BY k, ts ORDER BY k LOOP
        PERFORM vatsim.ingest(jsonb_set(jsonb_set(src.doc, '{general,update_timestamp}',
                    to_jsonb(to_char(s.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))),
                    '{pilots}', s.pilots)::text)
        FROM src;
    END LOOP;
END
$$;

CREATE TEMP TABLE model AS
WITH pairs AS (
    SELECT b.callsign, b.ts, b.lat, b.lon, b.gs, b.alt, a.ts AS prev_ts, a.lat AS plat, a.lon AS plon,
           a.gs AS pgs, a.alt AS palt, b.gs >= 60 AS up
    FROM seq a JOIN seq b ON b.callsign = a.callsign AND b.k = a.k + 1
    WHERE (a.gs >= 60) <> (b.gs >= 60) AND abs(b.alt - a.alt) <= 3000),
ground AS (
    SELECT pairs.*, CASE WHEN up THEN plat ELSE lat END AS glat, CASE WHEN up THEN plon ELSE lon END AS glon FROM pairs)
SELECT g.callsign, CASE WHEN g.up THEN 'departure' ELSE 'arrival' END AS kind, g.ts, ap.icao,
       round(ap.nm::numeric, 6) AS nm
FROM ground g LEFT JOIN LATERAL (
    SELECT a.icao, h.nm FROM vatsim.airports a,
    LATERAL (SELECT 2 * 3440.065 * atan2(sqrt(x.h), sqrt(1 - x.h)) AS nm
             FROM (SELECT sin(radians(a.latitude - g.glat) / 2) ^ 2
                          + cos(radians(g.glat)) * cos(radians(a.latitude))
                            * sin(radians(a.longitude - g.glon) / 2) ^ 2 AS h) x) h
    WHERE NOT a.is_pseudo AND h.nm <= 5
    ORDER BY h.nm, a.icao, a.entry LIMIT 1) ap ON true;

SELECT ok((SELECT count(*) FILTER (WHERE icao IS NOT NULL AND kind = 'departure') >= 20
              AND count(*) FILTER (WHERE icao IS NULL) >= 20
              AND count(*) FILTER (WHERE kind = 'arrival' AND icao IS NOT NULL) >= 5 FROM model),
          'the model has departures and arrivals at airports, and movements away from any');
SELECT set_eq($$SELECT callsign, kind, ts, icao, round(distance_nm::numeric, 6) FROM vatsim.movements
                WHERE ts > '2024-06-01Z'$$,
              $$SELECT callsign, kind, ts, icao, nm FROM model$$,
              'the real sequence: exactly the movements of the independent model');

SELECT * FROM finish();
ROLLBACK;
