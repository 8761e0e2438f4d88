-- The filters of the replaced system, each off by default: tracked
-- controller positions (exact callsigns and * patterns, '_' literal, empty =
-- all, the loader with comments, blank lines and a bad line) and
-- vatsim_ingest.require_flight_plan (a pilot without a filed departure and
-- arrival gets no flight but stays in vatsim.pilots).
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(24);

\i test/sql/synthetic.sql
\i test/sql/controllers.sql
-- the callsigns with a session, in order
CREATE FUNCTION pg_temp.sessions() RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(DISTINCT callsign, ' ' ORDER BY callsign), '') FROM vatsim.controller_sessions
$$;

-- the detail of a refused list
CREATE FUNCTION pg_temp.load_error(list text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    d text;
BEGIN
    PERFORM vatsim.load_tracked_positions(list);
    RETURN 'loaded';
EXCEPTION WHEN invalid_parameter_value THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d;
END $$;

-- tracked positions
SELECT is((SELECT count(*)::int FROM vatsim.tracked_positions), 0, 'tracked_positions is empty by default');
SELECT is(pg_temp.csnap(0, pg_temp.c('EDDF_TWR', 0, cid => 1), pg_temp.c('EDDF_GND', 0, cid => 2)), 'ingested', 'a snapshot');
SELECT is(pg_temp.sessions(), 'EDDF_GND EDDF_TWR', 'empty: every position gets a session');

SELECT is(vatsim.load_tracked_positions(E'# positions we track\n  eddf_twr   # the tower\n\nEDDM_*_APP\r\n*_CTR\nEDDF_TWR\n#EDDF_GND\n'),
          3, 'the loader: comments, blanks and blank lines ignored, upper-cased, a repeated line once');
SELECT results_eq($$SELECT pattern FROM vatsim.tracked_positions ORDER BY pattern$$,
                  $$VALUES ('*_CTR'), ('EDDF_TWR'), ('EDDM_*_APP')$$, 'the loaded patterns');
SELECT throws_ok($$SELECT vatsim.load_tracked_positions(E'EDDF_TWR\nEDDF TWR\n')$$, '22023',
                 'cannot load tracked positions', 'a line with a blank inside refuses the text');
SELECT throws_ok($$SELECT vatsim.load_tracked_positions(E'EDDF_TWR\n\n%_CTR\n')$$, '22023',
                 'cannot load tracked positions', 'a LIKE wildcard is not a pattern character');
SELECT is((SELECT count(*)::int FROM vatsim.tracked_positions), 3, 'a refused text leaves the rows as they were');
SELECT is(pg_temp.load_error(E'EDDF_TWR\n\n  EDDF TWR # x\n'),
          'Line 3: "EDDF TWR" is not a callsign or pattern (letters, digits, _, - and *, at most 24).',
          'the error names the line and what is on it');

DELETE FROM vatsim.controller_sessions;
SELECT is(pg_temp.csnap(15,
    pg_temp.c('EDDF_TWR', 15, cid => 1), pg_temp.c('EDDF_GND', 15, cid => 2),
    pg_temp.c('EDDM_N_APP', 15, cid => 3), pg_temp.c('EDDM__APP', 15, cid => 4),
    pg_temp.c('EDDM_APP', 15, cid => 5), pg_temp.c('EDGG_CTR', 15, cid => 6),
    pg_temp.c('EDGGXCTR', 15, cid => 7), pg_temp.c('EDDF_TWR2', 15, cid => 8)), 'ingested', 'a snapshot with the list loaded');
SELECT is(pg_temp.sessions(), 'EDDF_TWR EDDM_N_APP EDDM__APP EDGG_CTR',
          'exact EDDF_TWR (not EDDF_TWR2), EDDM_*_APP (* may be empty: EDDM__APP; not EDDM_APP), *_CTR (not EDGGXCTR: _ is literal)');
SELECT is((SELECT count(*)::int FROM vatsim.controllers), 8, 'vatsim.controllers keeps every controller');

SELECT is(vatsim.load_tracked_positions(E'# nothing\n'), 0, 'an empty list loads no row');
SELECT is(pg_temp.csnap(30, pg_temp.c('EDDF_GND', 15, cid => 2)), 'ingested', 'a snapshot with the empty list');
SELECT is(pg_temp.sessions(), 'EDDF_GND EDDF_TWR EDDM_N_APP EDDM__APP EDGG_CTR', 'empty again: every position tracked');
SELECT ok(NOT has_function_privilege('vatsim_reader', 'vatsim.load_tracked_positions(text)', 'EXECUTE')
          AND has_table_privilege('vatsim_reader', 'vatsim.tracked_positions', 'SELECT'),
          'the loader is not granted to readers; the table is readable');

-- require_flight_plan
CREATE FUNCTION pg_temp.fp(callsign text, dep text, arr text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT pg_temp.p(callsign, 10, 10, 200) || jsonb_build_object('flight_plan', jsonb_build_object(
        'flight_rules', 'I', 'aircraft', 'A320/M-SDG/C', 'aircraft_faa', 'A320/L', 'aircraft_short', 'A320',
        'departure', dep, 'arrival', arr, 'alternate', '', 'cruise_tas', '450', 'altitude', '35000',
        'deptime', '1200', 'enroute_time', '0100', 'fuel_time', '0200', 'remarks', '', 'route', 'DCT',
        'revision_id', 1, 'assigned_transponder', '0000'))
$$;
SELECT is(current_setting('vatsim_ingest.require_flight_plan'), 'off', 'require_flight_plan is off by default');
SELECT is((pg_temp.snap(45, pg_temp.fp('FULL1', 'EDDF', 'EDDM'), pg_temp.fp('NOARR1', 'EDDF', ''),
                        pg_temp.p('NOPLAN1', 10, 10, 200))).status, 'ingested', 'a snapshot, the filter off');
SELECT is((SELECT positions FROM vatsim.snapshots WHERE update_timestamp = pg_temp.t(45)), 3,
          'off: every pilot has a position');
SELECT is((SELECT count(*)::int FROM vatsim.pilots WHERE flight_id IS NOT NULL), 3, 'off: every pilot has a flight');

SET LOCAL vatsim_ingest.require_flight_plan = on;
SELECT is((pg_temp.snap(60, pg_temp.fp('FULL2', 'EDDF', 'EDDM'), pg_temp.fp('NOARR2', 'EDDF', ''),
                        pg_temp.fp('NODEP2', '  ', 'EDDM'), pg_temp.p('NOPLAN2', 10, 10, 200))).status,
          'ingested', 'a snapshot, the filter on');
SELECT is((SELECT positions FROM vatsim.snapshots WHERE update_timestamp = pg_temp.t(60)), 1,
          'on: one position, for the pilot with departure and arrival');
SELECT results_eq($$SELECT callsign::text, flight_id IS NOT NULL FROM vatsim.pilots ORDER BY callsign$$,
                  $$VALUES ('FULL2', true), ('NOARR2', false), ('NODEP2', false), ('NOPLAN2', false)$$,
                  'on: every pilot is in vatsim.pilots; only FULL2 has a flight (no arrival, a blank departure, no plan: none)');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE callsign LIKE '%2'), 1, 'on: no flight row for the others');
RESET vatsim_ingest.require_flight_plan;

SELECT * FROM finish();
ROLLBACK;
