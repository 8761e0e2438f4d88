/*
 * vatsim_ingest--0.5.0--0.6.0.sql
 *		Speed and storage (issue 12): the flight's running aggregates on its
 *		own row, set-based sector lookups, history aggregates kept at ingest
 *		time with fewer occupancy indexes, and bounded history (daily
 *		partitions, packed positions, retention).  Each part below belongs
 *		to one feature.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.6.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Flight aggregates on the flight row
-- ---------------------------------------------------------------------------

-- (end of flight aggregates part)


-- ---------------------------------------------------------------------------
-- Set-based sector lookups
-- ---------------------------------------------------------------------------

-- (end of set-based lookups part)


-- ---------------------------------------------------------------------------
-- History aggregates and occupancy indexes
-- ---------------------------------------------------------------------------

-- (end of history aggregates part)


-- ---------------------------------------------------------------------------
-- Bounded history: daily partitions and retention
-- ---------------------------------------------------------------------------

-- (end of daily partitions part)


-- ---------------------------------------------------------------------------
-- Packed positions
-- ---------------------------------------------------------------------------

-- Closed hours of position history move from the rows of vatsim.positions
-- (one a flight a snapshot: 142 bytes with the primary key) into one packed
-- row per flight and UTC hour (src/packing/pack_codec.c: delta-coded
-- varints, coordinates as scaled integers with exceptions for any double
-- that does not round-trip, runs for the columns that almost never change).
-- A position is in exactly one of the two; vatsim.flight_positions() and
-- vatsim.position_history read both.  Nothing is converted here: the worker
-- packs an existing history a batch a cycle (vatsim_ingest.pack_after,
-- pack_batch), or vatsim.pack_positions() does it by hand.
CREATE TABLE vatsim.position_packs (
    flight_id    bigint NOT NULL,
    period_start timestamptz NOT NULL,
    first_ts     timestamptz NOT NULL,
    last_ts      timestamptz NOT NULL,
    n            integer NOT NULL CHECK (n > 0),
    data         bytea NOT NULL,
    PRIMARY KEY (flight_id, period_start),
    CHECK (first_ts >= period_start AND first_ts <= last_ts AND last_ts < period_start + interval '1 hour')
) WITH (toast_tuple_target = 8160);
-- The packed bytes are varints already: pglz would spend time for little,
-- so no compression (EXTERNAL), and a pack stays in its row up to a page
-- (toast_tuple_target): one heap fetch a pack, no TOAST lookups.
ALTER TABLE vatsim.position_packs ALTER COLUMN data SET STORAGE EXTERNAL;
COMMENT ON TABLE vatsim.position_packs IS 'Packed position history: one flight''s positions of one UTC hour in one row (moved from vatsim.positions by vatsim.pack_positions; read with vatsim.flight_positions or vatsim.position_history)';
COMMENT ON COLUMN vatsim.position_packs.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.position_packs.period_start IS 'The UTC hour the positions belong to (its start; so also the UTC day, for daily partitions)';
COMMENT ON COLUMN vatsim.position_packs.first_ts IS 'Time of the first position in the pack';
COMMENT ON COLUMN vatsim.position_packs.last_ts IS 'Time of the last position in the pack';
COMMENT ON COLUMN vatsim.position_packs.n IS 'Number of positions in the pack';
COMMENT ON COLUMN vatsim.position_packs.data IS 'The positions, packed (format version 1, README "Position history storage"); vatsim.unpack_positions(data) reads them';
SELECT pg_catalog.pg_extension_config_dump('vatsim.position_packs', '');
GRANT SELECT ON vatsim.position_packs TO vatsim_reader;

CREATE FUNCTION vatsim.pack_positions(older_than timestamptz, max_rows integer DEFAULT 50000)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vatsim_pack_positions'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.pack_positions(timestamptz, integer) IS 'Move at most max_rows positions of whole UTC hours before older_than (and at least max(stale_after, reconnect_grace) before the newest snapshot) from vatsim.positions into vatsim.position_packs, in one transaction; returns the positions moved (0: nothing left)';
REVOKE ALL ON FUNCTION vatsim.pack_positions(timestamptz, integer) FROM PUBLIC;

CREATE FUNCTION vatsim.flight_positions(flight_id bigint, since timestamptz DEFAULT NULL,
    "until" timestamptz DEFAULT NULL)
RETURNS TABLE (flight_id bigint, ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer, transponder text,
               qnh_i_hg double precision, qnh_mb integer)
AS 'MODULE_PATHNAME', 'vatsim_flight_positions'
LANGUAGE C STABLE ROWS 240
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.flight_positions(bigint, timestamptz, timestamptz) IS 'A flight''s stored positions with since <= ts <= until (NULL: unbounded), in time order, from its packs and its rows: the columns of vatsim.positions';

CREATE FUNCTION vatsim.unpack_positions(data bytea)
RETURNS TABLE (ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer, transponder text,
               qnh_i_hg double precision, qnh_mb integer)
AS 'MODULE_PATHNAME', 'vatsim_unpack_positions'
LANGUAGE C IMMUTABLE STRICT ROWS 240;
COMMENT ON FUNCTION vatsim.unpack_positions(bytea) IS 'The positions of one pack (vatsim.position_packs.data), in time order; corrupt data is an error';

CREATE FUNCTION vatsim.pack_window_stats(data bytea, since timestamptz, "until" timestamptz,
    OUT n bigint, OUT groundspeed_sum bigint, OUT groundspeed_n bigint, OUT max_altitude integer)
RETURNS record
AS 'MODULE_PATHNAME', 'vatsim_pack_window_stats'
LANGUAGE C IMMUTABLE STRICT;
COMMENT ON FUNCTION vatsim.pack_window_stats(bytea, timestamptz, timestamptz) IS 'Of one pack''s positions with since <= ts <= until: how many, the sum and count of their groundspeeds, their maximum altitude (flight_analytics, without a row per position)';

-- Every flight's history from both forms.  A condition on flight_id reaches
-- both halves (the packs by their primary key); one on ts alone decodes
-- every pack: for a time window of one flight use vatsim.flight_positions.
CREATE VIEW vatsim.position_history AS
    SELECT p.flight_id, p.ts, p.latitude, p.longitude, p.altitude, p.groundspeed, p.heading,
           p.transponder, p.qnh_i_hg, p.qnh_mb
    FROM vatsim.positions p
    UNION ALL
    SELECT k.flight_id, u.ts, u.latitude, u.longitude, u.altitude, u.groundspeed, u.heading,
           u.transponder, u.qnh_i_hg, u.qnh_mb
    FROM vatsim.position_packs k CROSS JOIN LATERAL vatsim.unpack_positions(k.data) u;
COMMENT ON VIEW vatsim.position_history IS 'Position history of every flight: the rows of vatsim.positions and the unpacked vatsim.position_packs (a position is in exactly one)';
COMMENT ON COLUMN vatsim.position_history.flight_id IS 'Flight (vatsim.flights.flight_id)';
COMMENT ON COLUMN vatsim.position_history.ts IS 'update_timestamp of the snapshot';
COMMENT ON COLUMN vatsim.position_history.latitude IS 'Degrees north, -90..90';
COMMENT ON COLUMN vatsim.position_history.longitude IS 'Degrees east, -180..180';
COMMENT ON COLUMN vatsim.position_history.altitude IS 'Feet (true altitude; can be slightly negative)';
COMMENT ON COLUMN vatsim.position_history.groundspeed IS 'Knots';
COMMENT ON COLUMN vatsim.position_history.heading IS 'Degrees, 0..360';
COMMENT ON COLUMN vatsim.position_history.transponder IS 'Squawk code as 4 characters';
COMMENT ON COLUMN vatsim.position_history.qnh_i_hg IS 'Altimeter setting, inches of mercury';
COMMENT ON COLUMN vatsim.position_history.qnh_mb IS 'Altimeter setting, hectopascals';

REVOKE ALL ON FUNCTION vatsim.flight_positions(bigint, timestamptz, timestamptz),
    vatsim.unpack_positions(bytea), vatsim.pack_window_stats(bytea, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vatsim.flight_positions(bigint, timestamptz, timestamptz),
    vatsim.unpack_positions(bytea), vatsim.pack_window_stats(bytea, timestamptz, timestamptz) TO vatsim_reader;
GRANT SELECT ON vatsim.position_history TO vatsim_reader;

-- The readers of old positions read both forms (same results, same grants).
CREATE OR REPLACE FUNCTION vatsim.track_geojson(flight_id bigint) RETURNS json
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
            FROM vatsim.flight_positions($1) ps
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

CREATE OR REPLACE FUNCTION vatsim.flight(callsign text)
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
    -- the newest position: a row, else the end of the newest pack
    LEFT JOIN LATERAL (SELECT * FROM vatsim.flight_positions(f.flight_id,
                           coalesce((SELECT max(z.ts) FROM vatsim.positions z WHERE z.flight_id = f.flight_id),
                                    (SELECT max(k.last_ts) FROM vatsim.position_packs k
                                     WHERE k.flight_id = f.flight_id))) z
                       ORDER BY z.ts DESC LIMIT 1) ps ON true
    WHERE f.flight_id = vatsim.newest_flight($1)
$$;
COMMENT ON FUNCTION vatsim.flight(text) IS 'The newest flight of a callsign (the old /api/flights/{callsign}), online or not, with its current plan and newest position; no row if the callsign never flew';

CREATE OR REPLACE FUNCTION vatsim.flight_track(flight_id bigint, after timestamptz DEFAULT NULL, "limit" integer DEFAULT 1000)
RETURNS TABLE (flight_id bigint, ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer, transponder text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ps.flight_id, ps.ts, ps.latitude, ps.longitude, ps.altitude, ps.groundspeed, ps.heading, ps.transponder
    FROM vatsim.flight_positions($1, $2) ps
    WHERE ps.ts > coalesce($2, '-infinity')
    -- no ORDER BY: flight_positions returns ts order (its contract, tested),
    -- and a function scan keeps it; a sort here cost a third of the read
    LIMIT vatsim.page_limit($3)
$$;
COMMENT ON FUNCTION vatsim.flight_track(bigint, timestamptz, integer) IS 'A flight''s stored positions (the old /api/flights/{callsign}/track), a keyset page by time';

CREATE OR REPLACE FUNCTION vatsim.flight_stats(flight_id bigint)
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
          FROM vatsim.flight_positions($1) ps
          WINDOW w AS (ORDER BY ps.ts)) l
    HAVING count(*) > 0
$$;
COMMENT ON FUNCTION vatsim.flight_stats(bigint) IS 'A flight''s position statistics (the old /api/flights/{callsign}/stats): points, first and last, average and maximum groundspeed, maximum altitude, great-circle distance between consecutive positions (nm); no row without positions';

CREATE OR REPLACE FUNCTION vatsim.flight_analytics(since timestamptz DEFAULT now() - interval '24 hours',
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
    -- (both forms here rather than flight_positions: the rows stay an index
    -- aggregate, as fast as in 0.5.0, and each pack whose hour ends after
    -- since is summed in C, without a row per position)
    CROSS JOIN LATERAL (SELECT sum(x.n) AS n, sum(x.gs_sum) AS gs_sum, sum(x.gs_n) AS gs_n, max(x.alt) AS alt
                        FROM (SELECT count(*) AS n, sum(z.groundspeed)::bigint AS gs_sum,
                                     count(z.groundspeed) AS gs_n, max(z.altitude) AS alt
                              FROM vatsim.positions z
                              WHERE z.flight_id = f.flight_id AND z.ts BETWEEN $1 AND $2
                              UNION ALL
                              SELECT w.n, w.groundspeed_sum, w.groundspeed_n, w.max_altitude
                              FROM vatsim.position_packs k
                              CROSS JOIN LATERAL vatsim.pack_window_stats(k.data, $1, $2) w
                              WHERE k.flight_id = f.flight_id AND k.period_start > $1 - interval '1 hour'
                                AND k.period_start <= $2) x) p
    WHERE f.last_seen >= $1 AND f.first_seen <= $2 AND p.n > 0
$$;
COMMENT ON FUNCTION vatsim.flight_analytics(timestamptz, timestamptz) IS 'Flight activity in a window (the old /api/analytics/flights; default the last 24 h): flights and distinct callsigns with positions in it, positions stored, their average groundspeed and maximum altitude, distinct departure and arrival airports filed';


-- (end of packed positions part)
