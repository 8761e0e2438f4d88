-- Set-based sector lookups (issue 12): vatsim.sectors_at_points gives, for
-- every point of its arrays, exactly the rows sectors_at gives for that
-- point, in the same order, numbered by the point's position: over the
-- pilots of every real fixture, every vertex of VATSpy, a half-degree grid
-- over handmade sets (shared edges, corners, a hole, altitude bands, the
-- antimeridian), the poles and +-180, and random points with and without
-- altitudes.  PostGIS ST_Covers is the independent oracle away from the
-- boundaries (as in 07_vatspy.sql).  Then the argument rules: NULL
-- elements, NaN and out-of-range points, lengths, dimensions, lower
-- bounds, unknown sets, no sets, and who may call it.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(30);

CREATE FUNCTION pg_temp.pts(lats float8[], lons float8[], alts int[] DEFAULT NULL, set text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(idx || ':' || sector, ',' ORDER BY o), '')
    FROM vatsim.sectors_at_points(lats, lons, alts, set) WITH ORDINALITY r(idx, sector_set, sector, o)
$$;

-- No set loaded yet
SELECT is(pg_temp.pts('{0,51.47}', '{0,-0.46}'), '', 'no sector set loaded: no rows');
SELECT throws_ok($$SELECT * FROM vatsim.sectors_at_points('{0,95}', '{0,0}')$$, '22003',
                 'point 2 (95, 0) is outside the globe', 'and a point outside the globe is still an error');

-- The sets: the handmade ones of 06_sectors.sql, a box up to the north pole, VATSpy
\i test/sql/sector_shapes.sql
INSERT INTO src VALUES
('polar', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "CAP"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,80],[10,80],[10,90],[0,90],[0,80]]]}}]}$$);
SELECT count(*) AS handmade FROM src, vatsim.load_sectors(name, doc, 'name', 'lower', 'upper') \gset
SELECT count(*) AS vatspy FROM vatsim.load_sectors('vatspy', pg_read_file(:'fixtures' || '/vatspy/Boundaries.geojson'), 'id') \gset
SELECT is((SELECT count(*)::int FROM vatsim.sector_sets), 5, 'five sets loaded (four handmade, VATSpy)');

-- The points, numbered 1..n in this order
CREATE TEMP TABLE pts (i serial PRIMARY KEY, kind text, lat float8, lon float8, alt int);
-- every pilot of every real snapshot, with its altitude
INSERT INTO pts (kind, lat, lon, alt)
SELECT 'pilot', (p->>'latitude')::float8, (p->>'longitude')::float8, (p->>'altitude')::int
FROM pg_ls_dir(:'fixtures') f(name),
     LATERAL json_array_elements(pg_read_file(:'fixtures' || '/' || f.name)::json->'pilots') p
WHERE f.name ~ '^v3-.*\.json$'
ORDER BY f.name;
-- every vertex of every VATSpy ring (on boundaries), longitudes into -180..180
INSERT INTO pts (kind, lat, lon)
SELECT 'vertex', (v->>1)::float8,
       CASE WHEN (v->>0)::float8 > 180 THEN (v->>0)::float8 - 360
            WHEN (v->>0)::float8 < -180 THEN (v->>0)::float8 + 360 ELSE (v->>0)::float8 END
FROM vatsim.sector_features f,
     LATERAL jsonb_array_elements(CASE f.feature->'geometry'->>'type' WHEN 'Polygon'
                                  THEN jsonb_build_array((f.feature->'geometry'->'coordinates')::jsonb)
                                  ELSE (f.feature->'geometry'->'coordinates')::jsonb END) poly,
     LATERAL jsonb_array_elements(poly) ring,
     LATERAL jsonb_array_elements(ring) v
