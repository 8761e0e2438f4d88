-- Sector sets: loading GeoJSON (repairs, errors that change nothing),
-- point-in-sector at the rule's edges (holes, a shared edge, the
-- antimeridian, altitude bands), export, and the index following changes.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(63);

-- Handmade sets, modelled on vatSys volumes: two stacked bands over one
-- area, adjacent squares, a sector with a hole, one across the antimeridian
-- given as continuous longitudes, and one given as two pieces.
\i test/sql/sector_shapes.sql

SELECT results_eq($$SELECT * FROM vatsim.load_sectors('bands', (SELECT doc FROM src WHERE name = 'bands'), 'name', 'lower', 'upper')$$,
                  $$VALUES ('bands'::text, 3, 3, 0)$$, 'a set with altitude bands loads');
SELECT results_eq($$SELECT * FROM vatsim.load_sectors('grid', (SELECT doc FROM src WHERE name = 'grid'))$$,
                  $$VALUES ('grid'::text, 4, 4, 0)$$, 'a set of adjacent squares and a hole loads');
SELECT results_eq($$SELECT * FROM vatsim.load_sectors('pacific', (SELECT doc FROM src WHERE name = 'pacific'))$$,
                  $$VALUES ('pacific'::text, 2, 2, 0)$$, 'a set across the antimeridian loads');
SELECT is((SELECT floor_ft || '..' || ceiling_ft FROM vatsim.sectors WHERE sector_set = 'bands' AND sector = 'HIGH'),
          '24500..60000', 'floor and ceiling are stored');
SELECT is((SELECT floor_ft IS NULL AND ceiling_ft IS NULL FROM vatsim.sectors WHERE sector_set = 'bands' AND sector = 'ALL'),
          true, 'a feature without band properties has no band');

-- Altitude bands: floor inclusive, ceiling exclusive; no altitude, no banded sector
CREATE FUNCTION pg_temp.at(lat float8, lon float8, alt int DEFAULT NULL, set text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(sector, ',' ORDER BY sector), '') FROM vatsim.sectors_at(lat, lon, alt, set)
$$;
SELECT is(pg_temp.at(-34, 151, 0, 'bands'), 'ALL,LOW', 'altitude 0: the floor of LOW');
SELECT is(pg_temp.at(-34, 151, 24499, 'bands'), 'ALL,LOW', 'altitude 24499: still LOW');
SELECT is(pg_temp.at(-34, 151, 24500, 'bands'), 'ALL,HIGH', 'altitude 24500: the ceiling of LOW is the floor of HIGH');
SELECT is(pg_temp.at(-34, 151, 60000, 'bands'), 'ALL', 'altitude 60000: above HIGH');
SELECT is(pg_temp.at(-34, 151, -50, 'bands'), 'ALL', 'altitude -50: below LOW');
SELECT is(pg_temp.at(-34, 151, NULL, 'bands'), 'ALL', 'no altitude: only the unbanded sector');
SELECT is(pg_temp.at(-36, 151, 10000, 'bands'), '', 'outside the area: nothing');

-- Shared edges: exactly one sector, the one to the east (north for a horizontal edge)
SELECT is(pg_temp.at(0.5, 1, NULL, 'grid'), 'EAST', 'a point on the WEST|EAST edge is in EAST only');
SELECT is(pg_temp.at(1, 0.5, NULL, 'grid'), 'NORTH', 'a point on the WEST|NORTH edge is in NORTH only');
SELECT is(pg_temp.at(1, 1, NULL, 'grid'), 'NORTH', 'the corner shared by three sectors is in one');
SELECT is(pg_temp.at(0.5, 0.999999, NULL, 'grid'), 'WEST', 'just west of the edge: WEST');
SELECT is(pg_temp.at(0.5, 1.000001, NULL, 'grid'), 'EAST', 'just east of the edge: EAST');
SELECT is(pg_temp.at(0, 0.5, NULL, 'grid'), 'WEST', 'the south edge of WEST belongs to WEST (nothing south of it)');
-- Holes
SELECT is(pg_temp.at(12, 12, NULL, 'grid'), '', 'inside the hole: outside the sector');
SELECT is(pg_temp.at(10.5, 10.5, NULL, 'grid'), 'DONUT', 'in the ring around the hole: inside');
SELECT is(pg_temp.at(13.5, 12, NULL, 'grid'), 'DONUT', 'between hole and outer edge: inside');
-- The antimeridian
SELECT is(pg_temp.at(0, 175, NULL, 'pacific'), 'WRAP', '175 E is in a sector given as 170..190');
SELECT is(pg_temp.at(0, -175, NULL, 'pacific'), 'WRAP', '175 W too');
SELECT is(pg_temp.at(0, 180, NULL, 'pacific'), 'WRAP', '180 too');
SELECT is(pg_temp.at(0, -180, NULL, 'pacific'), 'WRAP', 'and -180');
SELECT is(pg_temp.at(0, -169, NULL, 'pacific'), '', '169 W is beyond it');
SELECT is(pg_temp.at(25, 179.5, NULL, 'pacific'), 'SPLIT', 'a sector split at 180: the east piece');
SELECT is(pg_temp.at(25, -179.5, NULL, 'pacific'), 'SPLIT', 'and the west piece');
-- Every set at once, and overlap
SELECT is((SELECT count(*)::int FROM vatsim.sectors_at(-34, 151, 30000)), 2, 'no set given: every set (HIGH and ALL)');
SELECT throws_ok($$SELECT * FROM vatsim.sectors_at(91, 0)$$, '22003', NULL, 'latitude beyond 90 is an error');
SELECT throws_ok($$SELECT * FROM vatsim.sectors_at(0, 180.5)$$, '22003', NULL, 'longitude beyond 180 is an error');

