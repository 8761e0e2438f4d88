-- Daily partitions (issue 12, bounded history): vatsim.positions is
-- partitioned by UTC day; a snapshot of a day without a partition creates
-- it (backfill of old days, and again after retention dropped the day the
-- backend remembered); ensure_partitions creates days ahead; every row is
-- in the partition of its day (checked against the day computed in SQL);
-- readers with a time bound touch only their days (EXPLAIN of the
-- statements, and the per-partition scan counters of a call of
-- flight_track); retention drops exactly one partition per call, the
-- oldest, never one with a row at or after the cutoff nor today's; a
-- registered table must be range-partitioned on a timestamptz column; a
-- plain role cannot call the manager, and a loader role's snapshot of a new
-- day still gets its partition.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(41);

\i test/sql/synthetic.sql

-- a query's plan (JSON, no costs)
CREATE FUNCTION pg_temp.plan(q text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r jsonb;
BEGIN
    EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || q INTO r;
    RETURN r -> 0 -> 'Plan';
END $$;
-- the partitions a plan names, sorted, as text
CREATE FUNCTION pg_temp.named(q text) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(DISTINCT m[1], ' ' ORDER BY m[1]), '')
    FROM regexp_matches(pg_temp.plan(q)::text, 'positions_p(\d{8})', 'g') AS m
$$;
CREATE FUNCTION pg_temp.parts() RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(to_char(day, 'MMDD'), ' ' ORDER BY day), '')
    FROM vatsim.history_partitions WHERE relation = 'vatsim.positions'::regclass
$$;

SELECT is((SELECT relkind::text FROM pg_class WHERE oid = 'vatsim.positions'::regclass), 'p',
          'vatsim.positions is a partitioned table');
SELECT is((SELECT pg_get_partkeydef('vatsim.positions'::regclass)), 'RANGE (ts)', 'partitioned by range on ts');
SELECT is((SELECT string_agg(relation::text || ':' || partition_column, ',') FROM vatsim.partitioned_tables),
          'vatsim.positions:ts', 'the registry holds positions on ts');
SELECT is(pg_temp.parts(), '', 'a fresh install has no partition');

-- three days of backfill, two snapshots a day, 2 flights (t(0) is 2024-01-01 01:00 UTC)
SELECT pg_temp.snap(0, pg_temp.p('AAA1', 10, 10, 300), pg_temp.p('BBB2', 20, 20, 300));
SELECT is(pg_temp.parts(), '0101', 'the first snapshot of a day creates its partition');
SELECT pg_temp.snap(3600, pg_temp.p('AAA1', 10.1, 10, 300), pg_temp.p('BBB2', 20.1, 20, 300));
SELECT pg_temp.snap(86400 - 3660, pg_temp.p('AAA1', 10.2, 10, 300), pg_temp.p('BBB2', 20.2, 20, 300));
SELECT pg_temp.snap(86400 + 60, pg_temp.p('AAA1', 10.3, 10, 300), pg_temp.p('BBB2', 20.3, 20, 300));
SELECT pg_temp.snap(2 * 86400, pg_temp.p('AAA1', 10.4, 10, 300), pg_temp.p('BBB2', 20.4, 20, 300));
SELECT pg_temp.snap(2 * 86400 + 600, pg_temp.p('AAA1', 10.5, 10, 300), pg_temp.p('BBB2', 20.5, 20, 300));
SELECT is(pg_temp.parts(), '0101 0102 0103', 'one partition a day of backfill, created by the ingest');
-- 23:59 on the 1st is still the 1st; 01:01 on the 2nd the 2nd (UTC, whatever the session zone)
SELECT is((SELECT count(*) FROM vatsim.positions), 12::bigint, 'every position stored');
SET TimeZone = 'America/Los_Angeles';
SELECT is((SELECT count(*) FROM vatsim.positions p
           WHERE p.tableoid::regclass::text IS DISTINCT FROM
                 'vatsim_partitions.positions_p' || to_char(p.ts AT TIME ZONE 'UTC', 'YYYYMMDD')),
          0::bigint, 'every position is in the partition of its UTC day (independent model)');
SELECT is((SELECT string_agg(format('%s=%s', right(tableoid::regclass::text, 4), n), ' ' ORDER BY tableoid::regclass::text)
           FROM (SELECT tableoid, count(*) AS n FROM vatsim.positions GROUP BY 1) x),
          '0101=6 0102=2 0103=4', 'rows per partition: 3 snapshots, 1, 2 of 2 flights');
RESET TimeZone;
SELECT is((SELECT count(*) FROM vatsim.partition_log WHERE action = 'created'), 3::bigint,
          'each creation logged');

