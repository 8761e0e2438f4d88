/*
 * vatsim_ingest--0.2.0--0.3.0.sql
 *		Sectors and occupancy: airspace polygons loaded from GeoJSON, the
 *		point-in-sector lookup, the region filter, the occupancy state
 *		machine (sector_occupancy, occupancy_state) and the sector
 *		history functions.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.3.0'" to load this file. \quit

CREATE TABLE vatsim.sector_sets (
    sector_set  text PRIMARY KEY,
    name_key    text NOT NULL,
    floor_key   text,
    ceiling_key text,
    loaded_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    features    integer NOT NULL,
    sectors     integer NOT NULL,
    repairs     integer NOT NULL
);
COMMENT ON TABLE vatsim.sector_sets IS 'Named sets of airspace sectors, each loaded from one GeoJSON FeatureCollection by vatsim.load_sectors()';
COMMENT ON COLUMN vatsim.sector_sets.sector_set IS 'Name of the set, e.g. vatspy';
COMMENT ON COLUMN vatsim.sector_sets.name_key IS 'Feature property that names the sector';
COMMENT ON COLUMN vatsim.sector_sets.floor_key IS 'Feature property holding the floor in feet (NULL: no floors)';
COMMENT ON COLUMN vatsim.sector_sets.ceiling_key IS 'Feature property holding the ceiling in feet (NULL: no ceilings)';
COMMENT ON COLUMN vatsim.sector_sets.loaded_at IS 'When the set was (re)loaded';
COMMENT ON COLUMN vatsim.sector_sets.features IS 'Features in the collection';
COMMENT ON COLUMN vatsim.sector_sets.sectors IS 'Sectors (features sharing a name form one sector)';
COMMENT ON COLUMN vatsim.sector_sets.repairs IS 'Rings that were repaired (closed) while loading';

CREATE TABLE vatsim.sectors (
    sector_set text NOT NULL REFERENCES vatsim.sector_sets ON DELETE CASCADE,
    sector     text NOT NULL,
    floor_ft   integer,
    ceiling_ft integer,
    features   integer NOT NULL,
    min_lon    double precision NOT NULL,
    min_lat    double precision NOT NULL,
    max_lon    double precision NOT NULL,
    max_lat    double precision NOT NULL,
    PRIMARY KEY (sector_set, sector)
);
COMMENT ON TABLE vatsim.sectors IS 'Airspace sectors: one per distinct name in a set';
COMMENT ON COLUMN vatsim.sectors.sector_set IS 'Set the sector belongs to';
COMMENT ON COLUMN vatsim.sectors.sector IS 'Sector name';
COMMENT ON COLUMN vatsim.sectors.floor_ft IS 'Lowest altitude in the sector, feet, inclusive (NULL: none)';
COMMENT ON COLUMN vatsim.sectors.ceiling_ft IS 'Altitude where the sector ends, feet, exclusive (NULL: none)';
COMMENT ON COLUMN vatsim.sectors.features IS 'Features that make up the sector';
COMMENT ON COLUMN vatsim.sectors.min_lon IS 'Bounding box: west (may be below -180 for a sector across the antimeridian)';
COMMENT ON COLUMN vatsim.sectors.min_lat IS 'Bounding box: south';
COMMENT ON COLUMN vatsim.sectors.max_lon IS 'Bounding box: east (may exceed 180 for a sector across the antimeridian)';
COMMENT ON COLUMN vatsim.sectors.max_lat IS 'Bounding box: north';

CREATE TABLE vatsim.sector_features (
    sector_set    text NOT NULL,
    feature_index integer NOT NULL,
    sector        text NOT NULL,
    feature       json NOT NULL,
    PRIMARY KEY (sector_set, feature_index),
    FOREIGN KEY (sector_set, sector) REFERENCES vatsim.sectors ON DELETE CASCADE
);
COMMENT ON TABLE vatsim.sector_features IS 'The GeoJSON features of each set exactly as loaded (json keeps their text), for export and for rebuilding the index';
COMMENT ON COLUMN vatsim.sector_features.sector_set IS 'Set the feature belongs to';
COMMENT ON COLUMN vatsim.sector_features.feature_index IS 'Position of the feature in the loaded collection (0-based)';
COMMENT ON COLUMN vatsim.sector_features.sector IS 'Sector the feature is part of';
COMMENT ON COLUMN vatsim.sector_features.feature IS 'The GeoJSON Feature, unchanged';

-- Any change to the sector tables, through load_sectors() or by hand, tells
-- every backend to rebuild its in-memory index before its next lookup.
CREATE FUNCTION vatsim.sectors_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'vatsim_sectors_changed'
LANGUAGE C;
COMMENT ON FUNCTION vatsim.sectors_changed() IS 'Trigger: invalidates the cached sector index in every backend';
CREATE TRIGGER sector_sets_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vatsim.sector_sets
    FOR EACH STATEMENT EXECUTE FUNCTION vatsim.sectors_changed();
CREATE TRIGGER sectors_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vatsim.sectors
    FOR EACH STATEMENT EXECUTE FUNCTION vatsim.sectors_changed();
CREATE TRIGGER sector_features_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vatsim.sector_features
    FOR EACH STATEMENT EXECUTE FUNCTION vatsim.sectors_changed();

CREATE FUNCTION vatsim.load_sectors(sector_set text, geojson text,
    name_key text DEFAULT 'name', floor_key text DEFAULT NULL, ceiling_key text DEFAULT NULL,
    strict boolean DEFAULT false,
    OUT sector_set text, OUT features integer, OUT sectors integer, OUT repairs integer)
RETURNS record
AS 'MODULE_PATHNAME', 'vatsim_load_sectors'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.load_sectors(text, text, text, text, text, boolean) IS 'Load (or replace) a sector set from a GeoJSON FeatureCollection of Polygon/MultiPolygon features';
REVOKE ALL ON FUNCTION vatsim.load_sectors(text, text, text, text, text, boolean) FROM PUBLIC;

CREATE FUNCTION vatsim.sectors_at(latitude double precision, longitude double precision,
    altitude_ft integer DEFAULT NULL, sector_set text DEFAULT NULL)
RETURNS TABLE (sector_set text, sector text)
AS 'MODULE_PATHNAME', 'vatsim_sectors_at'
LANGUAGE C STABLE CALLED ON NULL INPUT ROWS 2;
-- no SET search_path: it costs a third of a call, and the only statement the
-- function may run (rebuilding the index) qualifies every name
COMMENT ON FUNCTION vatsim.sectors_at(double precision, double precision, integer, text) IS 'Every sector containing the point (within its altitude band, if any)';

CREATE FUNCTION vatsim.export_sectors(sector_set text) RETURNS json
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT json_build_object('type', 'FeatureCollection',
                             'features', coalesce(json_agg(f.feature ORDER BY f.feature_index), '[]'::json))
    FROM vatsim.sector_features f WHERE f.sector_set = $1
$$;
COMMENT ON FUNCTION vatsim.export_sectors(text) IS 'The features of a sector set as a GeoJSON FeatureCollection, as loaded';

GRANT SELECT ON vatsim.sector_sets, vatsim.sectors, vatsim.sector_features TO vatsim_reader;

-- ---------------------------------------------------------------------------
-- Occupancy: which sector each flight is in, with entry and exit
-- ---------------------------------------------------------------------------
-- Outside vatsim_ingest.region a pilot is current state only: no flight.
ALTER TABLE vatsim.pilots ALTER COLUMN flight_id DROP NOT NULL;
COMMENT ON COLUMN vatsim.pilots.flight_id IS 'Flight this connection belongs to (vatsim.flights); NULL outside vatsim_ingest.region';
ALTER TABLE vatsim.snapshots ADD COLUMN positions integer;
ALTER TABLE vatsim.snapshots ADD COLUMN sector_error text;
COMMENT ON COLUMN vatsim.snapshots.positions IS 'Positions stored: pilots inside vatsim_ingest.region (NULL before 0.3.0)';
COMMENT ON COLUMN vatsim.snapshots.sector_error IS 'Why sector processing failed for this snapshot (its flights and positions were stored)';

CREATE TABLE vatsim.sector_occupancy (
    occupancy_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flight_id      bigint NOT NULL,
    callsign       varchar(24) NOT NULL,
    sector_set     text NOT NULL,
    sector         text NOT NULL,
    entry_time     timestamptz NOT NULL,
    exit_time      timestamptz,
    duration       interval GENERATED ALWAYS AS (exit_time - entry_time) STORED,
    entry_lat      double precision NOT NULL,
    entry_lon      double precision NOT NULL,
    entry_altitude integer,
    exit_lat       double precision,
    exit_lon       double precision,
    exit_altitude  integer,
    exit_reason    text CHECK (exit_reason IN ('left', 'slow', 'gone')),
    CHECK ((exit_time IS NULL) = (exit_reason IS NULL))
);
CREATE INDEX sector_occupancy_flight_idx ON vatsim.sector_occupancy (flight_id, entry_time);
CREATE INDEX sector_occupancy_callsign_idx ON vatsim.sector_occupancy (callsign, entry_time);
CREATE INDEX sector_occupancy_sector_idx ON vatsim.sector_occupancy (sector, entry_time);
CREATE INDEX sector_occupancy_entry_idx ON vatsim.sector_occupancy (entry_time);
CREATE INDEX sector_occupancy_open_idx ON vatsim.sector_occupancy (flight_id) WHERE exit_time IS NULL;
COMMENT ON TABLE vatsim.sector_occupancy IS 'Sector intervals: a flight inside a sector from entry to exit (open while exit_time is NULL)';
COMMENT ON COLUMN vatsim.sector_occupancy.occupancy_id IS 'Interval identifier';
COMMENT ON COLUMN vatsim.sector_occupancy.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.sector_occupancy.callsign IS 'Callsign of the flight';
COMMENT ON COLUMN vatsim.sector_occupancy.sector_set IS 'Sector set';
COMMENT ON COLUMN vatsim.sector_occupancy.sector IS 'Sector name';
COMMENT ON COLUMN vatsim.sector_occupancy.entry_time IS 'Snapshot time of the entry';
COMMENT ON COLUMN vatsim.sector_occupancy.exit_time IS 'Snapshot time of the exit; for gone, the flight''s last-seen time';
COMMENT ON COLUMN vatsim.sector_occupancy.duration IS 'exit_time - entry_time';
COMMENT ON COLUMN vatsim.sector_occupancy.entry_lat IS 'Latitude at entry';
COMMENT ON COLUMN vatsim.sector_occupancy.entry_lon IS 'Longitude at entry';
COMMENT ON COLUMN vatsim.sector_occupancy.entry_altitude IS 'Altitude at entry, feet';
COMMENT ON COLUMN vatsim.sector_occupancy.exit_lat IS 'Latitude at exit: the last position inside the sector (left, gone) or the position when slow';
COMMENT ON COLUMN vatsim.sector_occupancy.exit_lon IS 'Longitude at exit';
COMMENT ON COLUMN vatsim.sector_occupancy.exit_altitude IS 'Altitude at exit, feet';
COMMENT ON COLUMN vatsim.sector_occupancy.exit_reason IS 'left: no longer inside; slow: slow for exit_polls snapshots (landed); gone: absent longer than stale_after';

CREATE TABLE vatsim.occupancy_state (
    flight_id  bigint PRIMARY KEY,
    slow_polls integer NOT NULL CHECK (slow_polls > 0)
);
COMMENT ON TABLE vatsim.occupancy_state IS 'Slow counts of flights (the only tracker state no other table holds: open intervals, last-seen times and last positions are in sector_occupancy, flights and positions)';
COMMENT ON COLUMN vatsim.occupancy_state.flight_id IS 'Flight';
COMMENT ON COLUMN vatsim.occupancy_state.slow_polls IS 'Consecutive snapshots below exit_speed_kt, up to exit_polls';

GRANT SELECT ON vatsim.sector_occupancy, vatsim.occupancy_state TO vatsim_reader;

-- ---------------------------------------------------------------------------
-- Sector history (C set-returning functions over vatsim.sector_occupancy)
-- ---------------------------------------------------------------------------
CREATE INDEX sector_occupancy_during_idx ON vatsim.sector_occupancy
    USING gist (tstzrange(entry_time, exit_time, '[)'));

CREATE FUNCTION vatsim.sector_history(callsign text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
RETURNS TABLE (flight_id bigint, callsign text, sector_set text, sector text, entry_time timestamptz,
               exit_time timestamptz, duration interval, entry_lat double precision, entry_lon double precision,
               entry_altitude integer, exit_lat double precision, exit_lon double precision,
               exit_altitude integer, exit_reason text)
AS 'MODULE_PATHNAME', 'vatsim_sector_history_callsign'
LANGUAGE C STABLE CALLED ON NULL INPUT
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.sector_history(text, timestamptz, timestamptz) IS 'Sector intervals of a callsign, in time order, overlapping [since, until] when given';

CREATE FUNCTION vatsim.sector_history(flight_id bigint, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
RETURNS TABLE (flight_id bigint, callsign text, sector_set text, sector text, entry_time timestamptz,
               exit_time timestamptz, duration interval, entry_lat double precision, entry_lon double precision,
               entry_altitude integer, exit_lat double precision, exit_lon double precision,
               exit_altitude integer, exit_reason text)
AS 'MODULE_PATHNAME', 'vatsim_sector_history_flight'
LANGUAGE C STABLE CALLED ON NULL INPUT
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.sector_history(bigint, timestamptz, timestamptz) IS 'Sector intervals of a flight, in time order, overlapping [since, until] when given';

CREATE FUNCTION vatsim.sector_traffic(sector text, since timestamptz, until timestamptz, sector_set text DEFAULT NULL)
RETURNS TABLE (flight_id bigint, callsign text, sector_set text, sector text, entry_time timestamptz,
               exit_time timestamptz, duration interval, entry_lat double precision, entry_lon double precision,
               entry_altitude integer, exit_lat double precision, exit_lon double precision,
               exit_altitude integer, exit_reason text)
AS 'MODULE_PATHNAME', 'vatsim_sector_traffic'
LANGUAGE C STABLE CALLED ON NULL INPUT
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.sector_traffic(text, timestamptz, timestamptz, text) IS 'Every interval in a sector that overlaps [since, until]';

CREATE FUNCTION vatsim.sector_counts(at timestamptz DEFAULT now(), sector_set text DEFAULT NULL)
RETURNS TABLE (sector_set text, sector text, flights bigint)
AS 'MODULE_PATHNAME', 'vatsim_sector_counts'
LANGUAGE C STABLE CALLED ON NULL INPUT
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.sector_counts(timestamptz, text) IS 'Flights in each sector at an instant (entry <= at < exit)';

CREATE FUNCTION vatsim.sector_transitions(since timestamptz, until timestamptz, sector_set text DEFAULT NULL)
RETURNS TABLE (sector_set text, from_sector text, to_sector text, flights bigint)
AS 'MODULE_PATHNAME', 'vatsim_sector_transitions'
LANGUAGE C STABLE CALLED ON NULL INPUT
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.sector_transitions(timestamptz, timestamptz, text) IS 'How many flights went from each sector to the next one, entries inside [since, until]';
