-- sectors_lookup.sql: points per second of vatsim.sectors_at against PostGIS
-- ST_Covers + GiST on the same points and the same VATSpy features, in one
-- session (run by bench/sectors.sh inside its throw-away cluster).
--
-- Then the set-based form, vatsim.sectors_at_points, on the same points as
-- two arrays, against PostGIS doing the same set-based job (the arrays
-- unnest'ed, joined to the features with ST_Covers and GiST) and against
-- the C index alone (bench/sector_index_time.c, run before this script).
--
-- psql variables: boundaries (server-readable path of VATSpy's
-- Boundaries.geojson), npoints (points per point set), runs (timed runs per
-- query; each query has one untimed warm-up run before them), seed;
-- c_au_one, c_au_many, c_vatspy_one, c_vatspy_many: points/s of the C
-- index alone, one point at a time and geo_index_lookup_many.
--
-- Both sides run in this one backend: no parallel workers (sectors_at is
-- PARALLEL UNSAFE, so only PostGIS could use them) and no JIT.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE EXTENSION postgis;
CREATE EXTENSION vatsim_ingest;
CREATE SCHEMA bench;

-- Every timed query returns one count.  Run 0 is the warm-up (it also pays
-- for building sectors_at's in-memory index after a load); runs 1..runs are
-- timed with clock_timestamp() around EXECUTE.
CREATE TABLE bench.timings (id bigserial, what text, run integer, ms double precision, n bigint,
                            UNIQUE (what, run));
CREATE FUNCTION bench.time_query(what text, q text, runs integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    n  bigint;
BEGIN
    FOR r IN 0..runs LOOP
        t0 := clock_timestamp();
        EXECUTE q INTO n;
        INSERT INTO bench.timings (what, run, ms, n)
        VALUES (what, r, 1000 * extract(epoch FROM clock_timestamp() - t0), n);
    END LOOP;
END
$$;
CREATE VIEW bench.summary AS
SELECT what, min(id) AS ord,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE run > 0) AS median_ms,
       min(ms) FILTER (WHERE run > 0) AS min_ms,
       max(ms) FILTER (WHERE run > 0) AS max_ms,
       max(ms) FILTER (WHERE run = 0) AS warmup_ms,
       max(n) AS n, min(n) AS n_min
FROM bench.timings GROUP BY what;

-- Measurement output (row counts of loads and timing calls) is not shown,
-- nor the loader's warnings about the two rings it closes (counted in the
-- report).
\o /dev/null
SET client_min_messages = error;

-- Random points, fixed seed; the geometry is computed here, once, so that
-- PostGIS is not charged for ST_MakePoint.
SELECT setseed(:seed);
CREATE TABLE bench.pts_au AS
SELECT i, lat, lon, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt
FROM (SELECT i, -45 + 36 * random() AS lat, 110 + 50 * random() AS lon
      FROM generate_series(1, :npoints) i) s;
CREATE TABLE bench.pts_world AS
SELECT i, lat, lon, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt
FROM (SELECT i, -90 + 180 * random() AS lat, -180 + 360 * random() AS lon
      FROM generate_series(1, :npoints) i) s;
VACUUM ANALYZE bench.pts_au;
VACUUM ANALYZE bench.pts_world;
-- The same points as arrays, for sectors_at_points (stored uncompressed:
-- reading them back costs under 1 ms).
CREATE TABLE bench.arr_au (lats float8[], lons float8[]);
CREATE TABLE bench.arr_world (lats float8[], lons float8[]);
ALTER TABLE bench.arr_au ALTER lats SET STORAGE EXTERNAL, ALTER lons SET STORAGE EXTERNAL;
ALTER TABLE bench.arr_world ALTER lats SET STORAGE EXTERNAL, ALTER lons SET STORAGE EXTERNAL;
INSERT INTO bench.arr_au SELECT array_agg(lat ORDER BY i), array_agg(lon ORDER BY i) FROM bench.pts_au;
INSERT INTO bench.arr_world SELECT array_agg(lat ORDER BY i), array_agg(lon ORDER BY i) FROM bench.pts_world;

CREATE TEMP TABLE vs AS SELECT pg_read_file(:'boundaries') AS doc;
-- The Australian features (ids starting with Y), in file order, unchanged.
CREATE TEMP TABLE vs_au AS
SELECT json_build_object('type', 'FeatureCollection',
                         'features', json_agg(f ORDER BY o))::text AS doc
FROM vs, json_array_elements(vs.doc::json->'features') WITH ORDINALITY a(f, o)
WHERE f->'properties'->>'id' LIKE 'Y%';

\echo == sectors_at: per-call floor (a set of one 0.01 deg square at 0,0; the Australian points find nothing)
SELECT count(*) AS tiny FROM vatsim.load_sectors('tiny', $${"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "TINY"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,0],[0.01,0],[0.01,0.01],[0,0.01],[0,0]]]}}]}$$) \gset
SELECT FROM bench.time_query('scan: count(*) FROM pts',
    'SELECT count(*) FROM bench.pts_au p', :runs);
SELECT FROM bench.time_query('empty SRF: LATERAL generate_series(i, i - 1)',
    'SELECT count(*) FROM bench.pts_au p, LATERAL generate_series(p.i, p.i - 1)', :runs);
SELECT FROM bench.time_query('sectors_at, set tiny (nothing found)',
    $q$SELECT count(*) FROM bench.pts_au p, LATERAL vatsim.sectors_at(p.lat, p.lon, NULL, 'tiny')$q$, :runs);

\echo == sectors_at: Australia (set au: VATSpy features with ids Y*), Australian points
SELECT features AS au_features FROM vatsim.load_sectors('au', (SELECT doc FROM vs_au), 'id') \gset
SELECT FROM bench.time_query('sectors_at au',
    $q$SELECT count(*) FROM bench.pts_au p, LATERAL vatsim.sectors_at(p.lat, p.lon, NULL, 'au')$q$, :runs);
SELECT FROM bench.time_query('sectors_at_points au',
    $q$SELECT count(*) FROM bench.arr_au a, vatsim.sectors_at_points(a.lats, a.lons, NULL, 'au')$q$, :runs);

\echo == sectors_at: the world (set vatspy: every VATSpy feature), points over the whole globe
SELECT features AS vatspy_features FROM vatsim.load_sectors('vatspy', (SELECT doc FROM vs), 'id') \gset
SELECT FROM bench.time_query('sectors_at vatspy',
    $q$SELECT count(*) FROM bench.pts_world p, LATERAL vatsim.sectors_at(p.lat, p.lon, NULL, 'vatspy')$q$, :runs);
SELECT FROM bench.time_query('sectors_at_points vatspy',
    $q$SELECT count(*) FROM bench.arr_world a, vatsim.sectors_at_points(a.lats, a.lons, NULL, 'vatspy')$q$, :runs);
-- Its rows go to a tuplestore, which spills to a temporary file beyond
-- work_mem (default 4MB: about 50,000 rows): the same with room for them.
SET work_mem = '64MB';
SELECT FROM bench.time_query('sectors_at_points vatspy, work_mem 64MB',
    $q$SELECT count(*) FROM bench.arr_world a, vatsim.sectors_at_points(a.lats, a.lons, NULL, 'vatspy')$q$, :runs);
RESET work_mem;
-- The index holds every loaded set; the set argument filters the results.
SELECT FROM bench.time_query('sectors_at au, with vatspy also loaded',
    $q$SELECT count(*) FROM bench.pts_au p, LATERAL vatsim.sectors_at(p.lat, p.lon, NULL, 'au')$q$, :runs);
SELECT FROM bench.time_query('sectors_at_points au, with vatspy also loaded',
    $q$SELECT count(*) FROM bench.arr_au a, vatsim.sectors_at_points(a.lats, a.lons, NULL, 'au')$q$, :runs);

\echo == PostGIS: the same features as geometries (unclosed rings closed), GiST index, ST_Covers
-- As in test/pgtap/07_vatspy.sql: PostGIS cannot read an unclosed ring.
\ir ../test/sql/postgis_closed.sql
CREATE TABLE bench.geo_au AS
SELECT f.feature_index, f.sector, ST_GeomFromGeoJSON(pg_temp.closed((f.feature->'geometry')::jsonb)) AS g
FROM vatsim.sector_features f WHERE f.sector_set = 'au';
CREATE TABLE bench.geo_world AS
SELECT f.feature_index, f.sector, ST_GeomFromGeoJSON(pg_temp.closed((f.feature->'geometry')::jsonb)) AS g
FROM vatsim.sector_features f WHERE f.sector_set = 'vatspy';
CREATE INDEX ON bench.geo_au USING gist (g);
CREATE INDEX ON bench.geo_world USING gist (g);
VACUUM ANALYZE bench.geo_au;
VACUUM ANALYZE bench.geo_world;
SELECT FROM bench.time_query('PostGIS au',
    'SELECT count(*) FROM bench.pts_au p JOIN bench.geo_au g ON ST_Covers(g.g, p.pt)', :runs);
SELECT FROM bench.time_query('PostGIS vatspy',
    'SELECT count(*) FROM bench.pts_world p JOIN bench.geo_world g ON ST_Covers(g.g, p.pt)', :runs);
-- The set-based job as sectors_at_points gets it: arrays of coordinates in.
SELECT FROM bench.time_query('PostGIS unnest au',
    $q$SELECT count(*) FROM bench.arr_au a, unnest(a.lats, a.lons) u(lat, lon)
       JOIN bench.geo_au g ON ST_Covers(g.g, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326))$q$, :runs);
SELECT FROM bench.time_query('PostGIS unnest vatspy',
    $q$SELECT count(*) FROM bench.arr_world a, unnest(a.lats, a.lons) u(lat, lon)
       JOIN bench.geo_world g ON ST_Covers(g.g, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326))$q$, :runs);
-- The plans, for the report: a nested loop over the points, probing the
-- GiST index of the features for each.
CREATE FUNCTION bench.plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    l   text;
    res text[] := '{}';
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        res := res || regexp_replace(btrim(l), '^->\s*', '');
    END LOOP;
    RETURN array_to_string(res, ' / ');
END
$$;
CREATE TABLE bench.plans AS
SELECT 'PostGIS vatspy' AS what,
       bench.plan('SELECT count(*) FROM bench.pts_world p JOIN bench.geo_world g ON ST_Covers(g.g, p.pt)') AS plan
UNION ALL
SELECT 'sectors_at vatspy',
       bench.plan($q$SELECT count(*) FROM bench.pts_world p, LATERAL vatsim.sectors_at(p.lat, p.lon, NULL, 'vatspy')$q$);

-- The (point, sector) pairs each side found: sectors_at returns each sector
-- once; the PostGIS join counts features, and six VATSpy ids have two
-- features, so also count distinct (point, sector) pairs on that side
-- (only the multi-feature sectors can differ: cheap).
CREATE TABLE bench.pairs AS
SELECT 'au' AS set,
       (SELECT n FROM bench.summary WHERE what = 'sectors_at au') AS sectors_at,
       (SELECT n FROM bench.summary WHERE what = 'PostGIS au') AS postgis_features,
       (SELECT count(*) - count(DISTINCT (p.i, g.sector)) FROM bench.pts_au p JOIN bench.geo_au g
          ON ST_Covers(g.g, p.pt) AND g.sector IN (SELECT sector FROM bench.geo_au GROUP BY 1 HAVING count(*) > 1))
           AS postgis_duplicates
UNION ALL
SELECT 'vatspy',
       (SELECT n FROM bench.summary WHERE what = 'sectors_at vatspy'),
       (SELECT n FROM bench.summary WHERE what = 'PostGIS vatspy'),
       (SELECT count(*) - count(DISTINCT (p.i, g.sector)) FROM bench.pts_world p JOIN bench.geo_world g
          ON ST_Covers(g.g, p.pt) AND g.sector IN (SELECT sector FROM bench.geo_world GROUP BY 1 HAVING count(*) > 1));

-- Where the counts differ, find the disagreeing pairs and how many of them
-- lie on a sector's boundary (within 1e-9 deg), as 07_vatspy.sql does.
CREATE TABLE bench.disagree (set text, i integer, sector text, side text, on_edge boolean);
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM bench.pairs WHERE sectors_at <> postgis_features - postgis_duplicates LOOP
        EXECUTE format($q$
            CREATE TEMP TABLE got AS SELECT p.i, s.sector FROM bench.pts_%1$s p,
                LATERAL vatsim.sectors_at(p.lat, p.lon, NULL, %2$L) s;
            CREATE TEMP TABLE want AS SELECT DISTINCT p.i, g.sector FROM bench.pts_%1$s p
                JOIN bench.geo_%1$s g ON ST_Covers(g.g, p.pt);
            INSERT INTO bench.disagree
            SELECT %2$L, d.i, d.sector, d.side,
                   EXISTS (SELECT 1 FROM bench.geo_%1$s g, bench.pts_%1$s p
                           WHERE g.sector = d.sector AND p.i = d.i
                             AND ST_DWithin(ST_Boundary(g.g), p.pt, 1e-9))
            FROM ((SELECT *, 'PostGIS only' AS side FROM want EXCEPT SELECT *, 'PostGIS only' FROM got)
                  UNION ALL
                  (SELECT *, 'sectors_at only' FROM got EXCEPT SELECT *, 'sectors_at only' FROM want)) d;
            DROP TABLE got, want;
            $q$, CASE r.set WHEN 'au' THEN 'au' ELSE 'world' END, r.set);
    END LOOP;
END
$$;

-- Every run of a query must have returned the same count, and the
-- set-based form the rows of the single one.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM bench.summary WHERE n <> n_min) THEN
        RAISE EXCEPTION 'bench: runs of the same query returned different counts';
    END IF;
    IF EXISTS (SELECT 1 FROM bench.summary a JOIN bench.summary b
               ON b.what = replace(a.what, 'sectors_at_points', 'sectors_at')
               WHERE a.what LIKE 'sectors_at_points%' AND a.n <> b.n)
       OR (SELECT n FROM bench.summary WHERE what = 'PostGIS unnest au')
          <> (SELECT n FROM bench.summary WHERE what = 'PostGIS au')
       OR (SELECT n FROM bench.summary WHERE what = 'PostGIS unnest vatspy')
          <> (SELECT n FROM bench.summary WHERE what = 'PostGIS vatspy') THEN
        RAISE EXCEPTION 'bench: the set-based queries found other rows than the per-point ones';
    END IF;
