-- Roles and their boundaries (issue 13, "Roles"): vatsim_reader,
-- vatsim_operator and a plain login role.
--
-- 1. The catalogue against the explicit lists below: every function,
--    table, view and sequence of the extension, and the exact privilege
--    each role has on it (a new object that forgets its grants, or grants
--    too much, fails here); the roles' attributes and memberships; the
--    SECURITY DEFINER functions and their pinned search_path.
-- 2. Behaviour, with SET ROLE: every writer function and every table
--    (and a daily partition, and the sequences) tried by each role, refused
--    with 42501 unless the role is meant to have it; no setting of the
--    extension can be changed (set_config, SET, ALTER ROLE ... SET, and
--    ALTER SYSTEM, which cannot run in a transaction block and so is tried
--    first, outside it); no server file or URL is reachable; the feed URL
--    reaches no non-superuser.
-- 3. vatsim_operator is created the careful way vatsim_reader is
--    (11_reader_role.sql): a role of that name that is not the extension's
--    own is refused; one left behind by DROP EXTENSION is taken back; the
--    update from a filled 0.6.0 gives the same privileges as a fresh install.
\getenv fixtures VATSIM_FIXTURES
\set seq1 :fixtures '/v3-2023-08-07T232929Z-754p-seq1.json'
SET client_min_messages = error;

-- ---------------------------------------------------------------------------
-- First, outside a transaction block: ALTER SYSTEM (inside one it fails with
-- 25001 for everybody, so it would prove nothing), and the sector index
-- cached in the backend.  The extension is created here and dropped again
-- (its roles outlive it, cluster-wide); probe roles, members of each role,
-- try every setting; psql keeps each error's SQLSTATE, checked in the
-- transaction below.
-- ---------------------------------------------------------------------------
\set ON_ERROR_STOP 1
CREATE EXTENSION vatsim_ingest;
SELECT count(*) AS auto_conf_before FROM pg_file_settings
WHERE name LIKE 'vatsim\_ingest.%' AND sourcefile LIKE '%postgresql.auto.conf' \gset
CREATE ROLE vi15_sys_reader LOGIN IN ROLE vatsim_reader;
CREATE ROLE vi15_sys_operator LOGIN IN ROLE vatsim_operator;
CREATE ROLE vi15_sys_plain LOGIN;
-- Also here, as it needs committed sector tables: sectors_at answers from an
-- index cached in the backend, built (by a superuser) from a set loaded in an
-- earlier transaction; then the plain role (with USAGE on the schema) asks.
SELECT sectors AS grid_sectors FROM vatsim.load_sectors('grid15', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "WEST"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,0],[3,0],[3,3],[0,3],[0,0]]]}}]}$$) \gset
GRANT USAGE ON SCHEMA vatsim TO vi15_sys_plain;
BEGIN;
SELECT count(*) AS cached_rows FROM vatsim.sectors_at(1, 1) \gset
\set ON_ERROR_STOP 0
SET LOCAL ROLE vi15_sys_plain;
SELECT count(*) FROM vatsim.sectors_at(1, 1);
\set sys_cached :SQLSTATE
ROLLBACK;
REVOKE USAGE ON SCHEMA vatsim FROM vi15_sys_plain;
DROP EXTENSION vatsim_ingest;
SET ROLE vi15_sys_reader;
ALTER SYSTEM SET vatsim_ingest.feed_url = 'http://127.0.0.1:9/reader';
\set sys_reader :SQLSTATE
RESET ROLE;
SET ROLE vi15_sys_operator;
ALTER SYSTEM SET vatsim_ingest.feed_url = 'http://127.0.0.1:9/operator';
\set sys_operator :SQLSTATE
RESET ROLE;
SET ROLE vi15_sys_plain;
ALTER SYSTEM SET vatsim_ingest.feed_url = 'http://127.0.0.1:9/plain';
\set sys_plain :SQLSTATE
RESET ROLE;
-- and every other setting of the extension, by each of them (the outcome is
-- checked below: postgresql.auto.conf gains no line)
\o /dev/null
SELECT format('SET ROLE %I', r), format('ALTER SYSTEM SET %s = %L', s.name, s.boot_val), 'RESET ROLE'
FROM unnest(ARRAY['vi15_sys_reader', 'vi15_sys_operator', 'vi15_sys_plain']) r, pg_settings s
WHERE s.name LIKE 'vatsim\_ingest.%' ORDER BY r, s.name \gexec
\o
RESET ROLE;
SELECT count(*) AS auto_conf_after FROM pg_file_settings
WHERE name LIKE 'vatsim\_ingest.%' AND sourcefile LIKE '%postgresql.auto.conf' \gset
\set ON_ERROR_STOP 1
DROP ROLE vi15_sys_reader, vi15_sys_operator, vi15_sys_plain;

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
-- the catalogue lists below name functions as regprocedure prints them
SET LOCAL search_path = public, pg_catalog;
SELECT plan(62);

-- ---------------------------------------------------------------------------
-- 3a. vatsim_operator: created, refused, taken back (set aside the one the
-- other databases use; the transaction rolls back)
-- ---------------------------------------------------------------------------
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vatsim_operator') THEN
        ALTER ROLE vatsim_operator RENAME TO vatsim_operator_saved;
    END IF;
END $$;

\i test/sql/role_refused.sql

SELECT lives_ok('CREATE EXTENSION vatsim_ingest', 'CREATE EXTENSION with no vatsim_operator');
SELECT is((SELECT shobj_description(r.oid, 'pg_authid') || ' / ' || r.rolcanlogin || ' / '
                  || (SELECT string_agg(g.rolname || CASE WHEN m.admin_option THEN ' (admin)' ELSE '' END, ', ')
                      FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)
           FROM pg_roles r WHERE r.rolname = 'vatsim_operator'),
          'Operator access to the vatsim schema (extension vatsim_ingest) / false / vatsim_reader',
          'it creates vatsim_operator: NOLOGIN, its comment, a member of vatsim_reader only');
