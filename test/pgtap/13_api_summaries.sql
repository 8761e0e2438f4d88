-- The old HTTP API as SQL, part 2 (issue 11): the summaries, movements and
-- filter endpoints.  Filled by the dead-reckoned replay of the real
-- snapshots with generated transceivers (test/sql/replay_transceivers.sql),
-- airports from VATSpy.dat, and an empty snapshot 301 s after the last
-- (test/sql/replay_end.sql) so that every flight and controller session
-- ends and is summarised.  Every function is compared with an independent
-- plain-SQL query written here; every keyset list is walked page by page
-- (each row once, in order, equal to the unpaged query); limits at their
-- edges; handmade summaries for the bucket and window edges; the plans of
-- the pages (an index gives the order, generic plans too); who may call.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(63);

\o /dev/null
SELECT vatsim.load_airports(pg_read_file(:'fixtures' || '/vatspy/VATSpy.dat'));
\i test/sql/synthetic.sql
\i test/sql/replay_end.sql
\i test/sql/replay_transceivers.sql
SELECT replay.run(1, 13);
\o

-- ---------------------------------------------------------------------------
-- tracked_positions_status
-- ---------------------------------------------------------------------------
-- (before the empty snapshot: the controllers of the last replay step online)
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.controllers), '>', 50, 'the last step''s controllers are online');
SELECT results_eq($$SELECT filtering, patterns, sample, controllers_online, controllers_tracked FROM vatsim.tracked_positions_status()$$,
                  $$VALUES (false, 0::bigint, '{}'::text[], (SELECT count(*) FROM vatsim.controllers), (SELECT count(*) FROM vatsim.controllers))$$,
                  'tracked_positions_status: no filter, every controller tracked');
SELECT vatsim.load_tracked_positions(E'EDDF_*\nK*_TWR\n*_CTR\nLFPG_APP\nEGLL_N_APP\nXX_X') \g /dev/null
SELECT results_eq($$SELECT filtering, patterns, wildcard_patterns, sample, controllers_online, controllers_tracked FROM vatsim.tracked_positions_status()$$,
                  $$SELECT true, 6::bigint, 3::bigint, '{*_CTR,EDDF_*,EGLL_N_APP,K*_TWR,LFPG_APP}'::text[], count(*),
                           count(*) FILTER (WHERE callsign ~ '^(EDDF_.*|K.*_TWR|.*_CTR|LFPG_APP|EGLL_N_APP|XX_X)$')
                    FROM vatsim.controllers$$,
                  'with patterns: 5 samples, and the controllers they keep (an independent regular expression)');
SELECT cmp_ok((SELECT controllers_tracked FROM vatsim.tracked_positions_status()), '>', 5::bigint, 'some are tracked');
UPDATE vatsim.controllers SET callsign = 'XXAX' WHERE callsign = (SELECT min(callsign) FROM vatsim.controllers WHERE callsign NOT LIKE 'X%');
SELECT is((SELECT controllers_tracked FROM vatsim.tracked_positions_status()),
          (SELECT count(*) FROM vatsim.controllers WHERE callsign ~ '^(EDDF_.*|K.*_TWR|.*_CTR|LFPG_APP|EGLL_N_APP|XX_X)$'),
          'XX_X does not match XXAX: _ is literal');
-- the filter off again, the controller back, then the empty snapshot that ends everything
UPDATE vatsim.controllers SET callsign = (SELECT min(callsign) FROM replay.ctl WHERE n = 13 AND callsign NOT LIKE 'X%') WHERE callsign = 'XXAX';
SELECT vatsim.load_tracked_positions('') \g /dev/null
\o /dev/null
SELECT replay.run(14, 14);
\o

\i test/sql/api_helpers.sql
ANALYZE vatsim.flight_summaries, vatsim.controller_summaries, vatsim.movements;

SELECT ok((SELECT count(*) FROM vatsim.flight_summaries) > 1000
          AND (SELECT count(*) FROM vatsim.flight_summaries WHERE atc_share > 0) > 50
          AND (SELECT count(*) FROM vatsim.controller_summaries WHERE aircraft > 0) > 10
          AND (SELECT count(*) FROM vatsim.movements WHERE icao IS NOT NULL) > 0,
          format('the replay fills the summaries (%s flights, %s with ATC, %s controller sessions, %s movements at airports)',
                 (SELECT count(*) FROM vatsim.flight_summaries), (SELECT count(*) FROM vatsim.flight_summaries WHERE atc_share > 0),
                 (SELECT count(*) FROM vatsim.controller_summaries), (SELECT count(*) FROM vatsim.movements WHERE icao IS NOT NULL)));

