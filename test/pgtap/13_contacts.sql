-- ATC contacts (issue 11): who was talking to whom, in vatsim.atc_contacts.
-- Handmade snapshots 15 s apart with handmade transceivers documents: 5000 Hz
-- apart matches and 5001 Hz does not; exactly at range matches and a little
-- farther does not; a controller_ranges override changes a match; UNICOM,
-- observers, ATIS and transceivers without a position never match;
-- vatsim_ingest.ignored_frequencies (and its validation); intervals opened
-- and closed over the sequence; a snapshot without transceivers; duplicates;
-- a bad transceivers document.  Then the real transceivers fixture as one
-- snapshot, and a dead-reckoned replay of the real snapshots with generated
-- transceivers, both compared row for row with the independent SQL model of
-- test/sql/contacts_model.sql.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
-- installed at 0.4.0 and updated: EXECUTE granted on the one-argument
-- forms carries over to the new ones
CREATE EXTENSION vatsim_ingest VERSION '0.4.0';
CREATE ROLE vi_contacts_loader;
GRANT EXECUTE ON FUNCTION vatsim.ingest(text) TO vi_contacts_loader WITH GRANT OPTION;
GRANT EXECUTE ON FUNCTION vatsim.ingest_file(text) TO vi_contacts_loader;
ALTER EXTENSION vatsim_ingest UPDATE;
SET client_min_messages = error;
SELECT plan(48);
SELECT ok(has_function_privilege('vi_contacts_loader', 'vatsim.ingest(text, text)', 'EXECUTE WITH GRANT OPTION'),
          'update: EXECUTE WITH GRANT OPTION on ingest carried over');
SELECT ok(has_function_privilege('vi_contacts_loader', 'vatsim.ingest_file(text, text)', 'EXECUTE')
          AND NOT has_function_privilege('vi_contacts_loader', 'vatsim.ingest_file(text, text)', 'EXECUTE WITH GRANT OPTION'),
          'update: EXECUTE on ingest_file carried over, without grant option');
SELECT ok(NOT has_function_privilege('vatsim_reader', 'vatsim.ingest(text, text)', 'EXECUTE')
          AND NOT has_function_privilege('vatsim_reader', 'vatsim.ingest_file(text, text)', 'EXECUTE'),
          'update: still not granted to PUBLIC');
SELECT is((SELECT string_agg(p.oid::regprocedure::text || ' strict=' || p.proisstrict, ', ' ORDER BY p.oid::regprocedure::text)
           FROM pg_proc p WHERE p.pronamespace = 'vatsim'::regnamespace AND p.proname IN ('ingest', 'ingest_file')),
          'vatsim.ingest(text,text) strict=false, vatsim.ingest_file(text,text) strict=false',
          'update: only the two-argument forms, not STRICT');

\i test/sql/synthetic.sql
\i test/sql/controllers.sql
\i test/sql/contacts_model.sql

-- A station of the transceivers document (transceivers: replay.tx()), a whole document
CREATE FUNCTION pg_temp.st(callsign text, VARIADIC txs jsonb[]) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('callsign', callsign, 'transceivers', to_jsonb(txs))
$$;
CREATE FUNCTION pg_temp.trx(VARIADIC stations jsonb[]) RETURNS text LANGUAGE sql AS $$
    SELECT to_jsonb(stations)::text
$$;
-- A feed document at t(s) with pilots, controllers and ATIS
CREATE FUNCTION pg_temp.doc(seconds int, pilots jsonb[], controllers jsonb[],
                            atis jsonb[] DEFAULT '{}') RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_set(jsonb_set(pg_temp.feed_at(pg_temp.t(seconds), VARIADIC pilots)::jsonb,
                               '{controllers}', to_jsonb(controllers)),
                     '{atis}', to_jsonb(atis))::text