WHERE f.sector_set = 'vatspy'
ORDER BY f.feature_index;
-- a half-degree grid over the handmade sets: edges, corners, the hole;
-- altitudes at the band limits
INSERT INTO pts (kind, lat, lon, alt)
SELECT 'grid', la / 2.0, lo / 2.0, (ARRAY[NULL, 0, 24499, 24500, 60000, -50])[1 + abs(la + lo) % 6]
FROM generate_series(-2, 30) lo, generate_series(-2, 30) la;
INSERT INTO pts (kind, lat, lon, alt)
SELECT 'bands', la / 2.0, lo / 2.0, (ARRAY[NULL, 0, 24499, 24500, 60000, -50])[1 + abs(la + lo) % 6]
FROM generate_series(298, 306) lo, generate_series(-72, -64) la;
-- the antimeridian and the poles
INSERT INTO pts (kind, lat, lon)
SELECT 'pacific', la / 2.0, lo / 2.0
FROM generate_series(-24, 64) la, (SELECT generate_series(330, 360) UNION ALL SELECT generate_series(-360, -330)) l(lo);
INSERT INTO pts (kind, lat, lon)
SELECT 'pole', la, lo FROM (VALUES (90), (-90), (89.999999), (80), (-80)) a(la),
       generate_series(-180, 180, 15) lo;
-- random points, some with altitudes
SELECT setseed(0.1414);
INSERT INTO pts (kind, lat, lon, alt)
SELECT 'random', -90 + 180 * random(), -180 + 360 * random(),
       CASE WHEN random() < 0.5 THEN (random() * 45000)::int END
FROM generate_series(1, 20000);
INSERT INTO pts (kind, lat, lon, alt)
SELECT 'random', -45 + 36 * random(), 110 + 50 * random(), (random() * 45000)::int
FROM generate_series(1, 10000);
SELECT is((SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) n FROM pts GROUP BY kind) k)
          ~ '^bands 81, grid 1089, pacific 5518, pilot [0-9]{4,}, pole 125, random 30000, vertex [0-9]{5,}$',
          true, 'the points: every pilot of the fixtures, every VATSpy vertex, grids, poles, random');

CREATE TEMP TABLE arr AS
SELECT array_agg(lat ORDER BY i) lats, array_agg(lon ORDER BY i) lons, array_agg(alt ORDER BY i) alts FROM pts;
-- what sectors_at gives, point by point, numbered in order
CREATE TEMP TABLE want AS
SELECT row_number() OVER (ORDER BY p.i, s.o) AS n, p.i AS idx, s.sector_set, s.sector
FROM pts p, LATERAL vatsim.sectors_at(p.lat, p.lon, p.alt) WITH ORDINALITY s(sector_set, sector, o);
CREATE TEMP TABLE got AS
SELECT row_number() OVER () AS n, r.* FROM arr, LATERAL vatsim.sectors_at_points(arr.lats, arr.lons, arr.alts) r;
SELECT cmp_ok((SELECT count(*)::int FROM want), '>', 100000, 'sectors_at finds over 100,000 (point, sector) rows');
SELECT is((SELECT count(*)::int FROM ((SELECT * FROM want EXCEPT ALL SELECT * FROM got)
                                     UNION ALL (SELECT * FROM got EXCEPT ALL SELECT * FROM want)) d),
          0, 'sectors_at_points = sectors_at point by point: the same rows in the same order, numbered by point');
SELECT is((SELECT string_agg(DISTINCT sector_set, ',' ORDER BY sector_set) FROM got),
          'bands,grid,pacific,polar,vatspy', 'rows from every set');
SELECT is((SELECT string_agg(DISTINCT sector, ',' ORDER BY sector) FROM got WHERE sector_set = 'bands'),
          'ALL,HIGH,LOW', 'both bands and the unbanded sector were found');
-- the same, one set only, and without altitudes
SELECT is((SELECT count(*)::int FROM (
    (SELECT p.i, s.sector FROM pts p, LATERAL vatsim.sectors_at(p.lat, p.lon, NULL, 'vatspy') s
     EXCEPT ALL SELECT r.idx, r.sector FROM arr, LATERAL vatsim.sectors_at_points(arr.lats, arr.lons, NULL, 'vatspy') r)
    UNION ALL
    (SELECT r.idx, r.sector FROM arr, LATERAL vatsim.sectors_at_points(arr.lats, arr.lons, NULL, 'vatspy') r
     EXCEPT ALL SELECT p.i, s.sector FROM pts p, LATERAL vatsim.sectors_at(p.lat, p.lon, NULL, 'vatspy') s)) d),
          0, 'and with sector_set => vatspy and no altitudes');

