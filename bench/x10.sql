-- x10.sql: bench.x10(doc), the x10 document of `make bench` (\ir by
-- bench/prepare.sql and bench/sectors_occupancy_prepare.sql, schema bench
-- already there): every pilot of doc plus 9 clones, clone k with callsign
-- + '_' + k and latitude and longitude + 0.01 deg * k (latitude clamped to
-- +-90, longitude wrapped past 180), every other field unchanged.  The
-- originals come first, then clone set 1, 2, ... 9.
CREATE FUNCTION bench.x10(doc jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_set(doc, '{pilots}', jsonb_agg(
               CASE WHEN k = 0 THEN e
               ELSE e || jsonb_build_object(
                   'callsign', (e->>'callsign') || '_' || k,
                   'latitude', least(90, greatest(-90, (e->>'latitude')::numeric + 0.01 * k)),
                   'longitude', CASE WHEN (e->>'longitude')::numeric + 0.01 * k > 180
                                     THEN (e->>'longitude')::numeric + 0.01 * k - 360
                                     ELSE (e->>'longitude')::numeric + 0.01 * k END)
               END ORDER BY k, o))
    FROM jsonb_array_elements(doc->'pilots') WITH ORDINALITY AS a(e, o),
         generate_series(0, 9) AS k
$$;
