-- wait_for.sql: pg_temp.wait_for(cond, seconds) polls a boolean query until
-- it is true or the bound passes (for things that happen in another process,
-- such as the worker).  Included (\i) by the files of test/pgtap_worker/.
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