-- ---------------------------------------------------------------------------
-- flight_summaries_page: newest end first, ties by flight_id; filters
-- ---------------------------------------------------------------------------
SELECT cmp_ok((SELECT max(n)::int FROM (SELECT count(*) AS n FROM vatsim.flight_summaries GROUP BY last_seen) x), '>', 100,
              'many flights share a last_seen (the tiebreak matters)');
SELECT results_eq($$SELECT key::bigint FROM pg_temp.walk('SELECT flight_id FROM vatsim.flight_summaries_page($1::bigint, $2)', 37)$$,
                  $$SELECT flight_id FROM vatsim.flight_summaries ORDER BY last_seen DESC, flight_id DESC$$,
                  'flight_summaries_page: pages of 37 give every summary once, newest end first');
SELECT results_eq($$SELECT key::bigint FROM pg_temp.walk('SELECT flight_id FROM vatsim.flight_summaries_page($1::bigint, $2)', 1)$$,
                  $$SELECT flight_id FROM vatsim.flight_summaries ORDER BY last_seen DESC, flight_id DESC$$,
                  'and pages of 1');
SELECT is((SELECT count(*)::int FROM vatsim.flight_summaries_page(
              (SELECT flight_id FROM vatsim.flight_summaries ORDER BY last_seen, flight_id LIMIT 1), 10)), 0,
          'after the oldest row: an empty page');
SELECT results_eq($$SELECT flight_id, callsign, cid, departure, arrival, aircraft, flight_rules, first_seen, last_seen, end_reason,
                           total_s, airborne_s, max_altitude, distance_nm, sectors, primary_sector, controllers, atc_share, airborne_atc_share
                    FROM vatsim.flight_summaries_page(NULL, 10000)$$,
                  $$SELECT flight_id, callsign::text, cid, departure, arrival, aircraft, flight_rules, first_seen, last_seen, end_reason,
                           total_s, airborne_s, max_altitude, distance_nm, sectors, primary_sector, controllers, atc_share, airborne_atc_share
                    FROM vatsim.flight_summaries ORDER BY last_seen DESC, flight_id DESC$$,
                  'flight_summaries_page: the stored columns');
SELECT is((SELECT count(*)::int FROM vatsim.flight_summaries_page(-1, 10)), 0, 'after an id that is no summary: an empty page');
CREATE TEMP TABLE top AS
SELECT (SELECT departure FROM vatsim.flight_summaries WHERE departure IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS dep,
       (SELECT arrival FROM vatsim.flight_summaries WHERE arrival IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS arr;
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.flight_summaries WHERE departure = (SELECT dep FROM top)), '>', 3,
              'the most common departure has several flights');
SELECT results_eq(format($$SELECT key::bigint FROM pg_temp.walk(%L, 2)$$,
                         format('SELECT flight_id FROM vatsim.flight_summaries_page($1::bigint, $2, %L)', lower((SELECT dep FROM top)))),
                  $$SELECT flight_id FROM vatsim.flight_summaries WHERE departure = (SELECT dep FROM top) ORDER BY last_seen DESC, flight_id DESC$$,
                  'departure (any case): pages of 2 of its flights');
SELECT results_eq(format($$SELECT key::bigint FROM pg_temp.walk(%L, 3)$$,
                         format('SELECT flight_id FROM vatsim.flight_summaries_page($1::bigint, $2, NULL, %L)', (SELECT arr FROM top))),
                  $$SELECT flight_id FROM vatsim.flight_summaries WHERE arrival = (SELECT arr FROM top) ORDER BY last_seen DESC, flight_id DESC$$,
                  'arrival: pages of 3 of its flights');
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.flight_summaries WHERE upper(aircraft) LIKE 'B73%'), '>', 10, 'B73x flights exist');
SELECT results_eq($$SELECT flight_id FROM vatsim.flight_summaries_page(NULL, 10000, aircraft => 'b73%')$$,
                  $$SELECT flight_id FROM vatsim.flight_summaries WHERE upper(aircraft) LIKE 'B73%' ORDER BY last_seen DESC, flight_id DESC$$,
                  'aircraft: an ILIKE pattern, any case');
