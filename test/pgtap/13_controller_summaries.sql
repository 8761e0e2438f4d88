-- Controller summaries (issue 11), on handmade snapshots with contact rows
-- inserted directly into vatsim.atc_contacts (this branch does not fill it):
-- three aircraft one after the other (peak 1, intervals that meet do not
-- overlap) vs two overlapping (peak 2 and when); one flight on two
-- frequencies (the union, not the sum); a contact still open, and one
-- opened in the session's last snapshot (the closed end); a session from
-- 23:50 to 01:10 the next day and one over two days (hours rows, staffed and
-- contact seconds); a reconnect within the grace (one summary, two
-- connections) and after it (two summaries); frequencies used; a 0-second
-- session; type and range from the built-in table and after an override;
-- written once (a later and a duplicate snapshot add nothing); a reopened
-- session's summary replaced; an independent model (per-second sampling in
-- plain SQL) compared column by column; and the update of 0.4.0 rows.
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(48);

\i test/sql/synthetic.sql
\i test/sql/controllers.sql

-- A session's id by callsign (its newest)
CREATE FUNCTION pg_temp.sid(cs text) RETURNS bigint LANGUAGE sql AS $$
    SELECT session_id FROM vatsim.controller_sessions WHERE callsign = cs ORDER BY logon_time DESC LIMIT 1
$$;
-- A contact row: flight f with the newest session of cs, [a, b) in seconds
-- after t(0) (b NULL: open)
CREATE PROCEDURE pg_temp.contact(cs text, f bigint, a int, b int, khz int DEFAULT 118500)
LANGUAGE sql AS $$
    INSERT INTO vatsim.atc_contacts (flight_id, session_id, pilot_callsign, atc_callsign, frequency_khz,
                                     started_at, ended_at)
    VALUES (f, pg_temp.sid(cs), 'PILOT' || f, cs, khz, pg_temp.t(a), pg_temp.t(b))
$$;
-- A callsign's summaries as text, times in seconds after t(0):
-- start..end duration xconnections aircraft/peak@peak_at contact_seconds
CREATE FUNCTION pg_temp.s(cs text) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s..%s %ss x%s a%s/p%s@%s c%s',
                    extract(epoch FROM started_at - pg_temp.t(0))::int,
                    extract(epoch FROM ended_at - pg_temp.t(0))::int, duration_s, connections,
                    aircraft, peak_aircraft,
                    coalesce(extract(epoch FROM peak_at - pg_temp.t(0))::int::text, '-'), contact_seconds),
                    ' | ' ORDER BY started_at), '')
    FROM vatsim.controller_summaries WHERE callsign = cs
$$;
-- A callsign's hours rows: hour(UTC) staffed/aircraft/contact
CREATE FUNCTION pg_temp.h(cs text) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s %s/%s/%s', to_char(h.hour AT TIME ZONE 'UTC', 'MM-DD HH24'),
                                      h.staffed_seconds, h.aircraft, h.contact_seconds),
                               ', ' ORDER BY h.hour), '')
    FROM vatsim.controller_summary_hours h JOIN vatsim.controller_summaries s USING (session_id)
    WHERE s.callsign = cs
$$;

-- The timeline: which connection (callsign, logon, frequency, facility)
-- each snapshot carries.  DAYS_CTR logs on 2023-12-30 00:30, MID_CTR
-- 2023-12-31 23:50 (t(0) is 2024-01-01 01:00); the rest at t(0) and after.
-- RECON_TWR is back at 300 with a new connection 200 s after last seen;
-- SPLIT_TWR at 600, 500 s after (a new session: its first ends then);
-- REOPEN_APP ends at 600 and its connection shows up again at 700; ZERO_DEL
-- logs on at 600 and is never seen again.
CREATE TEMP TABLE timeline (callsign text, logon_s int, freq text, facility int, seen int[]);
INSERT INTO timeline VALUES
    ('DAYS_CTR', -174600, '118.500', 4, '{-174600,-4200,0,100,300,600}'),
    ('MID_CTR', -4200, '118.500', 4, '{-4200,0,100,300,600}'),
    ('SEQ_APP', 0, '118.500', 4, '{0,100,300,600}'),
    ('OVL_APP', 0, '118.500', 4, '{0,100,300,600}'),
    ('UNI_TWR', 0, '118.500', 4, '{0,100,300,600}'),
    ('OPEN_GND', 0, '118.500', 4, '{0,100,300,600}'),
    ('RECON_TWR', 0, '118.100', 4, '{0,100}'),
    ('RECON_TWR', 290, '118.200', 4, '{300,600}'),
    ('FREQ_CTR', 0, '199.998', 4, '{0}'),
    ('FREQ_CTR', 0, '121.000', 4, '{100,600}'),
    ('FREQ_CTR', 0, '122.000', 4, '{300}'),
    ('SPLIT_TWR', 0, '118.500', 4, '{0,100}'),
    ('SPLIT_TWR', 500, '118.500', 4, '{600,700,901,1001}'),
    ('REOPEN_APP', 0, '118.500', 4, '{0,100,700}'),
    ('ZERO_DEL', 600, '118.500', 4, '{600}'),
    ('XYZ_OBS', 0, '199.998', 0, '{0,100,300,600}');