-- Named points at the rules' edges (06_sectors.sql's expectations)
SELECT is(pg_temp.pts('{0.5,1,1,12,10.5}', '{1,0.5,1,12,10.5}', NULL, 'grid'),
          '1:EAST,2:NORTH,3:NORTH,5:DONUT',
          'shared edges go east and north, the corner of three to one, the hole is outside');
SELECT is(pg_temp.pts('{-34,-34,-34,-34,-34}', '{151,151,151,151,151}', '{0,24499,24500,60000,NULL}', 'bands'),
          '1:ALL,1:LOW,2:ALL,2:LOW,3:ALL,3:HIGH,4:ALL,5:ALL',
          'altitude bands: floor inclusive, ceiling exclusive, a NULL altitude only the unbanded sector');
SELECT is(pg_temp.pts('{0,0,0,0,25,25}', '{175,-175,180,-180,180,-180}', NULL, 'pacific'),
          '1:WRAP,2:WRAP,3:WRAP,4:WRAP,5:SPLIT,6:SPLIT',
          'the antimeridian: 170..190 from both sides and at +-180, the two-piece sector at +-180');
SELECT is(pg_temp.pts('{89.5,90,-90,80}', '{5,5,5,5}', NULL, 'polar'), '1:CAP,4:CAP',
          'a box up to the pole: the pole itself is on its top edge (nothing is north of it: outside), its bottom edge inside');

-- PostGIS ST_Covers as the independent oracle, away from the boundaries
\i test/sql/postgis_closed.sql
CREATE TEMP TABLE geo AS
SELECT f.sector, ST_GeomFromGeoJSON(pg_temp.closed((f.feature->'geometry')::jsonb)) AS g
FROM vatsim.sector_features f WHERE f.sector_set = 'vatspy';
CREATE INDEX ON geo USING gist (g);
ANALYZE geo;
CREATE TEMP TABLE opts AS SELECT i, lat, lon, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt
FROM pts WHERE kind IN ('pilot', 'random');
CREATE TEMP TABLE owant AS SELECT DISTINCT p.i, g.sector FROM opts p JOIN geo g ON ST_Covers(g.g, p.pt);
CREATE TEMP TABLE ogot AS
SELECT r.idx AS i, r.sector FROM arr, LATERAL vatsim.sectors_at_points(arr.lats, arr.lons, NULL, 'vatspy') r
WHERE r.idx IN (SELECT i FROM opts);
SELECT cmp_ok((SELECT count(*)::int FROM owant), '>', 30000, 'the oracle found the pilots and random points in sectors');
SELECT is((SELECT count(*)::int FROM ((SELECT * FROM owant EXCEPT SELECT * FROM ogot) UNION ALL (SELECT * FROM ogot EXCEPT SELECT * FROM owant)) d
           JOIN opts p USING (i)
           WHERE NOT EXISTS (SELECT 1 FROM geo g WHERE g.sector = d.sector AND ST_DWithin(ST_Boundary(g.g), p.pt, 1e-9))),
          0, 'sectors_at_points agrees with ST_Covers at every fixture pilot and 30,000 random points away from edges');

-- Arguments
SELECT is(pg_temp.pts('{}', '{}'), '', 'empty arrays: no rows');
SELECT is(pg_temp.pts(NULL, '{1}'), '', 'a NULL array: no rows (as sectors_at(NULL, ...))');
SELECT is(pg_temp.pts('{NULL,51.47,51.47}', '{-0.46,NULL,-0.46}', NULL, 'grid')
          || '|' || pg_temp.pts('{NULL,0.5,0.5}', '{-0.46,NULL,0.5}', NULL, 'grid'),
          '|3:WEST', 'a NULL latitude or longitude skips its point; the others keep their numbers');
