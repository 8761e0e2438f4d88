-- schema.sql: the plain-SQL side of bench/side_by_side.sh (issue 12): what a
-- careful PostgreSQL user would build WITHOUT vatsim_ingest, in its own
-- schema "plain": the current state (pilots, controllers, atis, prefiles),
-- flights stitched across reconnects, controller sessions, flight-plan
-- versions, position history, sectors as PostGIS geometries with a GiST
-- index, sector occupancy intervals and the one piece of occupancy state no
-- other table holds (the slow count).  Needs PostGIS.  The functions are in
-- ingest.sql and sectors.sql; check.sql compares the result with vatsim's.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA plain;

-- The rules' parameters, vatsim_ingest's defaults (one row).
CREATE TABLE plain.settings (
    one             boolean PRIMARY KEY DEFAULT true CHECK (one),
    reconnect_grace interval NOT NULL DEFAULT '10 min',
    stale_after     interval NOT NULL DEFAULT '5 min',
    enter_speed_kt  integer NOT NULL DEFAULT 60,
    exit_speed_kt   integer NOT NULL DEFAULT 30,
    exit_polls      integer NOT NULL DEFAULT 2,
    controller_grace interval NOT NULL DEFAULT '5 min'
);
INSERT INTO plain.settings DEFAULT VALUES;

CREATE TABLE plain.snapshots (
    update_timestamp timestamptz PRIMARY KEY,
    pilots           integer NOT NULL,
    controllers      integer NOT NULL,
    duration_ms      double precision NOT NULL
);

CREATE TABLE plain.flights (
    flight_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cid         integer NOT NULL,
    callsign    text NOT NULL,
    logon_time  timestamptz NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    departure   text,
    arrival     text,
    aircraft    text,
    connections integer NOT NULL DEFAULT 1,
    online      boolean NOT NULL DEFAULT true,
    plan_hash   text
) WITH (fillfactor = 70);
-- last_seen moves every snapshot: no index on it, so the update stays HOT.
CREATE INDEX ON plain.flights (cid, callsign);
CREATE INDEX ON plain.flights (flight_id) WHERE online;

CREATE TABLE plain.flight_plans (
    flight_id bigint NOT NULL REFERENCES plain.flights ON DELETE CASCADE,
    seen_at   timestamptz NOT NULL,
    plan      jsonb NOT NULL,
    PRIMARY KEY (flight_id, seen_at)
);

CREATE TABLE plain.positions (
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

CREATE TABLE plain.pilots (
    callsign        text PRIMARY KEY,
    cid             integer NOT NULL,
    name            text,
    server          text,
    pilot_rating    integer,
    military_rating integer,
    latitude        double precision NOT NULL,
    longitude       double precision NOT NULL,
    altitude        integer,
    groundspeed     integer,
    transponder     text,
    heading         integer,
    qnh_i_hg        double precision,
    qnh_mb          integer,
    flight_plan     jsonb,
    logon_time      timestamptz NOT NULL,
    last_updated    timestamptz,
    flight_id       bigint NOT NULL
) WITH (fillfactor = 50);

CREATE TABLE plain.controllers (
    callsign     text PRIMARY KEY,
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

CREATE TABLE plain.atis (LIKE plain.controllers INCLUDING ALL, atis_code text) WITH (fillfactor = 50);

CREATE TABLE plain.prefiles (
    callsign     text PRIMARY KEY,
    cid          integer NOT NULL,
    name         text,
    flight_plan  jsonb,
    last_updated timestamptz
);

CREATE TABLE plain.controller_sessions (
    session_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cid         integer NOT NULL,
    callsign    text NOT NULL,
    logon_time  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    connections integer NOT NULL DEFAULT 1,
    ended_at    timestamptz
) WITH (fillfactor = 70);
CREATE INDEX ON plain.controller_sessions (cid, callsign, logon_time);
CREATE INDEX ON plain.controller_sessions (session_id) WHERE ended_at IS NULL;

-- One row per GeoJSON feature; features sharing a name form one sector.
CREATE TABLE plain.sectors (
    feature_id integer PRIMARY KEY,
    sector     text NOT NULL,
    geom       geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX ON plain.sectors USING gist (geom);

CREATE TABLE plain.sector_occupancy (
    occupancy_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flight_id      bigint NOT NULL,
    callsign       text NOT NULL,
    sector         text NOT NULL,
    entry_time     timestamptz NOT NULL,
    exit_time      timestamptz,
    entry_lat      double precision NOT NULL,
    entry_lon      double precision NOT NULL,
    entry_altitude integer,
    exit_lat       double precision,
    exit_lon       double precision,
    exit_altitude  integer,
    exit_reason    text CHECK (exit_reason IN ('left', 'slow', 'gone'))
);
-- The open intervals (read every snapshot) and the history reads.
CREATE INDEX ON plain.sector_occupancy (flight_id) WHERE exit_time IS NULL;
CREATE INDEX ON plain.sector_occupancy (sector, entry_time);
CREATE INDEX ON plain.sector_occupancy (callsign, entry_time);

-- Consecutive slow snapshots of a flight, a row while above zero.
CREATE TABLE plain.occupancy_state (
    flight_id  bigint PRIMARY KEY,
    slow_polls integer NOT NULL
);
