-- history_models.sql: the sector history functions' definitions written
-- plainly over vatsim.sector_occupancy, independently of the aggregates the C
-- functions read (they are 0.3.0's definitions, with range operators and a
-- window function), and pg_temp.agg_check(), which compares the kept
-- aggregates with a rebuild from the intervals.  \i after CREATE EXTENSION.
CREATE FUNCTION pg_temp.model_counts(at timestamptz, sset text DEFAULT NULL)
RETURNS TABLE (sector_set text, sector text, flights bigint) LANGUAGE sql AS $$
    SELECT o.sector_set, o.sector, count(DISTINCT o.flight_id)
    FROM vatsim.sector_occupancy o
    WHERE tstzrange(o.entry_time, o.exit_time, '[)') @> at AND (sset IS NULL OR o.sector_set = sset)
    GROUP BY 1, 2
$$;
CREATE FUNCTION pg_temp.model_transitions(since timestamptz, until timestamptz, sset text DEFAULT NULL)
RETURNS TABLE (sector_set text, from_sector text, to_sector text, flights bigint) LANGUAGE sql AS $$
    SELECT t.sector_set, t.from_sector, t.to_sector, count(DISTINCT t.flight_id)
    FROM (SELECT o.flight_id, o.sector_set, o.sector AS to_sector,
                 lag(o.sector) OVER (PARTITION BY o.flight_id, o.sector_set ORDER BY o.entry_time, o.sector) AS from_sector
          FROM vatsim.sector_occupancy o
          WHERE o.entry_time BETWEEN since AND until AND (sset IS NULL OR o.sector_set = sset)) t
    WHERE t.from_sector <> t.to_sector
    GROUP BY 1, 2, 3
$$;
CREATE FUNCTION pg_temp.model_traffic(sector text, since timestamptz, until timestamptz, sset text DEFAULT NULL)
RETURNS SETOF bigint LANGUAGE sql AS $$
    SELECT o.occupancy_id FROM vatsim.sector_occupancy o
    WHERE tstzrange(o.entry_time, o.exit_time, '[)') && tstzrange(since, until, '[]')
      AND o.sector = $1 AND (sset IS NULL OR o.sector_set = sset)
$$;
-- the instants to probe: every entry and exit, a microsecond and a second
-- either side, every hour boundary around them, and far before and after
CREATE FUNCTION pg_temp.instants() RETURNS SETOF timestamptz LANGUAGE sql AS $$
    SELECT DISTINCT x FROM (
        SELECT e.t + d.d AS x
        FROM (SELECT entry_time AS t FROM vatsim.sector_occupancy
              UNION SELECT exit_time FROM vatsim.sector_occupancy WHERE exit_time IS NOT NULL
              UNION SELECT update_timestamp FROM vatsim.snapshots) e,
             (VALUES (interval '0'), (interval '-1 microsecond'), (interval '1 microsecond'),
                     (interval '-1 s'), (interval '1 s')) d(d)
        UNION
        SELECT g FROM generate_series(
            (SELECT date_trunc('hour', min(entry_time), 'UTC') - interval '1 hour' FROM vatsim.sector_occupancy),
            (SELECT date_trunc('hour', max(update_timestamp), 'UTC') + interval '2 hours' FROM vatsim.snapshots),
            interval '1 hour') g
        UNION SELECT timestamptz '2000-01-01 00:00+00' UNION SELECT timestamptz '2100-01-01 00:00+00') i
$$;
-- counts differing from the model at any instant (all sets, and each set)
CREATE FUNCTION pg_temp.count_diffs() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_temp.instants() i,
           (SELECT NULL::text AS s UNION ALL SELECT DISTINCT sector_set FROM vatsim.sector_occupancy) s,
    LATERAL ((SELECT * FROM vatsim.sector_counts(i, s.s) EXCEPT ALL SELECT * FROM pg_temp.model_counts(i, s.s))
             UNION ALL
             (SELECT * FROM pg_temp.model_counts(i, s.s) EXCEPT ALL SELECT * FROM vatsim.sector_counts(i, s.s))) d
$$;
-- the windows: pairs of instants (since <= until) from a sample
CREATE FUNCTION pg_temp.windows(n int) RETURNS TABLE (since timestamptz, until timestamptz) LANGUAGE sql AS $$
    WITH s AS (SELECT x, row_number() OVER (ORDER BY x) AS k, count(*) OVER () AS c FROM pg_temp.instants() x),
         pick AS (SELECT x FROM s WHERE k % greatest(c / n, 1) = 0 OR k = 1 OR k = c)
    SELECT a.x, b.x FROM pick a, pick b WHERE a.x <= b.x
