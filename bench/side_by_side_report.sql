-- side_by_side_report.sql: the tables of bench/side_by_side.sh (run in its
-- database "side", where every run's rows were gathered).  psql variable:
-- warmups (x1 steps not counted; x10 counts from its second step).
\set ON_ERROR_STOP 1
\pset footer off
CREATE TEMP VIEW measured AS
SELECT * FROM bench.side_runs
WHERE step >= CASE kind WHEN 'x10' THEN 1 ELSE :warmups END;
CREATE TEMP VIEW per_side AS
SELECT side, mode, kind, count(*) AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS median_ms, max(ms) AS max_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY wal_bytes) AS wal_bytes
FROM measured GROUP BY side, mode, kind;

\echo
\echo == Result: ms per snapshot, vatsim_ingest against the same cycle in plain SQL + PostGIS (same documents, same run, in turns)
SELECT CASE o.kind WHEN 'x1' THEN 'x1 (1,925 pilots)' ELSE 'x10 (19,250 pilots)' END AS snapshot,
       CASE o.mode WHEN 'sectors' THEN 'VATSpy tracked' ELSE 'no sectors' END AS sectors,
       o.n AS steps,
       round(o.median_ms::numeric, 1) AS "ours median ms", round(o.max_ms::numeric, 1) AS "ours max ms",
       round(p.median_ms::numeric, 1) AS "plain median ms", round(p.max_ms::numeric, 1) AS "plain max ms",
       round((p.median_ms / o.median_ms)::numeric, 2) AS "ratio plain/ours",
       CASE WHEN o.mode = 'sectors' AND o.kind = 'x1'
            THEN CASE WHEN p.median_ms / o.median_ms >= 10 THEN 'target met (>= 10)' ELSE 'target NOT met (>= 10)' END
       END AS target
FROM per_side o JOIN per_side p ON p.side = 'plain' AND p.mode = o.mode AND p.kind = o.kind
WHERE o.side = 'ours'
ORDER BY o.kind, o.mode DESC;

\echo The share of the analytics step: ours at x1, VATSpy tracked, without and with a transceivers document (ATC contacts matched)
SELECT o.n AS steps, round(o.median_ms::numeric, 1) AS "feed only, median ms",
       round(t.median_ms::numeric, 1) AS "feed + transceivers, median ms",
       round((t.median_ms - o.median_ms)::numeric, 1) AS "difference ms",
       (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY analytics_ms)::numeric, 1)
        FROM (SELECT analytics_ms FROM vatsim.snapshots WHERE pilots < 10000
              ORDER BY update_timestamp OFFSET :warmups) s)
           AS "analytics_ms inside, feed only"
FROM per_side o JOIN per_side t ON t.side = 'ours' AND t.mode = 'trx' AND t.kind = 'x1'
WHERE o.side = 'ours' AND o.mode = 'sectors' AND o.kind = 'x1';

\echo Backfill: x1 snapshots back to back into an empty history, VATSpy tracked, one session per side (wall time of the loop)
SELECT o.snapshots, round(o.seconds::numeric, 1) AS "ours s", round((o.snapshots / o.seconds)::numeric, 1) AS "ours snapshots/s",
       round(p.seconds::numeric, 1) AS "plain s", round((p.snapshots / p.seconds)::numeric, 1) AS "plain snapshots/s",
       round((p.seconds / o.seconds)::numeric, 2) AS "ratio",
       CASE WHEN o.snapshots / o.seconds >= 40 THEN 'target met (>= 40/s)' ELSE 'target NOT met (>= 40/s)' END AS target
FROM bench.backfill o JOIN bench.backfill p ON p.side = 'plain' WHERE o.side = 'ours';

\echo Bytes per stored position as rows (pg_relation_size and pg_indexes_size of the positions table, summed over its daily partitions, divided by its rows; packing of closed hours is measured by bench/storage.sh)
SELECT db AS database, side, rows, round(heap::numeric / rows, 1) AS "heap B", round(indexes::numeric / rows, 1) AS "indexes B",
       round((heap + indexes)::numeric / rows, 1) AS "total B/position"
FROM bench.sizes ORDER BY db, side;

\echo WAL written per snapshot (median of the ingest statements)
SELECT o.kind, o.mode, round(o.wal_bytes::numeric / 1024, 0) AS "ours kB", round(p.wal_bytes::numeric / 1024, 0) AS "plain kB"
FROM per_side o LEFT JOIN per_side p ON p.side = 'plain' AND p.mode = o.mode AND p.kind = o.kind
WHERE o.side = 'ours' ORDER BY o.kind, o.mode;

\echo
\echo == Profile of our side: one x1 snapshot, VATSpy tracked (pg_stat_statements track=all over the measured steps, per snapshot)
SELECT count(*) AS steps FROM measured WHERE side = 'ours' AND mode = 'sectors' AND kind = 'x1' \gset
SELECT round((total_ms / :steps)::numeric, 2) AS "ms/snapshot", round((calls::numeric / :steps), 1) AS calls,
       round((total_ms / calls)::numeric, 2) AS "mean ms", round(rows::numeric / calls, 0) AS "rows/call",
       round(wal_bytes / :steps / 1024, 0) AS "WAL kB",
       regexp_replace(left(regexp_replace(query, '\s+', ' ', 'g'), 120), '^\s+', '') AS statement
FROM bench.stmts
WHERE NOT toplevel AND query ~ 'vatsim\.' AND calls > 0
ORDER BY total_ms DESC LIMIT 25;
\echo The same for the statements of the plain side (inside plain.ingest)
SELECT round((total_ms / :steps)::numeric, 2) AS "ms/snapshot", round((calls::numeric / :steps), 1) AS calls,
       round(rows::numeric / calls, 0) AS "rows/call", round(wal_bytes / :steps / 1024, 0) AS "WAL kB",
       regexp_replace(left(regexp_replace(query, '\s+', ' ', 'g'), 120), '^\s+', '') AS statement
FROM bench.stmts
WHERE NOT toplevel AND query ~ 'plain\.' AND query !~ 'vatsim\.' AND calls > 0
ORDER BY total_ms DESC LIMIT 12;
\echo Rows written per snapshot and table (pg_stat_user_tables over the measured steps): updates, and how many were HOT
SELECT a.relname AS "table", round((a.ins - b.ins)::numeric / :steps, 0) AS inserted,
       round((a.upd - b.upd)::numeric / :steps, 0) AS updated, round((a.hot - b.hot)::numeric / :steps, 0) AS "HOT",
       CASE WHEN a.upd > b.upd THEN round(100.0 * (a.hot - b.hot) / (a.upd - b.upd), 0) END AS "HOT %",
       round((a.del - b.del)::numeric / :steps, 0) AS deleted
FROM bench.tabstats a JOIN bench.tabstats b ON b.at = 'before' AND b.relname = a.relname
WHERE a.at = 'after' AND (a.ins, a.upd, a.del) IS DISTINCT FROM (b.ins, b.upd, b.del)
ORDER BY a.relname;

\echo Every measured ingest (ms, WAL kB):
SELECT side, mode, kind, string_agg(round(ms::numeric, 0) || '/' || round(wal_bytes / 1024, 0), ' ' ORDER BY step) AS "per step (warm-ups first)"
FROM bench.side_runs GROUP BY side, mode, kind ORDER BY kind, mode, side;
