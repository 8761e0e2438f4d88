-- GeoJSON out (issue 11): sectors_geojson, flights_geojson, track_geojson.
-- PostGIS (a test-only dependency) must accept every geometry, the counts
-- must equal the source rows, every stored coordinate must come back as the
-- same double, the properties must be the stored values, and an unknown set
-- or flight is an error.  VATSpy and three real snapshots, then handmade
-- snapshots for the antimeridian and the sector filter.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(43);

SELECT vatsim.load_sectors('vatspy', pg_read_file(:'fixtures' || '/vatspy/Boundaries.geojson'), 'id') \g /dev/null
-- A handmade set: a Polygon and a MultiPolygon of one name, a hole, a band,
-- an unclosed ring (closed by the loader, as a repair)
SELECT vatsim.load_sectors('t', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "A", "lo": 0, "hi": 24500}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Polygon", "coordinates": [[[1,0],[3,0],[3,2],[1,2],[1,0]], [[1.5,0.5],[1.5,1.5],[2.5,1.5],[2.5,0.5]]]}},
  {"type": "Feature", "properties": {"name": "A", "lo": 0, "hi": 24500}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[0,2],[1,2],[1,3],[0,3],[0,2]]], [[[0.25,4],[0.75,4],[0.5,4.5],[0.25,4]]]]}}]}$$,
  'name', 'lo', 'hi') \g /dev/null

-- ---------------------------------------------------------------------------
-- sectors_geojson
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE sg AS SELECT vatsim.sectors_geojson('vatspy') AS doc;
CREATE TEMP TABLE sf AS
SELECT f->'properties'->>'sector' AS sector, f AS feature, ST_GeomFromGeoJSON(f->>'geometry') AS g
FROM sg, json_array_elements(doc->'features') f;

SELECT is((SELECT doc->>'type' FROM sg), 'FeatureCollection', 'sectors_geojson: a FeatureCollection');
SELECT is((SELECT count(*)::int FROM sf), (SELECT count(*)::int FROM vatsim.sectors WHERE sector_set = 'vatspy'),
          'one feature per sector (1,096 for VATSpy''s 1,102 features)');
SELECT is((SELECT count(*)::int FROM sf WHERE g IS NOT NULL AND GeometryType(g) = 'MULTIPOLYGON'), 1096,
          'PostGIS ST_GeomFromGeoJSON accepts every geometry: each a MultiPolygon');
SELECT is((SELECT count(*)::int FROM sf WHERE feature->>'id' IS DISTINCT FROM sector OR feature->>'type' <> 'Feature'), 0,
          'every feature is a Feature with the sector as its id');
SELECT is((SELECT sum(ST_NumGeometries(g))::int FROM sf),
          (SELECT sum(CASE f.feature->'geometry'->>'type' WHEN 'Polygon' THEN 1
                          ELSE json_array_length(f.feature->'geometry'->'coordinates') END)::int
           FROM vatsim.sector_features f WHERE sector_set = 'vatspy'),
          'every polygon of every feature is there');

-- Every position, in order, as PostGIS reads it, against the loaded JSON
-- read as float8: equal, apart from the first position repeated at the end
-- of the two rings the loader closed.
CREATE TEMP TABLE src AS
SELECT f.sector, (dense_rank() OVER (PARTITION BY f.sector ORDER BY f.feature_index, po))::int AS poly,
       ro::int AS ring, ko::int AS pt, (pos->>0)::float8 AS lon, (pos->>1)::float8 AS lat
FROM vatsim.sector_features f,
     json_array_elements(CASE f.feature->'geometry'->>'type' WHEN 'Polygon' THEN json_build_array(f.feature->'geometry'->'coordinates')
                              ELSE f.feature->'geometry'->'coordinates' END) WITH ORDINALITY p(poly, po),
     json_array_elements(poly) WITH ORDINALITY r(ring, ro),
     json_array_elements(ring) WITH ORDINALITY k(pos, ko)
WHERE f.sector_set = 'vatspy';
CREATE TEMP TABLE outp AS
SELECT sf.sector, (d.path)[1] AS poly, (d.path)[2] AS ring, (d.path)[3] AS pt, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat
FROM sf, ST_DumpPoints(sf.g) d;
SELECT is((SELECT count(*)::int FROM (SELECT * FROM src EXCEPT ALL SELECT * FROM outp) x), 0,
          'every loaded position comes back in its place, the same double (66,328 positions)');