SELECT results_eq($$SELECT flight_id FROM vatsim.flight_summaries_page(NULL, 10000, aircraft => (SELECT lower(min(aircraft)) FROM vatsim.flight_summaries))$$,
                  $$SELECT flight_id FROM vatsim.flight_summaries WHERE upper(aircraft) = (SELECT upper(min(aircraft)) FROM vatsim.flight_summaries)
                    ORDER BY last_seen DESC, flight_id DESC$$,
                  'aircraft without a wildcard: equal in any case');
SELECT results_eq($$SELECT flight_id FROM vatsim.flight_summaries_page(NULL, 10000, (SELECT dep FROM top), NULL, NULL, 'I')$$,
                  $$SELECT flight_id FROM vatsim.flight_summaries WHERE departure = (SELECT dep FROM top) AND flight_rules = 'I'
                    ORDER BY last_seen DESC, flight_id DESC$$,
                  'departure and flight rules together');
SELECT throws_ok($$SELECT * FROM vatsim.flight_summaries_page(NULL, 0)$$, '22023', 'page limit out of range', 'limit 0: refused');
SELECT throws_ok($$SELECT * FROM vatsim.flight_summaries_page(NULL, 10001)$$, '22023', 'page limit out of range', 'limit 10001: refused');
SELECT is((SELECT count(*)::int FROM vatsim.flight_summaries_page(NULL, 10000)), least(10000, (SELECT count(*)::int FROM vatsim.flight_summaries)),
          'limit 10000: accepted');

-- ---------------------------------------------------------------------------
-- flight_summaries_status
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE newest AS SELECT max(last_seen) AS t FROM vatsim.flight_summaries;
SELECT results_eq($$SELECT summaries, last_24h, last_1h, round(avg_total_s::numeric, 6), round(avg_atc_share::numeric, 9),
                           round(avg_airborne_atc_share::numeric, 9), oldest, newest, latest
                    FROM vatsim.flight_summaries_status((SELECT t FROM newest))$$,
                  $$SELECT count(*), count(*) FILTER (WHERE last_seen > (SELECT t FROM newest) - interval '1 day'),
                           count(*) FILTER (WHERE last_seen > (SELECT t FROM newest) - interval '60 minutes'),
                           round((sum(total_s) / count(*))::numeric, 6),
                           round((sum(atc_share) / count(atc_share))::numeric, 9),
                           round((sum(airborne_atc_share) / count(airborne_atc_share))::numeric, 9),
                           min(last_seen), max(last_seen),
                           (SELECT array_agg(flight_id) FROM (SELECT flight_id FROM vatsim.flight_summaries
                                                              ORDER BY last_seen DESC, flight_id DESC LIMIT 5) l)
                    FROM vatsim.flight_summaries$$,
                  'flight_summaries_status: totals, 24 h and 1 h windows, averages, the 5 latest');
SELECT is((SELECT last_1h FROM vatsim.flight_summaries_status((SELECT t FROM newest) + interval '1 hour')), 0::bigint,
          'an end exactly 1 h before until is out of the last hour');
SELECT is((SELECT last_1h FROM vatsim.flight_summaries_status((SELECT t FROM newest) + interval '1 hour' - interval '1 microsecond')),
          (SELECT count(*) FROM vatsim.flight_summaries WHERE last_seen = (SELECT t FROM newest)),
          'one microsecond less: in');
SELECT is((SELECT last_24h FROM vatsim.flight_summaries_status((SELECT t FROM newest) - interval '1 microsecond')),
          (SELECT count(*) FROM vatsim.flight_summaries WHERE last_seen < (SELECT t FROM newest)),
          'an end after until is not counted');
SELECT is((SELECT array[last_24h, last_1h] FROM vatsim.flight_summaries_status()), '{0,0}'::bigint[],
          'by default until is now: nothing of 2023 in the last day');

-- ---------------------------------------------------------------------------
-- flight_summary_analytics, on the replay
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE an AS SELECT * FROM vatsim.flight_summary_analytics(NULL);
SELECT results_eq($$SELECT rank, key, flights FROM an WHERE kind = 'route' ORDER BY rank$$,
                  $$SELECT row_number() OVER (ORDER BY count(*) DESC, departure || '-' || arrival)::int, departure || '-' || arrival, count(*)
                    FROM vatsim.flight_summaries WHERE departure IS NOT NULL AND arrival IS NOT NULL
                    GROUP BY departure, arrival ORDER BY count(*) DESC, 2 LIMIT 10$$,
                  'analytics: the top 10 routes');