SELECT is(pg_temp.pts('[0:1]={0.5,1.5}', '[0:1]={0.5,0.5}', NULL, 'grid'), '1:WEST,2:NORTH',
          'points are numbered from 1 whatever the arrays'' lower bound');
SELECT is(pg_temp.pts('{0.5}', '{0.5}', NULL, 'no such set'), '', 'an unknown set: no rows');
SELECT throws_ok($$SELECT * FROM vatsim.sectors_at_points('{0.5,1,2}', '{0.5,1}')$$, '2202E',
                 'latitudes, longitudes and altitudes_ft must have the same length', 'arrays of different lengths: an error');
SELECT throws_ok($$SELECT * FROM vatsim.sectors_at_points('{0.5,1}', '{0.5,1}', '{1}')$$, '2202E',
                 'latitudes, longitudes and altitudes_ft must have the same length', 'altitudes of another length: an error');
SELECT throws_ok($$SELECT * FROM vatsim.sectors_at_points('{{0.5,1},{1,2}}', '{{0.5,1},{1,2}}')$$, '2202E',
                 'latitudes must be a one-dimensional array', 'a two-dimensional array: an error');
SELECT throws_ok($$SELECT * FROM vatsim.sectors_at_points('{0.5,1,NaN}', '{0.5,1,2}')$$, '22003',
                 'point 3 (NaN, 2) is outside the globe', 'NaN: an error naming the point');
SELECT throws_ok($$SELECT * FROM vatsim.sectors_at_points('{0.5,1,2}', '{0.5,-180.5,2}', NULL, 'no such set')$$, '22003',
                 'point 2 (1, -180.5) is outside the globe', 'out of range: an error, even for an unknown set');
SELECT is((SELECT pg_temp.pts('{0.5}', '{0.5}', NULL, 'grid') || '|'
                  || (SELECT count(*) FROM vatsim.load_sectors('grid', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "MOVED"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,0],[3,0],[3,3],[0,3],[0,0]]]}}]}$$)) || '|'
                  || pg_temp.pts('{0.5}', '{0.5}', NULL, 'grid')),
          '1:WEST|1|1:MOVED', 'a set replaced in the same transaction: the next call sees it');

-- Who may call it: as sectors_at (vatsim_reader, not PUBLIC since 0.7.0: the
-- index cached in a backend would answer a role without SELECT on the sector
-- tables; test/pgtap/15_roles.sql)
SELECT is((SELECT row(p.prosecdef, p.proconfig, p.provolatile, p.proparallel, coalesce(p.proacl::text, 'default'))::text
           FROM pg_proc p WHERE p.oid = 'vatsim.sectors_at_points(float8[], float8[], int[], text)'::regprocedure),
          (SELECT row(p.prosecdef, p.proconfig, p.provolatile, p.proparallel, coalesce(p.proacl::text, 'default'))::text
           FROM pg_proc p WHERE p.oid = 'vatsim.sectors_at(float8, float8, int, text)'::regprocedure),
          'security, settings, volatility, parallel safety and privileges as sectors_at');
SELECT ok(has_function_privilege('vatsim_reader', 'vatsim.sectors_at_points(float8[], float8[], int[], text)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'vatsim.sectors_at_points(float8[], float8[], int[], text)', 'EXECUTE'),
          'EXECUTE for vatsim_reader, not PUBLIC');
SET LOCAL ROLE vatsim_reader;
SELECT is(pg_temp.pts('{51.4706}', '{-0.4619}', NULL, 'vatspy'),
          '1:EGTL,1:EGTL-S,1:EGTT,1:EGTT-D,1:EGTT-S,1:EGTT-SC,1:EGVV', 'vatsim_reader looks up Heathrow''s seven sectors');
RESET ROLE;
SELECT is(pg_temp.pts('{51.4706}', '{-0.4619}', NULL, 'vatspy'),
          (SELECT string_agg('1:' || sector, ',') FROM vatsim.sectors_at(51.4706, -0.4619, NULL, 'vatspy')),
          'the same as sectors_at');

SELECT * FROM finish();
ROLLBACK;
