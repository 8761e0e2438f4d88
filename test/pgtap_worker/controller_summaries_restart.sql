-- Controller summaries need nothing but the tables: a restart between any
-- two snapshots gives exactly the summaries of an uninterrupted run.  As
-- controller_sessions_restart.sql: database A ingests the six snapshots of
-- test/sql/controller_series.sql in one backend, database B each from a new
-- backend, with the same contact rows inserted by hand after snapshots 3
-- and 5 (atc_contacts is filled by another part).  The series ends B_APP,
-- C_APP and D_TWR at snapshot 4, reopens B_APP at 5 (its summary replaced at
-- 6), and ends A_CTR's and C_APP's sessions at 6.  Runs outside a
-- transaction, in database postgres, which it uses only to create A and B.
\set ON_ERROR_STOP 1
\set QUIET 1
\o /dev/null
SET client_min_messages = error;
DROP DATABASE IF EXISTS vatsim_ctlsum_a;
DROP DATABASE IF EXISTS vatsim_ctlsum_b;
CREATE DATABASE vatsim_ctlsum_a;
CREATE DATABASE vatsim_ctlsum_b;
-- The contact rows: after snapshot 3, one flight per session from its
-- first_seen to 15 s after its last_seen (A_CTR's still open); after 5, a
-- second flight for B_APP's reopened part
\set contacts3 'INSERT INTO vatsim.atc_contacts (flight_id, session_id, pilot_callsign, atc_callsign, frequency_khz, started_at, ended_at) SELECT 100 + session_id, session_id, ''P'' || session_id, callsign, 118500, first_seen, CASE WHEN callsign = ''A_CTR'' THEN NULL ELSE last_seen + interval ''15 s'' END FROM vatsim.controller_sessions'
\set contacts5 'INSERT INTO vatsim.atc_contacts (flight_id, session_id, pilot_callsign, atc_callsign, frequency_khz, started_at, ended_at) SELECT 999, session_id, ''P999'', callsign, 119000, last_seen - interval ''5 s'', last_seen + interval ''10 s'' FROM vatsim.controller_sessions WHERE callsign = ''B_APP'''

\c vatsim_ctlsum_a
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;
\i test/sql/controller_series.sql
SELECT vatsim.ingest(doc) FROM docs WHERE n = 1;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 2;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 3;
:contacts3;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 4;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 5;
:contacts5;
SELECT vatsim.ingest(doc) FROM docs WHERE n = 6;
SELECT count(*) AS a_n, md5(string_agg(s::text, '|' ORDER BY session_id)) AS a_md5
FROM vatsim.controller_summaries s \gset
SELECT count(*) AS a_hn, md5(string_agg(h::text, '|' ORDER BY session_id, hour)) AS a_hmd5
FROM vatsim.controller_summary_hours h \gset

\c vatsim_ctlsum_b
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;
\i test/sql/controller_series.sql
\c vatsim_ctlsum_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 1;
\c vatsim_ctlsum_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 2;
\c vatsim_ctlsum_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 3;
:contacts3;
\c vatsim_ctlsum_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 4;
\c vatsim_ctlsum_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 5;
:contacts5;
\c vatsim_ctlsum_b
SELECT vatsim.ingest(doc) FROM docs WHERE n = 6;
\c vatsim_ctlsum_b
SET client_min_messages = error;
CREATE EXTENSION pgtap;
\o
SELECT plan(6);
SELECT is((SELECT count(*)::int FROM vatsim.snapshots WHERE analytics_error IS NULL), 6,
          'six snapshots, each from a new backend, no analytics error');
-- B_APP: one session over two connections, reopened at 345 and ended
-- there, its summary replaced (two flights, 45 s and the last 5 s); C_APP
-- two sessions; A_CTR's first session (its contact, inserted open, closed
-- by the contacts step at the last snapshot before the series' gap of more
-- than stale_after: 30 s)
SELECT is((SELECT string_agg(format('%s %s..%s x%s a%s/p%s c%s', callsign,
                                    extract(epoch FROM started_at - timestamptz '2024-01-01 01:00+00')::int,
                                    extract(epoch FROM ended_at - timestamptz '2024-01-01 01:00+00')::int,
                                    connections, aircraft, peak_aircraft, contact_seconds), ', '
                             ORDER BY callsign, started_at)
           FROM vatsim.controller_summaries),
          'A_CTR -600..345 x1 a1/p1 c30, B_APP -100..345 x2 a2/p1 c50, C_APP -100..30 x1 a1/p1 c30, '
          'C_APP 331..345 x1 a0/p0 c0, D_TWR -50..30 x2 a1/p1 c30',
          'the summaries of the series');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE summary_due), 0, 'none left due');
SELECT is((SELECT count(*)::int FROM vatsim.controller_summaries), :a_n, 'the restarted run has as many summaries');
SELECT is((SELECT md5(string_agg(s::text, '|' ORDER BY session_id)) FROM vatsim.controller_summaries s), :'a_md5',
          'and exactly the same ones, every column');
SELECT is((SELECT count(*)::int || ' ' || md5(string_agg(h::text, '|' ORDER BY session_id, hour))
           FROM vatsim.controller_summary_hours h), :a_hn || ' ' || :'a_hmd5',
          'and exactly the same hours rows');
SELECT * FROM finish();
\c postgres
\o /dev/null
DROP DATABASE vatsim_ctlsum_a;
DROP DATABASE vatsim_ctlsum_b;