END
$$;
\o
-- ---------------------------------------------------------------------------
-- Report
-- ---------------------------------------------------------------------------
\pset footer off
\set us_per_pt '1000 * median_ms / ' :npoints
\echo
\echo == Result: point lookups, :npoints random points per query, median of :runs runs after 1 warm-up, one backend
SELECT what AS query, n AS "rows",
       round(median_ms::numeric) AS median_ms,
       round(min_ms::numeric) || '-' || round(max_ms::numeric) AS "min-max ms",
       round(warmup_ms::numeric) AS "warm-up ms",
       round((1000 * :npoints / median_ms)::numeric) AS "points/s",
       round((:us_per_pt)::numeric, 2) AS "us/point"
FROM bench.summary ORDER BY ord;
\echo 'rows: what count(*) returned (for sectors_at and PostGIS: (point, sector) pairs; every run returned the same).'
\echo 'warm-up: the first run, not counted; after a load it includes building the sectors_at index.'

\echo
\echo == Result: sectors_at against PostGIS (ST_Covers, GiST, precomputed points), same points, same features
SELECT s.set, round((1000 * :npoints / a.median_ms)::numeric) AS "sectors_at points/s",
       round((1000 * :npoints / g.median_ms)::numeric) AS "PostGIS points/s",
       round((g.median_ms / a.median_ms)::numeric, 1) || 'x' AS "speed-up",
       CASE WHEN g.median_ms / a.median_ms >= 10 THEN 'met (>= 10x)'
            ELSE 'NOT met: below 10x' END AS "target >= 10x"
