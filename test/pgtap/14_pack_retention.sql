-- Retention of the packed history: vatsim.drop_old_packs deletes the packs
-- of whole UTC days before the cutoff's day (never today's), at most
-- max_rows a call, and nothing else; bad arguments and plain roles are
-- refused.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SET TimeZone = 'UTC';
SELECT plan(8);

-- packs of four UTC days (the bytes are not read here), 3 flights x 2 hours a day
INSERT INTO vatsim.position_packs (flight_id, period_start, first_ts, last_ts, n, data)
SELECT f, d + h * interval '1 hour', d + h * interval '1 hour', d + h * interval '1 hour' + interval '10 min', 1, '\x00'
FROM generate_series(1, 3) f,
     unnest(ARRAY[timestamptz '2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04']) d,
     generate_series(0, 23, 23) h;
SELECT is((SELECT count(*)::int FROM vatsim.position_packs), 24, '24 packs over four days');

SELECT is(vatsim.drop_old_packs('2024-01-03 12:00Z', 4), 4, 'a call deletes at most max_rows');
SELECT is((SELECT count(*)::int FROM vatsim.position_packs WHERE period_start < '2024-01-02'), 2,
          'the first batch came from the days before the cutoff''s day');
SELECT is(vatsim.drop_old_packs('2024-01-03 12:00Z'), 8, 'the next deletes the rest of those days');
SELECT is((SELECT string_agg(DISTINCT period_start::date::text, ',') FROM vatsim.position_packs), '2024-01-03,2024-01-04',
          'the cutoff''s own day and later are kept (the day is whole before it is dropped)');
SELECT is(vatsim.drop_old_packs('2024-01-03 12:00Z'), 0, 'nothing more to drop');

SELECT throws_ok($$SELECT vatsim.drop_old_packs(NULL)$$, '22023', NULL, 'a NULL cutoff is refused');

CREATE ROLE vi_packs_14;
SET ROLE vi_packs_14;
SELECT throws_ok($$SELECT vatsim.drop_old_packs(now())$$, '42501', NULL, 'a plain role may not drop packs');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