$$;
-- The contacts as text: PILOT>ATC@kHz[start..end] (seconds after t(0))
CREATE FUNCTION pg_temp.ct() RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s>%s@%s[%s..%s]', pilot_callsign, atc_callsign, frequency_khz,
                    extract(epoch FROM started_at - pg_temp.t(0))::int,
                    coalesce(extract(epoch FROM ended_at - pg_temp.t(0))::int::text, '')),
                    ' ' ORDER BY pilot_callsign, atc_callsign, frequency_khz, started_at), '')
    FROM vatsim.atc_contacts WHERE started_at >= pg_temp.t(0)
$$;

-- A dead-reckoned replay of the real snapshots (seq1, seq2, seq3 and ten
-- 15 s steps), each with a generated transceivers document but step 5 (see
-- test/sql/replay_transceivers.sql), against the model.
\o /dev/null
\i test/sql/replay.sql
\i test/sql/replay_transceivers.sql
SELECT cm.add(d.n, d.doc, t.trx) FROM replay.docs d LEFT JOIN replay.trx t USING (n);
SELECT replay.run(1, 13);
\o
CREATE TEMP TABLE r_got AS SELECT * FROM cm.actual;
CREATE TEMP TABLE r_want AS SELECT * FROM cm.expected();
SELECT ok((SELECT count(*) FROM r_want) >= 100 AND (SELECT count(*) FROM r_want WHERE ended_at IS NOT NULL) >= 50,
          format('the replay has contacts (%s) and closed ones (%s)', (SELECT count(*) FROM r_want),
                 (SELECT count(*) FROM r_want WHERE ended_at IS NOT NULL)));
SELECT set_eq('SELECT * FROM r_got', 'SELECT * FROM r_want',
              'the replay: the intervals the SQL model computes, row for row');
SELECT is((SELECT count(*)::int FROM r_got), (SELECT count(*)::int FROM r_want), 'and as many rows');
-- The network: EDDF_TWR (15 nm) on 118.700, EDDF_DEL on 121.900 with its
-- range overridden below to exactly the distance to DLH3, an observer on
-- 119.000, EDDF_CTR on UNICOM, an ATIS on 118.025; all at 50N 8E.
CREATE TEMP TABLE net AS SELECT
    ARRAY[pg_temp.c('EDDF_TWR', 0, '118.700', 4, 900001), pg_temp.c('EDDF_DEL', 0, '121.900', 2, 900002),
          pg_temp.c('EDDF_OBS', 0, '199.998', 0, 900003), pg_temp.c('EDDF_CTR', 0, '122.800', 6, 900004)] AS atc,
    ARRAY[pg_temp.c('EDDF_ATIS', 0, '118.025', 4, 900005) || '{"atis_code": "A"}'] AS atis,
    pg_temp.st('EDDF_TWR', replay.tx(0, 118700000, 50, 8)) AS twr,
    pg_temp.st('EDDF_DEL', replay.tx(0, 121900000, 50, 8)) AS del,
    pg_temp.st('EDDF_OBS', replay.tx(0, 119000000, 50, 8)) AS obs,
    pg_temp.st('EDDF_CTR', replay.tx(0, 122800000, 50, 8)) AS ctr,
    pg_temp.st('EDDF_ATIS', replay.tx(0, 118025000, 50, 8)) AS atis_tx;
INSERT INTO vatsim.controller_ranges VALUES ('DEL', 'Delivery', cm.nm(50, 8, 50.2, 8.05));

CREATE TEMP TABLE pilots AS SELECT ARRAY[
    pg_temp.p('DLH1', 50, 8.1, 0), pg_temp.p('DLH2', 50, 8.1, 0), pg_temp.p('DLH3', 50.2, 8.05, 0),
    pg_temp.p('DLH4', 50.2, 8.0501, 0), pg_temp.p('DLH5', 50, 8.1, 0), pg_temp.p('DLH6', 50, 8.1, 0),
    pg_temp.p('DLH7', 50, 8.1, 0), pg_temp.p('DLH8', 50.3, 8, 0), pg_temp.p('DLH9', 50, 8.1, 0),
    pg_temp.p('DLHA', 50, 8.1, 0)] AS all9;

