-- Retention through the real worker (issue 12, bounded history): with
-- vatsim_ingest.retention = 1 day and the recorded feed of August 2023,
-- every cycle ingests its snapshot (the ingest creates the day's partition),
-- then creates today's and the next partitions_ahead days and drops the one
-- partition older than the retention: the 2023 day it just wrote, again
-- after each snapshot of it, with no error in any cycle.  A reader holding
-- a lock on vatsim.positions makes the drop give up within the step's lock
-- timeout (logged busy, the cycle still ok); released, the next cycle drops.
--
-- Runs in database "postgres" (the worker's), outside a transaction, and
-- leaves it as it found it: no extension, no settings.
\getenv server FEED_SERVER_URL
\getenv password PGPASSWORD
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS dblink;
DROP EXTENSION IF EXISTS vatsim_ingest;
CREATE EXTENSION vatsim_ingest;
SELECT plan(16);

\i test/sql/worker_helpers.sql

CREATE FUNCTION pg_temp.parts() RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(to_char(day, 'YYYYMMDD'), ' ' ORDER BY day), '')
    FROM vatsim.history_partitions
$$;
CREATE FUNCTION pg_temp.logged(act text) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(to_char(day, 'YYYYMMDD'), ' ' ORDER BY log_id), '')
    FROM vatsim.partition_log WHERE action = act
$$;
-- today and the two days ahead (partitions_ahead's default), UTC
SELECT string_agg(to_char((now() AT TIME ZONE 'UTC')::date + i, 'YYYYMMDD'), ' ' ORDER BY i) AS ahead
FROM generate_series(0, 2) i \gset

ALTER SYSTEM SET vatsim_ingest.interval = '1h';
ALTER SYSTEM SET vatsim_ingest.transceivers_url = '';
ALTER SYSTEM SET vatsim_ingest.retention = '1d';
\set url :server '/sequence/retention14?names=v3-2023-08-07T232929Z-754p-seq1.json,v3-2023-08-07T232944Z-757p-seq2.json,v3-2023-08-08T000359Z-737p-seq3.json'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
ALTER SYSTEM SET vatsim_ingest.enabled = on;
SELECT pg_reload_conf();

SELECT ok(pg_temp.wait_for($$SELECT count(*) = 1 FROM vatsim.runs WHERE result = 'ok'$$),
          'seq1 (2023-08-07) stored by the worker');
SELECT ok(pg_temp.wait_for($$SELECT count(*) > 0 FROM vatsim.partition_log WHERE action = 'dropped'$$),
          'and its day dropped after the cycle');
SELECT is(pg_temp.logged('created'), '20230807 ' || :'ahead',
          'the ingest created 2023-08-07, the step today and the two days ahead');
SELECT is(pg_temp.logged('dropped'), '20230807', 'then dropped 2023-08-07, older than the retention');
SELECT is(pg_temp.parts(), :'ahead', 'today''s and the days ahead stay');
SELECT is((SELECT count(*)::int FROM vatsim.positions), 0, 'no position older than the retention is left');

SELECT is((SELECT result FROM vatsim.run_now(timeout => '60s')), 'ok', 'seq2 (the same day) stored: its partition created again');
SELECT is((SELECT result FROM vatsim.run_now(timeout => '60s')), 'ok', 'seq3 (2023-08-08) stored');
SELECT is(pg_temp.logged('dropped'), '20230807 20230807 20230808', 'each cycle dropped the one old day it wrote');
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 3, 'three snapshots: retention drops positions, not snapshots');
SELECT is((SELECT string_agg(DISTINCT coalesce(error, 'no error'), '; ') FROM vatsim.runs), 'no error',
          'no cycle reported an error');

-- a reader holding a lock on positions: the drop waits at most its lock timeout
SELECT vatsim.ensure_partitions('0', '2023-01-01');
SELECT format('host=localhost port=%s user=%s password=%s dbname=postgres', current_setting('port'), current_user, :'password') AS conn \gset
SELECT dblink_connect('reader', :'conn');
SELECT dblink_exec('reader', 'BEGIN');
SELECT dblink_exec('reader', 'LOCK TABLE vatsim.positions IN ACCESS SHARE MODE');
SELECT is((SELECT result FROM vatsim.run_now(timeout => '60s')), 'unchanged', 'a cycle while a reader holds the lock');
SELECT is((SELECT count(*)::int FROM vatsim.partition_log WHERE action = 'busy' AND detail LIKE 'drop daily partitions: %lock timeout%'), 1,
          'the drop gave up on the lock (logged busy) and 2023-01-01 is kept: ' || pg_temp.parts());
SELECT dblink_exec('reader', 'COMMIT');
SELECT dblink_disconnect('reader');
SELECT is((SELECT result FROM vatsim.run_now(timeout => '60s')), 'unchanged', 'the next cycle');
SELECT is(pg_temp.parts(), :'ahead', 'dropped 2023-01-01 once the reader was gone');

-- leave the cluster as it was
ALTER SYSTEM RESET vatsim_ingest.enabled;
ALTER SYSTEM RESET vatsim_ingest.feed_url;
ALTER SYSTEM RESET vatsim_ingest.interval;
ALTER SYSTEM RESET vatsim_ingest.transceivers_url;
ALTER SYSTEM RESET vatsim_ingest.retention;
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for($$SELECT state = 'disabled' FROM vatsim.status$$), 'the worker is paused again');
DROP EXTENSION vatsim_ingest;
DROP EXTENSION dblink;

SELECT * FROM finish();
