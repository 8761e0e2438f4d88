-- The sector history aggregates (sector_count_hours, sector_bounds, the
-- intervals' prev_sector) kept by the occupancy step: the functions that read
-- them give exactly the rows of their plain definitions over the intervals
-- (test/sql/history_models.sql) at every entry and exit, a microsecond either
-- side, every hour boundary, and over windows between them; the kept rows
-- equal a rebuild from scratch; on a handmade sequence (hour boundaries, an
-- outage of hours, gone flights closed in an earlier hour, empty intervals,
-- overlapping sectors, two sets), on the real replay, and after an update
-- from 0.5.0 with intervals already stored.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(31);

SELECT * FROM vatsim.load_sectors('t', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "C"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Polygon", "coordinates": [[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}]}$$);
SELECT * FROM vatsim.load_sectors('u', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "U"}, "geometry": {"type": "Polygon", "coordinates": [[[-10,-10],[10,-10],[10,10],[-10,10],[-10,-10]]]}}]}$$);

\i test/sql/synthetic.sql
\i test/sql/history_models.sql

-- t(0) is 01:00 UTC.  In A: lon 0.5, in B: lon 1.5 (A and C are the same
-- square; U covers both).
\o /dev/null
SELECT pg_temp.snap(-30,  pg_temp.p('F1', 0.5, 0.5, 200), pg_temp.p('F4', 0.5, 1.5, 200));
-- on the hour: F1 leaves A and C for B, F2 enters A and C together
SELECT pg_temp.snap(0,    pg_temp.p('F1', 0.5, 1.5, 200), pg_temp.p('F2', 0.5, 0.5, 200), pg_temp.p('F4', 0.5, 1.5, 200));
-- F1 back to A (then B again: A -> B twice, one flight); F5 seen once
SELECT pg_temp.snap(15,   pg_temp.p('F1', 0.5, 0.5, 200), pg_temp.p('F2', 0.5, 0.5, 200), pg_temp.p('F4', 0.5, 1.5, 200),
                          pg_temp.p('F5', 0.5, 0.5, 200));
SELECT pg_temp.snap(30,   pg_temp.p('F1', 0.5, 1.5, 200), pg_temp.p('F4', 0.5, 1.5, 200));
-- F2 and F5 gone (last seen at 15: F5's intervals are empty); F4 slows down
SELECT pg_temp.snap(400,  pg_temp.p('F1', 0.5, 1.5, 200), pg_temp.p('F4', 0.5, 1.5, 10));
SELECT pg_temp.snap(415,  pg_temp.p('F1', 0.5, 1.5, 200), pg_temp.p('F4', 0.5, 1.5, 10));
SELECT pg_temp.snap(3590, pg_temp.p('F1', 0.5, 1.5, 200), pg_temp.p('F3', 0.5, 0.5, 200));
-- on the next hour: F3 from A and C to B
SELECT pg_temp.snap(3600, pg_temp.p('F1', 0.5, 1.5, 200), pg_temp.p('F3', 0.5, 1.5, 200));
SELECT pg_temp.snap(3615, pg_temp.p('F1', 0.5, 1.5, 200));
SELECT pg_temp.snap(7190, pg_temp.p('F1', 0.5, 1.5, 200), pg_temp.p('F6', 0.5, 0.5, 200));
-- a new hour: F6, last seen in the previous hour, is gone there
SELECT pg_temp.snap(7500, pg_temp.p('F1', 0.5, 1.5, 200));
-- an outage of hours; F1 is gone at 7500, three hours back
SELECT pg_temp.snap(20000, pg_temp.p('F7', 0.5, 0.5, 200));
SELECT pg_temp.snap(20015, pg_temp.p('F7', 0.5, 1.5, 200), pg_temp.p('F8', 0.5, 0.5, 200));
\o

SELECT is((SELECT count(*)::int FROM vatsim.snapshots WHERE sector_error IS NOT NULL), 0, 'handmade: no sector error');
SELECT is((SELECT string_agg(exit_reason || ':' || extract(epoch FROM exit_time - pg_temp.t(0))::int, ' ' ORDER BY exit_reason, exit_time)
           FROM (SELECT DISTINCT exit_reason, exit_time FROM vatsim.sector_occupancy WHERE exit_reason IN ('gone', 'slow')) g),
          'gone:15 gone:3600 gone:7190 gone:7500 slow:415',
          'handmade: gone in the same hour, in the previous one, three hours back; one slow');
SELECT is((SELECT count(*)::int FROM vatsim.sector_occupancy WHERE exit_time = entry_time), 7,
          'handmade: seven empty intervals (F5 and F6 gone after one snapshot, F3''s B)');
SELECT results_eq($$SELECT * FROM vatsim.sector_counts(pg_temp.t(0))$$,
                  $$VALUES ('t'::text, 'A'::text, 1::bigint), ('t', 'B', 2), ('t', 'C', 1), ('u', 'U', 3)$$,
                  'sector_counts on the hour: entries at it count, exits at it do not');
SELECT results_eq($$SELECT * FROM vatsim.sector_counts(pg_temp.t(3600) - interval '1 microsecond', 't')$$,
                  $$VALUES ('t'::text, 'A'::text, 1::bigint), ('t', 'B', 1), ('t', 'C', 1)$$,
                  'sector_counts a microsecond before the hour (one set)');
SELECT results_eq($$SELECT * FROM vatsim.sector_counts(pg_temp.t(5 * 3600))$$,
                  $$SELECT 'x'::text, 'x'::text, 0::bigint WHERE false$$,
                  'sector_counts in the outage after the gone flight: nobody');
SELECT results_eq($$SELECT * FROM vatsim.sector_counts(timestamptz '2100-01-01 00:00+00')$$,
                  $$VALUES ('t'::text, 'A'::text, 1::bigint), ('t', 'B', 1), ('t', 'C', 1), ('u', 'U', 2)$$,
                  'sector_counts after the newest snapshot: the open intervals');
SELECT is(pg_temp.count_diffs(), 0::bigint, 'handmade: sector_counts = the model at every instant, all sets and each');
SELECT results_eq($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(-30), pg_temp.t(30), 't')$$,
                  $$VALUES ('t'::text, 'A'::text, 'C'::text, 3::bigint), ('t', 'B', 'A', 1), ('t', 'C', 'B', 1)$$,
                  'sector_transitions: A and C entered at once give A -> C (by name); F1''s two C -> B count once');
