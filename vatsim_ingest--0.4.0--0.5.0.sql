/*
 * vatsim_ingest--0.4.0--0.5.0.sql
 *		Analytics (issue 11): airports, GeoJSON out, controller sessions
 *		merged across reconnects, the shared schema of contacts and summaries,
 *		ATC contacts, controller and flight summaries, movements and filters,
 *		and the replaced system's HTTP API as SQL.  Each part below belongs to
 *		one feature.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.5.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Airports and movements
-- ---------------------------------------------------------------------------

-- One row per line of VATSpy.dat's [Airports] section.  An ICAO code may
-- have several lines (pseudo airports: one per callsign prefix, e.g.
-- YSSY's SY-D, SY-E...), so the key is (icao, entry): entry numbers an
-- ICAO code's lines in file order.
CREATE TABLE vatsim.airports (
    icao      text NOT NULL,
    entry     integer NOT NULL CHECK (entry >= 1),
    name      text,
    latitude  double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    iata_lid  text,
    fir       text,
    is_pseudo boolean NOT NULL,
    remark    text,
    line      integer NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (icao, entry)
);
COMMENT ON TABLE vatsim.airports IS 'Airports from the [Airports] section of VATSpy.dat, one row per line, loaded by vatsim.load_airports()';
COMMENT ON COLUMN vatsim.airports.icao IS 'ICAO code (or the file''s pseudo code, e.g. HLL1)';
COMMENT ON COLUMN vatsim.airports.entry IS 'Which line of this ICAO code: 1 for the first in the file, 2 for the next...';
COMMENT ON COLUMN vatsim.airports.name IS 'Airport name (NULL: empty in the file)';
COMMENT ON COLUMN vatsim.airports.latitude IS 'Latitude, degrees north';
COMMENT ON COLUMN vatsim.airports.longitude IS 'Longitude, degrees east';
COMMENT ON COLUMN vatsim.airports.iata_lid IS 'IATA code or local identifier; for a pseudo airport the callsign prefix it stands for (NULL: empty)';
COMMENT ON COLUMN vatsim.airports.fir IS 'FIR the airport belongs to (a [FIRs] ICAO code; NULL: empty)';
COMMENT ON COLUMN vatsim.airports.is_pseudo IS 'The IsPseudo flag: an extra entry for a callsign prefix, not a separate airport';
COMMENT ON COLUMN vatsim.airports.remark IS 'Text after '';'' in the IsPseudo field, e.g. io (NULL: none)';
COMMENT ON COLUMN vatsim.airports.line IS 'Line number in the loaded text';
COMMENT ON COLUMN vatsim.airports.loaded_at IS 'When the rows were loaded (the loading transaction''s start)';
SELECT pg_catalog.pg_extension_config_dump('vatsim.airports', '');
GRANT SELECT ON vatsim.airports TO vatsim_reader;

CREATE FUNCTION vatsim.load_airports(vatspy_dat text,
    OUT airports integer, OUT icao_codes integer, OUT pseudo integer)
RETURNS record
AS 'MODULE_PATHNAME', 'vatsim_load_airports'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.load_airports(text) IS 'Replace vatsim.airports with the [Airports] section of a VATSpy.dat text; refuses the whole text on a bad line';
REVOKE ALL ON FUNCTION vatsim.load_airports(text) FROM PUBLIC;

-- nearest_airport's prefilter: a band of latitude around the point
CREATE INDEX airports_latitude ON vatsim.airports (latitude);

-- Great-circle distance on a sphere of 3440.065 nm (the Earth's mean
-- radius).  Only the band of latitude within the radius is read (a degree
-- of latitude is at least 60 nm of arc on that sphere, so the band holds
-- every airport in range, across the antimeridian and the poles too).
CREATE FUNCTION vatsim.nearest_airport(latitude double precision, longitude double precision,
    radius_nm double precision)
RETURNS TABLE (icao text, entry integer, name text, distance_nm double precision)
LANGUAGE sql STABLE STRICT ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.icao, a.entry, a.name, d.nm
    FROM vatsim.airports a
    CROSS JOIN LATERAL (SELECT 2 * 3440.065 * asin(least(1, sqrt(
        sin(radians(a.latitude - $1) / 2) ^ 2
        + cos(radians($1)) * cos(radians(a.latitude)) * sin(radians(a.longitude - $2) / 2) ^ 2))) AS nm) d
    WHERE NOT a.is_pseudo
      AND a.latitude BETWEEN $1 - $3 / 60 AND $1 + $3 / 60
      AND d.nm <= $3
    ORDER BY d.nm, a.icao, a.entry
    LIMIT 1
$$;
COMMENT ON FUNCTION vatsim.nearest_airport(double precision, double precision, double precision) IS 'The airport (pseudo lines left out) nearest to a point within radius_nm nautical miles, great-circle; no row when none is';

-- (end of airports part)



-- ---------------------------------------------------------------------------
-- GeoJSON out
-- ---------------------------------------------------------------------------

-- GeoJSON out: the sectors, the online flights and a flight's track as
-- FeatureCollections (RFC 7946) that QGIS, geojson.io or Leaflet open as
-- they are.  Each function is one statement (plus a check that its argument
-- names something) under a pinned search_path; extra_float_digits and
-- TimeZone are pinned too, so that every stored latitude and longitude
-- comes out as the shortest text that reads back as the same double, and
-- every time in UTC, whatever the caller's session says.

-- An unknown set is an error, with the sets there are.
CREATE FUNCTION vatsim.require_sector_set(sector_set text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM vatsim.sector_sets ss WHERE ss.sector_set OPERATOR(pg_catalog.=) $1) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'undefined_object',
            MESSAGE = format('sector set "%s" does not exist', $1),
            DETAIL = coalesce('Loaded sets: ' || (SELECT string_agg(ss.sector_set, ', ' ORDER BY ss.sector_set)
                                                   FROM vatsim.sector_sets ss) || '.',
                              'No sector set is loaded.'),
            HINT = 'vatsim.sector_sets lists the loaded sets; vatsim.load_sectors() loads one.';
    END IF;
END
$$;
COMMENT ON FUNCTION vatsim.require_sector_set(text) IS 'Raises 42704 unless the sector set is loaded (the check of the GeoJSON functions)';

CREATE FUNCTION vatsim.sectors_geojson(sector_set text) RETURNS json
LANGUAGE plpgsql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM vatsim.require_sector_set($1);
    -- One feature per sector: a MultiPolygon of the polygons of all its
    -- features, in the order they were loaded.  Positions are the loaded
    -- JSON text, untouched; a ring the loader closed (a repair) is closed
    -- here the same way, by repeating its first position, so that strict
    -- readers (PostGIS, GDAL) accept it.
    RETURN (
        SELECT json_build_object('type', 'FeatureCollection',
                                 'features', coalesce(json_agg(sf.feature ORDER BY sf.sector), '[]'::json))
        FROM (
            SELECT s.sector,
                   json_build_object(
                       'type', 'Feature',
                       'id', s.sector,
                       'geometry', json_build_object('type', 'MultiPolygon',
                                                     'coordinates', json_agg(poly.rings ORDER BY f.feature_index, p.o)),
                       'properties', json_build_object('sector_set', s.sector_set, 'sector', s.sector,
                                                       'floor_ft', s.floor_ft, 'ceiling_ft', s.ceiling_ft,
                                                       'features', s.features)) AS feature
            FROM vatsim.sectors s
            JOIN vatsim.sector_features f
              ON f.sector_set OPERATOR(pg_catalog.=) s.sector_set AND f.sector OPERATOR(pg_catalog.=) s.sector
            CROSS JOIN LATERAL json_array_elements(
                CASE WHEN f.feature OPERATOR(pg_catalog.->) 'geometry' OPERATOR(pg_catalog.->>) 'type'
                          OPERATOR(pg_catalog.=) 'Polygon' THEN json_build_array(f.feature OPERATOR(pg_catalog.->) 'geometry' OPERATOR(pg_catalog.->) 'coordinates')
                    ELSE f.feature OPERATOR(pg_catalog.->) 'geometry' OPERATOR(pg_catalog.->) 'coordinates'
                END) WITH ORDINALITY AS p(polygon, o)
            CROSS JOIN LATERAL (
                SELECT json_agg(CASE WHEN (r.ring OPERATOR(pg_catalog.->) 0 OPERATOR(pg_catalog.->>) 0)::float8
                                          OPERATOR(pg_catalog.=) (r.ring OPERATOR(pg_catalog.->) -1 OPERATOR(pg_catalog.->>) 0)::float8
                                      AND (r.ring OPERATOR(pg_catalog.->) 0 OPERATOR(pg_catalog.->>) 1)::float8
                                          OPERATOR(pg_catalog.=) (r.ring OPERATOR(pg_catalog.->) -1 OPERATOR(pg_catalog.->>) 1)::float8
                                     THEN r.ring
                                     ELSE (SELECT json_agg(e.pos ORDER BY e.k)
                                           FROM (SELECT q.pos, q.k FROM json_array_elements(r.ring) WITH ORDINALITY AS q(pos, k)
                                                 UNION ALL
                                                 SELECT r.ring OPERATOR(pg_catalog.->) 0, 9223372036854775807) e)
                                END ORDER BY r.k) AS rings
                FROM json_array_elements(p.polygon) WITH ORDINALITY AS r(ring, k)) poly
            WHERE s.sector_set OPERATOR(pg_catalog.=) $1
            GROUP BY s.sector_set, s.sector) sf);
END
$$;
COMMENT ON FUNCTION vatsim.sectors_geojson(text) IS 'A sector set as a GeoJSON FeatureCollection: one MultiPolygon feature per sector, properties sector_set, sector, floor_ft, ceiling_ft, features';

CREATE FUNCTION vatsim.flights_geojson(sector_set text DEFAULT NULL) RETURNS json
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 1
SET TimeZone = 'UTC'
AS $$
BEGIN
    IF $1 IS NOT NULL THEN
        PERFORM vatsim.require_sector_set($1);
    END IF;
    -- Every online flight at its current position (vatsim.pilots), with the
    -- sectors it is in now: its open intervals, of one set or of all.
    RETURN (
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                   'type', 'Feature',
                   'id', f.flight_id,
                   'geometry', json_build_object('type', 'Point',
                                                 'coordinates', json_build_array(p.longitude, p.latitude)),
                   'properties', json_build_object(
                       'flight_id', f.flight_id, 'callsign', p.callsign, 'cid', p.cid,
                       'altitude', p.altitude, 'groundspeed', p.groundspeed, 'heading', p.heading,
                       'transponder', p.transponder, 'aircraft', f.aircraft,
                       'departure', f.departure, 'arrival', f.arrival,
                       'logon_time', p.logon_time, 'last_updated', p.last_updated,
                       'sectors', coalesce(o.sectors, '[]'::json)))
                   ORDER BY p.callsign), '[]'::json))
        FROM vatsim.flights f
        JOIN vatsim.pilots p ON p.flight_id OPERATOR(pg_catalog.=) f.flight_id
        LEFT JOIN (
            SELECT so.flight_id,
                   json_agg(json_build_object('sector_set', so.sector_set, 'sector', so.sector,
                                              'entry_time', so.entry_time)
                            ORDER BY so.sector_set, so.sector) AS sectors
            FROM vatsim.sector_occupancy so
            WHERE so.exit_time IS NULL
              AND ($1 IS NULL OR so.sector_set OPERATOR(pg_catalog.=) $1)
            GROUP BY so.flight_id) o ON o.flight_id OPERATOR(pg_catalog.=) f.flight_id
        WHERE f.status OPERATOR(pg_catalog.=) 'online');
END
$$;
COMMENT ON FUNCTION vatsim.flights_geojson(text) IS 'The online flights as a GeoJSON FeatureCollection of Points with callsign, altitude, speed, heading, route and the sectors each is in now (of one set, or of all)';

CREATE FUNCTION vatsim.track_geojson(flight_id bigint) RETURNS json
LANGUAGE plpgsql STABLE STRICT
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 1
SET TimeZone = 'UTC'
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM vatsim.flights fl WHERE fl.flight_id OPERATOR(pg_catalog.=) $1) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'undefined_object',
            MESSAGE = format('flight %s does not exist', $1),
            DETAIL = 'vatsim.flights has no row with this flight_id.',
            HINT = 'Flight ids are in vatsim.flights, vatsim.pilots.flight_id and vatsim.flights_geojson().';
    END IF;
    -- The stored positions in time order as a LineString (one position: a
    -- Point; none: no geometry).  A step of more than 180 degrees of
    -- longitude crosses the antimeridian (RFC 7946, 3.1.9): the line ends
    -- at +-180 and the next one starts at -+180, both at the latitude
    -- interpolated in longitude/latitude, and the track is a
    -- MultiLineString.  The crossing points are the only positions that
    -- were not stored.
    RETURN (
        WITH pos AS (
            SELECT ps.ts, ps.longitude AS lon, ps.latitude AS lat,
                   lag(ps.longitude) OVER w AS plon, lag(ps.latitude) OVER w AS plat,
                   row_number() OVER w AS n
            FROM vatsim.positions ps
            WHERE ps.flight_id OPERATOR(pg_catalog.=) $1
            WINDOW w AS (ORDER BY ps.ts)),
        -- (OPERATOR() has one precedence for every operator: hence the
        -- parentheses)
        steps AS (
            SELECT pos.*,
                   coalesce(abs(pos.lon OPERATOR(pg_catalog.-) pos.plon) OPERATOR(pg_catalog.>) 180::float8,
                            false) AS crosses,
                   -- where the line leaves: +180 going east, -180 going west
                   (180::float8 OPERATOR(pg_catalog.*) sign(pos.plon)) AS edge,
                   -- the step in longitude the short way round
                   ((pos.lon OPERATOR(pg_catalog.-) pos.plon) OPERATOR(pg_catalog.-)
                    (360::float8 OPERATOR(pg_catalog.*) sign(pos.lon OPERATOR(pg_catalog.-) pos.plon))) AS dlon
            FROM pos),
        crossing AS (
            SELECT st.*,
                   count(*) FILTER (WHERE st.crosses) OVER (ORDER BY st.n) AS line,
                   (st.plat OPERATOR(pg_catalog.+)
                    ((st.lat OPERATOR(pg_catalog.-) st.plat) OPERATOR(pg_catalog.*)
                     coalesce((st.edge OPERATOR(pg_catalog.-) st.plon) OPERATOR(pg_catalog./)
                              nullif(st.dlon, 0::float8), 0::float8))) AS edge_lat
            FROM steps st),
        points AS (
            SELECT c.line, c.n, 1 AS k, c.lon, c.lat FROM crossing c
            UNION ALL
            SELECT c.line OPERATOR(pg_catalog.-) 1, c.n, 0, c.edge, c.edge_lat FROM crossing c WHERE c.crosses
            UNION ALL
            SELECT c.line, c.n, 0, OPERATOR(pg_catalog.-) c.edge, c.edge_lat FROM crossing c WHERE c.crosses),
        lines AS (
            SELECT pt.line, json_agg(json_build_array(pt.lon, pt.lat) ORDER BY pt.n, pt.k) AS coordinates
            FROM points pt GROUP BY pt.line),
        summary AS (
            SELECT count(*) AS points, min(pos.ts) AS first_time, max(pos.ts) AS last_time FROM pos)
        SELECT json_build_object('type', 'FeatureCollection', 'features', json_build_array(json_build_object(
                   'type', 'Feature',
                   'id', fl.flight_id,
                   'geometry', CASE
                       WHEN sm.points OPERATOR(pg_catalog.=) 0 THEN NULL
                       WHEN sm.points OPERATOR(pg_catalog.=) 1 THEN
                           json_build_object('type', 'Point',
                                             'coordinates', (SELECT json_build_array(pos.lon, pos.lat) FROM pos))
                       WHEN (SELECT count(*) FROM lines) OPERATOR(pg_catalog.=) 1 THEN
                           json_build_object('type', 'LineString', 'coordinates', (SELECT l.coordinates FROM lines l))
                       ELSE
                           json_build_object('type', 'MultiLineString',
                                             'coordinates', (SELECT json_agg(l.coordinates ORDER BY l.line) FROM lines l))
                   END,
                   'properties', json_build_object(
                       'flight_id', fl.flight_id, 'callsign', fl.callsign, 'cid', fl.cid,
                       'status', fl.status, 'aircraft', fl.aircraft,
                       'departure', fl.departure, 'arrival', fl.arrival,
                       'first_time', sm.first_time, 'last_time', sm.last_time, 'points', sm.points))))
        FROM vatsim.flights fl, summary sm
        WHERE fl.flight_id OPERATOR(pg_catalog.=) $1);
END
$$;
COMMENT ON FUNCTION vatsim.track_geojson(bigint) IS 'A flight''s stored positions in time order as a GeoJSON FeatureCollection of one LineString feature (split at the antimeridian into a MultiLineString; one position: a Point), properties callsign, first_time, last_time, points';

GRANT EXECUTE ON FUNCTION vatsim.require_sector_set(text), vatsim.sectors_geojson(text),
    vatsim.flights_geojson(text), vatsim.track_geojson(bigint) TO vatsim_reader;

-- (end of GeoJSON part)



-- ---------------------------------------------------------------------------
-- Controller sessions: reconnects within vatsim_ingest.controller_reconnect_grace
-- continue the session (one row, a connection count); observers and 199.998 flagged
-- ---------------------------------------------------------------------------

-- A row is now a session, which may span several connections.  Its key stays
-- (cid, callsign, logon_time) with the logon_time of its FIRST connection;
-- the store finds the session a connection continues by that key's prefix
-- (cid, callsign), newest logon_time first, so no other index is needed.
ALTER TABLE vatsim.controller_sessions
    ADD COLUMN last_logon_time timestamptz,
    ADD COLUMN connections integer NOT NULL DEFAULT 1,
    ADD COLUMN is_observer boolean,
    ADD COLUMN no_frequency boolean;

-- Rows stored before 0.5.0 are one connection each (not merged after the
-- fact); their flags come from the newest facility and frequency they kept.
-- ended_at now means the session's end (its last_seen), no longer the first
-- snapshot without it, for old rows too.
UPDATE vatsim.controller_sessions
SET last_logon_time = logon_time,
    is_observer = COALESCE(facility OPERATOR(pg_catalog.=) 0, false),
    no_frequency = COALESCE(frequency OPERATOR(pg_catalog.=) '199.998', false),
    ended_at = CASE WHEN ended_at IS NULL THEN NULL ELSE last_seen END;

ALTER TABLE vatsim.controller_sessions
    ALTER COLUMN last_logon_time SET NOT NULL,
    ALTER COLUMN is_observer SET NOT NULL,
    ALTER COLUMN no_frequency SET NOT NULL,
    ADD CONSTRAINT controller_sessions_connections_check CHECK (connections OPERATOR(pg_catalog.>=) 1);

COMMENT ON TABLE vatsim.controller_sessions IS 'One row per controller session: a controller (cid, callsign) that reconnects within vatsim_ingest.controller_reconnect_grace of being last seen continues the same session';
COMMENT ON COLUMN vatsim.controller_sessions.logon_time IS 'Logon time of the session''s first connection';
COMMENT ON COLUMN vatsim.controller_sessions.last_logon_time IS 'Logon time of the session''s newest connection';
COMMENT ON COLUMN vatsim.controller_sessions.connections IS 'Network connections merged into the session (1 + reconnects within the grace)';
COMMENT ON COLUMN vatsim.controller_sessions.is_observer IS 'true while every snapshot of the session had facility 0 (an observer throughout)';
COMMENT ON COLUMN vatsim.controller_sessions.no_frequency IS 'true while every snapshot of the session had frequency 199.998 (never on a frequency)';
COMMENT ON COLUMN vatsim.controller_sessions.frequency IS 'Newest frequency (199.998: not on a frequency)';
COMMENT ON COLUMN vatsim.controller_sessions.ended_at IS 'End of the session (its last_seen) once absent longer than vatsim_ingest.controller_reconnect_grace; NULL while online or within the grace';

-- (end of controller sessions part)

-- ---------------------------------------------------------------------------
-- Controller types and ranges, and ATC contacts (the shared schema of the
-- contacts, controller summary and flight summary parts)
-- ---------------------------------------------------------------------------

-- A controller's type and radio range come from its callsign's suffix (the
-- text after the last '_', upper-cased: EDDF_N_APP -> APP).  The built-in
-- table is the replaced system's; the operator overrides a row, or adds a
-- suffix, in vatsim.controller_ranges ('*' = every other suffix).  Only
-- overrides are stored, so pg_dump and restore never collide with the
-- built-in rows that CREATE EXTENSION makes.
CREATE TABLE vatsim.controller_ranges (
    suffix   text PRIMARY KEY
             CHECK (suffix OPERATOR(pg_catalog.~) '^([A-Z0-9]+|\*)$'),
    type     text NOT NULL,
    range_nm double precision NOT NULL
             CHECK (range_nm OPERATOR(pg_catalog.>=) 0 AND range_nm OPERATOR(pg_catalog.<=) 10800)
);
COMMENT ON TABLE vatsim.controller_ranges IS 'Operator overrides of controller types and ranges by callsign suffix (empty: the built-in table of vatsim.controller_types)';
COMMENT ON COLUMN vatsim.controller_ranges.suffix IS 'Callsign suffix after the last underscore, upper case (e.g. APP), or * for every suffix without a row';
COMMENT ON COLUMN vatsim.controller_ranges.type IS 'Controller type (Ground, Tower, Approach, Center, FSS, Other...)';
COMMENT ON COLUMN vatsim.controller_ranges.range_nm IS 'Radio range in nautical miles: a pilot transceiver farther than this from the controller''s transceiver is not in contact';
SELECT pg_catalog.pg_extension_config_dump('vatsim.controller_ranges', '');
GRANT SELECT ON vatsim.controller_ranges TO vatsim_reader;

CREATE VIEW vatsim.controller_types AS
SELECT suffix,
       COALESCE(o.type, d.type) AS type,
       COALESCE(o.range_nm, d.range_nm) AS range_nm,
       o.suffix IS NOT NULL AS overridden
FROM (VALUES ('DEL', 'Ground', 15::double precision),
             ('GND', 'Ground', 15),
             ('TWR', 'Tower', 15),
             ('APP', 'Approach', 60),
             ('DEP', 'Approach', 60),
             ('CTR', 'Center', 400),
             ('FSS', 'FSS', 1000),
             ('*', 'Other', 15)) AS d (suffix, type, range_nm)
FULL JOIN vatsim.controller_ranges AS o USING (suffix);
COMMENT ON VIEW vatsim.controller_types IS 'Controller type and range by callsign suffix: the built-in table with vatsim.controller_ranges'' overrides applied';
GRANT SELECT ON vatsim.controller_types TO vatsim_reader;

-- One function decides a callsign's row, so that contacts and summaries agree.
CREATE FUNCTION vatsim.controller_type(callsign text, OUT type text, OUT range_nm double precision)
RETURNS record
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT t.type, t.range_nm
    FROM vatsim.controller_types AS t
    WHERE t.suffix OPERATOR(pg_catalog.=) pg_catalog.upper(pg_catalog.regexp_replace($1, '^.*_', ''))
       OR t.suffix OPERATOR(pg_catalog.=) '*'
    ORDER BY t.suffix OPERATOR(pg_catalog.=) '*'
    LIMIT 1
$$;
COMMENT ON FUNCTION vatsim.controller_type(text) IS 'Type and radio range (nm) of a controller callsign, from its suffix after the last underscore (vatsim.controller_types)';
GRANT EXECUTE ON FUNCTION vatsim.controller_type(text) TO vatsim_reader;

-- A pilot is in contact with a controller session over one frequency from
-- started_at (the first snapshot in which they matched) to ended_at (the
-- first snapshot in which they did not; NULL while open): [started_at,
-- ended_at), as sector intervals.  After a gap in the feed longer than
-- stale_after an open row ends at the last snapshot before the gap, which
-- may be its start (an empty interval: a contact seen in one snapshot).
CREATE TABLE vatsim.atc_contacts (
    contact_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flight_id      bigint NOT NULL,
    session_id     bigint NOT NULL,
    pilot_callsign varchar(24) NOT NULL,
    atc_callsign   varchar(24) NOT NULL,
    frequency_khz  integer NOT NULL,
    started_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    CHECK (ended_at OPERATOR(pg_catalog.>=) started_at)
);
CREATE INDEX atc_contacts_open_idx ON vatsim.atc_contacts (flight_id) WHERE ended_at IS NULL;
CREATE INDEX atc_contacts_flight_idx ON vatsim.atc_contacts (flight_id, started_at);
CREATE INDEX atc_contacts_session_idx ON vatsim.atc_contacts (session_id, started_at);
COMMENT ON TABLE vatsim.atc_contacts IS 'Who was talking to whom: a flight tuned to a controller session''s frequency within its range, from started_at until ended_at';
COMMENT ON COLUMN vatsim.atc_contacts.contact_id IS 'Contact interval identifier';
COMMENT ON COLUMN vatsim.atc_contacts.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.atc_contacts.session_id IS 'Controller session (vatsim.controller_sessions.session_id)';
COMMENT ON COLUMN vatsim.atc_contacts.pilot_callsign IS 'The flight''s callsign when the contact opened';
COMMENT ON COLUMN vatsim.atc_contacts.atc_callsign IS 'The controller''s callsign';
COMMENT ON COLUMN vatsim.atc_contacts.frequency_khz IS 'The controller transceiver''s frequency, kHz (rounded)';
COMMENT ON COLUMN vatsim.atc_contacts.started_at IS 'update_timestamp of the first snapshot in which the two matched';
COMMENT ON COLUMN vatsim.atc_contacts.ended_at IS 'update_timestamp of the first snapshot in which they no longer matched; NULL while open';
SELECT pg_catalog.pg_extension_config_dump('vatsim.atc_contacts', '');
SELECT pg_catalog.pg_extension_config_dump('vatsim.atc_contacts_contact_id_seq', '');
GRANT SELECT ON vatsim.atc_contacts TO vatsim_reader;

-- A data error in the analytics step is kept with the snapshot, as a
-- sector error is; the snapshot's flights and positions are stored.
ALTER TABLE vatsim.snapshots ADD COLUMN analytics_error text;
COMMENT ON COLUMN vatsim.snapshots.analytics_error IS 'Why the analytics step (contacts, movements, summaries) failed for this snapshot; NULL when it succeeded';
ALTER TABLE vatsim.snapshots ADD COLUMN analytics_ms double precision;
COMMENT ON COLUMN vatsim.snapshots.analytics_ms IS 'Time the analytics step (contacts, movements, summaries) took, milliseconds (part of duration_ms)';

-- (end of shared analytics schema part)

-- ---------------------------------------------------------------------------
-- ATC contacts: matching transceivers snapshot by snapshot
-- ---------------------------------------------------------------------------

-- vatsim.ingest and ingest_file take the snapshot's transceivers document
-- too (DEFAULT NULL: none), so that a backfill of archived pairs builds the
-- same contacts as the worker.  Not STRICT any more, so that a NULL
-- transceivers document means "none"; a NULL feed still gives NULL (C).
-- Privileges as before: not granted to PUBLIC; and EXECUTE granted by the
-- operator on the old forms (a loader role) carries over to the new ones,
-- kept in a transaction-local placeholder setting across the DROP.
DO $$
BEGIN
    PERFORM pg_catalog.set_config('vatsim_ingest_upgrade.grants', coalesce(pg_catalog.array_agg(
        pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I%s',
               CASE WHEN p.proname OPERATOR(pg_catalog.=) 'ingest' THEN 'vatsim.ingest(text, text)'
                    ELSE 'vatsim.ingest_file(text, text)' END,
               r.rolname, CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)), '{}')::text, true)
    FROM pg_catalog.pg_proc p
    CROSS JOIN LATERAL pg_catalog.aclexplode(p.proacl) a
    JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) a.grantee
    WHERE p.oid OPERATOR(pg_catalog.=) ANY (ARRAY['vatsim.ingest(text)'::pg_catalog.regprocedure,
                                                  'vatsim.ingest_file(text)'::pg_catalog.regprocedure])
      AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE'
      AND a.grantee OPERATOR(pg_catalog.<>) p.proowner;
END
$$;
DROP FUNCTION vatsim.ingest(text);
DROP FUNCTION vatsim.ingest_file(text);

CREATE FUNCTION vatsim.ingest(feed text, transceivers text DEFAULT NULL)
RETURNS vatsim.ingest_result
AS 'MODULE_PATHNAME', 'vatsim_ingest_text'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.ingest(text, text) IS 'Ingest one VATSIM v3 feed document, with its transceivers document when given (stored in vatsim.transceivers, matched into vatsim.atc_contacts); status is ingested or duplicate';

CREATE FUNCTION vatsim.ingest_file(path text, transceivers_path text DEFAULT NULL)
RETURNS vatsim.ingest_result
AS 'MODULE_PATHNAME', 'vatsim_ingest_file'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.ingest_file(text, text) IS 'Ingest a VATSIM v3 feed document, and its transceivers document when given, from server-side files (superuser or pg_read_server_files)';

REVOKE ALL ON FUNCTION vatsim.ingest(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION vatsim.ingest_file(text, text) FROM PUBLIC;
DO $$
DECLARE
    stmt text;
BEGIN
    FOREACH stmt IN ARRAY coalesce(pg_catalog.current_setting('vatsim_ingest_upgrade.grants', true),
                                   '{}')::text[] LOOP
        EXECUTE stmt;
    END LOOP;
END
$$;

-- (end of ATC contacts part)

-- ---------------------------------------------------------------------------
-- Controller summaries
-- ---------------------------------------------------------------------------

-- The frequencies a session used, kept by the session merge (store_sessions.c)
-- in order of first use; 199.998 (not on a frequency) is left out.  Rows
-- stored before 0.5.0 start with the one frequency they kept.
ALTER TABLE vatsim.controller_sessions
    ADD COLUMN frequencies text[] NOT NULL DEFAULT '{}',
    ADD COLUMN summary_due boolean NOT NULL DEFAULT false;
-- A session that ended before 0.5.0 is not due a summary (summary_due stays
-- false): its contacts were never recorded, so its counts would read as a
-- quiet session.
UPDATE vatsim.controller_sessions
SET frequencies = CASE WHEN frequency IS NULL OR frequency OPERATOR(pg_catalog.=) '199.998'
                       THEN '{}'::text[] ELSE ARRAY[frequency] END;
COMMENT ON COLUMN vatsim.controller_sessions.frequencies IS 'Primary frequencies the session used, in order of first use (199.998 left out)';
COMMENT ON COLUMN vatsim.controller_sessions.summary_due IS 'true from the session''s end until its row in vatsim.controller_summaries is written';
-- The sessions due a summary, and only they: finding them costs nothing when
-- none is due, and the planner knows the flag is rare (a comparison of
-- ended_at with another column would be estimated at a third of the table).
CREATE INDEX controller_sessions_summary_due_idx ON vatsim.controller_sessions (session_id)
    WHERE summary_due;

CREATE TABLE vatsim.controller_summaries (
    session_id      bigint PRIMARY KEY,
    cid             integer NOT NULL,
    callsign        varchar(24) NOT NULL,
    type            text NOT NULL,
    range_nm        double precision NOT NULL,
    facility        integer,
    rating          integer,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz NOT NULL,
    duration_s      integer NOT NULL CHECK (duration_s OPERATOR(pg_catalog.>=) 0),
    connections     integer NOT NULL,
    is_observer     boolean NOT NULL,
    no_frequency    boolean NOT NULL,
    frequencies     text[] NOT NULL,
    aircraft        integer NOT NULL,
    peak_aircraft   integer NOT NULL,
    peak_at         timestamptz,
    contact_seconds bigint NOT NULL,
    summarised_at   timestamptz NOT NULL
);
CREATE INDEX controller_summaries_callsign_idx ON vatsim.controller_summaries (callsign, started_at);
CREATE INDEX controller_summaries_started_idx ON vatsim.controller_summaries (started_at);
COMMENT ON TABLE vatsim.controller_summaries IS 'One row per ended controller session: its span, frequencies, and the flights in contact with it (written when the session ends; replaced when a reopened session ends again)';
COMMENT ON COLUMN vatsim.controller_summaries.session_id IS 'Controller session (vatsim.controller_sessions.session_id)';
COMMENT ON COLUMN vatsim.controller_summaries.cid IS 'VATSIM member id';
COMMENT ON COLUMN vatsim.controller_summaries.callsign IS 'Position callsign';
COMMENT ON COLUMN vatsim.controller_summaries.type IS 'Controller type by callsign suffix when summarised (vatsim.controller_type)';
COMMENT ON COLUMN vatsim.controller_summaries.range_nm IS 'Radio range in nautical miles by callsign suffix when summarised (vatsim.controller_type)';
COMMENT ON COLUMN vatsim.controller_summaries.facility IS 'Newest facility of the session';
COMMENT ON COLUMN vatsim.controller_summaries.rating IS 'Newest rating of the session';
COMMENT ON COLUMN vatsim.controller_summaries.started_at IS 'Logon time of the session''s first connection (its first_seen if the logon time is later)';
COMMENT ON COLUMN vatsim.controller_summaries.ended_at IS 'End of the session: the last snapshot that carried it';
COMMENT ON COLUMN vatsim.controller_summaries.duration_s IS 'ended_at - started_at in whole seconds (both cut to the second)';
COMMENT ON COLUMN vatsim.controller_summaries.connections IS 'Network connections merged into the session';
COMMENT ON COLUMN vatsim.controller_summaries.is_observer IS 'An observer (facility 0) throughout';
COMMENT ON COLUMN vatsim.controller_summaries.no_frequency IS 'On 199.998 (no frequency) throughout';
COMMENT ON COLUMN vatsim.controller_summaries.frequencies IS 'Primary frequencies used, in order of first use (199.998 left out)';
COMMENT ON COLUMN vatsim.controller_summaries.aircraft IS 'Distinct flights in contact during the session';
COMMENT ON COLUMN vatsim.controller_summaries.peak_aircraft IS 'Most flights in contact at the same instant (0: none)';
COMMENT ON COLUMN vatsim.controller_summaries.peak_at IS 'First instant at which peak_aircraft flights were in contact (NULL: none)';
COMMENT ON COLUMN vatsim.controller_summaries.contact_seconds IS 'Aircraft-seconds in contact: the sum over flights of each flight''s time in contact (its intervals on all frequencies united) within the session';
COMMENT ON COLUMN vatsim.controller_summaries.summarised_at IS 'update_timestamp of the snapshot whose ingest wrote the row';
SELECT pg_catalog.pg_extension_config_dump('vatsim.controller_summaries', '');
GRANT SELECT ON vatsim.controller_summaries TO vatsim_reader;

CREATE TABLE vatsim.controller_summary_hours (
    session_id      bigint NOT NULL REFERENCES vatsim.controller_summaries ON DELETE CASCADE,
    hour            timestamptz NOT NULL,
    staffed_seconds integer NOT NULL CHECK (staffed_seconds OPERATOR(pg_catalog.>=) 0
                                            AND staffed_seconds OPERATOR(pg_catalog.<=) 3600),
    aircraft        integer NOT NULL,
    contact_seconds bigint NOT NULL,
    PRIMARY KEY (session_id, hour)
);
CREATE INDEX controller_summary_hours_hour_idx ON vatsim.controller_summary_hours (hour);
COMMENT ON TABLE vatsim.controller_summary_hours IS 'A controller summary by UTC hour: one row for every hour the session overlaps, across midnight and days';
COMMENT ON COLUMN vatsim.controller_summary_hours.session_id IS 'Controller session (vatsim.controller_summaries.session_id)';
COMMENT ON COLUMN vatsim.controller_summary_hours.hour IS 'Start of the UTC hour';
COMMENT ON COLUMN vatsim.controller_summary_hours.staffed_seconds IS 'Seconds of the hour within the session';
COMMENT ON COLUMN vatsim.controller_summary_hours.aircraft IS 'Distinct flights in contact during the hour';
COMMENT ON COLUMN vatsim.controller_summary_hours.contact_seconds IS 'Aircraft-seconds in contact during the hour';
SELECT pg_catalog.pg_extension_config_dump('vatsim.controller_summary_hours', '');
GRANT SELECT ON vatsim.controller_summary_hours TO vatsim_reader;

-- (end of controller summaries part)

-- ---------------------------------------------------------------------------
-- Flight summaries
-- ---------------------------------------------------------------------------

-- Running aggregates of every flight, advanced by each snapshot that
-- carries it (src/summaries/flight_summaries.c: one read of the open rows,
-- one UPDATE of the flights in the snapshot, an INSERT for new ones).  Every
-- snapshot rewrites each open row, so no index covers a column that
-- changes: the updates stay HOT (fillfactor leaves room); the partial index
-- finds the open rows, and "open" changes only when a flight ends or comes
-- back.
CREATE TABLE vatsim.flight_stats (
    flight_id           bigint PRIMARY KEY,
    open                boolean NOT NULL DEFAULT true,
    first_ts            timestamptz NOT NULL,
    last_ts             timestamptz NOT NULL,
    last_latitude       double precision NOT NULL,
    last_longitude      double precision NOT NULL,
    last_groundspeed    integer NOT NULL,
    last_in_contact     boolean NOT NULL,
    slow_polls          integer NOT NULL CHECK (slow_polls >= 0),
    max_altitude        integer,
    distance_nm         double precision NOT NULL CHECK (distance_nm >= 0),
    airborne_us         bigint NOT NULL CHECK (airborne_us >= 0),
    contact_us          bigint NOT NULL CHECK (contact_us >= 0),
    airborne_contact_us bigint NOT NULL CHECK (airborne_contact_us >= 0),
    snapshots           integer NOT NULL CHECK (snapshots >= 1)
) WITH (fillfactor = 50);
CREATE INDEX flight_stats_open_idx ON vatsim.flight_stats (flight_id) WHERE open;
COMMENT ON TABLE vatsim.flight_stats IS 'Running aggregates of each flight, advanced by every snapshot that carries it; the state of vatsim.flight_summaries';
COMMENT ON COLUMN vatsim.flight_stats.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.flight_stats.open IS 'true until the flight ends (its summary is written); true again when a reconnect continues it';
COMMENT ON COLUMN vatsim.flight_stats.first_ts IS 'update_timestamp of the first snapshot counted';
COMMENT ON COLUMN vatsim.flight_stats.last_ts IS 'update_timestamp of the newest snapshot counted';
COMMENT ON COLUMN vatsim.flight_stats.last_latitude IS 'Latitude in the newest snapshot (the start of the next leg)';
COMMENT ON COLUMN vatsim.flight_stats.last_longitude IS 'Longitude in the newest snapshot';
COMMENT ON COLUMN vatsim.flight_stats.last_groundspeed IS 'Groundspeed in the newest snapshot, knots (missing: 0): airborne until the next snapshot when >= vatsim_ingest.airborne_speed_kt';
COMMENT ON COLUMN vatsim.flight_stats.last_in_contact IS 'An ATC contact was open in the newest snapshot: in contact until the next snapshot';
COMMENT ON COLUMN vatsim.flight_stats.slow_polls IS 'Consecutive snapshots below vatsim_ingest.exit_speed_kt, up to exit_polls (occupancy''s slow rule): at exit_polls a flight absent from the next snapshot has landed';
COMMENT ON COLUMN vatsim.flight_stats.max_altitude IS 'Highest altitude seen, feet (NULL: never reported)';
COMMENT ON COLUMN vatsim.flight_stats.distance_nm IS 'Sum of the great-circle legs between consecutive snapshots, nautical miles';
COMMENT ON COLUMN vatsim.flight_stats.airborne_us IS 'Airborne time, microseconds';
COMMENT ON COLUMN vatsim.flight_stats.contact_us IS 'Time in contact with ATC, microseconds';
COMMENT ON COLUMN vatsim.flight_stats.airborne_contact_us IS 'Airborne time in contact with ATC, microseconds';
COMMENT ON COLUMN vatsim.flight_stats.snapshots IS 'Snapshots counted';
SELECT pg_catalog.pg_extension_config_dump('vatsim.flight_stats', '');
GRANT SELECT ON vatsim.flight_stats TO vatsim_reader;

CREATE TABLE vatsim.flight_summaries (
    flight_id          bigint PRIMARY KEY,
    cid                integer NOT NULL,
    callsign           varchar(24) NOT NULL,
    departure          text,
    arrival            text,
    aircraft           text,
    flight_rules       text,
    first_seen         timestamptz NOT NULL,
    last_seen          timestamptz NOT NULL,
    end_reason         text NOT NULL CHECK (end_reason IN ('gone', 'landed')),
    total_s            double precision NOT NULL CHECK (total_s >= 0),
    airborne_s         double precision NOT NULL CHECK (airborne_s >= 0),
    max_altitude       integer,
    distance_nm        double precision NOT NULL CHECK (distance_nm >= 0),
    sectors            integer NOT NULL CHECK (sectors >= 0),
    primary_sector_set text,
    primary_sector     text,
    sector_seconds     jsonb NOT NULL,
    controllers        jsonb NOT NULL,
    contact_s          double precision NOT NULL CHECK (contact_s >= 0),
    airborne_contact_s double precision NOT NULL CHECK (airborne_contact_s >= 0),
    atc_share          double precision CHECK (atc_share BETWEEN 0 AND 1),
    airborne_atc_share double precision CHECK (airborne_atc_share BETWEEN 0 AND 1),
    summarised_at      timestamptz NOT NULL
);
CREATE INDEX flight_summaries_last_seen_idx ON vatsim.flight_summaries (last_seen);
CREATE INDEX flight_summaries_callsign_idx ON vatsim.flight_summaries (callsign, last_seen);
CREATE INDEX flight_summaries_arrival_idx ON vatsim.flight_summaries (arrival, last_seen);
CREATE INDEX flight_summaries_departure_idx ON vatsim.flight_summaries (departure, last_seen);
COMMENT ON TABLE vatsim.flight_summaries IS 'One row per ended flight (absent longer than vatsim_ingest.stale_after, or landed then gone); replaced when a reconnect continues the flight and it ends again';
COMMENT ON COLUMN vatsim.flight_summaries.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.flight_summaries.cid IS 'VATSIM member id of the pilot';
COMMENT ON COLUMN vatsim.flight_summaries.callsign IS 'Callsign flown';
COMMENT ON COLUMN vatsim.flight_summaries.departure IS 'Departure aerodrome of the newest flight plan (NULL without a plan)';
COMMENT ON COLUMN vatsim.flight_summaries.arrival IS 'Arrival aerodrome of the newest flight plan (NULL without a plan)';
COMMENT ON COLUMN vatsim.flight_summaries.aircraft IS 'Aircraft type (vatsim.flights.aircraft)';
COMMENT ON COLUMN vatsim.flight_summaries.flight_rules IS 'Flight rules of the newest flight-plan version (I, V...; NULL without a plan)';
COMMENT ON COLUMN vatsim.flight_summaries.first_seen IS 'update_timestamp of the first snapshot that carried the flight';
COMMENT ON COLUMN vatsim.flight_summaries.last_seen IS 'update_timestamp of the last snapshot that carried the flight';
COMMENT ON COLUMN vatsim.flight_summaries.end_reason IS 'landed: slow for exit_polls snapshots, then absent; gone: absent longer than stale_after';
COMMENT ON COLUMN vatsim.flight_summaries.total_s IS 'last_seen - first_seen, seconds';
COMMENT ON COLUMN vatsim.flight_summaries.airborne_s IS 'Seconds airborne: between consecutive snapshots after one at groundspeed >= vatsim_ingest.airborne_speed_kt (gaps longer than stale_after not counted)';
COMMENT ON COLUMN vatsim.flight_summaries.max_altitude IS 'Highest altitude seen, feet';
COMMENT ON COLUMN vatsim.flight_summaries.distance_nm IS 'Great-circle distance flown: the sum of the legs between consecutive stored positions, nautical miles';
COMMENT ON COLUMN vatsim.flight_summaries.sectors IS 'Distinct sectors (of all tracked sets) the flight had an interval in';
COMMENT ON COLUMN vatsim.flight_summaries.primary_sector_set IS 'Set of the sector with the most seconds (ties: the first entered); NULL without sectors';
COMMENT ON COLUMN vatsim.flight_summaries.primary_sector IS 'The sector with the most seconds (ties: the first entered); NULL without sectors';
COMMENT ON COLUMN vatsim.flight_summaries.sector_seconds IS 'Array of {sector_set, sector, seconds} in the order first entered: the length of the flight''s intervals in each sector';
COMMENT ON COLUMN vatsim.flight_summaries.controllers IS 'Array of {callsign, seconds} in the order first contacted: the union of the flight''s contact intervals per controller callsign, up to last_seen';
COMMENT ON COLUMN vatsim.flight_summaries.contact_s IS 'Seconds in contact with any controller (gaps longer than stale_after not counted)';
COMMENT ON COLUMN vatsim.flight_summaries.airborne_contact_s IS 'Airborne seconds in contact with any controller';
COMMENT ON COLUMN vatsim.flight_summaries.atc_share IS 'contact_s / total_s, 0..1 (NULL when total_s is 0)';
COMMENT ON COLUMN vatsim.flight_summaries.airborne_atc_share IS 'airborne_contact_s / airborne_s, 0..1 (NULL when airborne_s is 0)';
COMMENT ON COLUMN vatsim.flight_summaries.summarised_at IS 'update_timestamp of the snapshot that ended the flight';
SELECT pg_catalog.pg_extension_config_dump('vatsim.flight_summaries', '');
GRANT SELECT ON vatsim.flight_summaries TO vatsim_reader;

-- The summary of each ended flight, from its running aggregates, its
-- newest plan and its own sector and contact intervals (a few rows each, by
-- index); the flights' stats rows are closed.  Called by the ingest when
-- flights end (plpgsql: the plan is kept for the session).
CREATE FUNCTION vatsim.summarise_flights(ended bigint[], reasons text[], summarised timestamptz)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    written integer;
BEGIN
    INSERT INTO vatsim.flight_summaries AS fs (flight_id, cid, callsign, departure, arrival,
        aircraft, flight_rules, first_seen, last_seen, end_reason, total_s, airborne_s,
        max_altitude, distance_nm, sectors, primary_sector_set, primary_sector, sector_seconds,
        controllers, contact_s, airborne_contact_s, atc_share, airborne_atc_share, summarised_at)
    SELECT f.flight_id, f.cid, f.callsign, f.departure, f.arrival, f.aircraft, fp.flight_rules,
           f.first_seen, f.last_seen, e.reason, tot.s, st.airborne_us / 1e6::float8,
           st.max_altitude, st.distance_nm,
           coalesce(sec.n, 0), sec.primary_set, sec.primary_sector, coalesce(sec.seconds, '[]'),
           coalesce(ctl.controllers, '[]'), st.contact_us / 1e6::float8,
           st.airborne_contact_us / 1e6::float8,
           CASE WHEN tot.s > 0 THEN least(1, st.contact_us / 1e6::float8 / tot.s) END,
           CASE WHEN st.airborne_us > 0 THEN st.airborne_contact_us::float8 / st.airborne_us END,
           summarised
    FROM unnest(ended, reasons) AS e(flight_id, reason)
    JOIN vatsim.flights f ON f.flight_id = e.flight_id
    JOIN vatsim.flight_stats st ON st.flight_id = e.flight_id
    CROSS JOIN LATERAL (SELECT extract(epoch FROM f.last_seen - f.first_seen)::float8 AS s) tot
    LEFT JOIN LATERAL (
        SELECT p.flight_rules FROM vatsim.flight_plans p
        WHERE p.flight_id = f.flight_id ORDER BY p.seen_at DESC LIMIT 1) fp ON true
    -- seconds per sector, intervals cut at last_seen
    LEFT JOIN LATERAL (
        SELECT count(*)::integer AS n,
               (array_agg(x.sector_set ORDER BY x.s DESC, x.first_entry, x.sector_set, x.sector))[1] AS primary_set,
               (array_agg(x.sector ORDER BY x.s DESC, x.first_entry, x.sector_set, x.sector))[1] AS primary_sector,
               jsonb_agg(jsonb_build_object('sector_set', x.sector_set, 'sector', x.sector, 'seconds', x.s)
                         ORDER BY x.first_entry, x.sector_set, x.sector) AS seconds
        FROM (SELECT o.sector_set, o.sector, min(o.entry_time) AS first_entry,
                     sum(greatest(0, extract(epoch FROM least(coalesce(o.exit_time, f.last_seen), f.last_seen)
                                                       - o.entry_time)))::float8 AS s
              FROM vatsim.sector_occupancy o
              WHERE o.flight_id = f.flight_id
              GROUP BY o.sector_set, o.sector) x) sec ON true
    -- per controller callsign, the union of its contact intervals (islands
    -- of overlapping or touching intervals), cut at last_seen
    LEFT JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('callsign', c.atc_callsign, 'seconds', c.s)
                         ORDER BY c.first_start, c.atc_callsign) AS controllers
        FROM (SELECT i.atc_callsign, min(i.lo) AS first_start,
                     sum(extract(epoch FROM i.hi - i.lo))::float8 AS s
              FROM (SELECT g.atc_callsign, min(g.lo) AS lo, max(g.hi) AS hi
                    FROM (SELECT m.*, count(*) FILTER (WHERE m.starts) OVER (PARTITION BY m.atc_callsign ORDER BY m.lo, m.hi) AS island
                          FROM (SELECT r.*, coalesce(r.lo > max(r.hi) OVER (PARTITION BY r.atc_callsign ORDER BY r.lo, r.hi
                                                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS starts
                                FROM (SELECT a.atc_callsign, a.started_at AS lo,
                                             least(coalesce(a.ended_at, f.last_seen), f.last_seen) AS hi
                                      FROM vatsim.atc_contacts a
                                      WHERE a.flight_id = f.flight_id AND a.started_at < f.last_seen) r) m) g
                    GROUP BY g.atc_callsign, g.island) i
              GROUP BY i.atc_callsign) c) ctl ON true
    ON CONFLICT (flight_id) DO UPDATE SET
        cid = EXCLUDED.cid, callsign = EXCLUDED.callsign, departure = EXCLUDED.departure,
        arrival = EXCLUDED.arrival, aircraft = EXCLUDED.aircraft, flight_rules = EXCLUDED.flight_rules,
        first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen,
        end_reason = EXCLUDED.end_reason, total_s = EXCLUDED.total_s,
        airborne_s = EXCLUDED.airborne_s, max_altitude = EXCLUDED.max_altitude,
        distance_nm = EXCLUDED.distance_nm, sectors = EXCLUDED.sectors,
        primary_sector_set = EXCLUDED.primary_sector_set, primary_sector = EXCLUDED.primary_sector,
        sector_seconds = EXCLUDED.sector_seconds, controllers = EXCLUDED.controllers,
        contact_s = EXCLUDED.contact_s, airborne_contact_s = EXCLUDED.airborne_contact_s,
        atc_share = EXCLUDED.atc_share, airborne_atc_share = EXCLUDED.airborne_atc_share,
        summarised_at = EXCLUDED.summarised_at;
    GET DIAGNOSTICS written = ROW_COUNT;
    UPDATE vatsim.flight_stats st SET open = false
    FROM unnest(ended) AS e(flight_id)
    WHERE st.flight_id = e.flight_id AND st.open;
    RETURN written;
END
$$;
COMMENT ON FUNCTION vatsim.summarise_flights(bigint[], text[], timestamptz) IS 'Write (or replace) the summaries of flights that ended, from vatsim.flight_stats and their intervals, and close their stats rows (called by the ingest)';
REVOKE ALL ON FUNCTION vatsim.summarise_flights(bigint[], text[], timestamptz) FROM PUBLIC;

-- (end of flight summaries part)

-- ---------------------------------------------------------------------------
-- Movements: departures and arrivals; filters
-- ---------------------------------------------------------------------------

-- Departures and arrivals.  A flight's movement is seen between two of its
-- consecutive stored positions: the groundspeed crosses
-- vatsim_ingest.airborne_speed_kt (ground: below it; airborne: at or above
-- it).  ts is the snapshot that shows the transition (the airborne side of a
-- departure, the ground side of an arrival); prev_* is the flight's previous
-- stored position.  The airport is the nearest one (pseudo lines left out)
-- within vatsim_ingest.movement_radius_nm of the ground-side position; none
-- within the radius leaves icao NULL (the row is still the evidence).
CREATE TABLE vatsim.movements (
    movement_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flight_id        bigint NOT NULL,
    callsign         varchar(24) NOT NULL,
    kind             text NOT NULL CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['departure', 'arrival'])),
    icao             text,
    airport_name     text,
    distance_nm      double precision,
    ts               timestamptz NOT NULL,
    latitude         double precision NOT NULL,
    longitude        double precision NOT NULL,
    groundspeed      integer NOT NULL,
    altitude         integer NOT NULL,
    prev_ts          timestamptz NOT NULL,
    prev_latitude    double precision NOT NULL,
    prev_longitude   double precision NOT NULL,
    prev_groundspeed integer NOT NULL,
    prev_altitude    integer NOT NULL,
    CHECK (prev_ts OPERATOR(pg_catalog.<) ts),
    CHECK ((icao IS NULL) OPERATOR(pg_catalog.=) (distance_nm IS NULL)),
    UNIQUE (flight_id, ts)
);
CREATE INDEX movements_icao_ts_idx ON vatsim.movements (icao, ts);
COMMENT ON TABLE vatsim.movements IS 'Departures and arrivals: a flight crossing vatsim_ingest.airborne_speed_kt between two consecutive stored positions, at the nearest airport within vatsim_ingest.movement_radius_nm';
COMMENT ON COLUMN vatsim.movements.movement_id IS 'Movement identifier';
COMMENT ON COLUMN vatsim.movements.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.movements.callsign IS 'The flight''s callsign';
COMMENT ON COLUMN vatsim.movements.kind IS 'departure (ground, then airborne) or arrival (airborne, then ground)';
COMMENT ON COLUMN vatsim.movements.icao IS 'Nearest airport (vatsim.airports, pseudo lines left out) within vatsim_ingest.movement_radius_nm of the ground-side position; NULL: none within it';
COMMENT ON COLUMN vatsim.movements.airport_name IS 'That airport''s name (NULL: no airport, or no name in VATSpy.dat)';
COMMENT ON COLUMN vatsim.movements.distance_nm IS 'Great-circle distance from the ground-side position to the airport, nautical miles (NULL: no airport)';
COMMENT ON COLUMN vatsim.movements.ts IS 'update_timestamp of the snapshot that shows the transition: the first airborne one of a departure, the first on the ground of an arrival';
COMMENT ON COLUMN vatsim.movements.latitude IS 'Latitude at ts, degrees';
COMMENT ON COLUMN vatsim.movements.longitude IS 'Longitude at ts, degrees';
COMMENT ON COLUMN vatsim.movements.groundspeed IS 'Groundspeed at ts, knots';
COMMENT ON COLUMN vatsim.movements.altitude IS 'Altitude at ts, feet';
COMMENT ON COLUMN vatsim.movements.prev_ts IS 'update_timestamp of the flight''s previous stored position (at most vatsim_ingest.stale_after before ts)';
COMMENT ON COLUMN vatsim.movements.prev_latitude IS 'Latitude at prev_ts, degrees';
COMMENT ON COLUMN vatsim.movements.prev_longitude IS 'Longitude at prev_ts, degrees';
COMMENT ON COLUMN vatsim.movements.prev_groundspeed IS 'Groundspeed at prev_ts, knots';
COMMENT ON COLUMN vatsim.movements.prev_altitude IS 'Altitude at prev_ts, feet (within vatsim_ingest.movement_max_climb_ft of altitude)';
SELECT pg_catalog.pg_extension_config_dump('vatsim.movements', '');
SELECT pg_catalog.pg_extension_config_dump('vatsim.movements_movement_id_seq', '');
GRANT SELECT ON vatsim.movements TO vatsim_reader;

-- Daily totals per airport (UTC days).  A query for one airport pushes
-- icao = ... into the scan of movements_icao_ts_idx (icao is a grouping
-- column), so it never reads the other airports' rows.
CREATE VIEW vatsim.airport_daily_movements AS
SELECT m.icao,
       (m.ts AT TIME ZONE 'UTC')::date AS day,
       count(*) FILTER (WHERE m.kind OPERATOR(pg_catalog.=) 'departure') AS departures,
       count(*) FILTER (WHERE m.kind OPERATOR(pg_catalog.=) 'arrival') AS arrivals
FROM vatsim.movements m
WHERE m.icao IS NOT NULL
GROUP BY m.icao, (m.ts AT TIME ZONE 'UTC')::date;
COMMENT ON VIEW vatsim.airport_daily_movements IS 'Departures and arrivals per airport and UTC day (vatsim.movements with an airport)';
GRANT SELECT ON vatsim.airport_daily_movements TO vatsim_reader;

-- Every bucket of [since, until), empty ones included, aligned on UTC
-- midnight of 2000-01-01 (date_bin): 1 hour buckets start on the hour, 1 day
-- buckets at 00:00 UTC.  The first bucket may start before since; it counts
-- only movements from since on.
CREATE FUNCTION vatsim.airport_movements(icao text, since timestamptz, until timestamptz,
    bucket interval DEFAULT '1 hour')
RETURNS TABLE (bucket_start timestamptz, departures bigint, arrivals bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF $4 IS NULL OR $4 OPERATOR(pg_catalog.<=) interval '0' OR
       pg_catalog.date_part('month', $4) OPERATOR(pg_catalog.<>) 0 OR
       pg_catalog.date_part('year', $4) OPERATOR(pg_catalog.<>) 0 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('bucket %s is not a positive interval of days, hours, minutes or seconds', $4),
            HINT = 'Use e.g. ''15 minutes'', ''1 hour'' or ''1 day''; months and years have no fixed length.';
    END IF;
    IF $2 IS NULL OR $3 IS NULL OR $3 OPERATOR(pg_catalog.<=) $2 THEN
        RETURN;
    END IF;
    IF pg_catalog.date_part('epoch', $3 OPERATOR(pg_catalog.-) $2)
       OPERATOR(pg_catalog./) pg_catalog.date_part('epoch', $4) OPERATOR(pg_catalog.>) 100000 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'program_limit_exceeded',
            MESSAGE = 'too many buckets',
            DETAIL = format('From %s to %s in buckets of %s is more than 100000 buckets.', $2, $3, $4),
            HINT = 'Use a shorter window or a longer bucket.';
    END IF;
    RETURN QUERY
    SELECT b.bucket_start,
           count(m.movement_id) FILTER (WHERE m.kind OPERATOR(pg_catalog.=) 'departure'),
           count(m.movement_id) FILTER (WHERE m.kind OPERATOR(pg_catalog.=) 'arrival')
    FROM pg_catalog.generate_series(
             pg_catalog.date_bin($4, $2, timestamptz '2000-01-01 00:00:00+00'),
             $3 OPERATOR(pg_catalog.-) interval '1 microsecond', $4) AS b(bucket_start)
    LEFT JOIN vatsim.movements m
      ON m.icao OPERATOR(pg_catalog.=) $1
     AND m.ts OPERATOR(pg_catalog.>=) $2 AND m.ts OPERATOR(pg_catalog.<) $3
     AND m.ts OPERATOR(pg_catalog.>=) b.bucket_start
     AND m.ts OPERATOR(pg_catalog.<) (b.bucket_start OPERATOR(pg_catalog.+) $4)
    GROUP BY b.bucket_start
    ORDER BY b.bucket_start;
END
$$;
COMMENT ON FUNCTION vatsim.airport_movements(text, timestamptz, timestamptz, interval) IS 'Departures and arrivals at an airport in [since, until), per bucket (UTC-aligned, every bucket listed, zeros included)';
GRANT EXECUTE ON FUNCTION vatsim.airport_movements(text, timestamptz, timestamptz, interval) TO vatsim_reader;

-- Filter: the controller positions to track.  Empty (the default): every
-- position.  Otherwise a controller gets a session (and so contacts and a
-- summary) only when its callsign equals a pattern, or matches one holding
-- '*' (any run of characters, possibly none).  '_' is a literal character
-- (the callsign separator), never a wildcard.  vatsim.controllers keeps
-- every controller.
CREATE TABLE vatsim.tracked_positions (
    pattern text PRIMARY KEY
            CHECK (pattern OPERATOR(pg_catalog.~) '^[A-Z0-9_*-]{1,24}$')
);
COMMENT ON TABLE vatsim.tracked_positions IS 'Controller positions to track (empty: all): a controller whose callsign matches no row gets no session, contacts or summary';
COMMENT ON COLUMN vatsim.tracked_positions.pattern IS 'A callsign in upper case (EDDF_TWR), or a pattern where * stands for any characters (EDDF_*, *_CTR); _ is literal';
SELECT pg_catalog.pg_extension_config_dump('vatsim.tracked_positions', '');
GRANT SELECT ON vatsim.tracked_positions TO vatsim_reader;

-- The loader of a one-callsign-per-line list: '#' starts a comment, blanks
-- around a name and blank lines are ignored, names are upper-cased, a
-- repeated line counts once.  Replaces every row; a bad line refuses the
-- whole text and the table keeps its rows.
CREATE FUNCTION vatsim.load_tracked_positions(list text) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- every line, comment and surrounding blanks removed, upper-cased
    names text[] := ARRAY(
        SELECT pg_catalog.upper(pg_catalog.btrim(pg_catalog.split_part(l.t, '#', 1), E' \t\r'))
        FROM pg_catalog.regexp_split_to_table($1, E'\n') WITH ORDINALITY AS l(t, n)
        ORDER BY l.n);
    bad record;
    n integer;
BEGIN
    SELECT l.n, l.name INTO bad
    FROM pg_catalog.unnest(names) WITH ORDINALITY AS l(name, n)
    WHERE l.name OPERATOR(pg_catalog.<>) ''
      AND l.name OPERATOR(pg_catalog.!~) '^[A-Z0-9_*-]{1,24}$'
    ORDER BY l.n LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'cannot load tracked positions',
            DETAIL = format('Line %s: "%s" is not a callsign or pattern (letters, digits, _, - and *, at most 24).',
                            bad.n, bad.name),
            HINT = 'Nothing was loaded; vatsim.tracked_positions keeps its previous rows.';
    END IF;
    -- one loader at a time; readers (the ingest) see the old rows until commit
    LOCK TABLE vatsim.tracked_positions IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM vatsim.tracked_positions;
    INSERT INTO vatsim.tracked_positions (pattern)
    SELECT DISTINCT l.name FROM pg_catalog.unnest(names) AS l(name)
    WHERE l.name OPERATOR(pg_catalog.<>) '';
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION vatsim.load_tracked_positions(text) IS 'Replace vatsim.tracked_positions with a one-callsign-per-line list (# comments, blank lines ignored; * a wildcard); returns the rows loaded';
REVOKE ALL ON FUNCTION vatsim.load_tracked_positions(text) FROM PUBLIC;

-- (end of movements and filters part)

-- ---------------------------------------------------------------------------
-- The replaced system's HTTP API as SQL
-- ---------------------------------------------------------------------------

-- The read endpoints of the replaced system (its HTTP API) as functions
-- that vatsim_reader may call; README "The old HTTP API, as SQL" maps every
-- endpoint.  Lists are keyset-paged: "after" is the last key of the
-- previous page (NULL: the first page), "limit" 1..10000, rows in key
-- order, and an index serves that order: never OFFSET.  Each function runs
-- with the caller's rights under a pinned search_path, where pg_catalog's
-- operators and functions come first.

-- The page size check every list shares (IMMUTABLE: a constant limit is
-- checked when the query is planned, an empty page is no excuse).
CREATE FUNCTION vatsim.page_limit("limit" integer) RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF $1 IS NULL OR $1 < 1 OR $1 > 10000 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'page limit out of range',
            DETAIL = format('The limit was %s; a page holds 1 to 10000 rows.', coalesce($1::text, 'NULL')),
            HINT = 'Ask for the next page with after = the last key of this page.';
    END IF;
    RETURN $1;
END
$$;
COMMENT ON FUNCTION vatsim.page_limit(integer) IS 'The limit of a keyset page, checked: 1 to 10000, else an error (22023)';

-- Great-circle distance on a sphere of 3440.065 nm (as nearest_airport).
CREATE FUNCTION vatsim.distance_nm(lat1 double precision, lon1 double precision,
    lat2 double precision, lon2 double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 2 * 3440.065 * asin(least(1, sqrt(
        sin(radians($3 - $1) / 2) ^ 2
        + cos(radians($1)) * cos(radians($3)) * sin(radians($4 - $2) / 2) ^ 2)))
$$;
COMMENT ON FUNCTION vatsim.distance_nm(double precision, double precision, double precision, double precision) IS 'Great-circle distance in nautical miles between two points given in degrees (haversine, sphere of 3440.065 nm)';

-- /api/status: a row per table (rows, newest time, its age, fresh or
-- stale), the worker, and first the verdict.  Counting is exact, except
-- positions, whose count is the sum the snapshots recorded (one position
-- per kept pilot per snapshot): no scan of the position history.
CREATE FUNCTION vatsim.api_status(fresh_within interval DEFAULT '5 minutes')
RETURNS TABLE (component text, kind text, rows bigint, newest timestamptz, age interval, status text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    w_state text;
    w_cycles bigint;
    w_success timestamptz;
    w_failures integer;
BEGIN
    BEGIN
        SELECT ws.state, ws.cycles, ws.last_success, ws.consecutive_failures
        INTO w_state, w_cycles, w_success, w_failures
        FROM vatsim.worker_status() ws;
    EXCEPTION WHEN object_not_in_prerequisite_state THEN
        w_state := 'not loaded';
    END;
    RETURN QUERY
    WITH newest AS (
        SELECT s.update_timestamp AS ts, s.sector_error, s.analytics_error
        FROM vatsim.snapshots s ORDER BY s.update_timestamp DESC LIMIT 1),
    t (ord, component, kind, rows, newest) AS (
        SELECT 1, 'snapshots', 'history', (SELECT count(*) FROM vatsim.snapshots), (SELECT n.ts FROM newest n)
        UNION ALL SELECT 2, 'pilots', 'current', (SELECT count(*) FROM vatsim.pilots), (SELECT n.ts FROM newest n)
        UNION ALL SELECT 3, 'controllers', 'current', (SELECT count(*) FROM vatsim.controllers), (SELECT n.ts FROM newest n)
        UNION ALL SELECT 4, 'atis', 'current', (SELECT count(*) FROM vatsim.atis), (SELECT n.ts FROM newest n)
        UNION ALL SELECT 5, 'prefiles', 'current', (SELECT count(*) FROM vatsim.prefiles), (SELECT n.ts FROM newest n)
        UNION ALL SELECT 6, 'servers', 'current', (SELECT count(*) FROM vatsim.servers), (SELECT n.ts FROM newest n)
        UNION ALL SELECT 7, 'transceivers', 'current', (SELECT count(*) FROM vatsim.transceivers), NULL
        UNION ALL SELECT 8, 'flights', 'history', f.n, f.ts FROM (SELECT count(*) AS n, max(x.last_seen) AS ts FROM vatsim.flights x) f
        UNION ALL SELECT 9, 'positions', 'history',
                         (SELECT coalesce(sum(coalesce(s.positions, s.pilots)), 0)::bigint FROM vatsim.snapshots s),
                         (SELECT max(s.update_timestamp) FROM vatsim.snapshots s WHERE coalesce(s.positions, s.pilots) > 0)
        UNION ALL SELECT 10, 'flight_plans', 'history', f.n, f.ts FROM (SELECT count(*) AS n, max(x.seen_at) AS ts FROM vatsim.flight_plans x) f
        UNION ALL SELECT 11, 'controller_sessions', 'history', f.n, f.ts FROM (SELECT count(*) AS n, max(x.last_seen) AS ts FROM vatsim.controller_sessions x) f
        UNION ALL SELECT 12, 'sector_occupancy', 'history', (SELECT count(*) FROM vatsim.sector_occupancy), (SELECT max(x.entry_time) FROM vatsim.sector_occupancy x)
        UNION ALL SELECT 13, 'atc_contacts', 'history', f.n, f.ts FROM (SELECT count(*) AS n, max(x.started_at) AS ts FROM vatsim.atc_contacts x) f
        UNION ALL SELECT 14, 'runs', 'log', f.n, f.ts FROM (SELECT count(*) AS n, max(x.started_at) AS ts FROM vatsim.runs x) f
        UNION ALL SELECT 15, 'sector_sets', 'definitions', f.n, f.ts FROM (SELECT count(*) AS n, max(x.loaded_at) AS ts FROM vatsim.sector_sets x) f
        UNION ALL SELECT 16, 'airports', 'definitions', f.n, f.ts FROM (SELECT count(*) AS n, max(x.loaded_at) AS ts FROM vatsim.airports x) f
        UNION ALL SELECT 17, 'controller_ranges', 'definitions', (SELECT count(*) FROM vatsim.controller_ranges), NULL)
    SELECT r.component, r.kind, r.rows, r.newest, r.age, r.status FROM (
        SELECT 0 AS ord, 'overall'::text AS component, 'status'::text AS kind,
               (SELECT count(*) FROM vatsim.snapshots) AS rows, n.ts AS newest, now() - n.ts AS age,
               CASE WHEN n.ts IS NULL THEN 'critical'
                    WHEN now() - n.ts > fresh_within OR n.sector_error IS NOT NULL
                         OR n.analytics_error IS NOT NULL OR coalesce(w_failures, 0) > 0 THEN 'degraded'
                    ELSE 'operational' END AS status
        FROM (SELECT 1) one LEFT JOIN newest n ON true
        UNION ALL
        SELECT t.ord, t.component, t.kind, t.rows, t.newest, now() - t.newest,
               CASE WHEN t.kind IN ('definitions', 'log') OR t.component = 'transceivers' THEN
                        CASE WHEN t.rows = 0 THEN 'empty' ELSE 'present' END
                    WHEN t.newest IS NULL THEN 'empty'
                    WHEN now() - t.newest <= fresh_within THEN 'fresh'
                    ELSE 'stale' END
        FROM t
        UNION ALL
        SELECT 18, 'worker', 'worker', w_cycles, w_success, now() - w_success, w_state) r
    ORDER BY r.ord;
END
$$;
COMMENT ON FUNCTION vatsim.api_status(interval) IS 'Status (the old /api/status): the verdict (operational, degraded, critical), then rows, newest time and freshness of every table, then the worker''s state';

-- /api/flights: the pilots online in the newest snapshot, by callsign.
-- (A callsign is never empty: '' sorts before every key.)
CREATE FUNCTION vatsim.online_flights(after text DEFAULT NULL, "limit" integer DEFAULT 100)
RETURNS TABLE (callsign text, flight_id bigint, cid integer, name text, aircraft text, aircraft_short text,
               flight_rules text, departure text, arrival text, route text, planned_altitude text,
               latitude double precision, longitude double precision, altitude integer,
               groundspeed integer, heading integer, transponder text,
               logon_time timestamptz, last_updated timestamptz)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT p.callsign, p.flight_id, p.cid, p.name, p.plan_aircraft, p.plan_aircraft_short,
           p.plan_flight_rules, p.plan_departure, p.plan_arrival, p.plan_route, p.plan_altitude,
           p.latitude, p.longitude, p.altitude, p.groundspeed, p.heading, p.transponder,
           p.logon_time, p.last_updated
    FROM vatsim.pilots p
    WHERE p.callsign > coalesce($1, '')
    ORDER BY p.callsign
    LIMIT vatsim.page_limit($2)
$$;
COMMENT ON FUNCTION vatsim.online_flights(text, integer) IS 'Online flights (the old /api/flights): the pilots of the newest snapshot, a keyset page by callsign';

-- A callsign's flights, newest first, come from this index; so do a
-- callsign's track and stats.  (callsign and flight_id never change: the
-- per-snapshot updates of flights stay HOT.)
CREATE INDEX flights_callsign_idx ON vatsim.flights (callsign, flight_id);

-- The newest flight of a callsign (the highest flight_id: flights are
-- numbered as they start), for every "by callsign" endpoint:
-- flight_track(vatsim.newest_flight('QFA1')), flight_stats(...).
CREATE FUNCTION vatsim.newest_flight(callsign text) RETURNS bigint
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT max(f.flight_id) FROM vatsim.flights f WHERE f.callsign = $1
$$;
COMMENT ON FUNCTION vatsim.newest_flight(text) IS 'flight_id of the newest flight of a callsign, online or not (NULL: the callsign never flew)';

-- /api/flights/{callsign}: the newest flight of a callsign, online or not,
-- with its current plan version and its newest stored position.
CREATE FUNCTION vatsim.flight(callsign text)
RETURNS TABLE (flight_id bigint, callsign text, cid integer, status text, aircraft text,
               departure text, arrival text, flight_rules text, route text, planned_altitude text,
               logon_time timestamptz, first_seen timestamptz, last_seen timestamptz, connections integer,
               position_ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer)
LANGUAGE sql STABLE STRICT ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT f.flight_id, f.callsign, f.cid, f.status, f.aircraft, f.departure, f.arrival,
           fp.flight_rules, fp.route, fp.altitude, f.logon_time, f.first_seen, f.last_seen, f.connections,
           ps.ts, ps.latitude, ps.longitude, ps.altitude, ps.groundspeed, ps.heading
    FROM vatsim.flights f
    LEFT JOIN LATERAL (SELECT * FROM vatsim.flight_plans y WHERE y.flight_id = f.flight_id
                       ORDER BY y.seen_at DESC LIMIT 1) fp ON true
    LEFT JOIN LATERAL (SELECT * FROM vatsim.positions z WHERE z.flight_id = f.flight_id
                       ORDER BY z.ts DESC LIMIT 1) ps ON true
    WHERE f.flight_id = vatsim.newest_flight($1)
$$;
COMMENT ON FUNCTION vatsim.flight(text) IS 'The newest flight of a callsign (the old /api/flights/{callsign}), online or not, with its current plan and newest position; no row if the callsign never flew';

-- /api/flights/{callsign}/track: ONE flight's positions (the replaced
-- system mixed every flight of a callsign), a keyset page by time; by
-- callsign: flight_track(vatsim.newest_flight(callsign)).
CREATE FUNCTION vatsim.flight_track(flight_id bigint, after timestamptz DEFAULT NULL, "limit" integer DEFAULT 1000)
RETURNS TABLE (flight_id bigint, ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer, transponder text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ps.flight_id, ps.ts, ps.latitude, ps.longitude, ps.altitude, ps.groundspeed, ps.heading, ps.transponder
    FROM vatsim.positions ps
    WHERE ps.flight_id = $1 AND ps.ts > coalesce($2, '-infinity')
    ORDER BY ps.ts
    LIMIT vatsim.page_limit($3)
$$;
COMMENT ON FUNCTION vatsim.flight_track(bigint, timestamptz, integer) IS 'A flight''s stored positions (the old /api/flights/{callsign}/track), a keyset page by time';

-- /api/flights/{callsign}/stats, with a real distance: the sum of the
-- great-circle legs between consecutive stored positions.
CREATE FUNCTION vatsim.flight_stats(flight_id bigint)
RETURNS TABLE (flight_id bigint, points bigint, first_ts timestamptz, last_ts timestamptz, duration interval,
               avg_groundspeed double precision, max_groundspeed integer, max_altitude integer,
               distance_nm double precision)
LANGUAGE sql STABLE STRICT ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT $1, count(*), min(l.ts), max(l.ts), max(l.ts) - min(l.ts),
           avg(l.groundspeed)::double precision, max(l.groundspeed), max(l.altitude),
           coalesce(sum(vatsim.distance_nm(l.plat, l.plon, l.latitude, l.longitude)), 0)
    FROM (SELECT ps.ts, ps.latitude, ps.longitude, ps.groundspeed, ps.altitude,
                 lag(ps.latitude) OVER w AS plat, lag(ps.longitude) OVER w AS plon
          FROM vatsim.positions ps WHERE ps.flight_id = $1
          WINDOW w AS (ORDER BY ps.ts)) l
    HAVING count(*) > 0
$$;
COMMENT ON FUNCTION vatsim.flight_stats(bigint) IS 'A flight''s position statistics (the old /api/flights/{callsign}/stats): points, first and last, average and maximum groundspeed, maximum altitude, great-circle distance between consecutive positions (nm); no row without positions';

-- /api/controllers and /api/atc-positions: the controllers online in the
-- newest snapshot with their session, type and range.
CREATE FUNCTION vatsim.online_controllers(after text DEFAULT NULL, "limit" integer DEFAULT 100)
RETURNS TABLE (callsign text, cid integer, name text, frequency text, facility integer, rating integer,
               server text, visual_range integer, type text, range_nm double precision,
               logon_time timestamptz, last_updated timestamptz, session_id bigint,
               session_start timestamptz, connections integer, text_atis text[])
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.callsign, c.cid, c.name, c.frequency, c.facility, c.rating, c.server, c.visual_range,
           ct.type, ct.range_nm, c.logon_time, c.last_updated,
           cs.session_id, cs.logon_time, cs.connections, c.text_atis
    FROM vatsim.controllers c
    CROSS JOIN LATERAL vatsim.controller_type(c.callsign) ct
    LEFT JOIN LATERAL (SELECT s.session_id, s.logon_time, s.connections FROM vatsim.controller_sessions s
                       WHERE s.cid = c.cid AND s.callsign = c.callsign AND s.ended_at IS NULL
                       ORDER BY s.logon_time DESC LIMIT 1) cs ON true
    WHERE c.callsign > coalesce($1, '')
    ORDER BY c.callsign
    LIMIT vatsim.page_limit($2)
$$;
COMMENT ON FUNCTION vatsim.online_controllers(text, integer) IS 'Online controllers (the old /api/controllers and /api/atc-positions): the controllers of the newest snapshot with type, range and open session, a keyset page by callsign';

-- /api/atc-positions/by-controller-id: the sessions seen in a window,
-- grouped by cid.  Sessions have no index on last_seen (it moves every
-- snapshot), so the window reads the session table once; the page is cut
-- by cid.
CREATE FUNCTION vatsim.controllers_by_cid(after integer DEFAULT NULL, "limit" integer DEFAULT 100,
    since timestamptz DEFAULT now() - interval '24 hours')
RETURNS TABLE (cid integer, sessions bigint, connections bigint, callsigns text[], first_seen timestamptz,
               last_seen timestamptz, time_online interval, online boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.cid, count(*), sum(s.connections), array_agg(DISTINCT s.callsign::text ORDER BY s.callsign::text),
           min(s.first_seen), max(s.last_seen), sum(s.last_seen - s.first_seen), bool_or(s.ended_at IS NULL)
    FROM vatsim.controller_sessions s
    WHERE s.last_seen >= $3 AND s.cid > coalesce($1, -2147483648)
    GROUP BY s.cid
    ORDER BY s.cid
    LIMIT vatsim.page_limit($2)
$$;
COMMENT ON FUNCTION vatsim.controllers_by_cid(integer, integer, timestamptz) IS 'Controller sessions seen since a time (default the last 24 h), grouped by cid (the old /api/atc-positions/by-controller-id), a keyset page by cid';

-- /api/transceivers: the newest transceivers feed, a keyset page by
-- (callsign, transceiver_id), or one station's; whose station it is comes
-- from the current tables (the replaced system's entity_type).
CREATE FUNCTION vatsim.station_kind(callsign text) RETURNS text
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN EXISTS (SELECT FROM vatsim.pilots p WHERE p.callsign = $1) THEN 'pilot'
                WHEN EXISTS (SELECT FROM vatsim.controllers c WHERE c.callsign = $1) THEN 'controller'
                WHEN EXISTS (SELECT FROM vatsim.atis a WHERE a.callsign = $1) THEN 'atis' END
$$;
COMMENT ON FUNCTION vatsim.station_kind(text) IS 'pilot, controller or atis: the current table a callsign is online in (NULL: none)';

CREATE FUNCTION vatsim.transceivers_page(after_callsign text DEFAULT NULL, after_id integer DEFAULT NULL,
    "limit" integer DEFAULT 1000)
RETURNS TABLE (callsign text, transceiver_id integer, station text, frequency_hz bigint,
               latitude double precision, longitude double precision,
               height_msl_m double precision, height_agl_m double precision)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT t.callsign, t.transceiver_id, vatsim.station_kind(t.callsign),
           t.frequency_hz, t.latitude, t.longitude, t.height_msl_m, t.height_agl_m
    FROM vatsim.transceivers t
    WHERE (t.callsign, t.transceiver_id) > (coalesce($1, ''), coalesce($2, -2147483648))
    ORDER BY t.callsign, t.transceiver_id
    LIMIT vatsim.page_limit($3)
$$;
COMMENT ON FUNCTION vatsim.transceivers_page(text, integer, integer) IS 'Transceivers of the newest transceivers feed (the old /api/transceivers) with their station''s kind, a keyset page by (callsign, transceiver_id)';

CREATE FUNCTION vatsim.transceivers_of(callsign text)
RETURNS TABLE (callsign text, transceiver_id integer, station text, frequency_hz bigint,
               latitude double precision, longitude double precision,
               height_msl_m double precision, height_agl_m double precision)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT t.callsign, t.transceiver_id, vatsim.station_kind(t.callsign),
           t.frequency_hz, t.latitude, t.longitude, t.height_msl_m, t.height_agl_m
    FROM vatsim.transceivers t
    WHERE t.callsign = $1
    ORDER BY t.transceiver_id
$$;
COMMENT ON FUNCTION vatsim.transceivers_of(text) IS 'The transceivers of one station in the newest transceivers feed';

-- /api/analytics/flights: activity in a window (default the last 24 h):
-- the positions stored in it and the flights they belong to.  Only the
-- flights seen in the window are taken from flights (their last_seen is not
-- indexed: it moves every snapshot, so that table is read once), and their
-- positions of the window come from the primary key (flight_id, ts): no
-- scan of the position history.
CREATE FUNCTION vatsim.flight_analytics(since timestamptz DEFAULT now() - interval '24 hours',
    until timestamptz DEFAULT now())
RETURNS TABLE (flights bigint, callsigns bigint, positions bigint, avg_groundspeed double precision,
               max_altitude integer, departures bigint, arrivals bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    -- per flight an aggregate of its positions in the window (an aggregate
    -- in LATERAL stays a per-flight index lookup, never a join that could
    -- read the whole position table), then over the flights that have some
    SELECT count(*), count(DISTINCT f.callsign), coalesce(sum(p.n), 0)::bigint,
           (sum(p.gs_sum)::numeric / nullif(sum(p.gs_n), 0))::double precision, max(p.alt),
           count(DISTINCT f.departure), count(DISTINCT f.arrival)
    FROM vatsim.flights f
    CROSS JOIN LATERAL (SELECT count(*) AS n, sum(ps.groundspeed) AS gs_sum, count(ps.groundspeed) AS gs_n,
                               max(ps.altitude) AS alt
                        FROM vatsim.positions ps
                        WHERE ps.flight_id = f.flight_id AND ps.ts BETWEEN $1 AND $2) p
    WHERE f.last_seen >= $1 AND f.first_seen <= $2 AND p.n > 0
$$;
COMMENT ON FUNCTION vatsim.flight_analytics(timestamptz, timestamptz) IS 'Flight activity in a window (the old /api/analytics/flights; default the last 24 h): flights and distinct callsigns with positions in it, positions stored, their average groundspeed and maximum altitude, distinct departure and arrival airports filed';

-- /api/filter/boundary/status: the region filter and the set behind it.
CREATE FUNCTION vatsim.region_status()
RETURNS TABLE (region text, loaded boolean, sectors integer, features integer, loaded_at timestamptz,
               min_lon double precision, min_lat double precision, max_lon double precision, max_lat double precision,
               newest_snapshot timestamptz, pilots integer, positions_kept integer)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT nullif(r.region, ''), ss.sector_set IS NOT NULL, ss.sectors, ss.features, ss.loaded_at,
           b.min_lon, b.min_lat, b.max_lon, b.max_lat,
           n.update_timestamp, n.pilots, coalesce(n.positions, n.pilots)
    FROM (SELECT current_setting('vatsim_ingest.region', true) AS region) r
    LEFT JOIN vatsim.sector_sets ss ON ss.sector_set = r.region
    LEFT JOIN LATERAL (SELECT min(s.min_lon) AS min_lon, min(s.min_lat) AS min_lat,
                              max(s.max_lon) AS max_lon, max(s.max_lat) AS max_lat
                       FROM vatsim.sectors s WHERE s.sector_set = r.region) b ON true
    LEFT JOIN LATERAL (SELECT s.update_timestamp, s.pilots, s.positions FROM vatsim.snapshots s
                       ORDER BY s.update_timestamp DESC LIMIT 1) n ON true
$$;
COMMENT ON FUNCTION vatsim.region_status() IS 'The region filter (the old /api/filter/boundary/status): vatsim_ingest.region (NULL: the whole world), whether its set is loaded, its sectors, features and bounding box, and the newest snapshot''s pilots and positions kept';

-- Every function that reads a table is for vatsim_reader (the tables are
-- its anyway; revoked from PUBLIC so that another role is refused at the
-- function).  page_limit and distance_nm read nothing: everybody's.
REVOKE ALL ON FUNCTION vatsim.api_status(interval),
    vatsim.online_flights(text, integer), vatsim.flight(text),
    vatsim.newest_flight(text), vatsim.flight_track(bigint, timestamptz, integer), vatsim.flight_stats(bigint),
    vatsim.online_controllers(text, integer), vatsim.controllers_by_cid(integer, integer, timestamptz),
    vatsim.station_kind(text), vatsim.transceivers_page(text, integer, integer), vatsim.transceivers_of(text),
    vatsim.flight_analytics(timestamptz, timestamptz), vatsim.region_status() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vatsim.api_status(interval),
    vatsim.online_flights(text, integer), vatsim.flight(text),
    vatsim.newest_flight(text), vatsim.flight_track(bigint, timestamptz, integer), vatsim.flight_stats(bigint),
    vatsim.online_controllers(text, integer), vatsim.controllers_by_cid(integer, integer, timestamptz),
    vatsim.station_kind(text), vatsim.transceivers_page(text, integer, integer), vatsim.transceivers_of(text),
    vatsim.flight_analytics(timestamptz, timestamptz), vatsim.region_status() TO vatsim_reader;

-- ---- Part 2: the summaries, movements and filter endpoints ----
-- Newest-first lists (summaries, movements) are keyset pages on (time,
-- id) descending with ONE key: "after" is the id of the last row of the
-- previous page, and its time is read back from the row itself (a primary
-- key lookup), so the caller never passes a time.  The index on the time
-- gains the id as its last column (same name, same uses, no extra index to
-- write), so a backward scan of it gives the page's order with no sort and
-- the row comparison (t, id) < (after's) is its index condition.  The time
-- bound (t <= that time) is repeated beside the row comparison for the
-- filter indexes on (filter column, t).  An id that is not in the table
-- gives an empty page.
DROP INDEX vatsim.flight_summaries_last_seen_idx;
CREATE INDEX flight_summaries_last_seen_idx ON vatsim.flight_summaries (last_seen, flight_id);
DROP INDEX vatsim.controller_summaries_started_idx;
CREATE INDEX controller_summaries_started_idx ON vatsim.controller_summaries (started_at, session_id);
DROP INDEX vatsim.movements_icao_ts_idx;
CREATE INDEX movements_icao_ts_idx ON vatsim.movements (icao, ts, movement_id);

-- /api/flights/summaries: ended flights, newest end (last_seen) first.
-- departure, arrival: an ICAO code (case-insensitive, equal); aircraft: an
-- ILIKE pattern ('B73%', 'a320'; without a wildcard, equal in any case);
-- flight_rules: equal (I, V).
CREATE FUNCTION vatsim.flight_summaries_page(after bigint DEFAULT NULL, "limit" integer DEFAULT 100,
    departure text DEFAULT NULL, arrival text DEFAULT NULL, aircraft text DEFAULT NULL,
    flight_rules text DEFAULT NULL)
RETURNS TABLE (flight_id bigint, callsign text, cid integer, departure text, arrival text, aircraft text,
               flight_rules text, first_seen timestamptz, last_seen timestamptz, end_reason text,
               total_s double precision, airborne_s double precision, max_altitude integer,
               distance_nm double precision, sectors integer, primary_sector text,
               controllers jsonb, atc_share double precision, airborne_atc_share double precision)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH k AS (SELECT CASE WHEN $1 IS NULL THEN timestamptz 'infinity'
                           ELSE (SELECT a.last_seen FROM vatsim.flight_summaries a WHERE a.flight_id = $1) END AS t,
                      coalesce($1, 9223372036854775807) AS id)
    SELECT s.flight_id, s.callsign, s.cid, s.departure, s.arrival, s.aircraft, s.flight_rules,
           s.first_seen, s.last_seen, s.end_reason, s.total_s, s.airborne_s, s.max_altitude,
           s.distance_nm, s.sectors, s.primary_sector, s.controllers, s.atc_share, s.airborne_atc_share
    FROM vatsim.flight_summaries s
    WHERE s.last_seen <= (SELECT k.t FROM k) AND (s.last_seen, s.flight_id) < ((SELECT k.t FROM k), (SELECT k.id FROM k))
      AND ($3 IS NULL OR s.departure = upper($3))
      AND ($4 IS NULL OR s.arrival = upper($4))
      AND ($5 IS NULL OR s.aircraft ILIKE $5)
      AND ($6 IS NULL OR s.flight_rules = $6)
    ORDER BY s.last_seen DESC, s.flight_id DESC
    LIMIT vatsim.page_limit($2)
$$;
COMMENT ON FUNCTION vatsim.flight_summaries_page(bigint, integer, text, text, text, text) IS 'Flight summaries (the old /api/flights/summaries), newest end first, filtered by departure, arrival, aircraft (ILIKE pattern) and flight rules; a keyset page: after = the flight_id of the previous page''s last row';

-- /api/flights/summaries/status: the flights that ended in (until - 24 h,
-- until] and (until - 1 h, until] by last_seen; averages over every
-- summary (shares: of the rows that have one).  The 5 latest:
-- flight_summaries_page(NULL, 5).
CREATE FUNCTION vatsim.flight_summaries_status(until timestamptz DEFAULT now())
RETURNS TABLE (summaries bigint, last_24h bigint, last_1h bigint, avg_total_s double precision,
               avg_airborne_s double precision, avg_atc_share double precision,
               avg_airborne_atc_share double precision, oldest timestamptz, newest timestamptz,
               latest bigint[])
LANGUAGE sql STABLE ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*),
           count(*) FILTER (WHERE s.last_seen > $1 - interval '24 hours' AND s.last_seen <= $1),
           count(*) FILTER (WHERE s.last_seen > $1 - interval '1 hour' AND s.last_seen <= $1),
           avg(s.total_s), avg(s.airborne_s), avg(s.atc_share), avg(s.airborne_atc_share),
           min(s.last_seen), max(s.last_seen),
           ARRAY(SELECT p.flight_id FROM vatsim.flight_summaries_page(NULL, 5) p)
    FROM vatsim.flight_summaries s
$$;
COMMENT ON FUNCTION vatsim.flight_summaries_status(timestamptz) IS 'Flight summaries at a glance (the old /api/flights/summaries/status): rows, ended in the 24 h and 1 h up to until, average time online, airborne time and ATC shares, oldest and newest end, the flight_ids of the 5 latest';

-- /api/flights/summaries/analytics: over the flights that ended in
-- (until - period, until] (period NULL: all), optionally from one
-- departure and to one arrival, rows of three kinds:
--   route     key 'DEP-ARR' (flights filing both), the 10 most flown;
--   aircraft  key the type, the 10 most flown;
--   coverage  key '0', '<=25', '<=50', '<=75', '>75': atc_share in percent
--             (0 exactly; (0, 25]; ...; over 75), all five listed; a
--             flight of 0 s has no share and is in no bucket.
-- share is the bucket's flights over the flights counted in that kind;
-- ties in a top 10 go to the smaller key.
CREATE FUNCTION vatsim.flight_summary_analytics(period interval DEFAULT '24 hours',
    departure text DEFAULT NULL, arrival text DEFAULT NULL, until timestamptz DEFAULT now())
RETURNS TABLE (kind text, rank integer, key text, flights bigint, share double precision)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH f AS (
        SELECT s.departure, s.arrival, s.aircraft, s.atc_share
        FROM vatsim.flight_summaries s
        WHERE s.last_seen <= $4 AND ($1 IS NULL OR s.last_seen > $4 - $1)
          AND ($2 IS NULL OR s.departure = upper($2))
          AND ($3 IS NULL OR s.arrival = upper($3))),
    k AS (
        SELECT 'route' AS kind, f.departure || '-' || f.arrival AS key FROM f
        WHERE f.departure IS NOT NULL AND f.arrival IS NOT NULL
        UNION ALL
        SELECT 'aircraft', f.aircraft FROM f WHERE f.aircraft IS NOT NULL
        UNION ALL
        SELECT 'coverage', CASE WHEN f.atc_share = 0 THEN '0' WHEN f.atc_share <= 0.25 THEN '<=25'
                                WHEN f.atc_share <= 0.5 THEN '<=50' WHEN f.atc_share <= 0.75 THEN '<=75'
                                ELSE '>75' END
        FROM f WHERE f.atc_share IS NOT NULL
        UNION ALL
        -- every bucket, empty ones too (counted as no flight below)
        SELECT 'coverage', b.key FROM unnest(ARRAY['0', '<=25', '<=50', '<=75', '>75']) AS b(key)),
    g AS (
        SELECT k.kind, k.key,
               count(*) - CASE WHEN k.kind = 'coverage' THEN 1 ELSE 0 END AS flights
        FROM k GROUP BY k.kind, k.key),
    r AS (
        SELECT g.kind, g.key, g.flights,
               (g.flights::float8 / nullif(sum(g.flights) OVER (PARTITION BY g.kind), 0)) AS share,
               row_number() OVER (PARTITION BY g.kind ORDER BY
                   CASE WHEN g.kind = 'coverage' THEN array_position(ARRAY['0', '<=25', '<=50', '<=75', '>75'], g.key) END,
                   g.flights DESC, g.key) AS rank
        FROM g)
    SELECT r.kind, r.rank::integer, r.key, r.flights, coalesce(r.share, 0)
    FROM r
    WHERE r.rank <= CASE WHEN r.kind = 'coverage' THEN 5 ELSE 10 END
    ORDER BY array_position(ARRAY['route', 'aircraft', 'coverage'], r.kind), r.rank
$$;
COMMENT ON FUNCTION vatsim.flight_summary_analytics(interval, text, text, timestamptz) IS 'Flight summary analytics (the old /api/flights/summaries/analytics) over the flights ended in (until - period, until] (NULL period: all): top 10 routes, top 10 aircraft types, ATC coverage buckets 0, <=25, <=50, <=75, >75 percent';

-- /api/controller-summaries: ended controller sessions, newest start
-- first; callsign: a case-insensitive substring (literal: '_' is the
-- callsign separator, no wildcard), since and until bound started_at
-- ([since, until)).
CREATE FUNCTION vatsim.controller_summaries_page(after bigint DEFAULT NULL, "limit" integer DEFAULT 100,
    callsign text DEFAULT NULL, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
RETURNS TABLE (session_id bigint, callsign text, cid integer, type text, facility integer, rating integer,
               started_at timestamptz, ended_at timestamptz, duration_s integer, connections integer,
               is_observer boolean, frequencies text[], aircraft integer, peak_aircraft integer,
               peak_at timestamptz, contact_seconds bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH k AS (SELECT CASE WHEN $1 IS NULL THEN timestamptz 'infinity'
                           ELSE (SELECT a.started_at FROM vatsim.controller_summaries a WHERE a.session_id = $1) END AS t,
                      coalesce($1, 9223372036854775807) AS id)
    SELECT s.session_id, s.callsign, s.cid, s.type, s.facility, s.rating, s.started_at, s.ended_at,
           s.duration_s, s.connections, s.is_observer, s.frequencies, s.aircraft, s.peak_aircraft,
           s.peak_at, s.contact_seconds
    FROM vatsim.controller_summaries s
    WHERE s.started_at <= (SELECT k.t FROM k) AND (s.started_at, s.session_id) < ((SELECT k.t FROM k), (SELECT k.id FROM k))
      AND ($3 IS NULL OR strpos(upper(s.callsign), upper($3)) > 0)
      AND ($4 IS NULL OR s.started_at >= $4)
      AND ($5 IS NULL OR s.started_at < $5)
    ORDER BY s.started_at DESC, s.session_id DESC
    LIMIT vatsim.page_limit($2)
$$;
COMMENT ON FUNCTION vatsim.controller_summaries_page(bigint, integer, text, timestamptz, timestamptz) IS 'Controller summaries (the old /api/controller-summaries), newest start first, filtered by a callsign substring and a window of started_at; a keyset page: after = the session_id of the previous page''s last row';

-- /api/controller-summaries/{callsign}/stats: one position's summaries
-- (the callsign exactly, case-insensitive); no row if it has none.
CREATE FUNCTION vatsim.controller_stats(callsign text)
RETURNS TABLE (callsign text, sessions bigint, controllers bigint, avg_duration_s double precision,
               staffed_hours double precision, aircraft bigint, max_peak_aircraft integer,
               contact_seconds bigint, first_started timestamptz, last_ended timestamptz)
LANGUAGE sql STABLE STRICT ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT upper($1), count(*), count(DISTINCT s.cid), avg(s.duration_s)::float8,
           sum(s.duration_s)::float8 / 3600, sum(s.aircraft)::bigint, max(s.peak_aircraft),
           sum(s.contact_seconds)::bigint, min(s.started_at), max(s.ended_at)
    FROM vatsim.controller_summaries s
    WHERE s.callsign = upper($1)
    HAVING count(*) > 0
$$;
COMMENT ON FUNCTION vatsim.controller_stats(text) IS 'One position''s controller summaries (the old /api/controller-summaries/{callsign}/stats): sessions, distinct controllers, average duration, staffed hours, aircraft (sum over sessions), highest peak, aircraft-seconds, first start and last end';

-- /api/controller-summaries/performance/overview (and the totals of
-- /api/dashboard/controller-summaries): every summary whose session
-- started in [since, until) (NULL: unbounded).
CREATE FUNCTION vatsim.controller_overview(since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
RETURNS TABLE (sessions bigint, callsigns bigint, controllers bigint, staffed_hours double precision,
               avg_duration_s double precision, aircraft bigint, avg_aircraft double precision,
               max_peak_aircraft integer, contact_seconds bigint, observer_sessions bigint,
               first_started timestamptz, last_ended timestamptz)
LANGUAGE sql STABLE ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*), count(DISTINCT s.callsign), count(DISTINCT s.cid),
           coalesce(sum(s.duration_s), 0)::float8 / 3600, avg(s.duration_s)::float8,
           coalesce(sum(s.aircraft), 0)::bigint, avg(s.aircraft)::float8, max(s.peak_aircraft),
           coalesce(sum(s.contact_seconds), 0)::bigint, count(*) FILTER (WHERE s.is_observer),
           min(s.started_at), max(s.ended_at)
    FROM vatsim.controller_summaries s
    WHERE ($1 IS NULL OR s.started_at >= $1) AND ($2 IS NULL OR s.started_at < $2)
$$;
COMMENT ON FUNCTION vatsim.controller_overview(timestamptz, timestamptz) IS 'Controller summaries overall (the old /api/controller-summaries/performance/overview), sessions started in [since, until): sessions, callsigns, controllers, staffed hours, average duration, aircraft, highest peak, aircraft-seconds, observer sessions, first start and last end';

-- /api/dashboard/controller-summaries, its second half: the positions
-- (callsigns) with the most aircraft (sum over their sessions started in
-- [since, until)); ties to the smaller callsign.
CREATE FUNCTION vatsim.controller_leaders("limit" integer DEFAULT 5, since timestamptz DEFAULT NULL,
    until timestamptz DEFAULT NULL)
RETURNS TABLE (callsign text, sessions bigint, aircraft bigint, max_peak_aircraft integer,
               staffed_hours double precision)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.callsign, count(*), sum(s.aircraft)::bigint, max(s.peak_aircraft), sum(s.duration_s)::float8 / 3600
    FROM vatsim.controller_summaries s
    WHERE ($2 IS NULL OR s.started_at >= $2) AND ($3 IS NULL OR s.started_at < $3)
    GROUP BY s.callsign
    ORDER BY sum(s.aircraft) DESC, s.callsign
    LIMIT vatsim.page_limit($1)
$$;
COMMENT ON FUNCTION vatsim.controller_leaders(integer, timestamptz, timestamptz) IS 'The positions with the most aircraft (the old /api/dashboard/controller-summaries top list), sessions started in [since, until)';

-- Movements of one airport, newest first (the evidence behind
-- airport_movements' counts); icao exactly, case-insensitive.
CREATE FUNCTION vatsim.movements_page(icao text, after bigint DEFAULT NULL, "limit" integer DEFAULT 100)
RETURNS TABLE (movement_id bigint, icao text, kind text, ts timestamptz, flight_id bigint, callsign text,
               distance_nm double precision, latitude double precision, longitude double precision,
               groundspeed integer, altitude integer, prev_ts timestamptz, prev_groundspeed integer)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH k AS (SELECT CASE WHEN $2 IS NULL THEN timestamptz 'infinity'
                           ELSE (SELECT a.ts FROM vatsim.movements a WHERE a.movement_id = $2) END AS t,
                      coalesce($2, 9223372036854775807) AS id)
    SELECT m.movement_id, m.icao, m.kind, m.ts, m.flight_id, m.callsign, m.distance_nm, m.latitude,
           m.longitude, m.groundspeed, m.altitude, m.prev_ts, m.prev_groundspeed
    FROM vatsim.movements m
    WHERE m.icao = upper($1)
      AND (m.ts, m.movement_id) < ((SELECT k.t FROM k), (SELECT k.id FROM k))
    ORDER BY m.ts DESC, m.movement_id DESC
    LIMIT vatsim.page_limit($3)
$$;
COMMENT ON FUNCTION vatsim.movements_page(text, bigint, integer) IS 'Departures and arrivals of an airport, newest first; a keyset page: after = the movement_id of the previous page''s last row';

-- /api/filter/controller-callsign/status: the tracked-positions filter
-- (vatsim.tracked_positions; empty: every position is tracked), a sample
-- of its patterns, and the newest snapshot's controllers it keeps (the
-- rule of the ingest: equal, or LIKE with * as % and _ literal).
CREATE FUNCTION vatsim.tracked_positions_status()
RETURNS TABLE (filtering boolean, patterns bigint, wildcard_patterns bigint, sample text[],
               controllers_online bigint, controllers_tracked bigint)
LANGUAGE sql STABLE ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
    WITH t AS (SELECT t.pattern, replace(replace(t.pattern, '_', E'\\_'), '*', '%') AS p
               FROM vatsim.tracked_positions t)
    SELECT (SELECT count(*) FROM t) > 0, (SELECT count(*) FROM t),
           (SELECT count(*) FROM t WHERE strpos(t.pattern, '*') > 0),
           ARRAY(SELECT t.pattern FROM t ORDER BY t.pattern LIMIT 5),
           (SELECT count(*) FROM vatsim.controllers),
           (SELECT count(*) FROM vatsim.controllers c
            WHERE NOT EXISTS (SELECT FROM t)
               OR EXISTS (SELECT FROM t WHERE t.pattern = c.callsign
                                           OR (strpos(t.pattern, '*') > 0 AND c.callsign LIKE t.p)))
$$;
COMMENT ON FUNCTION vatsim.tracked_positions_status() IS 'The tracked-positions filter (the old /api/filter/controller-callsign/status): on or off, patterns, wildcard patterns, 5 sample patterns, the newest snapshot''s controllers and how many of them are tracked';

REVOKE ALL ON FUNCTION vatsim.flight_summaries_page(bigint, integer, text, text, text, text),
    vatsim.flight_summaries_status(timestamptz), vatsim.flight_summary_analytics(interval, text, text, timestamptz),
    vatsim.controller_summaries_page(bigint, integer, text, timestamptz, timestamptz), vatsim.controller_stats(text),
    vatsim.controller_overview(timestamptz, timestamptz), vatsim.controller_leaders(integer, timestamptz, timestamptz),
    vatsim.movements_page(text, bigint, integer), vatsim.tracked_positions_status() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vatsim.flight_summaries_page(bigint, integer, text, text, text, text),
    vatsim.flight_summaries_status(timestamptz), vatsim.flight_summary_analytics(interval, text, text, timestamptz),
    vatsim.controller_summaries_page(bigint, integer, text, timestamptz, timestamptz), vatsim.controller_stats(text),
    vatsim.controller_overview(timestamptz, timestamptz), vatsim.controller_leaders(integer, timestamptz, timestamptz),
    vatsim.movements_page(text, bigint, integer), vatsim.tracked_positions_status() TO vatsim_reader;

-- (end of API part)
