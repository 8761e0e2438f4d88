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

-- The feed is UTF-8: in a database of another encoding one character it
-- cannot represent would abort a whole snapshot (finding 9).  CREATE
-- EXTENSION runs this script too, so a new installation is refused here;
-- vatsim.ingest refuses in an installation made before.
DO $$
BEGIN
    IF pg_catalog.getdatabaseencoding() OPERATOR(pg_catalog.<>) 'UTF8' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'feature_not_supported',
            MESSAGE = 'extension vatsim_ingest requires a UTF8 database',
            DETAIL = pg_catalog.format('Database %I has encoding %s; the VATSIM feed is UTF-8.',
                                       pg_catalog.current_database(), pg_catalog.getdatabaseencoding()),
            HINT = 'Create the extension in a database created with ENCODING ''UTF8'' '
                   '(CREATE DATABASE ... TEMPLATE template0 ENCODING ''UTF8'').';
    END IF;
END
$$;

-- vatsim_reader is granted read access to every table.  An existing role of
-- that name is taken only when it is the extension's own (finding 3): it
-- carries the comment the extension gives it (which only a superuser or a
-- role with CREATEROLE can set), has no attribute beyond NOLOGIN and is a
-- member of no role.  A role left behind by DROP EXTENSION qualifies, with
-- its members.
DO $$
DECLARE
    r pg_catalog.pg_roles;
BEGIN
    SELECT * INTO r FROM pg_catalog.pg_roles
    WHERE rolname OPERATOR(pg_catalog.=) 'vatsim_reader';
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF COALESCE(pg_catalog.shobj_description(r.oid, 'pg_authid')
            OPERATOR(pg_catalog.<>) 'Read-only access to the vatsim schema (extension vatsim_ingest)', true)
       OR r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb
       OR r.rolreplication OR r.rolbypassrls
       OR EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                  WHERE m.member OPERATOR(pg_catalog.=) r.oid) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'duplicate_object',
            MESSAGE = 'role "vatsim_reader" exists and is not the reader role of extension vatsim_ingest',
            DETAIL = 'The extension would grant it read access to every table of schema vatsim.  '
                     'Its own reader role is NOLOGIN, has no other attribute, is a member of no role, '
                     'and carries the comment ''Read-only access to the vatsim schema (extension vatsim_ingest)''.',
            HINT = 'Rename or drop that role.  If it is meant to be the reader role, make it so and give it '
                   'that comment (COMMENT ON ROLE vatsim_reader IS ...).';
    END IF;
END
$$;

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

-- Deleting a sector cascades to its features by (sector_set, sector): without
-- an index each sector's cascade read every feature of the set, so replacing
-- or deleting a set took time quadratic in its size.  (sector_occupancy and
-- occupancy_state have no foreign key to sectors: nothing cascades there.)
CREATE INDEX sector_features_sector_idx ON vatsim.sector_features (sector_set, sector);

-- (end of sector sets part)



-- ---------------------------------------------------------------------------
-- The worker: status in shared memory (findings 2, 13, 15)
-- ---------------------------------------------------------------------------

-- worker_status() gains memory_bytes (the worker's allocated memory, so a
-- leak shows), and feed_url is redacted and NULL for roles that may not read
-- the setting (decided in C).  A new OUT column needs DROP and CREATE; the
-- view and the grant follow.
DROP VIEW vatsim.status;
DROP FUNCTION vatsim.worker_status();
CREATE FUNCTION vatsim.worker_status(
    OUT pid integer, OUT state text, OUT enabled boolean, OUT cycles bigint,
    OUT last_start timestamptz, OUT last_success timestamptz,
    OUT last_error_at timestamptz, OUT last_error text,
    OUT consecutive_failures integer, OUT next_run timestamptz,
    OUT last_update_timestamp timestamptz, OUT last_http_status integer,
    OUT last_bytes bigint, OUT last_cycle_ms double precision,
    OUT last_rows bigint, OUT last_result text, OUT feed_url text,
    OUT memory_bytes bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'vatsim_worker_status'
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.worker_status() IS 'State of the background worker, from shared memory; feed_url redacted, and NULL unless the caller may read vatsim_ingest.feed_url';

CREATE VIEW vatsim.status AS SELECT * FROM vatsim.worker_status();
COMMENT ON VIEW vatsim.status IS 'State of the background worker (vatsim.worker_status())';
GRANT SELECT ON vatsim.status TO vatsim_reader;
GRANT EXECUTE ON FUNCTION vatsim.worker_status() TO vatsim_reader;

-- (end of worker part)