SELECT is((SELECT row(rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls)::text
           FROM pg_roles WHERE rolname = 'vatsim_operator'),
          (SELECT row(rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls)::text
           FROM pg_roles WHERE rolname = 'vatsim_reader'),
          'with the attributes of vatsim_reader (no superuser, createrole, createdb, login, replication, bypassrls)');
SELECT is((SELECT string_agg(g.rolname, ', ') FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
           JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'vatsim_reader'), NULL,
          'vatsim_reader is a member of no role (no pg_read_server_files, pg_read_all_settings, ...)');

-- DROP EXTENSION leaves both roles and their members (roles are per cluster)
CREATE ROLE vi15_member IN ROLE vatsim_operator;
DROP EXTENSION vatsim_ingest;
SELECT ok(pg_has_role('vi15_member', 'vatsim_operator', 'MEMBER') AND pg_has_role('vatsim_operator', 'vatsim_reader', 'MEMBER')
          AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vatsim_ingest'),
          'DROP EXTENSION leaves the roles, their memberships and members');
SELECT lives_ok('CREATE EXTENSION vatsim_ingest', 'the role left behind by DROP EXTENSION is taken back');
SELECT ok(has_function_privilege('vi15_member', 'vatsim.load_sectors(text, text, text, text, text, boolean)', 'EXECUTE')
          AND has_table_privilege('vi15_member', 'vatsim.pilots', 'SELECT'),
          'and its members are operators again');
DROP EXTENSION vatsim_ingest;
-- without its membership of vatsim_reader (revoked by hand): taken back, made a member again
REVOKE vatsim_reader FROM vatsim_operator;
SELECT lives_ok('CREATE EXTENSION vatsim_ingest', 'a vatsim_operator that left vatsim_reader is taken back');
SELECT ok(pg_has_role('vatsim_operator', 'vatsim_reader', 'MEMBER'), 'and made a member of vatsim_reader again');
DROP EXTENSION vatsim_ingest;

ALTER ROLE vatsim_operator LOGIN;
SELECT pg_temp.role_refused('vatsim_operator', 'a vatsim_operator that can log in');
ALTER ROLE vatsim_operator NOLOGIN;
ALTER ROLE vatsim_operator BYPASSRLS;
SELECT pg_temp.role_refused('vatsim_operator', 'a vatsim_operator with BYPASSRLS');
ALTER ROLE vatsim_operator NOBYPASSRLS;
GRANT pg_read_server_files TO vatsim_operator;
SELECT pg_temp.role_refused('vatsim_operator', 'a vatsim_operator that is a member of pg_read_server_files');
REVOKE pg_read_server_files FROM vatsim_operator;
REVOKE vatsim_reader FROM vatsim_operator;
GRANT vatsim_reader TO vatsim_operator WITH ADMIN OPTION;
SELECT pg_temp.role_refused('vatsim_operator', 'a vatsim_operator that may grant vatsim_reader (ADMIN OPTION)');
REVOKE vatsim_reader FROM vatsim_operator;
GRANT vatsim_reader TO vatsim_operator;
ALTER ROLE vatsim_operator RENAME TO vatsim_operator_ours;
CREATE ROLE vatsim_operator NOLOGIN;
SELECT pg_temp.role_refused('vatsim_operator', 'a vatsim_operator without the extension''s comment');
DROP ROLE vatsim_operator;
ALTER ROLE vatsim_operator_ours RENAME TO vatsim_operator;

-- 3b. The update from a filled 0.6.0 creates the role and gives exactly the
-- privileges of a fresh install (the same script does both)
CREATE TEMP VIEW acls AS
SELECT format('%s %s %s', p.oid::regprocedure, p.prosecdef, coalesce(p.proacl::text, 'default')) AS acl
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vatsim_ingest'
UNION ALL
SELECT format('%s %s', c.oid::regclass, coalesce(c.relacl::text, 'default'))
FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vatsim_ingest'
UNION ALL
SELECT format('schema %s %s', n.nspname, coalesce(n.nspacl::text, 'default'))
FROM pg_namespace n WHERE n.nspname IN ('vatsim', 'vatsim_partitions');
ALTER ROLE vatsim_operator RENAME TO vatsim_operator_saved2;
CREATE EXTENSION vatsim_ingest VERSION '0.6.0';
-- rows by hand (the 0.7.0 library refuses to ingest into 0.6.0 objects)
INSERT INTO vatsim.controller_ranges VALUES ('APP', 'Radar', 80);
INSERT INTO vatsim.tracked_positions VALUES ('EDDF_*');
INSERT INTO vatsim.snapshots (update_timestamp, pilots, controllers, atis, prefiles, servers, rejected, bytes, duration_ms)
VALUES ('2023-08-07 23:29:29+00', 0, 0, 0, 0, 0, 0, 0, 0);
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vatsim_operator'), '0.6.0, with rows, has no vatsim_operator');
ALTER EXTENSION vatsim_ingest UPDATE TO '0.7.0';
CREATE TEMP TABLE upgraded AS SELECT * FROM acls;
SELECT ok(EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vatsim_operator'
                  AND shobj_description(oid, 'pg_authid') = 'Operator access to the vatsim schema (extension vatsim_ingest)')
          AND pg_has_role('vatsim_operator', 'vatsim_reader', 'MEMBER'),
          'ALTER EXTENSION UPDATE from 0.6.0 creates vatsim_operator, a member of vatsim_reader');
