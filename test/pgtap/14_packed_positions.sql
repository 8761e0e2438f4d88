-- Packed position history (vatsim.position_packs, vatsim.pack_positions,
-- vatsim.flight_positions, vatsim.position_history).  The real replay
-- (test/sql/replay.sql: seq1, seq2, seq3 and ten dead-reckoned steps, whose
-- coordinates are not short decimals) plus handmade tracks with the values
-- a codec gets wrong (-0.0, 0.1 + 0.2, NaN, infinities, tiny and huge
-- doubles, negative altitudes, NULLs, an empty transponder) are copied
-- before packing; after it every position must come back bit for bit
-- (float8send), and every reader of old positions (flight_track,
-- track_geojson, flight_stats, flight, flight_analytics) must return what
-- it returned from the rows.  Also: the cutoff (whole hours, and never
-- within max(stale_after, reconnect_grace) of the newest snapshot), batches
-- that end inside an hour (merged by the next call), packing twice, a
-- position both packed and a row, corrupt packs, privileges.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(39);

\i test/sql/synthetic.sql
\i test/sql/replay.sql
SELECT is(replay.run(1, 13), 13, 'thirteen snapshots replayed (23:29 to 00:06 UTC, across an hour and a day)');

-- handmade: flight 900000001 from 21:55 to 23:19:45 (three hours, the last
-- not closed at first), flight 900000002 one position
INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude, altitude, groundspeed, heading,
                              transponder, qnh_i_hg, qnh_mb)
SELECT 900000001, timestamptz '2023-08-07 21:55:00+00' + i * interval '15 s' + (i % 7) * interval '1 ms',
       CASE i % 9 WHEN 0 THEN '-0'::float8 WHEN 1 THEN 0.1 + 0.2 WHEN 2 THEN 'NaN' WHEN 3 THEN 'Infinity'
                  WHEN 4 THEN '-Infinity' WHEN 5 THEN 1e-300 WHEN 6 THEN 5e-324 ELSE 51.47083 + i * 0.0001 END,
       CASE WHEN i % 5 = 0 THEN 1e300 ELSE -0.45389 - i / 3.0 END,
       CASE WHEN i % 4 = 0 THEN NULL ELSE -50 + i END,
       CASE WHEN i % 6 = 0 THEN NULL ELSE i % 500 END,
       CASE WHEN i = 10 THEN NULL ELSE (i * 7) % 361 END,
       CASE i % 50 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE '7000' END,
       CASE WHEN i < 100 THEN 29.92 WHEN i < 200 THEN NULL ELSE 30.01 END,
       CASE WHEN i < 150 THEN 1013 WHEN i < 250 THEN NULL ELSE -2147483648 END
FROM generate_series(0, 339) AS i;
INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude)
VALUES (900000002, '2023-08-07 12:34:56.789012+00', -33.946111, 151.177222);

-- every position, its doubles as bytes
CREATE TEMP TABLE before AS
SELECT flight_id, ts, float8send(latitude) AS lat, float8send(longitude) AS lon, altitude, groundspeed,
       heading, transponder, float8send(qnh_i_hg) AS qnh_i_hg, qnh_mb
FROM vatsim.positions;
CREATE TEMP VIEW now_history AS
SELECT flight_id, ts, float8send(latitude) AS lat, float8send(longitude) AS lon, altitude, groundspeed,
       heading, transponder, float8send(qnh_i_hg) AS qnh_i_hg, qnh_mb
FROM vatsim.position_history;
SELECT cmp_ok((SELECT count(*)::int FROM before), '>', 8000, 'more than 8000 positions before packing');
SELECT is((SELECT count(*)::int FROM vatsim.position_packs), 0, 'no packs yet');

-- the clamp: the newest snapshot is 00:06:29, reconnect_grace 600 s, so the
-- cutoff is 23:56:29 floored to 23:00: only the hours before 23:00 pack,
-- not the replay (from 23:29) nor the handmade hour from 23:00
SELECT cmp_ok(vatsim.pack_positions('infinity', 1000000)::int, '>', 0, 'pack_positions moves the hours before the cutoff');
SELECT is((SELECT count(*)::int FROM vatsim.positions WHERE ts < '2023-08-07 23:00+00'), 0,
          'every position before 23:00 is packed');
SELECT is((SELECT count(*)::int FROM vatsim.positions WHERE flight_id = 900000001),
          (SELECT count(*)::int FROM before WHERE flight_id = 900000001 AND ts >= '2023-08-07 23:00+00'),
          'the hour from 23:00 (not closed before the cutoff) stays rows');
SELECT is((SELECT array_agg(ts ORDER BY ts) FROM vatsim.flight_positions(900000001)),
          (SELECT array_agg(ts ORDER BY ts) FROM before WHERE flight_id = 900000001),
          'flight_positions: packs then rows, in ts order');