-- s=0
SELECT is((SELECT status FROM net, pilots, vatsim.ingest(pg_temp.doc(0, all9, atc, atis), pg_temp.trx(
    twr, del, obs, ctr, atis_tx,
    pg_temp.st('DLH1', replay.tx(0, 118705000, 50, 8.1)),       -- 5000 Hz above TWR
    pg_temp.st('DLH2', replay.tx(0, 118694999, 50, 8.1)),       -- 5001 Hz below TWR
    pg_temp.st('DLH3', replay.tx(0, 121900000, 50.2, 8.05)),    -- exactly at DEL's range
    pg_temp.st('DLH4', replay.tx(0, 121900000, 50.2, 8.0501)),  -- a little beyond it
    pg_temp.st('DLH5', replay.tx(0, 119000000, 50, 8.1)),       -- the observer's
    pg_temp.st('DLH6', replay.tx(0, 122800000, 50, 8.1)),       -- UNICOM
    pg_temp.st('DLH7', replay.tx(0, 118700000, NULL, NULL)),    -- no position
    pg_temp.st('DLH8', replay.tx(0, 118700000, 50.3, 8)),       -- 18 nm from TWR
    pg_temp.st('DLH9', replay.tx(0, 118700020, 50, 8.1), replay.tx(1, 121899990, 50, 8.1)),
    pg_temp.st('DLHA', replay.tx(0, 118025000, 50, 8.1))))),    -- the ATIS
    'ingested', 'a snapshot with its transceivers is ingested');
SELECT ok(cm.nm(50, 8, 50.2, 8.05) < cm.nm(50, 8, 50.2, 8.0501) AND cm.nm(50, 8, 50.3, 8) > 15,
          'the handmade distances are what the test means');
SELECT is(pg_temp.ct(),
          'DLH1>EDDF_TWR@118700[0..] DLH3>EDDF_DEL@121900[0..] DLH9>EDDF_DEL@121900[0..] DLH9>EDDF_TWR@118700[0..]',
          '5000 Hz and exactly at range match; 5001 Hz, beyond range, observer, UNICOM, ATIS, no position do not');
SELECT is((SELECT count(*)::int FROM vatsim.transceivers), 16, 'the transceivers document is stored too');
SELECT is((SELECT string_agg(DISTINCT c.flight_id::text || '/' || f.callsign || '/' || s.callsign, ' ')
           FROM vatsim.atc_contacts c JOIN vatsim.flights f USING (flight_id)
           JOIN vatsim.controller_sessions s USING (session_id)
           WHERE f.callsign <> c.pilot_callsign OR s.callsign <> c.atc_callsign), NULL,
          'flight_id and session_id are the pilot''s flight and the controller''s session');

-- s=15: DLH1 retunes to DEL; TWR's range overridden to 20 nm reaches DLH8
INSERT INTO vatsim.controller_ranges VALUES ('TWR', 'Tower', 20);
CREATE TEMP TABLE s15 AS SELECT pg_temp.trx(twr, del, obs, ctr,
    pg_temp.st('DLH1', replay.tx(0, 121900000, 50, 8.1)),
    pg_temp.st('DLH3', replay.tx(0, 121900000, 50.2, 8.05)),
    pg_temp.st('DLH8', replay.tx(0, 118700000, 50.3, 8)),
    pg_temp.st('DLH9', replay.tx(0, 118700020, 50, 8.1), replay.tx(1, 121899990, 50, 8.1))) AS trx
FROM net;
SELECT is((SELECT status FROM net, pilots, s15, vatsim.ingest(pg_temp.doc(15, all9, atc, atis), trx)),
          'ingested', 's=15 ingested');
