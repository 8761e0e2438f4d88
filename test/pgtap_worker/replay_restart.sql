-- A restart in the middle of a replay gives exactly the same intervals, of
-- sectors and of ATC contacts.  Database A replays 13 real snapshots (seq1,
-- seq2, seq3, then ten steps of seq3's pilots moving along their headings),
-- with generated transceivers documents (test/sql/replay_transceivers.sql),
-- in one backend; database B replays the same snapshots one by one, each
-- from a new backend (every \c is a new process: caches, prepared plans and
-- settings start afresh), so all that carries over is what is in the tables.
-- Runs outside a transaction, in database postgres, which it uses only to
-- create A and B.
\set ON_ERROR_STOP 1
\set QUIET 1
\o /dev/null
SET client_min_messages = error;
DROP DATABASE IF EXISTS vatsim_replay_a;
DROP DATABASE IF EXISTS vatsim_replay_b;
CREATE DATABASE vatsim_replay_a;
CREATE DATABASE vatsim_replay_b;

\c vatsim_replay_a
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;
\i test/sql/replay.sql
\i test/sql/replay_transceivers.sql
SELECT replay.run(1, 13);
-- every column of every interval, in order, as one digest (psql variables
-- survive \c)
SELECT count(*) AS a_n,
       count(*) FILTER (WHERE exit_reason = 'left') AS a_left,
       count(*) FILTER (WHERE exit_reason = 'gone') AS a_gone,
       count(*) FILTER (WHERE exit_reason = 'slow') AS a_slow,
       md5(string_agg(o::text, '|' ORDER BY occupancy_id)) AS a_md5
FROM vatsim.sector_occupancy o \gset
-- contacts: every column but the identity, in content order
SELECT count(*) AS a_cn, count(*) FILTER (WHERE ended_at IS NOT NULL) AS a_cclosed,
       md5(string_agg(row(c.flight_id, c.session_id, c.pilot_callsign, c.atc_callsign, c.frequency_khz,
                          c.started_at, c.ended_at)::text, '|' ORDER BY c.flight_id, c.session_id,
                      c.frequency_khz, c.started_at)) AS a_cmd5
FROM vatsim.atc_contacts c \gset
-- the sector history aggregates (sector_count_hours, sector_bounds)
SELECT count(*) AS a_hn, md5(string_agg(h::text, '|' ORDER BY hour, sector_set, sector)) AS a_hmd5
FROM vatsim.sector_count_hours h \gset
SELECT md5(string_agg(b::text, '|' ORDER BY sector, sector_set)) AS a_bmd5 FROM vatsim.sector_bounds b \gset
-- the transitions by hour (0.7.0), by name (pair ids are numbering only)
SELECT (SELECT md5(string_agg(format('%s %s %s %s %s %s %s', h.hour, h.sector_set, x.from_sector, x.to_sector, u.e, u.p, u.q), '|'
                       ORDER BY h.hour, h.sector_set, u.e, x.from_sector, x.to_sector, u.p, u.q))
 FROM vatsim.sector_transition_hours h,
      unnest(h.pair_ids, h.entry_times, h.prev_entry_times, h.prev_pair_entry_times) AS u(id, e, p, q)
 JOIN vatsim.sector_transition_pairs x ON x.pair_id = u.id) AS a_tmd5 \gset

\c vatsim_replay_b
SET client_min_messages = error;
CREATE EXTENSION vatsim_ingest;
\i test/sql/replay.sql
\i test/sql/replay_transceivers.sql
SELECT replay.run(1, 1);
\c vatsim_replay_b
SELECT replay.run(2, 2);
\c vatsim_replay_b
SELECT replay.run(3, 3);
\c vatsim_replay_b
SELECT replay.run(4, 6);
\c vatsim_replay_b
SELECT replay.run(7, 7);
\c vatsim_replay_b
SELECT replay.run(8, 11);
\c vatsim_replay_b
SELECT replay.run(12, 13);
\c vatsim_replay_b
SET client_min_messages = error;
CREATE EXTENSION pgtap;
\o
SELECT plan(13);
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 13, 'thirteen snapshots replayed');
SELECT cmp_ok(:a_n, '>', 1000, 'the uninterrupted replay made intervals');
SELECT cmp_ok(:a_left, '>', 0, 'some closed as left');
SELECT cmp_ok(:a_gone, '>', 0, 'some as gone (seq3 is 34 min after seq2)');
SELECT cmp_ok(:a_slow, '>', 0, 'some as slow (landings)');
SELECT is((SELECT count(*)::int FROM vatsim.sector_occupancy), :a_n, 'the restarted replay has as many intervals');
SELECT is((SELECT md5(string_agg(o::text, '|' ORDER BY occupancy_id)) FROM vatsim.sector_occupancy o), :'a_md5',
          'and exactly the same ones, every column');
SELECT cmp_ok(:a_cn, '>', 100, 'the uninterrupted replay made contacts');
SELECT cmp_ok(:a_cclosed, '>', 50, 'and closed some');
SELECT is((SELECT md5(string_agg(row(c.flight_id, c.session_id, c.pilot_callsign, c.atc_callsign, c.frequency_khz,
                                     c.started_at, c.ended_at)::text, '|' ORDER BY c.flight_id, c.session_id,
                                 c.frequency_khz, c.started_at))
           FROM vatsim.atc_contacts c), :'a_cmd5',
          'the restarted replay has exactly the same contacts, every column');
SELECT cmp_ok(:a_hn, '>', 100, 'the uninterrupted replay kept sector counts by hour');
SELECT is((SELECT md5(string_agg(h::text, '|' ORDER BY hour, sector_set, sector)) FROM vatsim.sector_count_hours h)
          || ' ' || (SELECT md5(string_agg(b::text, '|' ORDER BY sector, sector_set)) FROM vatsim.sector_bounds b),
          :'a_hmd5' || ' ' || :'a_bmd5',
          'the restarted replay has exactly the same sector counts by hour and sector bounds');
SELECT is((SELECT md5(string_agg(format('%s %s %s %s %s %s %s', h.hour, h.sector_set, x.from_sector, x.to_sector, u.e, u.p, u.q), '|'
                                 ORDER BY h.hour, h.sector_set, u.e, x.from_sector, x.to_sector, u.p, u.q))
           FROM vatsim.sector_transition_hours h,
                unnest(h.pair_ids, h.entry_times, h.prev_entry_times, h.prev_pair_entry_times) AS u(id, e, p, q)
           JOIN vatsim.sector_transition_pairs x ON x.pair_id = u.id), :'a_tmd5',
          'the restarted replay has exactly the same transitions by hour');
SELECT * FROM finish();
\c postgres
\o /dev/null
DROP DATABASE vatsim_replay_a;
DROP DATABASE vatsim_replay_b;
