-- Controller sessions across reconnects (issue 11), on handmade snapshots:
-- one row for a continuous session; a reconnect whose logon_time is at most
-- vatsim_ingest.controller_reconnect_grace (300 s) after the session was last
-- seen continues it (exactly 300 s: yes, 301 s: no); a session absent
-- exactly the grace stays open, one absent longer ends at its last_seen; a
-- connection that shows up late reopens its session; observers and
-- 199.998 are kept and flagged; other callsigns or cids are other rows;
-- the setting; duplicates; and the update of rows stored by 0.4.0.
-- Every snapshot is its own vatsim.ingest call, so all that carries over
-- between them is what the table holds (test/pgtap_worker/
-- controller_sessions_restart.sql replays with a new backend each time).
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(37);

\i test/sql/synthetic.sql
\i test/sql/controllers.sql
-- A callsign's sessions as text, times in seconds after t(0):
-- logon/last_logon..last_seen xconnections ended|open
CREATE FUNCTION pg_temp.s(cs text, cid int DEFAULT 900001) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s/%s..%s x%s %s',
                    extract(epoch FROM logon_time - pg_temp.t(0))::int,
                    extract(epoch FROM last_logon_time - pg_temp.t(0))::int,
                    extract(epoch FROM last_seen - pg_temp.t(0))::int, connections,
                    coalesce('ended ' || extract(epoch FROM ended_at - pg_temp.t(0))::int, 'open')),
                    ' ' ORDER BY logon_time), '')
    FROM vatsim.controller_sessions s WHERE s.callsign = cs AND s.cid = $2
$$;

-- t=0, 15, 30: CONT online throughout; QUICK leaves at 15 and is back at 30
-- with a new connection; PRIME starts on 199.998 and primes 118.700; the
-- same cid on two callsigns, and one callsign under two cids
SELECT is(pg_temp.csnap(0, pg_temp.c('CONT_CTR', -600), pg_temp.c('EXACT_APP', -100), pg_temp.c('LATE_APP', -100),
                           pg_temp.c('QUICK_TWR', -50), pg_temp.c('OBSERVER', -10, '199.998', 0),
                           pg_temp.c('PRIME_TWR', 0, '199.998'), pg_temp.c('STAFF_SUP', -10, '199.998', 5),
                           pg_temp.c('CLOSE_GND', -20), pg_temp.c('GLITCH_DEL', -30),
                           pg_temp.c('EDDF_TWR', -40, cid => 900100), pg_temp.c('EDDF_GND', -40, cid => 900100),
                           pg_temp.c('SHARED_CTR', -40, cid => 900201), pg_temp.c('SHARED_CTR2', -40, cid => 900202)),
          'ingested', 't=0 ingested');
SELECT is(pg_temp.csnap(15, pg_temp.c('CONT_CTR', -600), pg_temp.c('EXACT_APP', -100), pg_temp.c('LATE_APP', -100),
                            pg_temp.c('OBSERVER', -10, '199.998', 0),
                            pg_temp.c('PRIME_TWR', 0, '118.700'), pg_temp.c('STAFF_SUP', -10, '199.998', 5),
                            pg_temp.c('CLOSE_GND', -20), pg_temp.c('GLITCH_DEL', -30),
                            pg_temp.c('EDDF_TWR', -40, cid => 900100), pg_temp.c('EDDF_GND', -40, cid => 900100),
                            pg_temp.c('SHARED_CTR', -40, cid => 900201)),
          'ingested', 't=15 ingested');
SELECT is(pg_temp.s('QUICK_TWR'), '-50/-50..0 x1 open', 'absent 15 s: the session stays open');
SELECT is(pg_temp.csnap(30, pg_temp.c('CONT_CTR', -600), pg_temp.c('EXACT_APP', -100), pg_temp.c('LATE_APP', -100),
                            pg_temp.c('QUICK_TWR', 25), pg_temp.c('OBSERVER', -10, '199.998', 0),
                            pg_temp.c('PRIME_TWR', 0, '118.700'), pg_temp.c('STAFF_SUP', -10, '199.998', 5),
                            pg_temp.c('CLOSE_GND', -20), pg_temp.c('GLITCH_DEL', -30),
                            pg_temp.c('SHARED_CTR', -40, cid => 900201)),
          'ingested', 't=30 ingested');
