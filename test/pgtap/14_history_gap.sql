-- A long gap between stored snapshots (a worker started after a backfill of
-- old archives): the occupancy step carries open sectors into at most 48
-- hours before the new snapshot's hour, not into every hour since, and the
-- counts after the gap are right.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(5);

SELECT * FROM vatsim.load_sectors('t', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}$$);
SET vatsim_ingest.occupancy_sets = 't';
\i test/sql/synthetic.sql

-- GAP1 is inside A at t=0 and, the same connection, 1,000 hours later
SELECT is((pg_temp.snap(0, pg_temp.p('GAP1', 0.5, 0.5, 300))).status, 'ingested', 'the first snapshot');
SELECT is((pg_temp.snap(1000 * 3600, pg_temp.p('GAP1', 0.5, 0.6, 300))).status, 'ingested',
          'a snapshot 1,000 hours later ingests');
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.sector_count_hours WHERE sector = 'A'), '<=', 51,
              'the open sector is carried into at most 48 hours before the new one (plus its first and last hours)');
SELECT is((SELECT flights FROM vatsim.sector_counts(pg_temp.t(1000 * 3600), 't') WHERE sector = 'A'), 1::bigint,
          'the flight, still inside, is counted at the new snapshot');
SELECT is((SELECT flights FROM vatsim.sector_counts(pg_temp.t(999 * 3600), 't') WHERE sector = 'A'), 1::bigint,
          'and in the carried hours before it');

SELECT * FROM finish();
ROLLBACK;
