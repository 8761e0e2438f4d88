-- demo.sql: replay the shipped snapshots (file names sort in time order)
-- and summarise what was stored.  Run by test/demo.sh inside pg_virtualenv.
\getenv fixtures VATSIM_FIXTURES
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;

\echo 'Sectors: VATSpy FIR boundaries (CC BY-SA 4.0):'
SELECT * FROM vatsim.load_sectors('vatspy', pg_read_file(:'fixtures' || '/vatspy/Boundaries.geojson'), 'id');

CREATE TEMP TABLE demo_runs (file text, r vatsim.ingest_result);
-- One transaction per snapshot, in file-name (= time) order.
SELECT format('INSERT INTO demo_runs SELECT %L, vatsim.ingest_file(%L)',
              f.name, :'fixtures' || '/' || f.name)
FROM pg_catalog.pg_ls_dir(:'fixtures') AS f(name)
WHERE f.name LIKE 'v3-%.json'
ORDER BY f.name
\gexec

\pset footer off
\echo
\echo 'Snapshots ingested (oldest first):'
SELECT to_char((r).update_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS "update_timestamp (UTC)",
       (r).status, (r).pilots, (r).controllers, (r).atis, (r).prefiles, (r).rejected,
       round((r).duration_ms::numeric, 1) AS ms
FROM demo_runs ORDER BY (r).update_timestamp;

\echo 'Stored:'
SELECT (SELECT count(*) FROM vatsim.snapshots) AS snapshots,
       (SELECT count(*) FROM vatsim.pilots) AS pilots_online,
       (SELECT count(*) FROM vatsim.flights) AS flights,
       (SELECT count(*) FROM vatsim.flight_plans) AS plan_versions,
       (SELECT count(*) FROM vatsim.controllers) AS controllers_online,
       (SELECT count(*) FROM vatsim.controller_sessions) AS controller_sessions,
       (SELECT count(*) FROM vatsim.positions) AS positions,
       (SELECT round(avg(duration_ms)::numeric, 1) FROM vatsim.snapshots) AS ms_per_snapshot;

\echo 'Busiest sectors in the newest snapshot (vatsim.sector_counts):'
SELECT sector, flights FROM vatsim.sector_counts((SELECT max(update_timestamp) FROM vatsim.snapshots), 'vatspy')
ORDER BY flights DESC, sector LIMIT 5;

\echo 'Sector intervals (vatsim.sector_occupancy):'
SELECT count(*) AS intervals, count(*) FILTER (WHERE exit_time IS NULL) AS open,
       count(*) FILTER (WHERE exit_reason = 'left') AS left_sector,
       count(*) FILTER (WHERE exit_reason = 'slow') AS landed,
       count(*) FILTER (WHERE exit_reason = 'gone') AS gone
FROM vatsim.sector_occupancy;

\echo 'One flight across the seq1 -> seq2 -> seq3 series (vatsim.sector_history):'
SELECT sector, entry_time, exit_time, duration, exit_reason
FROM vatsim.sector_history((SELECT flight_id FROM vatsim.sector_occupancy
                            WHERE exit_reason = 'left' ORDER BY occupancy_id LIMIT 1));

\echo 'Busiest departure airports in the newest snapshot:'
SELECT plan_departure AS departure, count(*) AS pilots
FROM vatsim.pilots WHERE plan_departure <> ''
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5;

-- ---------------------------------------------------------------------------
-- Analytics (0.5.0): the real seq1 -> seq2 -> seq3 series again in a second
-- database, this time with VATSpy's airports and a transceivers document
-- for each snapshot, then 10 steps of seq3 moved along the pilots'
-- headings.  The shipped snapshots have no transceivers file of their own,
-- so the demo DERIVES one per snapshot (test/sql/derived_transceivers.sql:
-- each controller at its airport, most pilots tuned to the nearest
-- controller in range, every fourth on UNICOM).  Contacts, controller and
-- flight summaries and movements are built in each ingest transaction.
-- ---------------------------------------------------------------------------
CREATE DATABASE demo_analytics;
\c demo_analytics
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;
\echo
\echo 'Airports: VATSpy.dat (CC BY-SA 4.0):'
SELECT * FROM vatsim.load_airports(pg_read_file(:'fixtures' || '/vatspy/VATSpy.dat'));
\ir sql/derived_transceivers.sql
-- replay.docs 1..13: seq1, seq2, seq3, then seq3 moved 15 s a step (10 steps);
-- it loads VATSpy's FIRs as sector set vatspy
\ir sql/replay.sql
-- 14: the network empty 6 minutes after step 10, so that every flight and
-- controller session still in progress ends (and is summarised)
INSERT INTO replay.docs
SELECT 14, jsonb_build_object('general', jsonb_build_object('version', 3, 'update_timestamp',
           to_char(((doc::jsonb #>> '{general,update_timestamp}')::timestamptz + interval '6 min')
                   AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
       'pilots', '[]'::jsonb, 'controllers', '[]'::jsonb, 'atis', '[]'::jsonb,
       'prefiles', '[]'::jsonb, 'servers', '[]'::jsonb)::text
FROM replay.docs WHERE n = 13;
CREATE TEMP TABLE analytics_runs (n int, r vatsim.ingest_result);
CREATE TEMP TABLE tuned (n int, pilots_on_atc bigint);
-- seq1, seq2, seq3: each tuned afresh (their controllers differ); the steps
-- keep seq3's tuning
SELECT format('INSERT INTO tuned SELECT %s, derived.tuning(doc::jsonb) FROM replay.docs WHERE n = %s', n, n) AS tune,
       format('INSERT INTO analytics_runs SELECT %s, vatsim.ingest(doc, derived.transceivers(doc::jsonb)) FROM replay.docs WHERE n = %s', n, n) AS ingest
FROM replay.docs WHERE n <= 3 ORDER BY n
\gexec
SELECT format('INSERT INTO analytics_runs SELECT %s, vatsim.ingest(doc, derived.transceivers(doc::jsonb)) FROM replay.docs WHERE n = %s', n, n)
FROM replay.docs WHERE n BETWEEN 4 AND 13 ORDER BY n
\gexec
INSERT INTO analytics_runs SELECT 14, vatsim.ingest(doc) FROM replay.docs WHERE n = 14;

\echo
\echo 'Analytics built while ingesting (vatsim.snapshots.analytics_ms is the step''s own time):'
SELECT count(*) AS snapshots,
       round(avg(s.analytics_ms)::numeric, 1) AS analytics_ms_avg,
       (SELECT count(*) FROM vatsim.atc_contacts) AS contact_intervals,
       (SELECT count(*) FROM vatsim.controller_summaries) AS controller_summaries,
       (SELECT count(*) FROM vatsim.flight_summaries) AS flight_summaries,
       (SELECT count(*) FROM vatsim.movements) AS movements
FROM vatsim.snapshots s;

\echo 'A controller summary: the ended session that worked the most aircraft (vatsim.controller_summaries):'
SELECT callsign, type, range_nm, started_at, ended_at, duration_s, connections, frequencies,
       aircraft, peak_aircraft, peak_at, contact_seconds
FROM vatsim.controller_summaries ORDER BY aircraft DESC, contact_seconds DESC, session_id LIMIT 1 \gx
\echo 'Its hours (vatsim.controller_summary_hours):'
SELECT hour, staffed_seconds, aircraft, contact_seconds
FROM vatsim.controller_summary_hours
WHERE session_id = (SELECT session_id FROM vatsim.controller_summaries
                    ORDER BY aircraft DESC, contact_seconds DESC, session_id LIMIT 1)
ORDER BY hour;

\echo 'A flight summary with its ATC share: the ended flight with the most time in contact (vatsim.flight_summaries):'
SELECT callsign, departure, arrival, aircraft, first_seen, last_seen, end_reason,
       round(total_s) AS total_s, round(airborne_s) AS airborne_s, max_altitude,
       round(distance_nm::numeric, 1) AS distance_nm, sectors, primary_sector, controllers,
       round(contact_s) AS contact_s, round(atc_share::numeric, 3) AS atc_share,
       round(airborne_atc_share::numeric, 3) AS airborne_atc_share
FROM vatsim.flight_summaries ORDER BY contact_s DESC, flight_id LIMIT 1 \gx

\echo 'Departures and arrivals detected (vatsim.movements):'
SELECT kind, callsign, icao, airport_name, round(distance_nm::numeric, 1) AS nm_from_airport,
       ts, prev_groundspeed || ' -> ' || groundspeed AS groundspeed_kt
FROM vatsim.movements ORDER BY ts, movement_id;

\echo 'An airport''s movements in 15-minute buckets (vatsim.airport_movements):'
SELECT * FROM vatsim.airport_movements(
    (SELECT icao FROM vatsim.movements WHERE icao IS NOT NULL ORDER BY ts, movement_id LIMIT 1),
    (SELECT min(update_timestamp) FROM vatsim.snapshots) - interval '15 minutes',
    (SELECT max(update_timestamp) FROM vatsim.snapshots), '15 minutes');
\c postgres
