-- worker_helpers.sql: helpers of the tests of the real worker
-- (test/pgtap_worker/*.sql), included with \i.
--
-- pg_temp.wait_for(cond, seconds): polls a condition (bounded), for things
-- that happen in another process.  pg_temp.shown(url): the feed URL as
-- vatsim.status shows it, with "?..." for a query string (the tests' URLs
-- carry no user info).
CREATE FUNCTION pg_temp.wait_for(cond text, seconds float8 DEFAULT 20)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    deadline timestamptz := clock_timestamp() + seconds * interval '1 s';
    res boolean;
BEGIN
    LOOP
        EXECUTE cond INTO res;
        IF res THEN RETURN true; END IF;
        IF clock_timestamp() > deadline THEN RETURN false; END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
END $$;

CREATE FUNCTION pg_temp.shown(url text) RETURNS text LANGUAGE sql
AS $$ SELECT regexp_replace(url, '[?#].*$', '?...') $$;
