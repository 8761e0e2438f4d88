-- A hostile search_path (issue 10, item 1).  Schema "evil" shadows the
-- operators and functions the extension's SQL uses (comparisons and
-- arithmetic on every type it handles, text[] = text[], json -> and ->>,
-- range operators, unnest, count, max, sum, now, ...); each records its
-- calls in evil.calls.  Then, with evil ahead of pg_catalog, the whole
-- surface runs: load_sectors, sectors_at on a stale index (it has no SET
-- clause), three real snapshots through vatsim.ingest and through the C
-- entry point with no SET clause (as the background worker calls it), with
-- occupancy and a region, a hand edit of the sector tables, the history
-- functions, network_status and export_sectors.  No planted object may run.
-- A control first shows the trap catches unqualified SQL.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(11);

CREATE SCHEMA evil;
CREATE TABLE evil.calls (what text);

-- The planted objects compute the right answer (under their own pinned
-- path), so a victim that calls them goes on as if nothing happened.
DO $$
DECLARE
    t text;
    o text;
    a text[];
    n int := 0;
BEGIN
    FOREACH t IN ARRAY ARRAY['int4', 'int8', 'float8', 'numeric', 'text', 'timestamptz',
                             'interval', 'bool', 'text[]', 'int4[]', 'int8[]', 'float8[]',
                             'timestamptz[]', 'bool[]', 'jsonb', 'tstzrange'] LOOP
        FOREACH o IN ARRAY ARRAY['=', '<>', '<', '<=', '>', '>='] LOOP
            n := n + 1;
            EXECUTE format('CREATE FUNCTION evil.f%s(a %s, b %s) RETURNS boolean LANGUAGE plpgsql '
                           'SET search_path = pg_catalog AS $f$BEGIN INSERT INTO evil.calls VALUES (%L); '
                           'RETURN a %s b; END$f$', n, t, t, t || ' ' || o || ' ' || t, o);
            EXECUTE format('CREATE OPERATOR evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = evil.f%s)',
                           o, t, t, n);
        END LOOP;
    END LOOP;
    -- left type, right type, operator, result type
    FOREACH a SLICE 1 IN ARRAY ARRAY[
        ['int4', 'int4', '+', 'int4'], ['int4', 'int4', '-', 'int4'],
        ['int4', 'int4', '*', 'int4'], ['int4', 'int4', '/', 'int4'],
        ['int8', 'int8', '+', 'int8'], ['int8', 'int8', '-', 'int8'],
        ['int8', 'int8', '*', 'int8'], ['int8', 'int8', '/', 'int8'],
        ['int8', 'int4', '+', 'int8'], ['int8', 'int4', '-', 'int8'],
        ['int4', 'int8', '+', 'int8'], ['int4', 'int8', '-', 'int8'],
        ['float8', 'float8', '+', 'float8'], ['float8', 'float8', '-', 'float8'],
        ['float8', 'float8', '*', 'float8'], ['float8', 'float8', '/', 'float8'],
        ['numeric', 'numeric', '+', 'numeric'], ['numeric', 'numeric', '-', 'numeric'],
        ['timestamptz', 'timestamptz', '-', 'interval'],
        ['timestamptz', 'interval', '+', 'timestamptz'],
        ['timestamptz', 'interval', '-', 'timestamptz'],
        ['interval', 'float8', '*', 'interval'], ['float8', 'interval', '*', 'interval'],
        ['text', 'text', '||', 'text'],
        ['int4', 'int4', '=', 'bool'], ['int8', 'int4', '=', 'bool'],
        ['json', 'text', '->', 'json'], ['json', 'text', '->>', 'text'],
        ['json', 'int4', '->', 'json'], ['jsonb', 'text', '->', 'jsonb'],
        ['jsonb', 'text', '->>', 'text'],
        ['tstzrange', 'tstzrange', '&&', 'bool'], ['tstzrange', 'timestamptz', '@>', 'bool']] LOOP
        IF a[1] = a[2] AND a[3] = '=' THEN
            CONTINUE;           -- made above
        END IF;
        n := n + 1;
        EXECUTE format('CREATE FUNCTION evil.f%s(a %s, b %s) RETURNS %s LANGUAGE plpgsql '
                       'SET search_path = pg_catalog AS $f$BEGIN INSERT INTO evil.calls VALUES (%L); '
                       'RETURN a %s b; END$f$', n, a[1], a[2], a[4], a[1] || ' ' || a[3] || ' ' || a[2], a[3]);
        EXECUTE format('CREATE OPERATOR evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = evil.f%s)',
                       a[3], a[1], a[2], n);
    END LOOP;
    -- unnest with an exact array type beats pg_catalog's unnest(anyarray)
    FOREACH t IN ARRAY ARRAY['text', 'int4', 'int8', 'float8', 'timestamptz', 'bool'] LOOP
        EXECUTE format('CREATE FUNCTION evil.unnest(a %s[]) RETURNS SETOF %s LANGUAGE plpgsql '
                       'SET search_path = pg_catalog AS $f$BEGIN INSERT INTO evil.calls VALUES (%L); '
                       'RETURN QUERY SELECT * FROM unnest(a); END$f$', t, t, 'unnest(' || t || '[])');
    END LOOP;
