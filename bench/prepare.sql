-- prepare.sql: first step of `make bench` (run by bench/in_cluster.sh).
-- Creates the extension, builds the two benchmark documents and every
-- per-iteration copy of them BEFORE anything is timed, and exports one
-- iteration of each to a client-side file for bench/parse_time.
--
-- psql variables: fixture (server-readable path of the 1925-pilot JSON),
-- outdir (client-side directory for the exported documents), warmups, runs.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION vatsim_ingest;
CREATE SCHEMA bench;

-- The two base documents as jsonb: the snapshot, and x10 (bench/x10.sql:
-- every pilot plus 9 clones, 0.01 deg apart).
CREATE UNLOGGED TABLE bench.base (kind text PRIMARY KEY, doc jsonb NOT NULL);
INSERT INTO bench.base VALUES ('1925p', pg_catalog.pg_read_file(:'fixture')::jsonb);
\ir x10.sql
INSERT INTO bench.base SELECT 'x10', bench.x10(doc) FROM bench.base WHERE kind = '1925p';

-- The clones must be valid pilots: unique callsigns of at most 24 bytes.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT kind, jsonb_array_length(doc->'pilots') AS n,
                    (SELECT count(DISTINCT p->>'callsign') FROM jsonb_array_elements(doc->'pilots') p) AS d,
                    (SELECT max(octet_length(p->>'callsign')) FROM jsonb_array_elements(doc->'pilots') p) AS l
             FROM bench.base LOOP
        IF r.n <> r.d OR r.l > 24 THEN
            RAISE EXCEPTION 'bench: % document has % pilots, % distinct callsigns, longest % bytes',
                r.kind, r.n, r.d, r.l;
        END IF;
    END LOOP;
    IF (SELECT jsonb_array_length(doc->'pilots') FROM bench.base WHERE kind = 'x10')
       <> 10 * (SELECT jsonb_array_length(doc->'pilots') FROM bench.base WHERE kind = '1925p') THEN
        RAISE EXCEPTION 'bench: x10 document is not 10 times the 1925p one';
    END IF;
END
$$;

-- One document per ingest, each a later feed generation: snapshot n (1, 2,
-- ... over both kinds, in ingest order) is stamped base time + n * 15 s, and
-- every pilot has moved: latitude shifted by n * 0.0001 deg towards the
-- equator (so it stays within +-90) and last_updated set to the new time.
-- Everything else (controllers, ATIS, prefiles, logon times, plans) is as in
-- the base document.
CREATE FUNCTION bench.shifted(doc jsonb, n integer) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    ts      timestamptz := (doc->'general'->>'update_timestamp')::timestamptz
                           + n * interval '15 seconds';
    iso     text := to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    compact text := to_char(ts AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISS');
    pilots  jsonb;
BEGIN
    SELECT jsonb_agg(e || jsonb_build_object(
               'latitude', (e->>'latitude')::numeric + 0.0001 * n
                           * CASE WHEN (e->>'latitude')::numeric < 0 THEN 1 ELSE -1 END,
               'last_updated', iso) ORDER BY o)
    INTO pilots
    FROM jsonb_array_elements(doc->'pilots') WITH ORDINALITY AS a(e, o);
    doc := jsonb_set(doc, '{general,update_timestamp}', to_jsonb(iso));
    doc := jsonb_set(doc, '{general,update}', to_jsonb(compact));
    RETURN jsonb_set(doc, '{pilots}', pilots)::text;
END
$$;

-- Per-iteration documents, stored uncompressed (STORAGE EXTERNAL) so that
-- fetching one during the timed loop costs a read, not a decompression.
CREATE UNLOGGED TABLE bench.docs (
    kind  text NOT NULL,
    i     integer NOT NULL,          -- 1 .. warmups + runs within the kind
    n     integer NOT NULL,          -- snapshot number over the whole run
    doc   text NOT NULL,
    PRIMARY KEY (kind, i)
);
ALTER TABLE bench.docs ALTER COLUMN doc SET STORAGE EXTERNAL;

-- Separate statements (transactions) so no single one holds ~0.5 GB.
SELECT format('INSERT INTO bench.docs SELECT %L, %s, %s, bench.shifted(doc, %s) FROM bench.base WHERE kind = %L',
              kind, i, n, n, kind)
FROM (SELECT kind, i, (row_number() OVER (ORDER BY kind, i))::int AS n
      FROM unnest(ARRAY['1925p', 'x10']) AS kind,
           generate_series(1, :warmups + :runs) AS i) s
ORDER BY n
\gexec

-- Where the timed part records its figures.
CREATE UNLOGGED TABLE bench.runs (
    kind       text NOT NULL,
    i          integer NOT NULL,
    warmup     boolean NOT NULL,
    r          vatsim.ingest_result NOT NULL,
    wall_start timestamptz NOT NULL,   -- statement_timestamp() of the ingest statement
    wall_end   timestamptz,            -- statement_timestamp() of the next one (after COMMIT)
    PRIMARY KEY (kind, i)
);
CREATE UNLOGGED TABLE bench.copy_runs (
    kind  text NOT NULL,
    tbl   text NOT NULL,
    run   integer NOT NULL,            -- 0 = warm-up, not counted
    ms    double precision NOT NULL
);

-- Lower bound, part (b): empty copies of the two tables an ingest writes
-- most to, with the same indexes, defaults and constraints.
CREATE TABLE bench.copy_pilots (LIKE vatsim.pilots INCLUDING ALL);
CREATE TABLE bench.copy_positions (LIKE vatsim.positions INCLUDING ALL);

-- Time one COPY FROM a server-side file (the TRUNCATE before it is a
-- separate statement, not timed).
CREATE FUNCTION bench.time_copy(tbl text, path text) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
BEGIN
    t0 := clock_timestamp();
    EXECUTE format('COPY %s FROM %L', tbl, path);
    RETURN 1000 * extract(epoch FROM clock_timestamp() - t0);
END
$$;

-- Export the first measured document of each kind, byte for byte (unaligned,
-- tuples only: no escaping; psql adds one newline, which in_cluster.sh cuts).
\pset format unaligned
\pset tuples_only on
SELECT doc FROM bench.docs WHERE kind = '1925p' AND i = :warmups + 1
\g :outdir/doc-1925p.json
SELECT doc FROM bench.docs WHERE kind = 'x10' AND i = :warmups + 1
\g :outdir/doc-x10.json
SELECT kind || ' ' || octet_length(doc) FROM bench.docs WHERE i = :warmups + 1 ORDER BY kind
\g :outdir/doc-bytes.txt