-- Export gives back the features exactly as loaded
SELECT is((SELECT string_agg(f::text, '|' ORDER BY o) FROM json_array_elements(vatsim.export_sectors('grid')->'features') WITH ORDINALITY AS e(f, o)),
          (SELECT string_agg(f::text, '|' ORDER BY o) FROM src, json_array_elements(doc::json->'features') WITH ORDINALITY AS e(f, o) WHERE name = 'grid'),
          'export_sectors returns every feature unchanged');

-- Repairs: an unclosed ring is closed with a warning; strict refuses it
SELECT results_eq($$SELECT * FROM vatsim.load_sectors('open', '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"OPEN"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4]]]}}]}')$$,
                  $$VALUES ('open'::text, 1, 1, 1)$$, 'an unclosed ring is closed (one repair)');
SELECT is(pg_temp.at(2, 2, NULL, 'open'), 'OPEN', 'and works');

-- Input with no meaning: an error naming the feature, and nothing changes
\i test/sql/fingerprint.sql
CREATE TEMP TABLE before AS SELECT pg_temp.fingerprint() AS fp;
\i test/sql/refused.sql
-- a GeoJSON document load_sectors must refuse with 22023 (and change nothing)
CREATE FUNCTION pg_temp.refused(doc text, detail_like text, what text, strict boolean DEFAULT false)
RETURNS SETOF text LANGUAGE sql AS $$
    SELECT pg_temp.refused(format('SELECT vatsim.load_sectors(%L, %L, floor_key => %L, ceiling_key => %L, strict => %L)',
                                  'grid', doc, 'lower', 'upper', strict),
                           '22023', detail_like, what)
$$;
SELECT * FROM pg_temp.refused('not json', '%', 'not JSON');
SELECT * FROM pg_temp.refused('{"type":"Feature"}', '%FeatureCollection%', 'not a FeatureCollection');
SELECT * FROM pg_temp.refused('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"L"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}',
                              'Feature 0 ("L")%LineString%', 'a LineString');
SELECT * FROM pg_temp.refused('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"T"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}}]}',
                              'Feature 0 ("T")%', 'a ring with fewer than 3 distinct points');
SELECT * FROM pg_temp.refused('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"N"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,"x"],[1,1],[0,0]]]}}]}',
                              'Feature 0 ("N")%', 'a non-numeric coordinate');
SELECT * FROM pg_temp.refused('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"R"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,95],[1,1],[0,0]]]}}]}',
                              'Feature 0 ("R")%', 'a latitude beyond 90');
SELECT * FROM pg_temp.refused('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}',
                              'Feature 0%name%', 'a missing name');
SELECT * FROM pg_temp.refused('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":""},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}',
                              'Feature 0%name%', 'an empty name');
SELECT * FROM pg_temp.refused('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"OPEN"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4]]]}}]}',
                              'Feature 0 ("OPEN")%not closed%', 'strict: an unclosed ring', true);
SELECT * FROM pg_temp.refused('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"LOW","lower":-2147483648},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}',
                              'Feature 0 ("LOW")%-2147483648, the value that means no floor%', 'a floor of -2147483648 (it would mean no floor)');
SELECT * FROM pg_temp.refused('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"TOP","upper":2147483647},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}',
                              'Feature 0 ("TOP")%2147483647, the value that means no ceiling%', 'a ceiling of 2147483647 (it would mean no ceiling)');
SELECT is(pg_temp.fingerprint(), (SELECT fp FROM before), 'after every refusal, every table is unchanged');
SELECT ok(EXISTS (SELECT FROM pg_index i JOIN pg_attribute a1 ON a1.attrelid = i.indrelid AND a1.attnum = i.indkey[0]
                  JOIN pg_attribute a2 ON a2.attrelid = i.indrelid AND a2.attnum = i.indkey[1]
                  WHERE i.indrelid = 'vatsim.sector_features'::regclass
                    AND a1.attname = 'sector_set' AND a2.attname = 'sector'),
          'sector_features has an index for the cascade from sectors (sector_set, sector)');
SELECT is(pg_temp.at(0.5, 0.5, NULL, 'grid'), 'WEST', 'and the set still answers as before');

-- The index follows changes in the same session: reload, and delete by hand
SELECT results_eq($$SELECT * FROM vatsim.load_sectors('grid', '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"MOVED"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}')$$,
                  $$VALUES ('grid'::text, 1, 1, 0)$$, 'reloading replaces the set');
SELECT is(pg_temp.at(0.5, 0.5, NULL, 'grid'), 'MOVED', 'the next lookup sees the new sectors');
SELECT is(pg_temp.at(12, 12.5, NULL, 'grid'), '', 'and not the old ones');
DELETE FROM vatsim.sector_sets WHERE sector_set = 'grid';
SELECT is(pg_temp.at(0.5, 0.5, NULL, 'grid'), '', 'a set deleted by hand is gone from lookups');

SELECT * FROM finish();
ROLLBACK;
