/*
 * vatsim_ingest--0.1.0.sql
 *		Install script: the vatsim schema (created by CREATE EXTENSION from
 *		the control file), its tables, and the SQL entry points.
 *
 * Conventions: every time is timestamptz (UTC on the wire); "current" tables
 * mirror the newest snapshot and lose rows that leave it; history tables
 * (snapshots, flights, positions, flight_plans, controller_sessions) only
 * grow.  The C code writes only through schema-qualified, parameterised
 * statements.
 */

\echo Use "CREATE EXTENSION vatsim_ingest" to load this file. \quit

COMMENT ON SCHEMA vatsim IS 'VATSIM network data: current state, history and ingest functions (extension vatsim_ingest)';

-- ---------------------------------------------------------------------------
-- Snapshots: one row per ingested feed generation
-- ---------------------------------------------------------------------------
CREATE TABLE vatsim.snapshots (
    update_timestamp  timestamptz PRIMARY KEY,
    ingested_at       timestamptz NOT NULL DEFAULT pg_catalog.now(),
    feed_version      integer,
    pilots            integer NOT NULL,
    controllers       integer NOT NULL,
    atis              integer NOT NULL,
    prefiles          integer NOT NULL,
    servers           integer NOT NULL,
    connected_clients integer,
    unique_users      integer,
    rejected          integer NOT NULL,
    bytes             bigint NOT NULL,
    duration_ms       double precision NOT NULL
);
COMMENT ON TABLE vatsim.snapshots IS 'One row per ingested feed generation; update_timestamp is the dedupe key';
COMMENT ON COLUMN vatsim.snapshots.update_timestamp IS 'general.update_timestamp of the feed (generation time, rounded to microseconds)';
COMMENT ON COLUMN vatsim.snapshots.ingested_at IS 'Start of the transaction that stored the snapshot';
COMMENT ON COLUMN vatsim.snapshots.feed_version IS 'general.version (3 for the v3 feed)';
COMMENT ON COLUMN vatsim.snapshots.pilots IS 'Pilot records stored (after rejections and duplicates)';
COMMENT ON COLUMN vatsim.snapshots.controllers IS 'Controller records stored (observers included)';
COMMENT ON COLUMN vatsim.snapshots.atis IS 'ATIS records stored';
COMMENT ON COLUMN vatsim.snapshots.prefiles IS 'Prefiled flight plans stored';
COMMENT ON COLUMN vatsim.snapshots.servers IS 'Server records stored';
COMMENT ON COLUMN vatsim.snapshots.connected_clients IS 'general.connected_clients as the feed reported it';
COMMENT ON COLUMN vatsim.snapshots.unique_users IS 'general.unique_users as the feed reported it';
COMMENT ON COLUMN vatsim.snapshots.rejected IS 'Records skipped: invalid values or a callsign repeated within a section';
COMMENT ON COLUMN vatsim.snapshots.bytes IS 'Size of the feed document in bytes';
COMMENT ON COLUMN vatsim.snapshots.duration_ms IS 'Parse and store time of this snapshot in milliseconds';

-- ---------------------------------------------------------------------------
-- Reference tables, as the feed provides them
-- ---------------------------------------------------------------------------
CREATE TABLE vatsim.facilities (
    id        integer PRIMARY KEY,
    short     text,
    long      text
);
COMMENT ON TABLE vatsim.facilities IS 'Controller facility types from the feed (0 OBS .. 6 CTR)';
COMMENT ON COLUMN vatsim.facilities.id IS 'Facility id as used in controllers.facility';
COMMENT ON COLUMN vatsim.facilities.short IS 'Short name, e.g. TWR';
COMMENT ON COLUMN vatsim.facilities.long IS 'Long name, e.g. Tower';

CREATE TABLE vatsim.ratings (
    id        integer PRIMARY KEY,
    short     text,
    long      text
);
COMMENT ON TABLE vatsim.ratings IS 'Controller ratings from the feed (-1 INAC .. 12 ADM)';
COMMENT ON COLUMN vatsim.ratings.id IS 'Rating id as used in controllers.rating';
COMMENT ON COLUMN vatsim.ratings.short IS 'Short name, e.g. S2';
COMMENT ON COLUMN vatsim.ratings.long IS 'Long name';