FROM (VALUES (1, 'au'), (2, 'vatspy')) s(o, set)
JOIN bench.summary a ON a.what = 'sectors_at ' || s.set
JOIN bench.summary g ON g.what = 'PostGIS ' || s.set
ORDER BY s.o;

\echo
\echo == Result: set-based lookups, arrays of :npoints points in, (point, sector) rows out
SELECT s.set, round((1000 * :npoints / a.median_ms)::numeric) AS "sectors_at_points points/s",
       s.c_many AS "C index alone, many at once", s.c_one AS "C index alone, one at a time",
       round((1000 * :npoints / g.median_ms)::numeric) AS "PostGIS unnest points/s",
       round((g.median_ms / a.median_ms)::numeric, 1) || 'x' AS "speed-up",
       round((p.median_ms / a.median_ms)::numeric, 1) || 'x' AS "vs PostGIS on a points table",
       round((s1.median_ms / a.median_ms)::numeric, 1) || 'x' AS "vs sectors_at",
       CASE WHEN s.base = 'au' THEN '(the target is for VATSpy)'
            WHEN 1000 * :npoints / a.median_ms >= 3000000 AND g.median_ms / a.median_ms >= 50 THEN 'met'
            ELSE 'NOT met: ' || concat_ws(', ',
                 CASE WHEN 1000 * :npoints / a.median_ms < 3000000 THEN 'below 3 M points/s' END,
                 CASE WHEN g.median_ms / a.median_ms < 50 THEN 'below 50x PostGIS' END) END
           AS "target >= 3 M points/s, >= 50x"
