-- history_setup.sql: part of bench/history.sh.  The extension, the plain-SQL
-- side (schema plain: the same intervals with careful B-tree indexes and the
-- same four queries written as a user would), the synthetic history
-- generator and the timing function.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION vatsim_ingest;
CREATE SCHEMA bench;
CREATE SCHEMA plain;
CREATE TABLE plain.sector_occupancy (LIKE vatsim.sector_occupancy);
ALTER TABLE plain.sector_occupancy DROP COLUMN prev_sector, DROP COLUMN prev_entry_time;

-- Synthetic x1 history ending at t_end, `days` long: 24,000 flights a day,
-- each 2 to 6 consecutive intervals of 5 to 40 min (15 s steps) through a
-- 40 x 28 grid of 1,120 sectors (VATSpy has 1,102), moving to a
-- neighbour each time; the last closes slow; intervals still running at
-- t_end are open.  About 96,000 intervals and 1,900 flights airborne at once.
-- Generated set-based (no ingest); the aggregates are then built with
-- vatsim.rebuild_sector_aggregates(t_end), which the upgrade uses too.
CREATE FUNCTION bench.load(days int, t_end timestamptz) RETURNS TABLE (what text, value text)
LANGUAGE plpgsql AS $$
DECLARE
    clk timestamptz;
BEGIN
    PERFORM setseed(0.42);
    TRUNCATE vatsim.sector_occupancy, vatsim.sector_count_hours, vatsim.sector_bounds, plain.sector_occupancy;
    clk := clock_timestamp();
    INSERT INTO vatsim.sector_occupancy (flight_id, callsign, sector_set, sector, entry_time, exit_time,
                                         entry_lat, entry_lon, entry_altitude, exit_lat, exit_lon, exit_altitude, exit_reason)
    WITH f AS (SELECT g AS fid,
                      t_end - days * interval '1 day' + (floor(random() * days * 5760) * 15) * interval '1 s' AS t0,
                      2 + floor(random() * 5)::int AS k, floor(random() * 1120)::int AS s0
               FROM generate_series(1, 24000 * days) g),
         st AS (SELECT f.fid, f.t0, f.s0, f.k, j, (20 + floor(random() * 141))::int * 15 AS dur,
                       (ARRAY[1, -1, 40, -40])[1 + floor(random() * 4)::int] AS mv
                FROM f, generate_series(1, f.k) j),
         c AS (SELECT fid, j, k, t0 + (sum(dur) OVER w - dur) * interval '1 s' AS e,
                      t0 + sum(dur) OVER w * interval '1 s' AS x,
                      ((s0 + sum(mv) OVER w - mv) % 1120 + 1120) % 1120 AS sec
               FROM st WINDOW w AS (PARTITION BY fid ORDER BY j))
    SELECT fid, 'CS' || (fid % 20000), 'vatspy', 'S' || lpad(sec::text, 4, '0'), e,
           CASE WHEN x <= t_end THEN x END, 50 + sec / 40, sec % 40, 35000, 
           CASE WHEN x <= t_end THEN 50 + sec / 40 END, CASE WHEN x <= t_end THEN sec % 40 END,
           CASE WHEN x <= t_end THEN 35000 END,
           CASE WHEN x > t_end THEN NULL WHEN j < k THEN 'left' ELSE 'slow' END
    FROM c WHERE e <= t_end
    ORDER BY e;
    what := 'generate intervals (s)'; value := round(extract(epoch FROM clock_timestamp() - clk)::numeric, 1); RETURN NEXT;
    clk := clock_timestamp();
    PERFORM vatsim.rebuild_sector_aggregates(t_end);
    what := 'vatsim.rebuild_sector_aggregates (s)'; value := round(extract(epoch FROM clock_timestamp() - clk)::numeric, 1); RETURN NEXT;
    INSERT INTO plain.sector_occupancy SELECT occupancy_id, flight_id, callsign, sector_set, sector, entry_time, exit_time, duration,
           entry_lat, entry_lon, entry_altitude, exit_lat, exit_lon, exit_altitude, exit_reason
      FROM vatsim.sector_occupancy ORDER BY occupancy_id;
    what := 'intervals'; value := (SELECT count(*) FROM vatsim.sector_occupancy); RETURN NEXT;
    what := 'open intervals'; value := (SELECT count(*) FROM vatsim.sector_occupancy WHERE exit_time IS NULL); RETURN NEXT;
    what := 'sector_count_hours rows'; value := (SELECT count(*) FROM vatsim.sector_count_hours); RETURN NEXT;
END $$;

