-- partitions_ingest.sql: one round of bench/partitions.sh's ingest (round 1
-- or 2: steps + 2 snapshots each, one transaction each).
\set ON_ERROR_STOP 1
\o /dev/null
SELECT format('SELECT status FROM vatsim.ingest((SELECT feed FROM bench.docs WHERE step = %s))', s)
FROM generate_series((:round - 1) * (:steps + 2), :round * (:steps + 2) - 1) AS s ORDER BY s
\gexec
\o
\pset footer off
WITH s AS (SELECT *, row_number() OVER (ORDER BY update_timestamp) - 1 AS step FROM vatsim.snapshots)
SELECT current_database() AS positions, :round AS round, count(*) AS steps,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms)::numeric, 1) AS "ingest median ms",
       round(min(duration_ms)::numeric, 1) AS "min ms",
       round(max(duration_ms) FILTER (WHERE update_timestamp = '2021-04-25 00:00:00+00')::numeric, 1)
           AS "step that crossed midnight, ms"
FROM s WHERE step >= (:round - 1) * (:steps + 2) + 2 AND step < :round * (:steps + 2);