SELECT is(pg_temp.s('CONT_CTR'), '-600/-600..30 x1 open', 'continuous session over three snapshots: one row, one connection');
SELECT is(pg_temp.s('QUICK_TWR'), '-50/25..30 x2 open',
          'a reconnect 25 s after last seen: the same row, the first logon_time kept, two connections');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE callsign = 'QUICK_TWR'), 1,
          'the reconnect is not counted twice');
SELECT is((SELECT is_observer::text || ' ' || no_frequency::text || ' ' || facility || ' ' || frequency
           FROM vatsim.controller_sessions WHERE callsign = 'OBSERVER'),
          'true true 0 199.998', 'an observer on 199.998 is kept and flagged');
SELECT is((SELECT is_observer::text || ' ' || no_frequency::text
           FROM vatsim.controller_sessions WHERE callsign = 'STAFF_SUP'),
          'false true', 'a controller on 199.998 throughout: kept, flagged no_frequency, not observer');
SELECT is((SELECT is_observer::text || ' ' || no_frequency::text || ' ' || frequency
           FROM vatsim.controller_sessions WHERE callsign = 'PRIME_TWR'),
          'false false 118.700', 'primed after a snapshot on 199.998: not flagged, newest frequency kept');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE cid = 900100), 2,
          'one cid on two callsigns: two sessions');
SELECT is(pg_temp.s('SHARED_CTR', 900201) || ' | ' || pg_temp.s('SHARED_CTR2', 900202), '-40/-40..30 x1 open | -40/-40..0 x1 open',
          'other cid, other session');
SELECT is((SELECT count(*)::int FROM vatsim.controllers), 10, 'current state: the ten controllers of t=30');

-- t=330: EXACT_APP, LATE_APP, CLOSE_GND and GLITCH_DEL absent exactly 300 s:
-- still open.  t=331: absent 301 s: closed at their last_seen
SELECT is(pg_temp.csnap(330, pg_temp.c('CONT_CTR', -600)), 'ingested', 't=330 ingested');
SELECT is(pg_temp.s('CLOSE_GND'), '-20/-20..30 x1 open', 'absent exactly the grace: still open');
SELECT is(pg_temp.s('EDDF_TWR', 900100), '-40/-40..15 x1 ended 15', 'absent 315 s: ended at its last_seen');
SELECT is(pg_temp.csnap(331, pg_temp.c('CONT_CTR', -600)), 'ingested', 't=331 ingested');
SELECT is(pg_temp.s('CLOSE_GND'), '-20/-20..30 x1 ended 30', 'absent 301 s: ended at its last_seen');
SELECT is(pg_temp.s('LATE_APP'), '-100/-100..30 x1 ended 30', 'LATE_APP ended too');

-- t=345: EXACT_APP's new connection logged on at 330 = last seen + 300 s:
-- it continues (and reopens) the session; LATE_APP's at 331 = + 301 s starts
-- one; GLITCH_DEL comes back with the same connection (a feed gap): reopened
SELECT is(pg_temp.csnap(345, pg_temp.c('CONT_CTR', -600), pg_temp.c('EXACT_APP', 330),
                             pg_temp.c('LATE_APP', 331), pg_temp.c('GLITCH_DEL', -30)),
          'ingested', 't=345 ingested');
SELECT is(pg_temp.s('EXACT_APP'), '-100/330..345 x2 open', 'logon exactly the grace after last seen: the same session, reopened');
SELECT is(pg_temp.s('LATE_APP'), '-100/-100..30 x1 ended 30 331/331..345 x1 open', 'logon 301 s after last seen: a new session');
SELECT is(pg_temp.s('GLITCH_DEL'), '-30/-30..345 x1 open', 'the same connection after a gap: the same session, one connection');
SELECT is(pg_temp.s('CONT_CTR'), '-600/-600..345 x1 open', 'CONT_CTR: still one row');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at IS NOT NULL AND ended_at <> last_seen), 0,
          'every ended session ends at its last_seen');