DROP EXTENSION vatsim_ingest;
CREATE EXTENSION vatsim_ingest;
SELECT is((SELECT string_agg(acl, E'\n' ORDER BY acl) FROM
           ((SELECT * FROM acls EXCEPT ALL SELECT * FROM upgraded) UNION ALL
            (SELECT '(upgraded) ' || acl FROM (SELECT * FROM upgraded EXCEPT ALL SELECT * FROM acls) u)) diff),
          NULL, 'updated and fresh installs: the same owner rights, grants and SECURITY DEFINER on every object');

-- ---------------------------------------------------------------------------
-- 1. The catalogue
-- ---------------------------------------------------------------------------
-- The roles tested: the two roles themselves, a member of each that logs
-- in, and a plain login role with neither.
CREATE ROLE vi15_reader LOGIN IN ROLE vatsim_reader;
CREATE ROLE vi15_operator LOGIN IN ROLE vatsim_operator;
CREATE ROLE vi15_plain LOGIN;

-- Every function of the extension and who may execute it: 'public' (every
-- role), 'reader' (vatsim_reader, so vatsim_operator too), 'operator'
-- (vatsim_operator only), 'superuser' (none of the three).
CREATE TEMP TABLE expected_functions (fn text PRIMARY KEY, who text NOT NULL
    CHECK (who IN ('public', 'reader', 'operator', 'superuser')));
INSERT INTO expected_functions VALUES
-- the operator's: wake the worker, load the definitions the ingest reads
('vatsim.run_now(boolean,interval)', 'operator'),
('vatsim.load_sectors(text,text,text,text,text,boolean)', 'operator'),
('vatsim.load_airports(text)', 'operator'),
('vatsim.load_tracked_positions(text)', 'operator'),
-- the ingest's helpers, run with the caller's rights, and two that read nothing
('vatsim.summarise_flights(bigint[],text[],timestamp with time zone)', 'public'),
('vatsim.nearest_airport(double precision,double precision,double precision)', 'public'),
('vatsim.controller_type(text)', 'public'),
('vatsim.page_limit(integer)', 'public'),
('vatsim.distance_nm(double precision,double precision,double precision,double precision)', 'public'),
-- the ingest, files, the storage manager, repairs, triggers
('vatsim.ingest(text,text)', 'superuser'),
('vatsim.ingest_file(text,text)', 'superuser'),
('vatsim.rebuild_sector_aggregates(timestamp with time zone)', 'superuser'),
('vatsim.create_day_partition(regclass,date)', 'superuser'),
('vatsim.ensure_partitions(interval,timestamp with time zone)', 'superuser'),
('vatsim.drop_partitions(timestamp with time zone)', 'superuser'),
('vatsim.pack_positions(timestamp with time zone,integer)', 'superuser'),
('vatsim.drop_old_packs(timestamp with time zone,integer)', 'superuser'),
('vatsim.sectors_changed()', 'superuser'),
('vatsim.check_partitioned_table()', 'superuser'),
('vatsim.partitioned_tables_changed()', 'superuser'),
-- read functions
('vatsim.worker_status()', 'reader'),
('vatsim.network_status()', 'reader'),
('vatsim.sectors_at(double precision,double precision,integer,text)', 'reader'),
('vatsim.sectors_at_points(double precision[],double precision[],integer[],text)', 'reader'),
('vatsim.export_sectors(text)', 'reader'),
('vatsim.sector_history(text,timestamp with time zone,timestamp with time zone)', 'reader'),
('vatsim.sector_history(bigint,timestamp with time zone,timestamp with time zone)', 'reader'),
('vatsim.sector_traffic(text,timestamp with time zone,timestamp with time zone,text)', 'reader'),
('vatsim.sector_counts(timestamp with time zone,text)', 'reader'),
('vatsim.sector_transitions(timestamp with time zone,timestamp with time zone,text)', 'reader'),
('vatsim.require_sector_set(text)', 'reader'),
('vatsim.sectors_geojson(text)', 'reader'),
('vatsim.flights_geojson(text)', 'reader'),
('vatsim.track_geojson(bigint)', 'reader'),
('vatsim.airport_movements(text,timestamp with time zone,timestamp with time zone,interval)', 'reader'),
('vatsim.api_status(interval)', 'reader'),
('vatsim.online_flights(text,integer)', 'reader'),
('vatsim.newest_flight(text)', 'reader'),
('vatsim.flight(text)', 'reader'),
('vatsim.flight_track(bigint,timestamp with time zone,integer)', 'reader'),
('vatsim.flight_stats(bigint)', 'reader'),
('vatsim.online_controllers(text,integer)', 'reader'),
('vatsim.controllers_by_cid(integer,integer,timestamp with time zone)', 'reader'),
('vatsim.station_kind(text)', 'reader'),
('vatsim.transceivers_page(text,integer,integer)', 'reader'),
('vatsim.transceivers_of(text)', 'reader'),
('vatsim.flight_analytics(timestamp with time zone,timestamp with time zone)', 'reader'),
('vatsim.region_status()', 'reader'),
('vatsim.flight_summaries_page(bigint,integer,text,text,text,text)', 'reader'),
('vatsim.flight_summaries_status(timestamp with time zone)', 'reader'),
('vatsim.flight_summary_analytics(interval,text,text,timestamp with time zone)', 'reader'),
('vatsim.controller_summaries_page(bigint,integer,text,timestamp with time zone,timestamp with time zone)', 'reader'),
('vatsim.controller_stats(text)', 'reader'),
('vatsim.controller_overview(timestamp with time zone,timestamp with time zone)', 'reader'),
('vatsim.controller_leaders(integer,timestamp with time zone,timestamp with time zone)', 'reader'),
('vatsim.movements_page(text,bigint,integer)', 'reader'),
('vatsim.tracked_positions_status()', 'reader'),
('vatsim.flight_positions(bigint,timestamp with time zone,timestamp with time zone)', 'reader'),
('vatsim.unpack_positions(bytea)', 'reader'),
('vatsim.pack_window_stats(bytea,timestamp with time zone,timestamp with time zone)', 'reader');

