-- report.sql: last step of `make bench`: the summary table.
-- psql variables: parse_1925p, parse_x10 (median ms of cJSON parse + delete
-- from bench/parse_time), runs.
\set ON_ERROR_STOP 1
\pset footer off
\pset null '-'

CREATE TEMP TABLE parse_ms (kind text PRIMARY KEY, ms double precision);
INSERT INTO parse_ms VALUES ('1925p', :parse_1925p), ('x10', :parse_x10);

CREATE TEMP VIEW summary AS
SELECT kind,
       max((r).pilots) AS pilots,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (r).duration_ms) AS median_ms,
       max((r).duration_ms) AS max_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM wall_end - wall_start)) AS wall_ms,
       count(*) AS n,
       extract(epoch FROM max(wall_end) - min(wall_start)) AS loop_s,
       p.ms AS parse_ms,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c.ms) FROM bench.copy_runs c
        WHERE c.kind = b.kind AND c.tbl = 'pilots' AND c.run > 0) AS copy_pilots_ms,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c.ms) FROM bench.copy_runs c
        WHERE c.kind = b.kind AND c.tbl = 'positions' AND c.run > 0) AS copy_positions_ms
FROM bench.runs b JOIN parse_ms p USING (kind)
WHERE NOT warmup
GROUP BY kind, p.ms;

\echo
\echo '== Result: one ingest per snapshot, steady state (warm-ups excluded), times in ms'
SELECT kind AS document,
       pilots,
       round(median_ms::numeric, 1) AS median_ms,
       round(max_ms::numeric, 1) AS max_ms,
       round(wall_ms::numeric, 1) AS wall_ms,
       format('%s + %s + %s = %s',
              round(parse_ms::numeric, 1), round(copy_pilots_ms::numeric, 1),
              round(copy_positions_ms::numeric, 1),
              round((parse_ms + copy_pilots_ms + copy_positions_ms)::numeric, 1))
           AS "lower_bound_ms (parse + copy pilots + copy positions)",
       round((median_ms / (parse_ms + copy_pilots_ms + copy_positions_ms))::numeric, 2) AS ratio,
       round((1000 / median_ms)::numeric, 1) AS "snapshots/s",
       round((n / loop_s)::numeric, 1) AS "snapshots/s (wall, loop)"
FROM summary
ORDER BY kind;

\echo 'median_ms, max_ms: duration_ms returned by vatsim.ingest (parse + all writes, measured in C).'
\echo 'wall_ms: median wall time of the ingest statement, from its start to the start of the next'
\echo '         statement: adds fetching the document text, COMMIT and the client round trip.'
\echo 'ratio = median_ms / lower bound; target <= 3.'
\echo 'snapshots/s = 1000 / median_ms; (wall, loop) = measured snapshots / wall time of their loop.'
\echo

SELECT s.kind AS document,
       round((5760 * s.loop_s / s.n / 60)::numeric, 1) AS "1 day = 5,760 snapshots: min at loop rate",
       w.warmups AS "warm-up ms (excluded)",
       w.rejected AS "rejected records/snapshot",
       w.measured AS "measured ms, in order"
FROM summary s
JOIN (SELECT kind,
             string_agg(round((r).duration_ms::numeric)::text, ' ' ORDER BY i) FILTER (WHERE warmup) AS warmups,
             string_agg(round((r).duration_ms::numeric)::text, ' ' ORDER BY i) FILTER (WHERE NOT warmup) AS measured,
             max((r).rejected) AS rejected
      FROM bench.runs GROUP BY kind) w USING (kind)
ORDER BY kind;

SELECT (SELECT count(*) FROM vatsim.snapshots) AS snapshots_stored,
       (SELECT count(*) FROM vatsim.flights) AS flights,
       (SELECT count(*) FROM vatsim.positions) AS positions,
       pg_size_pretty(pg_total_relation_size('vatsim.positions')) AS positions_size;
