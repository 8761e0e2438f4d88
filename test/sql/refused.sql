-- refused.sql: pg_temp.refused(sql, state, detail_like, what) runs one
-- statement that must fail and returns two pgTAP results: the SQLSTATE (and
-- the detail, when detail_like is not NULL), then that every table is
-- exactly as before (pg_temp.fingerprint() against the temp table "before",
-- see fingerprint.sql).  Cancels (57014) are caught too, which plain
-- "WHEN OTHERS" and pgTAP's throws_ok would not.
CREATE FUNCTION pg_temp.refused(sql text, state text, detail_like text, what text)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    got_state text;
    got_detail text;
BEGIN
    BEGIN
        EXECUTE sql;
        got_state := 'no error';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS got_state = RETURNED_SQLSTATE, got_detail = PG_EXCEPTION_DETAIL;
    END;
    RETURN NEXT ok(got_state = state AND (detail_like IS NULL OR got_detail LIKE detail_like),
                   what || ': refused with ' || state || ' (got ' || got_state || ': ' || coalesce(got_detail, '') || ')');
    RETURN NEXT is(pg_temp.fingerprint(), (SELECT fp FROM before), what || ': every table unchanged');
END $$;