SELECT results_eq($$SELECT o.sector, o.lon = s.lon AND o.lat = s.lat
                    FROM (SELECT * FROM outp EXCEPT ALL SELECT * FROM src) o
                    JOIN src s ON (s.sector, s.poly, s.ring, s.pt) = (o.sector, o.poly, o.ring, 1) ORDER BY 1$$,
                  $$VALUES ('RJDG-W'::text, true), ('YTRT', true)$$,
                  'and nothing else but the closing position of the two rings the loader closed');
SELECT is((SELECT (feature->'properties')::jsonb FROM sf WHERE sector = 'CZQM'),
          '{"sector_set": "vatspy", "sector": "CZQM", "floor_ft": null, "ceiling_ft": null, "features": 2}'::jsonb,
          'properties: set, sector, band, and the number of features (CZQM has two)');
SELECT is((SELECT ST_NumGeometries(g) FROM sf WHERE sector = 'CZQM'),
          (SELECT count(*)::int FROM vatsim.sector_features WHERE sector_set = 'vatspy' AND sector = 'CZQM'),
          'a sector of two Polygon features is a MultiPolygon of both');

-- the handmade set: exact geometry and properties
SELECT is(vatsim.sectors_geojson('t')::jsonb, $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "id": "A", "geometry": {"type": "MultiPolygon", "coordinates": [
      [[[0,0],[1,0],[1,1],[0,1],[0,0]]], [[[0,2],[1,2],[1,3],[0,3],[0,2]]], [[[0.25,4],[0.75,4],[0.5,4.5],[0.25,4]]]]},
   "properties": {"sector_set": "t", "sector": "A", "floor_ft": 0, "ceiling_ft": 24500, "features": 2}},
  {"type": "Feature", "id": "B", "geometry": {"type": "MultiPolygon", "coordinates": [
      [[[1,0],[3,0],[3,2],[1,2],[1,0]], [[1.5,0.5],[1.5,1.5],[2.5,1.5],[2.5,0.5],[1.5,0.5]]]]},
   "properties": {"sector_set": "t", "sector": "B", "floor_ft": null, "ceiling_ft": null, "features": 1}}]}$$::jsonb,
   'a handmade set: features merged per sector in load order, the band, the hole kept and closed');
SELECT ok((SELECT bool_and(ST_IsValid(ST_GeomFromGeoJSON(f->>'geometry')))
           FROM json_array_elements(vatsim.sectors_geojson('t')->'features') f),
          'and PostGIS finds those geometries valid (the hole inside its shell)');
SELECT throws_ok($$SELECT vatsim.sectors_geojson('nope')$$, '42704', 'sector set "nope" does not exist',
                 'an unknown set is an error (42704)');
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text; h text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN d || ' / ' || h;
END $$;
SELECT is(pg_temp.error_of($$SELECT vatsim.sectors_geojson('nope')$$),
          'Loaded sets: t, vatspy. / vatsim.sector_sets lists the loaded sets; vatsim.load_sectors() loads one.',
          'with a detail listing the loaded sets and a hint');
SELECT is(vatsim.sectors_geojson(NULL)::text, NULL, 'sectors_geojson(NULL) is NULL');

-- ---------------------------------------------------------------------------
-- flights_geojson: three real snapshots, occupancy in every set
-- ---------------------------------------------------------------------------
SELECT is(vatsim.flights_geojson()::jsonb, '{"type": "FeatureCollection", "features": []}'::jsonb,
          'no flight online: an empty FeatureCollection');
SELECT vatsim.ingest_file(:'fixtures' || '/' || f)
FROM unnest(ARRAY['v3-2023-08-07T232929Z-754p-seq1.json', 'v3-2023-08-07T232944Z-757p-seq2.json',
                  'v3-2023-08-08T000359Z-737p-seq3.json']) f \g /dev/null

SET extra_float_digits = -5;     -- the function pins it: a caller's setting changes nothing
SET TimeZone = 'America/New_York';
CREATE TEMP TABLE fg AS SELECT vatsim.flights_geojson() AS doc;
RESET extra_float_digits;
CREATE TEMP TABLE ff AS
SELECT (f->'properties'->>'flight_id')::bigint AS flight_id, f AS feature, ST_GeomFromGeoJSON(f->>'geometry') AS g
FROM fg, json_array_elements(doc->'features') f;
SELECT is((SELECT count(*)::int FROM ff), (SELECT count(*)::int FROM vatsim.flights WHERE status = 'online'),
          'flights_geojson: one feature per online flight');