CREATE TABLE vatsim.pilot_ratings (
    id         integer PRIMARY KEY,
    short_name text,
    long_name  text
);
COMMENT ON TABLE vatsim.pilot_ratings IS 'Pilot ratings from the feed (0 NEW .. 63 FE)';
COMMENT ON COLUMN vatsim.pilot_ratings.id IS 'Rating id as used in pilots.pilot_rating';
COMMENT ON COLUMN vatsim.pilot_ratings.short_name IS 'Short name, e.g. PPL';
COMMENT ON COLUMN vatsim.pilot_ratings.long_name IS 'Long name';

CREATE TABLE vatsim.military_ratings (
    id         integer PRIMARY KEY,
    short_name text,
    long_name  text
);
COMMENT ON TABLE vatsim.military_ratings IS 'Military pilot ratings from the feed (present since 2023)';
COMMENT ON COLUMN vatsim.military_ratings.id IS 'Rating id as used in pilots.military_rating';
COMMENT ON COLUMN vatsim.military_ratings.short_name IS 'Short name, e.g. M1';
COMMENT ON COLUMN vatsim.military_ratings.long_name IS 'Long name';

CREATE TABLE vatsim.servers (
    ident                      text PRIMARY KEY,
    hostname_or_ip             text,
    location                   text,
    name                       text,
    clients_connection_allowed integer,
    client_connections_allowed boolean,
    is_sweatbox                boolean
);
COMMENT ON TABLE vatsim.servers IS 'Current network servers (rows absent from the newest snapshot are removed)';
COMMENT ON COLUMN vatsim.servers.ident IS 'Server identifier, matches pilots.server and controllers.server';
COMMENT ON COLUMN vatsim.servers.hostname_or_ip IS 'Host name or address';
COMMENT ON COLUMN vatsim.servers.location IS 'Location as text';
COMMENT ON COLUMN vatsim.servers.name IS 'Display name';
COMMENT ON COLUMN vatsim.servers.clients_connection_allowed IS 'Legacy integer flag (1 = clients may connect)';
COMMENT ON COLUMN vatsim.servers.client_connections_allowed IS 'Clients may connect (NULL in feeds before 2022)';
COMMENT ON COLUMN vatsim.servers.is_sweatbox IS 'Training server (NULL in feeds before 2022)';

-- ---------------------------------------------------------------------------
-- Flights: identity of a pilot's trip across reconnects
-- ---------------------------------------------------------------------------
CREATE TABLE vatsim.flights (
    flight_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cid         integer NOT NULL,
    callsign    varchar(24) NOT NULL,
    logon_time  timestamptz NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    departure   text,
    arrival     text,
    aircraft    text,
    connections integer NOT NULL DEFAULT 1,
    status      text NOT NULL DEFAULT 'online' CHECK (status IN ('online', 'offline')),
    plan_hash   bigint
) WITH (fillfactor = 70);
-- Every snapshot moves last_seen of every online flight: no index may cover
-- it, so those updates stay HOT (no index writes); fillfactor leaves room.
CREATE INDEX flights_pilot_idx ON vatsim.flights (cid, callsign);
CREATE INDEX flights_online_idx ON vatsim.flights (flight_id) WHERE status = 'online';
COMMENT ON TABLE vatsim.flights IS 'One row per flight: a pilot (cid, callsign) that reconnects within vatsim_ingest.reconnect_grace with the same departure and arrival continues the same flight';
COMMENT ON COLUMN vatsim.flights.flight_id IS 'Flight identifier, referenced by positions and flight_plans';
COMMENT ON COLUMN vatsim.flights.cid IS 'VATSIM member id of the pilot';
COMMENT ON COLUMN vatsim.flights.callsign IS 'Callsign flown';
COMMENT ON COLUMN vatsim.flights.logon_time IS 'logon_time of the newest connection that carried this flight';
COMMENT ON COLUMN vatsim.flights.first_seen IS 'update_timestamp of the first snapshot that carried the flight';
COMMENT ON COLUMN vatsim.flights.last_seen IS 'update_timestamp of the newest snapshot that carried the flight';
COMMENT ON COLUMN vatsim.flights.departure IS 'Departure aerodrome from the flight plan (NULL without a plan)';
COMMENT ON COLUMN vatsim.flights.arrival IS 'Arrival aerodrome from the flight plan (NULL without a plan)';
COMMENT ON COLUMN vatsim.flights.aircraft IS 'Aircraft type: flight_plan.aircraft_short, else flight_plan.aircraft';
COMMENT ON COLUMN vatsim.flights.connections IS 'Number of network connections (logons) stitched into this flight';
COMMENT ON COLUMN vatsim.flights.status IS 'online: in the newest snapshot; offline: absent from it';
COMMENT ON COLUMN vatsim.flights.plan_hash IS 'Digest of the newest flight-plan version, to detect amendments';

