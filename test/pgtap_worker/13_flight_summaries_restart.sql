-- Flight summaries survive restarts exactly: database A replays the real
-- snapshots of test/sql/replay_end.sql (the last one empty, 301 s later:
-- every flight ends) in one backend; database B ingests the same documents, a
-- new backend (\c) before each group, so only the tables carry over.  The
-- aggregates and the summaries must be identical, every column.
\set ON_ERROR_STOP 1
\set QUIET 1
\o /dev/null
SET client_min_messages = error;
DROP DATABASE IF EXISTS vatsim_fsum_a;
DROP DATABASE IF EXISTS vatsim_fsum_b;
CREATE DATABASE vatsim_fsum_a;
CREATE DATABASE vatsim_fsum_b;

\c vatsim_fsum_a
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;
\i test/sql/synthetic.sql
\i test/sql/replay_end.sql
SELECT replay.run(1, 14);
SELECT count(*) AS a_open FROM vatsim.flight_stats s WHERE s.open \gset
SELECT count(*) AS a_stats_n, md5(string_agg(s::text, '|' ORDER BY flight_id)) AS a_stats
FROM vatsim.flight_stats s \gset
SELECT count(*) AS a_sum_n, md5(string_agg(s::text, '|' ORDER BY flight_id)) AS a_sums
FROM vatsim.flight_summaries s \gset

\c vatsim_fsum_b
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;
\i test/sql/synthetic.sql
\i test/sql/replay_end.sql
SELECT replay.run(1, 1);
\c vatsim_fsum_b
SELECT replay.run(2, 2);
\c vatsim_fsum_b
SELECT replay.run(3, 3);
\c vatsim_fsum_b
SELECT replay.run(4, 8);
\c vatsim_fsum_b
SELECT replay.run(9, 13);
\c vatsim_fsum_b
SELECT replay.run(14, 14);
\c vatsim_fsum_b
SET client_min_messages = error;
CREATE EXTENSION pgtap;
\o
SELECT plan(5);
SELECT cmp_ok(:a_sum_n, '>', 1000, 'the uninterrupted replay summarised every flight');
SELECT is(:a_open::bigint, 0::bigint, 'and none is open');
SELECT is((SELECT count(*) FROM vatsim.flight_summaries), :a_sum_n::bigint, 'the restarted replay has as many summaries');
SELECT is((SELECT md5(string_agg(s::text, '|' ORDER BY flight_id)) FROM vatsim.flight_stats s), :'a_stats',
          'exactly the same aggregates, every column');
SELECT is((SELECT md5(string_agg(s::text, '|' ORDER BY flight_id)) FROM vatsim.flight_summaries s), :'a_sums',
          'exactly the same summaries, every column');
SELECT * FROM finish();

\c postgres
\o /dev/null
SET client_min_messages = error;
DROP DATABASE vatsim_fsum_a;
DROP DATABASE vatsim_fsum_b;
