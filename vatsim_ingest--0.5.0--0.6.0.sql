/*
 * vatsim_ingest--0.5.0--0.6.0.sql
 *		Speed and storage (issue 12): the flight's running aggregates on its
 *		own row, set-based sector lookups, history aggregates kept at ingest
 *		time with fewer occupancy indexes, and bounded history (daily
 *		partitions, packed positions, retention).  Each part below belongs
 *		to one feature.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.6.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Flight aggregates on the flight row
-- ---------------------------------------------------------------------------

-- 0.5.0 kept a flight's running aggregates in vatsim.flight_stats, a second
-- row that every snapshot rewrote after the flights row itself (last_seen):
-- two row updates per flight per snapshot.  They now live on the flights
-- row, written by the same update (src/store/store_flights.c), and
-- vatsim.flight_stats is a view with 0.5.0's columns.  NULL columns: a
-- flight not carried by any snapshot since 0.5.0 (no aggregates yet).
-- last_seen is the aggregates' last_ts.  No index covers a column that
-- changes every snapshot, so the update stays HOT.
ALTER TABLE vatsim.flights
    ADD COLUMN stats_open          boolean,
    ADD COLUMN stats_first_ts      timestamptz,
    ADD COLUMN last_latitude       double precision,
    ADD COLUMN last_longitude      double precision,
    ADD COLUMN last_groundspeed    integer,
    ADD COLUMN last_in_contact     boolean,
    ADD COLUMN slow_polls          integer CHECK (slow_polls >= 0),
    ADD COLUMN max_altitude        integer,
    ADD COLUMN distance_nm         double precision CHECK (distance_nm >= 0),
    ADD COLUMN airborne_us         bigint CHECK (airborne_us >= 0),
    ADD COLUMN contact_us          bigint CHECK (contact_us >= 0),
    ADD COLUMN airborne_contact_us bigint CHECK (airborne_contact_us >= 0),
    ADD COLUMN snapshots           integer CHECK (snapshots >= 1),
    ADD CHECK ((stats_first_ts IS NULL) = (snapshots IS NULL));
COMMENT ON COLUMN vatsim.flights.stats_open IS 'Aggregates: true until the flight ends (its summary is written); true again when a reconnect continues it; NULL: no aggregates yet';
COMMENT ON COLUMN vatsim.flights.stats_first_ts IS 'Aggregates: update_timestamp of the first snapshot counted (NULL: no aggregates yet)';
COMMENT ON COLUMN vatsim.flights.last_latitude IS 'Aggregates: latitude in the newest snapshot (the start of the next leg)';
COMMENT ON COLUMN vatsim.flights.last_longitude IS 'Aggregates: longitude in the newest snapshot';
COMMENT ON COLUMN vatsim.flights.last_groundspeed IS 'Aggregates: groundspeed in the newest snapshot, knots (missing: 0): airborne until the next snapshot when >= vatsim_ingest.airborne_speed_kt';
COMMENT ON COLUMN vatsim.flights.last_in_contact IS 'Aggregates: an ATC contact was open in the newest snapshot: in contact until the next snapshot';
COMMENT ON COLUMN vatsim.flights.slow_polls IS 'Aggregates: consecutive snapshots below vatsim_ingest.exit_speed_kt, up to exit_polls (occupancy''s slow rule): at exit_polls a flight absent from the next snapshot has landed';
COMMENT ON COLUMN vatsim.flights.max_altitude IS 'Aggregates: highest altitude seen, feet (NULL: never reported)';
COMMENT ON COLUMN vatsim.flights.distance_nm IS 'Aggregates: sum of the great-circle legs between consecutive snapshots, nautical miles';
COMMENT ON COLUMN vatsim.flights.airborne_us IS 'Aggregates: airborne time, microseconds';
COMMENT ON COLUMN vatsim.flights.contact_us IS 'Aggregates: time in contact with ATC, microseconds';
COMMENT ON COLUMN vatsim.flights.airborne_contact_us IS 'Aggregates: airborne time in contact with ATC, microseconds';
COMMENT ON COLUMN vatsim.flights.snapshots IS 'Aggregates: snapshots counted';

UPDATE vatsim.flights f SET
    stats_open = s.open, stats_first_ts = s.first_ts, last_latitude = s.last_latitude,
    last_longitude = s.last_longitude, last_groundspeed = s.last_groundspeed,
    last_in_contact = s.last_in_contact, slow_polls = s.slow_polls, max_altitude = s.max_altitude,
    distance_nm = s.distance_nm, airborne_us = s.airborne_us, contact_us = s.contact_us,
    airborne_contact_us = s.airborne_contact_us, snapshots = s.snapshots
FROM vatsim.flight_stats s
WHERE s.flight_id = f.flight_id;
-- Out of the extension first: that also takes it off pg_extension's list
-- of tables pg_dump dumps (a plain DROP would leave a stale entry).
ALTER EXTENSION vatsim_ingest DROP TABLE vatsim.flight_stats;
DROP TABLE vatsim.flight_stats;

-- The flights that may end: aggregates open and absent from the newest
-- snapshot.  Both columns change only when a flight goes or comes back, so
-- the index stays small and the per-snapshot update stays HOT.
CREATE INDEX flights_summary_due_idx ON vatsim.flights (flight_id)
    WHERE stats_open AND status = 'offline';

-- A pilot's newest flight is its highest flight_id (the stitch continues
-- only the newest, so an older flight is never seen again): with flight_id
-- in the index the lookup needs no sort by last_seen, and the index still
-- covers no column that changes.
DROP INDEX vatsim.flights_pilot_idx;
CREATE INDEX flights_pilot_idx ON vatsim.flights (cid, callsign, flight_id);

CREATE VIEW vatsim.flight_stats AS
SELECT flight_id, stats_open AS open, stats_first_ts AS first_ts, last_seen AS last_ts,
       last_latitude, last_longitude, last_groundspeed, last_in_contact, slow_polls,
       max_altitude, distance_nm, airborne_us, contact_us, airborne_contact_us, snapshots
FROM vatsim.flights
WHERE stats_first_ts IS NOT NULL;
COMMENT ON VIEW vatsim.flight_stats IS 'Running aggregates of each flight (columns of vatsim.flights since 0.6.0), advanced by every snapshot that carries it; the state of vatsim.flight_summaries';
GRANT SELECT ON vatsim.flight_stats TO vatsim_reader;

-- 0.5.0's function, reading the aggregates from the flights row.
CREATE OR REPLACE FUNCTION vatsim.summarise_flights(ended bigint[], reasons text[], summarised timestamptz)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    written integer;
BEGIN
    INSERT INTO vatsim.flight_summaries AS fs (flight_id, cid, callsign, departure, arrival,
        aircraft, flight_rules, first_seen, last_seen, end_reason, total_s, airborne_s,
        max_altitude, distance_nm, sectors, primary_sector_set, primary_sector, sector_seconds,
        controllers, contact_s, airborne_contact_s, atc_share, airborne_atc_share, summarised_at)
    SELECT f.flight_id, f.cid, f.callsign, f.departure, f.arrival, f.aircraft, fp.flight_rules,
           f.first_seen, f.last_seen, e.reason, tot.s, f.airborne_us / 1e6::float8,
           f.max_altitude, f.distance_nm,
           coalesce(sec.n, 0), sec.primary_set, sec.primary_sector, coalesce(sec.seconds, '[]'),
           coalesce(ctl.controllers, '[]'), f.contact_us / 1e6::float8,
           f.airborne_contact_us / 1e6::float8,
           CASE WHEN tot.s > 0 THEN least(1, f.contact_us / 1e6::float8 / tot.s) END,
           CASE WHEN f.airborne_us > 0 THEN f.airborne_contact_us::float8 / f.airborne_us END,
           summarised
    FROM unnest(ended, reasons) AS e(flight_id, reason)
    JOIN vatsim.flights f ON f.flight_id = e.flight_id AND f.snapshots IS NOT NULL
    CROSS JOIN LATERAL (SELECT extract(epoch FROM f.last_seen - f.first_seen)::float8 AS s) tot
    LEFT JOIN LATERAL (
        SELECT p.flight_rules FROM vatsim.flight_plans p
        WHERE p.flight_id = f.flight_id ORDER BY p.seen_at DESC LIMIT 1) fp ON true
    -- seconds per sector, intervals cut at last_seen
    LEFT JOIN LATERAL (
        SELECT count(*)::integer AS n,
               (array_agg(x.sector_set ORDER BY x.s DESC, x.first_entry, x.sector_set, x.sector))[1] AS primary_set,
               (array_agg(x.sector ORDER BY x.s DESC, x.first_entry, x.sector_set, x.sector))[1] AS primary_sector,
               jsonb_agg(jsonb_build_object('sector_set', x.sector_set, 'sector', x.sector, 'seconds', x.s)
                         ORDER BY x.first_entry, x.sector_set, x.sector) AS seconds
        FROM (SELECT o.sector_set, o.sector, min(o.entry_time) AS first_entry,
                     sum(greatest(0, extract(epoch FROM least(coalesce(o.exit_time, f.last_seen), f.last_seen)
                                                       - o.entry_time)))::float8 AS s
              FROM vatsim.sector_occupancy o
              WHERE o.flight_id = f.flight_id
              GROUP BY o.sector_set, o.sector) x) sec ON true
    -- per controller callsign, the union of its contact intervals (islands
    -- of overlapping or touching intervals), cut at last_seen
    LEFT JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('callsign', c.atc_callsign, 'seconds', c.s)
                         ORDER BY c.first_start, c.atc_callsign) AS controllers
        FROM (SELECT i.atc_callsign, min(i.lo) AS first_start,
                     sum(extract(epoch FROM i.hi - i.lo))::float8 AS s
              FROM (SELECT g.atc_callsign, min(g.lo) AS lo, max(g.hi) AS hi
                    FROM (SELECT m.*, count(*) FILTER (WHERE m.starts) OVER (PARTITION BY m.atc_callsign ORDER BY m.lo, m.hi) AS island
                          FROM (SELECT r.*, coalesce(r.lo > max(r.hi) OVER (PARTITION BY r.atc_callsign ORDER BY r.lo, r.hi
                                                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS starts
                                FROM (SELECT a.atc_callsign, a.started_at AS lo,
                                             least(coalesce(a.ended_at, f.last_seen), f.last_seen) AS hi
                                      FROM vatsim.atc_contacts a
                                      WHERE a.flight_id = f.flight_id AND a.started_at < f.last_seen) r) m) g
                    GROUP BY g.atc_callsign, g.island) i
              GROUP BY i.atc_callsign) c) ctl ON true
    ON CONFLICT (flight_id) DO UPDATE SET
        cid = EXCLUDED.cid, callsign = EXCLUDED.callsign, departure = EXCLUDED.departure,
        arrival = EXCLUDED.arrival, aircraft = EXCLUDED.aircraft, flight_rules = EXCLUDED.flight_rules,
        first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen,
        end_reason = EXCLUDED.end_reason, total_s = EXCLUDED.total_s,
        airborne_s = EXCLUDED.airborne_s, max_altitude = EXCLUDED.max_altitude,
        distance_nm = EXCLUDED.distance_nm, sectors = EXCLUDED.sectors,
        primary_sector_set = EXCLUDED.primary_sector_set, primary_sector = EXCLUDED.primary_sector,
        sector_seconds = EXCLUDED.sector_seconds, controllers = EXCLUDED.controllers,
        contact_s = EXCLUDED.contact_s, airborne_contact_s = EXCLUDED.airborne_contact_s,
        atc_share = EXCLUDED.atc_share, airborne_atc_share = EXCLUDED.airborne_atc_share,
        summarised_at = EXCLUDED.summarised_at;
    GET DIAGNOSTICS written = ROW_COUNT;
    UPDATE vatsim.flights f SET stats_open = false
    FROM unnest(ended) AS e(flight_id)
    WHERE f.flight_id = e.flight_id AND f.stats_open;
    RETURN written;
END
$$;
COMMENT ON FUNCTION vatsim.summarise_flights(bigint[], text[], timestamptz) IS 'Write (or replace) the summaries of flights that ended, from their aggregates (vatsim.flights) and their intervals, and close their aggregates (called by the ingest)';
-- The ingest calls it with the caller's rights, so a loader role (EXECUTE on
-- vatsim.ingest and write access to the tables, see README "Privileges")
-- must be able to execute it; it runs with its caller's rights (no SECURITY
-- DEFINER), so it writes nothing its caller could not write anyway.
GRANT EXECUTE ON FUNCTION vatsim.summarise_flights(bigint[], text[], timestamptz) TO PUBLIC;

-- (end of flight aggregates part)


-- ---------------------------------------------------------------------------
-- Set-based sector lookups
-- ---------------------------------------------------------------------------

-- sectors_at for many points in one call (src/sectors/sectors_points.c):
-- element i of each array is point i.  Not an overload of sectors_at: a
-- call with untyped parameters or NULL literals, sectors_at($1, $2), would
-- then match both and fail as ambiguous.  Like sectors_at: no SET clause
-- (the only statement it may run, rebuilding the index, qualifies every
-- name) and EXECUTE for everybody.
CREATE FUNCTION vatsim.sectors_at_points(latitudes double precision[], longitudes double precision[],
    altitudes_ft integer[] DEFAULT NULL, sector_set text DEFAULT NULL)
RETURNS TABLE (idx integer, sector_set text, sector text)
AS 'MODULE_PATHNAME', 'vatsim_sectors_at_points'
LANGUAGE C STABLE CALLED ON NULL INPUT ROWS 1000;
COMMENT ON FUNCTION vatsim.sectors_at_points(double precision[], double precision[], integer[], text) IS 'Every sector containing each point of arrays of latitudes, longitudes and altitudes: (1-based point number, sector set, sector) by point number, as sectors_at finds them';

-- (end of set-based lookups part)


-- ---------------------------------------------------------------------------
-- History aggregates and occupancy indexes
-- ---------------------------------------------------------------------------

-- sector_history by flight and by callsign stay on their B-tree indexes; the
-- other three functions read aggregates kept in the occupancy step's own
-- statements (see README "Sector history"):
--
--  * sector_counts(at): vatsim.sector_count_hours, per (UTC hour, set,
--    sector) the flights inside just before the hour and the sorted entry
--    and exit times within it; the count at `at` is one row per sector;
--  * sector_transitions: each interval carries its predecessor (the flight's
--    previous interval in the same set) and when the flight last made the
--    same transition, so no window function and no DISTINCT per query;
--  * sector_traffic: vatsim.sector_bounds keeps the longest closed interval
--    per sector, so "overlaps [since, until]" is a range on (sector,
--    entry_time) plus the few open intervals.
--
-- The GiST range index goes (nothing reads it any more).

ALTER TABLE vatsim.sector_occupancy
    ADD COLUMN prev_sector text,
    ADD COLUMN prev_entry_time timestamptz,
    ADD COLUMN prev_pair_entry_time timestamptz;
COMMENT ON COLUMN vatsim.sector_occupancy.prev_sector IS 'Sector of the flight''s previous interval in the same set (by entry_time, then sector); NULL for its first';
COMMENT ON COLUMN vatsim.sector_occupancy.prev_entry_time IS 'entry_time of that previous interval';
COMMENT ON COLUMN vatsim.sector_occupancy.prev_pair_entry_time IS 'prev_entry_time of the flight''s previous interval with the same prev_sector and sector in the set (the same transition before), if any';

CREATE TABLE vatsim.sector_count_hours (
    hour       timestamptz NOT NULL,
    sector_set text NOT NULL,
    sector     text NOT NULL,
    n_base     integer NOT NULL CHECK (n_base >= 0),
    entries    timestamptz[] NOT NULL,
    exits      timestamptz[] NOT NULL,
    PRIMARY KEY (hour, sector_set, sector)
);
COMMENT ON TABLE vatsim.sector_count_hours IS 'Sector counts by UTC hour, kept by the occupancy step: flights inside at an instant of the hour = n_base + entries up to it - exits up to it';
COMMENT ON COLUMN vatsim.sector_count_hours.hour IS 'Start of the UTC hour';
COMMENT ON COLUMN vatsim.sector_count_hours.sector_set IS 'Sector set';
COMMENT ON COLUMN vatsim.sector_count_hours.sector IS 'Sector name';
COMMENT ON COLUMN vatsim.sector_count_hours.n_base IS 'Intervals entered before the hour and not exited before it (open ones included)';
COMMENT ON COLUMN vatsim.sector_count_hours.entries IS 'entry_time of the intervals entered within the hour, sorted';
COMMENT ON COLUMN vatsim.sector_count_hours.exits IS 'exit_time of the intervals exited within the hour, sorted';

CREATE TABLE vatsim.sector_bounds (
    sector       text NOT NULL,
    sector_set   text NOT NULL,
    max_duration interval NOT NULL,
    PRIMARY KEY (sector, sector_set)
);
COMMENT ON TABLE vatsim.sector_bounds IS 'Longest closed interval per sector (kept by the occupancy step): bounds the entry_time of intervals that overlap a window, for sector_traffic';
COMMENT ON COLUMN vatsim.sector_bounds.sector IS 'Sector name';
COMMENT ON COLUMN vatsim.sector_bounds.sector_set IS 'Sector set';
COMMENT ON COLUMN vatsim.sector_bounds.max_duration IS 'Longest exit_time - entry_time of a closed interval';

SELECT pg_catalog.pg_extension_config_dump('vatsim.sector_count_hours', '');
SELECT pg_catalog.pg_extension_config_dump('vatsim.sector_bounds', '');
GRANT SELECT ON vatsim.sector_count_hours, vatsim.sector_bounds TO vatsim_reader;

CREATE FUNCTION vatsim.rebuild_sector_aggregates(up_to timestamptz DEFAULT NULL)
RETURNS TABLE (intervals bigint, count_hours bigint, bounds bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t  timestamptz;
    ht timestamptz;
BEGIN
    -- the hours reach the newest snapshot's hour, as the occupancy step
    -- leaves them
    SELECT greatest(up_to, (SELECT max(s.update_timestamp) FROM vatsim.snapshots s),
                    (SELECT max(o.entry_time) FROM vatsim.sector_occupancy o),
                    (SELECT max(o.exit_time) FROM vatsim.sector_occupancy o))
      INTO t;
    ht := date_trunc('hour', t, 'UTC');

    UPDATE vatsim.sector_occupancy o
       SET prev_sector = w.ps, prev_entry_time = w.pe, prev_pair_entry_time = w.rp
      FROM (SELECT p.*, lag(p.pe) OVER (PARTITION BY p.flight_id, p.sector_set, p.ps, p.sector
                                        ORDER BY p.entry_time) AS rp
              FROM (SELECT x.occupancy_id, x.flight_id, x.sector_set, x.sector, x.entry_time,
                           lag(x.sector) OVER w AS ps, lag(x.entry_time) OVER w AS pe
                      FROM vatsim.sector_occupancy x
                    WINDOW w AS (PARTITION BY x.flight_id, x.sector_set ORDER BY x.entry_time, x.sector)) p) w
     WHERE o.occupancy_id = w.occupancy_id
       AND (o.prev_sector IS DISTINCT FROM w.ps OR o.prev_entry_time IS DISTINCT FROM w.pe
            OR o.prev_pair_entry_time IS DISTINCT FROM w.rp);

    DELETE FROM vatsim.sector_count_hours;
    INSERT INTO vatsim.sector_count_hours (hour, sector_set, sector, n_base, entries, exits)
    SELECT k.hour, k.sector_set, k.sector, sum(k.base)::integer,
           coalesce(array_agg(k.t ORDER BY k.t) FILTER (WHERE k.kind = 1), '{}'),
           coalesce(array_agg(k.t ORDER BY k.t) FILTER (WHERE k.kind = -1), '{}')
      FROM (SELECT date_trunc('hour', o.entry_time, 'UTC') AS hour, o.sector_set, o.sector,
                   0 AS base, o.entry_time AS t, 1 AS kind
              FROM vatsim.sector_occupancy o
            UNION ALL
            SELECT date_trunc('hour', o.exit_time, 'UTC'), o.sector_set, o.sector, 0, o.exit_time, -1
              FROM vatsim.sector_occupancy o WHERE o.exit_time IS NOT NULL
            UNION ALL
            -- inside at the start of every later hour up to its exit's hour
            SELECT g.h, o.sector_set, o.sector, 1, NULL, 0
              FROM vatsim.sector_occupancy o,
                   generate_series(date_trunc('hour', o.entry_time, 'UTC') + interval '1 hour',
                                   least(date_trunc('hour', coalesce(o.exit_time, t), 'UTC'), ht),
                                   interval '1 hour') AS g(h)) k
     GROUP BY k.hour, k.sector_set, k.sector;

    DELETE FROM vatsim.sector_bounds;
    INSERT INTO vatsim.sector_bounds (sector, sector_set, max_duration)
    SELECT o.sector, o.sector_set, max(o.exit_time - o.entry_time)
      FROM vatsim.sector_occupancy o WHERE o.exit_time IS NOT NULL
     GROUP BY o.sector, o.sector_set;

    RETURN QUERY SELECT (SELECT count(*) FROM vatsim.sector_occupancy),
                        (SELECT count(*) FROM vatsim.sector_count_hours),
                        (SELECT count(*) FROM vatsim.sector_bounds);
END
$$;
COMMENT ON FUNCTION vatsim.rebuild_sector_aggregates(timestamptz) IS 'Rebuild the sector history aggregates (sector_count_hours, sector_bounds, the intervals'' prev_* columns) from vatsim.sector_occupancy; hours reach up_to (default: the newest snapshot). For an upgrade or hand-edited intervals';
REVOKE ALL ON FUNCTION vatsim.rebuild_sector_aggregates(timestamptz) FROM PUBLIC;

-- A database upgraded from 0.5.0 already holds intervals.
SELECT * FROM vatsim.rebuild_sector_aggregates();

DROP INDEX vatsim.sector_occupancy_during_idx;
-- sector_traffic's open intervals (the partial index holds only open rows)
CREATE INDEX sector_occupancy_open_sector_idx ON vatsim.sector_occupancy (sector, entry_time)
    WHERE exit_time IS NULL;

-- (end of history aggregates part)


-- ---------------------------------------------------------------------------
-- Bounded history: daily partitions and retention
-- ---------------------------------------------------------------------------

-- History tables grow by about 2 M rows a day (positions at x1): they are
-- partitioned by day (UTC) with native declarative partitioning, so that
-- retention is a DROP TABLE of one day instead of a DELETE of millions of
-- rows, and readers with a time bound touch only their days.  pg_partman
-- would add a dependency (and its own worker) for the two things needed
-- here: create a day ahead, drop a day behind.
--
-- Partitions live in a schema of their own, vatsim_partitions, named
-- <table>_pYYYYMMDD, and are created at run time (not by this script,
-- except for the days an upgraded database already holds, which are handed
-- back to the database below): they are ordinary tables that pg_dump writes
-- with their rows, attached to the extension's parent.
CREATE SCHEMA vatsim_partitions;
COMMENT ON SCHEMA vatsim_partitions IS 'Daily partitions of the history tables registered in vatsim.partitioned_tables (read them through their parent)';

-- The registry: one row per daily-partitioned table.  Its rows come from the
-- extension's scripts (a table built later is registered with one INSERT),
-- so it is not dumped: CREATE EXTENSION writes them again.
CREATE TABLE vatsim.partitioned_tables (
    relation         regclass PRIMARY KEY,
    partition_column name NOT NULL,
    key_columns      name[]
);
COMMENT ON TABLE vatsim.partitioned_tables IS 'History tables partitioned by day (UTC) on a timestamptz column: the ingest creates the day of each snapshot, the worker creates days ahead and drops those older than vatsim_ingest.retention';
COMMENT ON COLUMN vatsim.partitioned_tables.relation IS 'The partitioned table (PARTITION BY RANGE on partition_column)';
COMMENT ON COLUMN vatsim.partitioned_tables.partition_column IS 'Its timestamptz partition key column';
COMMENT ON COLUMN vatsim.partitioned_tables.key_columns IS 'The primary key each partition gets when it is created (NULL: none); the parent has none, so that pg_dump''s restore, which adds each partition''s key itself, does not meet one already made by attaching it';
GRANT SELECT ON vatsim.partitioned_tables TO vatsim_reader;

-- A registered table must be range-partitioned on exactly that column.
CREATE FUNCTION vatsim.check_partitioned_table() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    key_column name;
    key_type   regtype;
BEGIN
    SELECT a.attname, a.atttypid::regtype INTO key_column, key_type
    FROM pg_catalog.pg_partitioned_table pt
    JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) pt.partrelid
                                  AND a.attnum OPERATOR(pg_catalog.=) pt.partattrs[0]
    WHERE pt.partrelid OPERATOR(pg_catalog.=) NEW.relation
      AND pt.partstrat OPERATOR(pg_catalog.=) 'r' AND pt.partnatts OPERATOR(pg_catalog.=) 1;
    IF key_column IS DISTINCT FROM NEW.partition_column
       OR key_type IS DISTINCT FROM 'timestamp with time zone'::pg_catalog.regtype THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_table_definition',
            MESSAGE = pg_catalog.format('cannot register %s for daily partitions', NEW.relation),
            DETAIL = pg_catalog.format('A registered table must be PARTITION BY RANGE (%I) on that one timestamptz column; its key is %s.',
                                       NEW.partition_column,
                                       coalesce(pg_catalog.pg_get_partkeydef(NEW.relation), 'none (not partitioned)')),
            HINT = 'Create the table with PARTITION BY RANGE (<timestamptz column>), then register it.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION vatsim.check_partitioned_table() IS 'Trigger of vatsim.partitioned_tables: a registered table is range-partitioned on its one timestamptz partition_column';
REVOKE ALL ON FUNCTION vatsim.check_partitioned_table() FROM PUBLIC;
CREATE TRIGGER partitioned_tables_check BEFORE INSERT OR UPDATE ON vatsim.partitioned_tables
    FOR EACH ROW EXECUTE FUNCTION vatsim.check_partitioned_table();

-- Backends cache the registry and the days they have seen partitioned; a
-- change of the registry tells them to forget it.
CREATE FUNCTION vatsim.partitioned_tables_changed() RETURNS trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'vatsim_partitioned_tables_changed';
COMMENT ON FUNCTION vatsim.partitioned_tables_changed() IS 'Trigger of vatsim.partitioned_tables: every backend forgets its cache of the registry and of the days already partitioned';
REVOKE ALL ON FUNCTION vatsim.partitioned_tables_changed() FROM PUBLIC;
CREATE TRIGGER partitioned_tables_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vatsim.partitioned_tables
    FOR EACH STATEMENT EXECUTE FUNCTION vatsim.partitioned_tables_changed();

-- What the partition manager did: a row per partition created or dropped,
-- and per retention step that could not get its lock or failed.
CREATE TABLE vatsim.partition_log (
    log_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    logged_at   timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    relation    text,
    partition   text,
    action      text NOT NULL CHECK (action IN ('created', 'dropped', 'busy', 'failed')),
    day         date,
    detail      text
);
CREATE INDEX partition_log_logged_at_idx ON vatsim.partition_log (logged_at);
COMMENT ON TABLE vatsim.partition_log IS 'Daily partitions created and dropped, and retention steps that waited in vain for a lock (busy) or failed; the worker keeps vatsim_ingest.run_log_retention of it';
COMMENT ON COLUMN vatsim.partition_log.log_id IS 'Row identifier';
COMMENT ON COLUMN vatsim.partition_log.logged_at IS 'When it happened (clock time)';
COMMENT ON COLUMN vatsim.partition_log.relation IS 'The partitioned table (NULL: a step of the worker that failed as a whole)';
COMMENT ON COLUMN vatsim.partition_log.partition IS 'The partition, schema-qualified (NULL when none was touched)';
COMMENT ON COLUMN vatsim.partition_log.action IS 'created, dropped, busy (the lock on the parent was not granted within the step''s lock_timeout: tried again next cycle) or failed';
COMMENT ON COLUMN vatsim.partition_log.day IS 'The UTC day the partition holds';
COMMENT ON COLUMN vatsim.partition_log.detail IS 'Rows dropped (an estimate), or why the step failed';
SELECT pg_catalog.pg_extension_config_dump('vatsim.partition_log', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('vatsim.partition_log', 'log_id'), '');
GRANT SELECT ON vatsim.partition_log TO vatsim_reader;

-- The partitions of the registered tables, with their UTC day.
CREATE VIEW vatsim.history_partitions AS
SELECT t.relation, c.oid::pg_catalog.regclass AS partition,
       pg_catalog.to_date(pg_catalog.right(c.relname::text, 8), 'YYYYMMDD') AS day,
       pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bounds,
       NULLIF(c.reltuples, -1)::bigint AS estimated_rows,
       pg_catalog.pg_total_relation_size(c.oid) AS bytes
FROM vatsim.partitioned_tables t
JOIN pg_catalog.pg_inherits i ON i.inhparent OPERATOR(pg_catalog.=) t.relation
JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.inhrelid
WHERE c.relnamespace OPERATOR(pg_catalog.=) 'vatsim_partitions'::pg_catalog.regnamespace
  AND c.relname::text OPERATOR(pg_catalog.~) '_p[0-9]{8}$';
COMMENT ON VIEW vatsim.history_partitions IS 'Daily partitions of the registered history tables: day (UTC), bounds, estimated rows (NULL until analysed), bytes with indexes';
GRANT SELECT ON vatsim.history_partitions TO vatsim_reader;

-- One day's partition of one table, unless it exists: a plain table built
-- LIKE the parent, then attached.  ATTACH takes SHARE UPDATE EXCLUSIVE on
-- the parent, which readers and writers do not wait for (CREATE TABLE ...
-- PARTITION OF would take ACCESS EXCLUSIVE); the lock also serialises two
-- sessions creating the same day.
CREATE FUNCTION vatsim.create_day_partition(parent regclass, day date) RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $$
DECLARE
    part name;
    key  name[];
BEGIN
    IF parent IS NULL OR day IS NULL OR NOT pg_catalog.isfinite(day) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'cannot create a daily partition without a table and a finite day',
            DETAIL = pg_catalog.format('Table %s, day %s.', coalesce(parent::text, 'NULL'), coalesce(day::text, 'NULL')),
            HINT = 'Pass a table of vatsim.partitioned_tables and a date.';
    END IF;
    part := pg_catalog.format('%s_p%s', (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) parent),
                              pg_catalog.to_char(day, 'YYYYMMDD'));
    IF pg_catalog.to_regclass(pg_catalog.format('vatsim_partitions.%I', part)) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE pg_catalog.format('LOCK TABLE %s IN SHARE UPDATE EXCLUSIVE MODE', parent);
    -- another session may have created it while this one waited
    IF pg_catalog.to_regclass(pg_catalog.format('vatsim_partitions.%I', part)) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE pg_catalog.format('CREATE TABLE vatsim_partitions.%I (LIKE %s INCLUDING ALL)', part, parent);
    SELECT p.key_columns INTO key FROM vatsim.partitioned_tables p WHERE p.relation OPERATOR(pg_catalog.=) parent;
    IF key IS NOT NULL THEN
        EXECUTE pg_catalog.format('ALTER TABLE vatsim_partitions.%I ADD PRIMARY KEY (%s)', part,
                                  (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ' ORDER BY o)
                                   FROM pg_catalog.unnest(key) WITH ORDINALITY AS u(k, o)));
    END IF;
    EXECUTE pg_catalog.format('COMMENT ON TABLE vatsim_partitions.%I IS %L', part,
                              pg_catalog.format('%s, the UTC day %s', parent, day));
    EXECUTE pg_catalog.format('ALTER TABLE %s ATTACH PARTITION vatsim_partitions.%I FOR VALUES FROM (%L) TO (%L)',
                              parent, part, day::timestamp AT TIME ZONE 'UTC',
                              (day OPERATOR(pg_catalog.+) 1)::timestamp AT TIME ZONE 'UTC');
    INSERT INTO vatsim.partition_log (relation, partition, action, day)
    VALUES (parent::text, pg_catalog.format('vatsim_partitions.%I', part), 'created', day);
    RETURN true;
END
$$;
COMMENT ON FUNCTION vatsim.create_day_partition(regclass, date) IS 'Create the partition of one UTC day of a registered table unless it exists (true: created)';
REVOKE ALL ON FUNCTION vatsim.create_day_partition(regclass, date) FROM PUBLIC;

CREATE FUNCTION vatsim.ensure_partitions(ahead interval DEFAULT '2 days', at timestamptz DEFAULT pg_catalog.now())
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    first_day date;
    last_day  date;
    t         regclass;
    d         date;
    created   integer := 0;
BEGIN
    IF ahead IS NULL OR at IS NULL OR ahead OPERATOR(pg_catalog.<) '0'::interval
       OR NOT pg_catalog.isfinite(at) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'cannot ensure daily partitions for this range',
            DETAIL = pg_catalog.format('ahead is %s and at is %s; ahead must be 0 or more and at a finite time.',
                                       coalesce(ahead::text, 'NULL'), coalesce(at::text, 'NULL')),
            HINT = 'For example vatsim.ensure_partitions(''2 days'').';
    END IF;
    first_day := (at AT TIME ZONE 'UTC')::date;
    last_day := ((at OPERATOR(pg_catalog.+) ahead) AT TIME ZONE 'UTC')::date;
    IF last_day OPERATOR(pg_catalog.-) first_day OPERATOR(pg_catalog.>) 366 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'cannot ensure daily partitions more than 366 days ahead',
            DETAIL = pg_catalog.format('ahead is %s.', ahead),
            HINT = 'Partitions are created a few days ahead; the worker keeps them coming.';
    END IF;
    FOR t IN SELECT p.relation FROM vatsim.partitioned_tables p ORDER BY p.relation::text LOOP
        d := first_day;
        WHILE d OPERATOR(pg_catalog.<=) last_day LOOP
            IF vatsim.create_day_partition(t, d) THEN
                created := created OPERATOR(pg_catalog.+) 1;
            END IF;
            d := d OPERATOR(pg_catalog.+) 1;
        END LOOP;
    END LOOP;
    RETURN created;
END
$$;
COMMENT ON FUNCTION vatsim.ensure_partitions(interval, timestamptz) IS 'Create the missing daily partitions of every registered table from the UTC day of at (default now) to the day of at + ahead; returns how many were created';
REVOKE ALL ON FUNCTION vatsim.ensure_partitions(interval, timestamptz) FROM PUBLIC;

-- Retention: the oldest partition whose whole day lies before older_than,
-- never today's (UTC) or later, detached then dropped; one per call, so the
-- ACCESS EXCLUSIVE lock DETACH takes on the parent is held for one small
-- drop only.  Returns the partition dropped, or NULL.
CREATE FUNCTION vatsim.drop_partitions(older_than timestamptz) RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    victim record;
BEGIN
    IF older_than IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'cannot drop daily partitions older than NULL',
            HINT = 'For example vatsim.drop_partitions(now() - interval ''30 days'').';
    END IF;
    SELECT h.relation, h.partition, h.partition::text AS name, h.day, h.estimated_rows INTO victim
    FROM vatsim.history_partitions h
    WHERE (h.day OPERATOR(pg_catalog.+) 1)::timestamp AT TIME ZONE 'UTC' OPERATOR(pg_catalog.<=) older_than
      AND h.day OPERATOR(pg_catalog.<) (pg_catalog.now() AT TIME ZONE 'UTC')::date
    ORDER BY h.day, h.relation::text
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    EXECUTE pg_catalog.format('ALTER TABLE %s DETACH PARTITION %s', victim.relation, victim.partition);
    EXECUTE pg_catalog.format('DROP TABLE %s', victim.partition);
    INSERT INTO vatsim.partition_log (relation, partition, action, day, detail)
    VALUES (victim.relation::text, victim.name, 'dropped', victim.day,
            CASE WHEN victim.estimated_rows IS NULL THEN 'rows not counted yet (never analysed)'
                 ELSE pg_catalog.format('about %s rows', victim.estimated_rows) END);
    RETURN victim.name;
END
$$;
COMMENT ON FUNCTION vatsim.drop_partitions(timestamptz) IS 'Retention: detach and drop the ONE oldest daily partition whose whole UTC day lies before older_than (never today''s or a later one); returns its name, or NULL when none qualifies';
REVOKE ALL ON FUNCTION vatsim.drop_partitions(timestamptz) FROM PUBLIC;

-- vatsim.positions becomes partitioned by day on ts.  An upgraded database
-- may hold a large positions table: the partitions of its days are created,
-- the rows moved in one INSERT ... SELECT, and the old table dropped.
ALTER EXTENSION vatsim_ingest DROP TABLE vatsim.positions;
ALTER TABLE vatsim.positions RENAME TO positions_unpartitioned;
ALTER INDEX vatsim.positions_pkey RENAME TO positions_unpartitioned_pkey;

-- The same columns and comments (LIKE ... INCLUDING ALL), by day.  The key
-- (flight_id, ts) is each partition's own (partitioned_tables.key_columns):
-- a parent's key would be copied onto every partition as pg_restore attaches
-- it, and the dump's own ADD CONSTRAINT of that key would then fail.  ts is
-- the partition key, so a key per partition is unique over the table.
CREATE TABLE vatsim.positions (LIKE vatsim.positions_unpartitioned INCLUDING ALL EXCLUDING INDEXES)
    PARTITION BY RANGE (ts);
-- No foreign key to flights: an RI check per position row would double the
-- cost of every snapshot; the ingest writes flight and positions together.
COMMENT ON TABLE vatsim.positions IS 'Position history: one row per flight per snapshot (partitioned by UTC day on ts, in vatsim_partitions)';
-- pg_dump writes the rows of each partition (ordinary tables); the parent
-- holds none, but stays marked as the other history tables are.
SELECT pg_catalog.pg_extension_config_dump('vatsim.positions', '');
GRANT SELECT ON vatsim.positions TO vatsim_reader;
INSERT INTO vatsim.partitioned_tables (relation, partition_column, key_columns)
VALUES ('vatsim.positions', 'ts', '{flight_id,ts}');

DO $$
DECLARE
    d    date;
    part regclass;
BEGIN
    FOR d IN SELECT DISTINCT (u.ts AT TIME ZONE 'UTC')::date FROM vatsim.positions_unpartitioned u LOOP
        PERFORM vatsim.create_day_partition('vatsim.positions', d);
    END LOOP;
    -- created by this script, they would be members of the extension, which
    -- pg_dump leaves out: they belong to the database, like later days
    FOR part IN SELECT i.inhrelid::regclass FROM pg_catalog.pg_inherits i
                WHERE i.inhparent OPERATOR(pg_catalog.=) 'vatsim.positions'::regclass LOOP
        EXECUTE pg_catalog.format('ALTER EXTENSION vatsim_ingest DROP TABLE %s', part);
    END LOOP;
END
$$;
INSERT INTO vatsim.positions SELECT * FROM vatsim.positions_unpartitioned;
DROP TABLE vatsim.positions_unpartitioned;

-- (end of daily partitions part)


-- ---------------------------------------------------------------------------
-- Packed positions
-- ---------------------------------------------------------------------------

-- Closed hours of position history move from the rows of vatsim.positions
-- (one a flight a snapshot: 142 bytes with the primary key) into one packed
-- row per flight and UTC hour (src/packing/pack_codec.c: delta-coded
-- varints, coordinates as scaled integers with exceptions for any double
-- that does not round-trip, runs for the columns that almost never change).
-- A position is in exactly one of the two; vatsim.flight_positions() and
-- vatsim.position_history read both.  Nothing is converted here: the worker
-- packs an existing history a batch a cycle (vatsim_ingest.pack_after,
-- pack_batch), or vatsim.pack_positions() does it by hand.
CREATE TABLE vatsim.position_packs (
    flight_id    bigint NOT NULL,
    period_start timestamptz NOT NULL,
    first_ts     timestamptz NOT NULL,
    last_ts      timestamptz NOT NULL,
    n            integer NOT NULL CHECK (n > 0),
    data         bytea NOT NULL,
    PRIMARY KEY (flight_id, period_start),
    CHECK (first_ts >= period_start AND first_ts <= last_ts AND last_ts < period_start + interval '1 hour')
) WITH (toast_tuple_target = 8160);
-- The packed bytes are varints already: pglz would spend time for little,
-- so no compression (EXTERNAL), and a pack stays in its row up to a page
-- (toast_tuple_target): one heap fetch a pack, no TOAST lookups.
ALTER TABLE vatsim.position_packs ALTER COLUMN data SET STORAGE EXTERNAL;
COMMENT ON TABLE vatsim.position_packs IS 'Packed position history: one flight''s positions of one UTC hour in one row (moved from vatsim.positions by vatsim.pack_positions; read with vatsim.flight_positions or vatsim.position_history)';
COMMENT ON COLUMN vatsim.position_packs.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.position_packs.period_start IS 'The UTC hour the positions belong to (its start; so also the UTC day, for daily partitions)';
COMMENT ON COLUMN vatsim.position_packs.first_ts IS 'Time of the first position in the pack';
COMMENT ON COLUMN vatsim.position_packs.last_ts IS 'Time of the last position in the pack';
COMMENT ON COLUMN vatsim.position_packs.n IS 'Number of positions in the pack';
COMMENT ON COLUMN vatsim.position_packs.data IS 'The positions, packed (format version 1, README "Position history storage"); vatsim.unpack_positions(data) reads them';
SELECT pg_catalog.pg_extension_config_dump('vatsim.position_packs', '');
GRANT SELECT ON vatsim.position_packs TO vatsim_reader;

CREATE FUNCTION vatsim.pack_positions(older_than timestamptz, max_rows integer DEFAULT 50000)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vatsim_pack_positions'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.pack_positions(timestamptz, integer) IS 'Move at most max_rows positions of whole UTC hours before older_than (and at least max(stale_after, reconnect_grace) before the newest snapshot) from vatsim.positions into vatsim.position_packs, in one transaction; returns the positions moved (0: nothing left)';
REVOKE ALL ON FUNCTION vatsim.pack_positions(timestamptz, integer) FROM PUBLIC;

CREATE FUNCTION vatsim.flight_positions(flight_id bigint, since timestamptz DEFAULT NULL,
    "until" timestamptz DEFAULT NULL)
RETURNS TABLE (flight_id bigint, ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer, transponder text,
               qnh_i_hg double precision, qnh_mb integer)
AS 'MODULE_PATHNAME', 'vatsim_flight_positions'
LANGUAGE C STABLE ROWS 240
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.flight_positions(bigint, timestamptz, timestamptz) IS 'A flight''s stored positions with since <= ts <= until (NULL: unbounded), in time order, from its packs and its rows: the columns of vatsim.positions';

CREATE FUNCTION vatsim.unpack_positions(data bytea)
RETURNS TABLE (ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer, transponder text,
               qnh_i_hg double precision, qnh_mb integer)
AS 'MODULE_PATHNAME', 'vatsim_unpack_positions'
LANGUAGE C IMMUTABLE STRICT ROWS 240;
COMMENT ON FUNCTION vatsim.unpack_positions(bytea) IS 'The positions of one pack (vatsim.position_packs.data), in time order; corrupt data is an error';

CREATE FUNCTION vatsim.pack_window_stats(data bytea, since timestamptz, "until" timestamptz,
    OUT n bigint, OUT groundspeed_sum bigint, OUT groundspeed_n bigint, OUT max_altitude integer)
RETURNS record
AS 'MODULE_PATHNAME', 'vatsim_pack_window_stats'
LANGUAGE C IMMUTABLE STRICT;
COMMENT ON FUNCTION vatsim.pack_window_stats(bytea, timestamptz, timestamptz) IS 'Of one pack''s positions with since <= ts <= until: how many, the sum and count of their groundspeeds, their maximum altitude (flight_analytics, without a row per position)';

-- Every flight's history from both forms.  A condition on flight_id reaches
-- both halves (the packs by their primary key); one on ts alone decodes
-- every pack: for a time window of one flight use vatsim.flight_positions.
CREATE VIEW vatsim.position_history AS
    SELECT p.flight_id, p.ts, p.latitude, p.longitude, p.altitude, p.groundspeed, p.heading,
           p.transponder, p.qnh_i_hg, p.qnh_mb
    FROM vatsim.positions p
    UNION ALL
    SELECT k.flight_id, u.ts, u.latitude, u.longitude, u.altitude, u.groundspeed, u.heading,
           u.transponder, u.qnh_i_hg, u.qnh_mb
    FROM vatsim.position_packs k CROSS JOIN LATERAL vatsim.unpack_positions(k.data) u;
COMMENT ON VIEW vatsim.position_history IS 'Position history of every flight: the rows of vatsim.positions and the unpacked vatsim.position_packs (a position is in exactly one)';
COMMENT ON COLUMN vatsim.position_history.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.position_history.ts IS 'update_timestamp of the snapshot';
COMMENT ON COLUMN vatsim.position_history.latitude IS 'Degrees north, -90..90';
COMMENT ON COLUMN vatsim.position_history.longitude IS 'Degrees east, -180..180';
COMMENT ON COLUMN vatsim.position_history.altitude IS 'Feet (true altitude; can be slightly negative)';
COMMENT ON COLUMN vatsim.position_history.groundspeed IS 'Knots';
COMMENT ON COLUMN vatsim.position_history.heading IS 'Degrees, 0..360';
COMMENT ON COLUMN vatsim.position_history.transponder IS 'Squawk code as 4 characters';
COMMENT ON COLUMN vatsim.position_history.qnh_i_hg IS 'Altimeter setting, inches of mercury';
COMMENT ON COLUMN vatsim.position_history.qnh_mb IS 'Altimeter setting, hectopascals';

REVOKE ALL ON FUNCTION vatsim.flight_positions(bigint, timestamptz, timestamptz),
    vatsim.unpack_positions(bytea), vatsim.pack_window_stats(bytea, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vatsim.flight_positions(bigint, timestamptz, timestamptz),
    vatsim.unpack_positions(bytea), vatsim.pack_window_stats(bytea, timestamptz, timestamptz) TO vatsim_reader;
GRANT SELECT ON vatsim.position_history TO vatsim_reader;

-- The readers of old positions read both forms (same results, same grants).
CREATE OR REPLACE FUNCTION vatsim.track_geojson(flight_id bigint) RETURNS json
LANGUAGE plpgsql STABLE STRICT
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 1
SET TimeZone = 'UTC'
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM vatsim.flights fl WHERE fl.flight_id OPERATOR(pg_catalog.=) $1) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'undefined_object',
            MESSAGE = format('flight %s does not exist', $1),
            DETAIL = 'vatsim.flights has no row with this flight_id.',
            HINT = 'Flight ids are in vatsim.flights, vatsim.pilots.flight_id and vatsim.flights_geojson().';
    END IF;
    -- The stored positions in time order as a LineString (one position: a
    -- Point; none: no geometry).  A step of more than 180 degrees of
    -- longitude crosses the antimeridian (RFC 7946, 3.1.9): the line ends
    -- at +-180 and the next one starts at -+180, both at the latitude
    -- interpolated in longitude/latitude, and the track is a
    -- MultiLineString.  The crossing points are the only positions that
    -- were not stored.
    RETURN (
        WITH pos AS (
            SELECT ps.ts, ps.longitude AS lon, ps.latitude AS lat,
                   lag(ps.longitude) OVER w AS plon, lag(ps.latitude) OVER w AS plat,
                   row_number() OVER w AS n
            FROM vatsim.flight_positions($1) ps
            WINDOW w AS (ORDER BY ps.ts)),
        -- (OPERATOR() has one precedence for every operator: hence the
        -- parentheses)
        steps AS (
            SELECT pos.*,
                   coalesce(abs(pos.lon OPERATOR(pg_catalog.-) pos.plon) OPERATOR(pg_catalog.>) 180::float8,
                            false) AS crosses,
                   -- where the line leaves: +180 going east, -180 going west
                   (180::float8 OPERATOR(pg_catalog.*) sign(pos.plon)) AS edge,
                   -- the step in longitude the short way round
                   ((pos.lon OPERATOR(pg_catalog.-) pos.plon) OPERATOR(pg_catalog.-)
                    (360::float8 OPERATOR(pg_catalog.*) sign(pos.lon OPERATOR(pg_catalog.-) pos.plon))) AS dlon
            FROM pos),
        crossing AS (
            SELECT st.*,
                   count(*) FILTER (WHERE st.crosses) OVER (ORDER BY st.n) AS line,
                   (st.plat OPERATOR(pg_catalog.+)
                    ((st.lat OPERATOR(pg_catalog.-) st.plat) OPERATOR(pg_catalog.*)
                     coalesce((st.edge OPERATOR(pg_catalog.-) st.plon) OPERATOR(pg_catalog./)
                              nullif(st.dlon, 0::float8), 0::float8))) AS edge_lat
            FROM steps st),
        points AS (
            SELECT c.line, c.n, 1 AS k, c.lon, c.lat FROM crossing c
            UNION ALL
            SELECT c.line OPERATOR(pg_catalog.-) 1, c.n, 0, c.edge, c.edge_lat FROM crossing c WHERE c.crosses
            UNION ALL
            SELECT c.line, c.n, 0, OPERATOR(pg_catalog.-) c.edge, c.edge_lat FROM crossing c WHERE c.crosses),
        lines AS (
            SELECT pt.line, json_agg(json_build_array(pt.lon, pt.lat) ORDER BY pt.n, pt.k) AS coordinates
            FROM points pt GROUP BY pt.line),
        summary AS (
            SELECT count(*) AS points, min(pos.ts) AS first_time, max(pos.ts) AS last_time FROM pos)
        SELECT json_build_object('type', 'FeatureCollection', 'features', json_build_array(json_build_object(
                   'type', 'Feature',
                   'id', fl.flight_id,
                   'geometry', CASE
                       WHEN sm.points OPERATOR(pg_catalog.=) 0 THEN NULL
                       WHEN sm.points OPERATOR(pg_catalog.=) 1 THEN
                           json_build_object('type', 'Point',
                                             'coordinates', (SELECT json_build_array(pos.lon, pos.lat) FROM pos))
                       WHEN (SELECT count(*) FROM lines) OPERATOR(pg_catalog.=) 1 THEN
                           json_build_object('type', 'LineString', 'coordinates', (SELECT l.coordinates FROM lines l))
                       ELSE
                           json_build_object('type', 'MultiLineString',
                                             'coordinates', (SELECT json_agg(l.coordinates ORDER BY l.line) FROM lines l))
                   END,
                   'properties', json_build_object(
                       'flight_id', fl.flight_id, 'callsign', fl.callsign, 'cid', fl.cid,
                       'status', fl.status, 'aircraft', fl.aircraft,
                       'departure', fl.departure, 'arrival', fl.arrival,
                       'first_time', sm.first_time, 'last_time', sm.last_time, 'points', sm.points))))
        FROM vatsim.flights fl, summary sm
        WHERE fl.flight_id OPERATOR(pg_catalog.=) $1);
END
$$;
COMMENT ON FUNCTION vatsim.track_geojson(bigint) IS 'A flight''s stored positions in time order as a GeoJSON FeatureCollection of one LineString feature (split at the antimeridian into a MultiLineString; one position: a Point), properties callsign, first_time, last_time, points';

CREATE OR REPLACE FUNCTION vatsim.flight(callsign text)
RETURNS TABLE (flight_id bigint, callsign text, cid integer, status text, aircraft text,
               departure text, arrival text, flight_rules text, route text, planned_altitude text,
               logon_time timestamptz, first_seen timestamptz, last_seen timestamptz, connections integer,
               position_ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer)
LANGUAGE sql STABLE STRICT ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT f.flight_id, f.callsign, f.cid, f.status, f.aircraft, f.departure, f.arrival,
           fp.flight_rules, fp.route, fp.altitude, f.logon_time, f.first_seen, f.last_seen, f.connections,
           ps.ts, ps.latitude, ps.longitude, ps.altitude, ps.groundspeed, ps.heading
    FROM vatsim.flights f
    LEFT JOIN LATERAL (SELECT * FROM vatsim.flight_plans y WHERE y.flight_id = f.flight_id
                       ORDER BY y.seen_at DESC LIMIT 1) fp ON true
    -- the newest position: a row, else the end of the newest pack
    LEFT JOIN LATERAL (SELECT * FROM vatsim.flight_positions(f.flight_id,
                           coalesce((SELECT max(z.ts) FROM vatsim.positions z WHERE z.flight_id = f.flight_id),
                                    (SELECT max(k.last_ts) FROM vatsim.position_packs k
                                     WHERE k.flight_id = f.flight_id))) z
                       ORDER BY z.ts DESC LIMIT 1) ps ON true
    WHERE f.flight_id = vatsim.newest_flight($1)
$$;
COMMENT ON FUNCTION vatsim.flight(text) IS 'The newest flight of a callsign (the old /api/flights/{callsign}), online or not, with its current plan and newest position; no row if the callsign never flew';

CREATE OR REPLACE FUNCTION vatsim.flight_track(flight_id bigint, after timestamptz DEFAULT NULL, "limit" integer DEFAULT 1000)
RETURNS TABLE (flight_id bigint, ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer, transponder text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ps.flight_id, ps.ts, ps.latitude, ps.longitude, ps.altitude, ps.groundspeed, ps.heading, ps.transponder
    FROM vatsim.flight_positions($1, $2) ps
    WHERE ps.ts > coalesce($2, '-infinity')
    -- no ORDER BY: flight_positions returns ts order (its contract, tested),
    -- and a function scan keeps it; a sort here cost a third of the read
    LIMIT vatsim.page_limit($3)
$$;
COMMENT ON FUNCTION vatsim.flight_track(bigint, timestamptz, integer) IS 'A flight''s stored positions (the old /api/flights/{callsign}/track), a keyset page by time';

CREATE OR REPLACE FUNCTION vatsim.flight_stats(flight_id bigint)
RETURNS TABLE (flight_id bigint, points bigint, first_ts timestamptz, last_ts timestamptz, duration interval,
               avg_groundspeed double precision, max_groundspeed integer, max_altitude integer,
               distance_nm double precision)
LANGUAGE sql STABLE STRICT ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT $1, count(*), min(l.ts), max(l.ts), max(l.ts) - min(l.ts),
           avg(l.groundspeed)::double precision, max(l.groundspeed), max(l.altitude),
           coalesce(sum(vatsim.distance_nm(l.plat, l.plon, l.latitude, l.longitude)), 0)
    FROM (SELECT ps.ts, ps.latitude, ps.longitude, ps.groundspeed, ps.altitude,
                 lag(ps.latitude) OVER w AS plat, lag(ps.longitude) OVER w AS plon
          FROM vatsim.flight_positions($1) ps
          WINDOW w AS (ORDER BY ps.ts)) l
    HAVING count(*) > 0
$$;
COMMENT ON FUNCTION vatsim.flight_stats(bigint) IS 'A flight''s position statistics (the old /api/flights/{callsign}/stats): points, first and last, average and maximum groundspeed, maximum altitude, great-circle distance between consecutive positions (nm); no row without positions';

CREATE OR REPLACE FUNCTION vatsim.flight_analytics(since timestamptz DEFAULT now() - interval '24 hours',
    until timestamptz DEFAULT now())
RETURNS TABLE (flights bigint, callsigns bigint, positions bigint, avg_groundspeed double precision,
               max_altitude integer, departures bigint, arrivals bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    -- per flight an aggregate of its positions in the window (an aggregate
    -- in LATERAL stays a per-flight index lookup, never a join that could
    -- read the whole position table), then over the flights that have some
    SELECT count(*), count(DISTINCT f.callsign), coalesce(sum(p.n), 0)::bigint,
           (sum(p.gs_sum)::numeric / nullif(sum(p.gs_n), 0))::double precision, max(p.alt),
           count(DISTINCT f.departure), count(DISTINCT f.arrival)
    FROM vatsim.flights f
    -- (both forms here rather than flight_positions: the rows stay an index
    -- aggregate, as fast as in 0.5.0, and each pack whose hour ends after
    -- since is summed in C, without a row per position)
    CROSS JOIN LATERAL (SELECT sum(x.n) AS n, sum(x.gs_sum) AS gs_sum, sum(x.gs_n) AS gs_n, max(x.alt) AS alt
                        FROM (SELECT count(*) AS n, sum(z.groundspeed)::bigint AS gs_sum,
                                     count(z.groundspeed) AS gs_n, max(z.altitude) AS alt
                              FROM vatsim.positions z
                              WHERE z.flight_id = f.flight_id AND z.ts BETWEEN $1 AND $2
                              UNION ALL
                              SELECT w.n, w.groundspeed_sum, w.groundspeed_n, w.max_altitude
                              FROM vatsim.position_packs k
                              CROSS JOIN LATERAL vatsim.pack_window_stats(k.data, $1, $2) w
                              WHERE k.flight_id = f.flight_id AND k.period_start > $1 - interval '1 hour'
                                AND k.period_start <= $2) x) p
    WHERE f.last_seen >= $1 AND f.first_seen <= $2 AND p.n > 0
$$;
COMMENT ON FUNCTION vatsim.flight_analytics(timestamptz, timestamptz) IS 'Flight activity in a window (the old /api/analytics/flights; default the last 24 h): flights and distinct callsigns with positions in it, positions stored, their average groundspeed and maximum altitude, distinct departure and arrival airports filed';


-- Retention of the packs.  They are one row per flight and hour (about
-- 65,000 a day at x1), not a daily partition yet: the worker's retention
-- step deletes those of whole UTC days before the cutoff, a batch a cycle,
-- found through a BRIN index (packs are written roughly in period order).
CREATE INDEX position_packs_period_idx ON vatsim.position_packs USING brin (period_start);
CREATE FUNCTION vatsim.drop_old_packs(older_than timestamptz, max_rows integer DEFAULT 20000)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $$
DECLARE
    dropped integer;
BEGIN
    IF older_than IS NULL OR max_rows IS NULL OR max_rows OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'cannot drop packs without a cutoff and a positive batch size',
            DETAIL = pg_catalog.format('older_than is %s, max_rows %s.', coalesce(older_than::text, 'NULL'),
                                       coalesce(max_rows::text, 'NULL')),
            HINT = 'For example vatsim.drop_old_packs(now() - interval ''30 days'').';
    END IF;
    -- whole UTC days before the cutoff's day, never today's
    DELETE FROM vatsim.position_packs p
    WHERE p.ctid OPERATOR(pg_catalog.=) ANY (ARRAY(
        SELECT q.ctid FROM vatsim.position_packs q
        WHERE q.period_start OPERATOR(pg_catalog.<)
              -- LEAST is a construct, not a function: its comparison comes
              -- from the function's pinned search_path
              LEAST(pg_catalog.date_trunc('day', older_than), pg_catalog.date_trunc('day', pg_catalog.now()))
        LIMIT max_rows));
    GET DIAGNOSTICS dropped = ROW_COUNT;
    RETURN dropped;
END
$$;
COMMENT ON FUNCTION vatsim.drop_old_packs(timestamptz, integer) IS 'Retention of the packed history: delete at most max_rows packs of whole UTC days before older_than (never today''s); returns how many (the worker calls it with vatsim_ingest.retention)';
REVOKE ALL ON FUNCTION vatsim.drop_old_packs(timestamptz, integer) FROM PUBLIC;

-- (end of packed positions part)