CREATE TABLE vatsim.positions (
    flight_id   bigint NOT NULL,
    ts          timestamptz NOT NULL,
    latitude    double precision NOT NULL,
    longitude   double precision NOT NULL,
    altitude    integer,
    groundspeed integer,
    heading     integer,
    transponder text,
    qnh_i_hg    double precision,
    qnh_mb      integer,
    PRIMARY KEY (flight_id, ts)
);
-- No foreign key to flights: an RI check per position row would double the
-- cost of every snapshot; the ingest writes flight and positions together.
COMMENT ON TABLE vatsim.positions IS 'Position history: one row per flight per snapshot';
COMMENT ON COLUMN vatsim.positions.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.positions.ts IS 'update_timestamp of the snapshot';
COMMENT ON COLUMN vatsim.positions.latitude IS 'Degrees north, -90..90';
COMMENT ON COLUMN vatsim.positions.longitude IS 'Degrees east, -180..180';
COMMENT ON COLUMN vatsim.positions.altitude IS 'Feet (true altitude; can be slightly negative)';
COMMENT ON COLUMN vatsim.positions.groundspeed IS 'Knots';
COMMENT ON COLUMN vatsim.positions.heading IS 'Degrees, 0..360';
COMMENT ON COLUMN vatsim.positions.transponder IS 'Squawk code as 4 characters';
COMMENT ON COLUMN vatsim.positions.qnh_i_hg IS 'Altimeter setting, inches of mercury';
COMMENT ON COLUMN vatsim.positions.qnh_mb IS 'Altimeter setting, hectopascals';

CREATE TABLE vatsim.flight_plans (
    flight_id            bigint NOT NULL REFERENCES vatsim.flights ON DELETE CASCADE,
    seen_at              timestamptz NOT NULL,
    revision_id          integer,
    flight_rules         text,
    aircraft             text,
    aircraft_faa         text,
    aircraft_short       text,
    departure            text,
    arrival              text,
    alternate            text,
    cruise_tas           text,
    altitude             text,
    deptime              text,
    enroute_time         text,
    fuel_time            text,
    remarks              text,
    route                text,
    assigned_transponder text,
    plan_hash            bigint NOT NULL,
    PRIMARY KEY (flight_id, seen_at)
);
COMMENT ON TABLE vatsim.flight_plans IS 'Flight-plan versions: a row when a flight''s plan content or revision_id changes';
COMMENT ON COLUMN vatsim.flight_plans.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.flight_plans.seen_at IS 'update_timestamp of the first snapshot carrying this version';
COMMENT ON COLUMN vatsim.flight_plans.revision_id IS 'flight_plan.revision_id (NULL in feeds before 2021-04)';
COMMENT ON COLUMN vatsim.flight_plans.flight_rules IS 'I, V (also S, D seen)';
COMMENT ON COLUMN vatsim.flight_plans.aircraft IS 'ICAO type/wake-equipment/surveillance string';
COMMENT ON COLUMN vatsim.flight_plans.aircraft_faa IS 'FAA-style aircraft string (NULL in feeds before 2021-04)';
COMMENT ON COLUMN vatsim.flight_plans.aircraft_short IS 'ICAO type designator (NULL in feeds before 2021-04)';
COMMENT ON COLUMN vatsim.flight_plans.departure IS 'Departure aerodrome';
COMMENT ON COLUMN vatsim.flight_plans.arrival IS 'Arrival aerodrome';
COMMENT ON COLUMN vatsim.flight_plans.alternate IS 'Alternate aerodrome';
COMMENT ON COLUMN vatsim.flight_plans.cruise_tas IS 'Cruise true airspeed as filed (text, knots)';
COMMENT ON COLUMN vatsim.flight_plans.altitude IS 'Cruise altitude as filed (e.g. 35000, FL350, VFR)';
COMMENT ON COLUMN vatsim.flight_plans.deptime IS 'Departure time as filed, HHMM';
COMMENT ON COLUMN vatsim.flight_plans.enroute_time IS 'Enroute time as filed, HHMM';
COMMENT ON COLUMN vatsim.flight_plans.fuel_time IS 'Fuel endurance as filed, HHMM';
COMMENT ON COLUMN vatsim.flight_plans.remarks IS 'Remarks (ICAO item 18 and voice flag)';
COMMENT ON COLUMN vatsim.flight_plans.route IS 'Route';
COMMENT ON COLUMN vatsim.flight_plans.assigned_transponder IS 'Assigned squawk (NULL in feeds before 2022)';
COMMENT ON COLUMN vatsim.flight_plans.plan_hash IS 'Digest of this version''s content';

