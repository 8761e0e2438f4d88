-- load_report.sql: the checks and figures of the load test (bench/load_run.sh),
-- after the run, the worker paused.  Checks first, one line each:
-- "check<TAB>name<TAB>expected<TAB>got"; then the figures as tables.  psql
-- variables: snapshots, worker_pid, wall_s, clients, interval, load_before,
-- load_after, machine.
\set ON_ERROR_STOP 1
\pset fieldsep '\t'
CREATE TEMP VIEW tx AS
SELECT split_part(line, ' ', 4)::int AS script,
       CASE WHEN split_part(line, ' ', 3) ~ '^[0-9]+$' THEN split_part(line, ' ', 3)::bigint END AS us,
       split_part(line, ' ', 3) AS time_field,
       split_part(line, ' ', 5)::bigint AS epoch
FROM load.tx_raw;

-- the snapshots: exactly the documents served, each once and whole
SELECT 'check', 'the worker stored every snapshot once (rows, distinct update_timestamps)',
       :snapshots || ' ' || :snapshots, count(*) || ' ' || count(DISTINCT update_timestamp)
FROM vatsim.snapshots;
SELECT 'check', 'each document served is a snapshot with its pilots and controllers, and nothing else is (missing, extra)',
       '0 0',
       (SELECT count(*) FROM load.expected e
        WHERE NOT EXISTS (SELECT FROM vatsim.snapshots s WHERE s.update_timestamp = e.ts
                          AND s.pilots = e.pilots AND s.controllers = e.controllers)) || ' ' ||
       (SELECT count(*) FROM vatsim.snapshots s
        WHERE NOT EXISTS (SELECT FROM load.expected e WHERE e.ts = s.update_timestamp));
SELECT 'check', 'no snapshot has a sector or analytics error', '0',
       count(*) FILTER (WHERE sector_error IS NOT NULL OR analytics_error IS NOT NULL)
FROM vatsim.snapshots;
SELECT 'check', 'every position the snapshots stored is in the history, rows or packed (stored, readable)',
       (SELECT sum(positions) FROM vatsim.snapshots)::text, (SELECT count(*) FROM vatsim.position_history)::text;
-- the worker: no failed cycle, no restart
SELECT 'check', 'the worker''s cycles: one ok per snapshot, the others only unchanged (after the last document)',
       'ok ' || :snapshots || ', failed 0',
       'ok ' || count(*) FILTER (WHERE result = 'ok') || ', failed ' || count(*) FILTER (WHERE result NOT IN ('ok', 'unchanged'))
FROM vatsim.runs;
SELECT 'check', 'the worker never restarted (same pid)', :'worker_pid', pid::text FROM vatsim.status;
-- now() in the worker's transactions moves on (ingested_at, the retention
-- cutoff and the days created ahead are computed from it)
SELECT 'check', 'now() advances in the worker: every snapshot has its own ingested_at', :snapshots::text,
       count(DISTINCT ingested_at)::text FROM vatsim.snapshots;
-- the readers
SELECT 'check', 'every reader function was called (scripts that ran)', (SELECT count(*) FROM load.scripts)::text,
       count(DISTINCT script)::text FROM tx;
SELECT 'check', 'no reader transaction failed (pgbench log)', '0',
       count(*) FILTER (WHERE us IS NULL)::text FROM tx;
-- what happened, so that a run that did nothing cannot pass
SELECT 'check', 'the history grew: flights, intervals, summaries and movements (each > 0)', 't t t t',
       concat_ws(' ', (SELECT count(*) > 0 FROM vatsim.flights), (SELECT count(*) > 0 FROM vatsim.sector_occupancy),
                 (SELECT count(*) > 0 FROM vatsim.flight_summaries), (SELECT count(*) > 0 FROM vatsim.movements));

\pset format aligned
\pset tuples_only off
\pset footer off
\echo
\echo Load test: :snapshots snapshots, vatsim_ingest.interval = :interval, :clients pgbench clients, :wall_s s of readers
\echo Machine: :machine
\echo Load average (1/5/15 min) before: :load_before, after: :load_after
\echo
\echo Ingest per snapshot (vatsim.snapshots.duration_ms: parse and store, the C clock; cycle = vatsim.runs.duration_ms, fetch included)
SELECT count(*) AS snapshots,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s.duration_ms)::numeric, 1) AS median_ms,
       round(percentile_cont(0.9) WITHIN GROUP (ORDER BY s.duration_ms)::numeric, 1) AS p90_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s.duration_ms)::numeric, 1) AS p99_ms,
       round(max(s.duration_ms)::numeric, 1) AS max_ms,
       round((percentile_cont(0.99) WITHIN GROUP (ORDER BY s.duration_ms)
              / nullif(percentile_cont(0.5) WITHIN GROUP (ORDER BY s.duration_ms), 0))::numeric, 2) AS p99_over_median,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.duration_ms)::numeric, 1) AS cycle_median_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY r.duration_ms)::numeric, 1) AS cycle_p99_ms,
       round((count(*) / nullif(extract(epoch FROM max(r.finished_at) - min(r.started_at)), 0))::numeric, 2) AS snapshots_per_s
