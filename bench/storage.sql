-- storage.sql: bytes per stored position in rows (vatsim.positions) and in
-- packs (vatsim.position_packs), the packing rate, and a flight's track read
-- time from each form.  Run by bench/storage.sh in a throw-away cluster;
-- psql variables: phase (prepare, pack, report), dir (the 1925p fixture as
-- 1925p.json), hours, samples.  Between the phases storage.sh times the
-- first track read in new backends.
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
\if :{?phase}
\else
\set phase prepare
\endif
SELECT :'phase' = 'prepare' AS prepare, :'phase' = 'pack' AS pack \gset
\if :prepare
CREATE EXTENSION vatsim_ingest;

-- A synthetic history: the 1,925 pilots of the real snapshot dead-reckoned
-- along their headings at their groundspeeds, 15 s a snapshot with the
-- feed's jitter (up to 1 s), coordinates rounded to 5 decimals as the feed
-- gives them, altitude +-10 ft, groundspeed +-2 kt and heading +-1 of
-- noise; each pilot flies flights of 60 to 240 minutes one after another
-- (a new flight_id each).
CREATE TEMP TABLE pilots AS
SELECT row_number() OVER () AS i, (p->>'latitude')::float8 AS lat0, (p->>'longitude')::float8 AS lon0,
       greatest((p->>'groundspeed')::int, 0) AS gs0, (p->>'altitude')::int AS alt0,
       (p->>'heading')::int AS hdg0, coalesce(p->>'transponder', '2000') AS squawk,
       (p->>'qnh_i_hg')::float8 AS qnh_i_hg, (p->>'qnh_mb')::int AS qnh_mb,
       60 + abs(hashtext(p->>'callsign')) % 181 AS flight_minutes
FROM jsonb_array_elements(pg_read_file(:'dir' || '/1925p.json')::jsonb -> 'pilots') AS p;
CREATE TEMP TABLE steps AS
SELECT k, timestamptz '2024-03-01 00:00+00' + k * interval '15 s' + (random() * 1000000)::int * interval '1 us' AS ts
FROM generate_series(0, :hours * 240 - 1) AS k;

\echo '-- generating' :hours 'hours of x1 history'
\timing on
INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude, altitude, groundspeed, heading,
                              transponder, qnh_i_hg, qnh_mb)
SELECT p.i * 1000 + s.k / (p.flight_minutes * 4), s.ts,
       round(greatest(-89.9, least(89.9, p.lat0 + d * cos(radians(p.hdg0))))::numeric, 5)::float8,
       round(((p.lon0 + d * sin(radians(p.hdg0)) / greatest(cos(radians(p.lat0)), 0.05) + 540)::numeric % 360 - 180), 5)::float8,
       p.alt0 + (random() * 20 - 10)::int, greatest(0, p.gs0 + (random() * 4 - 2)::int),
       (p.hdg0 + (random() * 2 - 1)::int + 360) % 360, p.squawk, p.qnh_i_hg, p.qnh_mb
FROM steps s CROSS JOIN pilots p
CROSS JOIN LATERAL (SELECT p.gs0 * 15.0 * (s.k % (p.flight_minutes * 4)) / 3600 / 60 AS d) x;
\timing off
VACUUM ANALYZE vatsim.positions;

CREATE TABLE public.sizes (form text, positions bigint, heap bigint, toast bigint, indexes bigint);
INSERT INTO sizes
SELECT 'rows', (SELECT count(*) FROM vatsim.positions), pg_relation_size('vatsim.positions'),
       coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0), pg_indexes_size('vatsim.positions')
FROM pg_class c WHERE c.oid = 'vatsim.positions'::regclass;

-- track reads: p50 of samples flights, each read whole, in this (warm) session
CREATE TABLE public.sample AS
SELECT flight_id FROM (SELECT DISTINCT flight_id FROM vatsim.positions) f ORDER BY hashint8(flight_id) LIMIT :samples;
CREATE FUNCTION public.read_p50(how text) RETURNS TABLE (p50_ms numeric, avg_points numeric)
LANGUAGE plpgsql AS $$
DECLARE
    f bigint;
    t0 timestamptz;
    n bigint;
    times float8[] := '{}';
    total bigint := 0;
