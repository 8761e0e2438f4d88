-- The worker after the review of 0.3.0 (issue 10): the feed URL and the
-- errors never show user info or a query string, and readers see no URL at
-- all (2); a reload during backoff or with a shorter interval reschedules at
-- once (9); memory stays flat while storing and run-logging both fail (13);
-- next_run stays sane at the largest settings (15).
--
-- Runs after worker.sql (the glob's order) in database "postgres", the
-- worker's, outside a transaction.  Every wait is bounded; the bounds are
-- seconds against schedules of hours, so no assertion depends on timing.
\getenv server FEED_SERVER_URL
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS vatsim_ingest;
SELECT plan(26);

\i test/sql/worker_helpers.sql

ALTER SYSTEM SET vatsim_ingest.interval = '1h';
ALTER SYSTEM SET vatsim_ingest.backoff_max = '4h';
ALTER SYSTEM SET vatsim_ingest.timeout = '10s';
ALTER SYSTEM SET vatsim_ingest.transceivers_url = '';

-- 1. Credentials and an API key in the URL (finding 2)
SELECT regexp_replace(:'server', '^http://', 'http://user:secret@') || '/status/500?apikey=XYZ' AS secret_url,
       :'server' || '/status/500?...' AS shown_url \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'secret_url';
ALTER SYSTEM SET vatsim_ingest.enabled = on;
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for(format('SELECT feed_url = %L FROM vatsim.status', :'shown_url')),
          'a superuser sees the feed URL without user info and query string');
CREATE TEMP TABLE secret_run AS SELECT * FROM vatsim.run_now();
SELECT is((SELECT result || '/' || http_status FROM secret_run), 'http_error/500', 'the cycle fails: HTTP 500');
SELECT is((SELECT error FROM secret_run), 'HTTP status 500 from ' || :'shown_url',
          'run_now''s error names the URL redacted');

CREATE ROLE vi_review_reader;
GRANT vatsim_reader TO vi_review_reader;
CREATE ROLE vi_review_settings;
GRANT vatsim_reader, pg_read_all_settings TO vi_review_settings;
SET ROLE vi_review_reader;
SELECT is((SELECT feed_url FROM vatsim.status), NULL, 'a vatsim_reader member sees no feed_url');
SELECT ok((SELECT last_error FROM vatsim.status) LIKE 'HTTP status 500 from %'
          AND (SELECT s::text FROM vatsim.status s) !~ '(secret|apikey|user)',
          'nor user info or query string anywhere in vatsim.status (last_error included)');
SELECT ok((SELECT count(*) FROM vatsim.runs WHERE error LIKE '%/status/500?...') >= 2
          AND NOT EXISTS (SELECT FROM vatsim.runs WHERE error ~ '(secret|apikey|user)'),
          'nor in vatsim.runs.error');
RESET ROLE;
SET ROLE vi_review_settings;
SELECT is((SELECT feed_url FROM vatsim.status), :'shown_url',
          'a member of pg_read_all_settings sees the redacted URL');
RESET ROLE;
DROP ROLE vi_review_reader;
DROP ROLE vi_review_settings;

-- 2. A fixed URL during backoff is tried at once (finding 9)
SELECT is((SELECT consecutive_failures FROM vatsim.status), 2, 'two failures: in backoff');
SELECT ok((SELECT next_run FROM vatsim.status) > now() + interval '1 hour', 'the next cycle is hours away');
SELECT cycles AS c0 FROM vatsim.status \gset
\set url :server '/replay?names=v3-2023-08-07T232929Z-754p-seq1.json&step=1&id=review'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for(format('SELECT cycles > %s AND consecutive_failures = 0 FROM vatsim.status', :c0), 10),
          'after pg_reload_conf() with a fixed URL the next cycle starts at once (within 10 s, not hours)');
SELECT ok((SELECT result FROM vatsim.runs ORDER BY run_id DESC LIMIT 1) IN ('ok', 'unchanged'),
          'and that cycle succeeds');

-- 3. A shorter interval applies at once (finding 9)
SELECT ok(pg_temp.wait_for($$SELECT next_run - last_start = interval '1 hour' FROM vatsim.status$$, 10),
          'after a success the next cycle is an hour away');
SELECT cycles AS c0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.interval = '2s';
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for(format('SELECT cycles > %s FROM vatsim.status', :c0), 10),
          'after pg_reload_conf() with interval 2s the next cycle comes within 10 s, not an hour');
ALTER SYSTEM SET vatsim_ingest.interval = '1h';
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for($$SELECT next_run - last_start = interval '1 hour' AND state = 'idle' FROM vatsim.status$$, 10),
          'a longer interval again: one hour from the last start');

