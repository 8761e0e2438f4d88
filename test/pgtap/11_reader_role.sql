-- The reader role (issue 10, item 3): CREATE EXTENSION grants read access
-- to every table to vatsim_reader, so it takes an existing role of that
-- name only when that role is the extension's own: NOLOGIN, no other
-- attribute, a member of no role, and the extension's comment.  A role left
-- behind by DROP EXTENSION is taken back, members and all; any other role
-- of that name makes CREATE EXTENSION fail and grants it nothing.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SET client_min_messages = error;
SELECT plan(12);

-- Start with no role of that name (roles are per cluster: set aside the one
-- other databases use; the transaction rolls back).  vatsim_operator (0.7.0)
-- is a member of the set-aside reader: set it aside too, so that the
-- extension makes its own (test/pgtap/15_roles.sql tests that role).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vatsim_reader') THEN
        ALTER ROLE vatsim_reader RENAME TO vatsim_reader_saved;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vatsim_operator') THEN
        ALTER ROLE vatsim_operator RENAME TO vatsim_operator_saved;
    END IF;
END $$;

\i test/sql/role_refused.sql

-- 1. No role: the extension makes its own
SELECT lives_ok('CREATE EXTENSION vatsim_ingest', 'CREATE EXTENSION with no vatsim_reader');
SELECT is((SELECT shobj_description(oid, 'pg_authid') || ' / ' || rolcanlogin FROM pg_roles
           WHERE rolname = 'vatsim_reader'),
          'Read-only access to the vatsim schema (extension vatsim_ingest) / false',
          'it creates vatsim_reader, NOLOGIN, with its comment');

-- 2. A role left behind by DROP EXTENSION, with a member, is taken back
CREATE ROLE vi_test_analyst IN ROLE vatsim_reader;
DROP EXTENSION vatsim_ingest;
SELECT lives_ok('CREATE EXTENSION vatsim_ingest', 'the role left behind by DROP EXTENSION is taken back');
SELECT ok(has_table_privilege('vi_test_analyst', 'vatsim.pilots', 'SELECT'),
          'and its members read again');
DROP EXTENSION vatsim_ingest;

-- 3. The same role, changed: refused
ALTER ROLE vatsim_reader LOGIN;
SELECT pg_temp.role_refused('vatsim_reader', 'a vatsim_reader that can log in');
ALTER ROLE vatsim_reader NOLOGIN;
ALTER ROLE vatsim_reader CREATEDB;
SELECT pg_temp.role_refused('vatsim_reader', 'a vatsim_reader with CREATEDB');
ALTER ROLE vatsim_reader NOCREATEDB;
GRANT pg_read_server_files TO vatsim_reader;
SELECT pg_temp.role_refused('vatsim_reader', 'a vatsim_reader that is a member of another role');
REVOKE pg_read_server_files FROM vatsim_reader;

-- 4. Someone else's role of that name: refused
ALTER ROLE vatsim_reader RENAME TO vatsim_reader_ours;
CREATE ROLE vatsim_reader NOLOGIN;
SELECT pg_temp.role_refused('vatsim_reader', 'a vatsim_reader without the extension''s comment');

SELECT * FROM finish();
ROLLBACK;
