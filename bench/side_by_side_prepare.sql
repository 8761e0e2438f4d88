-- side_by_side_prepare.sql: builds, before anything is timed, the template
-- database of bench/side_by_side.sh: vatsim_ingest and the plain-SQL side
-- (bench/plain_sql, schema plain) side by side, VATSpy's airports loaded
-- (so our analytics step does its full work), and the documents.
--
-- psql variables: fixture (server-readable 1,925-pilot JSON), dir (holds
-- VATSpy.dat), steps_x1, steps_x10 (snapshots of each sequence; steps_x1 >=
-- steps_x10), trx_steps (x1 steps that get a transceivers document).
--
-- Documents: the sequences of bench/sectors_occupancy_prepare.sql (x1 = the
-- fixture, x10 = its x10 clone one hour later, each step 15 s later with
-- every pilot moved along its heading), x1 then continued to steps_x1
-- steps; with the first trx_steps x1 steps a transceivers document derived
-- from it (test/sql/derived_transceivers.sql, as bench/analytics.sh does).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\set steps :steps_x10
\ir sectors_occupancy_prepare.sql
SELECT format('INSERT INTO bench.docs SELECT kind, %s, bench.step(doc::jsonb)::text '
              'FROM bench.docs WHERE kind = ''x1'' AND step = %s', s, s - 1)
FROM generate_series(:steps_x10, :steps_x1 - 1) AS s ORDER BY s
\gexec

SELECT FROM vatsim.load_airports(pg_read_file(:'dir' || '/VATSpy.dat'));
\ir ../test/sql/derived_transceivers.sql
SELECT FROM derived.tuning((SELECT doc::jsonb FROM bench.docs WHERE kind = 'x1' AND step = 0));
CREATE UNLOGGED TABLE bench.trx (step integer PRIMARY KEY, trx text NOT NULL);
ALTER TABLE bench.trx ALTER COLUMN trx SET STORAGE EXTERNAL;
INSERT INTO bench.trx
SELECT step, derived.transceivers(doc::jsonb) FROM bench.docs WHERE kind = 'x1' AND step < :trx_steps;

\ir plain_sql/schema.sql
\ir plain_sql/sectors.sql
\ir plain_sql/ingest.sql

-- What each timed ingest returned: side 'ours' or 'plain'; mode 'sectors'
-- (VATSpy tracked), 'none' (no sector set), 'trx' (ours with transceivers),
-- wal_bytes = WAL written during the ingest statement.
CREATE UNLOGGED TABLE bench.side_runs (
    side      text NOT NULL,
    mode      text NOT NULL,
    kind      text NOT NULL,
    step      integer NOT NULL,
    status    text NOT NULL,
    ms        double precision NOT NULL,
    wal_bytes numeric NOT NULL,
    PRIMARY KEY (side, mode, kind, step)
);
-- Backfill loops: snapshots ingested back to back, wall seconds.
CREATE UNLOGGED TABLE bench.backfill (side text PRIMARY KEY, snapshots integer NOT NULL, seconds double precision NOT NULL);
-- The profile: table counters before and after the measured x1 steps, and
-- pg_stat_statements over them.
CREATE UNLOGGED TABLE bench.tabstats (at text NOT NULL, relname text NOT NULL, ins bigint, upd bigint,
                                      hot bigint, del bigint, PRIMARY KEY (at, relname));
CREATE UNLOGGED TABLE bench.stmts (query text, toplevel boolean, calls bigint, total_ms double precision,
                                   rows bigint, wal_bytes numeric);
-- Bytes per stored position (heap + indexes), per database.
CREATE UNLOGGED TABLE bench.sizes (db text, side text, rows bigint, heap bigint, indexes bigint,
                                   PRIMARY KEY (db, side));