-- ahead: from the day of at to the day of at + ahead, the missing ones only
SELECT is(vatsim.ensure_partitions('2 days', '2024-01-03 12:00+00'), 2, 'ensure_partitions creates the two missing days ahead');
SELECT is(pg_temp.parts(), '0101 0102 0103 0104 0105', 'days 4 and 5 exist');
SELECT is(vatsim.ensure_partitions('2 days', '2024-01-03 12:00+00'), 0, 'a second call creates nothing');
SELECT is(vatsim.ensure_partitions('0', '2024-01-05 23:59:59.999999+00'), 0, 'ahead 0: the day of at only');
SELECT throws_ok($$SELECT vatsim.ensure_partitions('-1 day')$$, '22023',
                 'cannot ensure daily partitions for this range', 'a negative ahead is refused');
SELECT throws_ok($$SELECT vatsim.ensure_partitions('400 days')$$, '22023',
                 'cannot ensure daily partitions more than 366 days ahead', 'more than a year ahead is refused');

-- pruning: the statements with a time bound name only their days
SELECT is(pg_temp.named($$SELECT * FROM vatsim.positions p WHERE p.flight_id = 1 AND p.ts > '2024-01-03 00:00+00' ORDER BY p.ts LIMIT 1000$$),
          '20240103 20240104 20240105', 'flight_track''s statement after the 3rd: the 3rd and later');
SELECT is(pg_temp.named($$SELECT latitude FROM vatsim.positions p WHERE p.flight_id = 1 AND p.ts < '2024-01-02 00:00:00+00' ORDER BY p.ts DESC LIMIT 1$$),
          '20240101', 'the previous-position probe (occupancy, movements) before the 2nd: the 1st only');
PREPARE prev(bigint, timestamptz) AS
    SELECT latitude FROM vatsim.positions p WHERE p.flight_id = $1 AND p.ts < $2 ORDER BY p.ts DESC LIMIT 1;
SET plan_cache_mode = force_generic_plan;
SELECT is(pg_temp.plan($$EXECUTE prev(1, '2024-01-02 00:00+00')$$) #>> '{Plans,0,Subplans Removed}', '4',
               'the same probe as a generic plan (the ingest''s prepared statements): 4 of 5 partitions removed at startup');
