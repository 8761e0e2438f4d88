-- load_setup.sql: the database of the load test (bench/load_run.sh).  The
-- extension, VATSpy's sectors (two sets, tracked) and airports, and schema "load":
-- the argument draws of the readers (bench/load_readers.txt), each picking,
-- from a random integer r, something that exists NOW (the worker adds to
-- it all the time): one index probe each, so a reader's latency is its
-- function's.  Then the tables the report reads (load_report.sql).  psql
-- variable: dir (VATSpy's Boundaries.geojson and VATSpy.dat).
\set ON_ERROR_STOP 1
\set boundaries `cat :dir/Boundaries.geojson`
\set vatspy `cat :dir/VATSpy.dat`
SET client_min_messages = warning;
CREATE EXTENSION vatsim_ingest;
SELECT sectors FROM vatsim.load_sectors('vatspy', :'boundaries', 'id');
-- a division's own set too, tracked as well: VATSpy's Australian features
SELECT sectors FROM vatsim.load_sectors('au',
    (SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(f))::text
     FROM json_array_elements((:'boundaries')::json -> 'features') f
     WHERE f -> 'properties' ->> 'id' LIKE 'Y%'), 'id');
SELECT airports FROM vatsim.load_airports(:'vatspy');
CREATE SCHEMA load;
-- the newest snapshot, and a time in the last `span` before it
CREATE FUNCTION load.newest() RETURNS timestamptz LANGUAGE sql STABLE
AS $$ SELECT max(update_timestamp) FROM vatsim.snapshots $$;
CREATE FUNCTION load.at(r bigint, span interval) RETURNS timestamptz LANGUAGE sql STABLE
AS $$ SELECT load.newest() - span * ((r % 1000) / 1000.0) $$;
-- a flight (the first id at or after a random point of the id range)
CREATE FUNCTION load.flight(r bigint) RETURNS bigint LANGUAGE sql STABLE
AS $$ SELECT f.flight_id FROM vatsim.flights f
      WHERE f.flight_id >= (SELECT min(flight_id) + r % (max(flight_id) - min(flight_id) + 1) FROM vatsim.flights)
      ORDER BY f.flight_id LIMIT 1 $$;
CREATE FUNCTION load.callsign(r bigint) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT callsign FROM vatsim.flights WHERE flight_id = load.flight(r) $$;
-- a sector with traffic: that of a random interval (busy sectors more often)
CREATE FUNCTION load.sector(r bigint) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT coalesce((SELECT o.sector FROM vatsim.sector_occupancy o
      WHERE o.occupancy_id >= (SELECT min(occupancy_id) + r % (max(occupancy_id) - min(occupancy_id) + 1)
                               FROM vatsim.sector_occupancy)
      ORDER BY o.occupancy_id LIMIT 1), 'EGTT') $$;
-- a controller callsign online now, and an airport with movements
CREATE FUNCTION load.controller(r bigint) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT callsign FROM vatsim.controllers ORDER BY callsign
      OFFSET r % greatest((SELECT count(*) FROM vatsim.controllers), 1) LIMIT 1 $$;
CREATE FUNCTION load.airport(r bigint) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT coalesce((SELECT m.icao FROM vatsim.movements m
      WHERE m.movement_id >= (SELECT min(movement_id) + r % (max(movement_id) - min(movement_id) + 1)
                              FROM vatsim.movements) AND m.icao IS NOT NULL
      ORDER BY m.movement_id LIMIT 1), 'EGLL') $$;
-- what the run leaves for the report: pgbench's transaction log lines
-- ("client transaction_no time_us script_no epoch epoch_us"), its scripts
-- (script_no = the order they were given), and the documents served
CREATE TABLE load.tx_raw (line text);
CREATE TABLE load.scripts (script int GENERATED ALWAYS AS IDENTITY (MINVALUE 0 START 0), name text, weight int);
CREATE TABLE load.expected (ts timestamptz PRIMARY KEY, pilots int, controllers int);
