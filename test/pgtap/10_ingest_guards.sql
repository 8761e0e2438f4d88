-- Guards of the ingest path (issue 10, items 5 and 10): a document dated
-- too far after now() is refused with a clear error and changes nothing;
-- a cancel, statement_timeout, shutdown or out-of-memory error inside the
-- sector step aborts the whole snapshot, and only data errors there are
-- kept with the snapshot as sector_error.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(2 * 7 + 8);

\i test/sql/synthetic.sql
\i test/sql/fingerprint.sql
\i test/sql/refused.sql

SELECT * FROM vatsim.load_sectors('t', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}$$);
SELECT is((pg_temp.snap(0, pg_temp.p('F1', 0.5, 0.5, 200))).status, 'ingested', 'a first snapshot with an interval');
CREATE TEMP TABLE before AS SELECT pg_temp.fingerprint() AS fp;

-- Faults injected into the sector step: a trigger on the interval table
-- does what test.fault says when occupancy opens an interval.
CREATE FUNCTION pg_temp.sector_fault() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    CASE current_setting('test.fault')
    WHEN 'none' THEN NULL;
    WHEN 'sleep' THEN PERFORM pg_sleep(3);
    ELSE RAISE EXCEPTION 'injected fault' USING ERRCODE = current_setting('test.fault');
    END CASE;
    RETURN NULL;
END $$;
CREATE TRIGGER test_fault BEFORE INSERT ON vatsim.sector_occupancy
    FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.sector_fault();
CREATE TEMP TABLE next_snap AS
SELECT $$SELECT pg_temp.snap(15, pg_temp.p('F1', 0.5, 0.6, 200), pg_temp.p('F2', 0.5, 0.5, 200))$$ AS sql;

-- statement_timeout hits while the sector step runs: nothing is stored
SET test.fault = 'sleep';
SET statement_timeout = '1s';
SELECT * FROM pg_temp.refused((SELECT sql FROM next_snap), '57014', NULL, 'statement_timeout in the sector step');
RESET statement_timeout;
SET test.fault = '57014';
SELECT * FROM pg_temp.refused((SELECT sql FROM next_snap), '57014', NULL, 'a cancel in the sector step');
SET test.fault = '57P01';
SELECT * FROM pg_temp.refused((SELECT sql FROM next_snap), '57P01', NULL, 'shutdown in the sector step');
SET test.fault = '53200';
SELECT * FROM pg_temp.refused((SELECT sql FROM next_snap), '53200', NULL, 'out of memory in the sector step');
SET test.fault = '40P01';
SELECT * FROM pg_temp.refused((SELECT sql FROM next_snap), '40P01', NULL, 'a deadlock in the sector step');

-- a data error in the sector step is kept with the snapshot
SET test.fault = '22003';
SELECT is((SELECT status FROM pg_temp.snap(15, pg_temp.p('F1', 0.5, 0.6, 200), pg_temp.p('F2', 0.5, 0.5, 200))),
          'ingested', 'a data error (22003) in the sector step: the snapshot is stored');
SELECT is((SELECT sector_error FROM vatsim.snapshots WHERE update_timestamp = pg_temp.t(15)), 'injected fault',
          'and the error is kept with it');
SELECT is((SELECT count(*)::int FROM vatsim.positions WHERE ts = pg_temp.t(15)), 2, 'with its positions');
SET test.fault = 'none';
DROP TRIGGER test_fault ON vatsim.sector_occupancy;
CREATE TEMP TABLE later AS SELECT pg_temp.fingerprint() AS fp;
UPDATE before SET fp = (SELECT fp FROM later);

-- A document from the future (vatsim_ingest.max_future, 5 min by default)
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(pg_temp.feed_at(now() + interval '2 hours'))$$, '22023',
                              'Member general.update_timestamp % is more than vatsim_ingest.max_future (300 s) after the current time %.',
                              'dated two hours ahead');
SELECT * FROM pg_temp.refused($$SELECT vatsim.ingest(pg_temp.feed_at('9999-12-31 00:00:00+00'))$$, '22023',
                              'Member general.update_timestamp 9999-12-31T00:00:00.000000Z is more than %',
                              'dated 9999-12-31');
SELECT is((SELECT status FROM vatsim.ingest(pg_temp.feed_at(pg_temp.t(30), pg_temp.p('F1', 0.5, 0.7, 200)))),
          'ingested', 'after the refusals a real snapshot still ingests');
SELECT is((SELECT status FROM vatsim.ingest(pg_temp.feed_at(now() + interval '4 minutes'))),
          'ingested', 'a document 4 minutes ahead is inside the margin');
SET vatsim_ingest.max_future = '3h';
SELECT is((SELECT status FROM vatsim.ingest(pg_temp.feed_at(now() + interval '2 hours'))),
          'ingested', 'with max_future = 3h, two hours ahead is accepted');
RESET vatsim_ingest.max_future;
SELECT throws_ok($$SET vatsim_ingest.max_future = '8d'$$, '22023', NULL, 'max_future is bounded (at most 7 days)');

SELECT * FROM finish();
ROLLBACK;
