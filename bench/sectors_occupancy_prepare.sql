-- sectors_occupancy_prepare.sql: builds, before anything is timed, the
-- snapshot sequences for the occupancy cost (run by bench/sectors.sh in the
-- template database that the "with sectors" and "without sectors"
-- databases are copied from).
--
-- psql variables: fixture (server-readable path of the 1,925-pilot JSON),
-- steps (snapshots per sequence; step 0 is a warm-up).
--
-- Two sequences: x1 = the fixture, x10 = the fixture with every pilot cloned
-- 9 times (bench/x10.sql: callsign_k, +0.01 deg * k).  Step s+1
-- is step s 15 s later with every pilot moved along its heading at its
-- groundspeed for 15 s:
--     lat += gs * 15/3600/60 * cos(hdg)
--     lon += gs * 15/3600/60 * sin(hdg) / cos(lat)     (lon wrapped to -180..180)
-- and last_updated = the new update_timestamp.  The x10 sequence starts one
-- hour after the x1 one (time order: it is ingested after it, on top of it).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION vatsim_ingest;
CREATE SCHEMA bench;

CREATE UNLOGGED TABLE bench.base (kind text PRIMARY KEY, doc jsonb NOT NULL);
INSERT INTO bench.base VALUES ('x1', pg_catalog.pg_read_file(:'fixture')::jsonb);
\ir x10.sql
INSERT INTO bench.base
SELECT 'x10', jsonb_set(bench.x10(doc), '{general,update_timestamp}',
                        to_jsonb(to_char(((doc->'general'->>'update_timestamp')::timestamptz + interval '1 hour')
                                         AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))
FROM bench.base WHERE kind = 'x1';

-- One 15 s step: new time, every pilot moved.
CREATE FUNCTION bench.step(doc jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    ts      timestamptz := (doc->'general'->>'update_timestamp')::timestamptz + interval '15 seconds';
    iso     text := to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    compact text := to_char(ts AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISS');
    pilots  jsonb;
BEGIN
    SELECT jsonb_agg(e || jsonb_build_object('latitude', m.lat, 'longitude', m.lon,
                                             'last_updated', iso) ORDER BY o)
    INTO pilots
    FROM jsonb_array_elements(doc->'pilots') WITH ORDINALITY AS a(e, o),
    LATERAL (SELECT (e->>'latitude')::float8 AS lat0, (e->>'longitude')::float8 AS lon0,
                    coalesce((e->>'groundspeed')::float8, 0) * 15 / 3600 / 60 AS d,
                    radians(coalesce((e->>'heading')::float8, 0)) AS h) x,
    LATERAL (SELECT least(90, greatest(-90, x.lat0 + x.d * cos(x.h))) AS lat,
                    x.lon0 + x.d * sin(x.h) / greatest(cos(radians(x.lat0)), 1e-6) AS lon_raw) y,
    LATERAL (SELECT y.lat, y.lon_raw - 360 * floor((y.lon_raw + 180) / 360) AS lon) m;
    doc := jsonb_set(doc, '{general,update_timestamp}', to_jsonb(iso));
    doc := jsonb_set(doc, '{general,update}', to_jsonb(compact));
    RETURN jsonb_set(doc, '{pilots}', pilots);
END
$$;

-- The documents as text, stored uncompressed so that reading one in the
-- timed loop costs a read, not a decompression.
CREATE UNLOGGED TABLE bench.docs (
    kind text NOT NULL,
    step integer NOT NULL,
    doc  text NOT NULL,
    PRIMARY KEY (kind, step)
);
ALTER TABLE bench.docs ALTER COLUMN doc SET STORAGE EXTERNAL;
CREATE UNLOGGED TABLE bench.cur (kind text PRIMARY KEY, doc jsonb NOT NULL);
INSERT INTO bench.cur SELECT kind, doc FROM bench.base;
-- One statement per step and kind, so no statement holds every document.
SELECT format('INSERT INTO bench.docs SELECT kind, %s, doc::text FROM bench.cur WHERE kind = %L', s, kind),
       format('UPDATE bench.cur SET doc = bench.step(doc) WHERE kind = %L', kind)
FROM unnest(ARRAY['x1', 'x10']) AS kind, generate_series(0, :steps - 1) AS s
ORDER BY kind, s
\gexec
DROP TABLE bench.cur;

-- Where the timed loop records what vatsim.ingest returned.
CREATE UNLOGGED TABLE bench.occ_runs (
    mode text NOT NULL,                 -- 'sectors' or 'none'
    kind text NOT NULL,
    step integer NOT NULL,
    r    vatsim.ingest_result NOT NULL,
    PRIMARY KEY (mode, kind, step)
);

-- Occupancy's own statements inside vatsim.ingest (pg_stat_statements,
-- nested statements of the "with sectors" database), over the measured
-- steps of each kind.
CREATE UNLOGGED TABLE bench.occ_stmts (
    kind     text NOT NULL,
    query    text NOT NULL,
    calls    bigint NOT NULL,
    total_ms double precision NOT NULL,
    rows     bigint NOT NULL
);