SELECT results_eq($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(0), pg_temp.t(20), 't')$$,
                  $$VALUES ('t'::text, 'A'::text, 'C'::text, 3::bigint), ('t', 'B', 'A', 1)$$,
                  'sector_transitions from the hour: C -> B at 0 is out (C entered before the window)');
SELECT is(pg_temp.transition_diffs(40), 0::bigint, 'handmade: sector_transitions = the model over every window');
SELECT is(pg_temp.traffic_diffs(25), 0::bigint, 'handmade: sector_traffic = the model, every sector and window');
SELECT is(pg_temp.traffic_unordered(25), 0::bigint, 'handmade: sector_traffic in (entry_time, callsign) order');
SELECT is((SELECT max_duration FROM vatsim.sector_bounds WHERE sector_set = 't' AND sector = 'B'),
          interval '7470 s', 'sector_bounds: B''s longest closed interval (F1 from 30 to its gone at 7500)');
SELECT is(pg_temp.agg_check(), 'hours 0, bounds 0, prev 0', 'handmade: the kept aggregates equal a rebuild');

-- privileges: readers read the tables, only superusers rebuild
SELECT ok(has_table_privilege('vatsim_reader', 'vatsim.sector_count_hours', 'SELECT')
          AND has_table_privilege('vatsim_reader', 'vatsim.sector_bounds', 'SELECT'), 'vatsim_reader reads the aggregates');
SELECT ok(NOT has_table_privilege('vatsim_reader', 'vatsim.sector_count_hours', 'INSERT'), 'but does not write them');
SELECT ok(NOT has_function_privilege('vatsim_reader', 'vatsim.rebuild_sector_aggregates(timestamptz)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'vatsim.rebuild_sector_aggregates(timestamptz)', 'EXECUTE'),
          'rebuild_sector_aggregates is not granted to readers or PUBLIC');

-- A sector set replaced or dropped leaves the intervals, so the aggregates too
SELECT * FROM vatsim.load_sectors('u', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "V"}, "geometry": {"type": "Polygon", "coordinates": [[[-10,-10],[10,-10],[10,10],[-10,10],[-10,-10]]]}}]}$$) \g /dev/null
SELECT is(pg_temp.agg_check(), 'hours 0, bounds 0, prev 0', 'a replaced set: the aggregates still equal a rebuild');
SELECT is(pg_temp.count_diffs(), 0::bigint, 'and sector_counts the model');

-- The real replay: 13 snapshots, VATSpy's sectors, seq3 34 min after seq2
-- in the next hour (gone flights closed in the previous hour)
DROP EXTENSION vatsim_ingest CASCADE;
CREATE EXTENSION vatsim_ingest;
\o /dev/null
\i test/sql/replay.sql
SELECT replay.run(1, 13);
\o
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.sector_occupancy WHERE exit_reason = 'gone'
               AND date_trunc('hour', exit_time, 'UTC') < (SELECT date_trunc('hour', max(update_timestamp), 'UTC') FROM vatsim.snapshots)),
              '>', 10, 'replay: flights gone in an earlier hour than the snapshot that closed them');
