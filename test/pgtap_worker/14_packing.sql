-- The worker's packing step (vatsim_ingest.pack_after) after its cycles:
-- seq1 and seq2 (23:29 UTC) stay rows while their hour is open; the cycle
-- that stores seq3 (00:03:59) packs the hour from 23:00 in its own
-- subtransaction, records no error, and the readers see every position.
-- stale_after and reconnect_grace are made small, or they would hold the
-- cutoff back (the clamp); pack_after 1 s.  Runs in database postgres,
-- outside a transaction, and leaves it as it found it.
\getenv server FEED_SERVER_URL
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SELECT plan(9);

\i test/sql/worker_helpers.sql

ALTER SYSTEM SET vatsim_ingest.interval = '1h';
ALTER SYSTEM SET vatsim_ingest.transceivers_url = '';
ALTER SYSTEM SET vatsim_ingest.stale_after = '1s';
ALTER SYSTEM SET vatsim_ingest.reconnect_grace = '1s';
ALTER SYSTEM SET vatsim_ingest.pack_after = '1s';
\set url :server '/sequence/pack14?names=v3-2023-08-07T232929Z-754p-seq1.json,v3-2023-08-07T232944Z-757p-seq2.json,v3-2023-08-08T000359Z-737p-seq3.json'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
ALTER SYSTEM SET vatsim_ingest.enabled = on;
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for($$SELECT count(*) = 1 FROM vatsim.runs WHERE result = 'ok'$$),
          'enabling starts a cycle at once: seq1');
SELECT is((SELECT result FROM vatsim.run_now()), 'ok', 'seq2');
SELECT is((SELECT count(*)::int FROM vatsim.position_packs), 0, 'nothing packed while the hour of seq1 and seq2 is open');
SELECT is((SELECT result || '/' || coalesce(error, '-') FROM vatsim.run_now()), 'ok/-',
          'seq3 (the next hour): ok, no error recorded');
SELECT is((SELECT count(*)::int FROM vatsim.positions WHERE ts < '2023-08-08 00:00+00'), 0,
          'the cycle packed the hour from 23:00');
SELECT cmp_ok((SELECT coalesce(sum(n), 0)::int FROM vatsim.position_packs), '>', 1000,
          'its packs hold more than a thousand positions');
SELECT is((SELECT coalesce(sum(n), 0)::int FROM vatsim.position_packs),
          (SELECT sum(positions)::int FROM vatsim.snapshots WHERE update_timestamp < '2023-08-08 00:00+00'),
          'every position of seq1 and seq2');
SELECT is((SELECT count(*)::int FROM vatsim.positions),
          (SELECT positions FROM vatsim.snapshots ORDER BY update_timestamp DESC LIMIT 1),
          'seq3''s positions stay rows');
SELECT is((SELECT count(*)::int FROM vatsim.position_history),
          (SELECT sum(positions)::int FROM vatsim.snapshots), 'position_history reads them all');

-- leave the cluster as it was
ALTER SYSTEM RESET vatsim_ingest.interval;
ALTER SYSTEM RESET vatsim_ingest.transceivers_url;
ALTER SYSTEM RESET vatsim_ingest.stale_after;
ALTER SYSTEM RESET vatsim_ingest.reconnect_grace;
ALTER SYSTEM RESET vatsim_ingest.pack_after;
ALTER SYSTEM RESET vatsim_ingest.feed_url;
ALTER SYSTEM RESET vatsim_ingest.enabled;
SELECT pg_reload_conf();
SELECT pg_temp.wait_for($$SELECT state = 'disabled' FROM vatsim.status$$) AS quiet \gset
SELECT * FROM finish();
\o /dev/null
DROP EXTENSION vatsim_ingest;
