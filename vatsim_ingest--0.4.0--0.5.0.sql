/*
 * vatsim_ingest--0.4.0--0.5.0.sql
 *		Analytics (issue 11), in progress: airports and movements, GeoJSON
 *		out.  Each part below belongs to one feature.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.5.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Airports and movements
-- ---------------------------------------------------------------------------

-- (end of airports part)



-- ---------------------------------------------------------------------------
-- GeoJSON out
-- ---------------------------------------------------------------------------

-- (end of GeoJSON part)