SELECT results_eq($$SELECT rank, key, flights FROM an WHERE kind = 'aircraft' ORDER BY rank$$,
                  $$SELECT row_number() OVER (ORDER BY count(*) DESC, aircraft)::int, aircraft, count(*)
                    FROM vatsim.flight_summaries WHERE aircraft IS NOT NULL GROUP BY aircraft ORDER BY count(*) DESC, aircraft LIMIT 10$$,
                  'analytics: the top 10 aircraft types');
SELECT results_eq($$SELECT key, flights FROM an WHERE kind = 'coverage' ORDER BY rank$$,
                  $$SELECT b, (SELECT count(*) FROM vatsim.flight_summaries s
                               WHERE CASE b WHEN '0' THEN s.atc_share * 100 = 0
                                            WHEN '<=25' THEN s.atc_share * 100 > 0 AND s.atc_share * 100 <= 25
                                            WHEN '<=50' THEN s.atc_share * 100 > 25 AND s.atc_share * 100 <= 50
                                            WHEN '<=75' THEN s.atc_share * 100 > 50 AND s.atc_share * 100 <= 75
                                            ELSE s.atc_share * 100 > 75 END)
                    FROM unnest('{0,<=25,<=50,<=75,>75}'::text[]) WITH ORDINALITY AS u(b, o) ORDER BY o$$,
                  'analytics: the ATC coverage buckets');
SELECT ok((SELECT count(*) FILTER (WHERE flights > 0) FROM an WHERE kind = 'coverage') >= 2,
          'the replay has flights in more than one bucket');
SELECT is((SELECT round(sum(share)::numeric, 9) FROM an WHERE kind = 'coverage'), 1::numeric, 'the bucket shares add up to 1');
SELECT results_eq(format($$SELECT kind, key, flights FROM vatsim.flight_summary_analytics(NULL, %L) WHERE kind = 'route'$$, (SELECT dep FROM top)),
                  $$SELECT 'route'::text, departure || '-' || arrival, count(*) FROM vatsim.flight_summaries
                    WHERE departure = (SELECT dep FROM top) AND arrival IS NOT NULL
                    GROUP BY departure, arrival ORDER BY count(*) DESC, 2 LIMIT 10$$,
                  'analytics of one departure: its routes');
SELECT is((SELECT sum(flights)::bigint FROM vatsim.flight_summary_analytics(interval '24 hours', NULL, NULL, (SELECT t FROM newest)) WHERE kind = 'coverage'),
          (SELECT count(atc_share) FROM vatsim.flight_summaries WHERE last_seen > (SELECT t FROM newest) - interval '24 hours'),
          'a 24 h period up to until: the flights ended in it');
SELECT is((SELECT sum(flights)::bigint FROM vatsim.flight_summary_analytics() WHERE kind = 'coverage'), 0::bigint,
          'by default the last 24 h up to now: none of 2023, still five empty buckets');

-- Handmade summaries in 2030 for the bucket and window edges
INSERT INTO vatsim.flight_summaries (flight_id, cid, callsign, departure, arrival, aircraft, first_seen, last_seen, end_reason,
                                     total_s, airborne_s, distance_nm, sectors, sector_seconds, controllers, contact_s,
                                     airborne_contact_s, atc_share, summarised_at)
SELECT -n, 1, 'T' || n, 'ZZZA', CASE WHEN n % 2 = 0 THEN 'ZZZB' ELSE 'ZZZC' END, 'X' || (n % 3),
       '2030-01-01', '2030-01-02'::timestamptz - n * interval '1 hour', 'gone', 1, 0, 0, 0, '[]', '[]', 0, 0, share, '2030-01-02'
FROM unnest(ARRAY[0, 0.25, 0.2500001, 0.5, 0.50000001, 0.75, 0.7500001, 1, NULL]::float8[]) WITH ORDINALITY AS u(share, n);
SELECT results_eq($$SELECT key, flights FROM vatsim.flight_summary_analytics(NULL, 'zzza', NULL, '2031-01-01') WHERE kind = 'coverage' ORDER BY rank$$,
                  $$VALUES ('0'::text, 1::bigint), ('<=25', 1), ('<=50', 2), ('<=75', 2), ('>75', 2)$$,
                  'buckets at their edges: 25 % in <=25, a little more in <=50, 75 % in <=75, a share-less flight in none');
