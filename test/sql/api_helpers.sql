-- api_helpers.sql: helpers of the API tests (test/pgtap/13_api*.sql; \i it).
-- pg_temp.walk(sql, limit): runs sql with $1 = after (NULL first) and $2 =
-- limit, and returns the keys of every page in order with the page number.
CREATE FUNCTION pg_temp.walk(q text, lim int) RETURNS TABLE (page int, key text)
LANGUAGE plpgsql AS $$
DECLARE
    after text;
    got text[];
    n int := 0;
BEGIN
    LOOP
        n := n + 1;
        EXECUTE format('SELECT ARRAY(%s)', q) INTO got USING after, lim;
        IF cardinality(got) > 0 THEN
            RETURN QUERY SELECT n, unnest(got);
        END IF;
        EXIT WHEN coalesce(cardinality(got), 0) < lim;
        after := got[cardinality(got)];
    END LOOP;
END $$;

-- pg_temp.try(sql): runs sql, returns ok or the SQLSTATE it failed with.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
