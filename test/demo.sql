-- demo.sql: replay the shipped snapshots (file names sort in time order)
-- and summarise what was stored.  Run by test/demo.sh inside pg_virtualenv.
\getenv fixtures VATSIM_FIXTURES
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;

\echo 'Sectors: VATSpy FIR boundaries (CC BY-SA 4.0):'
SELECT * FROM vatsim.load_sectors('vatspy', pg_read_file(:'fixtures' || '/vatspy-boundaries.geojson'), 'id');

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