-- ---------------------------------------------------------------------------
-- Current state: the newest snapshot
-- ---------------------------------------------------------------------------
CREATE TABLE vatsim.pilots (
    callsign                  varchar(24) PRIMARY KEY,
    cid                       integer NOT NULL,
    name                      text,
    server                    text,
    pilot_rating              integer,
    military_rating           integer,
    latitude                  double precision NOT NULL,
    longitude                 double precision NOT NULL,
    altitude                  integer,
    groundspeed               integer,
    transponder               text,
    heading                   integer,
    qnh_i_hg                  double precision,
    qnh_mb                    integer,
    has_flight_plan           boolean NOT NULL,
    plan_flight_rules         text,
    plan_aircraft             text,
    plan_aircraft_faa         text,
    plan_aircraft_short       text,
    plan_departure            text,
    plan_arrival              text,
    plan_alternate            text,
    plan_cruise_tas           text,
    plan_altitude             text,
    plan_deptime              text,
    plan_enroute_time         text,
    plan_fuel_time            text,
    plan_remarks              text,
    plan_route                text,
    plan_assigned_transponder text,
    plan_revision_id          integer,
    logon_time                timestamptz NOT NULL,
    last_updated              timestamptz,
    flight_id                 bigint NOT NULL
) WITH (fillfactor = 50);
COMMENT ON TABLE vatsim.pilots IS 'Pilots online in the newest snapshot, every v3 pilot field (plan fields prefixed plan_)';
COMMENT ON COLUMN vatsim.pilots.callsign IS 'Callsign (unique in a snapshot)';
COMMENT ON COLUMN vatsim.pilots.cid IS 'VATSIM member id';
COMMENT ON COLUMN vatsim.pilots.name IS 'Member name as published';
COMMENT ON COLUMN vatsim.pilots.server IS 'Network server (vatsim.servers.ident)';
COMMENT ON COLUMN vatsim.pilots.pilot_rating IS 'vatsim.pilot_ratings.id';
COMMENT ON COLUMN vatsim.pilots.military_rating IS 'vatsim.military_ratings.id (NULL in feeds before 2023)';
COMMENT ON COLUMN vatsim.pilots.latitude IS 'Degrees north';
COMMENT ON COLUMN vatsim.pilots.longitude IS 'Degrees east';
COMMENT ON COLUMN vatsim.pilots.altitude IS 'Feet';
COMMENT ON COLUMN vatsim.pilots.groundspeed IS 'Knots';
COMMENT ON COLUMN vatsim.pilots.transponder IS 'Squawk code';
COMMENT ON COLUMN vatsim.pilots.heading IS 'Degrees, 0..360';
COMMENT ON COLUMN vatsim.pilots.qnh_i_hg IS 'Altimeter setting, inches of mercury';
COMMENT ON COLUMN vatsim.pilots.qnh_mb IS 'Altimeter setting, hectopascals';
COMMENT ON COLUMN vatsim.pilots.has_flight_plan IS 'false when flight_plan was null';
COMMENT ON COLUMN vatsim.pilots.plan_flight_rules IS 'flight_plan.flight_rules';
COMMENT ON COLUMN vatsim.pilots.plan_aircraft IS 'flight_plan.aircraft';
COMMENT ON COLUMN vatsim.pilots.plan_aircraft_faa IS 'flight_plan.aircraft_faa';
COMMENT ON COLUMN vatsim.pilots.plan_aircraft_short IS 'flight_plan.aircraft_short';
COMMENT ON COLUMN vatsim.pilots.plan_departure IS 'flight_plan.departure';
COMMENT ON COLUMN vatsim.pilots.plan_arrival IS 'flight_plan.arrival';
COMMENT ON COLUMN vatsim.pilots.plan_alternate IS 'flight_plan.alternate';
COMMENT ON COLUMN vatsim.pilots.plan_cruise_tas IS 'flight_plan.cruise_tas';
COMMENT ON COLUMN vatsim.pilots.plan_altitude IS 'flight_plan.altitude';
COMMENT ON COLUMN vatsim.pilots.plan_deptime IS 'flight_plan.deptime';
COMMENT ON COLUMN vatsim.pilots.plan_enroute_time IS 'flight_plan.enroute_time';
COMMENT ON COLUMN vatsim.pilots.plan_fuel_time IS 'flight_plan.fuel_time';
COMMENT ON COLUMN vatsim.pilots.plan_remarks IS 'flight_plan.remarks';
COMMENT ON COLUMN vatsim.pilots.plan_route IS 'flight_plan.route';
COMMENT ON COLUMN vatsim.pilots.plan_assigned_transponder IS 'flight_plan.assigned_transponder';
COMMENT ON COLUMN vatsim.pilots.plan_revision_id IS 'flight_plan.revision_id';
COMMENT ON COLUMN vatsim.pilots.logon_time IS 'Time of this connection''s logon';
COMMENT ON COLUMN vatsim.pilots.last_updated IS 'Time the network last updated this record';
COMMENT ON COLUMN vatsim.pilots.flight_id IS 'Flight this connection belongs to (vatsim.flights)';