SELECT is((SELECT count(*)::int FROM ff JOIN vatsim.pilots p USING (flight_id)), 737,
          'each the flight of a pilot online now (seq3: 737 pilots)');
SELECT is((SELECT count(*)::int FROM ff WHERE GeometryType(g) = 'POINT'), 737, 'PostGIS accepts every geometry: a Point');
SELECT is((SELECT count(*)::int FROM ff JOIN vatsim.pilots p USING (flight_id)
           WHERE ST_X(g) = p.longitude AND ST_Y(g) = p.latitude), 737,
          'every point is [longitude, latitude] of the pilot, the same double (with extra_float_digits = -5 in the session)');
SELECT is((SELECT count(*)::int FROM ff JOIN vatsim.pilots p USING (flight_id) JOIN vatsim.flights fl USING (flight_id)
           WHERE (feature->'properties')::jsonb - 'sectors' - 'logon_time' - 'last_updated' = jsonb_build_object(
                     'flight_id', fl.flight_id, 'callsign', p.callsign, 'cid', p.cid, 'altitude', p.altitude,
                     'groundspeed', p.groundspeed, 'heading', p.heading, 'transponder', p.transponder,
                     'aircraft', fl.aircraft, 'departure', fl.departure, 'arrival', fl.arrival)
             AND (feature->'properties'->>'logon_time')::timestamptz = p.logon_time
             AND (feature->'properties'->>'last_updated')::timestamptz IS NOT DISTINCT FROM p.last_updated), 737,
          'properties: flight_id, callsign, cid, altitude, groundspeed, heading, transponder, aircraft, departure, arrival, times');
SELECT is((SELECT count(*)::int FROM ff WHERE feature->'properties'->>'logon_time' NOT LIKE '%+00:00'), 0,
          'times in UTC whatever the session''s TimeZone');
RESET TimeZone;
CREATE FUNCTION pg_temp.sectors_of(doc json) RETURNS TABLE (flight_id bigint, sectors text) LANGUAGE sql AS $$
    SELECT (f->'properties'->>'flight_id')::bigint,
           (SELECT string_agg((s->>'sector_set') || '/' || (s->>'sector') || '@' || (s->>'entry_time')::timestamptz, ',')
            FROM json_array_elements(f->'properties'->'sectors') s)
    FROM json_array_elements(doc->'features') f
$$;
CREATE FUNCTION pg_temp.open_of(set text) RETURNS TABLE (flight_id bigint, sectors text) LANGUAGE sql AS $$
    SELECT fl.flight_id, (SELECT string_agg(o.sector_set || '/' || o.sector || '@' || o.entry_time, ',' ORDER BY o.sector_set, o.sector)
                          FROM vatsim.sector_occupancy o
                          WHERE o.flight_id = fl.flight_id AND o.exit_time IS NULL AND (set IS NULL OR o.sector_set = set))
    FROM vatsim.flights fl WHERE fl.status = 'online'
$$;
SELECT cmp_ok((SELECT count(*)::int FROM pg_temp.sectors_of((SELECT doc FROM fg)) WHERE sectors IS NOT NULL), '>', 300,
              'most flights are in VATSpy sectors now');
SELECT set_eq($$SELECT * FROM pg_temp.sectors_of((SELECT doc FROM fg))$$, $$SELECT * FROM pg_temp.open_of(NULL)$$,
              'sectors: each flight''s open intervals (set, sector, entry time)');
SELECT ok((SELECT bool_and(f->'properties'->'sectors' IS NOT NULL AND json_typeof(f->'properties'->'sectors') = 'array')
           FROM fg, json_array_elements(doc->'features') f),
          'sectors is an array for every flight, empty when it is in none');
SELECT throws_ok($$SELECT vatsim.flights_geojson('nope')$$, '42704', 'sector set "nope" does not exist',
                 'flights_geojson of an unknown set is an error');

-- ---------------------------------------------------------------------------
-- track_geojson: the real flights, then handmade ones
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE tg AS
SELECT fl.flight_id, vatsim.track_geojson(fl.flight_id)->'features'->0 AS feature FROM vatsim.flights fl;
-- every point in order, without the points where a line meets the
-- antimeridian (the end of each line but the last, the start of each but the
-- first)
CREATE TEMP TABLE tp AS
SELECT tg.flight_id, (row_number() OVER (PARTITION BY tg.flight_id ORDER BY l.path, d.path))::int AS i,
       ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat
