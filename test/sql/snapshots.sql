-- snapshots.sql: synthetic feed snapshots for the occupancy and history
-- tests (\i by test/pgtap/08_occupancy.sql and 09_history.sql).
--   pg_temp.t(seconds)             the snapshot time: 2024-01-01 01:00 UTC + seconds
--   pg_temp.p(callsign, lat, lon, gs [, alt])   a pilot record (cid from the callsign)
--   pg_temp.snap(seconds, pilots...)            ingest a snapshot of those pilots at t(seconds)
--   pg_temp.snap_status(seconds, pilots...)     the same, only its status
CREATE FUNCTION pg_temp.t(seconds int) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT timestamptz '2024-01-01 01:00:00+00' + seconds * interval '1 s'
$$;
CREATE FUNCTION pg_temp.p(callsign text, lat float8, lon float8, gs int, alt int DEFAULT 30000)
RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('cid', 1000000 + abs(hashtext(callsign)) % 1000000, 'callsign', callsign,
                              'latitude', lat, 'longitude', lon, 'altitude', alt, 'groundspeed', gs,
                              'heading', 90, 'transponder', '2000', 'flight_plan', NULL,
                              'logon_time', '2024-01-01T00:00:00Z')
$$;
CREATE FUNCTION pg_temp.snap(seconds int, VARIADIC pilots jsonb[] DEFAULT '{}') RETURNS vatsim.ingest_result LANGUAGE sql AS $$
    SELECT vatsim.ingest(jsonb_build_object(
        'general', jsonb_build_object('version', 3, 'update_timestamp',
                   to_char(pg_temp.t(seconds) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
        'pilots', to_jsonb(pilots), 'controllers', '[]'::jsonb, 'atis', '[]'::jsonb,
        'prefiles', '[]'::jsonb, 'servers', '[]'::jsonb)::text)
$$;
CREATE FUNCTION pg_temp.snap_status(seconds int, VARIADIC pilots jsonb[] DEFAULT '{}') RETURNS text LANGUAGE sql AS $$
    SELECT (pg_temp.snap(seconds, VARIADIC pilots)).status
$$;