CREATE TABLE vatsim.controllers (
    callsign     varchar(24) PRIMARY KEY,
    cid          integer NOT NULL,
    name         text,
    frequency    text,
    facility     integer,
    rating       integer,
    server       text,
    visual_range integer,
    text_atis    text[],
    logon_time   timestamptz NOT NULL,
    last_updated timestamptz
) WITH (fillfactor = 50);
COMMENT ON TABLE vatsim.controllers IS 'Controllers and observers online in the newest snapshot';
COMMENT ON COLUMN vatsim.controllers.callsign IS 'Position callsign, e.g. EDDL_APP';
COMMENT ON COLUMN vatsim.controllers.cid IS 'VATSIM member id';
COMMENT ON COLUMN vatsim.controllers.name IS 'Member name as published';
COMMENT ON COLUMN vatsim.controllers.frequency IS 'Primary frequency in MHz as text; 199.998 means none';
COMMENT ON COLUMN vatsim.controllers.facility IS 'vatsim.facilities.id (0 = observer)';
COMMENT ON COLUMN vatsim.controllers.rating IS 'vatsim.ratings.id';
COMMENT ON COLUMN vatsim.controllers.server IS 'Network server';
COMMENT ON COLUMN vatsim.controllers.visual_range IS 'Visibility range, nautical miles';
COMMENT ON COLUMN vatsim.controllers.text_atis IS 'Controller information lines (NULL when the feed had null)';
COMMENT ON COLUMN vatsim.controllers.logon_time IS 'Time of this connection''s logon';
COMMENT ON COLUMN vatsim.controllers.last_updated IS 'Time the network last updated this record';

