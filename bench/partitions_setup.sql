-- partitions_setup.sql: a database of bench/partitions.sh; mode is
-- partitioned (as installed) or plain (positions as in 0.5.0).
\set ON_ERROR_STOP 1
CREATE EXTENSION vatsim_ingest;
SELECT :'mode' = 'plain' AS plain \gset
\if :plain
DELETE FROM vatsim.partitioned_tables;
ALTER EXTENSION vatsim_ingest DROP TABLE vatsim.positions;
DROP TABLE vatsim.positions;
CREATE TABLE vatsim.positions (
    flight_id bigint NOT NULL, ts timestamptz NOT NULL, latitude double precision NOT NULL,
    longitude double precision NOT NULL, altitude integer, groundspeed integer, heading integer,
    transponder text, qnh_i_hg double precision, qnh_mb integer, PRIMARY KEY (flight_id, ts));
\endif
CREATE SCHEMA bench;
-- the snapshot at 23:55 UTC and every 15 s after (2 warm-ups, 2 rounds)
CREATE TABLE bench.docs (step integer PRIMARY KEY, feed text NOT NULL);
INSERT INTO bench.docs
SELECT s, jsonb_set(d, '{general,update_timestamp}',
                    to_jsonb(to_char(timestamp '2021-04-24 23:55:00' + s * interval '15 s', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))::text
FROM (SELECT pg_read_file(:'dir' || '/1925p.json')::jsonb AS d) x, generate_series(0, 2 * (:steps + 2) - 1) s;
