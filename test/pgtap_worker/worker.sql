-- The real background worker against a real HTTP server on 127.0.0.1
-- (test/feed_server.py): schedule, SIGHUP, every result class, failures
-- that change nothing, backoff, restart after pg_terminate_backend, DROP
-- DATABASE during a slow fetch, and who may steer it.
--
-- Runs in database "postgres" (the worker's vatsim_ingest.database), outside
-- a transaction: the worker only sees committed settings and rows.  Every
-- wait is bounded; no assertion depends on timing except the DROP DATABASE
-- bound the feature promises (under 2 s).
\getenv server FEED_SERVER_URL
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SELECT plan(88);

\i test/sql/fingerprint.sql

\i test/sql/worker_helpers.sql

-- A failing source: the worker reads the URL, the cycle gets its class,
-- backoff counts it, and no stored row changes.  c0 and f0 are cycles and
-- consecutive_failures before the reload: a new URL during backoff (f0 > 0)
-- is tried at once with a fresh count (the cycle is then read from
-- vatsim.runs, within 10 s, whereas the backoff is hours), else run_now
-- starts the cycle.  Either way the count is then 1.
CREATE FUNCTION pg_temp.fails(url text, c0 bigint, f0 int, want_result text, want_status int, what text)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    before text := pg_temp.fingerprint();
    r record;
BEGIN
    RETURN NEXT ok(pg_temp.wait_for(format('SELECT feed_url = %L FROM vatsim.status', pg_temp.shown(url))),
                   what || ': the worker reads the new URL after SIGHUP');
    IF f0 > 0 THEN
        IF pg_temp.wait_for(format('SELECT cycles > %s FROM vatsim.status', c0), 10) THEN
            SELECT result, http_status, error INTO r FROM vatsim.runs ORDER BY run_id DESC LIMIT 1;
        END IF;
    ELSE
        SELECT * INTO r FROM vatsim.run_now(timeout => '60s');
    END IF;
    RETURN NEXT is(r.result || '/' || coalesce(r.http_status::text, '-'),
                   want_result || '/' || coalesce(want_status::text, '-'),
                   what || ': ' || want_result || CASE WHEN f0 > 0 THEN ' at once' ELSE '' END ||
                   ' (' || coalesce(r.error, '') || ')');
    RETURN NEXT is((SELECT consecutive_failures FROM vatsim.status), 1,
                   what || ': counted as a consecutive failure');
    RETURN NEXT is(pg_temp.fingerprint(), before, what || ': every table unchanged');
END $$;

-- 1. The worker runs, is visible, and starts paused (the cluster has enabled=off)
SELECT ok(pg_temp.wait_for('SELECT pid IS NOT NULL FROM vatsim.status'), 'the worker is running');
SELECT is((SELECT backend_type FROM pg_stat_activity WHERE pid = (SELECT pid FROM vatsim.status)),
          'vatsim_ingest worker', 'pg_stat_activity shows its backend_type');
SELECT is((SELECT application_name FROM pg_stat_activity WHERE pid = (SELECT pid FROM vatsim.status)),
          'vatsim_ingest worker', 'and its application_name');
SELECT is((SELECT state FROM vatsim.status), 'disabled', 'enabled = off pauses it');
SELECT is((SELECT result FROM vatsim.run_now()), 'disabled', 'run_now while paused: disabled');

-- 2. Enable it on a real time series: one cycle starts at once, then run_now steps
ALTER SYSTEM SET vatsim_ingest.interval = '1h';
ALTER SYSTEM SET vatsim_ingest.backoff_max = '4h';
ALTER SYSTEM SET vatsim_ingest.transceivers_url = '';
\set url :server '/sequence/w?names=v3-2023-08-07T232929Z-754p-seq1.json,v3-2023-08-07T232944Z-757p-seq2.json,v3-2023-08-08T000359Z-737p-seq3.json'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
ALTER SYSTEM SET vatsim_ingest.enabled = on;
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for($$SELECT count(*) = 1 FROM vatsim.runs WHERE result = 'ok'$$),
          'enabling starts a cycle at once');
SELECT is((SELECT count(*)::int FROM vatsim.pilots), 754, 'that cycle stored seq1');
SELECT results_eq($$SELECT result, http_status, update_timestamp FROM vatsim.run_now()$$,
                  $$VALUES ('ok'::text, 200, '2023-08-07T23:29:44.877148Z'::timestamptz)$$,
                  'run_now returns its cycle: ok, 200, seq2');
