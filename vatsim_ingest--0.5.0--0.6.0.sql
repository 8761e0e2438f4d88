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

-- (end of history aggregates part)


-- ---------------------------------------------------------------------------
-- Bounded history: daily partitions and retention
-- ---------------------------------------------------------------------------

-- (end of daily partitions part)


-- ---------------------------------------------------------------------------
-- Packed positions
-- ---------------------------------------------------------------------------

-- (end of packed positions part)