CREATE TEMP TABLE at15 AS SELECT pg_temp.ct() AS ct;
SELECT is(ct, 'DLH1>EDDF_DEL@121900[15..] DLH1>EDDF_TWR@118700[0..15] DLH3>EDDF_DEL@121900[0..] '
              'DLH8>EDDF_TWR@118700[15..] DLH9>EDDF_DEL@121900[0..] DLH9>EDDF_TWR@118700[0..]',
          'a retune closes one interval and opens another; an override of the range opens one')
FROM at15;
SELECT is((SELECT status FROM net, pilots, vatsim.ingest(pg_temp.doc(15, all9, atc, atis), pg_temp.trx(twr))),
          'duplicate', 'the same snapshot again is a duplicate');
SELECT is(pg_temp.ct(), ct, 'a duplicate changes no contact') FROM at15;
SELECT is((SELECT count(*)::int FROM vatsim.transceivers), 9, 'nor the stored transceivers');

-- s=30: 121.900 ignored
SET vatsim_ingest.ignored_frequencies = '121.9', '135.000';
SELECT is((SELECT status FROM net, pilots, s15, vatsim.ingest(pg_temp.doc(30, all9, atc, atis), trx)),
          'ingested', 's=30 ingested');
SELECT is(pg_temp.ct(),
          'DLH1>EDDF_DEL@121900[15..30] DLH1>EDDF_TWR@118700[0..15] DLH3>EDDF_DEL@121900[0..30] '
          'DLH8>EDDF_TWR@118700[15..] DLH9>EDDF_DEL@121900[0..30] DLH9>EDDF_TWR@118700[0..]',
          'an ignored frequency matches nothing (within 5 kHz: 121899990 Hz too)');
RESET vatsim_ingest.ignored_frequencies;

-- s=45: no transceivers document, DLH8 gone: its contact closes, the rest stay
SELECT is((SELECT status FROM net, pilots, vatsim.ingest(pg_temp.doc(45, all9[1:7] || all9[9:10], atc, atis))),
          'ingested', 's=45 ingested without transceivers');
SELECT is(pg_temp.ct(),
          'DLH1>EDDF_DEL@121900[15..30] DLH1>EDDF_TWR@118700[0..15] DLH3>EDDF_DEL@121900[0..30] '
          'DLH8>EDDF_TWR@118700[15..45] DLH9>EDDF_DEL@121900[0..30] DLH9>EDDF_TWR@118700[0..]',
          'without transceivers: an absent flight''s contact closes, the others stay open');
-- s=60: no transceivers document, TWR gone (within its reconnect grace)
SELECT is((SELECT status FROM net, pilots, vatsim.ingest(pg_temp.doc(60, all9, atc[2:4], atis), NULL)),
          'ingested', 's=60 ingested with a NULL transceivers document');
SELECT is(pg_temp.ct(),
          'DLH1>EDDF_DEL@121900[15..30] DLH1>EDDF_TWR@118700[0..15] DLH3>EDDF_DEL@121900[0..30] '
          'DLH8>EDDF_TWR@118700[15..45] DLH9>EDDF_DEL@121900[0..30] DLH9>EDDF_TWR@118700[0..60]',
          'without transceivers: an absent controller''s contact closes');
SELECT is((SELECT count(*)::int FROM vatsim.transceivers), 9, 'without a document the stored transceivers stay');
-- s=75: TWR back in the same session; DLH9 talks to it again
SELECT is((SELECT status FROM net, pilots, s15, vatsim.ingest(pg_temp.doc(75, all9, atc, atis), trx)),
          'ingested', 's=75 ingested');
SELECT is((SELECT string_agg(format('%s[%s..%s]', atc_callsign, extract(epoch FROM started_at - pg_temp.t(0))::int,
                             coalesce(extract(epoch FROM ended_at - pg_temp.t(0))::int::text, '')), ' ' ORDER BY started_at)
           FROM vatsim.atc_contacts WHERE pilot_callsign = 'DLH9' AND atc_callsign = 'EDDF_TWR'
             AND started_at >= pg_temp.t(0)),
          'EDDF_TWR[0..60] EDDF_TWR[75..]', 'a new interval, in the same controller session');
