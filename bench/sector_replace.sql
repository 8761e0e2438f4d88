-- sector_replace.sql: the time vatsim.load_sectors takes to REPLACE a set
-- of n small squares (n = 5,000, 10,000, 20,000, and 100,000 with the
-- index), with the index on sector_features (sector_set, sector) and
-- without it (as in 0.3.0), and the time of deleting the set.  Run by
-- bench/sector_sets.sh inside a throw-away cluster.
\set ON_ERROR_STOP 1
SET client_min_messages = error;
CREATE EXTENSION IF NOT EXISTS vatsim_ingest;

CREATE FUNCTION pg_temp.squares(n int, prefix text) RETURNS text LANGUAGE sql AS $$
    SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
        'type', 'Feature', 'properties', json_build_object('name', prefix || i),
        'geometry', json_build_object('type', 'Polygon', 'coordinates', json_build_array(json_build_array(
            json_build_array(x, y), json_build_array(x + 0.1, y), json_build_array(x + 0.1, y + 0.1),
            json_build_array(x, y + 0.1), json_build_array(x, y)))))
        ORDER BY i))::text
    FROM generate_series(1, n) i,
         LATERAL (SELECT -179.5 + (i % 3500) * 0.1 AS x, -80 + (i / 3500) * 0.2 AS y) p
$$;

CREATE TEMP TABLE result (n int, indexed boolean, replace_s numeric, delete_s numeric);
CREATE TEMP TABLE doc (n int, prefix text, doc text);

CREATE PROCEDURE pg_temp.measure(n int, indexed boolean) LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    t1 timestamptz;
    t2 timestamptz;
BEGIN
    IF indexed THEN
        CREATE INDEX IF NOT EXISTS sector_features_sector_idx ON vatsim.sector_features (sector_set, sector);
    ELSE
        DROP INDEX IF EXISTS vatsim.sector_features_sector_idx;
    END IF;
    INSERT INTO doc SELECT n, p, pg_temp.squares(n, p) FROM unnest(ARRAY['A', 'B']) p;
    PERFORM vatsim.load_sectors('bench', (SELECT d.doc FROM doc d WHERE d.n = measure.n AND prefix = 'A'));
    COMMIT;
    ANALYZE vatsim.sector_features;
    t0 := clock_timestamp();
    PERFORM vatsim.load_sectors('bench', (SELECT d.doc FROM doc d WHERE d.n = measure.n AND prefix = 'B'));
    COMMIT;
    t1 := clock_timestamp();
    DELETE FROM vatsim.sector_sets WHERE sector_set = 'bench';
    COMMIT;
    t2 := clock_timestamp();
    DELETE FROM doc;
    INSERT INTO result VALUES (n, indexed, round(extract(epoch FROM t1 - t0)::numeric, 2),
                               round(extract(epoch FROM t2 - t1)::numeric, 2));
    COMMIT;
    RAISE NOTICE 'n % index %: replace % s, delete % s', n, indexed,
        round(extract(epoch FROM t1 - t0)::numeric, 2), round(extract(epoch FROM t2 - t1)::numeric, 2);
END $$;

SET client_min_messages = notice;
CALL pg_temp.measure(5000, true);
CALL pg_temp.measure(10000, true);
CALL pg_temp.measure(20000, true);
CALL pg_temp.measure(100000, true);
CALL pg_temp.measure(5000, false);
CALL pg_temp.measure(10000, false);
CALL pg_temp.measure(20000, false);

SELECT n AS features, indexed, replace_s, delete_s,
       round(1000 * replace_s / n, 3) AS replace_ms_per_feature
FROM result ORDER BY indexed DESC, n;
