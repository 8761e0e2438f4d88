-- The flight's running aggregates on its flights row (0.6.0): the update
-- from 0.5.0 moves every vatsim.flight_stats row onto its flight, exactly;
-- a flight with no aggregates starts them at its next snapshot; the view
-- vatsim.flight_stats shows 0.5.0's columns; the per-snapshot update leaves
-- the partial index of due flights alone; last_in_contact follows the
-- contacts.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SET client_min_messages = error;
SELECT plan(12);

-- 0.5.0 with two flights that have aggregates and one (made before 0.5.0)
-- that has none; the library is newer, so the rows are written by hand.
CREATE EXTENSION vatsim_ingest VERSION '0.5.0';
\i test/sql/synthetic.sql
INSERT INTO vatsim.flights (cid, callsign, logon_time, first_seen, last_seen)
VALUES (1000000 + (hashtext('AGG1') & 4194303), 'AGG1', '2024-01-01T00:00:00Z', pg_temp.t(-60), pg_temp.t(0)),
       (1000000 + (hashtext('AGG2') & 4194303), 'AGG2', '2024-01-01T00:00:00Z', pg_temp.t(-60), pg_temp.t(0)),
       (1000000 + (hashtext('OLD1') & 4194303), 'OLD1', '2024-01-01T00:00:00Z', pg_temp.t(-60), pg_temp.t(0));
INSERT INTO vatsim.flight_stats (flight_id, open, first_ts, last_ts, last_latitude, last_longitude,
    last_groundspeed, last_in_contact, slow_polls, max_altitude, distance_nm, airborne_us, contact_us,
    airborne_contact_us, snapshots)
SELECT flight_id, callsign = 'AGG1', pg_temp.t(-60), pg_temp.t(0), 0.1234567891234, -0.5, 250,
       callsign = 'AGG1', 0, 31000, 12.5, 45000000, 30000000, 15000000, 5
FROM vatsim.flights WHERE callsign IN ('AGG1', 'AGG2');
CREATE TEMP TABLE before AS
SELECT s.*::text AS r FROM vatsim.flight_stats s;
-- a snapshot row, so the next ingest is in order
INSERT INTO vatsim.snapshots (update_timestamp, pilots, controllers, atis, prefiles, servers, unique_users, rejected, bytes, duration_ms)
VALUES (pg_temp.t(0), 3, 0, 0, 0, 0, 3, 0, 0, 0);

ALTER EXTENSION vatsim_ingest UPDATE;
SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'vatsim_ingest'), '0.7.0', 'updated to 0.7.0');
SELECT is((SELECT count(*)::int FROM pg_class WHERE oid = 'vatsim.flight_stats'::regclass AND relkind = 'v'), 1,
          'vatsim.flight_stats is a view now');
SELECT set_eq('SELECT s.*::text FROM vatsim.flight_stats s', 'SELECT r FROM before',
              'every 0.5.0 aggregates row is on its flight, every column equal');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE callsign = 'OLD1' AND snapshots IS NULL AND stats_open IS NULL), 1,
          'a flight with no 0.5.0 aggregates has none after the update');

-- the next snapshot: AGG1 and OLD1 continue (same connection), AGG2 is absent
SELECT is((pg_temp.snap(15, pg_temp.p('AGG1', 0.1234567891234, 0.5, 250), pg_temp.p('OLD1', 1, 1, 20))).status,
          'ingested', 'the updated installation ingests');
SELECT is((SELECT format('%s %s %s %s', s.snapshots, round(s.distance_nm::numeric, 6), s.airborne_us, s.contact_us)
           FROM vatsim.flight_stats s JOIN vatsim.flights USING (flight_id) WHERE callsign = 'AGG1'),
          format('6 %s 60000000 45000000',
                 round((12.5 + 2 * 3440.065 * asin(sqrt(cos(radians(0.1234567891234)) ^ 2 * sin(radians(1.0) / 2) ^ 2)))::numeric, 6)),
          'AGG1 continues from its moved aggregates: one more snapshot, one more leg, 15 s airborne and in contact');
SELECT is((SELECT format('%s %s %s %s', s.snapshots, s.first_ts = pg_temp.t(15), s.distance_nm, s.slow_polls)
           FROM vatsim.flight_stats s JOIN vatsim.flights USING (flight_id) WHERE callsign = 'OLD1'),
          '1 t 0 1', 'OLD1 starts its aggregates at its next snapshot');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE callsign = 'OLD1'), 1, 'OLD1 is still one flight');

-- the due flights: open aggregates, absent now (AGG1 is open and present,
-- AGG2 closed in 0.5.0, OLD1 present): none; once AGG1 is absent it is due
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE stats_open AND status = 'offline'), 0,
          'no flight is due while every open one is present');
SELECT is((pg_temp.snap(30, pg_temp.p('OLD1', 1, 1, 20))).status, 'ingested', 'a snapshot without AGG1');
SELECT is((SELECT string_agg(callsign, ',' ORDER BY callsign) FROM vatsim.flights WHERE stats_open AND status = 'offline'),
          'AGG1', 'AGG1, absent but not yet gone, is due');

-- last_in_contact: AGG1 was in contact at t=0 (so t=0..15 counted as
-- contact time above), but no contact was open at t=15: the analytics step
-- set it to false then, so no later time counts as contact
SELECT is((SELECT last_in_contact FROM vatsim.flights WHERE callsign = 'AGG1'), false,
          'the contact state follows the contacts of the flight''s newest snapshot');

SELECT * FROM finish();
ROLLBACK;