-- Every table, view and sequence of the extension and the privileges of
-- vatsim_reader and vatsim_operator on it (the plain role has none).
CREATE TEMP TABLE expected_relations (rel text PRIMARY KEY, reader text NOT NULL, operator text NOT NULL);
INSERT INTO expected_relations
SELECT r, 'SELECT', 'SELECT' FROM unnest(ARRAY[
    'vatsim.snapshots', 'vatsim.facilities', 'vatsim.ratings', 'vatsim.pilot_ratings', 'vatsim.military_ratings',
    'vatsim.servers', 'vatsim.flights', 'vatsim.flight_plans', 'vatsim.pilots', 'vatsim.controllers', 'vatsim.atis',
    'vatsim.controller_sessions', 'vatsim.prefiles', 'vatsim.runs', 'vatsim.transceivers', 'vatsim.sector_sets',
    'vatsim.sectors', 'vatsim.sector_features', 'vatsim.sector_occupancy', 'vatsim.occupancy_state',
    'vatsim.status', 'vatsim.airports', 'vatsim.controller_types', 'vatsim.atc_contacts',
    'vatsim.controller_summaries', 'vatsim.controller_summary_hours', 'vatsim.flight_summaries', 'vatsim.movements',
    'vatsim.airport_daily_movements', 'vatsim.tracked_positions', 'vatsim.flight_stats', 'vatsim.sector_count_hours',
    'vatsim.sector_bounds', 'vatsim.partitioned_tables', 'vatsim.partition_log', 'vatsim.history_partitions',
    'vatsim.positions', 'vatsim.position_packs', 'vatsim.position_history',
    'vatsim.sector_transition_hours', 'vatsim.sector_transition_pairs']) r
UNION ALL
-- the operator's own overrides (guarded by the table's CHECK constraints)
SELECT 'vatsim.controller_ranges', 'SELECT', 'SELECT,INSERT,UPDATE,DELETE'
UNION ALL
-- identity sequences: nobody but the owner (a loader role is granted USAGE by hand)
SELECT s, '', '' FROM unnest(ARRAY[
    'vatsim.flights_flight_id_seq', 'vatsim.controller_sessions_session_id_seq', 'vatsim.runs_run_id_seq',
    'vatsim.sector_occupancy_occupancy_id_seq', 'vatsim.atc_contacts_contact_id_seq',
    'vatsim.movements_movement_id_seq', 'vatsim.partition_log_log_id_seq',
    'vatsim.sector_transition_pairs_pair_id_seq']) s;

-- What a role may do: who may execute a function; a relation's privileges
-- (table-level, then column-level ones the table level lacks, marked col:)
CREATE FUNCTION pg_temp.fn_who(f oid, plain name) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN has_function_privilege(plain, f, 'EXECUTE') THEN 'public'
                WHEN has_function_privilege('vatsim_reader', f, 'EXECUTE') THEN 'reader'
                WHEN has_function_privilege('vatsim_operator', f, 'EXECUTE') THEN 'operator'
                ELSE 'superuser' END
        -- inconsistent: a role has more than the one above it
        || CASE WHEN has_function_privilege(plain, f, 'EXECUTE')
                     AND NOT has_function_privilege('vatsim_reader', f, 'EXECUTE') THEN ' (but not reader)'
                WHEN has_function_privilege('vatsim_reader', f, 'EXECUTE')
                     AND NOT has_function_privilege('vatsim_operator', f, 'EXECUTE') THEN ' (but not operator)'
                ELSE '' END
$$;
CREATE FUNCTION pg_temp.rel_privs(who name, r oid) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(p, ',' ORDER BY o), '') FROM (
        SELECT p, o FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
                         WITH ORDINALITY AS t(p, o)
        WHERE (SELECT relkind FROM pg_class WHERE oid = r) <> 'S' AND has_table_privilege(who, r, p)
        UNION ALL
        SELECT 'col:' || p, 10 + o FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) WITH ORDINALITY AS t(p, o)
        WHERE (SELECT relkind FROM pg_class WHERE oid = r) <> 'S'
          AND has_any_column_privilege(who, r, p) AND NOT has_table_privilege(who, r, p)
        UNION ALL
        SELECT 'seq:' || p, 20 + o FROM unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) WITH ORDINALITY AS t(p, o)
        WHERE (SELECT relkind FROM pg_class WHERE oid = r) = 'S' AND has_sequence_privilege(who, r, p)) x
$$;
CREATE TEMP VIEW ext_functions AS
SELECT p.oid, p.oid::regprocedure::text AS fn FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vatsim_ingest';
CREATE TEMP VIEW ext_relations AS
SELECT c.oid, c.oid::regclass::text AS rel FROM pg_class c
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vatsim_ingest';

SELECT is((SELECT string_agg(coalesce(a.fn, x.fn) || ': ' || coalesce(a.who, 'missing') || ', expected '
                             || coalesce(x.who, 'not listed'), E'\n' ORDER BY coalesce(a.fn, x.fn))
           FROM (SELECT fn, pg_temp.fn_who(oid, 'vi15_plain') AS who FROM ext_functions) a
           FULL JOIN expected_functions x ON x.fn = a.fn
           WHERE a.who IS DISTINCT FROM x.who), NULL,
          'every function: EXECUTE exactly as listed for the plain role, vatsim_reader and vatsim_operator');