END
$$;

CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('now()'); RETURN now(); END$$;
CREATE FUNCTION evil.lower(s text) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('lower(text)'); RETURN lower(s); END$$;
CREATE FUNCTION evil.date_trunc(f text, t timestamp) RETURNS timestamp LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('date_trunc'); RETURN date_trunc(f, t); END$$;
CREATE FUNCTION evil.timezone(z text, t timestamptz) RETURNS timestamp LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('timezone(text, timestamptz)'); RETURN timezone(z, t); END$$;
CREATE FUNCTION evil.timezone(z text, t timestamp) RETURNS timestamptz LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('timezone(text, timestamp)'); RETURN timezone(z, t); END$$;
CREATE FUNCTION evil.tstzrange(a timestamptz, b timestamptz, c text) RETURNS tstzrange LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('tstzrange'); RETURN tstzrange(a, b, c); END$$;
CREATE FUNCTION evil.json_array_elements(j json) RETURNS SETOF json LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('json_array_elements'); RETURN QUERY SELECT * FROM json_array_elements(j); END$$;
CREATE FUNCTION evil.shobj_description(o oid, c name) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('shobj_description'); RETURN shobj_description(o, c); END$$;
CREATE FUNCTION evil.getdatabaseencoding() RETURNS name LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('getdatabaseencoding'); RETURN getdatabaseencoding(); END$$;
-- aggregates: count(*), count(int8), max(timestamptz), sum(int4), json_agg(json)
CREATE FUNCTION evil.count_sf(s int8) RETURNS int8 LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('count(*)'); RETURN s + 1; END$$;
CREATE AGGREGATE evil.count(*) (SFUNC = evil.count_sf, STYPE = int8, INITCOND = '0');
CREATE FUNCTION evil.count8_sf(s int8, v int8) RETURNS int8 LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('count(int8)'); RETURN s + 1; END$$;
CREATE AGGREGATE evil.count(int8) (SFUNC = evil.count8_sf, STYPE = int8, INITCOND = '0');
CREATE FUNCTION evil.max_sf(s timestamptz, v timestamptz) RETURNS timestamptz LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('max(timestamptz)'); RETURN greatest(s, v); END$$;
CREATE AGGREGATE evil.max(timestamptz) (SFUNC = evil.max_sf, STYPE = timestamptz);
CREATE FUNCTION evil.sum_sf(s int8, v int4) RETURNS int8 LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('sum(int4)'); RETURN coalesce(s, 0) + v; END$$;
CREATE AGGREGATE evil.sum(int4) (SFUNC = evil.sum_sf, STYPE = int8);
CREATE FUNCTION evil.json_agg_sf(s json[], v json) RETURNS json[] LANGUAGE plpgsql SET search_path = pg_catalog
AS $$BEGIN INSERT INTO evil.calls VALUES ('json_agg(json)'); RETURN s || v; END$$;
CREATE FUNCTION evil.json_agg_ff(s json[]) RETURNS json LANGUAGE sql SET search_path = pg_catalog
AS $$SELECT array_to_json(s)$$;
CREATE AGGREGATE evil.json_agg(json) (SFUNC = evil.json_agg_sf, STYPE = json[], FINALFUNC = evil.json_agg_ff);

-- Runs a statement with the planted schema ahead of pg_catalog (results
-- discarded).  The statements below use no operator or function themselves.
CREATE FUNCTION pg_temp.under_evil(sql text) RETURNS void LANGUAGE plpgsql
SET search_path = evil, pg_catalog AS $$BEGIN EXECUTE sql; END$$;
CREATE FUNCTION pg_temp.under_evil_public(sql text) RETURNS void LANGUAGE plpgsql
SET search_path = evil, public AS $$BEGIN EXECUTE sql; END$$;