FROM vatsim.snapshots s
JOIN vatsim.runs r ON r.update_timestamp = s.update_timestamp AND r.result = 'ok';
\echo Readers (pgbench -l: each transaction = the argument draw + one call, ms)
SELECT sc.name AS function, count(*) AS calls,
       round(count(*) / nullif(:wall_s, 0)::numeric, 1) AS per_s,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY t.us) / 1000)::numeric, 2) AS p50_ms,
       round((percentile_cont(0.99) WITHIN GROUP (ORDER BY t.us) / 1000)::numeric, 2) AS p99_ms,
       round((max(t.us) / 1000.0)::numeric, 2) AS max_ms
FROM tx t JOIN load.scripts sc USING (script)
GROUP BY sc.name ORDER BY sc.name;
\echo Sizes after the run: the 15 largest tables of schema vatsim (partitions, indexes and TOAST included); per day = per snapshot x 5,760, at the size of this feed
SELECT c.relname AS "table", r.n AS rows, round(r.n / :snapshots::numeric, 1) AS rows_per_snapshot,
       pg_size_pretty(b.bytes) AS size, round(b.bytes / nullif(r.n, 0)::numeric) AS bytes_per_row,
       pg_size_pretty(b.bytes * 5760 / :snapshots) AS per_day
FROM pg_class c
JOIN pg_namespace ns ON ns.oid = c.relnamespace AND ns.nspname = 'vatsim'
CROSS JOIN LATERAL (SELECT CASE c.relkind WHEN 'p' THEN (SELECT sum(pg_total_relation_size(relid))::bigint
                                                        FROM pg_partition_tree(c.oid))
                            ELSE pg_total_relation_size(c.oid) END AS bytes) b
CROSS JOIN LATERAL (SELECT (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', c.oid::regclass),
                                                                 false, true, '')))[1]::text::bigint AS n) r
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY b.bytes DESC LIMIT 15;
\echo Positions: pilots a snapshot, and bytes a position as rows and as packs (heap, indexes, TOAST)
SELECT round(avg(s.pilots)) AS pilots_per_snapshot,
       (SELECT count(*) FROM vatsim.positions) AS position_rows,
       round((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('vatsim.positions'))
             / nullif((SELECT count(*) FROM vatsim.positions), 0), 1) AS bytes_per_row,
       (SELECT coalesce(sum(n), 0) FROM vatsim.position_packs) AS packed_positions,
       round(pg_total_relation_size('vatsim.position_packs')
             / nullif((SELECT sum(n) FROM vatsim.position_packs), 0), 1) AS bytes_per_packed
FROM vatsim.snapshots s;
\echo History tables after VACUUM FULL (the bloat of the rows rewritten every snapshot gone): bytes a row, rows a snapshot
VACUUM FULL vatsim.positions, vatsim.position_packs, vatsim.sector_occupancy, vatsim.sector_count_hours,
    vatsim.sector_bounds, vatsim.flights, vatsim.flight_plans, vatsim.flight_summaries, vatsim.controller_sessions,
    vatsim.controller_summaries, vatsim.movements, vatsim.snapshots, vatsim.runs, vatsim.atc_contacts;
SELECT t AS "table", r.n AS rows, round(r.n / :snapshots::numeric, 2) AS rows_per_snapshot,
       round(b.bytes / nullif(r.n, 0)::numeric) AS bytes_per_row
FROM unnest(ARRAY['positions', 'position_packs', 'sector_occupancy', 'sector_count_hours', 'sector_bounds', 'flights',
                  'flight_plans', 'flight_summaries', 'controller_sessions', 'controller_summaries', 'movements',
                  'snapshots', 'runs', 'atc_contacts']) t
CROSS JOIN LATERAL (SELECT coalesce((SELECT sum(pg_total_relation_size(relid))::bigint
                                     FROM pg_partition_tree(('vatsim.' || t)::regclass)),
                                    pg_total_relation_size(('vatsim.' || t)::regclass)) AS bytes) b
CROSS JOIN LATERAL (SELECT (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM vatsim.%I', t),
                                                                 false, true, '')))[1]::text::bigint AS n) r;
SELECT (SELECT coalesce(sum(n), 0) FROM vatsim.position_packs) AS packed_positions,
       round(pg_total_relation_size('vatsim.position_packs')
             / nullif((SELECT sum(n) FROM vatsim.position_packs), 0), 1) AS bytes_per_packed,
       round((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('vatsim.positions'))
             / nullif((SELECT count(*) FROM vatsim.positions), 0), 1) AS bytes_per_row_position;