SELECT is((SELECT count(*)::int FROM vatsim.pilots), 757, 'seq2 stored');
SELECT is((SELECT result FROM vatsim.run_now()), 'ok', 'run_now: seq3');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE status = 'online'), 737, 'seq3 stored');
SELECT is((SELECT result || '/' || http_status FROM vatsim.run_now()), 'unchanged/304',
          'the same generation again: unchanged (304 to a conditional request)');
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 3, 'three snapshots, none twice');
SELECT is((SELECT string_agg(result, ',' ORDER BY run_id) FROM vatsim.runs),
          'disabled,ok,ok,ok,unchanged', 'vatsim.runs logs every cycle');
SELECT is((SELECT last_update_timestamp FROM vatsim.status), '2023-08-08T00:03:59.8820717Z'::timestamptz,
          'status: newest update_timestamp');
SELECT is((SELECT consecutive_failures FROM vatsim.status), 0, 'status: no failures');
SELECT is((SELECT next_run - last_start FROM vatsim.status), interval '1 hour',
          'after a success the next cycle is one interval after this one started');
SELECT is((SELECT worker_state FROM vatsim.network_status()), 'idle', 'network_status shows the worker');

-- 3. Each fault fails alone: its class, a backoff step, and no row changed
ALTER SYSTEM SET vatsim_ingest.timeout = '1s';
\set url :server '/status/500'
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'http_error', 500, 'HTTP 500');
SELECT is((SELECT next_run - last_start FROM vatsim.status), interval '2 hours',
          'backoff: one failure doubles the wait');
\set url :server '/status/404'
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'http_error', 404, 'HTTP 404');
SELECT is((SELECT result FROM vatsim.run_now()), 'http_error', 'HTTP 404 again');
SELECT is((SELECT next_run - last_start FROM vatsim.status), interval '4 hours',
          'backoff: two failures double it again');
SELECT is((SELECT result FROM vatsim.run_now()), 'http_error', 'and a third time');
SELECT is((SELECT next_run - last_start FROM vatsim.status), interval '4 hours',
          'backoff: capped at backoff_max');
\set url :server '/trickle/v3-2023-08-07T232929Z-754p-seq1.json?bytes_per_sec=2000&max_seconds=20'
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'timeout', 200, 'a body that trickles past the timeout');
\set url :server '/truncated/v3-2023-08-07T232929Z-754p-seq1.json?keep=1000'
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'http_error', 200, 'a truncated body');
\set url :server '/huge?bytes=200000000'
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'too_large', 200, 'a body over max_feed_bytes');
\set url :server '/feeds/invalid-utf8.json'
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'parse_error', 200, 'a document that is not valid UTF-8');
\set url :server '/redirect-loop'
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'http_error', 302, 'a redirect loop');
\set url 'http://127.0.0.1:9/feed.json'
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'http_error', NULL, 'connection refused');
\getenv fixtures VATSIM_FIXTURES
\set url 'file://' :fixtures '/v3-2023-08-07T232929Z-754p-seq1.json'
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'http_error', NULL, 'file:// while allow_file_urls is off');

-- A database error: the snapshot cannot be recorded, so nothing of it is
\set url :server '/replay?names=v3-2023-08-07T232929Z-754p-seq1.json&step=1&id=w'
ALTER SYSTEM SET vatsim_ingest.timeout = '10s';
ALTER TABLE vatsim.snapshots ADD CONSTRAINT test_refuse CHECK (pilots < 0) NOT VALID;
SELECT cycles AS c0, consecutive_failures AS f0 FROM vatsim.status \gset
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT * FROM pg_temp.fails(:'url', :c0, :f0, 'db_error', 200, 'a database error while storing');
ALTER TABLE vatsim.snapshots DROP CONSTRAINT test_refuse;

-- One success resets the backoff
SELECT is((SELECT result FROM vatsim.run_now()), 'ok', 'the feed is back: ok');
SELECT is((SELECT consecutive_failures FROM vatsim.status), 0, 'one success resets the failures');
SELECT is((SELECT next_run - last_start FROM vatsim.status), interval '1 hour', 'and the wait');
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 4, 'the replayed generation was stored');
SELECT is((SELECT count(DISTINCT result)::int FROM vatsim.runs), 8,
          'vatsim.runs holds every class: ok, unchanged, disabled, http_error, timeout, too_large, parse_error, db_error');

-- 4. The run log is trimmed to run_log_retention
INSERT INTO vatsim.runs (started_at, finished_at, result, duration_ms)
VALUES (now() - interval '30 days', now() - interval '30 days', 'ok', 1);
SELECT ok((SELECT result FROM vatsim.run_now()) IN ('ok', 'unchanged'), 'another cycle');
SELECT is((SELECT count(*)::int FROM vatsim.runs WHERE started_at < now() - interval '7 days'), 0,
          'runs older than run_log_retention are deleted');