-- Ingest the snapshot at t(s) of the timeline
CREATE FUNCTION pg_temp.at(s int) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.csnap(s, VARIADIC coalesce(array_agg(pg_temp.c(callsign, logon_s, freq, facility) ORDER BY callsign),
                                              '{}'))
    FROM timeline WHERE s = ANY (seen)
$$;
SELECT is(pg_temp.at(-174600), 'ingested', 'Dec 30 00:30 ingested');
SELECT is(pg_temp.at(-4200), 'ingested', 'Dec 31 23:50 ingested');
SELECT is(pg_temp.at(0), 'ingested', 't=0 ingested');
CALL pg_temp.contact('REOPEN_APP', 500, 0, 50);
SELECT is(pg_temp.at(100), 'ingested', 't=100 ingested');
SELECT is(pg_temp.at(300), 'ingested', 't=300 ingested');
SELECT is((SELECT count(*)::int FROM vatsim.controller_summaries), 0, 'no session has ended: no summary');
SELECT is(pg_temp.at(600), 'ingested', 't=600 ingested');
SELECT is(pg_temp.s('SPLIT_TWR'), '0..100 100s x1 a0/p0@- c0', 'absent past the grace: the first session is summarised');
SELECT is(pg_temp.s('REOPEN_APP'), '0..100 100s x1 a1/p1@0 c50', 'REOPEN_APP summarised at its first end');
SELECT is(pg_temp.h('REOPEN_APP'), '01-01 01 100/1/50', 'REOPEN_APP: one hours row');

-- t=700: REOPEN_APP's connection shows up again (the session reopens)
SELECT is(pg_temp.at(700), 'ingested', 't=700 ingested');
SELECT is((SELECT ended_at IS NULL FROM vatsim.controller_sessions WHERE callsign = 'REOPEN_APP'), true,
          'REOPEN_APP reopened');

