/*
 * vatsim_ingest--0.6.0--0.7.0.sql
 *		Operations (issue 13) and the rest of speed and storage (issue 12):
 *		replicas, roles, backups and upgrades, and a faster per-snapshot
 *		path.  Each part below belongs to one feature.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.7.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Replicas
-- ---------------------------------------------------------------------------

-- (end of replicas part)

-- ---------------------------------------------------------------------------
-- Roles
-- ---------------------------------------------------------------------------

-- Three levels (README "Roles"): vatsim_reader reads every table, view and
-- read function; vatsim_operator, a member of vatsim_reader, also wakes the
-- worker and loads the definitions the ingest reads (sector sets, airports,
-- tracked positions, controller ranges); everything else (the ingest
-- itself, files, URLs, settings, the storage manager, repairs) stays with
-- superusers.  test/pgtap/15_roles.sql holds the exact list and checks it.

-- vatsim_operator, created the careful way vatsim_reader is (0.4.0): an
-- existing role of that name is taken only when it is the extension's own:
-- the extension's comment (which only a superuser or a role with
-- CREATEROLE can set), no attribute beyond NOLOGIN, and a member of no role
-- but vatsim_reader (without ADMIN OPTION).  A role left behind by DROP
-- EXTENSION qualifies, with its members; any other makes the install fail
-- and grants it nothing.
DO $$
DECLARE
    r pg_catalog.pg_roles;
BEGIN
    SELECT * INTO r FROM pg_catalog.pg_roles
    WHERE rolname OPERATOR(pg_catalog.=) 'vatsim_operator';
    IF NOT FOUND THEN
        CREATE ROLE vatsim_operator NOLOGIN;
        COMMENT ON ROLE vatsim_operator IS 'Operator access to the vatsim schema (extension vatsim_ingest)';
        RETURN;
    END IF;
    IF COALESCE(pg_catalog.shobj_description(r.oid, 'pg_authid')
            OPERATOR(pg_catalog.<>) 'Operator access to the vatsim schema (extension vatsim_ingest)', true)
       OR r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb
       OR r.rolreplication OR r.rolbypassrls
       OR EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                  JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) m.roleid
                  WHERE m.member OPERATOR(pg_catalog.=) r.oid
                    AND (g.rolname OPERATOR(pg_catalog.<>) 'vatsim_reader' OR m.admin_option)) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'duplicate_object',
            MESSAGE = 'role "vatsim_operator" exists and is not the operator role of extension vatsim_ingest',
            DETAIL = 'The extension would grant it read access to every table of schema vatsim and the '
                     'operator''s functions.  Its own operator role is NOLOGIN, has no other attribute, '
                     'is a member of no role but vatsim_reader, and carries the comment '
                     '''Operator access to the vatsim schema (extension vatsim_ingest)''.',
            HINT = 'Rename or drop that role.  If it is meant to be the operator role, make it so and give it '
                   'that comment (COMMENT ON ROLE vatsim_operator IS ...).';
    END IF;
END
$$;
-- vatsim_operator has every right of vatsim_reader (in a DO block: a role
-- taken back after DROP EXTENSION is a member already)
DO $$
BEGIN
    IF NOT pg_catalog.pg_has_role('vatsim_operator', 'vatsim_reader', 'MEMBER') THEN
        GRANT vatsim_reader TO vatsim_operator;
    END IF;
END
$$;

-- Read functions: vatsim_reader's, not PUBLIC's (some had only the default
-- PUBLIC grant; the schema, which only vatsim_reader may use, hid them).
-- sectors_at and sectors_at_points matter most: they answer from an index
-- cached in the backend, so once it was built a role without SELECT on the
-- sector tables could read the sectors through them.
DO $$
DECLARE
    f pg_catalog.regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY[
        'vatsim.network_status()', 'vatsim.worker_status()',
        'vatsim.sectors_at(double precision, double precision, integer, text)',
        'vatsim.sectors_at_points(double precision[], double precision[], integer[], text)',
        'vatsim.export_sectors(text)',
        'vatsim.sector_history(text, timestamptz, timestamptz)',
        'vatsim.sector_history(bigint, timestamptz, timestamptz)',
        'vatsim.sector_traffic(text, timestamptz, timestamptz, text)',
        'vatsim.sector_counts(timestamptz, text)',
        'vatsim.sector_transitions(timestamptz, timestamptz, text)',
        'vatsim.require_sector_set(text)', 'vatsim.sectors_geojson(text)',
        'vatsim.flights_geojson(text)', 'vatsim.track_geojson(bigint)',
        'vatsim.airport_movements(text, timestamptz, timestamptz, interval)']::pg_catalog.regprocedure[]
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO vatsim_reader', f);
    END LOOP;
END
$$;
-- PUBLIC keeps these four: the ingest calls the first two with its caller's
-- rights (a loader role, README "Privileges") and they read only tables the
-- caller must be able to read; the last two read nothing.
GRANT EXECUTE ON FUNCTION
    vatsim.nearest_airport(double precision, double precision, double precision),
    vatsim.controller_type(text), vatsim.page_limit(integer),
    vatsim.distance_nm(double precision, double precision, double precision, double precision)
TO vatsim_reader;

-- A trigger function needs no EXECUTE to fire.
REVOKE EXECUTE ON FUNCTION vatsim.sectors_changed() FROM PUBLIC;

-- The operator's functions.  The loaders run as the extension's owner
-- (SECURITY DEFINER; their SET clause pins search_path), so that an operator
-- writes those tables only through them, checked, and holds no write
-- privilege on any table but controller_ranges (its overrides, guarded by
-- the table's CHECK constraints).  None takes a file name or a URL.
-- run_now runs no SQL: it wakes the worker, whose URL and schedule stay
-- the superuser's settings.
ALTER FUNCTION vatsim.load_sectors(text, text, text, text, text, boolean) SECURITY DEFINER;
ALTER FUNCTION vatsim.load_airports(text) SECURITY DEFINER;
ALTER FUNCTION vatsim.load_tracked_positions(text) SECURITY DEFINER;
GRANT EXECUTE ON FUNCTION
    vatsim.run_now(boolean, interval),
    vatsim.load_sectors(text, text, text, text, text, boolean),
    vatsim.load_airports(text),
    vatsim.load_tracked_positions(text)
TO vatsim_operator;
GRANT INSERT, UPDATE, DELETE ON vatsim.controller_ranges TO vatsim_operator;

-- (end of roles part)

-- ---------------------------------------------------------------------------
-- Backups and upgrades
-- ---------------------------------------------------------------------------

-- (end of backups part)

-- ---------------------------------------------------------------------------
-- History queries
-- ---------------------------------------------------------------------------

-- (end of history queries part)

-- ---------------------------------------------------------------------------
-- Per-snapshot speed
-- ---------------------------------------------------------------------------

-- (end of per-snapshot speed part)