SELECT is((SELECT array_agg(p.ts) FROM vatsim.flight_positions(900000001, '2023-08-07 22:59:45+00', '2023-08-07 23:00:15.001+00') p),
          (SELECT array_agg(ts ORDER BY ts) FROM before WHERE flight_id = 900000001
             AND ts BETWEEN '2023-08-07 22:59:45+00' AND '2023-08-07 23:00:15.001+00'),
          'since and until are inclusive, across a pack and the rows');
SELECT is((SELECT count(*)::int FROM vatsim.positions WHERE flight_id < 900000000),
          (SELECT count(*)::int FROM before WHERE flight_id < 900000000),
          'the replay (23:29 onwards, within an hour of the newest snapshot) stays rows');
SELECT is((SELECT count(*)::int FROM vatsim.position_packs WHERE period_start <> date_trunc('hour', period_start, 'UTC')
                                                              OR first_ts < period_start OR last_ts >= period_start + interval '1 hour'), 0,
          'each pack holds one UTC hour');

-- an empty snapshot at 2024-01-01 01:00: everything before 00:00 may pack
SELECT is((pg_temp.snap(0)).pilots, 0, 'an empty snapshot at 2024-01-01 01:00');

-- what the readers return from the rows (the handmade flights have no flights row)
CREATE TEMP TABLE readers_before AS
SELECT f.flight_id,
       (SELECT array_agg(t::text ORDER BY t.ts) FROM vatsim.flight_track(f.flight_id, NULL, 10000) t) AS track,
       (SELECT array_agg(t::text ORDER BY t.ts) FROM vatsim.flight_track(f.flight_id, '2023-08-08 00:04:00+00', 3) t) AS page,
       vatsim.track_geojson(f.flight_id)::text AS geojson,
       (SELECT s::text FROM vatsim.flight_stats(f.flight_id) s) AS stats,
       (SELECT x::text FROM vatsim.flight(f.callsign) x) AS flight
FROM vatsim.flights f;
CREATE TEMP TABLE analytics_before AS
SELECT a::text AS a FROM vatsim.flight_analytics('2023-08-07 23:29:44+00', '2023-08-08 00:05:00+00') a;

-- small batches: each ends inside an hour, the next merges into its pack
CREATE TEMP TABLE batches (n bigint);
DO $$
DECLARE
    k bigint;
BEGIN
    LOOP
        k := vatsim.pack_positions('infinity', 700);
        INSERT INTO batches VALUES (k);
        EXIT WHEN k = 0 OR (SELECT count(*) FROM batches) > 100;
    END LOOP;
END $$;
SELECT cmp_ok((SELECT count(*)::int FROM batches), '>', 5, 'batches of 700 take several calls');
SELECT cmp_ok((SELECT count(*)::int FROM batches WHERE n NOT IN (0, 700)), '<=', 1, 'every call but the last two moves exactly max_rows');
SELECT is((SELECT n FROM batches ORDER BY n LIMIT 1), 0::bigint, 'the last call finds nothing left');
SELECT is((SELECT count(*)::int FROM vatsim.positions), 0, 'every position is packed now');
SELECT is((SELECT sum(n)::int FROM vatsim.position_packs) + (SELECT count(*)::int FROM vatsim.positions),
          (SELECT count(*)::int FROM before), 'packs and rows hold as many positions as before');
SELECT is((SELECT count(*)::int FROM (SELECT flight_id, date_trunc('hour', ts, 'UTC') FROM before
                                      GROUP BY 1, 2) g),
          (SELECT count(*)::int FROM vatsim.position_packs), 'one pack per flight and hour');

-- exactness: every column, doubles bit for bit, both ways
SELECT is((SELECT count(*)::int FROM (SELECT * FROM before EXCEPT ALL SELECT * FROM now_history) d), 0,
          'position_history has every position of before, bit for bit');
SELECT is((SELECT count(*)::int FROM (SELECT * FROM now_history EXCEPT ALL SELECT * FROM before) d), 0,
          'and nothing else');
SELECT is((SELECT count(*)::int FROM before b WHERE b.flight_id <> 900000002 AND b.lat IN (float8send('-0'), float8send('NaN'), float8send(0.1 + 0.2))), 114,
          'the handmade values that need escapes were there to check');
SELECT is((SELECT array_agg(p.ts) FROM vatsim.flight_positions(900000001, '2023-08-07 22:00+00', '2023-08-07 22:01:00.003+00') p),
          (SELECT array_agg(ts ORDER BY ts) FROM before WHERE flight_id = 900000001
             AND ts BETWEEN '2023-08-07 22:00+00' AND '2023-08-07 22:01:00.003+00'),
          'since and until inside one pack');
SELECT is((SELECT count(*)::int FROM vatsim.flight_positions(900000001, '2023-08-07 23:10+00', '2023-08-07 22:00+00')), 0,
          'since after until: nothing');
SELECT is((SELECT count(*)::int FROM vatsim.flight_positions(NULL)), 0, 'a NULL flight: nothing');

