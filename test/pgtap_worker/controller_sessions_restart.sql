-- Controller sessions need nothing but the table: a restart between any two
-- snapshots gives exactly the sessions of an uninterrupted run.  Database A
-- ingests six handmade snapshots in one backend; database B ingests the same
-- documents one by one, each from a new backend (every \c is a new process:
-- prepared plans and settings start afresh).  The series has a continuous
-- session, a reconnect within the grace, one exactly at it, one past it,
-- sessions closed after the grace, and a closed one reopened.  Runs outside a
-- transaction, in database postgres, which it uses only to create A and B.
\set ON_ERROR_STOP 1
\set QUIET 1
\o /dev/null
SET client_min_messages = error;
DROP DATABASE IF EXISTS vatsim_sessions_a;
DROP DATABASE IF EXISTS vatsim_sessions_b;
CREATE DATABASE vatsim_sessions_a;
CREATE DATABASE vatsim_sessions_b;

\c vatsim_sessions_a
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;
\i test/sql/controller_series.sql
SELECT vatsim.ingest(doc) FROM docs WHERE n = 1;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 2;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 3;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 4;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 5;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 6;
SELECT count(*) AS a_n, md5(string_agg(s::text, '|' ORDER BY session_id)) AS a_md5
FROM vatsim.controller_sessions s \gset

\c vatsim_sessions_b
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;
\i test/sql/controller_series.sql
\c vatsim_sessions_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 1;
\c vatsim_sessions_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 2;
\c vatsim_sessions_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 3;
\c vatsim_sessions_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 4;
\c vatsim_sessions_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 5;
\c vatsim_sessions_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 6;
\c vatsim_sessions_b
SET client_min_messages = error;
CREATE EXTENSION pgtap;
\o
SELECT plan(6);
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 6, 'six snapshots, each from a new backend');
-- A_CTR: 2 (a new logon 305 s after last seen), B_APP: 1 (logon exactly
-- 300 s after), C_APP: 2 (301 s after), D_TWR: 1 (25 s after)
SELECT is((SELECT string_agg(callsign || ' ' || n || ' ' || c, ', ' ORDER BY callsign)
           FROM (SELECT callsign, count(*) AS n, sum(connections) AS c FROM vatsim.controller_sessions GROUP BY 1) x),
          'A_CTR 2 2, B_APP 1 2, C_APP 2 2, D_TWR 1 2', 'sessions and connections per callsign');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at IS NULL), 1, 'only A_CTR''s new session is open');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at IS DISTINCT FROM last_seen AND ended_at IS NOT NULL), 0,
          'ended sessions end at their last_seen');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions), :a_n, 'the restarted run has as many sessions');
SELECT is((SELECT md5(string_agg(s::text, '|' ORDER BY session_id)) FROM vatsim.controller_sessions s), :'a_md5',
          'and exactly the same ones, every column');
SELECT * FROM finish();
\c postgres
\o /dev/null
DROP DATABASE vatsim_sessions_a;
DROP DATABASE vatsim_sessions_b;