-- the plain side's indexes: what a careful user gives these four queries
CREATE INDEX ON plain.sector_occupancy (occupancy_id);
CREATE INDEX ON plain.sector_occupancy (flight_id, entry_time);
CREATE INDEX ON plain.sector_occupancy (callsign, entry_time);
CREATE INDEX ON plain.sector_occupancy (sector, entry_time);
CREATE INDEX ON plain.sector_occupancy (entry_time);
CREATE INDEX ON plain.sector_occupancy (exit_time);

-- random arguments, drawn once per size (so a new backend reads only this
-- table before the timed call)
CREATE TABLE bench.args (i int PRIMARY KEY, callsign text, sector text, at timestamptz, since timestamptz);
CREATE FUNCTION bench.draw(t_end timestamptz) RETURNS void LANGUAGE sql AS $$
    TRUNCATE bench.args;
    SELECT setseed(0.7);
    INSERT INTO bench.args
    SELECT i, 'CS' || floor(random() * 20000)::int, 'S' || lpad(floor(random() * 1120)::int::text, 4, '0'),
           t_end - random() * interval '23 hours', t_end - interval '24 hours' - random() * interval '1 hour'
    FROM generate_series(1, 1000) i;
$$;

-- One timed call of function `fn` on side `side` ('c' = vatsim, 'sql' =
-- plain) with argument row i: ms.  Static SQL, so each is planned once per
-- backend (as the C functions prepare once per backend).
CREATE FUNCTION bench.call(fn text, side text, i int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    a bench.args;
    t0 timestamptz;
    n bigint;
BEGIN
    SELECT * INTO a FROM bench.args WHERE args.i = call.i;
    t0 := clock_timestamp();
    IF side = 'c' THEN
        CASE fn
        WHEN 'history' THEN SELECT count(*) INTO n FROM vatsim.sector_history(a.callsign);
        WHEN 'traffic' THEN SELECT count(*) INTO n FROM vatsim.sector_traffic(a.sector, a.at, a.at + interval '1 hour');
        WHEN 'counts' THEN SELECT count(*) INTO n FROM vatsim.sector_counts(a.at);
        WHEN 'transitions' THEN SELECT count(*) INTO n FROM vatsim.sector_transitions(a.since, a.since + interval '24 hours');
        END CASE;
    ELSE
        CASE fn
        WHEN 'history' THEN
            SELECT count(*) INTO n FROM (SELECT * FROM plain.sector_occupancy o WHERE o.callsign = a.callsign
                                         ORDER BY o.entry_time, o.sector_set, o.sector) x;
        WHEN 'traffic' THEN
            SELECT count(*) INTO n FROM (SELECT * FROM plain.sector_occupancy o
                                         WHERE o.sector = a.sector AND o.entry_time <= a.at + interval '1 hour'
                                           AND (o.exit_time > a.at OR o.exit_time IS NULL) AND o.exit_time IS DISTINCT FROM o.entry_time
                                         ORDER BY o.entry_time, o.callsign) x;
        WHEN 'counts' THEN
            SELECT count(*) INTO n FROM (SELECT o.sector_set, o.sector, count(DISTINCT o.flight_id)
                                         FROM plain.sector_occupancy o
                                         WHERE o.entry_time <= a.at AND (o.exit_time > a.at OR o.exit_time IS NULL)
                                         GROUP BY 1, 2 ORDER BY 1, 2) x;
        WHEN 'transitions' THEN
            SELECT count(*) INTO n FROM (
                SELECT t.sector_set, t.from_sector, t.to_sector, count(DISTINCT t.flight_id)
                FROM (SELECT o.flight_id, o.sector_set, o.sector AS to_sector,
                             lag(o.sector) OVER (PARTITION BY o.flight_id, o.sector_set ORDER BY o.entry_time, o.sector) AS from_sector
                      FROM plain.sector_occupancy o
                      WHERE o.entry_time >= a.since AND o.entry_time <= a.since + interval '24 hours') t
                WHERE t.from_sector <> t.to_sector GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3) x;
        END CASE;
    END IF;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;

-- p50 over n calls in this (warm) session, after 3 warm-up calls
CREATE FUNCTION bench.warm(fn text, side text, n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    ms float8[] := '{}';
BEGIN
    FOR i IN 1 .. 3 LOOP
        PERFORM bench.call(fn, side, 1000 - i);
    END LOOP;
    FOR i IN 1 .. n LOOP
        ms := ms || bench.call(fn, side, i);
    END LOOP;
    RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY m) FROM unnest(ms) m);
END $$;
