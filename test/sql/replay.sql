-- replay.sql: a replay of real snapshots for occupancy tests.  Creates
-- schema replay with replay.run(first, last): ingests, in order, seq1, seq2,
-- seq3 and then seq3's pilots moved along their headings at their
-- groundspeeds, 15 s a step (steps 1..10), with VATSpy's sectors tracked.
-- Included by test/pgtap_worker/replay_restart.sql in two databases.
\getenv fixtures VATSIM_FIXTURES
CREATE SCHEMA replay;
CREATE TABLE replay.docs (n int PRIMARY KEY, doc text NOT NULL);
INSERT INTO replay.docs VALUES
  (1, pg_read_file(:'fixtures' || '/v3-2023-08-07T232929Z-754p-seq1.json')),
  (2, pg_read_file(:'fixtures' || '/v3-2023-08-07T232944Z-757p-seq2.json')),
  (3, pg_read_file(:'fixtures' || '/v3-2023-08-08T000359Z-737p-seq3.json'));
-- step k: every pilot of seq3 moved k * 15 s along its heading (flat earth, as
-- a feed would show it), the generation k * 15 s later
INSERT INTO replay.docs
SELECT 3 + k, jsonb_set(jsonb_set(b.doc::jsonb, '{general,update_timestamp}',
           to_jsonb(to_char(((b.doc::jsonb #>> '{general,update_timestamp}')::timestamptz + k * interval '15 s')
                            AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))),
       '{pilots}',
       (SELECT jsonb_agg(p || jsonb_build_object('latitude', m.lat, 'longitude', m.lon) ORDER BY o)
        FROM jsonb_array_elements(b.doc::jsonb -> 'pilots') WITH ORDINALITY AS e(p, o),
        LATERAL (SELECT (p->>'groundspeed')::float8 * 15 * k / 3600 / 60 AS d,
                        radians((p->>'heading')::float8) AS h,
                        (p->>'latitude')::float8 AS lat0, (p->>'longitude')::float8 AS lon0) v,
        LATERAL (SELECT greatest(-89.9, least(89.9, v.lat0 + v.d * cos(v.h))) AS lat,
                        (((v.lon0 + v.d * sin(v.h) / greatest(cos(radians(v.lat0)), 0.01)) + 540)::numeric % 360 - 180)::float8 AS lon) m))::text
FROM replay.docs b, generate_series(1, 10) AS k WHERE b.n = 3;
SELECT * FROM vatsim.load_sectors('vatspy', pg_read_file(:'fixtures' || '/vatspy/Boundaries.geojson'), 'id');
CREATE FUNCTION replay.run(first int, last int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    d record;
    n int := 0;
BEGIN
    FOR d IN SELECT doc FROM replay.docs WHERE docs.n BETWEEN first AND last ORDER BY docs.n LOOP
        PERFORM vatsim.ingest(d.doc);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