-- The contacts of the sessions that end at t=901.  SEQ_APP: three one after
-- the other, 102 ending exactly when 103 starts.  OVL_APP: 201 and 202
-- overlap from 100 to 300.  UNI_TWR: one flight on two frequencies,
-- [0, 200) and [100, 300).  OPEN_GND: 401 still open, 402 opened at 600
-- (the session's last snapshot) and closed at 615, after its end.  MID_CTR:
-- a flight from 23:55 to 00:05 and one from 00:59:00 to 01:01:00.
CALL pg_temp.contact('SEQ_APP', 101, 0, 100);
CALL pg_temp.contact('SEQ_APP', 102, 200, 300);
CALL pg_temp.contact('SEQ_APP', 103, 300, 400);
CALL pg_temp.contact('OVL_APP', 201, 0, 300);
CALL pg_temp.contact('OVL_APP', 202, 100, 400);
CALL pg_temp.contact('UNI_TWR', 301, 0, 200, 118500);
CALL pg_temp.contact('UNI_TWR', 301, 100, 300, 119000);
CALL pg_temp.contact('OPEN_GND', 401, 500, NULL);
CALL pg_temp.contact('OPEN_GND', 402, 600, 615);
CALL pg_temp.contact('MID_CTR', 601, -3900, -3300);
CALL pg_temp.contact('MID_CTR', 602, -60, 60);
CALL pg_temp.contact('DAYS_CTR', 701, -90000, -82800);
CALL pg_temp.contact('REOPEN_APP', 501, 650, 700);

-- t=901: everything last seen at 600 is absent 301 s: ended, summarised
SELECT is(pg_temp.at(901), 'ingested', 't=901 ingested');
SELECT is(pg_temp.s('SEQ_APP'), '0..600 600s x1 a3/p1@0 c300',
          'three aircraft one after the other: aircraft 3, peak 1 (102 ends as 103 starts)');
SELECT is(pg_temp.s('OVL_APP'), '0..600 600s x1 a2/p2@100 c600', 'two overlapping: peak 2 at the start of the overlap');
SELECT is(pg_temp.s('UNI_TWR'), '0..600 600s x1 a1/p1@0 c300',
          'one flight on two overlapping frequencies: the union (300 s, not 400), peak 1');
SELECT is(pg_temp.s('OPEN_GND'), '0..600 600s x1 a2/p2@600 c100',
          'an open contact ends with the session; one opened in the last snapshot is in contact at the end for 0 s');
SELECT is(pg_temp.s('MID_CTR'), '-4200..600 4800s x1 a2/p1@-3900 c720', 'the session across midnight');
SELECT is(pg_temp.h('MID_CTR'), '12-31 23 600/1/300, 01-01 00 3600/2/360, 01-01 01 600/1/60',
          'across midnight: hours 23, 00 and 01 of the next day, staffed and contact seconds split at the hours');
SELECT is(pg_temp.s('DAYS_CTR'), '-174600..600 175200s x1 a1/p1@-90000 c7200', 'the session over two days');
SELECT is((SELECT count(*)::int || ' ' || sum(h.staffed_seconds) || ' ' || sum(h.contact_seconds) || ' '
                  || min(h.staffed_seconds) || ' ' || max(h.aircraft)
           FROM vatsim.controller_summary_hours h JOIN vatsim.controller_summaries s USING (session_id)
           WHERE callsign = 'DAYS_CTR'),
          '50 175200 7200 600 1', 'over two days: 50 hours rows (no folding onto 0-23), their seconds add up');
SELECT is((SELECT string_agg(to_char(h.hour AT TIME ZONE 'UTC', 'MM-DD HH24') || ' ' || h.staffed_seconds, ', ' ORDER BY h.hour)
           FROM vatsim.controller_summary_hours h JOIN vatsim.controller_summaries s USING (session_id)
           WHERE s.callsign = 'DAYS_CTR' AND (h.staffed_seconds < 3600 OR h.contact_seconds > 0)),
          '12-30 00 1800, 12-31 00 3600, 12-31 01 3600, 01-01 01 600',
          'over two days: the first and last hours part-staffed, the contact (Dec 31 00:00 to 02:00) in its two hours');
SELECT is(pg_temp.s('RECON_TWR'), '0..600 600s x2 a0/p0@- c0', 'a reconnect within the grace: one summary, two connections');
SELECT is((SELECT frequencies::text FROM vatsim.controller_summaries WHERE callsign = 'RECON_TWR'),
          '{118.100,118.200}', 'frequencies of both connections');
SELECT is((SELECT frequencies::text FROM vatsim.controller_summaries WHERE callsign = 'FREQ_CTR'),
          '{121.000,122.000}', 'frequencies used in order of first use, once each, 199.998 left out');
SELECT is((SELECT frequencies::text || ' ' || is_observer || ' ' || no_frequency FROM vatsim.controller_summaries
           WHERE callsign = 'XYZ_OBS'),
          '{} true true', 'an observer on 199.998: no frequency, flagged');
SELECT is(pg_temp.s('ZERO_DEL') || ' / ' || pg_temp.h('ZERO_DEL'), '600..600 0s x1 a0/p0@- c0 / 01-01 01 0/0/0',
          'a 0-second session: duration 0 and one hours row with 0 s (no one-minute bump)');
SELECT is((SELECT string_agg(callsign || ' ' || type || ' ' || range_nm, ', ' ORDER BY callsign)
           FROM vatsim.controller_summaries WHERE callsign IN ('MID_CTR', 'SEQ_APP', 'UNI_TWR', 'OPEN_GND', 'ZERO_DEL', 'XYZ_OBS')),
          'MID_CTR Center 400, OPEN_GND Ground 15, SEQ_APP Approach 60, UNI_TWR Tower 15, XYZ_OBS Other 15, ZERO_DEL Ground 15',
          'type and range from the built-in table');

-- The independent model: every second s of each ended session's span, a
-- flight in contact at s when one of its rows has started_at <= s <
-- ended_at (open: no end); seconds counted in [start, end), instants (peak,
-- aircraft) in [start, end].  Type and range from its own list.
CREATE TEMP TABLE m_ses AS
SELECT session_id, cid, callsign, facility, rating, least(logon_time, first_seen) AS st, ended_at AS en,
       connections, is_observer, no_frequency, frequencies
FROM vatsim.controller_sessions WHERE ended_at IS NOT NULL;
CREATE TEMP TABLE m_sec AS
SELECT m.session_id, g.s, g.s < m.en AS counted, m.st = m.en AS zero
FROM m_ses m, generate_series(m.st, m.en, interval '1 s') g(s);
CREATE TEMP TABLE m_inc AS
SELECT DISTINCT x.session_id, x.s, x.counted, c.flight_id
FROM m_sec x JOIN vatsim.atc_contacts c ON c.session_id = x.session_id
 AND c.started_at <= x.s AND (c.ended_at IS NULL OR x.s < c.ended_at);
CREATE TEMP TABLE model AS
WITH per_s AS (SELECT session_id, s, count(*) AS n FROM m_inc GROUP BY 1, 2),
pk AS (SELECT DISTINCT ON (session_id) session_id, n, s FROM per_s ORDER BY session_id, n DESC, s)
SELECT m.session_id, m.cid, m.callsign::text,
       CASE upper(regexp_replace(m.callsign, '^.*_', ''))
            WHEN 'DEL' THEN 'Ground' WHEN 'GND' THEN 'Ground' WHEN 'TWR' THEN 'Tower'
            WHEN 'APP' THEN 'Approach' WHEN 'DEP' THEN 'Approach' WHEN 'CTR' THEN 'Center'
            WHEN 'FSS' THEN 'FSS' ELSE 'Other' END AS type,
       CASE upper(regexp_replace(m.callsign, '^.*_', ''))
            WHEN 'APP' THEN 60 WHEN 'DEP' THEN 60 WHEN 'CTR' THEN 400 WHEN 'FSS' THEN 1000 ELSE 15 END::float8 AS range_nm,
       m.facility, m.rating, m.st AS started_at, m.en AS ended_at,
       (SELECT count(*) FROM m_sec x WHERE x.session_id = m.session_id AND x.counted)::int AS duration_s,
       m.connections, m.is_observer, m.no_frequency, m.frequencies,
       (SELECT count(DISTINCT flight_id) FROM m_inc i WHERE i.session_id = m.session_id)::int AS aircraft,
       coalesce(pk.n, 0)::int AS peak_aircraft, pk.s AS peak_at,
       (SELECT count(*) FROM m_inc i WHERE i.session_id = m.session_id AND i.counted)::bigint AS contact_seconds
FROM m_ses m LEFT JOIN pk USING (session_id);
CREATE TEMP TABLE model_hours AS
SELECT h.session_id, h.hour, h.staffed::int, coalesce(i.aircraft, 0)::int AS aircraft,
       coalesce(i.cs, 0)::bigint AS contact_seconds
FROM (SELECT session_id, date_trunc('hour', s, 'UTC') AS hour, count(*) FILTER (WHERE counted) AS staffed,
             bool_or(counted OR zero) AS keep
      FROM m_sec GROUP BY 1, 2) h
LEFT JOIN (SELECT session_id, date_trunc('hour', s, 'UTC') AS hour, count(DISTINCT flight_id) AS aircraft,
                  count(*) FILTER (WHERE counted) AS cs
           FROM m_inc GROUP BY 1, 2) i USING (session_id, hour)
WHERE h.keep;
SELECT is((SELECT count(*)::int FROM model), 11, 'the model has the 11 ended sessions (REOPEN_APP is open again)');
SELECT set_eq(
    $$SELECT session_id, cid, callsign::text, type, range_nm, facility, rating, started_at, ended_at, duration_s,
             connections, is_observer, no_frequency, frequencies, aircraft, peak_aircraft, peak_at, contact_seconds
      FROM vatsim.controller_summaries WHERE session_id IN (SELECT session_id FROM m_ses)$$,
    $$SELECT * FROM model$$,
    'every column of every summary as the independent model has it');
SELECT set_eq(
    $$SELECT session_id, hour, staffed_seconds, aircraft, contact_seconds
      FROM vatsim.controller_summary_hours WHERE session_id IN (SELECT session_id FROM m_ses)$$,
    $$SELECT * FROM model_hours$$,
    'every hours row as the independent model has it');
SELECT is((SELECT count(*)::int FROM vatsim.controller_summaries WHERE summarised_at <> pg_temp.t(901)
                                                                  AND callsign NOT IN ('SPLIT_TWR', 'REOPEN_APP')),
          0, 'summarised_at: the snapshot that ended them');

-- An operator override; REOPEN_APP (reopened at 700, with a new contact)
-- ends at t=1001: its summary is replaced, the others stay as written
INSERT INTO vatsim.controller_ranges VALUES ('APP', 'Radar', 80);
CREATE TEMP TABLE before_1001 AS
SELECT md5(string_agg(s::text, '|' ORDER BY session_id)) AS m FROM vatsim.controller_summaries s
WHERE callsign <> 'REOPEN_APP';
SELECT is(pg_temp.at(1001), 'ingested', 't=1001 ingested');
SELECT is(pg_temp.s('REOPEN_APP'), '0..700 700s x1 a2/p1@0 c100', 'the reopened session''s summary replaced, not added');
SELECT is(pg_temp.h('REOPEN_APP'), '01-01 01 700/2/100', 'and its hours row replaced');
SELECT is((SELECT type || ' ' || range_nm || ' ' || extract(epoch FROM summarised_at - pg_temp.t(0))::int
           FROM vatsim.controller_summaries WHERE callsign = 'REOPEN_APP'),
          'Radar 80 1001', 'type and range after an override in vatsim.controller_ranges');
SELECT is((SELECT md5(string_agg(s::text, '|' ORDER BY session_id)) FROM vatsim.controller_summaries s
           WHERE callsign <> 'REOPEN_APP'),
          (SELECT m FROM before_1001), 'the summaries written before are untouched (SEQ_APP keeps Approach 60)');

-- t=1400: SPLIT_TWR's second session ends; then a duplicate and a later
-- snapshot write nothing
SELECT is(pg_temp.csnap(1400), 'ingested', 't=1400 ingested');
SELECT is(pg_temp.s('SPLIT_TWR'), '0..100 100s x1 a0/p0@- c0 | 500..1001 501s x1 a0/p0@- c0',
          'a reconnect after the grace: two sessions, two summaries');
CREATE TEMP TABLE before_dup AS
SELECT (SELECT md5(string_agg(s::text, '|' ORDER BY session_id)) FROM vatsim.controller_summaries s) AS m,
       (SELECT md5(string_agg(h::text, '|' ORDER BY session_id, hour)) FROM vatsim.controller_summary_hours h) AS mh;
SELECT is((vatsim.ingest(pg_temp.cdoc(1400))).status, 'duplicate', 't=1400 again: duplicate');
SELECT is(pg_temp.csnap(1500), 'ingested', 't=1500 ingested');
SELECT is((SELECT md5(string_agg(s::text, '|' ORDER BY session_id)) FROM vatsim.controller_summaries s)
          || (SELECT md5(string_agg(h::text, '|' ORDER BY session_id, hour)) FROM vatsim.controller_summary_hours h),
          (SELECT m || mh FROM before_dup), 'a duplicate and a later snapshot change no summary');
SELECT is((SELECT count(*)::int FROM vatsim.controller_summaries), 13, 'one summary per ended session: 13');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions
           WHERE summary_due), 0, 'no session left due');
