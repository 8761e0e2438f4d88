--
-- filled_database.sql: a database of the newest version with a row in every
-- table (test/shell/dump_roundtrip.sh, test/shell/15_upgrades.sh).  psql
-- variables: seq1, seq2 (snapshots), vatspy (Boundaries.geojson), vatspy_dat.
-- VATSpy sectors and airports, every position tracked, seq1, one position
-- packed by vatsim.pack_positions, positions in two daily partitions, seq2
-- with a transceivers document that makes one ATC contact, and by hand a
-- run-log row, a transceiver, a controller range, a flight summary and a
-- controller summary with an hours row.
--
\set ON_ERROR_STOP 1
SELECT sector_set FROM vatsim.load_sectors('vatspy', pg_catalog.pg_read_file(:'vatspy'), 'id');
SELECT airports FROM vatsim.load_airports(pg_catalog.pg_read_file(:'vatspy_dat'));
SELECT vatsim.load_tracked_positions('*');
SELECT status FROM vatsim.ingest_file(:'seq1');
INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude, altitude)
VALUES (0, '2023-08-07 20:00:00+00', 1.5, 2.25, -10);
SELECT vatsim.pack_positions('infinity', 100);
SELECT vatsim.ensure_partitions('0 days', '2023-08-06 12:00:00+00');
INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude, altitude)
VALUES (0, '2023-08-06 20:00:00+00', 1.5, 2.25, -10);
WITH d AS (SELECT pg_catalog.pg_read_file(:'seq2') AS doc),
     c AS (SELECT c.value ->> 'callsign' AS atc, (c.value ->> 'frequency')::numeric * 1000000 AS hz,
                  d.doc::jsonb -> 'pilots' -> 0 AS p
           FROM d, jsonb_array_elements(d.doc::jsonb -> 'controllers') c
           WHERE (c.value ->> 'facility')::int > 0 AND c.value ->> 'frequency' <> '199.998' LIMIT 1),
     t AS (SELECT jsonb_build_object('id', 0, 'frequency', c.hz::bigint, 'latDeg', (c.p ->> 'latitude')::float8,
                                     'lonDeg', (c.p ->> 'longitude')::float8) AS tx FROM c)
SELECT status FROM d, c, t, vatsim.ingest(d.doc, jsonb_build_array(
    jsonb_build_object('callsign', c.atc, 'transceivers', jsonb_build_array(t.tx)),
    jsonb_build_object('callsign', c.p ->> 'callsign', 'transceivers', jsonb_build_array(t.tx)))::text);
INSERT INTO vatsim.controller_ranges VALUES ('RDR', 'Radar', 150);
INSERT INTO vatsim.runs (started_at, finished_at, result, duration_ms) VALUES (now(), now(), 'ok', 1.5);
INSERT INTO vatsim.transceivers (callsign, transceiver_id, frequency_hz, latitude, longitude, height_msl_m, height_agl_m)
VALUES ('TEST_CTR', 0, 124350000, 51.5, -0.1, 30, 2);
INSERT INTO vatsim.flight_summaries (flight_id, cid, callsign, first_seen, last_seen, end_reason, total_s,
    airborne_s, distance_nm, sectors, sector_seconds, controllers, contact_s, airborne_contact_s, summarised_at)
VALUES (0, 1, 'TEST0', now(), now(), 'gone', 0, 0, 0, 0, '[]', '[]', 0, 0, now());
INSERT INTO vatsim.controller_summaries
SELECT session_id, cid, callsign, 'Test', 1, facility, rating, logon_time, last_seen, 0, connections,
       is_observer, no_frequency, frequencies, 0, 0, NULL, 0, last_seen
FROM vatsim.controller_sessions ORDER BY session_id LIMIT 1;
INSERT INTO vatsim.controller_summary_hours
SELECT session_id, pg_catalog.date_trunc('hour', ended_at, 'UTC'), 0, 0, 0 FROM vatsim.controller_summaries;