FROM (VALUES (1, 'au', 'au', :c_au_many, :c_au_one), (2, 'vatspy', 'vatspy', :c_vatspy_many, :c_vatspy_one),
             (3, 'vatspy, work_mem 64MB', 'vatspy', :c_vatspy_many, :c_vatspy_one))
     s(o, set, base, c_many, c_one)
JOIN bench.summary a ON a.what = 'sectors_at_points ' || s.set
JOIN bench.summary s1 ON s1.what = 'sectors_at ' || s.base
JOIN bench.summary g ON g.what = 'PostGIS unnest ' || s.base
JOIN bench.summary p ON p.what = 'PostGIS ' || s.base
ORDER BY s.o;
\echo 'sectors_at_points: SELECT count(*) FROM arr a, vatsim.sectors_at_points(a.lats, a.lons, NULL, set), the default work_mem (4MB)'
\echo 'unless said; PostGIS unnest: the same arrays unnest''ed, ST_MakePoint, JOIN ON ST_Covers with GiST; C index alone:'
\echo 'bench/sector_index_time.c on random points of the same boxes (au: the Australian sectors alone), median of 5 runs.'

\echo == Check: (point, sector) pairs found by each side
SELECT p.set, p.sectors_at AS "sectors_at pairs",
       p.postgis_features AS "PostGIS (point, feature) matches",
       p.postgis_duplicates AS "same sector twice (2-feature ids)",
       p.postgis_features - p.postgis_duplicates AS "PostGIS pairs",
       p.sectors_at - (p.postgis_features - p.postgis_duplicates) AS difference,
       (SELECT count(*) FROM bench.disagree d WHERE d.set = p.set) AS "pairs disagreeing",
       (SELECT count(*) FROM bench.disagree d WHERE d.set = p.set AND d.on_edge) AS "of them on a boundary"
