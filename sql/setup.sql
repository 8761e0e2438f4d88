--
-- setup: the extension installs cleanly, documents itself and its settings.
--
CREATE EXTENSION vatsim_ingest;
SELECT extname, extversion, extrelocatable, n.nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE extname = 'vatsim_ingest';

-- every table, column and function carries a comment
SELECT c.relname AS table_without_comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'vatsim' AND c.relkind IN ('r', 'p') AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT c.relname, a.attname AS column_without_comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = 'vatsim' AND c.relkind IN ('r', 'p') AND col_description(c.oid, a.attnum) IS NULL;
SELECT p.proname AS function_without_comment
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'vatsim' AND obj_description(p.oid, 'pg_proc') IS NULL;
SELECT c.relname AS table, obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'vatsim' AND c.relkind IN ('r', 'p') ORDER BY 1;

-- settings, with their defaults and units
SELECT name, boot_val AS default, unit, context, vartype
FROM pg_settings WHERE name LIKE 'vatsim_ingest.%' ORDER BY name;
-- the prefix is reserved: a misspelt setting is refused
SET vatsim_ingest.reconect_grace = '5min';
SET vatsim_ingest.reconnect_grace = '-1';
SET vatsim_ingest.reconnect_grace = '90s';
SHOW vatsim_ingest.reconnect_grace;
RESET vatsim_ingest.reconnect_grace;

-- nobody but the owner may ingest
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'vatsim' ORDER BY 1;

-- a reinstall from scratch works (no objects left behind)
DROP EXTENSION vatsim_ingest;
SELECT count(*) AS objects_left FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'vatsim';
CREATE EXTENSION vatsim_ingest;

-- an installed 0.1.0 updates to 0.2.0 in place (a fresh install runs the same
-- two scripts, so the object lists must match; this guards the update path)
CREATE TEMP TABLE fresh AS
SELECT pg_describe_object(classid, objid, objsubid) AS object
FROM pg_depend WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'vatsim_ingest') AND deptype = 'e'
UNION ALL
SELECT format('%s.%s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod))
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'vatsim' AND a.attnum > 0 AND NOT a.attisdropped;
DROP EXTENSION vatsim_ingest;
CREATE EXTENSION vatsim_ingest VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'vatsim_ingest';
-- a library newer than the installed objects says so instead of failing oddly
SELECT vatsim.ingest('{"general": {"update_timestamp": "2024-01-01T00:00:00Z"}, "pilots": [], "controllers": [], "atis": [], "prefiles": [], "servers": []}');
ALTER EXTENSION vatsim_ingest UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'vatsim_ingest';
CREATE TEMP TABLE upgraded AS
SELECT pg_describe_object(classid, objid, objsubid) AS object
FROM pg_depend WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'vatsim_ingest') AND deptype = 'e'
UNION ALL
SELECT format('%s.%s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod))
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'vatsim' AND a.attnum > 0 AND NOT a.attisdropped;
SELECT count(*) AS objects, count(*) FILTER (WHERE object NOT IN (SELECT object FROM upgraded)) AS missing_after_upgrade
FROM fresh;
SELECT count(*) AS extra_after_upgrade FROM upgraded WHERE object NOT IN (SELECT object FROM fresh);
