-- The sector history functions, each with exact expected rows and each
-- shown to run on an index; and a failure of sector processing, which must
-- not cost the snapshot its flights and positions.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(22);

SELECT * FROM vatsim.load_sectors('t', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Polygon", "coordinates": [[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}]}$$);

\i test/sql/synthetic.sql

-- F1 flies A -> B and lands in B; F2 flies B -> A and leaves A
\o /dev/null
SELECT pg_temp.snap(0,  pg_temp.p('F1', 0.5, 0.5, 200), pg_temp.p('F2', 0.5, 1.8, 200));
SELECT pg_temp.snap(15, pg_temp.p('F1', 0.5, 1.8, 200), pg_temp.p('F2', 0.5, 0.5, 200));
SELECT pg_temp.snap(30, pg_temp.p('F1', 0.5, 1.8, 10),  pg_temp.p('F2', 0.5, 0.5, 200));
SELECT pg_temp.snap(45, pg_temp.p('F1', 0.5, 1.8, 0),   pg_temp.p('F2', 0.5, 3.0, 200));
\o

SET enable_seqscan = off;   -- so that each statement shows the index it can use
CREATE FUNCTION pg_temp.scans(idx text) RETURNS bigint LANGUAGE sql AS $$
    SELECT pg_stat_get_xact_numscans(('vatsim.' || idx)::regclass)
$$;
CREATE TEMP TABLE before AS
SELECT i AS idx, pg_temp.scans(i) AS n FROM unnest(ARRAY['sector_occupancy_callsign_idx', 'sector_occupancy_flight_idx', 'sector_occupancy_sector_idx',
                                                       'sector_occupancy_open_sector_idx', 'sector_occupancy_entry_idx']) i;
CREATE FUNCTION pg_temp.used(idx text) RETURNS boolean LANGUAGE sql AS $$
    SELECT pg_temp.scans(idx) > (SELECT n FROM before WHERE before.idx = $1)
$$;

SELECT results_eq(
    $$SELECT callsign, sector, extract(epoch FROM entry_time - pg_temp.t(0))::int,
             extract(epoch FROM exit_time - pg_temp.t(0))::int, duration, exit_reason,
             entry_lon, exit_lon FROM vatsim.sector_history('F1')$$,
    $$VALUES ('F1'::text, 'A'::text, 0, 15, interval '15 s', 'left'::text, 0.5::float8, 0.5::float8),
             ('F1', 'B', 15, 45, interval '30 s', 'slow', 1.8, 1.8)$$,
    'sector_history(callsign): F1 in A, then in B until it landed');
SELECT ok(pg_temp.used('sector_occupancy_callsign_idx'), 'sector_history(callsign) runs on the callsign index');
SELECT results_eq(
    $$SELECT sector, exit_reason FROM vatsim.sector_history((SELECT flight_id FROM vatsim.flights WHERE callsign = 'F2'))$$,
    $$VALUES ('B'::text, 'left'::text), ('A', 'left')$$,
    'sector_history(flight_id): F2 in B, then in A');
SELECT ok(pg_temp.used('sector_occupancy_flight_idx'), 'sector_history(flight_id) runs on the flight index');
SELECT results_eq($$SELECT sector FROM vatsim.sector_history('F1', pg_temp.t(20), pg_temp.t(25))$$,
                  $$VALUES ('B'::text)$$, 'sector_history with a window: only what overlaps it');
SELECT is((SELECT count(*)::int FROM vatsim.sector_history('NOBODY')), 0, 'an unknown callsign has no history');

SELECT results_eq(
    $$SELECT callsign, extract(epoch FROM entry_time - pg_temp.t(0))::int FROM vatsim.sector_traffic('A', pg_temp.t(10), pg_temp.t(20))$$,
    $$VALUES ('F1'::text, 0), ('F2', 15)$$, 'sector_traffic: both flights overlap A between t=10 and t=20');
SELECT results_eq($$SELECT callsign FROM vatsim.sector_traffic('A', pg_temp.t(16), pg_temp.t(20))$$,
                  $$VALUES ('F2'::text)$$, 'from t=16 only F2 (F1 left A at 15: exits are exclusive)');
SELECT ok(pg_temp.used('sector_occupancy_open_sector_idx')
          AND (pg_temp.used('sector_occupancy_sector_idx') OR pg_temp.used('sector_occupancy_entry_idx')),
          'sector_traffic runs on B-tree indexes (closed: the sector or the entry_time one, as the planner prefers; open: the open-interval one)');
SELECT is((SELECT count(*)::int FROM vatsim.sector_traffic('A', pg_temp.t(100), pg_temp.t(200))), 0, 'nothing later');
SELECT throws_ok($$SELECT * FROM vatsim.sector_traffic('A', pg_temp.t(20), pg_temp.t(10))$$, '22023', NULL,
                 'since after until is an error');

SELECT results_eq($$SELECT sector, flights FROM vatsim.sector_counts(pg_temp.t(15))$$,
                  $$VALUES ('A'::text, 1::bigint), ('B', 1)$$, 'sector_counts at t=15: F2 in A, F1 in B');
SELECT results_eq($$SELECT sector, flights FROM vatsim.sector_counts(pg_temp.t(40), 't')$$,
                  $$VALUES ('A'::text, 1::bigint), ('B', 1)$$, 'sector_counts at t=40');
SELECT is((SELECT count(*)::int FROM vatsim.sector_counts(pg_temp.t(50))), 0, 'sector_counts at t=50: nobody');

SELECT results_eq($$SELECT from_sector, to_sector, flights FROM vatsim.sector_transitions(pg_temp.t(0), pg_temp.t(60))$$,
                  $$VALUES ('A'::text, 'B'::text, 1::bigint), ('B', 'A', 1)$$,
                  'sector_transitions: one flight A -> B, one B -> A');
SELECT ok(pg_temp.used('sector_occupancy_entry_idx'), 'sector_transitions runs on the entry_time index');
RESET enable_seqscan;

-- Sector processing fails: the snapshot and its positions are stored anyway
ALTER TABLE vatsim.sector_occupancy ADD CONSTRAINT test_refuse CHECK (entry_lat < -1000) NOT VALID;
CREATE TEMP TABLE r AS SELECT * FROM pg_temp.snap(60, pg_temp.p('F3', 0.5, 0.5, 200));
SELECT is((SELECT status FROM r), 'ingested', 'the snapshot is stored although sector processing failed');
SELECT is((SELECT count(*)::int FROM vatsim.positions WHERE ts = pg_temp.t(60)), 1, 'with its positions');
SELECT matches((SELECT sector_error FROM vatsim.snapshots WHERE update_timestamp = pg_temp.t(60)),
               'test_refuse', 'the failure is recorded with the snapshot');
SELECT is((SELECT count(*)::int FROM vatsim.sector_occupancy WHERE callsign = 'F3'), 0, 'and no interval of that snapshot');
ALTER TABLE vatsim.sector_occupancy DROP CONSTRAINT test_refuse;
CREATE TEMP TABLE r2 AS SELECT * FROM pg_temp.snap(75, pg_temp.p('F3', 0.5, 0.6, 200));
SELECT is((SELECT string_agg(sector || '@' || extract(epoch FROM entry_time - pg_temp.t(0))::int, ',') FROM vatsim.sector_occupancy WHERE callsign = 'F3'),
          'A@75', 'the next snapshot continues from the stored state');
SELECT is((SELECT sector_error FROM vatsim.snapshots WHERE update_timestamp = pg_temp.t(75)), NULL, 'without error');

SELECT * FROM finish();
ROLLBACK;
