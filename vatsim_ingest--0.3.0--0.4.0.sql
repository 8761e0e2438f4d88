/*
 * vatsim_ingest--0.3.0--0.4.0.sql
 *		The review findings of 0.3.0: a pinned search_path everywhere, the
 *		feed URL hidden from readers, pg_dump keeping the data, a bounded
 *		future for documents, an index for replacing sector sets, and the
 *		worker's status shape.  Each part below belongs to one finding.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.4.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Security: search_path, roles, the feed URL (findings 1-3)
-- ---------------------------------------------------------------------------

-- (end of security part)



-- ---------------------------------------------------------------------------
-- Backups: pg_dump keeps every table's rows (finding 4)
-- ---------------------------------------------------------------------------

-- Tables of an extension are left out of pg_dump unless marked as
-- configuration; then pg_dump writes their rows (and pg_restore loads them
-- after CREATE EXTENSION, parents before the tables that reference them).
-- No install script seeds a row, so every row is the user's: no filter.
-- The sequences behind the identity columns are marked too, so that a
-- restored database goes on numbering where the dumped one stopped.  (One
-- call a statement: each call rewrites the same pg_extension row.)
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'vatsim.snapshots', 'vatsim.facilities', 'vatsim.ratings', 'vatsim.pilot_ratings',
        'vatsim.military_ratings', 'vatsim.servers', 'vatsim.flights', 'vatsim.positions',
        'vatsim.flight_plans', 'vatsim.pilots', 'vatsim.controllers', 'vatsim.atis',
        'vatsim.controller_sessions', 'vatsim.prefiles', 'vatsim.runs', 'vatsim.transceivers',
        'vatsim.sector_sets', 'vatsim.sectors', 'vatsim.sector_features',
        'vatsim.sector_occupancy', 'vatsim.occupancy_state',
        pg_catalog.pg_get_serial_sequence('vatsim.flights', 'flight_id'),
        pg_catalog.pg_get_serial_sequence('vatsim.controller_sessions', 'session_id'),
        pg_catalog.pg_get_serial_sequence('vatsim.runs', 'run_id'),
        pg_catalog.pg_get_serial_sequence('vatsim.sector_occupancy', 'occupancy_id')]
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(t::pg_catalog.regclass, '');
    END LOOP;
END
$$;

-- (end of backups part)



-- ---------------------------------------------------------------------------
-- Sector sets: replacing a large set, bounded index (findings 7, 8)
-- ---------------------------------------------------------------------------

-- (end of sector sets part)



-- ---------------------------------------------------------------------------
-- The worker: status in shared memory (findings 2, 13, 15)
-- ---------------------------------------------------------------------------

-- (end of worker part)
