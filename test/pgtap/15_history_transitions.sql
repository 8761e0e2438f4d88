-- sector_transitions from the transitions kept by hour (0.7.0:
-- vatsim.sector_transition_hours, vatsim.sector_transition_pairs): exactly
-- the rows of the plain definition over the intervals
-- (test/sql/history_models.sql, lag() and count(DISTINCT)), over windows
-- that cut hours (every entry, a microsecond and a second either side, every
-- hour boundary), on a handmade sequence (transitions on the hour and a
-- microsecond around it, a flight leaving all sectors and coming back into
-- the same one, the same transition twice, one flight in two sets at once,
-- an outage of hours) and on the real replay; the kept rows equal a rebuild;
-- the update from 0.6.0 with intervals stored fills them with the rows the
-- ingest keeps; a damaged row gives a clear error.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(29);

-- set t: A, B, D side by side (lon 0-1, 1-2, 2-3); set w: W1 (lon 0-1.5)
-- and W2 (lon 1.5-3) over the same ground
SELECT * FROM vatsim.load_sectors('t', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Polygon", "coordinates": [[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},
  {"type": "Feature", "properties": {"name": "D"}, "geometry": {"type": "Polygon", "coordinates": [[[2,0],[3,0],[3,1],[2,1],[2,0]]]}}]}$$) \g /dev/null
SELECT * FROM vatsim.load_sectors('w', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "W1"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1.5,0],[1.5,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "W2"}, "geometry": {"type": "Polygon", "coordinates": [[[1.5,0],[3,0],[3,1],[1.5,1],[1.5,0]]]}}]}$$) \g /dev/null

\i test/sql/synthetic.sql
\i test/sql/history_models.sql

-- the kept transitions, one row per element, by names
CREATE FUNCTION pg_temp.kept() RETURNS TABLE (hour timestamptz, sector_set text, from_sector text, to_sector text,
                                               e timestamptz, p timestamptz, q timestamptz) LANGUAGE sql AS $$
    SELECT h.hour, h.sector_set, x.from_sector, x.to_sector, u.e, u.p, u.q
    FROM vatsim.sector_transition_hours h,
         unnest(h.pair_ids, h.entry_times, h.prev_entry_times, h.prev_pair_entry_times) AS u(id, e, p, q)
    JOIN vatsim.sector_transition_pairs x ON x.pair_id = u.id
$$;
-- elements that differ between the kept transitions and a rebuild
CREATE FUNCTION pg_temp.kept_vs_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    d bigint;
BEGIN
    CREATE TEMP TABLE kept_t ON COMMIT DROP AS SELECT * FROM pg_temp.kept();
    PERFORM vatsim.rebuild_sector_aggregates();
    SELECT count(*) INTO d FROM ((TABLE kept_t EXCEPT ALL SELECT * FROM pg_temp.kept())
                                 UNION ALL (SELECT * FROM pg_temp.kept() EXCEPT ALL TABLE kept_t)) x;
    DROP TABLE kept_t;
    RETURN d;
END $$;

-- t(0) is 01:00 UTC, t(3600) 02:00.  lon 0.5: A, W1; 1.2: B, W1; 1.7: B,
-- W2; 2.5: D, W2; lat 5: nowhere.
\o /dev/null
SELECT pg_temp.snap(-30,  pg_temp.p('F1', 0.5, 0.5, 200), pg_temp.p('F2', 0.5, 0.5, 200), pg_temp.p('F3', 0.5, 1.7, 200));
-- on the hour: F1 A -> B (W1 stays), F3 B -> D (W2 stays)
SELECT pg_temp.snap(0,    pg_temp.p('F1', 0.5, 1.2, 200), pg_temp.p('F2', 0.5, 0.5, 200), pg_temp.p('F3', 0.5, 2.5, 200));
-- F1 back to A; F2 A -> B and W1 -> W2 at once
SELECT pg_temp.snap(15,   pg_temp.p('F1', 0.5, 0.5, 200), pg_temp.p('F2', 0.5, 1.7, 200), pg_temp.p('F3', 0.5, 2.5, 200));
-- F1 A -> B a second time; F3 gone after this
SELECT pg_temp.snap(30,   pg_temp.p('F1', 0.5, 1.2, 200), pg_temp.p('F2', 0.5, 1.7, 200), pg_temp.p('F3', 0.5, 2.5, 200));
-- F1 leaves every sector, then comes back into B (B -> B, W1 -> W1: no
-- transition), a second before the hour
SELECT pg_temp.snap(45,   pg_temp.p('F1', 5, 1.2, 200), pg_temp.p('F2', 0.5, 1.7, 200));
SELECT pg_temp.snap(3599, pg_temp.p('F1', 0.5, 1.2, 200), pg_temp.p('F2', 0.5, 1.7, 200));
-- on the next hour: F1 B -> D and W1 -> W2; a second later F2 B -> D
SELECT pg_temp.snap(3600, pg_temp.p('F1', 0.5, 2.5, 200), pg_temp.p('F2', 0.5, 1.7, 200));
SELECT pg_temp.snap(3601, pg_temp.p('F1', 0.5, 2.5, 200), pg_temp.p('F2', 0.5, 2.5, 200));
-- an outage of hours; F4 A -> B after it
SELECT pg_temp.snap(20000, pg_temp.p('F4', 0.5, 0.5, 200));
SELECT pg_temp.snap(20015, pg_temp.p('F4', 0.5, 1.2, 200));
\o

