-- postgis_closed.sql: pg_temp.closed(geometry jsonb), a GeoJSON Polygon or
-- MultiPolygon as a MultiPolygon with every ring closed, as load_sectors
-- closes them: PostGIS (the tests' independent oracle) cannot read an
-- unclosed ring.
CREATE FUNCTION pg_temp.closed(g jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('type', 'MultiPolygon', 'coordinates',
    (SELECT jsonb_agg((SELECT jsonb_agg(CASE WHEN r->0 = r->-1 THEN r ELSE r || jsonb_build_array(r->0) END ORDER BY ro)
                       FROM jsonb_array_elements(p) WITH ORDINALITY rr(r, ro)) ORDER BY po)
     FROM jsonb_array_elements(CASE g->>'type' WHEN 'Polygon' THEN jsonb_build_array(g->'coordinates')
                                              ELSE g->'coordinates' END) WITH ORDINALITY pp(p, po)))
$$;