SELECT is((SELECT string_agg(coalesce(a.rel, x.rel) || ': ' || coalesce(a.got, 'missing') || ', expected '
                             || coalesce(x.want, 'not listed'), E'\n' ORDER BY coalesce(a.rel, x.rel))
           FROM (SELECT rel, format('reader %s / operator %s / plain %s', pg_temp.rel_privs('vatsim_reader', oid),
                                    pg_temp.rel_privs('vatsim_operator', oid), pg_temp.rel_privs('vi15_plain', oid)) AS got
                 FROM ext_relations) a
           FULL JOIN (SELECT rel, format('reader %s / operator %s / plain ', reader, operator) AS want
                      FROM expected_relations) x ON x.rel = a.rel
           WHERE a.got IS DISTINCT FROM x.want), NULL,
          'every table, view and sequence: exactly the listed privileges for each role (column privileges too)');
SELECT is((SELECT string_agg(m.rolname || ' ' || o.what, ', ')
           FROM unnest(ARRAY['vi15_reader', 'vi15_operator']) AS m(rolname)
           CROSS JOIN LATERAL (
               SELECT f.fn AS what FROM ext_functions f
               WHERE has_function_privilege(m.rolname, f.oid, 'EXECUTE')
                     <> has_function_privilege(CASE m.rolname WHEN 'vi15_reader' THEN 'vatsim_reader' ELSE 'vatsim_operator' END, f.oid, 'EXECUTE')
               UNION ALL
               SELECT r.rel FROM ext_relations r
               WHERE pg_temp.rel_privs(m.rolname, r.oid)
                     <> pg_temp.rel_privs(CASE m.rolname WHEN 'vi15_reader' THEN 'vatsim_reader' ELSE 'vatsim_operator' END, r.oid)) o),
          NULL, 'a login member of each role has exactly the role''s privileges');
SELECT is((SELECT string_agg(w.rolname || ' ' || o, ', ')
           FROM unnest(ARRAY['vatsim_reader', 'vatsim_operator', 'vi15_plain']) AS w(rolname)
           CROSS JOIN LATERAL (
               SELECT f.fn AS o FROM ext_functions f WHERE has_function_privilege(w.rolname, f.oid, 'EXECUTE WITH GRANT OPTION')
               UNION ALL
               SELECT r.rel FROM ext_relations r, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p
               WHERE (SELECT relkind FROM pg_class WHERE oid = r.oid) <> 'S'
                 AND has_table_privilege(w.rolname, r.oid, p || ' WITH GRANT OPTION')) x),
          NULL, 'no role may pass any privilege on (no GRANT OPTION)');
-- the schemas: USAGE for the readers, CREATE for nobody
SELECT is((SELECT string_agg(format('%s %s', w, string_agg), ' / ' ORDER BY w) FROM (
               SELECT w, string_agg(n || ':' || p, ',' ORDER BY n, p)
               FROM unnest(ARRAY['vatsim_reader', 'vatsim_operator', 'vi15_plain']) w,
                    unnest(ARRAY['vatsim', 'vatsim_partitions']) n, unnest(ARRAY['USAGE', 'CREATE']) p
               WHERE has_schema_privilege(w, n, p) GROUP BY w) s),
          'vatsim_operator vatsim:USAGE / vatsim_reader vatsim:USAGE',
          'schema vatsim: USAGE for vatsim_reader (and so vatsim_operator); CREATE for nobody; vatsim_partitions for nobody');
-- the settings: no role of the three may SET or ALTER SYSTEM any of them
-- (PostgreSQL 15 parameter privileges: nothing granted)
SELECT is((SELECT string_agg(w || ' ' || s.name || ' ' || p, ', ')
           FROM unnest(ARRAY['vatsim_reader', 'vatsim_operator', 'vi15_plain']) w, pg_settings s,
                unnest(ARRAY['SET', 'ALTER SYSTEM']) p
           WHERE s.name LIKE 'vatsim\_ingest.%' AND has_parameter_privilege(w, s.name, p)), NULL,
          'no SET or ALTER SYSTEM privilege on any vatsim_ingest setting for any of the three');
SELECT is((SELECT string_agg(name, ', ') FROM pg_settings
           WHERE name LIKE 'vatsim\_ingest.%' AND context NOT IN ('superuser', 'sighup', 'postmaster')), NULL,
          'every vatsim_ingest setting is superuser, sighup or postmaster (none a user may SET)');

-- SECURITY DEFINER: only the three loaders, owned by the extension's owner,
-- with search_path pinned, and only for the operator
SELECT is((SELECT string_agg(f.fn || ' ' || coalesce(array_to_string(p.proconfig, ';'), 'no SET')
                             || CASE WHEN p.proowner = e.extowner THEN '' ELSE ' (not the owner''s)' END, E'\n' ORDER BY f.fn)
           FROM ext_functions f JOIN pg_proc p ON p.oid = f.oid, pg_extension e
           WHERE e.extname = 'vatsim_ingest' AND p.prosecdef),
          'vatsim.load_airports(text) search_path=pg_catalog, pg_temp' || E'\n'
          || 'vatsim.load_sectors(text,text,text,text,text,boolean) search_path=pg_catalog, pg_temp' || E'\n'
          || 'vatsim.load_tracked_positions(text) search_path=pg_catalog, pg_temp',
          'SECURITY DEFINER: the three loaders, each with search_path = pg_catalog, pg_temp, owned by the extension''s owner');
SELECT ok((SELECT bool_and(r.rolsuper) FROM pg_extension e JOIN pg_roles r ON r.oid = e.extowner WHERE e.extname = 'vatsim_ingest'),
          'the owner they run as is a superuser (the control file says superuser = true)');