FROM tg, ST_GeomFromGeoJSON(feature->>'geometry') g, ST_Dump(g) l, ST_DumpPoints(l.geom) d
WHERE NOT ((coalesce(l.path[1], 1) < ST_NumGeometries(g) AND coalesce(d.path[1], 1) = ST_NPoints(l.geom))
           OR (coalesce(l.path[1], 1) > 1 AND coalesce(d.path[1], 1) = 1));
SELECT is((SELECT count(*)::int FROM tg WHERE feature->>'type' = 'Feature'), (SELECT count(*)::int FROM vatsim.flights),
          'track_geojson: one Feature for every flight');
SELECT results_eq($$SELECT feature->'geometry'->>'type', count(*)::int FROM tg GROUP BY 1 ORDER BY 1$$,
                  $$SELECT CASE WHEN n = 1 THEN 'Point' WHEN crosses THEN 'MultiLineString' ELSE 'LineString' END, count(*)::int
                    FROM (SELECT count(*) AS n, coalesce(bool_or(abs(longitude - plon) > 180), false) AS crosses
                          FROM (SELECT flight_id, longitude, lag(longitude) OVER (PARTITION BY flight_id ORDER BY ts) AS plon
                                FROM vatsim.positions) p GROUP BY flight_id) x GROUP BY 1 ORDER BY 1$$,
                  'PostGIS accepts every track: a Point for one position, a LineString for more, split where it crosses the antimeridian');
SELECT is((SELECT count(*)::int FROM tg WHERE feature->'geometry'->>'type' = 'MultiLineString'), 1,
          '(one real flight of these snapshots crosses it)');
SELECT is((SELECT count(*)::int FROM (
              SELECT flight_id, i, lon, lat FROM tp
              EXCEPT ALL
              SELECT flight_id, row_number() OVER (PARTITION BY flight_id ORDER BY ts)::int, longitude, latitude FROM vatsim.positions) x)
          + (SELECT count(*)::int FROM (
              SELECT flight_id, row_number() OVER (PARTITION BY flight_id ORDER BY ts)::int, longitude, latitude FROM vatsim.positions
              EXCEPT ALL
              SELECT flight_id, i, lon, lat FROM tp) x), 0,
          'the coordinates are the stored positions in time order, the same doubles');
SELECT is((SELECT count(*)::int FROM tg JOIN vatsim.flights fl USING (flight_id)
           JOIN (SELECT flight_id, count(*) AS n, min(ts) AS t0, max(ts) AS t1 FROM vatsim.positions GROUP BY flight_id) p USING (flight_id)
           WHERE (feature->'properties'->>'points')::int = p.n
             AND (feature->'properties'->>'first_time')::timestamptz = p.t0
             AND (feature->'properties'->>'last_time')::timestamptz = p.t1
             AND feature->'properties'->>'callsign' = fl.callsign
             AND feature->'properties'->>'status' = fl.status),
          (SELECT count(*)::int FROM vatsim.flights),
          'properties: callsign, status, first and last time, points');

\i test/sql/synthetic.sql
\o /dev/null
-- X flies east across the antimeridian and back west; S is seen once
SELECT pg_temp.snap(0,  pg_temp.p('X', 10, 179.5, 400), pg_temp.p('S', 0.5, 0.5, 200, 1000));
SELECT pg_temp.snap(15, pg_temp.p('X', 11, -179.5, 400));
SELECT pg_temp.snap(30, pg_temp.p('X', 12, 179.5, 400));
\o
SELECT flight_id AS x FROM vatsim.flights WHERE callsign = 'X' \gset
SELECT flight_id AS s FROM vatsim.flights WHERE callsign = 'S' \gset
SELECT is((vatsim.track_geojson(:x)->'features'->0->'geometry')::jsonb,
          '{"type": "MultiLineString", "coordinates": [[[179.5, 10], [180, 10.5]], [[-180, 10.5], [-179.5, 11], [-180, 11.5]], [[180, 11.5], [179.5, 12]]]}'::jsonb,
          'a track across the antimeridian is split there (RFC 7946): a MultiLineString, crossings interpolated');
SELECT ok(ST_NumGeometries(ST_GeomFromGeoJSON(vatsim.track_geojson(:x)->'features'->0->>'geometry')) = 3,
          'which PostGIS reads as three lines');
SELECT is((vatsim.track_geojson(:s)->'features'->0->'geometry')::jsonb,
          '{"type": "Point", "coordinates": [0.5, 0.5]}'::jsonb, 'one position: a Point');
