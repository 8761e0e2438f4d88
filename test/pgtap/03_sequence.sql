-- The real time series seq1 -> seq2 (15 s later) -> seq3 (34.5 min later):
-- pilots that vanish, new ones, reconnects that continue a flight or start
-- a new one, plan versions, controller sessions, and duplicate ingest.
-- Flight and plan totals are from a Python replay of the same rules over the
-- same files (test/fixtures/README.md has the callsign-level facts).
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
\set seq1 :fixtures '/v3-2023-08-07T232929Z-754p-seq1.json'
\set seq2 :fixtures '/v3-2023-08-07T232944Z-757p-seq2.json'
\set seq3 :fixtures '/v3-2023-08-08T000359Z-737p-seq3.json'
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(42);

CREATE TEMP TABLE docs AS
SELECT pg_read_file(:'seq2')::jsonb AS seq2, pg_read_file(:'seq3')::jsonb AS seq3;

SELECT is((SELECT status FROM vatsim.ingest_file(:'seq1')), 'ingested', 'seq1 ingested');
SELECT is((SELECT count(*)::int FROM vatsim.flights), 754, 'seq1: a flight per pilot');
SELECT is((SELECT count(*)::int FROM vatsim.flight_plans), 703, 'seq1: a plan version per pilot with a plan');

SELECT is((SELECT status FROM vatsim.ingest_file(:'seq2')), 'ingested', 'seq2 ingested');
SELECT is((SELECT count(*)::int FROM vatsim.flights), 758, 'seq2: 753 flights continue, 4 start');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE status = 'offline'), 1, 'seq2: the pilot that left is offline');
SELECT is((SELECT count(*)::int FROM vatsim.flights f WHERE status = 'offline'
           AND EXISTS (SELECT 1 FROM vatsim.pilots p WHERE p.callsign = f.callsign)), 0,
          'seq2: the pilot that left is gone from vatsim.pilots');
SELECT is((SELECT count(*)::int FROM (SELECT flight_id FROM vatsim.positions GROUP BY 1 HAVING count(*) = 2) x), 753,
          'seq2: 753 flights have two positions');
SELECT is((SELECT count(*)::int FROM vatsim.flight_plans), 708, 'seq2: new plan versions only where plans changed');
SELECT is((SELECT count(*)::int FROM (SELECT flight_id FROM vatsim.flight_plans GROUP BY 1 HAVING count(*) > 1) x), 4,
          'seq2: the 4 amended plans have a second version');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions), 89, 'seq2: 87 sessions continue, 2 start');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at IS NULL), 89, 'seq2: no session closed');
SELECT is((SELECT min(first_seen) FROM vatsim.controller_sessions), '2023-08-07T23:29:29.8856438Z'::timestamptz,
          'seq2: sessions keep their first_seen');

-- The same document again is a no-op
CREATE TEMP TABLE fp AS
SELECT (SELECT count(*) FROM vatsim.positions) AS positions,
       (SELECT md5(string_agg(f::text, ',' ORDER BY flight_id)) FROM vatsim.flights f) AS flights,
       (SELECT md5(string_agg(p::text, ',' ORDER BY callsign)) FROM vatsim.pilots p) AS pilots;
SELECT is((SELECT status FROM vatsim.ingest_file(:'seq2')), 'duplicate', 'seq2 again: duplicate');
SELECT is((SELECT status FROM vatsim.ingest_file(:'seq1')), 'duplicate', 'seq1 again: duplicate, not an error');
SELECT is((SELECT (SELECT count(*) FROM vatsim.positions) = positions
              AND (SELECT md5(string_agg(f::text, ',' ORDER BY flight_id)) FROM vatsim.flights f) = flights
              AND (SELECT md5(string_agg(p::text, ',' ORDER BY callsign)) FROM vatsim.pilots p) = pilots
           FROM fp), true, 'duplicates changed nothing');
SELECT is((SELECT count(*)::int FROM vatsim.snapshots), 2, 'duplicates add no snapshot row');

SAVEPOINT before_seq3;
-- Default grace (10 min): seq3 is 34.5 min later, so every reconnect starts a new flight
SELECT is((SELECT status FROM vatsim.ingest_file(:'seq3')), 'ingested', 'seq3 ingested');
SELECT is((SELECT count(*)::int FROM vatsim.flights), 1002, 'seq3, grace 10 min: flights');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE connections > 1), 0, 'seq3, grace 10 min: no flight spans a reconnect');
SELECT is((SELECT count(*)::int FROM vatsim.flight_plans), 1020, 'seq3, grace 10 min: plan versions');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE status = 'online'), 737, 'seq3: online flights = pilots');
SELECT is((SELECT count(*)::int FROM vatsim.pilots p, docs
           WHERE NOT (docs.seq3->'pilots') @> jsonb_build_array(jsonb_build_object('callsign', p.callsign))), 0,
          'seq3: the 225 pilots that left are gone from vatsim.pilots');