-- no function takes a file name, a directory or a URL but ingest_file (superuser's)
SELECT is((SELECT string_agg(DISTINCT f.fn, ', ') FROM ext_functions f JOIN pg_proc p ON p.oid = f.oid,
                  unnest(p.proargnames, p.proargmodes) a(name, mode)
           WHERE coalesce(a.mode, 'i') IN ('i', 'b', 'v') AND a.name ~* '(path|file|url|dir|uri|host)'),
          'vatsim.ingest_file(text,text)',
          'the only function with an argument naming a file or URL is ingest_file');

-- ---------------------------------------------------------------------------
-- 2. Behaviour, with SET ROLE
-- ---------------------------------------------------------------------------
SELECT vatsim.ingest_file(:'seq1') \g /dev/null
SELECT vatsim.ensure_partitions('1 day', '2023-08-07 23:29:29+00') \g /dev/null
SELECT * FROM vatsim.load_sectors('grid15', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "WEST"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,0],[3,0],[3,3],[0,3],[0,0]]]}}]}$$) \g /dev/null
-- the schemas are visible to the plain role, so each refusal below is the
-- function's or table's own; the partitions' schema to all three
GRANT USAGE ON SCHEMA vatsim TO vi15_plain;
GRANT USAGE ON SCHEMA vatsim_partitions TO vi15_reader, vi15_operator, vi15_plain;
CREATE TEMP TABLE params AS SELECT :'seq1'::text AS seq1, (SELECT min(flight_id) FROM vatsim.flights) AS flight_id;

-- q run as role who: 'ok' (and rolled back) or the SQLSTATE it failed with
CREATE FUNCTION pg_temp.try_as(who text, q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE format('SET LOCAL ROLE %I', who);
        EXECUTE q;
        RAISE EXCEPTION USING ERRCODE = 'VI15K';
    EXCEPTION
        WHEN SQLSTATE 'VI15K' THEN RETURN 'ok';
        WHEN OTHERS THEN RETURN SQLSTATE;
    END;
END $$;

-- Every writer function, by each role: 'ok' only for the operator's own
CREATE TEMP TABLE writers (fn text, q text, operator_may boolean);
INSERT INTO writers SELECT w.fn, w.q, w.operator_may FROM params, LATERAL (VALUES
    ('ingest', 'SELECT vatsim.ingest(' || quote_literal(pg_read_file(seq1)) || ')', false),
    ('ingest_file', format('SELECT vatsim.ingest_file(%L)', seq1), false),
    ('summarise_flights', format('SELECT vatsim.summarise_flights(ARRAY[%s]::bigint[], ''{gone}'', now())', flight_id), false),
    ('rebuild_sector_aggregates', 'SELECT vatsim.rebuild_sector_aggregates()', false),
    ('create_day_partition', 'SELECT vatsim.create_day_partition(''vatsim.positions'', ''2030-01-01'')', false),
    ('ensure_partitions', 'SELECT vatsim.ensure_partitions(''3 days'')', false),
    ('drop_partitions', 'SELECT vatsim.drop_partitions(''2030-01-01'')', false),
    ('pack_positions', 'SELECT vatsim.pack_positions(''2030-01-01'', 100)', false),
    ('drop_old_packs', 'SELECT vatsim.drop_old_packs(''2030-01-01'', 100)', false),
    ('run_now', 'SELECT vatsim.run_now(false)', true),
    ('load_sectors', $q$SELECT vatsim.load_sectors('op15', '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}]}')$q$, true),
    ('load_airports', $q$SELECT vatsim.load_airports(E'[Airports]\nYSSY|Sydney|-33.95|151.18|SY|YGUN|0\n')$q$, true),
    ('load_tracked_positions', $q$SELECT vatsim.load_tracked_positions('EDDF_TWR')$q$, true)) AS w(fn, q, operator_may);
SELECT is((SELECT string_agg(format('%s %s: %s', r, w.fn, pg_temp.try_as(r, w.q)), ', ' ORDER BY r, w.fn)
           FROM writers w, unnest(ARRAY['vi15_reader', 'vi15_plain']) r
           WHERE pg_temp.try_as(r, w.q) <> '42501'), NULL,
          'vatsim_reader and the plain role: every writer function refused with 42501');
SELECT is((SELECT string_agg(format('%s: %s', w.fn, pg_temp.try_as('vi15_operator', w.q)), ', ' ORDER BY w.fn)
           FROM writers w WHERE NOT w.operator_may AND pg_temp.try_as('vi15_operator', w.q) <> '42501'), NULL,
          'vatsim_operator: the ingest, ingest_file, summarise_flights, the storage manager and rebuild refused with 42501');
SELECT is((SELECT string_agg(format('%s: %s', w.fn, pg_temp.try_as('vi15_operator', w.q)), ', ' ORDER BY w.fn)
           FROM writers w WHERE w.operator_may AND pg_temp.try_as('vi15_operator', w.q) <> 'ok'), NULL,
          'vatsim_operator: run_now, load_sectors, load_airports and load_tracked_positions work');
SELECT is((SELECT count(*)::int FROM writers), (SELECT count(*)::int FROM expected_functions x
                                                 JOIN ext_functions f ON f.fn = x.fn JOIN pg_proc p ON p.oid = f.oid
                                                 WHERE x.who IN ('operator', 'superuser') AND p.prorettype <> 'trigger'::regtype
                                                    OR x.fn LIKE 'vatsim.summarise_flights%'),
          'every operator and superuser function (but the triggers) was tried');

-- For real, as the operator: the rows are written, by the functions only
SET ROLE vi15_operator;
SELECT is((SELECT sectors FROM vatsim.load_sectors('op15', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "B"},
   "geometry": {"type": "Polygon", "coordinates": [[[10,10],[12,10],[12,12],[10,10]]]}}]}$$)), 1,
          'the operator loads a sector set');
SELECT is(vatsim.load_tracked_positions(E'EDDF_*\n*_CTR'), 2, 'the operator loads tracked positions');
SELECT is((SELECT airports FROM vatsim.load_airports(E'[Airports]\nYSSY|Sydney|-33.95|151.18|SY|YGUN|0\n')), 1,
          'the operator loads airports');
INSERT INTO vatsim.controller_ranges VALUES ('RDR', 'Radar', 150);
SELECT is((SELECT row(type, range_nm)::text FROM vatsim.controller_type('EDDF_N_RDR')), '(Radar,150)',
          'the operator overrides a controller range');
