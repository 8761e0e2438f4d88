-- Exact counts for every shipped snapshot, ingested in time order: the
-- ingest result, the current-state tables, the snapshot row and the history.
-- Expected values come from test/fixtures/README.md (computed by
-- test/anonymise_fixtures.py from the JSON, independently of this code).
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(7 * 17 + 6);

CREATE TEMP TABLE expected (
    file text, ts timestamptz, pilots int, controllers int, atis int,
    prefiles int, servers int, rejected int, clients int, users int,
    pilot_ratings int, military_ratings int
);
INSERT INTO expected VALUES
('v3-2020-12-03T1423Z-736p-earliest-schema.json', '2020-12-03T14:23:57.9316827Z', 736,  72,  32, 41, 7, 8,  840,  807, 5, 0),
('v3-2021-04-24T1528Z-1925p.json',                '2021-04-24T15:28:14.6925308Z', 1925, 378, 72, 75, 7, 0, 2375, 2301, 5, 0),
('v3-2021-08-02T1059Z-614p-au.json',              '2021-08-02T10:59:35.5644238Z', 614,  82,  30, 41, 7, 0,  726,  695, 5, 0),
('v3-2023-07-31T1925Z-1442p.json',                '2023-07-31T19:25:33.6312258Z', 1442, 215, 109, 91, 8, 0, 1766, 1656, 7, 5),
('v3-2023-08-07T232929Z-754p-seq1.json',          '2023-08-07T23:29:29.8856438Z', 754,  87,  66, 63, 8, 0,  907,  840, 7, 5),
('v3-2023-08-07T232944Z-757p-seq2.json',          '2023-08-07T23:29:44.877148Z',  757,  89,  66, 62, 8, 0,  912,  845, 7, 5),
('v3-2023-08-08T000359Z-737p-seq3.json',          '2023-08-08T00:03:59.8820717Z', 737,  93,  69, 56, 8, 0,  899,  830, 7, 5);

CREATE FUNCTION pg_temp.check_file(dir text, f text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    e expected;
    r vatsim.ingest_result;
    s vatsim.snapshots;
BEGIN
    SELECT * INTO e FROM expected WHERE file = f;
    r := vatsim.ingest_file(dir || '/' || f);
    RETURN NEXT is(r.status, 'ingested', f || ': status');
    RETURN NEXT is(r.update_timestamp, e.ts, f || ': update_timestamp');
    RETURN NEXT is(r.pilots, e.pilots, f || ': pilots in result');
    RETURN NEXT is(r.controllers, e.controllers, f || ': controllers in result');
    RETURN NEXT is(r.atis, e.atis, f || ': atis in result');
    RETURN NEXT is(r.prefiles, e.prefiles, f || ': prefiles in result');
    RETURN NEXT is(r.rejected, e.rejected, f || ': rejected in result');
    RETURN NEXT is((SELECT count(*)::int FROM vatsim.pilots), e.pilots, f || ': pilots table');
    RETURN NEXT is((SELECT count(*)::int FROM vatsim.controllers), e.controllers, f || ': controllers table');
    RETURN NEXT is((SELECT count(*)::int FROM vatsim.atis), e.atis, f || ': atis table');
    RETURN NEXT is((SELECT count(*)::int FROM vatsim.prefiles), e.prefiles, f || ': prefiles table');
    RETURN NEXT is((SELECT count(*)::int FROM vatsim.servers), e.servers, f || ': servers table');
    RETURN NEXT is((SELECT count(*)::int FROM vatsim.pilot_ratings), e.pilot_ratings, f || ': pilot_ratings table');
    RETURN NEXT is((SELECT count(*)::int FROM vatsim.military_ratings), e.military_ratings, f || ': military_ratings table');
    SELECT * INTO s FROM vatsim.snapshots WHERE update_timestamp = e.ts;
    RETURN NEXT is(ROW(s.pilots, s.controllers, s.atis, s.prefiles, s.servers, s.rejected,
                       s.connected_clients, s.unique_users, s.feed_version)::text,
                   ROW(e.pilots, e.controllers, e.atis, e.prefiles, e.servers, e.rejected,
                       e.clients, e.users, 3)::text,
                   f || ': snapshot row');
    RETURN NEXT is((SELECT count(*)::int FROM vatsim.positions WHERE ts = e.ts), e.pilots,
                   f || ': one position per pilot');
    RETURN NEXT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at IS NULL),
                   e.controllers, f || ': one open session per controller');
END $$;

SELECT * FROM pg_temp.check_file(:'fixtures', 'v3-2020-12-03T1423Z-736p-earliest-schema.json');
SELECT * FROM pg_temp.check_file(:'fixtures', 'v3-2021-04-24T1528Z-1925p.json');
SELECT * FROM pg_temp.check_file(:'fixtures', 'v3-2021-08-02T1059Z-614p-au.json');
SELECT * FROM pg_temp.check_file(:'fixtures', 'v3-2023-07-31T1925Z-1442p.json');
SELECT * FROM pg_temp.check_file(:'fixtures', 'v3-2023-08-07T232929Z-754p-seq1.json');
SELECT * FROM pg_temp.check_file(:'fixtures', 'v3-2023-08-07T232944Z-757p-seq2.json');
SELECT * FROM pg_temp.check_file(:'fixtures', 'v3-2023-08-08T000359Z-737p-seq3.json');

SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 7, 'seven snapshots stored');
SELECT is((SELECT count(*)::int FROM vatsim.positions), (SELECT sum(pilots)::int FROM expected),
          'position history holds every pilot of every snapshot');
-- Oracle: a Python replay of the flight rules over the same files (default
-- grace 10 min): 5,719 flights, 5,509 plan versions, 737 online.
SELECT is((SELECT count(*)::int FROM vatsim.flights), 5719, 'flights across all snapshots');
SELECT is((SELECT count(*)::int FROM vatsim.flight_plans), 5509, 'flight-plan versions across all snapshots');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE status = 'online'), 737,
          'flights online = pilots of the newest snapshot');
SELECT is((SELECT count(*)::int FROM vatsim.facilities), 7, 'facilities reference table');

SELECT * FROM finish();
ROLLBACK;
