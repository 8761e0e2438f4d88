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

-- pg_temp.plant_spies(): schema evil with one spy per comparison operator
-- of pg_catalog on the types the API compares, same name and argument
-- types, so that it wins whenever evil comes first in search_path; each
-- call is recorded in evil.calls.
CREATE FUNCTION pg_temp.plant_spies() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    op record;
BEGIN
    CREATE SCHEMA evil;
    CREATE TABLE evil.calls (what text);
    FOR op IN SELECT row_number() OVER () AS n, o.oprname AS name, o.oprleft::regtype::text AS typ
              FROM pg_operator o
              WHERE o.oprnamespace = 'pg_catalog'::regnamespace AND o.oprleft = o.oprright
                AND o.oprname IN ('=', '<>', '<', '<=', '>', '>=')
                AND o.oprleft IN ('int4'::regtype, 'int8'::regtype, 'float8'::regtype, 'text'::regtype,
                                  'timestamptz'::regtype, 'interval'::regtype, 'bool'::regtype) LOOP
        EXECUTE format($f$CREATE FUNCTION evil.spy%1$s(a %2$s, b %2$s) RETURNS boolean LANGUAGE plpgsql
                          SET search_path = pg_catalog
                          AS $b$BEGIN INSERT INTO evil.calls VALUES (%3$L); RETURN a %4$s b; END$b$;
                          CREATE OPERATOR evil.%4$s (LEFTARG = %2$s, RIGHTARG = %2$s, FUNCTION = evil.spy%1$s)$f$,
                       op.n, op.typ, op.typ || ' ' || op.name, op.name);
    END LOOP;
END $$;