$$;
CREATE FUNCTION pg_temp.transition_diffs(n int) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_temp.windows(n) w,
           (SELECT NULL::text AS s UNION ALL SELECT DISTINCT sector_set FROM vatsim.sector_occupancy) s,
    LATERAL ((SELECT * FROM vatsim.sector_transitions(w.since, w.until, s.s)
              EXCEPT ALL SELECT * FROM pg_temp.model_transitions(w.since, w.until, s.s))
             UNION ALL
             (SELECT * FROM pg_temp.model_transitions(w.since, w.until, s.s)
              EXCEPT ALL SELECT * FROM vatsim.sector_transitions(w.since, w.until, s.s))) d
$$;
-- traffic: the same intervals, every column; and in (entry_time, callsign) order
CREATE FUNCTION pg_temp.model_traffic_rows(sector text, since timestamptz, until timestamptz, sset text)
RETURNS TABLE (flight_id bigint, callsign text, sector_set text, sector text, entry_time timestamptz,
               exit_time timestamptz, duration interval, entry_lat double precision, entry_lon double precision,
               entry_altitude integer, exit_lat double precision, exit_lon double precision,
               exit_altitude integer, exit_reason text) LANGUAGE sql AS $$
    SELECT o.flight_id, o.callsign::text, o.sector_set, o.sector, o.entry_time, o.exit_time, o.duration,
           o.entry_lat, o.entry_lon, o.entry_altitude, o.exit_lat, o.exit_lon, o.exit_altitude, o.exit_reason
    FROM vatsim.sector_occupancy o WHERE o.occupancy_id IN (SELECT pg_temp.model_traffic($1, $2, $3, $4))
$$;
CREATE FUNCTION pg_temp.traffic_diffs(n int) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_temp.windows(n) w,
           (SELECT NULL::text AS s UNION ALL SELECT DISTINCT sector_set FROM vatsim.sector_occupancy) s,
           (SELECT DISTINCT sector AS x FROM vatsim.sector_occupancy UNION SELECT 'NO SUCH SECTOR') x,
    LATERAL ((SELECT * FROM vatsim.sector_traffic(x.x, w.since, w.until, s.s)
              EXCEPT ALL SELECT * FROM pg_temp.model_traffic_rows(x.x, w.since, w.until, s.s))
             UNION ALL
             (SELECT * FROM pg_temp.model_traffic_rows(x.x, w.since, w.until, s.s)
              EXCEPT ALL SELECT * FROM vatsim.sector_traffic(x.x, w.since, w.until, s.s))) d
$$;
CREATE FUNCTION pg_temp.traffic_unordered(n int) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_temp.windows(n) w,
           (SELECT DISTINCT sector AS x FROM vatsim.sector_occupancy) x,
    LATERAL (SELECT t.entry_time, t.callsign,
                    lag(t.entry_time) OVER (ORDER BY t.ord) AS pe, lag(t.callsign) OVER (ORDER BY t.ord) AS pc
             FROM vatsim.sector_traffic(x.x, w.since, w.until) WITH ORDINALITY
                  AS t(flight_id, callsign, sector_set, sector, entry_time, exit_time, duration, entry_lat,
                       entry_lon, entry_altitude, exit_lat, exit_lon, exit_altitude, exit_reason, ord)) t
    WHERE (t.pe, t.pc) > (t.entry_time, t.callsign)
$$;
-- the kept aggregates against a rebuild from the intervals: rows that differ
CREATE FUNCTION pg_temp.agg_check() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    d1 bigint; d2 bigint; d3 bigint;
BEGIN
    CREATE TEMP TABLE kept_hours ON COMMIT DROP AS SELECT * FROM vatsim.sector_count_hours;
    CREATE TEMP TABLE kept_bounds ON COMMIT DROP AS SELECT * FROM vatsim.sector_bounds;
    CREATE TEMP TABLE kept_prev ON COMMIT DROP AS SELECT occupancy_id, prev_sector, prev_entry_time, prev_pair_entry_time FROM vatsim.sector_occupancy;
    PERFORM vatsim.rebuild_sector_aggregates();
    SELECT count(*) INTO d1 FROM ((TABLE kept_hours EXCEPT ALL TABLE vatsim.sector_count_hours)
                                  UNION ALL (TABLE vatsim.sector_count_hours EXCEPT ALL TABLE kept_hours)) x;
    SELECT count(*) INTO d2 FROM ((TABLE kept_bounds EXCEPT ALL TABLE vatsim.sector_bounds)
                                  UNION ALL (TABLE vatsim.sector_bounds EXCEPT ALL TABLE kept_bounds)) x;
    SELECT count(*) INTO d3 FROM ((TABLE kept_prev EXCEPT ALL SELECT occupancy_id, prev_sector, prev_entry_time, prev_pair_entry_time FROM vatsim.sector_occupancy)
                                  UNION ALL (SELECT occupancy_id, prev_sector, prev_entry_time, prev_pair_entry_time FROM vatsim.sector_occupancy EXCEPT ALL TABLE kept_prev)) x;
    DROP TABLE kept_hours, kept_bounds, kept_prev;
    RETURN format('hours %s, bounds %s, prev %s', d1, d2, d3);
END $$;