SELECT results_eq($$SELECT kind, rank, key, flights FROM vatsim.flight_summary_analytics(interval '3 hours', 'ZZZA', NULL, '2030-01-01 23:00+00')
                    WHERE kind <> 'coverage'$$,
                  $$VALUES ('route'::text, 1, 'ZZZA-ZZZC'::text, 2::bigint), ('route', 2, 'ZZZA-ZZZB', 1),
                           ('aircraft', 1, 'X0', 1), ('aircraft', 2, 'X1', 1), ('aircraft', 3, 'X2', 1)$$,
                  'a period of 3 h up to 23:00: the ends at 23:00 (exactly until), 22:00, 21:00, not 20:00 (exactly until - period); ties by key');
SELECT results_eq($$SELECT kind, rank, key, flights FROM vatsim.flight_summary_analytics(interval '3 hours', 'ZZZA', 'zzzc', '2030-01-01 23:00+00')
                    WHERE kind <> 'coverage'$$,
                  $$VALUES ('route'::text, 1, 'ZZZA-ZZZC'::text, 2::bigint), ('aircraft', 1, 'X0', 1), ('aircraft', 2, 'X1', 1)$$,
                  'and one arrival');
DELETE FROM vatsim.flight_summaries WHERE flight_id < 0;

-- ---------------------------------------------------------------------------
-- Controller summaries: page, stats, overview, leaders
-- ---------------------------------------------------------------------------
SELECT results_eq($$SELECT key::bigint FROM pg_temp.walk('SELECT session_id FROM vatsim.controller_summaries_page($1::bigint, $2)', 4)$$,
                  $$SELECT session_id FROM vatsim.controller_summaries ORDER BY started_at DESC, session_id DESC$$,
                  'controller_summaries_page: pages of 4 give every summary once, newest start first');
SELECT results_eq($$SELECT session_id, callsign, cid, type, facility, rating, started_at, ended_at, duration_s, connections,
                           is_observer, frequencies, aircraft, peak_aircraft, peak_at, contact_seconds
                    FROM vatsim.controller_summaries_page(NULL, 10000)$$,
                  $$SELECT session_id, callsign::text, cid, type, facility, rating, started_at, ended_at, duration_s, connections,
                           is_observer, frequencies, aircraft, peak_aircraft, peak_at, contact_seconds
                    FROM vatsim.controller_summaries ORDER BY started_at DESC, session_id DESC$$,
                  'controller_summaries_page: the stored columns');
SELECT cmp_ok((SELECT count(*)::int FROM vatsim.controller_summaries WHERE callsign LIKE '%\_T%'), '>', 2, 'callsigns holding _T exist');
SELECT results_eq($$SELECT key::bigint FROM pg_temp.walk('SELECT session_id FROM vatsim.controller_summaries_page($1::bigint, $2, ''_t'')', 2)$$,
                  $$SELECT session_id FROM vatsim.controller_summaries WHERE callsign LIKE '%\_T%' ORDER BY started_at DESC, session_id DESC$$,
                  'callsign: a literal substring in any case (_ is no wildcard), pages of 2');
CREATE TEMP TABLE mid AS
SELECT started_at AS t FROM vatsim.controller_summaries ORDER BY started_at OFFSET (SELECT count(*) / 2 FROM vatsim.controller_summaries) LIMIT 1;
SELECT results_eq($$SELECT session_id FROM vatsim.controller_summaries_page(NULL, 10000, NULL, (SELECT t FROM mid))$$,
                  $$SELECT session_id FROM vatsim.controller_summaries WHERE started_at >= (SELECT t FROM mid) ORDER BY started_at DESC, session_id DESC$$,
                  'since: a start exactly at since is in');
SELECT results_eq($$SELECT session_id FROM vatsim.controller_summaries_page(NULL, 10000, NULL, NULL, (SELECT t FROM mid))$$,
                  $$SELECT session_id FROM vatsim.controller_summaries WHERE started_at < (SELECT t FROM mid) ORDER BY started_at DESC, session_id DESC$$,
                  'until: a start exactly at until is out');
