-- Field round trips: every stored value equals the value in the document as
-- PostgreSQL's own JSON parser reads it (an oracle independent of the C
-- parser), for the earliest-schema file, the pretty-printed 2023 file and
-- seq1; plus chosen records checked against hand-read values.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(3 * 6 + 37);

-- Rows of each current table that differ from the document (0 = exact).
CREATE FUNCTION pg_temp.mismatches(doc jsonb, section text) RETURNS bigint
LANGUAGE sql AS $$
WITH pilot_doc AS (
    SELECT p, p->'flight_plan' AS fp FROM jsonb_array_elements(doc->'pilots') p
), ctl_doc AS (
    SELECT c FROM jsonb_array_elements(doc->(CASE section WHEN 'atis' THEN 'atis' ELSE 'controllers' END)) c
), prefile_doc AS (
    SELECT DISTINCT ON (p->>'callsign') p, p->'flight_plan' AS fp
    FROM jsonb_array_elements(doc->'prefiles') p
    ORDER BY p->>'callsign', (p->>'last_updated')::timestamptz DESC
)
SELECT CASE section
WHEN 'pilots' THEN (
    SELECT count(*) FROM pilot_doc d LEFT JOIN vatsim.pilots s ON s.callsign = d.p->>'callsign'
    WHERE (s.cid, s.name, s.server, s.pilot_rating, s.military_rating, s.latitude, s.longitude,
           s.altitude, s.groundspeed, s.transponder, s.heading, s.qnh_i_hg, s.qnh_mb,
           s.logon_time, s.last_updated, s.has_flight_plan)
      IS DISTINCT FROM
          ((d.p->>'cid')::int, d.p->>'name', d.p->>'server', (d.p->>'pilot_rating')::int,
           (d.p->>'military_rating')::int, (d.p->>'latitude')::float8, (d.p->>'longitude')::float8,
           (d.p->>'altitude')::int, (d.p->>'groundspeed')::int, d.p->>'transponder',
           (d.p->>'heading')::int, (d.p->>'qnh_i_hg')::float8, (d.p->>'qnh_mb')::int,
           (d.p->>'logon_time')::timestamptz, (d.p->>'last_updated')::timestamptz,
           jsonb_typeof(d.fp) = 'object'))
WHEN 'pilot_plans' THEN (
    SELECT count(*) FROM pilot_doc d LEFT JOIN vatsim.pilots s ON s.callsign = d.p->>'callsign'
    WHERE (s.plan_flight_rules, s.plan_aircraft, s.plan_aircraft_faa, s.plan_aircraft_short,
           s.plan_departure, s.plan_arrival, s.plan_alternate, s.plan_cruise_tas, s.plan_altitude,
           s.plan_deptime, s.plan_enroute_time, s.plan_fuel_time, s.plan_remarks, s.plan_route,
           s.plan_assigned_transponder, s.plan_revision_id)
      IS DISTINCT FROM
          (d.fp->>'flight_rules', d.fp->>'aircraft', d.fp->>'aircraft_faa', d.fp->>'aircraft_short',
           d.fp->>'departure', d.fp->>'arrival', d.fp->>'alternate', d.fp->>'cruise_tas',
           d.fp->>'altitude', d.fp->>'deptime', d.fp->>'enroute_time', d.fp->>'fuel_time',
           d.fp->>'remarks', d.fp->>'route', d.fp->>'assigned_transponder',
           (d.fp->>'revision_id')::int))
