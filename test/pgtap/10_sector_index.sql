-- The sector index in 0.4.0: replacing a large set, the load-time cap on
-- the index, the memory the cache keeps, and the index following a reload
-- that a REPEATABLE READ transaction in another session did not see.
\getenv fixtures VATSIM_FIXTURES
\getenv password PGPASSWORD
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(13);

-- n squares of size degrees named prefix1..prefixn, spread over the globe
CREATE FUNCTION pg_temp.squares(n int, prefix text, size float8) RETURNS text LANGUAGE sql AS $$
    SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
        'type', 'Feature', 'properties', json_build_object('name', prefix || i),
        'geometry', json_build_object('type', 'Polygon', 'coordinates', json_build_array(json_build_array(
            json_build_array(x, y), json_build_array(x + size, y), json_build_array(x + size, y + size),
            json_build_array(x, y + size), json_build_array(x, y)))))
        ORDER BY i))::text
    FROM generate_series(1, n) i,
         LATERAL (SELECT -170.5 + (i % 4) * 70 + (i % 7) * 0.001 AS x, -80.5 + (i % 2) * 70 AS y) p
$$;

-- Replacing a large set (the cascade from sectors to their features has an index)
SELECT results_eq($$SELECT * FROM vatsim.load_sectors('bulk', pg_temp.squares(3000, 'A', 0.5))$$,
                  $$VALUES ('bulk'::text, 3000, 3000, 0)$$, 'a set of 3000 features loads');
SELECT results_eq($$SELECT * FROM vatsim.load_sectors('bulk', pg_temp.squares(2500, 'B', 0.5))$$,
                  $$VALUES ('bulk'::text, 2500, 2500, 0)$$, 'and is replaced by 2500 others');
SELECT is((SELECT count(*)::int FROM vatsim.sector_features WHERE sector_set = 'bulk' AND sector LIKE 'A%'), 0,
          'none of the replaced features is left');
SELECT is((SELECT count(*)::int FROM vatsim.sectors WHERE sector_set = 'bulk' AND features = 1), 2500,
          'each new sector counts its feature');
DELETE FROM vatsim.sector_sets WHERE sector_set = 'bulk';
SELECT is((SELECT count(*)::int FROM vatsim.sector_features), 0, 'deleting the set deletes its features');

-- The cap: 2100 squares of 63 degrees (4096 grid cells each, 34 MB of index)
-- load; a second such set would take the index past 64 MB and is refused at
-- load, naming the numbers; replacing the first one counts it once.
SELECT lives_ok($$SELECT vatsim.load_sectors('cap_a', pg_temp.squares(2100, 'A', 63))$$,
                'a set needing 34 MB of index loads');
SELECT throws_ok($$SELECT vatsim.load_sectors('cap_b', pg_temp.squares(2100, 'B', 63))$$,
                 '54000', 'cannot load sector set "cap_b": the sector index would be too large',
                 'a second one, past the 64 MB cap, is refused at load');
CREATE FUNCTION pg_temp.cap_detail() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    d text;
BEGIN
    PERFORM vatsim.load_sectors('cap_b', pg_temp.squares(2100, 'B', 63));
    RETURN 'no error';
EXCEPTION WHEN program_limit_exceeded THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d;
END $$;
SELECT matches(pg_temp.cap_detail(), '^With this set the sector sets would have 21000 vertices and need 688800\d\d bytes of index; the limits are 1000000 vertices and 67108864 bytes\.$',
               'the refusal says how large and what the limits are');
SELECT lives_ok($$SELECT vatsim.load_sectors('cap_a', pg_temp.squares(2100, 'C', 63))$$,
                'replacing the first set counts it once');
SELECT is((SELECT string_agg(sector_set, ',') FROM vatsim.sector_sets), 'cap_a', 'cap_b was not loaded');
DELETE FROM vatsim.sector_sets;

-- The cache keeps the compact sectors and the index, not the parser's
-- garbage: with VATSpy (2 MB of GeoJSON) 0.3.0's cache held 31 MB, 0.4.0's 5.5 MB.
CREATE TEMP TABLE vs AS SELECT pg_read_file(:'fixtures' || '/vatspy/Boundaries.geojson') AS doc;
SELECT lives_ok($$SELECT vatsim.load_sectors('vatspy', doc, 'id') FROM vs$$, 'VATSpy loads');
SELECT count(*) AS built FROM vatsim.sectors_at(0, 0) \gset
SELECT diag('sector index context with VATSpy: ' || pg_size_pretty(total_bytes) || ' (' || total_bytes || ' bytes)')
FROM pg_backend_memory_contexts WHERE name = 'vatsim_ingest sector index';
SELECT cmp_ok((SELECT total_bytes FROM pg_backend_memory_contexts WHERE name = 'vatsim_ingest sector index'),
              '<', (SELECT 4 * octet_length(doc)::bigint FROM vs),
              'the sector cache holds less than 4 times the GeoJSON''s size');

-- Two sessions through dblink, in a database of their own (committed
-- changes): A in REPEATABLE READ across B's reload.
SELECT format('host=localhost port=%s user=%s password=%s', current_setting('port'), current_user, :'password') AS conn \gset
SELECT dblink_connect('admin', :'conn' || ' dbname=' || current_database());
SELECT dblink_exec('admin', 'DROP DATABASE IF EXISTS vatsim_rr');
SELECT dblink_exec('admin', 'CREATE DATABASE vatsim_rr');
SELECT dblink_connect('a', :'conn' || ' dbname=vatsim_rr');
SELECT dblink_connect('b', :'conn' || ' dbname=vatsim_rr');
SELECT dblink_exec('b', 'CREATE EXTENSION vatsim_ingest');
CREATE FUNCTION pg_temp.load_b(sector text) RETURNS int LANGUAGE sql AS $$
    SELECT n FROM dblink('b', format('SELECT features FROM vatsim.load_sectors(%L, %L)', 'rr',
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"' || sector ||
        '"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}')) AS t(n int);
$$;
CREATE FUNCTION pg_temp.at_a() RETURNS text LANGUAGE sql AS $$
    SELECT s FROM dblink('a', 'SELECT coalesce(string_agg(sector, '',''), '''') FROM vatsim.sectors_at(0.5, 0.5)') AS t(s text)
$$;
SELECT pg_temp.load_b('OLD');
SELECT pg_temp.at_a() AS a_before \gset
SELECT dblink_exec('a', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT * FROM dblink('a', 'SELECT count(*) FROM vatsim.sector_sets') AS t(n bigint);
SELECT pg_temp.load_b('NEW');
-- A locks a table it has not touched yet in this transaction: that reads
-- B's invalidation, so the next lookup rebuilds (0.3.0: from A's snapshot)
SELECT * FROM dblink('a', 'SELECT count(*) FROM vatsim.sector_features') AS t(n bigint);
SELECT pg_temp.at_a() AS a_during \gset
SELECT dblink_exec('a', 'COMMIT');
SELECT is(:'a_before' || ' ' || :'a_during' || ' ' || pg_temp.at_a(), 'OLD NEW NEW',
          'a REPEATABLE READ transaction that began before a reload looks up the new sectors (a fresh snapshot), and so does the next one (0.3.0: OLD OLD OLD)');
SELECT dblink_disconnect('a');
SELECT dblink_disconnect('b');
SELECT dblink_exec('admin', 'DROP DATABASE vatsim_rr');
SELECT dblink_disconnect('admin');

SELECT * FROM finish();
ROLLBACK;