SELECT throws_ok($$SELECT * FROM vatsim.controller_summaries_page(NULL, NULL)$$, '22023', 'page limit out of range', 'limit NULL: refused');

CREATE TEMP TABLE busy AS
SELECT callsign FROM vatsim.controller_summaries GROUP BY callsign ORDER BY count(*) DESC, sum(aircraft) DESC, callsign LIMIT 1;
SELECT results_eq($$SELECT * FROM vatsim.controller_stats(lower((SELECT callsign FROM busy)))$$,
                  $$SELECT callsign::text, count(*), count(DISTINCT cid), sum(duration_s)::float8 / count(*),
                           sum(duration_s) / 3600.0::float8, sum(aircraft), max(peak_aircraft), sum(contact_seconds)::bigint,
                           min(started_at), max(ended_at)
                    FROM vatsim.controller_summaries WHERE callsign = (SELECT callsign FROM busy) GROUP BY callsign$$,
                  'controller_stats: sessions, controllers, average duration, hours, aircraft, peak, contact, first and last');
SELECT is((SELECT count(*)::int FROM vatsim.controller_stats('NO_SUCH_CTR')), 0, 'controller_stats of an unknown callsign: no row');
SELECT results_eq($$SELECT sessions, callsigns, controllers, round(staffed_hours::numeric, 9), round(avg_duration_s::numeric, 6), aircraft,
                           round(avg_aircraft::numeric, 9), max_peak_aircraft, contact_seconds, observer_sessions, first_started, last_ended
                    FROM vatsim.controller_overview()$$,
                  $$SELECT count(*), count(DISTINCT callsign), count(DISTINCT cid), round(sum(duration_s) / 3600.0, 9),
                           round(sum(duration_s)::numeric / count(*), 6), sum(aircraft), round(sum(aircraft)::numeric / count(*), 9),
                           max(peak_aircraft), sum(contact_seconds)::bigint, count(*) FILTER (WHERE is_observer), min(started_at), max(ended_at)
                    FROM vatsim.controller_summaries$$,
                  'controller_overview: the global aggregates');
SELECT is((SELECT sessions FROM vatsim.controller_overview((SELECT t FROM mid))),
          (SELECT count(*) FROM vatsim.controller_summaries WHERE started_at >= (SELECT t FROM mid)), 'controller_overview since a time');
SELECT results_eq($$SELECT sessions, aircraft, max_peak_aircraft FROM vatsim.controller_overview(until => '2000-01-01')$$,
                  $$VALUES (0::bigint, 0::bigint, NULL::int)$$, 'controller_overview of an empty window: zeros');
SELECT results_eq($$SELECT * FROM vatsim.controller_leaders()$$,
                  $$SELECT callsign::text, count(*), sum(aircraft), max(peak_aircraft), sum(duration_s) / 3600.0::float8
                    FROM vatsim.controller_summaries GROUP BY callsign ORDER BY sum(aircraft) DESC, callsign LIMIT 5$$,
                  'controller_leaders: the 5 positions with the most aircraft');
SELECT results_eq($$SELECT session_id FROM vatsim.controller_summaries_page(NULL, 10)$$,
                  $$SELECT session_id FROM vatsim.controller_summaries ORDER BY started_at DESC, session_id DESC LIMIT 10$$,
                  'the dashboard''s 10 latest sessions');

-- ---------------------------------------------------------------------------
-- movements_page
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE apt AS
SELECT icao FROM vatsim.movements WHERE icao IS NOT NULL GROUP BY icao ORDER BY count(*) DESC, icao LIMIT 1;
SELECT results_eq(format($$SELECT key::bigint FROM pg_temp.walk(%L, 1)$$,
                         format('SELECT movement_id FROM vatsim.movements_page(%L, $1::bigint, $2)', lower((SELECT icao FROM apt)))),
                  $$SELECT movement_id FROM vatsim.movements WHERE icao = (SELECT icao FROM apt) ORDER BY ts DESC, movement_id DESC$$,
                  'movements_page: pages of 1 give each movement of the airport once, newest first');
-- two more at the same time as the newest, by hand: the tiebreak
INSERT INTO vatsim.movements (flight_id, callsign, kind, icao, distance_nm, ts, latitude, longitude, groundspeed, altitude,
                              prev_ts, prev_latitude, prev_longitude, prev_groundspeed, prev_altitude)
