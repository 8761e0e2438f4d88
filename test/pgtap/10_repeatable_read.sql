-- Ingest refuses to run in REPEATABLE READ (issue 10, item 6): its order
-- check would read the transaction's old snapshot and could store a
-- snapshot older than one another session stored meanwhile.  This whole
-- file is one REPEATABLE READ transaction.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
\set seq1 :fixtures '/v3-2023-08-07T232929Z-754p-seq1.json'
BEGIN ISOLATION LEVEL REPEATABLE READ;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(4);

\i test/sql/synthetic.sql
SELECT is(current_setting('transaction_isolation'), 'repeatable read', 'this transaction is REPEATABLE READ');
SELECT throws_ok($$SELECT pg_temp.snap(0, pg_temp.p('F1', 0.5, 0.5, 200))$$, '0A000',
                 'VATSIM snapshots cannot be ingested in a REPEATABLE READ transaction',
                 'vatsim.ingest is refused');
SELECT throws_ok(format('SELECT vatsim.ingest_file(%L)', :'seq1'), '0A000', NULL, 'vatsim.ingest_file is refused');
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 0, 'nothing stored');

SELECT * FROM finish();
ROLLBACK;
