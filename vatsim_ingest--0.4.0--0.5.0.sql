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

-- (end of GeoJSON part)
