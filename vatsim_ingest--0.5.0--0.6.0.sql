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

-- (end of history aggregates part)


-- ---------------------------------------------------------------------------
-- Bounded history: daily partitions and retention
-- ---------------------------------------------------------------------------

-- (end of daily partitions part)


-- ---------------------------------------------------------------------------
-- Packed positions
-- ---------------------------------------------------------------------------

-- (end of packed positions part)
