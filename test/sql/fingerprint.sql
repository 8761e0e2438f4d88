-- fingerprint.sql: pg_temp.fingerprint() returns one digest of every row of
-- every table in schema vatsim, to prove that a refused document changed
-- nothing.  Included (\i) by sql/bad_input.sql and test/pgtap/05_bad_input.sql.
CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    t text;
    h text;
    acc text := '';
BEGIN
    -- vatsim.runs is the worker's log of attempts, not stored feed data
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'vatsim' AND tablename <> 'runs' ORDER BY 1 LOOP
        EXECUTE format('SELECT md5(coalesce(string_agg(x::text, ''|'' ORDER BY x::text), '''')) FROM vatsim.%I x', t)
            INTO h;
        acc := acc || t || ':' || h || ';';
    END LOOP;
    RETURN md5(acc);
END $$;
