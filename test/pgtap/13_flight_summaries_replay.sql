-- Flight summaries on a dead-reckoned replay of real snapshots (seq1,
-- seq2, seq3 and ten 15 s steps of seq3's pilots, test/sql/replay.sql), then
-- an empty snapshot 301 s after the last so that every flight ends.  Every
-- summary row is compared with a model written here in plain SQL over
-- vatsim.positions: first and last seen, distance (haversine legs), maximum
-- altitude, airborne time (the previous position at >= 60 kt, gaps over
-- stale_after not counted), end reason (the last two positions below 30 kt:
-- landed) and the snapshot that ended it.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(15);

\i test/sql/synthetic.sql
\i test/sql/replay_end.sql
SELECT is(replay.run(1, 13), 13, 'thirteen snapshots replayed');
SELECT is((SELECT count(*)::int FROM vatsim.flight_summaries WHERE summarised_at = (SELECT max(update_timestamp) FROM vatsim.snapshots)), 0,
          'none ended in the last snapshot (every flight is in it)');
SELECT is(replay.run(14, 14), 1, 'an empty snapshot 301 s after the last');

CREATE TEMP TABLE model AS
WITH pos AS (
    SELECT p.flight_id, p.ts, p.altitude, coalesce(p.groundspeed, 0) AS gs,
           lag(p.ts) OVER w AS pts,
           lag(coalesce(p.groundspeed, 0)) OVER w AS pgs,
           -- (least() skips NULL: no leg before the first position)
           CASE WHEN lag(p.ts) OVER w IS NOT NULL THEN
           2 * 3440.065 * asin(least(1, sqrt(sin(radians(p.latitude - lag(p.latitude) OVER w) / 2) ^ 2
                + cos(radians(lag(p.latitude) OVER w)) * cos(radians(p.latitude))
                  * sin(radians(p.longitude - lag(p.longitude) OVER w) / 2) ^ 2))) END AS leg,
           row_number() OVER (PARTITION BY p.flight_id ORDER BY p.ts DESC) AS from_end
    FROM vatsim.positions p
    WINDOW w AS (PARTITION BY p.flight_id ORDER BY p.ts)),
per AS (
    SELECT flight_id, min(ts) AS first_seen, max(ts) AS last_seen, max(altitude) AS max_altitude,
           coalesce(sum(leg), 0) AS distance_nm,
           coalesce(sum(extract(epoch FROM ts - pts)) FILTER (WHERE pgs >= 60 AND ts - pts <= interval '300 s'), 0)::float8 AS airborne_s,
           count(*) FILTER (WHERE from_end <= 2 AND gs < 30) = 2 AS landed
    FROM pos GROUP BY flight_id)
SELECT per.*, CASE WHEN per.landed THEN 'landed' ELSE 'gone' END AS end_reason,
       (SELECT min(s.update_timestamp) FROM vatsim.snapshots s
        WHERE s.update_timestamp > per.last_seen
          AND (per.landed OR s.update_timestamp - per.last_seen > interval '300 s')) AS summarised_at
FROM per;

SELECT cmp_ok((SELECT count(*)::int FROM model), '>', 1000, 'the replay has more than a thousand flights');
SELECT is((SELECT count(*)::int FROM vatsim.flight_summaries), (SELECT count(*)::int FROM model), 'a summary for every flight');
SELECT cmp_ok((SELECT count(*)::int FROM model WHERE end_reason = 'landed'), '>', 0, 'some landed');
SELECT cmp_ok((SELECT count(*)::int FROM model WHERE end_reason = 'gone' AND summarised_at < (SELECT max(update_timestamp) FROM vatsim.snapshots)), '>', 0,
              'some were gone before the end (seq3 is 34 min after seq2)');
SELECT is((SELECT count(*)::int FROM model m JOIN vatsim.flight_summaries s USING (flight_id)
           WHERE (s.first_seen, s.last_seen, s.total_s) = (m.first_seen, m.last_seen, extract(epoch FROM m.last_seen - m.first_seen)::float8)),
          (SELECT count(*)::int FROM model), 'first_seen, last_seen and total_s of every row');
SELECT is((SELECT count(*)::int FROM model m JOIN vatsim.flight_summaries s USING (flight_id)
           WHERE abs(s.distance_nm - m.distance_nm) < 1e-6),
          (SELECT count(*)::int FROM model), 'distance of every row (within 1e-6 nm)');
SELECT cmp_ok((SELECT sum(distance_nm) FROM model), '>', 1000::float8, 'and the flights did move');
SELECT is((SELECT count(*)::int FROM model m JOIN vatsim.flight_summaries s USING (flight_id)
           WHERE s.max_altitude IS NOT DISTINCT FROM m.max_altitude),
          (SELECT count(*)::int FROM model), 'maximum altitude of every row');
SELECT is((SELECT count(*)::int FROM model m JOIN vatsim.flight_summaries s USING (flight_id)
           WHERE s.airborne_s = m.airborne_s),
          (SELECT count(*)::int FROM model), 'airborne time of every row, exactly');
SELECT cmp_ok((SELECT count(*)::int FROM model WHERE airborne_s > 0), '>', 500, 'many flights were airborne');
SELECT is((SELECT count(*)::int FROM model m JOIN vatsim.flight_summaries s USING (flight_id)
           WHERE (s.end_reason, s.summarised_at) = (m.end_reason, m.summarised_at)),
          (SELECT count(*)::int FROM model), 'end reason and the snapshot that ended it, every row');
SELECT is((SELECT count(*)::int FROM vatsim.flight_summaries s
           WHERE s.sectors = (SELECT count(DISTINCT (o.sector_set, o.sector)) FROM vatsim.sector_occupancy o
                              WHERE o.flight_id = s.flight_id)
             AND s.contact_s = 0 AND s.atc_share IS NOT DISTINCT FROM CASE WHEN s.total_s > 0 THEN 0::float8 END),
          (SELECT count(*)::int FROM model), 'sectors from the occupancy; no contacts in this replay: shares 0');

SELECT * FROM finish();
ROLLBACK;
