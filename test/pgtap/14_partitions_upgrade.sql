-- The 0.5.0 -> 0.6.0 upgrade of a database full of positions: the plain
-- table becomes one partitioned by UTC day, with a partition for each day
-- that has rows and every row kept (count and a checksum of every column
-- computed before and after), comments, the reader's grant and the dump
-- marking kept, the old table gone, and the partitions handed to the
-- database (not members of the extension, so pg_dump writes them).
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest VERSION '0.5.0';
SET client_min_messages = error;
SELECT plan(12);

-- 3 days (one across midnight in Los Angeles: the days are UTC), some NULLs
SET TimeZone = 'America/Los_Angeles';
INSERT INTO vatsim.positions
SELECT f, timestamptz '2024-03-09 22:00:00+00' + s * interval '15 s', -30 + f * 0.01, 150 + s * 0.0001,
       CASE WHEN s % 7 = 0 THEN NULL ELSE 35000 END, 450, s % 360, '2000', 29.92, 1013
FROM generate_series(1, 20) f, generate_series(0, 11519) s;   -- 48 h: the 9th, 10th, 11th (UTC)
SELECT count(*) AS n0, md5(string_agg(p::text, '|' ORDER BY flight_id, ts)) AS md5_0 FROM vatsim.positions p \gset

ALTER EXTENSION vatsim_ingest UPDATE TO '0.6.0';

SELECT is((SELECT relkind::text FROM pg_class WHERE oid = 'vatsim.positions'::regclass), 'p', 'positions is partitioned after the upgrade');
SELECT is((SELECT count(*) FROM vatsim.positions), :n0::bigint, 'every row kept (230,400)');
SELECT is((SELECT md5(string_agg(p::text, '|' ORDER BY flight_id, ts)) FROM vatsim.positions p), :'md5_0',
          'every column of every row unchanged (checksum)');
SELECT is((SELECT string_agg(to_char(day, 'YYYYMMDD') || '=' || n, ' ' ORDER BY day)
           FROM (SELECT h.day, (SELECT count(*) FROM vatsim.positions p WHERE p.tableoid = h.partition) AS n
                 FROM vatsim.history_partitions h) x),
          '20240309=' || 20 * 480 || ' 20240310=' || 20 * 5760 || ' 20240311=' || 20 * (11520 - 480 - 5760),
          'a partition per UTC day, each with the rows of its day');
SELECT is((SELECT count(*) FROM vatsim.positions p
           WHERE p.tableoid::regclass::text <> 'vatsim_partitions.positions_p' || to_char(p.ts AT TIME ZONE 'UTC', 'YYYYMMDD')),
          0::bigint, 'no row in another day''s partition');
SELECT is(to_regclass('vatsim.positions_unpartitioned'), NULL, 'the old table is gone');
SELECT is((SELECT count(*) FROM pg_depend d JOIN vatsim.history_partitions h ON d.objid = h.partition
           WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'), 0::bigint,
          'the partitions are not members of the extension (pg_dump writes them and their rows)');
SELECT ok((SELECT 'vatsim.positions'::regclass::oid = ANY (extconfig) FROM pg_extension WHERE extname = 'vatsim_ingest'),
          'positions is still marked for pg_dump');
SELECT is((SELECT count(*) FROM pg_extension e, unnest(e.extconfig) c(oid)
           WHERE e.extname = 'vatsim_ingest' AND NOT EXISTS (SELECT FROM pg_class k WHERE k.oid = c.oid)), 0::bigint,
          'and no marking points at a dropped table');
SELECT ok(has_table_privilege('vatsim_reader', 'vatsim.positions', 'SELECT'), 'vatsim_reader may read positions');
SELECT is(col_description('vatsim.positions'::regclass, 3), 'Degrees north, -90..90', 'column comments kept');
SELECT is((SELECT string_agg(to_char(ts AT TIME ZONE 'UTC', 'DD HH24:MI:SS'), ',' ORDER BY ts)
           FROM vatsim.flight_track(7, '2024-03-10 23:59:15+00', 3)),
          '10 23:59:30,10 23:59:45,11 00:00:00', 'the readers work across the new partitions');

SELECT * FROM finish();
ROLLBACK;
