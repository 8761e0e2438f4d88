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

-- (end of flight aggregates part)


-- ---------------------------------------------------------------------------
-- Set-based sector lookups
-- ---------------------------------------------------------------------------

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

-- (end of daily partitions part)


-- ---------------------------------------------------------------------------
-- Packed positions
-- ---------------------------------------------------------------------------

-- (end of packed positions part)
