-- synthetic.sql: handmade snapshots for the pgTAP tests (\i after
-- CREATE EXTENSION).  pg_temp.p() is one pilot record, pg_temp.feed_at() a
-- whole document at any time, pg_temp.t(s) the time s seconds after the
-- base 2024-01-01 01:00 UTC, and pg_temp.snap(s, pilots...) ingests a
-- document at t(s) and returns what vatsim.ingest returned.
CREATE FUNCTION pg_temp.t(seconds int) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT timestamptz '2024-01-01 01:00:00+00' + seconds * interval '1 s'
$$;
-- cid from the callsign: one pilot per callsign, stable across snapshots
CREATE FUNCTION pg_temp.p(callsign text, lat float8, lon float8, gs int, alt int DEFAULT 30000)
RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('cid', 1000000 + (hashtext(callsign) & 4194303), 'callsign', callsign,
                              'latitude', lat, 'longitude', lon, 'altitude', alt, 'groundspeed', gs,
                              'heading', 90, 'transponder', '2000', 'flight_plan', NULL,
                              'logon_time', '2024-01-01T00:00:00Z')
$$;
CREATE FUNCTION pg_temp.feed_at(ts timestamptz, VARIADIC pilots jsonb[] DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'general', jsonb_build_object('version', 3, 'update_timestamp',
                   to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
        'pilots', to_jsonb(pilots), 'controllers', '[]'::jsonb, 'atis', '[]'::jsonb,
        'prefiles', '[]'::jsonb, 'servers', '[]'::jsonb)::text
$$;
CREATE FUNCTION pg_temp.snap(seconds int, VARIADIC pilots jsonb[] DEFAULT '{}') RETURNS vatsim.ingest_result
LANGUAGE sql AS $$
    SELECT vatsim.ingest(pg_temp.feed_at(pg_temp.t(seconds), VARIADIC pilots))
$$;
