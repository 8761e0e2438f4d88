-- sectors_occupancy_report.sql: the occupancy cost per snapshot (run by
-- bench/sectors.sh in the "with sectors" database, after the runs of the
-- "without sectors" database were copied into its bench.occ_runs).
--
-- psql variables: us_per_lookup (the index lookup alone, us per point: sectors_at
-- vatspy above its per-call floor, from the lookup part of the same run),
-- warmups (steps 0 .. warmups - 1 are not counted).
\set ON_ERROR_STOP 1
\pset footer off
\pset null '-'

-- Per step: the two ingest times, and the intervals the step opened and
-- closed (every pilot is present in every step, so nothing is closed as
-- gone: every close is at the step's own time).
CREATE TEMP TABLE steps AS
SELECT n.kind, n.step, (n.r).update_timestamp AS ts, (n.r).pilots AS pilots,
       (n.r).duration_ms AS none_ms, (s.r).duration_ms AS sectors_ms,
       (SELECT count(*) FROM vatsim.sector_occupancy o WHERE o.entry_time = (s.r).update_timestamp) AS opened,
       (SELECT count(*) FROM vatsim.sector_occupancy o WHERE o.exit_time = (s.r).update_timestamp) AS closed,
       (SELECT count(*) FROM vatsim.sector_occupancy o WHERE o.exit_time = (s.r).update_timestamp
                                                          AND o.exit_reason = 'slow') AS closed_slow,
       (SELECT count(*) FROM vatsim.sector_occupancy o WHERE o.entry_time <= (s.r).update_timestamp
                                                          AND (o.exit_time IS NULL OR o.exit_time > (s.r).update_timestamp)) AS open_after
FROM bench.occ_runs n
JOIN bench.occ_runs s ON s.kind = n.kind AND s.step = n.step AND s.mode = 'sectors'
WHERE n.mode = 'none';
DO $$
BEGIN
    IF (SELECT count(*) FROM steps) <> (SELECT count(*) FROM bench.docs) THEN
        RAISE EXCEPTION 'bench: the two databases did not ingest the same steps';
    END IF;
END
$$;

\echo
\echo == Result: occupancy cost per snapshot (duration_ms of vatsim.ingest; the first :warmups steps are warm-ups, not counted)
SELECT kind AS document, max(pilots) AS pilots, count(*) AS steps,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY none_ms)::numeric, 1) AS "no sector set: median ms",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY sectors_ms)::numeric, 1) AS "VATSpy tracked: median ms",
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY sectors_ms)
              - percentile_cont(0.5) WITHIN GROUP (ORDER BY none_ms))::numeric, 1) AS "occupancy ms (difference)",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY sectors_ms - none_ms)::numeric, 1) AS "median of per-step differences",
       round((1000 * (percentile_cont(0.5) WITHIN GROUP (ORDER BY sectors_ms)
                      - percentile_cont(0.5) WITHIN GROUP (ORDER BY none_ms)) / max(pilots))::numeric, 2) AS "us/pilot",
       round((max(pilots) * :us_per_lookup / 1000)::numeric, 1) AS "point lookups in it, est. ms"
FROM steps WHERE step >= :warmups
GROUP BY kind ORDER BY max(pilots);
\echo 'difference = median with VATSpy loaded and tracked - median with no sector set. The two databases ingest the same'
\echo 'documents, taking turns step by step; median of per-step differences = the median of those paired differences.'
\echo 'point lookups, est.: pilots x (sectors_at vatspy - its per-call floor) per random world point, above. Occupancy calls'
\echo 'the index directly, not the SQL function; pilots cluster where sectors are dense, so this is a rough share.'

\echo
\echo == Cross-check: occupancy statements inside vatsim.ingest, with VATSpy tracked (pg_stat_statements, measured steps)
SELECT s.kind AS document,
       regexp_replace(left(regexp_replace(s.query, '\s+', ' ', 'g'), 60), ' \S*$', '') || ' ...' AS statement,
       round(s.calls::numeric / n.steps, 1) AS "calls/snapshot",
       round((s.total_ms / n.steps)::numeric, 1) AS "ms/snapshot",
       round(s.rows::numeric / n.steps) AS "rows/snapshot"
FROM bench.occ_stmts s
JOIN (SELECT kind, count(*) AS steps FROM steps WHERE step >= :warmups GROUP BY kind) n USING (kind)
ORDER BY (SELECT min(pilots) FROM steps t WHERE t.kind = s.kind), s.total_ms DESC;
SELECT s.kind AS document,
       round((sum(s.total_ms) / n.steps)::numeric, 1) AS "occupancy SQL ms/snapshot",
       round((max(t.pilots) * :us_per_lookup / 1000)::numeric, 1) AS "+ point lookups, est. ms",
       round((sum(s.total_ms) / n.steps + max(t.pilots) * :us_per_lookup / 1000)::numeric, 1) AS "= lower estimate, ms"
FROM bench.occ_stmts s
JOIN (SELECT kind, count(*) AS steps FROM steps WHERE step >= :warmups GROUP BY kind) n USING (kind)
JOIN (SELECT kind, max(pilots) AS pilots FROM steps GROUP BY kind) t USING (kind)
GROUP BY s.kind, n.steps ORDER BY max(t.pilots);
\echo 'The rest of the occupancy cost (hash tables, column buffers, the subtransaction) is not in these statements.'

\echo
\echo == Intervals opened and closed per step (with VATSpy tracked)
SELECT kind AS document,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY opened) AS "opened: median",
       min(opened) || '-' || max(opened) AS "opened: min-max",
       percentile_disc(0.5) WITHIN GROUP (ORDER BY closed) AS "closed: median",
       min(closed) || '-' || max(closed) AS "closed: min-max",
       sum(closed_slow) AS "closed as slow (landed), all steps",
       max(open_after) FILTER (WHERE step = (SELECT max(step) FROM steps t WHERE t.kind = s.kind)) AS "open at the end"
FROM steps s WHERE step >= :warmups
GROUP BY kind ORDER BY min(pilots);

\echo == Per step, from step 0 (ms; x1 step 0 opens every first interval, x10 step 0 starts the flights of the clones)
SELECT kind AS document, string_agg(round(none_ms)::text, ' ' ORDER BY step) AS "no sector set, ms",
       string_agg(round(sectors_ms)::text, ' ' ORDER BY step) AS "VATSpy tracked, ms",
       string_agg(opened || '/' || closed, ' ' ORDER BY step) AS "opened/closed"
FROM steps GROUP BY kind ORDER BY min(pilots);
