-- analytics.sql: the body of bench/analytics.sh (see there).
-- psql variables: dir (server-readable inputs), steps, warmups.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION vatsim_ingest;
SELECT sector_set FROM vatsim.load_sectors('vatspy', pg_read_file(:'dir' || '/Boundaries.geojson'), 'id') \gset
SELECT airports FROM vatsim.load_airports(pg_read_file(:'dir' || '/VATSpy.dat')) \gset
\ir ../test/sql/derived_transceivers.sql
CREATE SCHEMA bench;

-- Step documents, built before anything is timed.
CREATE TABLE bench.docs (step integer PRIMARY KEY, feed text NOT NULL, trx text NOT NULL);
CREATE TABLE bench.cur (doc jsonb NOT NULL);
INSERT INTO bench.cur SELECT pg_read_file(:'dir' || '/1925p.json')::jsonb;
SELECT derived.tuning(doc) AS pilots_tuned_to_atc FROM bench.cur \gset
CREATE FUNCTION bench.step(doc jsonb, s integer) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    ts  timestamptz := (doc->'general'->>'update_timestamp')::timestamptz + interval '15 seconds';
    iso text := to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
BEGIN
    doc := jsonb_set(doc, '{general,update_timestamp}', to_jsonb(iso));
    doc := jsonb_set(doc, '{pilots}', coalesce((
        SELECT jsonb_agg(e || jsonb_build_object('latitude', least(89.9, greatest(-89.9, lat0 + d * cos(h))),
                                                 'longitude', lon0 + d * sin(h) / greatest(cos(radians(lat0)), 0.01)
                                                              - 360 * floor((lon0 + d * sin(h) / greatest(cos(radians(lat0)), 0.01) + 180) / 360),
                                                 'last_updated', iso) ORDER BY o)
        FROM jsonb_array_elements(doc->'pilots') WITH ORDINALITY AS a(e, o),
        LATERAL (SELECT (e->>'latitude')::float8 AS lat0, (e->>'longitude')::float8 AS lon0,
                        coalesce((e->>'groundspeed')::float8, 0) * 15 / 3600 / 60 AS d,
                        radians(coalesce((e->>'heading')::float8, 0)) AS h) x
        WHERE (e->>'cid')::bigint % 400 <> s % 400), '[]'));
    RETURN jsonb_set(doc, '{controllers}', coalesce((
        SELECT jsonb_agg(e ORDER BY o) FROM jsonb_array_elements(doc->'controllers') WITH ORDINALITY AS a(e, o)
        WHERE o % 300 <> s % 300), '[]'));
END $$;
SELECT format('INSERT INTO bench.docs SELECT %s, doc::text, derived.transceivers(doc) FROM bench.cur; '
              'UPDATE bench.cur SET doc = bench.step(doc, %s)', s, s + 1)
FROM generate_series(0, :steps + :warmups - 1) AS s ORDER BY s
\gexec

CREATE EXTENSION pg_stat_statements;
SET vatsim_ingest.stale_after = '30s';
SET vatsim_ingest.controller_reconnect_grace = '30s';
-- one transaction per step, in order; the statements' times from the
-- first measured step on
\o /dev/null
SELECT format('SELECT status FROM vatsim.ingest((SELECT feed FROM bench.docs WHERE step = %s), '
              '(SELECT trx FROM bench.docs WHERE step = %s))', s, s)
FROM generate_series(0, :warmups - 1) AS s ORDER BY s
\gexec
SELECT pg_stat_statements_reset();
SELECT format('SELECT status FROM vatsim.ingest((SELECT feed FROM bench.docs WHERE step = %s), '
              '(SELECT trx FROM bench.docs WHERE step = %s))', s, s)
FROM generate_series(:warmups, :steps + :warmups - 1) AS s ORDER BY s
\gexec
\o

\pset footer off
\echo
\echo == Result: the analytics step per x1 snapshot (vatsim.snapshots.analytics_ms; warm-ups not counted)
WITH s AS (SELECT * FROM vatsim.snapshots ORDER BY update_timestamp OFFSET :warmups)
SELECT count(*) AS steps,
       round(min(pilots)) || '-' || max(pilots) AS pilots,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY analytics_ms)::numeric, 2) AS "analytics median ms",
       round(max(analytics_ms)::numeric, 2) AS "analytics max ms",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms)::numeric, 1) AS "whole ingest median ms",
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY analytics_ms)
              / percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) * 100)::numeric, 1) AS "analytics share %",
       count(*) FILTER (WHERE analytics_error IS NOT NULL) AS analytics_errors
FROM s;
\echo What the steps produced:
SELECT :pilots_tuned_to_atc AS pilots_tuned_to_atc,
       (SELECT count(*) FROM vatsim.atc_contacts) AS contact_intervals,
       (SELECT count(*) FROM vatsim.flight_summaries) AS flight_summaries,
       (SELECT count(*) FROM vatsim.controller_summaries) AS controller_summaries,
       (SELECT count(*) FROM vatsim.movements) AS movements;
\echo The statements of the analytics step, ms per snapshot (pg_stat_statements, nested statements of vatsim.ingest):
SELECT round((total_exec_time / :steps)::numeric, 2) AS ms_per_snapshot, calls,
       regexp_replace(left(query, 110), '\s+', ' ', 'g') AS statement
FROM pg_stat_statements
WHERE query ~ '(atc_contacts|flight_stats|flight_summaries|movements|controller_summar|summary_due|summarise_flights|controller_types|vatsim\.flights)'
  AND query !~ '^(SELECT \(SELECT count|SELECT :pilots|WITH s AS)'
ORDER BY total_exec_time DESC LIMIT 16;