-- A duplicate snapshot changes nothing
CREATE TEMP TABLE before_dup AS SELECT md5(string_agg(s::text, '|' ORDER BY session_id)) AS m FROM vatsim.controller_sessions s;
SELECT is((vatsim.ingest(pg_temp.cdoc(345, pg_temp.c('CONT_CTR', -600)))).status, 'duplicate', 't=345 again: duplicate');
SELECT is((SELECT md5(string_agg(s::text, '|' ORDER BY session_id)) FROM vatsim.controller_sessions s),
          (SELECT m FROM before_dup), 'the duplicate changed no session');

-- The setting: with 10 min a reconnect 400 s after last seen continues;
-- with 0 only an overlapping connection does, and an absent session ends
-- at once
SET vatsim_ingest.controller_reconnect_grace = '10min';
SELECT is(pg_temp.csnap(745, pg_temp.c('EXACT_APP', 745)), 'ingested', 't=745 ingested with a 10 min grace');
SELECT is(pg_temp.s('EXACT_APP'), '-100/745..745 x3 open', 'grace 10 min: a logon 400 s after last seen continues');
SET vatsim_ingest.controller_reconnect_grace = 0;
SELECT is(pg_temp.csnap(760, pg_temp.c('EXACT_APP', 750), pg_temp.c('LATE_APP', 340)), 'ingested', 't=760 ingested with grace 0');
SELECT is(pg_temp.s('EXACT_APP'), '-100/745..745 x3 ended 745 750/750..760 x1 open',
          'grace 0: a logon after last seen starts a session, and the old one ends at once');
SELECT is(pg_temp.s('LATE_APP'), '-100/-100..30 x1 ended 30 331/340..760 x2 open',
          'grace 0: a connection that logged on before the session was last seen (overlap) continues it');
RESET vatsim_ingest.controller_reconnect_grace;
SELECT is(current_setting('vatsim_ingest.controller_reconnect_grace'), '5min', 'the default grace is 5 min');

-- Rows stored by 0.4.0 (one per connection) are kept on update: one
-- connection each, flags from their facility and frequency, ended_at their
-- last_seen; the next snapshot continues them by the rule
DROP EXTENSION vatsim_ingest CASCADE;  -- with pg_temp.snap(), which returns its type
CREATE EXTENSION vatsim_ingest VERSION '0.4.0';
INSERT INTO vatsim.controller_sessions (cid, callsign, logon_time, first_seen, last_seen, frequency, facility, rating, ended_at)
VALUES (1, 'OLD_OBS', pg_temp.t(-100), pg_temp.t(0), pg_temp.t(15), '199.998', 0, 1, pg_temp.t(30)),
       (2, 'OLD_TWR', pg_temp.t(-100), pg_temp.t(0), pg_temp.t(900), '118.100', 4, 3, NULL),
       (3, 'OLD_NULL', pg_temp.t(-100), pg_temp.t(0), pg_temp.t(15), NULL, NULL, NULL, pg_temp.t(30));
ALTER EXTENSION vatsim_ingest UPDATE;  -- to the newest (through 0.5.0)
SELECT is((SELECT string_agg(format('%s %s %s %s %s', callsign, connections, last_logon_time = logon_time,
                                    is_observer, no_frequency), ', ' ORDER BY cid)
           FROM vatsim.controller_sessions),
          'OLD_OBS 1 t t t, OLD_TWR 1 t f f, OLD_NULL 1 t f f', 'updated rows: one connection, flags from facility and frequency');
SELECT is((SELECT string_agg(coalesce(extract(epoch FROM ended_at - pg_temp.t(0))::int::text, 'open'), ', ' ORDER BY cid)
           FROM vatsim.controller_sessions),
          '15, open, 15', 'updated rows: ended_at is the last_seen of the ended ones');
SELECT is((SELECT (vatsim.ingest(pg_temp.cdoc(915, pg_temp.c('OLD_TWR', 905, cid => 2)))).status), 'ingested',
          'the updated installation ingests');
SELECT is(pg_temp.s('OLD_TWR', 2), '-100/905..915 x2 open', 'and an old session continues across a reconnect');

SELECT * FROM finish();
ROLLBACK;