-- 4. The largest interval and backoff_max with many failures (finding 15)
ALTER SYSTEM SET vatsim_ingest.interval = '24h';
ALTER SYSTEM SET vatsim_ingest.backoff_max = '24h';
\set url :server '/status/503'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for(format('SELECT feed_url = %L FROM vatsim.status', :'url')), 'the worker reads the settings');
DO $$ BEGIN FOR i IN 1..40 LOOP PERFORM vatsim.run_now(); END LOOP; END $$;
SELECT ok((SELECT consecutive_failures FROM vatsim.status) >= 40, '40 failures in a row');
SELECT is((SELECT next_run - last_start FROM vatsim.status), interval '24 hours',
          'next_run is last_start + backoff_max, 24 h');

-- 5. Storing and run-logging both fail for 300 cycles: flat memory (finding 13)
CREATE FUNCTION public.vi_test_refuse() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
CREATE TRIGGER vi_test_refuse BEFORE INSERT ON vatsim.snapshots
    FOR EACH ROW EXECUTE FUNCTION public.vi_test_refuse();
CREATE TRIGGER vi_test_refuse BEFORE INSERT ON vatsim.runs
    FOR EACH ROW EXECUTE FUNCTION public.vi_test_refuse();
ALTER SYSTEM SET vatsim_ingest.interval = '1h';
ALTER SYSTEM SET vatsim_ingest.backoff_max = '4h';
\set url :server '/feeds/invalid-utf8.json'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT pg_temp.wait_for(format('SELECT feed_url = %L FROM vatsim.status', :'url')) \g /dev/null
SELECT count(*) AS runs_before FROM vatsim.runs \gset
DO $$ BEGIN FOR i IN 1..20 LOOP PERFORM vatsim.run_now(); END LOOP; END $$;
SELECT memory_bytes AS m20 FROM vatsim.status \gset
DO $$ BEGIN FOR i IN 1..280 LOOP PERFORM vatsim.run_now(); END LOOP; END $$;
SELECT memory_bytes AS m300 FROM vatsim.status \gset
SELECT is((SELECT last_result FROM vatsim.status), 'parse_error', 'the document is refused every cycle');
SELECT is((SELECT count(*) FROM vatsim.runs), :runs_before::bigint, 'and no cycle could be logged');
SELECT cmp_ok(:m300::bigint - :m20::bigint, '<=', 16384::bigint,
              format('the worker''s memory after 300 such cycles is what it was after 20 (%s -> %s bytes)', :m20, :m300));
DROP TRIGGER vi_test_refuse ON vatsim.snapshots;
DROP TRIGGER vi_test_refuse ON vatsim.runs;
DROP FUNCTION public.vi_test_refuse();

-- 6. A document from the future is refused and stops nothing (finding 5)
ALTER SYSTEM SET vatsim_ingest.interval = '1h';
\set url :server '/feeds/future-2099.json'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT pg_temp.wait_for(format('SELECT feed_url = %L FROM vatsim.status', :'url')) \g /dev/null
CREATE TEMP TABLE future_run AS SELECT * FROM vatsim.run_now();
SELECT is((SELECT result FROM future_run), 'parse_error', 'a document dated 2099 is a parse_error');
SELECT ok((SELECT error FROM future_run) LIKE '%is more than vatsim_ingest.max_future%',
          'and the run says why: ' || (SELECT error FROM future_run));
SELECT is((SELECT count(*) FROM vatsim.snapshots WHERE update_timestamp > now() + interval '1 day'), 0::bigint,
          'nothing from the future is stored');
\set url :server '/replay?names=v3-2023-08-07T232944Z-757p-seq2.json&step=1&id=future'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT pg_temp.wait_for(format('SELECT feed_url = %L FROM vatsim.status', pg_temp.shown(:'url'))) \g /dev/null
-- (a new URL after a failure is tried at once, so run_now may find the
-- generation stored already: unchanged)
CREATE TEMP TABLE next_run AS SELECT * FROM vatsim.run_now();
SELECT ok((SELECT result FROM next_run) IN ('ok', 'unchanged')
          AND (SELECT max(update_timestamp) FROM vatsim.snapshots) BETWEEN now() - interval '1 minute' AND now(),
          'the next real snapshot is stored');

-- 7. A server-wide REPEATABLE READ default does not stop the worker (it runs
-- READ COMMITTED, which ingest requires)
SELECT clock_timestamp() AS t7 \gset
ALTER SYSTEM SET default_transaction_isolation = 'repeatable read';
SELECT pg_reload_conf();
-- (the worker reads the reload when run_now wakes it; give the postmaster a
-- moment to pass SIGHUP on first, or the cycle would prove nothing)
SELECT pg_sleep(1) \g /dev/null
SELECT is((SELECT result FROM vatsim.run_now()), 'ok', 'with default_transaction_isolation = repeatable read the cycle is ok');
ALTER SYSTEM RESET default_transaction_isolation;
SELECT pg_reload_conf();
SELECT is((SELECT count(*) FROM vatsim.runs WHERE result = 'db_error' AND started_at >= :'t7'), 0::bigint,
          'and no cycle since failed as db_error');

-- leave the cluster quiet
ALTER SYSTEM SET vatsim_ingest.enabled = off;
SELECT pg_reload_conf();

SELECT * FROM finish();