SELECT throws_ok($$INSERT INTO vatsim.controller_ranges VALUES ('R D', 'Radar', -1)$$, '23514', NULL,
                 '... within the table''s checks');
SELECT throws_ok($$INSERT INTO vatsim.sectors (sector_set, sector) VALUES ('op15', 'X')$$, '42501', NULL,
                 'but writes no sector table by hand');
SELECT is((SELECT string_agg(sector, ',') FROM vatsim.sectors_at(1, 1)), 'WEST', 'and reads through sectors_at');
RESET ROLE;
SELECT is((SELECT string_agg(sector_set || '/' || sector, ',' ORDER BY sector_set) FROM vatsim.sectors),
          'grid15/WEST,op15/B', 'the set the operator loaded is there');

-- Every table of the extension, and a daily partition, written by hand:
-- refused with 42501 but the operator's INSERT, UPDATE, DELETE on controller_ranges
CREATE TEMP TABLE dml AS
SELECT c.oid::regclass::text AS rel, o.op,
       CASE o.op WHEN 'INSERT' THEN format('INSERT INTO %s DEFAULT VALUES', c.oid::regclass)
                 WHEN 'UPDATE' THEN format('UPDATE %s SET %I = %I WHERE false', c.oid::regclass, a.attname, a.attname)
                 WHEN 'DELETE' THEN format('DELETE FROM %s WHERE false', c.oid::regclass)
                 ELSE format('TRUNCATE %s', c.oid::regclass) END AS q
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid
     AND a.attnum = (SELECT min(attnum) FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped
                     AND attidentity = '' AND attgenerated = '')
CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) o(op)
WHERE c.relkind IN ('r', 'p')
  AND (c.oid IN (SELECT oid FROM ext_relations)
       OR c.relnamespace = 'vatsim_partitions'::regnamespace);
SELECT ok((SELECT count(DISTINCT rel) FROM dml WHERE rel LIKE 'vatsim_partitions.%') >= 1
          AND (SELECT count(DISTINCT rel) FROM dml) > 35, 'the tables tried include a daily partition');
SELECT is((SELECT string_agg(format('%s %s %s: %s', r, d.op, d.rel, pg_temp.try_as(r, d.q)), ', ' ORDER BY r, d.rel, d.op)
           FROM dml d, unnest(ARRAY['vi15_reader', 'vi15_operator', 'vi15_plain']) r
           WHERE NOT (r = 'vi15_operator' AND d.rel = 'vatsim.controller_ranges' AND d.op <> 'TRUNCATE')
             AND pg_temp.try_as(r, d.q) <> '42501'), NULL,
          'INSERT, UPDATE, DELETE and TRUNCATE of every table and partition by each role: 42501');
SELECT is((SELECT string_agg(format('%s %s', d.op, pg_temp.try_as('vi15_operator', d.q)), ', ' ORDER BY d.op)
           FROM dml d WHERE d.rel = 'vatsim.controller_ranges' AND d.op <> 'TRUNCATE'),
          'DELETE ok, INSERT 23502, UPDATE ok',
          'the operator''s DML on controller_ranges passes the privilege check (the empty INSERT fails its NOT NULL)');
-- the sequences: neither read nor advanced
SELECT is((SELECT string_agg(format('%s %s: %s', r, x.rel, pg_temp.try_as(r, q)), ', ')
           FROM expected_relations x, unnest(ARRAY['vi15_reader', 'vi15_operator', 'vi15_plain']) r,
                unnest(ARRAY[format('SELECT nextval(%L)', x.rel), format('SELECT setval(%L, 1)', x.rel),
                             format('SELECT last_value FROM %s', x.rel)]) q
           WHERE x.rel LIKE '%\_seq' AND pg_temp.try_as(r, q) <> '42501'), NULL,
          'nextval, setval and SELECT of every sequence by each role: 42501');

-- Reading: the readers read, the plain role does not (the cached sector
-- index: tried above, outside this transaction)
SELECT is((SELECT string_agg(format('%s: %s', r, pg_temp.try_as(r, q)), ', ' ORDER BY r, q)
           FROM unnest(ARRAY['vi15_reader', 'vi15_operator']) r,
                unnest(ARRAY['SELECT count(*) FROM vatsim.pilots', 'SELECT * FROM vatsim.sectors_at(1, 1)',
                             'SELECT * FROM vatsim.status', 'SELECT * FROM vatsim.network_status()',
                             'SELECT * FROM vatsim.api_status()', 'SELECT vatsim.flights_geojson()']) q
           WHERE pg_temp.try_as(r, q) <> 'ok'), NULL, 'vatsim_reader and vatsim_operator read tables, views and read functions');
SELECT is((SELECT string_agg(format('%s: %s', q, pg_temp.try_as('vi15_plain', q)), ', ' ORDER BY q)
           FROM unnest(ARRAY['SELECT count(*) FROM vatsim.pilots', 'SELECT * FROM vatsim.sectors_at(1, 1)',
                             'SELECT * FROM vatsim.sectors_at_points(''{1}'', ''{1}'', NULL, NULL)',
                             'SELECT * FROM vatsim.status', 'SELECT * FROM vatsim.worker_status()',
                             'SELECT * FROM vatsim.network_status()', 'SELECT * FROM vatsim.sector_counts()',
                             'SELECT vatsim.flights_geojson()', 'SELECT vatsim.export_sectors(''grid15'')']) q
           WHERE pg_temp.try_as('vi15_plain', q) <> '42501'), NULL,
          'the plain role reads nothing: tables, status, sector lookups, history, GeoJSON: 42501');

SELECT is(:grid_sectors || ' ' || :cached_rows || ' ' || :'sys_cached', '1 1 42501',
          'the plain role gets nothing from the sector index a superuser''s call cached in the backend (42501)');

