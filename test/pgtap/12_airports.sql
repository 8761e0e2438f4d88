-- Airports from VATSpy.dat: the shipped file loads with exact counts and
-- known rows, a reload replaces every row, a bad text is refused with its
-- line number and nothing changed, and only a superuser may load.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(39);

CREATE TEMP TABLE dat AS SELECT pg_read_file(:'fixtures' || '/vatspy/VATSpy.dat') AS doc;

-- the shipped file
SELECT results_eq($$SELECT l.* FROM dat, LATERAL vatsim.load_airports(doc) l$$,
                  $$VALUES (17896, 17800, 140)$$,
                  'VATSpy.dat loads: 17896 airport lines, 17800 ICAO codes, 140 pseudo');
SELECT is((SELECT count(*)::int FROM vatsim.airports), 17896, 'one row per airport line');
SELECT is((SELECT count(*)::int FROM vatsim.airports WHERE entry = 1), 17800, 'entry 1: one row per ICAO code');
SELECT results_eq($$SELECT icao, entry, name, latitude, longitude, iata_lid, fir, is_pseudo, remark, line
                    FROM vatsim.airports WHERE icao = 'YSSY' AND entry = 1$$,
                  $$VALUES ('YSSY', 1, 'Sydney/Kingsford Smith', -33.946111::float8, 151.177222::float8,
                            'SY', 'YGUN', false, NULL::text, 17221)$$,
                  'YSSY: Sydney/Kingsford Smith, -33.946111 151.177222, SY, FIR YGUN, line 17221');
SELECT results_eq($$SELECT entry, iata_lid, is_pseudo FROM vatsim.airports WHERE icao = 'YSSY' ORDER BY entry$$,
                  $$VALUES (1, 'SY', false), (2, 'SY-D', true), (3, 'SY-DE', true), (4, 'SY-E', true),
                           (5, 'SY-N', true), (6, 'SY-W', true), (7, 'SY-C', true), (8, 'SY-R', true)$$,
                  'YSSY: 8 entries in file order, the pseudo ones by callsign prefix');
SELECT results_eq($$SELECT name, latitude, longitude, fir, (SELECT count(*)::int FROM vatsim.airports WHERE icao = 'YMML')
                    FROM vatsim.airports WHERE icao = 'YMML' AND entry = 1$$,
                  $$VALUES ('Melbourne', -37.673333::float8, 144.843333::float8, 'YBLA', 3)$$,
                  'YMML: Melbourne, -37.673333 144.843333, FIR YBLA, 3 entries');
SELECT results_eq($$SELECT entry, name, latitude, longitude, iata_lid, fir, is_pseudo, line FROM vatsim.airports WHERE icao = 'EGLL'$$,
                  $$VALUES (1, 'London Heathrow', 51.4775::float8, -0.461389::float8, 'LHR', 'EGTT', false, 2415)$$,
                  'EGLL: London Heathrow, 51.4775 -0.461389, LHR, FIR EGTT, one entry');
SELECT results_eq($$SELECT entry, latitude, is_pseudo FROM vatsim.airports WHERE icao = 'AYKG' ORDER BY entry$$,
                  $$VALUES (1, -5.3862::float8, false), (2, -5.383333::float8, false)$$,
                  'AYKG: both non-pseudo lines are kept, "-05.38620" is -5.3862');
SELECT results_eq($$SELECT entry, fir, is_pseudo, remark FROM vatsim.airports WHERE icao = 'XHPL' ORDER BY entry$$,
                  $$VALUES (1, 'UHMM', false, NULL::text), (2, 'UHPP', false, 'io')$$,
                  'XHPL: the remark after '';'' of "0 ; io" is kept');
SELECT is((SELECT count(*)::int FROM vatsim.airports WHERE iata_lid IS NULL), 14106, 'empty IATA/LID fields are NULL');
SELECT is((SELECT count(*)::int FROM vatsim.airports WHERE name LIKE '% ' OR name LIKE ' %'), 0, 'names are trimmed');
SELECT is((SELECT min(line) || '..' || max(line) FROM vatsim.airports), '332..18227', 'lines 332..18227 of the file');

-- nearest_airport: great-circle, pseudo lines left out, across the antimeridian and a pole
SELECT results_eq($$SELECT icao, entry, name, distance_nm FROM vatsim.nearest_airport(-33.946111, 151.177222, 5)$$,
                  $$VALUES ('YSSY', 1, 'Sydney/Kingsford Smith', 0::float8)$$,
                  'nearest_airport on YSSY: YSSY entry 1 (not a pseudo line), 0 nm');
SELECT results_eq($$SELECT icao, round(distance_nm::numeric, 3) FROM vatsim.nearest_airport(-33.94, 151.20, 5)$$,
                  $$VALUES ('YSSY', 1.192)$$, 'between YSSY (1.192 nm) and Randwick (1.975 nm): YSSY');
SELECT results_eq($$SELECT icao, round(distance_nm::numeric, 3) FROM vatsim.nearest_airport(-16.503411, 179.99, 20)$$,
                  $$VALUES ('NFFR', 3.097)$$, 'across the antimeridian: Rabi at -179.956197 is 3.097 nm from 179.99');