CREATE TABLE vatsim.atis (
    callsign     varchar(24) PRIMARY KEY,
    cid          integer NOT NULL,
    name         text,
    frequency    text,
    facility     integer,
    rating       integer,
    server       text,
    visual_range integer,
    atis_code    text,
    text_atis    text[],
    logon_time   timestamptz NOT NULL,
    last_updated timestamptz
) WITH (fillfactor = 50);
COMMENT ON TABLE vatsim.atis IS 'ATIS stations online in the newest snapshot';
COMMENT ON COLUMN vatsim.atis.callsign IS 'Station callsign, e.g. KDEN_D_ATIS';
COMMENT ON COLUMN vatsim.atis.cid IS 'VATSIM member id';
COMMENT ON COLUMN vatsim.atis.name IS 'Member name as published';
COMMENT ON COLUMN vatsim.atis.frequency IS 'Frequency in MHz as text';
COMMENT ON COLUMN vatsim.atis.facility IS 'vatsim.facilities.id';
COMMENT ON COLUMN vatsim.atis.rating IS 'vatsim.ratings.id';
COMMENT ON COLUMN vatsim.atis.server IS 'Network server';
COMMENT ON COLUMN vatsim.atis.visual_range IS 'Visibility range, nautical miles';
COMMENT ON COLUMN vatsim.atis.atis_code IS 'Information letter (NULL when the feed had none)';
COMMENT ON COLUMN vatsim.atis.text_atis IS 'ATIS text lines (NULL when the feed had null)';
COMMENT ON COLUMN vatsim.atis.logon_time IS 'Time of this connection''s logon';
COMMENT ON COLUMN vatsim.atis.last_updated IS 'Time the network last updated this record';

CREATE TABLE vatsim.controller_sessions (
    session_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cid         integer NOT NULL,
    callsign    varchar(24) NOT NULL,
    logon_time  timestamptz NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    frequency   text,
    facility    integer,
    rating      integer,
    ended_at    timestamptz,
    UNIQUE (cid, callsign, logon_time)
) WITH (fillfactor = 70);
-- As for flights: last_seen moves every snapshot and is not indexed.
CREATE INDEX controller_sessions_open_idx ON vatsim.controller_sessions (session_id) WHERE ended_at IS NULL;
COMMENT ON TABLE vatsim.controller_sessions IS 'One row per controller connection (cid, callsign, logon_time)';
COMMENT ON COLUMN vatsim.controller_sessions.session_id IS 'Session identifier';
COMMENT ON COLUMN vatsim.controller_sessions.cid IS 'VATSIM member id';
COMMENT ON COLUMN vatsim.controller_sessions.callsign IS 'Position callsign';
COMMENT ON COLUMN vatsim.controller_sessions.logon_time IS 'Logon time of the connection';
COMMENT ON COLUMN vatsim.controller_sessions.first_seen IS 'update_timestamp of the first snapshot carrying the session';
COMMENT ON COLUMN vatsim.controller_sessions.last_seen IS 'update_timestamp of the newest snapshot carrying the session';
COMMENT ON COLUMN vatsim.controller_sessions.frequency IS 'Newest frequency';
COMMENT ON COLUMN vatsim.controller_sessions.facility IS 'Newest facility';
COMMENT ON COLUMN vatsim.controller_sessions.rating IS 'Newest rating';
COMMENT ON COLUMN vatsim.controller_sessions.ended_at IS 'update_timestamp of the first snapshot without the session; NULL while online';

