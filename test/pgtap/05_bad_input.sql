-- Each unusable document is refused with its own SQLSTATE and a detail that
-- names the place, and after each one every table is exactly as before.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
\set seq1 :fixtures '/v3-2023-08-07T232929Z-754p-seq1.json'
\set seq2 :fixtures '/v3-2023-08-07T232944Z-757p-seq2.json'
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(2 * 20 + 2);

CREATE TEMP TABLE seeded AS SELECT * FROM vatsim.ingest_file(:'seq1');
CREATE TEMP TABLE doc AS SELECT pg_read_file(:'seq2') AS feed, :'fixtures'::text AS dir;

\i test/sql/fingerprint.sql
CREATE TEMP TABLE before AS SELECT pg_temp.fingerprint() AS fp;

\i test/sql/refused.sql

SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest('')$$, '22032', 'Document is empty.', 'empty');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest('not json')$$, '22032', 'Invalid JSON at byte 0%', 'not JSON');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(left(feed, 400000)) FROM doc$$, '22032', 'Unexpected end of input%', 'truncated');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(feed || '{}') FROM doc$$, '22032', 'Unexpected data after the JSON value%', 'two documents');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest('null')$$, '2203C', 'Top level is null%', 'null');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest('[]')$$, '2203C', 'Top level is an array%', 'an array');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest((feed::jsonb - 'general')::text) FROM doc$$, '2203A', '%general%missing%', 'missing general');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest((feed::jsonb #- '{general,update_timestamp}')::text) FROM doc$$, '2203A', '%general.update_timestamp%missing%', 'missing update_timestamp');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(jsonb_set(feed::jsonb, '{general,update_timestamp}', '"2023-08-07T24:00:00Z"')::text) FROM doc$$, '22007', '%2023-08-07T24:00:00Z%', 'hour 24');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(jsonb_set(feed::jsonb, '{general,update_timestamp}', '"yesterday"')::text) FROM doc$$, '22007', '%yesterday%', 'not a timestamp');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(jsonb_set(feed::jsonb, '{pilots}', '"none"')::text) FROM doc$$, '22023', '%pilots%not an array%', 'pilots not an array');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest((feed::jsonb - 'controllers')::text) FROM doc$$, '2203A', '%controllers%missing%', 'missing controllers');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(jsonb_set(feed::jsonb, '{servers}', '{}')::text) FROM doc$$, '22023', '%servers%not an array%', 'servers not an array');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(jsonb_set(feed::jsonb, '{military_ratings}', '3')::text) FROM doc$$, '22023', '%military_ratings%not an array%', 'military_ratings not an array');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(repeat('[', 5000) || repeat(']', 5000))$$, '54000', 'Nesting deeper than 1000 levels%', 'nesting too deep');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest_file(dir || '/invalid-utf8.json') FROM doc$$, '22021', 'Invalid UTF-8 at byte 89%', 'invalid UTF-8');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(replace(feed, '"update_timestamp":"2023-08-07T23:29:44.877148Z"', '"update_timestamp":"2023-08-07T23:29:14.877148Z"')) FROM doc$$,
                              '55000', 'The newest stored snapshot is 2023-08-07T23:29:29.885644Z.', 'older than the newest');
SET vatsim_ingest.max_feed_bytes = '700kB';
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(feed) FROM doc$$, '54000', 'The document has 742154 bytes, more than vatsim_ingest.max_feed_bytes (716800).', 'larger than max_feed_bytes');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest_file(dir || '/v3-2023-08-07T232944Z-757p-seq2.json') FROM doc$$, '54000', 'The document has 742154 bytes%', 'file larger than max_feed_bytes');
RESET vatsim_ingest.max_feed_bytes;
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest_file(dir || '/does-not-exist.json') FROM doc$$, '58P01', NULL, 'missing file');

-- after all that, the same document ingests normally
SELECT is((SELECT status FROM doc, vatsim.ingest(feed)), 'ingested', 'the intact document still ingests');
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 2, 'two snapshots stored');

SELECT * FROM finish();
ROLLBACK;