SELECT is((vatsim.track_geojson(:s)->'features'->0->'properties')::jsonb - 'flight_id' - 'cid',
          '{"callsign": "S", "status": "offline", "aircraft": null, "departure": null, "arrival": null,
            "first_time": "2024-01-01T01:00:00+00:00", "last_time": "2024-01-01T01:00:00+00:00", "points": 1}'::jsonb,
          'its properties');
DELETE FROM vatsim.positions WHERE flight_id = :s;
SELECT is((vatsim.track_geojson(:s)->'features'->0->'geometry')::text, 'null', 'no stored position: a null geometry');
SELECT throws_ok($$SELECT vatsim.track_geojson(-1)$$, '42704', 'flight -1 does not exist', 'an unknown flight is an error (42704)');
SELECT is(vatsim.track_geojson(NULL)::text, NULL, 'track_geojson(NULL) is NULL');

-- the sector filter of flights_geojson: X (at 179.5) is in no sector of t
SELECT pg_temp.snap(45, pg_temp.p('X', 12, 179.6, 400), pg_temp.p('T', 0.5, 0.5, 200, 1000)) \g /dev/null
SELECT results_eq($$SELECT f->'properties'->>'callsign', (SELECT string_agg(s->>'sector_set' || '/' || (s->>'sector'), ',')
                                                           FROM json_array_elements(f->'properties'->'sectors') s)
                    FROM json_array_elements(vatsim.flights_geojson('t')->'features') f ORDER BY 1$$,
                  $$VALUES ('T'::text, 't/A'::text), ('X', NULL)$$,
                  'flights_geojson(set): every online flight, with the sectors of that set only');
SELECT ok((SELECT sectors FROM pg_temp.sectors_of(vatsim.flights_geojson()) WHERE flight_id = (SELECT flight_id FROM vatsim.flights WHERE callsign = 'T'))
          ~ '^t/A@.*vatspy/', 'without a set: the sectors of every set');

-- ---------------------------------------------------------------------------
-- Readers may call them; a hostile search_path changes nothing
-- ---------------------------------------------------------------------------
CREATE ROLE vi_geojson_reader;
GRANT vatsim_reader TO vi_geojson_reader;
SET ROLE vi_geojson_reader;
SELECT lives_ok($$SELECT vatsim.sectors_geojson('t'), vatsim.flights_geojson('t'), vatsim.track_geojson(1)$$,
                'a vatsim_reader member may call all three');
RESET ROLE;

CREATE SCHEMA evil;
CREATE TABLE evil.calls (what text);
DO $$
DECLARE
    a text[];
    n int := 0;
BEGIN
    FOREACH a SLICE 1 IN ARRAY ARRAY[
        ['text', 'text', '=', 'bool'], ['int8', 'int8', '=', 'bool'], ['float8', 'float8', '=', 'bool'],
        ['float8', 'float8', '-', 'float8'], ['float8', 'float8', '>', 'bool'], ['json', 'text', '->', 'json'],
        ['json', 'text', '->>', 'text'], ['json', 'int4', '->', 'json'], ['json', 'int4', '->>', 'text']] LOOP
        n := n + 1;
        EXECUTE format('CREATE FUNCTION evil.f%s(a %s, b %s) RETURNS %s LANGUAGE plpgsql '
                       'SET search_path = pg_catalog AS $f$BEGIN INSERT INTO evil.calls VALUES (%L); '
                       'RETURN a %s b; END$f$', n, a[1], a[2], a[4], a[1] || ' ' || a[3] || ' ' || a[2], a[3]);
        EXECUTE format('CREATE OPERATOR evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = evil.f%s)', a[3], a[1], a[2], n);
    END LOOP;
END
$$;
CREATE FUNCTION pg_temp.under_evil(sql text) RETURNS void LANGUAGE plpgsql
SET search_path = evil, pg_catalog AS $$BEGIN EXECUTE sql; END$$;
SELECT pg_temp.under_evil($$SELECT 'a'::pg_catalog.text = 'a'::pg_catalog.text$$);
SELECT is((SELECT string_agg(what, ',') FROM evil.calls), 'text = text', 'control: the trap catches unqualified SQL');
TRUNCATE evil.calls;
SELECT lives_ok(format($$SELECT pg_temp.under_evil('SELECT vatsim.sectors_geojson(''vatspy''), vatsim.flights_geojson(''t''),
                                                           vatsim.track_geojson(%s)')$$, :x),
                'all three under a hostile search_path');
SELECT is((SELECT string_agg(DISTINCT what, ', ') FROM evil.calls), NULL, 'and no planted operator ran');

SELECT * FROM finish();
ROLLBACK;