-- Controller sessions (vatsim_ingest.controller_reconnect_grace, 5 min): 36
-- controllers left and 2 reconnected with a logon_time 24.5 and 31 min after
-- seq2 (CYOW_APP, TFTUBS), beyond the grace: seq3 is 34 min after seq2, so
-- those 38 sessions end, at their last_seen (seq2's time).  The expected
-- count is computed from the documents: seq2 controllers with no seq3 record
-- of the same cid and callsign that logged on within 5 min of seq2.
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at = '2023-08-07T23:29:44.877148Z'),
          (SELECT count(*)::int FROM docs, jsonb_array_elements(docs.seq2->'controllers') c
           WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(docs.seq3->'controllers') n
                             WHERE n->'cid' = c->'cid' AND n->'callsign' = c->'callsign'
                               AND (n->>'logon_time')::timestamptz
                                   <= (docs.seq2->'general'->>'update_timestamp')::timestamptz + interval '5 min')),
          'seq3: sessions of controllers that left or reconnected after the grace end');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at = '2023-08-07T23:29:44.877148Z'), 38,
          'seq3: that is 36 that left and 2 that reconnected');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at IS NULL), 93, 'seq3: 93 open sessions');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at IS NOT NULL AND last_seen <> '2023-08-07T23:29:44.877148Z'), 0,
          'seq3: closed sessions keep their last_seen');
-- 89 sessions after seq2, plus 40 new controllers and the 2 reconnects
-- (Python replay of the rule over the three files: 131, none merged)
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions), 131, 'seq3: 131 sessions');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE connections > 1), 0,
          'seq3, grace 5 min: no session spans a reconnect');
ROLLBACK TO SAVEPOINT before_seq3;

-- Grace 1 h: the reconnects with the same departure and arrival continue
SET vatsim_ingest.reconnect_grace = '1h';
SELECT is((SELECT status FROM vatsim.ingest_file(:'seq3')), 'ingested', 'seq3 ingested with grace 1h');
SELECT is((SELECT count(*)::int FROM vatsim.flights), 970, 'seq3, grace 1 h: flights');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE connections = 2), 32,
          'seq3, grace 1 h: 32 reconnects continue their flight');
SELECT is((SELECT count(*)::int FROM vatsim.flight_plans), 1014, 'seq3, grace 1 h: plan versions');
SELECT is((SELECT count(*)::int FROM vatsim.flights WHERE status = 'offline'), 233, 'seq3, grace 1 h: offline flights');
-- a continued flight has positions from both connections and the new logon
SELECT is((SELECT count(*)::int FROM vatsim.flights f
           WHERE connections = 2
             AND (SELECT count(*) FROM vatsim.positions x WHERE x.flight_id = f.flight_id) = 3
             AND f.logon_time = (SELECT p.logon_time FROM vatsim.pilots p WHERE p.flight_id = f.flight_id)),
          32, 'continued flights: three positions and the newest logon_time');
-- the 7 reconnects that changed departure or arrival started new flights
SELECT is((SELECT count(*)::int FROM vatsim.flights f JOIN vatsim.pilots p USING (flight_id), docs
           WHERE f.first_seen = '2023-08-08T00:03:59.8820717Z'
             AND (docs.seq2->'pilots') @> jsonb_build_array(jsonb_build_object('callsign', p.callsign, 'cid', p.cid))),
          7, 'reconnects with a new route start a new flight');
SELECT is((SELECT count(*)::int FROM vatsim.pilots p JOIN vatsim.flights f USING (flight_id)
           WHERE f.cid <> p.cid OR f.callsign <> p.callsign), 0, 'every pilot points at its own flight');
-- with a controller grace of 1 h the two controller reconnects (24.5 and 31
-- min) continue their sessions, and no session has been absent an hour
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions), 131, 'seq3, pilot grace 1 h: the controller grace is its own');
RESET vatsim_ingest.reconnect_grace;
ROLLBACK TO SAVEPOINT before_seq3;
SET vatsim_ingest.controller_reconnect_grace = '1h';
SELECT is((SELECT status FROM vatsim.ingest_file(:'seq3')), 'ingested', 'seq3 ingested with controller grace 1h');
SELECT is((SELECT string_agg(callsign || ' ' || connections, ', ' ORDER BY callsign) FROM vatsim.controller_sessions
           WHERE connections > 1), 'CYOW_APP 2, TFTUBS 2', 'controller grace 1 h: the two reconnects continue their sessions');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions), 129, 'controller grace 1 h: 129 sessions');
SELECT is((SELECT count(*)::int FROM vatsim.controller_sessions WHERE ended_at IS NULL), 129,
          'controller grace 1 h: absent 34 min, no session has ended yet');
RESET vatsim_ingest.controller_reconnect_grace;

SELECT * FROM finish();
ROLLBACK;