WHEN 'positions' THEN (
    SELECT count(*) FROM pilot_doc d
    LEFT JOIN vatsim.pilots s ON s.callsign = d.p->>'callsign'
    LEFT JOIN vatsim.positions x ON x.flight_id = s.flight_id
         AND x.ts = (doc #>> '{general,update_timestamp}')::timestamptz
    WHERE (x.latitude, x.longitude, x.altitude, x.groundspeed, x.heading, x.transponder,
           x.qnh_i_hg, x.qnh_mb)
      IS DISTINCT FROM
          ((d.p->>'latitude')::float8, (d.p->>'longitude')::float8, (d.p->>'altitude')::int,
           (d.p->>'groundspeed')::int, (d.p->>'heading')::int, d.p->>'transponder',
           (d.p->>'qnh_i_hg')::float8, (d.p->>'qnh_mb')::int))
WHEN 'controllers' THEN (
    SELECT count(*) FROM ctl_doc d LEFT JOIN vatsim.controllers s ON s.callsign = d.c->>'callsign'
    WHERE (s.cid, s.name, s.frequency, s.facility, s.rating, s.server, s.visual_range,
           s.text_atis, s.logon_time, s.last_updated)
      IS DISTINCT FROM
          ((d.c->>'cid')::int, d.c->>'name', d.c->>'frequency', (d.c->>'facility')::int,
           (d.c->>'rating')::int, d.c->>'server', (d.c->>'visual_range')::int,
           CASE WHEN jsonb_typeof(d.c->'text_atis') = 'array'
                THEN ARRAY(SELECT jsonb_array_elements_text(d.c->'text_atis')) END,
           (d.c->>'logon_time')::timestamptz, (d.c->>'last_updated')::timestamptz))
WHEN 'atis' THEN (
    SELECT count(*) FROM ctl_doc d LEFT JOIN vatsim.atis s ON s.callsign = d.c->>'callsign'
    WHERE (s.cid, s.name, s.frequency, s.facility, s.rating, s.server, s.visual_range,
           s.atis_code, s.text_atis, s.logon_time, s.last_updated)
      IS DISTINCT FROM
          ((d.c->>'cid')::int, d.c->>'name', d.c->>'frequency', (d.c->>'facility')::int,
           (d.c->>'rating')::int, d.c->>'server', (d.c->>'visual_range')::int, d.c->>'atis_code',
           CASE WHEN jsonb_typeof(d.c->'text_atis') = 'array'
                THEN ARRAY(SELECT jsonb_array_elements_text(d.c->'text_atis')) END,
           (d.c->>'logon_time')::timestamptz, (d.c->>'last_updated')::timestamptz))
WHEN 'prefiles' THEN (
    SELECT count(*) FROM prefile_doc d LEFT JOIN vatsim.prefiles s ON s.callsign = d.p->>'callsign'
    WHERE (s.cid, s.name, s.last_updated, s.plan_route, s.plan_remarks, s.plan_departure,
           s.plan_arrival, s.plan_aircraft_faa, s.plan_revision_id)
      IS DISTINCT FROM
          ((d.p->>'cid')::int, d.p->>'name', (d.p->>'last_updated')::timestamptz,
           d.fp->>'route', d.fp->>'remarks', d.fp->>'departure', d.fp->>'arrival',
           d.fp->>'aircraft_faa', (d.fp->>'revision_id')::int))
END $$;

CREATE FUNCTION pg_temp.roundtrip(dir text, f text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    doc jsonb := pg_read_file(dir || '/' || f)::jsonb;
    s text;
BEGIN
    PERFORM vatsim.ingest_file(dir || '/' || f);
    FOREACH s IN ARRAY ARRAY['pilots', 'pilot_plans', 'positions', 'controllers', 'atis', 'prefiles'] LOOP
        -- a subquery, not a simple expression: a SQL function's plans would
        -- live for the transaction, blind to the day partitions made since
        RETURN NEXT is((SELECT pg_temp.mismatches(doc, s)), 0::bigint, f || ': every ' || s || ' value as in the document');
    END LOOP;
END $$;

SELECT * FROM pg_temp.roundtrip(:'fixtures', 'v3-2020-12-03T1423Z-736p-earliest-schema.json');
-- the earliest schema lacks these keys: stored as NULL, not invented
SELECT is((SELECT count(*)::int FROM vatsim.pilots WHERE plan_aircraft_faa IS NOT NULL
           OR plan_revision_id IS NOT NULL OR plan_assigned_transponder IS NOT NULL
           OR military_rating IS NOT NULL), 0, 'earliest schema: missing keys are NULL');
SELECT is((SELECT count(*)::int FROM vatsim.servers WHERE client_connections_allowed IS NULL
           AND is_sweatbox IS NULL), 7, 'earliest schema: server flags NULL');
-- the duplicate prefile keeps the newest of its four records
SELECT is((SELECT last_updated FROM vatsim.prefiles WHERE callsign = 'EZY890'),
          '2020-12-03T14:09:47.0167965Z'::timestamptz, 'duplicate prefile: newest record kept');

SELECT * FROM pg_temp.roundtrip(:'fixtures', 'v3-2023-07-31T1925Z-1442p.json');
SELECT * FROM pg_temp.roundtrip(:'fixtures', 'v3-2023-08-07T232929Z-754p-seq1.json');

-- Chosen records of seq1, values read by hand from the file
SELECT is((SELECT cid FROM vatsim.pilots WHERE callsign = 'AAL1438'), 9000307, 'AAL1438 cid');
SELECT is((SELECT latitude FROM vatsim.pilots WHERE callsign = 'AAL1438'), 35.87588::float8, 'AAL1438 latitude');
SELECT is((SELECT longitude FROM vatsim.pilots WHERE callsign = 'AAL1438'), -78.79614::float8, 'AAL1438 longitude');
SELECT is((SELECT altitude FROM vatsim.pilots WHERE callsign = 'AAL1438'), 389, 'AAL1438 altitude');
SELECT is((SELECT heading FROM vatsim.pilots WHERE callsign = 'AAL1438'), 139, 'AAL1438 heading');
SELECT is((SELECT transponder FROM vatsim.pilots WHERE callsign = 'AAL1438'), '3406', 'AAL1438 transponder');
SELECT is((SELECT qnh_i_hg FROM vatsim.pilots WHERE callsign = 'AAL1438'), 29.85::float8, 'AAL1438 qnh_i_hg');
SELECT is((SELECT plan_departure || '-' || plan_arrival FROM vatsim.pilots WHERE callsign = 'AAL1438'), 'KCMH-KRDU', 'AAL1438 route ends');
SELECT is((SELECT plan_revision_id FROM vatsim.pilots WHERE callsign = 'AAL1438'), 10, 'AAL1438 revision_id');
SELECT is((SELECT logon_time FROM vatsim.pilots WHERE callsign = 'AAL1438'),
          '2023-08-06 23:39:06.759602+00'::timestamptz, 'AAL1438 logon_time: 7 fraction digits rounded to microseconds');
SELECT is((SELECT last_updated FROM vatsim.pilots WHERE callsign = 'AAL1438'),
          '2023-08-07 23:29:25.620499+00'::timestamptz, 'AAL1438 last_updated');
SELECT is((SELECT latitude || ',' || longitude FROM vatsim.pilots WHERE callsign = 'ANZ908'), '-37.0072,174.77554', 'ANZ908 position');
SELECT is((SELECT qnh_i_hg FROM vatsim.pilots WHERE callsign = 'ANZ908'), 30.0::float8, 'ANZ908 qnh_i_hg');
SELECT is((SELECT plan_departure || '-' || plan_arrival FROM vatsim.pilots WHERE callsign = 'ANZ908'), 'NTAA-NZAA', 'ANZ908 route ends');
SELECT is((SELECT logon_time FROM vatsim.pilots WHERE callsign = 'ANZ908'),
          '2023-08-07 16:14:25.491325+00'::timestamptz, 'ANZ908 logon_time: 6 fraction digits exact');
SELECT is((SELECT has_flight_plan FROM vatsim.pilots WHERE callsign = 'N6969S'), false, 'N6969S: null flight plan');
SELECT is((SELECT num_nulls(plan_flight_rules, plan_aircraft, plan_departure, plan_arrival, plan_route, plan_revision_id)
           FROM vatsim.pilots WHERE callsign = 'N6969S'), 6, 'N6969S: plan columns NULL');
SELECT is((SELECT departure IS NULL AND arrival IS NULL AND aircraft IS NULL FROM vatsim.flights f
           JOIN vatsim.pilots p USING (flight_id) WHERE p.callsign = 'N6969S'), true, 'N6969S: flight without plan');
SELECT is((SELECT f.departure || '-' || f.arrival FROM vatsim.flights f
           JOIN vatsim.pilots p USING (flight_id) WHERE p.callsign = 'AAL1438'), 'KCMH-KRDU', 'AAL1438: flight row');
SELECT is((SELECT frequency FROM vatsim.controllers WHERE callsign = 'WMKK_APP'), '124.200', 'WMKK_APP frequency kept as text');
SELECT is((SELECT facility || '/' || rating || '/' || visual_range FROM vatsim.controllers WHERE callsign = 'WMKK_APP'), '5/4/150', 'WMKK_APP facility, rating, range');
SELECT is((SELECT cardinality(text_atis) FROM vatsim.controllers WHERE callsign = 'WMKK_APP'), 3, 'WMKK_APP text_atis lines');
SELECT is((SELECT text_atis[1] FROM vatsim.controllers WHERE callsign = 'WMKK_APP'), 'Callsign ''Lumpur Radar''', 'WMKK_APP first line');
SELECT is((SELECT atis_code FROM vatsim.atis WHERE callsign = 'WMKM_ATIS'), 'I', 'WMKM_ATIS code');
SELECT is((SELECT cardinality(text_atis) FROM vatsim.atis WHERE callsign = 'WMKM_ATIS'), 7, 'WMKM_ATIS lines');
SELECT is((SELECT text_atis[1] FROM vatsim.atis WHERE callsign = 'WMKM_ATIS'),
          'THIS IS MALACCA INFORMATION I AT TIME 2300Z. RUNWAY IN USE ZERO', 'WMKM_ATIS first line');
SELECT is((SELECT count(*)::int FROM vatsim.controllers WHERE text_atis IS NULL), 41, 'controllers with null text_atis stay NULL');
SELECT is((SELECT count(*)::int FROM vatsim.atis WHERE atis_code IS NULL), 1, 'ATIS with null code stays NULL');
SELECT is((SELECT count(*)::int FROM vatsim.pilots WHERE NOT has_flight_plan), 51, 'pilots with null flight plan');
SELECT is((SELECT count(*)::int FROM vatsim.pilots WHERE heading = 360), (SELECT count(*)::int FROM jsonb_array_elements(pg_read_file(:'fixtures' || '/v3-2023-08-07T232929Z-754p-seq1.json')::jsonb->'pilots') p WHERE (p->>'heading')::int = 360), 'heading 360 kept');
SELECT is((SELECT count(*)::int FROM vatsim.pilots WHERE altitude < 0), (SELECT count(*)::int FROM jsonb_array_elements(pg_read_file(:'fixtures' || '/v3-2023-08-07T232929Z-754p-seq1.json')::jsonb->'pilots') p WHERE (p->>'altitude')::int < 0), 'negative altitudes kept');
SELECT is((SELECT count(*)::int FROM vatsim.military_ratings), 5, 'military ratings stored');
SELECT is((SELECT short_name FROM vatsim.pilot_ratings WHERE id = 15), 'ATPL', 'pilot rating 15 is ATPL');
SELECT is((SELECT short FROM vatsim.facilities WHERE id = 6), 'CTR', 'facility 6 is CTR');

SELECT * FROM finish();
ROLLBACK;
