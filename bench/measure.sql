-- measure.sql: the timed part of `make bench` for one document kind
-- (run by bench/in_cluster.sh, once per kind, in one session).
--
-- psql variables: kind (1925p or x10), warmups, runs, copy_runs, srvdir (a
-- directory the server can write).
\set ON_ERROR_STOP 1
\echo == :kind: :warmups warm-up + :runs measured ingests, one transaction each

-- One statement (= one transaction, autocommit) per snapshot, generated with
-- \gexec.  Each ingest statement records its own start; the small UPDATE
-- after it records when the next statement started, i.e. after the ingest's
-- COMMIT and the round trip: wall_end - wall_start is the statement's wall
-- time, including fetching the document text from bench.docs.
SELECT format('INSERT INTO bench.runs (kind, i, warmup, r, wall_start) '
              'SELECT d.kind, d.i, %L, r, statement_timestamp() '
              'FROM bench.docs d CROSS JOIN LATERAL vatsim.ingest(d.doc) AS r '
              'WHERE d.kind = %L AND d.i = %s',
              i <= :warmups, kind, i),
       format('UPDATE bench.runs SET wall_end = statement_timestamp() '
              'WHERE kind = %L AND i = %s', kind, i)
FROM bench.docs
WHERE kind = :'kind'
ORDER BY i
\gexec

-- Every snapshot must have been stored whole, and the current state must be
-- exactly the last one.
SET bench.kind = :'kind';
SELECT set_config('bench.expect', jsonb_array_length(doc->'pilots')::text, false)
FROM bench.base WHERE kind = :'kind'
\gset
DO $$
DECLARE
    bad text;
BEGIN
    SELECT string_agg(format('i=%s status=%s pilots=%s', i, (r).status, (r).pilots), '; ')
    INTO bad
    FROM bench.runs
    WHERE kind = current_setting('bench.kind')
      AND ((r).status <> 'ingested' OR (r).pilots <> current_setting('bench.expect')::int);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'bench: unexpected ingest results: %', bad;
    END IF;
    IF (SELECT count(*) FROM vatsim.pilots) <> current_setting('bench.expect')::int
       OR (SELECT count(*) FROM vatsim.positions
           WHERE ts = (SELECT max(update_timestamp) FROM vatsim.snapshots))
          <> current_setting('bench.expect')::int THEN
        RAISE EXCEPTION 'bench: current pilots or newest positions do not match the last snapshot';
    END IF;
END
$$;

-- Lower bound, part (b): what this snapshot wrote to vatsim.pilots and
-- vatsim.positions, dumped to server-side files and COPYed into empty
-- tables: run 0 is a warm-up, then copy_runs timed runs of each, TRUNCATE
-- (untimed, own transaction) before every COPY.
\echo == :kind: plain COPY of the same pilot and position rows into empty tables
\set pilots_file :srvdir '/pilots-' :kind '.copy'
\set positions_file :srvdir '/positions-' :kind '.copy'
COPY (SELECT * FROM vatsim.pilots) TO :'pilots_file';
COPY (SELECT * FROM vatsim.positions
      WHERE ts = (SELECT max(update_timestamp) FROM vatsim.snapshots)) TO :'positions_file';
SELECT format('TRUNCATE bench.copy_%s', t),
       format('INSERT INTO bench.copy_runs SELECT %L, %L, %s, bench.time_copy(%L, %L)',
              :'kind', t, run, 'bench.copy_' || t,
              CASE t WHEN 'pilots' THEN :'pilots_file' ELSE :'positions_file' END)
FROM generate_series(0, :copy_runs) AS run,
     unnest(ARRAY['pilots', 'positions']) AS t
ORDER BY run, t
\gexec
DO $$
BEGIN
    IF (SELECT count(*) FROM bench.copy_pilots) <> current_setting('bench.expect')::int
       OR (SELECT count(*) FROM bench.copy_positions) <> current_setting('bench.expect')::int THEN
        RAISE EXCEPTION 'bench: the COPY tables do not hold one snapshot''s rows';
    END IF;
END
$$;