SELECT is((SELECT array_agg(w::text ORDER BY k.flight_id, k.period_start)
           FROM vatsim.position_packs k, vatsim.pack_window_stats(k.data, '2023-08-07 22:10+00', '2023-08-07 23:59:59+00') w),
          (SELECT array_agg(m::text ORDER BY k.flight_id, k.period_start)
           FROM vatsim.position_packs k,
                LATERAL (SELECT count(*), sum(b.groundspeed)::bigint, count(b.groundspeed), max(b.altitude) FROM before b
                         WHERE b.flight_id = k.flight_id AND b.ts >= k.period_start AND b.ts < k.period_start + interval '1 hour'
                           AND b.ts BETWEEN '2023-08-07 22:10+00' AND '2023-08-07 23:59:59+00') m),
          'pack_window_stats: count, groundspeed sum and count, maximum altitude of the window (NULLs skipped)');

-- the readers: the same rows from the packs
SELECT is((SELECT count(*)::int FROM readers_before r
           WHERE r.track IS DISTINCT FROM (SELECT array_agg(t::text) FROM vatsim.flight_track(r.flight_id, NULL, 10000) t)),
          0, 'flight_track returns the same rows for every flight, in ts order');
SELECT is((SELECT count(*)::int FROM readers_before r
           WHERE r.page IS DISTINCT FROM (SELECT array_agg(t::text) FROM vatsim.flight_track(r.flight_id, '2023-08-08 00:04:00+00', 3) t)),
          0, 'and the same keyset pages');
SELECT is((SELECT count(*)::int FROM readers_before r WHERE r.geojson IS DISTINCT FROM vatsim.track_geojson(r.flight_id)::text),
          0, 'track_geojson returns the same document for every flight');
SELECT is((SELECT count(*)::int FROM readers_before r
           WHERE r.stats IS DISTINCT FROM (SELECT s::text FROM vatsim.flight_stats(r.flight_id) s)),
          0, 'flight_stats returns the same row for every flight');
SELECT is((SELECT count(*)::int FROM readers_before r JOIN vatsim.flights f USING (flight_id)
           WHERE r.flight IS DISTINCT FROM (SELECT x::text FROM vatsim.flight(f.callsign) x)),
          0, 'flight(callsign) returns the same newest position');
SELECT is((SELECT a::text FROM vatsim.flight_analytics('2023-08-07 23:29:44+00', '2023-08-08 00:05:00+00') a),
          (SELECT a FROM analytics_before), 'flight_analytics counts the same window');

-- packing twice changes nothing
CREATE TEMP TABLE packs_before AS SELECT * FROM vatsim.position_packs;
SELECT is(vatsim.pack_positions('infinity', 1000000), 0::bigint, 'a second pack_positions moves nothing');
SELECT is((SELECT count(*)::int FROM (SELECT * FROM vatsim.position_packs EXCEPT ALL SELECT * FROM packs_before) d), 0,
          'and leaves the packs as they were');

-- a position both packed and a row
SAVEPOINT dup;
INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude) VALUES (900000002, '2023-08-07 12:34:56.789012+00', 1, 2);
SELECT throws_ok($$SELECT vatsim.pack_positions('infinity', 10)$$, '23505', NULL,
                 'a row at the time of a packed position is refused, nothing packed');
SELECT throws_ok($$SELECT * FROM vatsim.flight_positions(900000002)$$, 'XX001', NULL,
                 'and flight_positions says so rather than return it twice');
ROLLBACK TO SAVEPOINT dup;

-- corrupt packs
SELECT throws_ok($$SELECT * FROM vatsim.unpack_positions('\x01ff'::bytea)$$, 'XX001', 'position pack is corrupt',
                 'unpack_positions rejects a truncated pack');
UPDATE vatsim.position_packs SET data = substr(data, 1, length(data) - 1) WHERE flight_id = 900000002;
SELECT throws_ok($$SELECT * FROM vatsim.flight_positions(900000002)$$, 'XX001',
                 'position pack of flight 900000002 for the hour from 2023-08-07T12:00:00.000000Z is corrupt',
                 'flight_positions names the flight and hour of a corrupt pack');
SELECT throws_ok($$SELECT vatsim.pack_positions('infinity', 0)$$, '22023', 'max_rows must be at least 1',
                 'max_rows below 1 is refused');

-- privileges
SELECT ok(NOT has_function_privilege('vatsim_reader', 'vatsim.pack_positions(timestamptz, integer)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'vatsim.pack_positions(timestamptz, integer)', 'EXECUTE'),
          'pack_positions is for superusers (and the worker) only');
SELECT ok(has_function_privilege('vatsim_reader', 'vatsim.flight_positions(bigint, timestamptz, timestamptz)', 'EXECUTE')
          AND has_table_privilege('vatsim_reader', 'vatsim.position_history', 'SELECT')
          AND has_table_privilege('vatsim_reader', 'vatsim.position_packs', 'SELECT')
          AND NOT has_table_privilege('vatsim_reader', 'vatsim.position_packs', 'INSERT'),
          'vatsim_reader reads packs and history, writes nothing');

SELECT * FROM finish();
ROLLBACK;
