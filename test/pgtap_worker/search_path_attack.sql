-- The attack of issue 10, item 1, against the real worker: a role with
-- nothing but CREATE on schema public of the worker's database plants
-- operators there (text[] = text[], which beats pg_catalog's anyarray =
-- anyarray by exact type, and = for int4, text, timestamptz and bool), each
-- recording its calls in a table of its own, and the database owner puts
-- public ahead of pg_catalog (ALTER DATABASE ... SET search_path).  The
-- restarted worker then stores seq1 -> seq2 -> seq3, so current-state rows
-- (ATIS text included) exist and are compared with the new ones.  The
-- planted operators must never run in the worker, a superuser.
--
-- Runs in database "postgres" (the worker's), outside a transaction, and
-- leaves it as it found it: no extension, no settings, no attacker.
\getenv server FEED_SERVER_URL
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS vatsim_ingest;
CREATE EXTENSION vatsim_ingest;
SELECT plan(12);

\i test/sql/worker_helpers.sql

-- 1. The attacker: no privilege but CREATE on schema public
CREATE ROLE vi_attacker NOLOGIN;
GRANT CREATE ON SCHEMA public TO vi_attacker;
SET ROLE vi_attacker;
CREATE TABLE public.vi_attacker_calls (
    at timestamptz DEFAULT pg_catalog.clock_timestamp(),
    who name DEFAULT CURRENT_USER,
    backend_type text,
    what text);
GRANT INSERT ON public.vi_attacker_calls TO PUBLIC;
DO $do$
DECLARE
    t text;
    n int := 0;
BEGIN
    FOREACH t IN ARRAY ARRAY['text[]', 'int4', 'text', 'timestamptz', 'bool', 'int8', 'float8'] LOOP
        n := n + 1;
        EXECUTE format($f$
            CREATE FUNCTION public.vi_attacker_eq%s(a %s, b %s) RETURNS boolean
            LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog AS $b$
            BEGIN
                INSERT INTO public.vi_attacker_calls (backend_type, what)
                SELECT backend_type, %L FROM pg_stat_activity WHERE pid = pg_backend_pid();
                RETURN a = b;
            END $b$$f$, n, t, t, t || ' = ' || t);
        EXECUTE format('CREATE OPERATOR public.= (LEFTARG = %s, RIGHTARG = %s, FUNCTION = public.vi_attacker_eq%s)',
                       t, t, n);
    END LOOP;
END $do$;
RESET ROLE;

-- 2. The database owner puts public first; the worker picks it up when it
-- reconnects (the postmaster restarts it 10 s after it exits)
ALTER DATABASE postgres SET search_path = public, pg_catalog;
SELECT pid AS old_pid FROM vatsim.status \gset
SELECT ok(pg_terminate_backend(:old_pid), 'the worker is restarted');
SELECT ok(pg_temp.wait_for(format('SELECT pid IS NOT NULL AND pid <> %s FROM vatsim.status', :old_pid)),
          'it comes back, connecting with search_path = public, pg_catalog');
SELECT ok(pg_temp.wait_for($$SELECT state = 'disabled' FROM vatsim.status$$), 'and waits, paused');

-- 3. seq1 -> seq2 -> seq3 through the worker
ALTER SYSTEM SET vatsim_ingest.interval = '1h';
ALTER SYSTEM SET vatsim_ingest.transceivers_url = '';
\set url :server '/sequence/search_path?names=v3-2023-08-07T232929Z-754p-seq1.json,v3-2023-08-07T232944Z-757p-seq2.json,v3-2023-08-08T000359Z-737p-seq3.json'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
ALTER SYSTEM SET vatsim_ingest.enabled = on;
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for($$SELECT count(*) = 1 FROM vatsim.runs WHERE result = 'ok'$$),
          'seq1 stored by the worker');
SELECT is((SELECT result FROM vatsim.run_now(timeout => '60s')), 'ok', 'seq2 stored: every current-state row compared');
SELECT is((SELECT result FROM vatsim.run_now(timeout => '60s')), 'ok', 'seq3 stored');
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 3, 'three snapshots');
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.atis WHERE text_atis IS NOT NULL), '>', 0,
              'ATIS rows with text_atis (text[]) are stored and were compared');
SELECT is((SELECT string_agg(DISTINCT what || ' in ' || coalesce(backend_type, '?'), ', ')
           FROM public.vi_attacker_calls), NULL,
          'no planted operator ran (in the worker or anywhere else)');

-- 4. Leave the cluster as it was
ALTER SYSTEM RESET vatsim_ingest.enabled;
ALTER SYSTEM RESET vatsim_ingest.feed_url;
ALTER SYSTEM RESET vatsim_ingest.interval;
ALTER SYSTEM RESET vatsim_ingest.transceivers_url;
SELECT pg_reload_conf();
SELECT ok(pg_temp.wait_for($$SELECT state = 'disabled' FROM vatsim.status$$), 'the worker is paused again');
ALTER DATABASE postgres RESET search_path;
DROP OWNED BY vi_attacker;
REVOKE CREATE ON SCHEMA public FROM vi_attacker;
DROP ROLE vi_attacker;
SELECT pid AS old_pid FROM vatsim.status \gset
SELECT ok(pg_terminate_backend(:old_pid), 'the worker is restarted with the database''s own settings');
SELECT ok(pg_temp.wait_for(format($$SELECT pid IS NOT NULL AND pid <> %s AND state = 'disabled' FROM vatsim.status$$, :old_pid)),
          'and is back, paused');
DROP EXTENSION vatsim_ingest;

SELECT * FROM finish();