SELECT -k, 'HAND' || k, 'departure', (SELECT icao FROM apt), 0, m.ts, 0, 0, 100, 100, m.ts - interval '15 s', 0, 0, 0, 0
FROM (SELECT max(ts) AS ts FROM vatsim.movements WHERE icao = (SELECT icao FROM apt)) m, generate_series(1, 2) k;
SELECT results_eq(format($$SELECT key::bigint FROM pg_temp.walk(%L, 2)$$,
                         format('SELECT movement_id FROM vatsim.movements_page(%L, $1::bigint, $2)', (SELECT icao FROM apt))),
                  $$SELECT movement_id FROM vatsim.movements WHERE icao = (SELECT icao FROM apt) ORDER BY ts DESC, movement_id DESC$$,
                  'with ties in time: pages of 2, each once');
SELECT results_eq($$SELECT kind, ts, flight_id, callsign, distance_nm FROM vatsim.movements_page((SELECT icao FROM apt), NULL, 10000)$$,
                  $$SELECT kind, ts, flight_id, callsign::text, distance_nm FROM vatsim.movements WHERE icao = (SELECT icao FROM apt)
                    ORDER BY ts DESC, movement_id DESC$$,
                  'movements_page: the stored columns');
SELECT is((SELECT count(*)::int FROM vatsim.movements_page('NOPE')), 0, 'an airport without movements: no row');

-- ---------------------------------------------------------------------------
-- The plans: an index gives each page its order (custom and generic plans)
-- ---------------------------------------------------------------------------
-- Each function's own text, prepared with its argument types and explained
-- with sorts and sequential scans disabled: the tables of a test are too
-- small for the planner to prefer an index, so what is checked is that the
-- index CAN give the order (no Sort node remains) and bound the scan.
CREATE FUNCTION pg_temp.plan_of(f regprocedure, args text, generic boolean) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    p text := '';
    l text;
BEGIN
    SET LOCAL enable_sort = off;
    SET LOCAL enable_seqscan = off;
    EXECUTE format('SET LOCAL plan_cache_mode = %s', CASE WHEN generic THEN 'force_generic_plan' ELSE 'force_custom_plan' END);
    EXECUTE format('PREPARE pl(%s) AS %s', (SELECT string_agg(format_type(t, NULL), ', ' ORDER BY o)
                                            FROM pg_proc, unnest(proargtypes) WITH ORDINALITY AS u(t, o) WHERE oid = f),
                   (SELECT prosrc FROM pg_proc WHERE oid = f));
    FOR l IN EXECUTE format('EXPLAIN EXECUTE pl(%s)', args) LOOP
        p := p || l || E'\n';
    END LOOP;
    DEALLOCATE pl;
    RESET plan_cache_mode;
    RESET enable_sort;
    RESET enable_seqscan;
    RETURN p;
END $$;
SET LOCAL search_path = pg_catalog, pg_temp, public;
CREATE TEMP TABLE plans AS
SELECT f, generic, pg_temp.plan_of(f::regprocedure, a, generic) AS p
FROM (VALUES ('vatsim.flight_summaries_page(bigint, integer, text, text, text, text)',
              format('%s, 50, NULL, NULL, NULL, NULL', (SELECT flight_id FROM vatsim.flight_summaries ORDER BY last_seen DESC, flight_id DESC OFFSET 100 LIMIT 1))),
             ('vatsim.controller_summaries_page(bigint, integer, text, timestamptz, timestamptz)',
              format('%s, 10, NULL, NULL, NULL', (SELECT session_id FROM vatsim.controller_summaries ORDER BY started_at DESC, session_id DESC OFFSET 5 LIMIT 1))),
             ('vatsim.movements_page(text, bigint, integer)', format('%L, NULL, 10', (SELECT icao FROM apt)))) v(f, a),
     (VALUES (false), (true)) g(generic);
RESET search_path;
SELECT is((SELECT string_agg(f || CASE WHEN generic THEN ' generic' ELSE '' END, ', ')
           FROM plans WHERE p !~ 'Index Scan Backward using (flight_summaries_last_seen_idx|controller_summaries_started_idx|movements_icao_ts_idx) on' OR p ~ 'Sort'),
          NULL, 'every page is a backward scan of its index, no sort (custom and generic plans)');
SELECT ok((SELECT bool_and(p ~ 'Index Cond: [^\n]*ROW\(') FROM plans),
          'and "after" bounds the scan in the index condition');