CREATE TABLE vatsim.prefiles (
    callsign                  varchar(24) PRIMARY KEY,
    cid                       integer NOT NULL,
    name                      text,
    has_flight_plan           boolean NOT NULL,
    plan_flight_rules         text,
    plan_aircraft             text,
    plan_aircraft_faa         text,
    plan_aircraft_short       text,
    plan_departure            text,
    plan_arrival              text,
    plan_alternate            text,
    plan_cruise_tas           text,
    plan_altitude             text,
    plan_deptime              text,
    plan_enroute_time         text,
    plan_fuel_time            text,
    plan_remarks              text,
    plan_route                text,
    plan_assigned_transponder text,
    plan_revision_id          integer,
    last_updated              timestamptz
);
COMMENT ON TABLE vatsim.prefiles IS 'Flight plans filed by members not yet connected, as in the newest snapshot';
COMMENT ON COLUMN vatsim.prefiles.callsign IS 'Callsign filed (a repeated callsign keeps the newer last_updated)';
COMMENT ON COLUMN vatsim.prefiles.cid IS 'VATSIM member id';
COMMENT ON COLUMN vatsim.prefiles.name IS 'Member name as published';
COMMENT ON COLUMN vatsim.prefiles.has_flight_plan IS 'false when flight_plan was null';
COMMENT ON COLUMN vatsim.prefiles.plan_flight_rules IS 'flight_plan.flight_rules';
COMMENT ON COLUMN vatsim.prefiles.plan_aircraft IS 'flight_plan.aircraft';
COMMENT ON COLUMN vatsim.prefiles.plan_aircraft_faa IS 'flight_plan.aircraft_faa';
COMMENT ON COLUMN vatsim.prefiles.plan_aircraft_short IS 'flight_plan.aircraft_short';
COMMENT ON COLUMN vatsim.prefiles.plan_departure IS 'flight_plan.departure';
COMMENT ON COLUMN vatsim.prefiles.plan_arrival IS 'flight_plan.arrival';
COMMENT ON COLUMN vatsim.prefiles.plan_alternate IS 'flight_plan.alternate';
COMMENT ON COLUMN vatsim.prefiles.plan_cruise_tas IS 'flight_plan.cruise_tas';
COMMENT ON COLUMN vatsim.prefiles.plan_altitude IS 'flight_plan.altitude';
COMMENT ON COLUMN vatsim.prefiles.plan_deptime IS 'flight_plan.deptime';
COMMENT ON COLUMN vatsim.prefiles.plan_enroute_time IS 'flight_plan.enroute_time';
COMMENT ON COLUMN vatsim.prefiles.plan_fuel_time IS 'flight_plan.fuel_time';
COMMENT ON COLUMN vatsim.prefiles.plan_remarks IS 'flight_plan.remarks';
COMMENT ON COLUMN vatsim.prefiles.plan_route IS 'flight_plan.route';
COMMENT ON COLUMN vatsim.prefiles.plan_assigned_transponder IS 'flight_plan.assigned_transponder';
COMMENT ON COLUMN vatsim.prefiles.plan_revision_id IS 'flight_plan.revision_id';
COMMENT ON COLUMN vatsim.prefiles.last_updated IS 'Time the network last updated this record';

-- ---------------------------------------------------------------------------
-- Entry points
-- ---------------------------------------------------------------------------
CREATE TYPE vatsim.ingest_result AS (
    update_timestamp timestamptz,
    status           text,
    pilots           integer,
    controllers      integer,
    atis             integer,
    prefiles         integer,
    rejected         integer,
    duration_ms      double precision
);
COMMENT ON TYPE vatsim.ingest_result IS 'Outcome of one vatsim.ingest call';

CREATE FUNCTION vatsim.ingest(feed text)
RETURNS vatsim.ingest_result
AS 'MODULE_PATHNAME', 'vatsim_ingest_text'
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.ingest(text) IS 'Ingest one VATSIM v3 feed document; status is ingested or duplicate';

CREATE FUNCTION vatsim.ingest_file(path text)
RETURNS vatsim.ingest_result
AS 'MODULE_PATHNAME', 'vatsim_ingest_file'
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.ingest_file(text) IS 'Ingest a VATSIM v3 feed document from a server-side file (superuser or pg_read_server_files)';

REVOKE ALL ON FUNCTION vatsim.ingest(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION vatsim.ingest_file(text) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Readers: a role that can read the data and nothing more
-- ---------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vatsim_reader') THEN
        CREATE ROLE vatsim_reader NOLOGIN;
        COMMENT ON ROLE vatsim_reader IS 'Read-only access to the vatsim schema (extension vatsim_ingest)';
    END IF;
END
$$;
GRANT USAGE ON SCHEMA vatsim TO vatsim_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA vatsim TO vatsim_reader;
