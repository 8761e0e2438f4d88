-- partitions_readers.sql: the per-flight readers of positions without a
-- time bound (flight_stats, flight_track), which probe each day's primary
-- key: 200 calls each over the flights stored, ms per call.
\set ON_ERROR_STOP 1
\o /dev/null
CREATE TEMP TABLE f AS SELECT flight_id FROM vatsim.flights ORDER BY flight_id LIMIT 200;
SELECT count(*) FROM f, vatsim.flight_stats(f.flight_id);   -- warm-up
CREATE TEMP TABLE t AS SELECT 0 AS kind, 0::float8 AS ms WHERE false;
DO $$
DECLARE
    t0 timestamptz;
    id bigint;
BEGIN
    FOR id IN SELECT flight_id FROM f LOOP
        t0 := clock_timestamp();
        PERFORM * FROM vatsim.flight_stats(id);
        INSERT INTO t VALUES (1, extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        PERFORM * FROM vatsim.flight_track(id);
        INSERT INTO t VALUES (2, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
END $$;
\o
\pset footer off
SELECT current_database() AS positions,
       (SELECT count(*) FROM pg_inherits WHERE inhparent = 'vatsim.positions'::regclass) AS partitions,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE kind = 1))::numeric, 3) AS "flight_stats median ms",
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE kind = 2))::numeric, 3) AS "flight_track median ms"
FROM t;