SELECT is((SELECT count(DISTINCT session_id)::int FROM vatsim.atc_contacts WHERE atc_callsign = 'EDDF_TWR'
                                                            AND started_at >= pg_temp.t(0)), 1,
          'one controller session throughout');
SELECT is((SELECT count(*)::int FROM vatsim.atc_contacts WHERE ended_at IS NULL), 5,
          'open: DLH1, DLH3, DLH9 on DEL again, DLH8 and DLH9 on TWR');

-- The range rule reads vatsim.controller_ranges each snapshot: back to 15 nm, DLH8 is out
DELETE FROM vatsim.controller_ranges WHERE suffix = 'TWR';
SELECT is((SELECT status FROM net, pilots, s15, vatsim.ingest(pg_temp.doc(90, all9, atc, atis), trx)),
          'ingested', 's=90 ingested');
SELECT is((SELECT string_agg(format('%s[%s..%s]', atc_callsign, extract(epoch FROM started_at - pg_temp.t(0))::int,
                             coalesce(extract(epoch FROM ended_at - pg_temp.t(0))::int::text, '')), ' ' ORDER BY started_at)
           FROM vatsim.atc_contacts WHERE pilot_callsign = 'DLH8' AND started_at >= pg_temp.t(0)),
          'EDDF_TWR[15..45] EDDF_TWR[75..90]', 'the built-in 15 nm again: DLH8 at 18 nm closes');

-- A gap in the feed: exactly stale_after (300 s) keeps the open rows; 301 s
-- closes them at the last snapshot before the gap, and what still matches
-- opens anew (the same network and radios as at s=90 throughout)
SELECT count(*) AS open90 FROM vatsim.atc_contacts WHERE ended_at IS NULL \gset
SELECT is((SELECT status FROM net, pilots, s15, vatsim.ingest(pg_temp.doc(390, all9, atc, atis), trx)),
          'ingested', 's=390 (300 s after s=90) ingested');
SELECT is((SELECT count(*) FROM vatsim.atc_contacts WHERE ended_at IS NULL AND started_at < pg_temp.t(390)),
          :open90::bigint, 'a gap of exactly stale_after: the open rows stay open');
SELECT is((SELECT status FROM net, pilots, s15, vatsim.ingest(pg_temp.doc(691, all9, atc, atis), trx)),
          'ingested', 's=691 (301 s after s=390) ingested');
SELECT is((SELECT count(*) FROM vatsim.atc_contacts WHERE ended_at = pg_temp.t(390) AND started_at < pg_temp.t(390)),
          :open90::bigint, 'a gap of 301 s: they closed at the last snapshot before it (s=390)');
SELECT is((SELECT count(*) FROM vatsim.atc_contacts WHERE ended_at IS NULL AND started_at = pg_temp.t(691)),
          :open90::bigint, 'and what still matches opened anew at s=691');

-- Bad input
SELECT throws_ok($$SELECT vatsim.ingest(pg_temp.doc(105, '{}', '{}'), '{"not": "an array"}')$$,
                 '2203C', 'invalid VATSIM transceivers document', 'a transceivers document that is not an array');
SELECT throws_ok($$SELECT vatsim.ingest(pg_temp.doc(105, '{}', '{}'), '[{"callsign": ')$$,
                 '22032', 'invalid VATSIM transceivers document', 'a transceivers document that is not JSON');
SET vatsim_ingest.max_feed_bytes = 1024;
SELECT throws_ok($$SELECT vatsim.ingest('{}', repeat(' ', 1025))$$,
                 '54000', 'invalid VATSIM transceivers document', 'a transceivers document over max_feed_bytes');