SELECT is(pg_temp.count_diffs(), 0::bigint, 'replay: sector_counts = the model at every instant');
SELECT is(pg_temp.transition_diffs(8), 0::bigint, 'replay: sector_transitions = the model over windows');
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.sector_transitions(pg_temp.t(-1000000000), pg_temp.t(1000000000))), '>', 100,
              'replay: many transitions');
SELECT is((SELECT count(*) FROM pg_temp.windows(4) w,
                  LATERAL ((SELECT * FROM vatsim.sector_traffic('EGTT', w.since, w.until)
                            EXCEPT ALL SELECT * FROM pg_temp.model_traffic_rows('EGTT', w.since, w.until, NULL))
                           UNION ALL (SELECT * FROM pg_temp.model_traffic_rows('EGTT', w.since, w.until, NULL)
                            EXCEPT ALL SELECT * FROM vatsim.sector_traffic('EGTT', w.since, w.until))) d), 0::bigint,
          'replay: sector_traffic = the model (EGTT)');
SELECT is((SELECT count(*) FROM (SELECT DISTINCT sector FROM vatsim.sector_occupancy) x,
                  LATERAL ((SELECT * FROM vatsim.sector_traffic(x.sector, pg_temp.t(-1000000000), pg_temp.t(1000000000))
                            EXCEPT ALL SELECT * FROM pg_temp.model_traffic_rows(x.sector, pg_temp.t(-1000000000), pg_temp.t(1000000000), NULL))
                           UNION ALL (SELECT * FROM pg_temp.model_traffic_rows(x.sector, pg_temp.t(-1000000000), pg_temp.t(1000000000), NULL)
                            EXCEPT ALL SELECT * FROM vatsim.sector_traffic(x.sector, pg_temp.t(-1000000000), pg_temp.t(1000000000)))) d), 0::bigint,
          'replay: sector_traffic = the model for every sector over all time');
SELECT is(pg_temp.agg_check(), 'hours 0, bounds 0, prev 0', 'replay: the kept aggregates equal a rebuild');

-- Update from 0.5.0 with the replay's intervals stored: the update builds
-- the aggregates, the same rows as the ingest kept
CREATE TEMP TABLE saved_iv AS SELECT * FROM vatsim.sector_occupancy;
CREATE TEMP TABLE saved_hours AS SELECT * FROM vatsim.sector_count_hours;
CREATE TEMP TABLE saved_bounds AS SELECT * FROM vatsim.sector_bounds;
DROP EXTENSION vatsim_ingest CASCADE;
CREATE EXTENSION vatsim_ingest VERSION '0.5.0';
INSERT INTO vatsim.sector_occupancy (occupancy_id, flight_id, callsign, sector_set, sector, entry_time, exit_time,
                                     entry_lat, entry_lon, entry_altitude, exit_lat, exit_lon, exit_altitude, exit_reason)
OVERRIDING SYSTEM VALUE
SELECT occupancy_id, flight_id, callsign, sector_set, sector, entry_time, exit_time,
       entry_lat, entry_lon, entry_altitude, exit_lat, exit_lon, exit_altitude, exit_reason FROM saved_iv;
ALTER EXTENSION vatsim_ingest UPDATE;
SELECT is((SELECT count(*) FROM ((SELECT * FROM saved_iv EXCEPT ALL SELECT * FROM vatsim.sector_occupancy)
                                 UNION ALL (SELECT * FROM vatsim.sector_occupancy EXCEPT ALL SELECT * FROM saved_iv)) d), 0::bigint,
          'update: every interval kept, with the predecessor the ingest recorded');
SELECT is((SELECT count(*) FROM ((TABLE saved_hours EXCEPT ALL TABLE vatsim.sector_count_hours)
                                 UNION ALL (TABLE vatsim.sector_count_hours EXCEPT ALL TABLE saved_hours)) d), 0::bigint,
          'update: sector_count_hours built, the rows the ingest kept');
SELECT is((SELECT count(*) FROM ((TABLE saved_bounds EXCEPT ALL TABLE vatsim.sector_bounds)
                                 UNION ALL (TABLE vatsim.sector_bounds EXCEPT ALL TABLE saved_bounds)) d), 0::bigint,
          'update: sector_bounds built');
SELECT is(pg_temp.count_diffs(), 0::bigint, 'update: sector_counts = the model');

SELECT * FROM finish();
ROLLBACK;