SELECT is((SELECT count(*)::int FROM vatsim.snapshots WHERE analytics_error IS NOT NULL), 0, 'no analytics error');

-- Rows stored by 0.4.0: frequencies from their one frequency; an ended one
-- gets no summary (its contacts were never recorded), an open one gets
-- one when it ends
DROP EXTENSION vatsim_ingest CASCADE;
CREATE EXTENSION vatsim_ingest VERSION '0.4.0';
INSERT INTO vatsim.controller_sessions (cid, callsign, logon_time, first_seen, last_seen, frequency, facility, rating, ended_at)
VALUES (1, 'OLD_OBS', pg_temp.t(-100), pg_temp.t(0), pg_temp.t(15), '199.998', 0, 1, pg_temp.t(30)),
       (2, 'OLD_TWR', pg_temp.t(-100), pg_temp.t(0), pg_temp.t(900), '118.100', 4, 3, NULL),
       (3, 'OLD_APP', pg_temp.t(-100), pg_temp.t(0), pg_temp.t(15), '119.100', 5, 3, pg_temp.t(30));
ALTER EXTENSION vatsim_ingest UPDATE;  -- to the newest (through 0.5.0)
SELECT is((SELECT string_agg(callsign || ' ' || frequencies::text, ', ' ORDER BY cid) FROM vatsim.controller_sessions),
          'OLD_OBS {}, OLD_TWR {118.100}, OLD_APP {119.100}', 'updated rows: frequencies from their frequency');
SELECT is(pg_temp.csnap(1300), 'ingested', 'the updated installation ingests');
SELECT is((SELECT string_agg(callsign || ' ' || duration_s, ', ') FROM vatsim.controller_summaries),
          'OLD_TWR 1000', 'only the session open at the update is summarised when it ends');

SELECT * FROM finish();
ROLLBACK;