SELECT results_eq($$SELECT icao, round(distance_nm::numeric, 3) FROM vatsim.nearest_airport(-89.99, 0, 5)$$,
                  $$VALUES ('NZSP', 1.601)$$, 'over the South Pole: NZSP at longitude 180 is 1.601 nm from longitude 0');
SELECT is_empty($$SELECT * FROM vatsim.nearest_airport(-33.94, 151.20, 1.19)$$, 'nothing within a radius of 1.19 nm');
SELECT is_empty($$SELECT * FROM vatsim.nearest_airport(0, -140, 50)$$, 'nothing in the middle of the Pacific');
SELECT is_empty($$SELECT * FROM vatsim.nearest_airport(-33.946111, 151.177222, -1)$$, 'a negative radius: nothing');

-- a reload replaces every row
SELECT results_eq($$SELECT * FROM vatsim.load_airports(E'[Airports]\nYSSY|Sydney|-33.95|151.18|SY|YGUN|0\nYSSY|Sydney|-33.95|151.18|SY-D|YGUN|1\nEGLL|Heathrow|51.48|-0.46|LHR|EGTT|0\n')$$,
                  $$VALUES (3, 2, 1)$$, 'a reload returns its own counts');
SELECT results_eq($$SELECT icao, entry, name, line FROM vatsim.airports ORDER BY icao, entry$$,
                  $$VALUES ('EGLL', 1, 'Heathrow', 4), ('YSSY', 1, 'Sydney', 2), ('YSSY', 2, 'Sydney', 3)$$,
                  'a reload replaces every row (none of the previous load is left)');

-- a bad text is refused whole, naming its line; nothing changes
\i test/sql/fingerprint.sql
CREATE TEMP TABLE before AS SELECT pg_temp.fingerprint() AS fp;
\i test/sql/refused.sql
SELECT pg_temp.refused($$SELECT vatsim.load_airports(E'[Airports]\nKJFK|Kennedy|40.64|-73.78|JFK|KZNY|0\nYSSY|Sydney|-33.95|151.18|SY|YGUN\n')$$,
                       '22023', 'Line 3: 6 fields, expected 7%', 'a line with too few fields');
SELECT pg_temp.refused($$SELECT vatsim.load_airports(E'[Airports]\nKJFK|Kennedy|40.64|-73.78|JFK|KZNY|0\nXXXX|Nowhere|north|0|||0\n')$$,
                       '22023', 'Line 3: latitude "north" is not a decimal number.', 'a latitude that is not a number');
SELECT pg_temp.refused($$SELECT vatsim.load_airports(E'[Airports]\nKJFK|Kennedy|40.64|-73.78|JFK|KZNY|0\n\nXXXX|Nowhere|0|180.5|||0\n')$$,
                       '22023', 'Line 4: longitude 180.5 is outside -180..180.', 'a longitude out of range');
SELECT pg_temp.refused($$SELECT vatsim.load_airports(E'[FIRs]\nYMMM|Melbourne|ML|YMMM\n')$$,
                       '22023', 'No [Airports] section.', 'a text without an [Airports] section');
SELECT pg_temp.refused($$SELECT vatsim.load_airports(NULL)$$, '22004', NULL, 'NULL');
SELECT is((SELECT count(*)::int FROM vatsim.airports), 3, 'after the refusals the last good load is intact');

-- privileges
CREATE ROLE vi_test_airport_reader IN ROLE vatsim_reader;
SET ROLE vi_test_airport_reader;
SELECT is((SELECT count(*)::int FROM vatsim.airports), 3, 'a vatsim_reader member can read vatsim.airports');
SELECT throws_ok($$SELECT vatsim.load_airports(E'[Airports]\nYSSY|Sydney|-33.95|151.18|SY|YGUN|0\n')$$,
                 '42501', NULL, 'a vatsim_reader member cannot call load_airports');
SELECT results_eq($$SELECT icao FROM vatsim.nearest_airport(51.48, -0.46, 5)$$, $$VALUES ('EGLL')$$,
                  'a vatsim_reader member can call nearest_airport');
RESET ROLE;

-- the catalog: dumped with the data, commented, search_path pinned
SELECT ok((SELECT 'vatsim.airports'::regclass = ANY (extconfig) FROM pg_extension WHERE extname = 'vatsim_ingest'),
          'vatsim.airports is marked for pg_dump');
SELECT is((SELECT count(*)::int FROM pg_attribute
           WHERE attrelid = 'vatsim.airports'::regclass AND attnum > 0 AND NOT attisdropped
             AND col_description(attrelid, attnum) IS NULL), 0, 'every column of vatsim.airports is commented');
SELECT ok(obj_description('vatsim.airports'::regclass, 'pg_class') IS NOT NULL, 'vatsim.airports is commented');
SELECT is((SELECT proconfig FROM pg_proc WHERE oid = 'vatsim.load_airports(text)'::regprocedure),
          ARRAY['search_path=pg_catalog, pg_temp'], 'load_airports pins its search_path');
SELECT finish();
ROLLBACK;
