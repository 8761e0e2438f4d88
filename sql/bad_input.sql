--
-- bad_input: a document that cannot be used is refused whole with a clear
-- error and changes no row; a bad record is skipped, counted and reported.
--
\getenv fixtures VATSIM_FIXTURES
SET timezone = 'UTC';
\set seq1 :fixtures '/v3-2023-08-07T232929Z-754p-seq1.json'
\set seq2 :fixtures '/v3-2023-08-07T232944Z-757p-seq2.json'
DROP EXTENSION IF EXISTS vatsim_ingest;
CREATE EXTENSION vatsim_ingest;
SELECT status, pilots, controllers, atis, prefiles, rejected
FROM vatsim.ingest_file(:'seq1');

-- A fingerprint of every table in the schema, to prove nothing changed.
\i test/sql/fingerprint.sql
CREATE TEMP TABLE before AS SELECT pg_temp.fingerprint() AS fp;
CREATE FUNCTION pg_temp.unchanged() RETURNS boolean LANGUAGE sql
    AS $$ SELECT pg_temp.fingerprint() = fp FROM before $$;

CREATE TEMP TABLE doc AS SELECT pg_read_file(:'seq2') AS feed;
\set SHOW_CONTEXT never

-- Whole-document errors
SELECT vatsim.ingest('');
SELECT vatsim.ingest('   ');
SELECT vatsim.ingest('not json');
SELECT vatsim.ingest(left(feed, 100000)) FROM doc;
SELECT vatsim.ingest(feed || ' trailing') FROM doc;
SELECT vatsim.ingest('null');
SELECT vatsim.ingest('[1, 2, 3]');
SELECT vatsim.ingest('"a string"');
SELECT vatsim.ingest('{}');
SELECT vatsim.ingest('{"general": []}');
SELECT vatsim.ingest('{"general": {"version": 3}}');
SELECT vatsim.ingest('{"general": {"update_timestamp": 20230807}}');
SELECT vatsim.ingest('{"general": {"update_timestamp": "2023-13-07T23:30:00Z"}}');
SELECT vatsim.ingest('{"general": {"update_timestamp": "2023-08-07 23:30"}}');
SELECT vatsim.ingest(jsonb_set(feed::jsonb, '{pilots}', '{"a": 1}')::text) FROM doc;
SELECT vatsim.ingest(jsonb_set(feed::jsonb, '{controllers}', 'null')::text) FROM doc;
SELECT vatsim.ingest((feed::jsonb - 'atis')::text) FROM doc;
SELECT vatsim.ingest(repeat('[', 1001) || repeat(']', 1001));
SELECT vatsim.ingest('{"general": {"update_timestamp": "2023-08-07T23:45:00Z"}, "x": '
                     || repeat('{"a":', 1200) || '1' || repeat('}', 1200) || '}');
SELECT vatsim.ingest_file(:'fixtures' || '/invalid-utf8.json');
SET vatsim_ingest.max_feed_bytes = '64kB';
SELECT vatsim.ingest(feed) FROM doc;
SELECT vatsim.ingest_file(:'seq2');
RESET vatsim_ingest.max_feed_bytes;
SELECT pg_temp.unchanged() AS unchanged_after_document_errors;

-- Older than the newest stored snapshot: refused; the same one: a no-op
SELECT vatsim.ingest(jsonb_set(feed::jsonb, '{general,update_timestamp}',
                               '"2023-08-07T23:29:14.8856438Z"')::text) FROM doc;
SELECT status, pilots, rejected FROM vatsim.ingest_file(:'seq1');
SELECT pg_temp.unchanged() AS unchanged_after_old_and_duplicate;
SELECT count(*) AS snapshots FROM vatsim.snapshots;

-- Record errors: the record is skipped, the rest is stored
SELECT status, pilots, controllers, rejected
FROM doc, vatsim.ingest(
  jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(
    feed::jsonb,
    '{pilots,12,latitude}', '"north"'),
    '{pilots,13,latitude}', '95.5'),
    '{pilots,14,longitude}', '-180.5'),
    '{pilots,15,latitude}', '"NaN"'),
    '{pilots,16}', (feed::jsonb #> '{pilots,16}') - 'callsign'),
    '{pilots,17}', (feed::jsonb #> '{pilots,17}') - 'cid'),
    '{pilots,18,callsign}', '"ABCDEFGHIJKLMNOPQRSTUVWXYZ"'),
    '{controllers,3,cid}', '"123"')::text);
-- the seven broken pilots and the broken controller are not stored, the rest are
SELECT count(*) AS pilots_stored FROM vatsim.pilots;
SELECT count(*) AS broken_pilots_stored
FROM doc CROSS JOIN generate_series(12, 18) AS i CROSS JOIN vatsim.pilots p
WHERE p.callsign = (feed::jsonb #>> ARRAY['pilots', i::text, 'callsign']);
SELECT count(*) AS broken_controller_stored
FROM doc CROSS JOIN vatsim.controllers c
WHERE c.callsign = (feed::jsonb #>> '{controllers,3,callsign}');
SELECT rejected FROM vatsim.snapshots ORDER BY update_timestamp DESC LIMIT 1;