RESET plan_cache_mode;
SELECT is((SELECT p ->> 'Node Type' || ' > ' || (p #>> '{Plans,0,Node Type}') || ' > ' ||
                  (SELECT string_agg(x ->> 'Relation Name', ', ' ORDER BY o) FROM jsonb_array_elements(p #> '{Plans,0,Plans}') WITH ORDINALITY AS a(x, o))
           FROM pg_temp.plan($$SELECT latitude FROM vatsim.positions p WHERE p.flight_id = 1 AND p.ts < '2024-01-03 00:00:00+00' ORDER BY p.ts DESC LIMIT 1$$) p),
          'Limit > Append > positions_p20240102, positions_p20240101',
          'newest day first (an ordered Append, no Merge Append): the probe stops at the first day with a row');
-- flight_track itself: only the partitions of its days are scanned
CREATE TEMP TABLE scans0 AS SELECT relname, idx_scan + seq_scan AS n FROM pg_stat_xact_user_tables WHERE schemaname = 'vatsim_partitions';
SELECT count(*) FROM vatsim.flight_track((SELECT min(flight_id) FROM vatsim.flights), '2024-01-03 00:00+00');
SELECT is((SELECT string_agg(right(s.relname, 4), ' ' ORDER BY s.relname)
           FROM pg_stat_xact_user_tables s JOIN scans0 z USING (relname)
           WHERE s.idx_scan + s.seq_scan > z.n),
          '0103 0104 0105', 'vatsim.flight_track(after the 3rd) scans the 3rd, 4th and 5th only');
SELECT is((SELECT string_agg(to_char(ts AT TIME ZONE 'UTC', 'DD HH24:MI'), ',' ORDER BY ts)
           FROM vatsim.flight_track((SELECT min(flight_id) FROM vatsim.flights), '2024-01-01 23:00+00')),
          '01 23:59,02 01:01,03 01:00,03 01:10', 'and a track across days reads them all in order');

-- retention: one partition a call, the oldest whose whole day lies before the cutoff
CREATE TEMP TABLE before AS SELECT * FROM vatsim.positions;
ANALYZE vatsim.positions;   -- the estimate the log shows
SELECT is(vatsim.drop_partitions('2024-01-01 23:59:59.999999+00'), NULL, 'a cutoff inside the 1st drops nothing');
SELECT is(vatsim.drop_partitions('2024-01-03 00:00+00'), 'vatsim_partitions.positions_p20240101', 'the oldest goes first');
SELECT is(pg_temp.parts(), '0102 0103 0104 0105', 'only it');
SELECT is((SELECT count(*) FROM vatsim.positions), (SELECT count(*) FROM before WHERE ts >= '2024-01-02 00:00+00'),
          'every row of the later days is kept');
SELECT is(vatsim.drop_partitions('2024-01-03 00:00+00'), 'vatsim_partitions.positions_p20240102', 'the next call drops the next');
SELECT is(vatsim.drop_partitions('2024-01-03 00:00+00'), NULL, 'and then none: the 3rd has rows at the cutoff');
SELECT is((SELECT count(*) FROM vatsim.positions p JOIN before b USING (flight_id, ts)), (SELECT count(*) FROM before WHERE ts >= '2024-01-03 00:00+00'),
          'the snapshots at and after the cutoff keep all their positions');
SELECT is((SELECT string_agg(right(partition, 4) || ':' || detail, ' ' ORDER BY log_id) FROM vatsim.partition_log WHERE action = 'dropped'),
          '0101:about 6 rows 0102:about 2 rows', 'each drop logged');

-- the ingest remembered the 3rd; dropped, a snapshot of that day creates it again
SELECT vatsim.ensure_partitions('1 day');
SELECT is(vatsim.drop_partitions('2024-01-10 00:00+00'), 'vatsim_partitions.positions_p20240103', 'the 3rd dropped');
SELECT pg_temp.snap(2 * 86400 + 1200, pg_temp.p('AAA1', 10.6, 10, 300));
SELECT is((SELECT count(*) FROM vatsim.positions WHERE ts = pg_temp.t(2 * 86400 + 1200)), 1::bigint,
          'a snapshot of a day whose partition was dropped stores its position (partition created again)');

-- never today's (nor tomorrow's): a cutoff far in the future drops old days one by one, then stops
CREATE TEMP TABLE dropped AS SELECT 1 AS n WHERE false;
DO $$
BEGIN
    WHILE vatsim.drop_partitions(now() + interval '10 days') IS NOT NULL LOOP
        INSERT INTO dropped VALUES (1);
    END LOOP;
END $$;
SELECT is((SELECT count(*) FROM dropped), 3::bigint, 'three calls dropped 3rd, 4th and 5th of January, one each');
SELECT is(pg_temp.parts(), to_char(now() AT TIME ZONE 'UTC', 'MMDD') || ' ' || to_char(now() AT TIME ZONE 'UTC' + interval '1 day', 'MMDD'),
          'today''s and tomorrow''s partitions stay whatever the cutoff');

-- the registry takes only tables range-partitioned on one timestamptz column
CREATE TABLE pg_temp.plain (ts timestamptz);
SELECT throws_ok($$INSERT INTO vatsim.partitioned_tables (relation, partition_column) VALUES ('pg_temp.plain', 'ts')$$,
                 '42P16', NULL, 'a plain table cannot be registered');
CREATE TABLE pg_temp.by_int (n int) PARTITION BY RANGE (n);
SELECT throws_ok($$INSERT INTO vatsim.partitioned_tables (relation, partition_column) VALUES ('pg_temp.by_int', 'n')$$,
                 '42P16', NULL, 'nor one partitioned on an integer');

-- privileges: the manager is the superuser's (the worker's)
CREATE ROLE vi_plain_14;
SELECT is((SELECT count(*) FROM unnest(ARRAY['vatsim.ensure_partitions(interval, timestamptz)',
                                             'vatsim.drop_partitions(timestamptz)',
                                             'vatsim.create_day_partition(regclass, date)']) f
           WHERE has_function_privilege('vi_plain_14', f, 'EXECUTE')
              OR has_function_privilege('vatsim_reader', f, 'EXECUTE')), 0::bigint,
          'neither a plain role nor vatsim_reader may execute the partition manager');
SET ROLE vi_plain_14;
SELECT throws_ok($$SELECT vatsim.drop_partitions(now())$$, '42501', NULL, 'a plain role calling drop_partitions is refused');
RESET ROLE;

-- a loader role (EXECUTE on ingest and rights on the tables, not their
-- owner) backfills a day without a partition: the ingest makes it, as the
-- tables' owner
CREATE ROLE vi_loader_14;
GRANT USAGE ON SCHEMA vatsim TO vi_loader_14;
GRANT EXECUTE ON FUNCTION vatsim.ingest(text, text) TO vi_loader_14;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA vatsim TO vi_loader_14;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA vatsim TO vi_loader_14;
SET ROLE vi_loader_14;
SELECT lives_ok($$SELECT pg_temp.snap(3 * 86400, pg_temp.p('AAA1', 10.7, 10, 300))$$,
                'a loader role ingests the first snapshot of a day without a partition');
RESET ROLE;
SELECT is((SELECT pg_get_userbyid(c.relowner) = current_user FROM vatsim.history_partitions h JOIN pg_class c ON c.oid = h.partition
           WHERE h.day = '2024-01-04'), true, 'its partition was made, owned by the tables'' owner');
SELECT is((SELECT count(*) FROM vatsim.positions WHERE ts = pg_temp.t(3 * 86400)), 1::bigint, 'and holds the position');

SELECT * FROM finish();
ROLLBACK;