SELECT is((SELECT count(*)::int FROM vatsim.snapshots WHERE sector_error IS NOT NULL), 0, 'handmade: no sector error');
SELECT is((SELECT string_agg(format('%s %s->%s %s', sector_set, from_sector, to_sector,
                                    extract(epoch FROM e - pg_temp.t(0))::int), ', ' ORDER BY e, sector_set, from_sector, to_sector)
           FROM pg_temp.kept()),
          't A->B 0, t B->D 0, t A->B 15, t B->A 15, w W1->W2 15, t A->B 30, t B->D 3600, w W1->W2 3600, t B->D 3601, t A->B 20015',
          'handmade: every transition kept once, none for B -> B after leaving and coming back');
SELECT is((SELECT string_agg(format('%s %s %s', to_char(hour AT TIME ZONE 'UTC', 'HH24'), sector_set, cardinality(pair_ids)), ', '
                             ORDER BY hour, sector_set) FROM vatsim.sector_transition_hours),
          '01 t 5, 01 w 1, 02 t 2, 02 w 1, 06 t 1',
          'handmade: one row per UTC hour and set, the hour of each entry (01:00:00 belongs to 01)');
SELECT is((SELECT max(pair_id) FROM vatsim.sector_transition_pairs), 4,
          'handmade: four pairs, ids dense from 1 (known pairs use up no identity value)');
SELECT is((SELECT q FROM pg_temp.kept() WHERE e = pg_temp.t(30)), pg_temp.t(-30),
          'handmade: F1''s second A -> B records the first one''s predecessor entry');

SELECT results_eq($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(-30), pg_temp.t(30), 't')$$,
                  $$VALUES ('t'::text, 'A'::text, 'B'::text, 2::bigint), ('t', 'B', 'A', 1), ('t', 'B', 'D', 1)$$,
                  'F1''s two A -> B count once; F2''s A -> B the second flight');
SELECT results_eq($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(0), pg_temp.t(30), 't')$$,
                  $$VALUES ('t'::text, 'A'::text, 'B'::text, 1::bigint), ('t', 'B', 'A', 1)$$,
                  'from the hour: transitions whose predecessor was entered before it are out; F1''s second A -> B counts');
SELECT results_eq($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(3599), pg_temp.t(3601))$$,
                  $$VALUES ('t'::text, 'B'::text, 'D'::text, 1::bigint), ('w', 'W1', 'W2', 1)$$,
                  'a window across the hour: F1 in both sets; F2''s B -> D out (B entered at 15)');
SELECT results_eq($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(3599), pg_temp.t(3600) - interval '1 microsecond')$$,
                  $$SELECT 'x'::text, 'x'::text, 'x'::text, 0::bigint WHERE false$$,
                  'until a microsecond before the hour: nothing');
SELECT results_eq($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(3599) + interval '1 microsecond', pg_temp.t(3601), 't')$$,
                  $$SELECT 'x'::text, 'x'::text, 'x'::text, 0::bigint WHERE false$$,
                  'since a microsecond after the predecessor''s entry: nothing');
SELECT results_eq($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(-3600), pg_temp.t(30000), 'w')$$,
                  $$VALUES ('w'::text, 'W1'::text, 'W2'::text, 2::bigint)$$,
                  'one set: F1 and F2 from W1 to W2');
SELECT results_eq($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(4000), pg_temp.t(30000))$$,
                  $$VALUES ('t'::text, 'A'::text, 'B'::text, 1::bigint)$$,
                  'after the outage: F4');
SELECT results_eq($$SELECT * FROM vatsim.sector_transitions('-infinity', 'infinity')$$,
                  $$SELECT * FROM pg_temp.model_transitions('-infinity', 'infinity') ORDER BY 4 DESC, 1, 2, 3$$,
                  'from -infinity to infinity: every transition, in (flights DESC, set, from, to) order');
SELECT is(pg_temp.transition_diffs(60), 0::bigint, 'handmade: sector_transitions = the model over every window, all sets and each');
SELECT is(pg_temp.kept_vs_rebuild(), 0::bigint, 'handmade: the kept transitions equal a rebuild');
SELECT is(pg_temp.agg_check(), 'hours 0, bounds 0, prev 0', 'handmade: the other aggregates too');
SELECT is(pg_temp.transition_diffs(60), 0::bigint, 'after the rebuild (new pair ids): still the model');

-- damaged rows: a clear error, not a wrong count
SAVEPOINT s;
UPDATE vatsim.sector_transition_hours SET entry_times = entry_times[1:1]
 WHERE cardinality(pair_ids) > 1 AND hour = (SELECT min(hour) FROM vatsim.sector_transition_hours);
