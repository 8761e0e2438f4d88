-- The occupancy state machine, rule by rule at its edges, on handmade
-- sectors and synthetic snapshots 15 s apart: enter at 60 kt but not 59,
-- leave (exit at the last position inside), overlap, slow exit after exactly
-- two slow polls, re-entry, gone after longer than stale_after (not at
-- exactly), altitude band edges, region filter, and duplicate snapshots.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(40);

SELECT * FROM vatsim.load_sectors('t', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Polygon", "coordinates": [[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},
  {"type": "Feature", "properties": {"name": "C"}, "geometry": {"type": "Polygon", "coordinates": [[[0.5,0],[1.5,0],[1.5,1],[0.5,1],[0.5,0]]]}}]}$$);
SELECT * FROM vatsim.load_sectors('v', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "LOW", "lo": 0, "hi": 10000}, "geometry": {"type": "Polygon", "coordinates": [[[5,0],[6,0],[6,1],[5,1],[5,0]]]}},
  {"type": "Feature", "properties": {"name": "HIGH", "lo": 10000, "hi": 60000}, "geometry": {"type": "Polygon", "coordinates": [[[5,0],[6,0],[6,1],[5,1],[5,0]]]}}]}$$,
  'name', 'lo', 'hi');

-- Pilot records and snapshots at second offsets from a base time
\i test/sql/snapshots.sql
-- A flight's intervals in one set, as text: SECTOR[entry..exit reason]
CREATE FUNCTION pg_temp.iv(cs text, set text DEFAULT 't') RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s[%s..%s %s]', sector,
                    extract(epoch FROM entry_time - pg_temp.t(0))::int,
                    coalesce(extract(epoch FROM exit_time - pg_temp.t(0))::int::text, ''),
                    coalesce(exit_reason, 'open')), ' ' ORDER BY entry_time, sector), '')
    FROM vatsim.sector_occupancy WHERE callsign = cs AND sector_set = set
$$;

-- Enter: 59 kt is too slow, 60 kt enters; overlap gives two intervals
SELECT is(pg_temp.snap_status(0, pg_temp.p('SLOW59', 0.2, 0.2, 59), pg_temp.p('FAST60', 0.2, 0.2, 60),
                          pg_temp.p('OVER', 0.7, 0.7, 250)), 'ingested', 't=0 ingested');
SELECT is(pg_temp.iv('SLOW59'), '', '59 kt inside A: no interval');
SELECT is(pg_temp.iv('FAST60'), 'A[0.. open]', '60 kt inside A: an interval opens');
SELECT is(pg_temp.iv('OVER'), 'A[0.. open] C[0.. open]', 'inside A and C: both open');
SELECT is((SELECT entry_lat || ',' || entry_lon || ',' || entry_altitude FROM vatsim.sector_occupancy WHERE callsign = 'FAST60'),
          '0.2,0.2,30000', 'entry position and altitude are the snapshot''s');

-- Leave: OVER moves from A+C into B+C; A closes at t=15 with the last position inside A
SELECT is(pg_temp.snap_status(15, pg_temp.p('SLOW59', 0.2, 0.3, 59), pg_temp.p('FAST60', 0.2, 0.3, 120),
                           pg_temp.p('OVER', 0.7, 1.2, 250)), 'ingested', 't=15 ingested');
SELECT is(pg_temp.iv('OVER'), 'A[0..15 left] C[0.. open] B[15.. open]', 'leaving A closes it, C stays open, B opens');
SELECT is((SELECT exit_lat || ',' || exit_lon FROM vatsim.sector_occupancy WHERE callsign = 'OVER' AND sector = 'A'),
          '0.7,0.7', 'the exit position is the last one observed inside A');
SELECT is((SELECT duration FROM vatsim.sector_occupancy WHERE callsign = 'OVER' AND sector = 'A'),
          interval '15 s', 'duration = exit - entry');
SELECT is(pg_temp.iv('SLOW59'), '', 'still too slow to enter');

-- Slow: one slow poll keeps the interval, a fast one resets the count
SELECT is(pg_temp.snap_status(30, pg_temp.p('FAST60', 0.2, 0.3, 29), pg_temp.p('OVER', 0.7, 1.3, 250)), 'ingested', 't=30');
SELECT is(pg_temp.iv('FAST60'), 'A[0.. open]', 'one slow poll (29 kt): still open');
SELECT is(pg_temp.snap_status(45, pg_temp.p('FAST60', 0.2, 0.3, 30), pg_temp.p('OVER', 0.7, 1.3, 250)), 'ingested', 't=45');
SELECT is(pg_temp.iv('FAST60'), 'A[0.. open]', '30 kt is not slow: the count resets');
SELECT is(pg_temp.snap_status(60, pg_temp.p('FAST60', 0.2, 0.31, 10), pg_temp.p('OVER', 0.7, 1.3, 250)), 'ingested', 't=60');
SELECT is(pg_temp.iv('FAST60'), 'A[0.. open]', 'first slow poll after the reset: open');
SELECT is(pg_temp.snap_status(75, pg_temp.p('FAST60', 0.2, 0.32, 0), pg_temp.p('OVER', 0.7, 1.3, 250)), 'ingested', 't=75');
SELECT is(pg_temp.iv('FAST60'), 'A[0..75 slow]', 'exactly two slow polls: closed as slow');
SELECT is((SELECT exit_lat || ',' || exit_lon FROM vatsim.sector_occupancy WHERE callsign = 'FAST60'),
          '0.2,0.32', 'a slow exit is at this position');