FROM bench.pairs p ORDER BY p.set;
SELECT count(*) > 0 AS any_disagree FROM bench.disagree \gset
\if :any_disagree
SELECT set, side, i AS point, sector, on_edge FROM bench.disagree ORDER BY set, i, sector LIMIT 10;
\endif

\echo == Where the time of sectors_at goes (us per point, medians)
SELECT component, round(us::numeric, 2) AS "us/point"
FROM (SELECT 1 AS o, 'scanning the points table (count(*) only)' AS component,
             (SELECT :us_per_pt FROM bench.summary WHERE what = 'scan: count(*) FROM pts') AS us
      UNION ALL
      SELECT 2, 'a built-in SRF call per point returning nothing (generate_series), incl. scan',
             (SELECT :us_per_pt FROM bench.summary WHERE what LIKE 'empty SRF%')
      UNION ALL
      SELECT 3, 'sectors_at per-call floor (set tiny: nothing found), incl. scan',
             (SELECT :us_per_pt FROM bench.summary WHERE what = 'sectors_at, set tiny (nothing found)')
      UNION ALL
      SELECT 5, 'au: above the floor (grid lookup, point-in-polygon, result rows)',
             (SELECT :us_per_pt FROM bench.summary WHERE what = 'sectors_at au')
             - (SELECT :us_per_pt FROM bench.summary WHERE what = 'sectors_at, set tiny (nothing found)')
      UNION ALL
      SELECT 6, 'vatspy: above the floor (grid lookup, point-in-polygon, result rows)',
             (SELECT :us_per_pt FROM bench.summary WHERE what = 'sectors_at vatspy')
             - (SELECT :us_per_pt FROM bench.summary WHERE what = 'sectors_at, set tiny (nothing found)')
      UNION ALL
      SELECT 7, 'PostGIS au, for comparison',
             (SELECT :us_per_pt FROM bench.summary WHERE what = 'PostGIS au')
      UNION ALL
      SELECT 8, 'PostGIS vatspy, for comparison',
             (SELECT :us_per_pt FROM bench.summary WHERE what = 'PostGIS vatspy')) c
ORDER BY o;
SELECT what AS "plan of", plan FROM bench.plans;
SELECT format('sets: au %s features / %s sectors, vatspy %s features / %s sectors (%s rings closed); PostGIS %s',
              (SELECT features FROM vatsim.sector_sets WHERE sector_set = 'au'),
              (SELECT sectors FROM vatsim.sector_sets WHERE sector_set = 'au'),
              (SELECT features FROM vatsim.sector_sets WHERE sector_set = 'vatspy'),
              (SELECT sectors FROM vatsim.sector_sets WHERE sector_set = 'vatspy'),
              (SELECT repairs FROM vatsim.sector_sets WHERE sector_set = 'vatspy'),
              postgis_lib_version()) AS setup;