-- The worker calls the ingest path directly, with no SET clause between it
-- and whatever search_path its session has: this entry point does the same.
CREATE FUNCTION pg_temp.ingest_as_worker(text) RETURNS vatsim.ingest_result
AS '$libdir/vatsim_ingest', 'vatsim_ingest_text' LANGUAGE C STRICT;

CREATE TEMP TABLE docs AS
SELECT pg_read_file(:'fixtures' || '/v3-2023-08-07T232929Z-754p-seq1.json') AS seq1,
       pg_read_file(:'fixtures' || '/v3-2023-08-07T232944Z-757p-seq2.json') AS seq2,
       pg_read_file(:'fixtures' || '/v3-2023-08-08T000359Z-737p-seq3.json') AS seq3,
       pg_read_file(:'fixtures' || '/vatspy/Boundaries.geojson') AS vatspy;

-- 0. The trap works: unqualified SQL under this path runs planted objects
SELECT pg_temp.under_evil($$SELECT ARRAY['a']::pg_catalog.text[] = ARRAY['a']::pg_catalog.text[]$$);
SELECT pg_temp.under_evil($$SELECT (1::pg_catalog.int8) - 1$$);
SELECT is((SELECT string_agg(DISTINCT what, ', ') FROM evil.calls), 'int8 - int4, text[] = text[]',
          'control: unqualified operators resolve to the planted ones under this search_path');
TRUNCATE evil.calls;

-- 1. Loading, then a lookup on the stale index (rebuilt under the caller's path)
SELECT lives_ok($$SELECT pg_temp.under_evil('SELECT vatsim.load_sectors(''vatspy'', vatspy, ''id'') FROM pg_temp.docs')$$,
                'load_sectors under a hostile search_path');
SELECT lives_ok($$SELECT pg_temp.under_evil('SELECT vatsim.sectors_at(51.47, -0.45)')$$,
                'sectors_at rebuilding its index under a hostile search_path');

-- 2. Three real snapshots: through the worker's entry point and through
-- vatsim.ingest, with occupancy tracking every set and a region
SET vatsim_ingest.region = 'vatspy';
SELECT lives_ok($$SELECT pg_temp.under_evil('SELECT pg_temp.ingest_as_worker(seq1) FROM pg_temp.docs')$$,
                'seq1 through the worker''s entry point');
SELECT lives_ok($$SELECT pg_temp.under_evil('SELECT vatsim.ingest(seq2) FROM pg_temp.docs')$$,
                'seq2 through vatsim.ingest');
SELECT lives_ok($$SELECT pg_temp.under_evil('SELECT pg_temp.ingest_as_worker(seq3) FROM pg_temp.docs')$$,
                'seq3 through the worker''s entry point (rows compared with stored ones)');
RESET vatsim_ingest.region;

-- 3. A hand edit (the index goes stale again), lookups, the read functions
SELECT lives_ok($$SELECT pg_temp.under_evil($q$
    UPDATE vatsim.sector_sets SET repairs = repairs;
    SELECT vatsim.sectors_at(-33.95, 151.18, 3000, 'vatspy');
    SELECT vatsim.sector_history('QFA1');
    SELECT vatsim.sector_history(1);
    SELECT vatsim.sector_traffic('EGTT', '2023-08-07 00:00+00', '2023-08-09 00:00+00');
    SELECT vatsim.sector_counts();
    SELECT vatsim.sector_counts('2023-08-07 23:30:00+00', 'vatspy');
    SELECT vatsim.sector_transitions('2023-08-07 00:00+00', '2023-08-09 00:00+00');
    SELECT vatsim.network_status();
    SELECT vatsim.export_sectors('vatspy');
$q$)$$, 'a hand edit, sectors_at, the history functions, network_status, export_sectors');
SELECT lives_ok($$SELECT pg_temp.under_evil_public($q$
    UPDATE vatsim.sector_sets SET repairs = repairs;
    SELECT vatsim.sectors_at(51.47, -0.45);
    SELECT vatsim.network_status();
$q$)$$, 'and with search_path = evil, public (pg_catalog implicitly first)');

-- 4. Everything ran, and nothing planted did
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 3, 'the three snapshots are stored');
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.sector_occupancy), '>', 100,
              'occupancy ran (intervals opened in VATSpy sectors)');
SELECT is((SELECT string_agg(DISTINCT what, ', ') FROM evil.calls), NULL,
          'no planted operator or function ran');

SELECT * FROM finish();
ROLLBACK;
