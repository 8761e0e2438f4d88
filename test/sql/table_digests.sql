-- table_digests.sql: pg_temp.table_digests(leave_out) gives, for every table
-- of schema vatsim, its row count and one md5 of its rows (each as text,
-- in text order) with the columns named in leave_out left out.  Two
-- databases that hold the same rows give the same lines.  Used by
-- test/shell/15_replica.sh (a promoted standby against a plain cluster, with
-- the identity columns and wall-clock columns left out).
CREATE FUNCTION pg_temp.table_digests(leave_out name[])
RETURNS TABLE (relname name, n bigint, digest text) LANGUAGE plpgsql AS $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.relname AS rel,
               (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                FROM pg_attribute a
                WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                  AND a.attname <> ALL (leave_out)) AS cols
        FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE s.nspname = 'vatsim' AND c.relkind IN ('r', 'p')
        ORDER BY c.relname
    LOOP
        relname := t.rel;
        EXECUTE format('SELECT count(*), coalesce(md5(string_agg(x::text, E''\n'' ORDER BY x::text)), ''none'') '
                       'FROM (SELECT %s FROM vatsim.%I) x', t.cols, t.rel) INTO n, digest;
        RETURN NEXT;
    END LOOP;
END $$;