-- Settings: set_config, SET and ALTER ROLE (own) ... SET of every setting, by
-- each role: 42501 for the superuser ones, 55P02 for those only the server
-- file sets; and none of them changes
CREATE TEMP TABLE guc_tries AS
SELECT s.name, s.context, s.setting, r, f.form,
       pg_temp.try_as(r, CASE f.form
           WHEN 'set_config' THEN format('SELECT pg_catalog.set_config(%L, %L, false)', s.name, s.boot_val)
           WHEN 'SET' THEN format('SET %s = %L', s.name, s.boot_val)
           ELSE format('ALTER ROLE %I SET %s = %L', r, s.name, s.boot_val) END) AS got
FROM pg_settings s, unnest(ARRAY['vi15_reader', 'vi15_operator', 'vi15_plain']) r,
     unnest(ARRAY['set_config', 'SET', 'ALTER ROLE']) f(form)
WHERE s.name LIKE 'vatsim\_ingest.%';
SELECT is((SELECT string_agg(format('%s %s %s (%s): %s', r, form, name, context, got), ', ')
           FROM guc_tries WHERE got <> CASE context WHEN 'superuser' THEN '42501' ELSE '55P02' END), NULL,
          'every vatsim_ingest setting, by each role, three ways: refused (42501 superuser, 55P02 sighup and postmaster)');
SELECT ok((SELECT count(*) FROM guc_tries) >= 3 * 3 * 25 AND (SELECT count(*) FROM pg_db_role_setting s
          JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname LIKE 'vi15\_%') = 0,
          'at least 25 settings tried, and no role-level setting was stored');
SELECT is((SELECT string_agg(g.name, ', ') FROM guc_tries g JOIN pg_settings s USING (name)
           WHERE s.setting IS DISTINCT FROM g.setting), NULL, 'no setting changed');
-- ALTER SYSTEM (tried above, outside the transaction)
SELECT is(:'sys_reader' || ' ' || :'sys_operator' || ' ' || :'sys_plain', '42501 42501 42501',
          'ALTER SYSTEM SET vatsim_ingest.feed_url: 42501 for a member of vatsim_reader, of vatsim_operator, and a plain role');
SELECT is(:auto_conf_after::int, :auto_conf_before::int,
          'ALTER SYSTEM of every vatsim_ingest setting by each of them wrote nothing to postgresql.auto.conf');

-- The feed URL reaches no non-superuser
SELECT isnt((SELECT feed_url FROM vatsim.status), NULL, 'a superuser sees the feed URL in vatsim.status (the worker runs)');
CREATE TEMP TABLE urls AS SELECT current_setting('vatsim_ingest.feed_url') AS feed, current_setting('vatsim_ingest.transceivers_url') AS tx;
GRANT SELECT ON urls TO vi15_reader, vi15_operator;
SELECT is((SELECT string_agg(format('%s: %s', r, pg_temp.try_as(r, q)), ', ' ORDER BY r, q)
           FROM unnest(ARRAY['vi15_reader', 'vi15_operator']) r,
                unnest(ARRAY['SELECT 1 / (SELECT count(*)::int FROM vatsim.status WHERE pid IS NOT NULL AND feed_url IS NULL)',
                             'SELECT 1 / (SELECT count(*)::int FROM vatsim.worker_status() WHERE pid IS NOT NULL AND feed_url IS NULL)']) q
           WHERE pg_temp.try_as(r, q) <> 'ok'), NULL,
          'vatsim.status.feed_url (and worker_status()) is NULL for vatsim_reader and vatsim_operator');
SELECT is((SELECT string_agg(format('%s %s: %s', r, q, pg_temp.try_as(r, q)), ', ' ORDER BY r, q)
           FROM unnest(ARRAY['vi15_reader', 'vi15_operator', 'vi15_plain']) r,
                unnest(ARRAY['SELECT current_setting(''vatsim_ingest.feed_url'')',
                             'SELECT current_setting(''vatsim_ingest.transceivers_url'')',
                             'SHOW vatsim_ingest.feed_url']) q
           WHERE pg_temp.try_as(r, q) <> '42501'), NULL,
          'current_setting and SHOW of the URLs: 42501 for each role');
-- every read function that takes no argument (or only defaults), called by
-- the operator: no URL in its answer
CREATE FUNCTION pg_temp.leaks(f regprocedure) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    EXECUTE (SELECT format('SELECT string_agg(x::text, '' '') FROM %I.%I() x', n.nspname, p.proname)
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = f) INTO t;
    RETURN strpos(coalesce(t, ''), (SELECT feed FROM urls)) > 0 OR strpos(coalesce(t, ''), (SELECT tx FROM urls)) > 0;
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.leaks(regprocedure) TO vi15_operator;
CREATE TEMP TABLE no_arg_readers AS
SELECT f.oid, f.fn FROM ext_functions f JOIN pg_proc p ON p.oid = f.oid
WHERE p.pronargs = p.pronargdefaults AND p.provolatile <> 'v' AND p.prorettype <> 'trigger'::regtype
  AND has_function_privilege('vatsim_operator', f.oid, 'EXECUTE');
GRANT SELECT ON no_arg_readers TO vi15_operator;
SET ROLE vi15_operator;
SELECT is((SELECT string_agg(fn, ', ') FROM no_arg_readers WHERE pg_temp.leaks(oid)), NULL,
          'no read function the operator may call without arguments returns a feed URL');
SELECT cmp_ok((SELECT count(*)::int FROM no_arg_readers), '>=', 15, '(at least 15 of them called)');
SELECT ok((SELECT count(*) FROM pg_settings WHERE name IN ('vatsim_ingest.feed_url', 'vatsim_ingest.transceivers_url')) = 0,
          'pg_settings hides both URLs from the operator');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
