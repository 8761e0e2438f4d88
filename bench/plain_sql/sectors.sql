-- sectors.sql: plain.load_sectors(geojson, name_key), the plain side's
-- sector loader: every Polygon/MultiPolygon feature of a GeoJSON
-- FeatureCollection becomes one plain.sectors row (PostGIS MultiPolygon,
-- SRID 4326), named by the property name_key.  PostGIS refuses an unclosed
-- ring (VATSpy has two), so each ring is built as a line from its points and
-- closed with its first point when it is not closed already.
CREATE FUNCTION plain.load_sectors(geojson text, name_key text DEFAULT 'name')
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM plain.sectors;
    WITH feature AS (
        SELECT fo::integer AS feature_id, f->'properties'->>name_key AS sector,
               CASE f->'geometry'->>'type' WHEN 'Polygon' THEN jsonb_build_array(f->'geometry'->'coordinates')
                                           ELSE f->'geometry'->'coordinates' END AS polygons
        FROM jsonb_array_elements(geojson::jsonb->'features') WITH ORDINALITY AS a(f, fo)
    ), line AS (
        SELECT x.feature_id, x.sector, po, ro,
               (SELECT ST_MakeLine(array_agg(ST_MakePoint((c->>0)::float8, (c->>1)::float8) ORDER BY co))
                FROM jsonb_array_elements(ring) WITH ORDINALITY AS cc(c, co)) AS l
        FROM feature x,
             jsonb_array_elements(x.polygons) WITH ORDINALITY AS p(polygon, po),
             jsonb_array_elements(p.polygon) WITH ORDINALITY AS r(ring, ro)
    ), ring AS (
        SELECT feature_id, sector, po, ro,
               CASE WHEN ST_IsClosed(l) THEN l ELSE ST_AddPoint(l, ST_StartPoint(l)) END AS l
        FROM line
    ), polygon AS (
        SELECT feature_id, sector, po,
               ST_MakePolygon((array_agg(l) FILTER (WHERE ro = 1))[1],
                              coalesce(array_agg(l ORDER BY ro) FILTER (WHERE ro > 1), '{}')) AS g
        FROM ring GROUP BY feature_id, sector, po
    )
    INSERT INTO plain.sectors (feature_id, sector, geom)
    SELECT feature_id, sector, ST_SetSRID(ST_Multi(ST_Collect(g ORDER BY po)), 4326)
    FROM polygon GROUP BY feature_id, sector;
    GET DIAGNOSTICS n = ROW_COUNT;
    ANALYZE plain.sectors;
    RETURN n;
END
$$;
