-- check.sql: is the plain side's result the same as vatsim_ingest's after
-- the same snapshots?  Compares, as multisets, the sector occupancy
-- intervals (callsign, sector, entry and exit time, exit reason; vatsim's
-- in every set, the plain side has VATSpy only), the flights (cid, callsign,
-- and the count, first and last time of their positions: the stitching
-- across reconnects) and the number of stored positions and snapshots.
-- Prints one line per item, then ERRORs (psql exits non-zero with
-- ON_ERROR_STOP) listing the first differences when anything differs.
-- Used by bench/side_by_side.sh and test/shell/14_plain_sql_bench.sh.
\pset footer off
CREATE TEMP VIEW check_items AS
WITH ours_iv AS (SELECT callsign::text, sector, entry_time, exit_time, exit_reason FROM vatsim.sector_occupancy),
     plain_iv AS (SELECT callsign, sector, entry_time, exit_time, exit_reason FROM plain.sector_occupancy),
     ours_fl AS (SELECT f.cid, f.callsign::text, count(p.ts) AS positions, min(p.ts) AS first, max(p.ts) AS last
                 FROM vatsim.flights f LEFT JOIN vatsim.positions p USING (flight_id) GROUP BY f.flight_id),
     plain_fl AS (SELECT f.cid, f.callsign, count(p.ts) AS positions, min(p.ts) AS first, max(p.ts) AS last
                  FROM plain.flights f LEFT JOIN plain.positions p USING (flight_id) GROUP BY f.flight_id)
SELECT 'intervals' AS item, (SELECT count(*) FROM ours_iv) AS ours, (SELECT count(*) FROM plain_iv) AS plain,
       (SELECT count(*) FROM (SELECT * FROM ours_iv EXCEPT ALL SELECT * FROM plain_iv) d) AS only_ours,
       (SELECT count(*) FROM (SELECT * FROM plain_iv EXCEPT ALL SELECT * FROM ours_iv) d) AS only_plain,
       (SELECT string_agg(format('%s %s %s..%s %s', callsign, sector, entry_time, exit_time, exit_reason), '; ')
        FROM (SELECT * FROM ours_iv EXCEPT ALL SELECT * FROM plain_iv LIMIT 5) d) AS first_only_ours,
       (SELECT string_agg(format('%s %s %s..%s %s', callsign, sector, entry_time, exit_time, exit_reason), '; ')
        FROM (SELECT * FROM plain_iv EXCEPT ALL SELECT * FROM ours_iv LIMIT 5) d) AS first_only_plain
UNION ALL
SELECT 'intervals still open', (SELECT count(*) FROM ours_iv WHERE exit_time IS NULL),
       (SELECT count(*) FROM plain_iv WHERE exit_time IS NULL), NULL, NULL, NULL, NULL
UNION ALL
SELECT 'intervals closed ' || r, (SELECT count(*) FROM ours_iv WHERE exit_reason = r),
       (SELECT count(*) FROM plain_iv WHERE exit_reason = r), NULL, NULL, NULL, NULL
FROM unnest(ARRAY['left', 'slow', 'gone']) AS r
UNION ALL
SELECT 'flights', (SELECT count(*) FROM ours_fl), (SELECT count(*) FROM plain_fl),
       (SELECT count(*) FROM (SELECT * FROM ours_fl EXCEPT ALL SELECT * FROM plain_fl) d),
       (SELECT count(*) FROM (SELECT * FROM plain_fl EXCEPT ALL SELECT * FROM ours_fl) d), NULL, NULL
UNION ALL
SELECT 'positions', (SELECT count(*) FROM vatsim.positions), (SELECT count(*) FROM plain.positions),
       NULL, NULL, NULL, NULL
UNION ALL
SELECT 'snapshots', (SELECT count(*) FROM vatsim.snapshots), (SELECT count(*) FROM plain.snapshots),
       NULL, NULL, NULL, NULL;

\echo == Check: the plain side against vatsim_ingest after the same snapshots
SELECT item, ours, plain, only_ours, only_plain,
       CASE WHEN ours = plain AND coalesce(only_ours, 0) = 0 AND coalesce(only_plain, 0) = 0
            THEN 'same' ELSE 'DIFFERENT' END AS result
FROM check_items;
DO $$
DECLARE
    bad text;
BEGIN
    SELECT string_agg(format('%s: vatsim %s, plain %s%s%s', item, ours, plain,
                             ', only in vatsim: ' || first_only_ours, ', only in plain: ' || first_only_plain), E'\n')
    INTO bad
    FROM check_items
    WHERE ours <> plain OR coalesce(only_ours, 0) <> 0 OR coalesce(only_plain, 0) <> 0;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'the plain-SQL side differs from vatsim_ingest' USING DETAIL = bad;
    END IF;
    IF (SELECT ours FROM check_items WHERE item = 'intervals') = 0 THEN
        RAISE EXCEPTION 'no sector occupancy interval to compare';
    END IF;
END
$$;
\echo check passed: same intervals, flights, positions and snapshots on both sides
DROP VIEW check_items;