BEGIN
    FOR f IN SELECT flight_id FROM sample LOOP
        t0 := clock_timestamp();
        IF how = 'plain' THEN
            SELECT count(*) INTO n FROM public.flight_track_050(f, NULL, 10000);
        ELSE
            SELECT count(*) INTO n FROM vatsim.flight_track(f, NULL, 10000);
        END IF;
        times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
        total := total + n;
    END LOOP;
    RETURN QUERY SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY t))::numeric, 3),
                        round(total::numeric / cardinality(times), 1)
                 FROM unnest(times) AS t;
END $$;
-- 0.5.0's flight_track, reading the rows alone: the baseline
CREATE FUNCTION public.flight_track_050(flight_id bigint, after timestamptz DEFAULT NULL, "limit" integer DEFAULT 1000)
RETURNS TABLE (flight_id bigint, ts timestamptz, latitude double precision, longitude double precision,
               altitude integer, groundspeed integer, heading integer, transponder text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ps.flight_id, ps.ts, ps.latitude, ps.longitude, ps.altitude, ps.groundspeed, ps.heading, ps.transponder
    FROM vatsim.positions ps
    WHERE ps.flight_id = $1 AND ps.ts > coalesce($2, '-infinity')
    ORDER BY ps.ts
    LIMIT vatsim.page_limit($3)
$$;
CREATE TABLE public.reads (form text, reader text, p50_ms numeric, avg_points numeric);
SELECT * FROM public.read_p50('plain');	-- warm-up
INSERT INTO reads SELECT 'rows', '0.5.0 flight_track (rows alone)', * FROM public.read_p50('plain');
INSERT INTO reads SELECT 'rows', 'vatsim.flight_track (flight_positions)', * FROM public.read_p50('track');
\elif :pack
\echo '-- packing (pack_positions(''infinity'', 50000) until it returns 0)'
CREATE TABLE public.pack_runs (n bigint, ms float8);
DO $$
DECLARE
    t0 timestamptz;
    n bigint;
BEGIN
    LOOP
        t0 := clock_timestamp();
        n := vatsim.pack_positions('infinity', 50000);
        INSERT INTO pack_runs VALUES (n, extract(epoch FROM clock_timestamp() - t0) * 1000);
        EXIT WHEN n = 0;
        COMMIT;
    END LOOP;
END $$;
VACUUM ANALYZE vatsim.position_packs;
INSERT INTO sizes
SELECT 'packs', (SELECT sum(n) FROM vatsim.position_packs), pg_relation_size('vatsim.position_packs'),
       coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0), pg_indexes_size('vatsim.position_packs')
FROM pg_class c WHERE c.oid = 'vatsim.position_packs'::regclass;

SELECT * FROM public.read_p50('track');	-- warm-up
INSERT INTO reads SELECT 'packs', 'vatsim.flight_track (flight_positions)', * FROM public.read_p50('track');
\else
\echo '== storage: bytes per stored position (heap + TOAST + indexes)'
SELECT form, positions, round(heap::numeric / positions, 1) AS heap_b, round(toast::numeric / positions, 1) AS toast_b,
       round(indexes::numeric / positions, 1) AS index_b,
       round((heap + toast + indexes)::numeric / positions, 1) AS total_b
FROM sizes ORDER BY form DESC;
SELECT count(*) AS packs, round(avg(n), 1) AS avg_positions, round(avg(length(data)), 0) AS avg_bytes,
       round(sum(length(data))::numeric / sum(n), 2) AS data_bytes_per_position
FROM vatsim.position_packs;
\echo '== storage: packing rate'
SELECT count(*) FILTER (WHERE n > 0) AS calls, sum(n) AS positions, round(sum(ms)::numeric / 1000, 2) AS seconds,
       round(sum(n) / (sum(ms) / 1000))::bigint AS positions_per_s,
       round(max(ms)::numeric, 0) AS slowest_call_ms
FROM pack_runs;
\echo '== storage: a flight''s whole track, p50 in a warm session'
SELECT * FROM reads;
\endif
