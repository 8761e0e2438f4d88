-- VATSpy's real boundaries (test/fixtures/vatspy): they load as the field's
-- tools load them (two unclosed rings closed, self-crossing rings accepted),
-- strict mode refuses them, known airports fall in the expected sectors,
-- and sectors_at agrees with PostGIS ST_Covers on 130,000 random points
-- everywhere but on the boundaries themselves.  PostGIS is a test-only
-- oracle here; the extension never uses it.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(14);

CREATE TEMP TABLE vs AS SELECT pg_read_file(:'fixtures' || '/vatspy/Boundaries.geojson') AS doc;

SELECT throws_like($$SELECT vatsim.load_sectors('vatspy', doc, 'id', strict => true) FROM vs$$,
                   'cannot load sector set "vatspy"', 'strict mode refuses the unclosed rings');
SELECT is((SELECT count(*)::int FROM vatsim.sector_sets), 0, 'and loads nothing');
SELECT results_eq($$SELECT l.* FROM vs, LATERAL vatsim.load_sectors('vatspy', doc, 'id') l$$,
                  $$VALUES ('vatspy'::text, 1102, 1096, 2)$$,
                  'VATSpy: 1,102 features, 1,096 sectors (six ids have two features), 2 rings closed');
SELECT is((SELECT count(*)::int FROM vatsim.sector_features WHERE sector_set = 'vatspy'), 1102, 'every feature kept');
SELECT is((SELECT string_agg(sector, ',' ORDER BY sector) FROM vatsim.sectors WHERE features > 1),
          'CZQM,CZQX,KZNY,NZOH,SUEO,ZBAA', 'the six shared ids form one sector each');
SELECT is((SELECT count(*)::int FROM vatsim.sectors WHERE sector LIKE 'Y%'), 76, 'the 76 Australian sectors');

-- Known airports (expected sets computed with PostGIS ST_Covers)
CREATE FUNCTION pg_temp.at(lat float8, lon float8) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(sector, ',' ORDER BY sector), '') FROM vatsim.sectors_at(lat, lon, NULL, 'vatspy')
$$;
SELECT is(pg_temp.at(-33.9461, 151.1772), 'YBIK,YGUN', 'Sydney (YSSY)');
SELECT is(pg_temp.at(-37.6733, 144.8433), 'YBLA,YELW', 'Melbourne (YMML), inside the self-crossing YBLA');
SELECT is(pg_temp.at(-27.3842, 153.1175), 'YINL,YNSA', 'Brisbane (YBBN)');
SELECT is(pg_temp.at(-31.9403, 115.9669), 'YHYD,YPIY', 'Perth (YPPH)');
SELECT is(pg_temp.at(-37.0082, 174.785), 'NZAA,NZZO', 'Auckland (NZAA), NZZO is split at 180');
SELECT is(pg_temp.at(51.4706, -0.4619), 'EGTL,EGTL-S,EGTT,EGTT-D,EGTT-S,EGTT-SC,EGVV', 'London Heathrow (EGLL): seven overlapping sectors');

-- The oracle.  PostGIS cannot read an unclosed ring, so close rings as the
-- loader does before handing them over.
\i test/sql/postgis_closed.sql
CREATE TEMP TABLE geo AS
SELECT f.sector, ST_GeomFromGeoJSON(pg_temp.closed((f.feature->'geometry')::jsonb)) AS g
FROM vatsim.sector_features f WHERE f.sector_set = 'vatspy';
CREATE INDEX ON geo USING gist (g);
ANALYZE geo;
SELECT setseed(0.2026);
CREATE TEMP TABLE pts AS
SELECT i, -90 + 180 * random() AS lat, -180 + 360 * random() AS lon FROM generate_series(1, 100000) i
UNION ALL   -- and 30,000 more over Australia, where sectors are small and many
SELECT i, -45 + 36 * random(), 110 + 50 * random() FROM generate_series(100001, 130000) i;
CREATE TEMP TABLE want AS
SELECT DISTINCT p.i, g.sector FROM pts p JOIN geo g ON ST_Covers(g.g, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326));
CREATE TEMP TABLE got AS
SELECT p.i, s.sector FROM pts p, vatsim.sectors_at(p.lat, p.lon, NULL, 'vatspy') s;
CREATE TEMP TABLE disagree AS
(SELECT * FROM want EXCEPT SELECT * FROM got) UNION ALL (SELECT * FROM got EXCEPT SELECT * FROM want);
SELECT cmp_ok((SELECT count(*)::int FROM want), '>', 100000, 'the oracle found points in sectors');
SELECT is((SELECT count(*)::int FROM disagree d JOIN pts p USING (i)
           WHERE NOT EXISTS (SELECT 1 FROM geo g WHERE g.sector = d.sector
                             AND ST_DWithin(ST_Boundary(g.g), ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), 1e-9))),
          0, 'sectors_at agrees with ST_Covers on 130,000 random points away from edges');

SELECT * FROM finish();
ROLLBACK;
