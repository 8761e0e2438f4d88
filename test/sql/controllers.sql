-- controllers.sql: handmade controller records and documents for the
-- controller session tests (\i after test/sql/synthetic.sql, whose
-- pg_temp.t() and pg_temp.feed_at() it uses).  pg_temp.c() is one controller
-- record, pg_temp.cdoc(s, controllers...) a whole document at t(s), and
-- pg_temp.csnap(s, controllers...) ingests one and returns its status.

-- One controller record, logged on s seconds after t(0)
CREATE FUNCTION pg_temp.c(callsign text, logon_s int, frequency text DEFAULT '118.500',
                          facility int DEFAULT 4, cid int DEFAULT 900001)
RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('cid', cid, 'name', 'Test Controller', 'callsign', callsign,
                              'frequency', frequency, 'facility', facility, 'rating', 3,
                              'server', 'TEST', 'visual_range', 50, 'text_atis', NULL,
                              'last_updated', to_char(pg_temp.t(logon_s) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                              'logon_time', to_char(pg_temp.t(logon_s) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
$$;
-- A document at t(s) with these controllers (and no pilots)
CREATE FUNCTION pg_temp.cdoc(seconds int, VARIADIC controllers jsonb[] DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_set(pg_temp.feed_at(pg_temp.t(seconds))::jsonb, '{controllers}', to_jsonb(controllers))::text
$$;
-- Ingest one; returns its status
CREATE FUNCTION pg_temp.csnap(seconds int, VARIADIC controllers jsonb[] DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
    SELECT (vatsim.ingest(pg_temp.cdoc(seconds, VARIADIC controllers))).status
$$;
