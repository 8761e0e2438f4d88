-- role_refused.sql: pg_temp.role_refused(role, what) tries CREATE EXTENSION
-- while a role named role (vatsim_reader, vatsim_operator) exists that is
-- not the extension's own, and returns two pgTAP results: refused with 42710
-- and the role named, then that nothing was installed (or granted).
-- Used by 11_reader_role.sql and 15_roles.sql.
CREATE FUNCTION pg_temp.role_refused(role text, what text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEXT throws_ok('CREATE EXTENSION vatsim_ingest', '42710',
                          format('role "%s" exists and is not the %s role of extension vatsim_ingest',
                                 role, replace(role, 'vatsim_', '')),
                          'CREATE EXTENSION refuses ' || what);
    RETURN NEXT ok(NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vatsim_ingest')
                   AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                   WHERE n.nspname = 'vatsim'),
                   '... and installs (and grants) nothing');
END $$;