-- 4b. Sector processing fails: the snapshot is stored, the run log and status say why
ALTER TABLE vatsim.sector_occupancy ADD CONSTRAINT test_refuse_entry CHECK (entry_lat < -1000) NOT VALID;
-- (an edge may span at most 180 degrees of longitude, or it is read as crossing
-- the antimeridian: the whole earth is two halves)
CREATE TEMP TABLE world AS SELECT * FROM vatsim.load_sectors('world', '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "EARTH"}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[-180,-90],[0,-90],[0,90],[-180,90],[-180,-90]]], [[[0,-90],[180,-90],[180,90],[0,90],[0,-90]]]]}}]}');
-- the replay serves a new generation each second
SELECT pg_sleep(1.1) \g /dev/null
CREATE TEMP TABLE sector_fail AS SELECT * FROM vatsim.run_now();
SELECT is((SELECT result FROM sector_fail), 'ok', 'a cycle whose sector step fails still stores its snapshot');
SELECT matches((SELECT error FROM sector_fail), '^sector processing failed', 'the cycle''s outcome says why');
SELECT matches((SELECT last_error FROM vatsim.status), '^sector processing failed', 'and so does vatsim.status');
ALTER TABLE vatsim.sector_occupancy DROP CONSTRAINT test_refuse_entry;
DELETE FROM vatsim.sector_sets WHERE sector_set = 'world';

-- 5. DROP DATABASE of another database does not wait for a slow fetch
\set url :server '/stall?max_seconds=8'
ALTER SYSTEM SET vatsim_ingest.timeout = '30s';
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for(format('SELECT feed_url = %L FROM vatsim.status', pg_temp.shown(:'url'))), 'worker reads the stalling URL');
SELECT is((SELECT result FROM vatsim.run_now(wait => false)), 'requested', 'run_now without waiting');
SELECT ok(pg_temp.wait_for($$SELECT state = 'fetching' FROM vatsim.status$$), 'the worker is inside the slow fetch');
CREATE DATABASE vi_drop_me;
SELECT clock_timestamp() AS t0 \gset
DROP DATABASE vi_drop_me;
SELECT ok(clock_timestamp() - :'t0'::timestamptz < interval '2 s',
          'DROP DATABASE of another database finished in under 2 s');
SELECT is((SELECT state FROM vatsim.status), 'fetching', 'while the fetch went on');

-- 6. pg_terminate_backend during that fetch: the worker exits and comes back
SELECT pid AS old_pid FROM vatsim.status \gset
SELECT count(*) AS snapshots_before FROM vatsim.snapshots \gset
SELECT ok(pg_terminate_backend(:old_pid), 'terminate the worker in the middle of a fetch');
SELECT ok(pg_temp.wait_for(format('SELECT pid IS NOT NULL AND pid <> %s FROM vatsim.status', :old_pid), 40),
          'the postmaster starts it again');
\set url :server '/replay?names=v3-2023-08-07T232944Z-757p-seq2.json&step=1&id=w2'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for(format('SELECT feed_url = %L FROM vatsim.status', pg_temp.shown(:'url'))), 'the new worker reads its settings');
-- (its first cycle, on the stalling URL, failed: the new URL is then tried
-- at once, so run_now may find that generation stored already)
SELECT ok((SELECT result FROM vatsim.run_now()) IN ('ok', 'unchanged'), 'and ingests');
SELECT ok((SELECT count(*)::int FROM vatsim.snapshots) >= :snapshots_before + 1,
          'no stored state was lost, and the new snapshot is there');

-- 7. Only superusers steer it
CREATE ROLE vi_worker_user LOGIN;
GRANT USAGE ON SCHEMA vatsim TO vi_worker_user;
SET ROLE vi_worker_user;
SELECT throws_ok($$SET vatsim_ingest.feed_url = 'http://example.org/feed.json'$$, '55P02', NULL,
                 'a session cannot change the feed URL');
SELECT throws_ok($$SHOW vatsim_ingest.feed_url$$, '42501', NULL, 'a non-superuser cannot even read it');
SELECT throws_ok($$SELECT vatsim.run_now()$$, '42501', NULL, 'nor wake the worker');
SELECT throws_ok($$SET vatsim_ingest.interval = '1s'$$, '55P02', NULL, 'nor change its schedule');
RESET ROLE;
-- ALTER SYSTEM cannot run inside throws_ok (a transaction): let it fail here
-- and check that the stored setting did not change
\set ON_ERROR_STOP 0
ALTER SYSTEM SET vatsim_ingest.feed_url = 'ftp://example.org/feed.json';
\set ON_ERROR_STOP 1
SELECT is((SELECT setting FROM pg_file_settings WHERE name = 'vatsim_ingest.feed_url' ORDER BY seqno DESC LIMIT 1),
          :'url', 'a URL of another scheme is rejected when it is set');

-- leave the cluster quiet
ALTER SYSTEM SET vatsim_ingest.enabled = off;
SELECT pg_reload_conf();

SELECT * FROM finish();
