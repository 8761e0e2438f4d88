/*
 * vatsim_ingest--0.4.0--0.5.0.sql
 *		Analytics (issue 11), in progress: airports and movements, GeoJSON
 *		out.  Each part below belongs to one feature.
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
-- ended_at), as sector intervals.
CREATE TABLE vatsim.atc_contacts (
    contact_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flight_id      bigint NOT NULL,
    session_id     bigint NOT NULL,
    pilot_callsign varchar(24) NOT NULL,
    atc_callsign   varchar(24) NOT NULL,
    frequency_khz  integer NOT NULL,
    started_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    CHECK (ended_at OPERATOR(pg_catalog.>) started_at)
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

-- (end of controller summaries part)

-- ---------------------------------------------------------------------------
-- Flight summaries
-- ---------------------------------------------------------------------------

-- (end of flight summaries part)

-- ---------------------------------------------------------------------------
-- Movements: departures and arrivals; filters
-- ---------------------------------------------------------------------------

-- (end of movements and filters part)

-- ---------------------------------------------------------------------------
-- The replaced system's HTTP API as SQL
-- ---------------------------------------------------------------------------

-- (end of API part)