-- ---------------------------------------------------------------------------
-- A hostile search_path: operators planted ahead of pg_catalog never run
-- ---------------------------------------------------------------------------
SELECT pg_temp.plant_spies() \g /dev/null
SET search_path = evil, pg_catalog, public;
CREATE TEMP TABLE hostile AS
SELECT (SELECT count(*) FROM vatsim.flight_summaries_page((SELECT max(flight_id) FROM vatsim.flight_summaries), 500, 'kclt', NULL, 'b%', 'I')) AS a,
       (SELECT count(*) FROM vatsim.flight_summaries_status('2023-08-08 01:00+00')) AS b,
       (SELECT count(*) FROM vatsim.flight_summary_analytics('1 day', 'KCLT', NULL, '2023-08-08 01:00+00')) AS c,
       (SELECT count(*) FROM vatsim.controller_summaries_page((SELECT max(session_id) FROM vatsim.controller_summaries), 500, 'ctr', '2023-08-07', '2023-08-09')) AS d,
       (SELECT count(*) FROM vatsim.controller_stats((SELECT callsign FROM busy))) AS e,
       (SELECT count(*) FROM vatsim.controller_overview('2023-08-07', '2023-08-09')) AS f,
       (SELECT count(*) FROM vatsim.controller_leaders(5, '2023-08-07', '2023-08-09')) AS g,
       (SELECT count(*) FROM vatsim.movements_page((SELECT icao FROM apt), (SELECT max(movement_id) FROM vatsim.movements), 500)) AS h,
       (SELECT count(*) FROM vatsim.tracked_positions_status()) AS i;
RESET search_path;
SELECT is((SELECT string_agg(DISTINCT what, ', ') FROM evil.calls), NULL, 'under a hostile search_path no planted operator runs');
SELECT ok((SELECT a > 0 AND b = 1 AND c > 5 AND d > 0 AND e = 1 AND f = 1 AND g = 5 AND h > 0 AND i = 1 FROM hostile),
          'and every function gives its answer');

-- ---------------------------------------------------------------------------
-- Who may call what
-- ---------------------------------------------------------------------------
CREATE ROLE vi_api2_reader IN ROLE vatsim_reader;
CREATE ROLE vi_api2_plain;
GRANT USAGE ON SCHEMA vatsim TO vi_api2_plain;
CREATE TEMP TABLE calls (q text);
GRANT SELECT ON calls TO vi_api2_reader, vi_api2_plain;
INSERT INTO calls VALUES
  ('SELECT * FROM vatsim.flight_summaries_page()'), ('SELECT * FROM vatsim.flight_summaries_status()'),
  ('SELECT * FROM vatsim.flight_summary_analytics()'), ('SELECT * FROM vatsim.controller_summaries_page()'),
  ('SELECT * FROM vatsim.controller_stats(''X'')'), ('SELECT * FROM vatsim.controller_overview()'),
  ('SELECT * FROM vatsim.controller_leaders()'), ('SELECT * FROM vatsim.movements_page(''EDDF'')'),
  ('SELECT * FROM vatsim.tracked_positions_status()');
GRANT EXECUTE ON FUNCTION pg_temp.try(text) TO vi_api2_reader, vi_api2_plain;
SET ROLE vi_api2_reader;
SELECT is((SELECT array_agg(DISTINCT pg_temp.try(q)) FROM calls), '{ok}', 'vatsim_reader may call every function of part 2');
RESET ROLE;
SET ROLE vi_api2_plain;
SELECT is((SELECT array_agg(DISTINCT pg_temp.try(q)) FROM calls), '{42501}', 'a role without vatsim_reader may call none');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'vatsim' AND p.proname IN ('flight_summaries_page', 'flight_summaries_status', 'flight_summary_analytics',
                 'controller_summaries_page', 'controller_stats', 'controller_overview', 'controller_leaders', 'movements_page',
                 'tracked_positions_status')
             AND NOT has_function_privilege('public', p.oid, 'EXECUTE') AND has_function_privilege('vatsim_reader', p.oid, 'EXECUTE')
             AND p.proconfig @> '{"search_path=pg_catalog, pg_temp"}'), 9,
          'all nine: EXECUTE for vatsim_reader, not PUBLIC; search_path pinned');

SELECT * FROM finish();
ROLLBACK;
