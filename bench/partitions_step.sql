-- partitions_step.sql: the worker's partition step, timed in plpgsql
-- (clock_timestamp around each call; the calls of one kind in one transaction).
\set ON_ERROR_STOP 1
\pset footer off
CREATE TABLE bench.t (what text, ms float8);
-- n calls of stmt ($i: the call's number), each timed
CREATE FUNCTION bench.timed(what text, stmt text, n integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
BEGIN
    FOR i IN 1..n LOOP
        t0 := clock_timestamp();
        EXECUTE replace(stmt, '$i', i::text);
        INSERT INTO bench.t VALUES (what, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
END $$;
\o /dev/null
-- every cycle: the days exist
SELECT vatsim.ensure_partitions('2 days');
SELECT bench.timed('ensure_partitions(2 days), nothing to create', $$SELECT vatsim.ensure_partitions('2 days')$$, 50);
-- once a day: one day to create (LIKE the parent, ATTACH)
SELECT bench.timed('ensure_partitions, one day created',
                   $$SELECT vatsim.ensure_partitions('0', now() + (10 + $i) * interval '1 day')$$, 20);
-- retention: days of day_rows positions each, then one drop per call
SELECT vatsim.ensure_partitions('4 days', '2020-01-01');
INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude, altitude, groundspeed, heading)
SELECT i % 2000, timestamptz '2020-01-01 00:00+00' + d * interval '1 day' + (i / 2000) * interval '15 s', 1, 2, 3, 4, 5
FROM generate_series(0, 4) d, generate_series(0, :day_rows - 1) i;
ANALYZE vatsim.positions;
SELECT bench.timed('drop_partitions, one day dropped', $$SELECT vatsim.drop_partitions('2020-01-06 00:00+00')$$, 5);
\o
\echo
\echo == The partition step of the worker, ms per call
SELECT what, count(*) AS calls, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS "median ms",
       round(max(ms)::numeric, 3) AS "max ms"
FROM bench.t GROUP BY what ORDER BY min(ms);
SELECT :day_rows AS rows_per_dropped_day,
       (SELECT string_agg(detail, ', ') FROM vatsim.partition_log WHERE action = 'dropped') AS dropped;