SELECT throws_ok($$SELECT * FROM vatsim.sector_transitions(pg_temp.t(-3600), pg_temp.t(30000))$$, 'XX001',
                 'vatsim.sector_transition_hours holds arrays of different lengths or with NULLs',
                 'arrays of different lengths: data_corrupted, rebuild hinted');
ROLLBACK TO SAVEPOINT s;

-- privileges: readers read the tables, do not write them
SELECT ok(has_table_privilege('vatsim_reader', 'vatsim.sector_transition_hours', 'SELECT')
          AND has_table_privilege('vatsim_reader', 'vatsim.sector_transition_pairs', 'SELECT'), 'vatsim_reader reads the transitions');
SELECT ok(NOT has_table_privilege('vatsim_reader', 'vatsim.sector_transition_hours', 'INSERT')
          AND NOT has_table_privilege('vatsim_reader', 'vatsim.sector_transition_pairs', 'UPDATE'), 'but does not write them');
-- a role that may call the function but not read the tables: refused,
-- as the query it replaces was (the function reads them directly)
CREATE ROLE vi15_transitions_nobody;
GRANT USAGE ON SCHEMA vatsim TO vi15_transitions_nobody;
GRANT EXECUTE ON FUNCTION vatsim.sector_transitions(timestamptz, timestamptz, text) TO vi15_transitions_nobody;
SET LOCAL ROLE vi15_transitions_nobody;
SELECT throws_ok($$SELECT * FROM vatsim.sector_transitions('-infinity', 'infinity')$$, '42501',
                 'permission denied for table sector_transition_hours',
                 'the function checks SELECT on the tables it reads for the calling role');
RESET ROLE;
SELECT ok((SELECT count(*) FROM pg_extension e, unnest(e.extconfig) c(r)
           WHERE e.extname = 'vatsim_ingest'
             AND c.r IN ('vatsim.sector_transition_hours'::regclass, 'vatsim.sector_transition_pairs'::regclass,
                           pg_get_serial_sequence('vatsim.sector_transition_pairs', 'pair_id')::regclass)) = 3,
          'pg_dump writes both tables and the identity sequence');

-- The real replay (VATSpy): the model, the rebuild
DROP EXTENSION vatsim_ingest CASCADE;
CREATE EXTENSION vatsim_ingest;
\o /dev/null
\i test/sql/replay.sql
SELECT replay.run(1, 13);
\o
SELECT cmp_ok((SELECT count(*)::int FROM pg_temp.kept()), '>', 100, 'replay: many transitions kept');
SELECT is(pg_temp.transition_diffs(10), 0::bigint, 'replay: sector_transitions = the model over windows');
SELECT is(pg_temp.kept_vs_rebuild(), 0::bigint, 'replay: the kept transitions equal a rebuild');

-- The update from 0.6.0 with the replay's intervals stored (the library
-- ingests for 0.7.0 only: the intervals are copied in, predecessors and
-- all, as 0.6.0's ingest wrote them): the same transitions as the ingest of
-- 0.7.0 kept
CREATE TEMP TABLE saved_kept AS SELECT * FROM pg_temp.kept();
CREATE TEMP TABLE saved_iv AS SELECT * FROM vatsim.sector_occupancy;
DROP EXTENSION vatsim_ingest CASCADE;
CREATE EXTENSION vatsim_ingest VERSION '0.6.0';
INSERT INTO vatsim.sector_occupancy (occupancy_id, flight_id, callsign, sector_set, sector, entry_time, exit_time,
                                     entry_lat, entry_lon, entry_altitude, exit_lat, exit_lon, exit_altitude, exit_reason,
                                     prev_sector, prev_entry_time, prev_pair_entry_time)
OVERRIDING SYSTEM VALUE
SELECT occupancy_id, flight_id, callsign, sector_set, sector, entry_time, exit_time,
       entry_lat, entry_lon, entry_altitude, exit_lat, exit_lon, exit_altitude, exit_reason,
       prev_sector, prev_entry_time, prev_pair_entry_time FROM saved_iv;
SELECT is((SELECT count(*)::int FROM vatsim.sector_occupancy WHERE prev_sector <> sector),
          (SELECT count(*)::int FROM saved_kept), '0.6.0: the same intervals with a predecessor elsewhere');
ALTER EXTENSION vatsim_ingest UPDATE TO '0.7.0';
SELECT is((SELECT count(*) FROM ((TABLE saved_kept EXCEPT ALL SELECT * FROM pg_temp.kept())
                                 UNION ALL (SELECT * FROM pg_temp.kept() EXCEPT ALL TABLE saved_kept)) d), 0::bigint,
          'update from 0.6.0: the transitions filled, the ones the ingest keeps');
SELECT is(pg_temp.transition_diffs(10), 0::bigint, 'update from 0.6.0: sector_transitions = the model');
SELECT is(pg_temp.agg_check(), 'hours 0, bounds 0, prev 0', 'update from 0.6.0: the aggregates still equal a rebuild');

SELECT * FROM finish();
ROLLBACK;