RESET vatsim_ingest.max_feed_bytes;
SELECT is((SELECT max(update_timestamp) FROM vatsim.snapshots), pg_temp.t(691), 'nothing stored by the refused ones');
SELECT is((SELECT vatsim.ingest(NULL, '[]')), NULL, 'a NULL feed gives NULL');
SELECT throws_ok($$SET vatsim_ingest.ignored_frequencies = '121.5 MHz'$$, '22023', NULL, 'ignored_frequencies: not a number');
SELECT throws_ok($$SET vatsim_ingest.ignored_frequencies = '107.999'$$, '22023', NULL, 'ignored_frequencies: below 108 MHz');
SELECT throws_ok($$SET vatsim_ingest.ignored_frequencies = '137.001'$$, '22023', NULL, 'ignored_frequencies: above 137 MHz');
SELECT lives_ok($$SET vatsim_ingest.ignored_frequencies = '108, 137'$$, 'ignored_frequencies: 108 and 137 MHz are allowed');
RESET vatsim_ingest.ignored_frequencies;

-- The real transceivers fixture as one snapshot: *_DEL/GND/TWR/APP/DEP/CTR/FSS/SUP/GP
-- stations as controllers, *_OBS as observers, *_ATIS as ATIS, the others as
-- pilots at their first transceiver's position (or 0,0).
TRUNCATE cm.snap, cm.station, cm.tx;
CREATE TEMP TABLE real_trx AS SELECT pg_read_file(:'fixtures' || '/transceivers-2021-04-21-892stations.json') AS trx;
CREATE TEMP TABLE real_doc AS
SELECT jsonb_set(jsonb_set(jsonb_set(pg_temp.feed_at(pg_temp.t(1000))::jsonb,
         '{pilots}', coalesce((SELECT jsonb_agg(pg_temp.p(s->>'callsign',
                                  coalesce((s #>> '{transceivers,0,latDeg}')::float8, 0),
                                  coalesce((s #>> '{transceivers,0,lonDeg}')::float8, 0), 300))
                       FROM jsonb_array_elements(r.trx::jsonb) s WHERE s->>'callsign' !~ '_[A-Z]+$'), '[]')),
         '{controllers}', (SELECT jsonb_agg(pg_temp.c(s->>'callsign', 900, '118.000',
                                  CASE WHEN s->>'callsign' LIKE '%\_OBS' THEN 0 ELSE 4 END, 800000 + o::int))
                          FROM jsonb_array_elements(r.trx::jsonb) WITH ORDINALITY AS e(s, o)
                          WHERE s->>'callsign' ~ '_[A-Z]+$' AND s->>'callsign' NOT LIKE '%\_ATIS')),
         '{atis}', (SELECT jsonb_agg(pg_temp.c(s->>'callsign', 900, '118.000', 4, 700000) || '{"atis_code": "A"}')
                    FROM jsonb_array_elements(r.trx::jsonb) s WHERE s->>'callsign' LIKE '%\_ATIS'))::text AS doc
FROM real_trx r;
SELECT cm.add(1, doc, trx) FROM real_doc, real_trx;
SELECT is((SELECT status FROM real_doc, real_trx, vatsim.ingest(doc, trx)), 'ingested', 'the real transceivers fixture ingested');
CREATE TEMP TABLE real_got AS SELECT * FROM cm.actual WHERE started_at = pg_temp.t(1000) AND ended_at IS NULL;
SELECT ok((SELECT count(*) FROM real_got) >= 10, 'the real fixture has contacts: ' || (SELECT count(*) FROM real_got));
SELECT set_eq('SELECT pcid, pcs, acid, acs, khz FROM real_got',
              'SELECT pcid, pcs, acid, acs, khz FROM cm.expected()',
              'the real fixture: the contacts the SQL model finds, row for row');

SELECT is((SELECT count(*)::int FROM vatsim.snapshots WHERE analytics_error IS NOT NULL), 0,
          'no snapshot has an analytics error');

SELECT * FROM finish();
ROLLBACK;
