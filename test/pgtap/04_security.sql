-- Safe by default: who may ingest, who may read, who may change settings.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
\set seq1 :fixtures '/v3-2023-08-07T232929Z-754p-seq1.json'
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(15);

CREATE ROLE vi_test_writer LOGIN;
CREATE ROLE vi_test_reader LOGIN IN ROLE vatsim_reader;
CREATE TEMP TABLE paths AS SELECT :'seq1'::text AS seq1;
GRANT SELECT ON paths TO vi_test_writer, vi_test_reader;
-- the schema is visible to the writer, so each refusal below is the function's or table's own
GRANT USAGE ON SCHEMA vatsim TO vi_test_writer;
CREATE TEMP TABLE seeded AS SELECT * FROM vatsim.ingest_file(:'seq1');

-- An ordinary role may not call the ingest functions at all
SET ROLE vi_test_writer;
SELECT throws_ok($$SELECT vatsim.ingest('{}')$$, '42501', NULL, 'ingest is not granted to PUBLIC');
SELECT throws_ok($$SELECT vatsim.ingest_file(seq1) FROM paths$$, '42501', NULL, 'ingest_file is not granted to PUBLIC');
SELECT throws_ok($$SET vatsim_ingest.max_feed_bytes = '1GB'$$, '42501', NULL,
                 'only a superuser may change max_feed_bytes');
SELECT throws_ok($$SET vatsim_ingest.reconnect_grace = '1d'$$, '42501', NULL,
                 'only a superuser may change reconnect_grace');
SELECT throws_ok($$SELECT count(*) FROM vatsim.pilots$$, '42501', NULL, 'no read access without vatsim_reader');
RESET ROLE;

-- Granted EXECUTE, ingest_file still needs the right to read server files
GRANT EXECUTE ON FUNCTION vatsim.ingest_file(text, text) TO vi_test_writer;
SET ROLE vi_test_writer;
SELECT throws_ok($$SELECT vatsim.ingest_file(seq1) FROM paths$$, '42501',
                 'permission denied to read feed file "' || (SELECT seq1 FROM paths) || '"',
                 'ingest_file needs pg_read_server_files');
RESET ROLE;
GRANT pg_read_server_files TO vi_test_writer;
SET ROLE vi_test_writer;
-- the functions run with the caller's rights: writing needs table privileges too
SELECT throws_ok($$SELECT vatsim.ingest_file(seq1) FROM paths$$, '42501',
                 'permission denied for table snapshots',
                 'ingest_file writes with the caller''s table privileges');
RESET ROLE;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA vatsim TO vi_test_writer;
SET ROLE vi_test_writer;
SELECT is((SELECT status FROM paths, vatsim.ingest_file(seq1)), 'duplicate',
          'a loader role with EXECUTE, pg_read_server_files and table rights may ingest');
RESET ROLE;

-- vatsim_reader reads every table and writes none
SET ROLE vi_test_reader;
SELECT is((SELECT count(*)::int FROM vatsim.pilots), 754, 'reader reads current state');
SELECT is((SELECT count(*)::int FROM vatsim.positions), 754, 'reader reads history');
SELECT throws_ok($$INSERT INTO vatsim.snapshots (update_timestamp, pilots, controllers, atis, prefiles, servers, rejected, bytes, duration_ms) VALUES (now(), 0, 0, 0, 0, 0, 0, 0, 0)$$,
                 '42501', NULL, 'reader cannot insert');
SELECT throws_ok($$DELETE FROM vatsim.positions$$, '42501', NULL, 'reader cannot delete history');
SELECT throws_ok($$SELECT vatsim.ingest('{}')$$, '42501', NULL, 'reader cannot ingest');
RESET ROLE;
CREATE TEMP VIEW vatsim_tables AS
SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'vatsim' AND c.relkind = 'r';
SELECT is((SELECT count(*)::int FROM vatsim_tables t
           WHERE NOT has_table_privilege('vatsim_reader', t.oid, 'SELECT')),
          0, 'vatsim_reader may SELECT every table of the schema');
SELECT is((SELECT count(*)::int FROM vatsim_tables t
           WHERE has_table_privilege('vatsim_reader', t.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')),
          0, 'vatsim_reader may change no table');

SELECT * FROM finish();
ROLLBACK;