-- Re-entry: OVER goes back into A
SELECT is(pg_temp.snap_status(90, pg_temp.p('OVER', 0.7, 0.8, 250)), 'ingested', 't=90');
SELECT is(pg_temp.iv('OVER'), 'A[0..15 left] C[0.. open] B[15..90 left] A[90.. open]', 're-entering A opens a new interval');

-- Gone: absent exactly stale_after (300 s) is not gone; longer is
SELECT is(pg_temp.snap_status(390), 'ingested', 't=390: OVER absent for exactly 300 s');
SELECT is(pg_temp.iv('OVER'), 'A[0..15 left] C[0.. open] B[15..90 left] A[90.. open]', 'absent exactly stale_after: still open');
SELECT is(pg_temp.snap_status(391), 'ingested', 't=391: absent for 301 s');
SELECT is(pg_temp.iv('OVER'), 'A[0..15 left] C[0..90 gone] B[15..90 left] A[90..90 gone]',
          'absent longer than stale_after: closed as gone at the last-seen time');
SELECT is((SELECT count(*)::int FROM vatsim.occupancy_state s JOIN vatsim.flights f USING (flight_id) WHERE f.callsign = 'OVER'),
          0, 'and its tracker state is dropped');

-- A flight that comes back sooner keeps its intervals
SELECT is(pg_temp.snap_status(400, pg_temp.p('BACK', 0.5, 1.5, 200)), 'ingested', 't=400');
SELECT is(pg_temp.snap_status(640), 'ingested', 't=640: BACK absent 240 s');
SELECT is(pg_temp.snap_status(655, pg_temp.p('BACK', 0.5, 1.6, 200)), 'ingested', 't=655: BACK is back');
SELECT is(pg_temp.iv('BACK'), 'B[400.. open]', 'a flight back within stale_after keeps its interval');

-- Altitude bands: the floor belongs to the band above
SELECT is(pg_temp.snap_status(670, pg_temp.p('CLIMB', 0.5, 5.5, 300, 9999)), 'ingested', 't=670');
SELECT is(pg_temp.iv('CLIMB', 'v'), 'LOW[670.. open]', '9,999 ft: LOW');
SELECT is(pg_temp.snap_status(685, pg_temp.p('CLIMB', 0.5, 5.5, 300, 10000)), 'ingested', 't=685');
SELECT is(pg_temp.iv('CLIMB', 'v'), 'LOW[670..685 left] HIGH[685.. open]', '10,000 ft: leaves LOW, enters HIGH');

-- A duplicate snapshot changes nothing
CREATE TEMP TABLE fp AS SELECT md5(string_agg(o::text, '|' ORDER BY occupancy_id)) AS h FROM vatsim.sector_occupancy o;
SELECT is(pg_temp.snap_status(685, pg_temp.p('CLIMB', 0.5, 5.6, 300, 20000)), 'duplicate', 'the same update_timestamp again: duplicate');
SELECT is((SELECT md5(string_agg(o::text, '|' ORDER BY occupancy_id)) FROM vatsim.sector_occupancy o), (SELECT h FROM fp),
          'and no interval changed');

-- Only the tracked sets take part
SET vatsim_ingest.occupancy_sets = 'v';
SELECT is(pg_temp.snap_status(700, pg_temp.p('CLIMB', 0.5, 5.5, 300, 10000), pg_temp.p('ONLYT', 0.5, 0.2, 300)), 'ingested', 't=700');
SELECT is(pg_temp.iv('ONLYT'), '', 'occupancy_sets = v: no interval in set t');
RESET vatsim_ingest.occupancy_sets;

-- Region: history only inside the union of the region set
SET vatsim_ingest.region = 'v';
SELECT is(pg_temp.snap_status(715, pg_temp.p('CLIMB', 0.5, 5.5, 300, 10000), pg_temp.p('OUTSIDE', 0.5, 0.2, 300)), 'ingested', 't=715');
SELECT is((SELECT count(*)::int FROM vatsim.pilots p WHERE p.callsign = 'OUTSIDE' AND p.flight_id IS NULL), 1,
          'a pilot outside the region is current state only: no flight');
RESET vatsim_ingest.region;

SELECT * FROM finish();
ROLLBACK;
