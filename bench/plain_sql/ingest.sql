-- ingest.sql: plain.ingest(feed text, sectors boolean), one cycle of the
-- plain-SQL pipeline (bench/side_by_side.sh): the same work as
-- vatsim.ingest(feed) without the extension, written the way a careful
-- PostgreSQL user would: the document parsed once into jsonb, one
-- jsonb_to_recordset statement per table, INSERT ... ON CONFLICT upserts
-- that skip unchanged rows, a DELETE of the departed, flights stitched
-- across reconnects by vatsim's rule (README "Flights across reconnects"),
-- and, with sectors, the occupancy rules (README "Occupancy") as ONE
-- set-based statement over PostGIS ST_Covers with the GiST index.  A fixed
-- number of statements per snapshot.  Returns the time it took, measured
-- inside (parse included), as vatsim.ingest's duration_ms is.
CREATE FUNCTION plain.ingest(feed text, sectors boolean DEFAULT true,
                             OUT update_timestamp timestamptz, OUT status text,
                             OUT pilots integer, OUT duration_ms double precision)
LANGUAGE plpgsql AS $$
DECLARE
    t0   timestamptz := clock_timestamp();
    doc  jsonb := feed::jsonb;
    snap   timestamptz := (doc->'general'->>'update_timestamp')::timestamptz;
    cfg  plain.settings;
    last timestamptz;
    n_controllers integer;
BEGIN
    update_timestamp := snap;
    SELECT * INTO cfg FROM plain.settings;
    -- time order, one snapshot at a time
    LOCK TABLE plain.snapshots IN EXCLUSIVE MODE;
    SELECT max(s.update_timestamp) INTO last FROM plain.snapshots s;
    IF snap = last OR EXISTS (SELECT FROM plain.snapshots s WHERE s.update_timestamp = snap) THEN
        status := 'duplicate';
        duration_ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
        RETURN;
    ELSIF snap < last THEN
        RAISE EXCEPTION 'snapshot % is older than the newest stored one, %', snap, last;
    END IF;

    -- 1. flights: the newest flight of (cid, callsign) continues on the same
    -- connection, or with unchanged departure and arrival within the grace;
    -- else a new one.  A plan version for each flight whose plan changed.
    WITH inc AS MATERIALIZED (
        SELECT DISTINCT ON (p.callsign) p.callsign, p.cid, p.logon_time, p.flight_plan AS plan,
               p.flight_plan->>'departure' AS departure, p.flight_plan->>'arrival' AS arrival,
               coalesce(nullif(p.flight_plan->>'aircraft_short', ''), nullif(p.flight_plan->>'aircraft', '')) AS aircraft,
               md5(p.flight_plan::text) AS plan_hash
        FROM jsonb_to_recordset(doc->'pilots') AS p(callsign text, cid integer, logon_time timestamptz,
                                                     flight_plan jsonb, last_updated timestamptz)
        ORDER BY p.callsign, p.last_updated DESC NULLS LAST
    ), prev AS (
        SELECT i.callsign, f.flight_id, f.plan_hash AS old_hash, f.logon_time AS old_logon,
               (f.logon_time = i.logon_time
                OR (f.departure IS NOT DISTINCT FROM i.departure AND f.arrival IS NOT DISTINCT FROM i.arrival
                    AND f.last_seen > snap - cfg.reconnect_grace)) AS continues
        FROM inc i CROSS JOIN LATERAL (
            SELECT f.flight_id, f.plan_hash, f.logon_time, f.departure, f.arrival, f.last_seen
            FROM plain.flights f WHERE f.cid = i.cid AND f.callsign = i.callsign
            ORDER BY f.last_seen DESC LIMIT 1) f
    ), upd AS (
        UPDATE plain.flights f
        SET last_seen = snap, logon_time = i.logon_time, departure = i.departure, arrival = i.arrival,
            aircraft = coalesce(i.aircraft, f.aircraft), plan_hash = coalesce(i.plan_hash, f.plan_hash),
            online = true, connections = f.connections + CASE WHEN p.old_logon = i.logon_time THEN 0 ELSE 1 END
        FROM inc i JOIN prev p USING (callsign)
        WHERE p.continues AND f.flight_id = p.flight_id
        RETURNING f.flight_id, i.callsign, (i.plan_hash IS NOT NULL AND i.plan_hash IS DISTINCT FROM p.old_hash) AS changed
    ), ins AS (
        INSERT INTO plain.flights (cid, callsign, logon_time, first_seen, last_seen, departure, arrival, aircraft, plan_hash)
        SELECT i.cid, i.callsign, i.logon_time, snap, snap, i.departure, i.arrival, i.aircraft, i.plan_hash
        FROM inc i WHERE NOT EXISTS (SELECT FROM prev p WHERE p.callsign = i.callsign AND p.continues)
        RETURNING flight_id, callsign, plan_hash IS NOT NULL AS changed
    )
    INSERT INTO plain.flight_plans (flight_id, seen_at, plan)
    SELECT x.flight_id, snap, i.plan
    FROM (SELECT * FROM upd UNION ALL SELECT * FROM ins) x JOIN inc i USING (callsign)
    WHERE x.changed;

    -- 2. current pilots, each with its flight (the newest, just stitched)
    INSERT INTO plain.pilots AS t
    SELECT DISTINCT ON (p.callsign) p.callsign, p.cid, p.name, p.server, p.pilot_rating, p.military_rating,
           p.latitude, p.longitude, p.altitude, p.groundspeed, p.transponder, p.heading, p.qnh_i_hg, p.qnh_mb,
           p.flight_plan, p.logon_time, p.last_updated, f.flight_id
    FROM jsonb_to_recordset(doc->'pilots') AS p(callsign text, cid integer, name text, server text,
             pilot_rating integer, military_rating integer, latitude float8, longitude float8, altitude integer,
             groundspeed integer, transponder text, heading integer, qnh_i_hg float8, qnh_mb integer,
             flight_plan jsonb, logon_time timestamptz, last_updated timestamptz)
    CROSS JOIN LATERAL (SELECT f.flight_id FROM plain.flights f WHERE f.cid = p.cid AND f.callsign = p.callsign
                        ORDER BY f.last_seen DESC LIMIT 1) f
    ORDER BY p.callsign, p.last_updated DESC NULLS LAST
    ON CONFLICT (callsign) DO UPDATE SET
        cid = EXCLUDED.cid, name = EXCLUDED.name, server = EXCLUDED.server, pilot_rating = EXCLUDED.pilot_rating,
        military_rating = EXCLUDED.military_rating, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
        altitude = EXCLUDED.altitude, groundspeed = EXCLUDED.groundspeed, transponder = EXCLUDED.transponder,
        heading = EXCLUDED.heading, qnh_i_hg = EXCLUDED.qnh_i_hg, qnh_mb = EXCLUDED.qnh_mb,
        flight_plan = EXCLUDED.flight_plan, logon_time = EXCLUDED.logon_time,
        last_updated = EXCLUDED.last_updated, flight_id = EXCLUDED.flight_id
    WHERE (t.*) IS DISTINCT FROM (EXCLUDED.*);
    DELETE FROM plain.pilots WHERE callsign NOT IN (SELECT e->>'callsign' FROM jsonb_array_elements(doc->'pilots') e);
    SELECT count(*) INTO pilots FROM plain.pilots;

    -- 3. one position per present flight, from the rows just written
    INSERT INTO plain.positions
    SELECT flight_id, snap, latitude, longitude, altitude, groundspeed, heading, transponder, qnh_i_hg, qnh_mb
    FROM plain.pilots
    ON CONFLICT DO NOTHING;
    UPDATE plain.flights SET online = false WHERE online AND last_seen < snap;

    -- 4. controllers, ATIS, prefiles: upsert, delete the departed
    INSERT INTO plain.controllers AS t
    SELECT DISTINCT ON (c.callsign) c.callsign, c.cid, c.name, c.frequency, c.facility, c.rating, c.server,
           c.visual_range, c.text_atis, c.logon_time, c.last_updated
    FROM jsonb_to_recordset(doc->'controllers') AS c(callsign text, cid integer, name text, frequency text,
             facility integer, rating integer, server text, visual_range integer, text_atis text[],
             logon_time timestamptz, last_updated timestamptz)
    ORDER BY c.callsign, c.last_updated DESC NULLS LAST
    ON CONFLICT (callsign) DO UPDATE SET
        cid = EXCLUDED.cid, name = EXCLUDED.name, frequency = EXCLUDED.frequency, facility = EXCLUDED.facility,
        rating = EXCLUDED.rating, server = EXCLUDED.server, visual_range = EXCLUDED.visual_range,
        text_atis = EXCLUDED.text_atis, logon_time = EXCLUDED.logon_time, last_updated = EXCLUDED.last_updated
    WHERE (t.*) IS DISTINCT FROM (EXCLUDED.*);
    DELETE FROM plain.controllers WHERE callsign NOT IN (SELECT e->>'callsign' FROM jsonb_array_elements(doc->'controllers') e);
    INSERT INTO plain.atis AS t
    SELECT DISTINCT ON (c.callsign) c.callsign, c.cid, c.name, c.frequency, c.facility, c.rating, c.server,
           c.visual_range, c.text_atis, c.logon_time, c.last_updated, c.atis_code
    FROM jsonb_to_recordset(doc->'atis') AS c(callsign text, cid integer, name text, frequency text,
             facility integer, rating integer, server text, visual_range integer, text_atis text[],
             logon_time timestamptz, last_updated timestamptz, atis_code text)
    ORDER BY c.callsign, c.last_updated DESC NULLS LAST
    ON CONFLICT (callsign) DO UPDATE SET
        cid = EXCLUDED.cid, name = EXCLUDED.name, frequency = EXCLUDED.frequency, facility = EXCLUDED.facility,
        rating = EXCLUDED.rating, server = EXCLUDED.server, visual_range = EXCLUDED.visual_range,
        text_atis = EXCLUDED.text_atis, logon_time = EXCLUDED.logon_time, last_updated = EXCLUDED.last_updated,
        atis_code = EXCLUDED.atis_code
    WHERE (t.*) IS DISTINCT FROM (EXCLUDED.*);
    DELETE FROM plain.atis WHERE callsign NOT IN (SELECT e->>'callsign' FROM jsonb_array_elements(doc->'atis') e);
    INSERT INTO plain.prefiles AS t
    SELECT DISTINCT ON (c.callsign) c.callsign, c.cid, c.name, c.flight_plan, c.last_updated
    FROM jsonb_to_recordset(doc->'prefiles') AS c(callsign text, cid integer, name text, flight_plan jsonb,
                                                   last_updated timestamptz)
    ORDER BY c.callsign, c.last_updated DESC NULLS LAST
    ON CONFLICT (callsign) DO UPDATE SET
        cid = EXCLUDED.cid, name = EXCLUDED.name, flight_plan = EXCLUDED.flight_plan,
        last_updated = EXCLUDED.last_updated
    WHERE (t.*) IS DISTINCT FROM (EXCLUDED.*);
    DELETE FROM plain.prefiles WHERE callsign NOT IN (SELECT e->>'callsign' FROM jsonb_array_elements(doc->'prefiles') e);

    -- 5. controller sessions: the newest session of (cid, callsign)
    -- continues on the same connection or a logon within the grace; a
    -- session not seen for longer than the grace ends
    WITH inc AS (
        SELECT DISTINCT ON (c.callsign) c.callsign, c.cid, c.logon_time
        FROM jsonb_to_recordset(doc->'controllers') AS c(callsign text, cid integer, logon_time timestamptz,
                                                          last_updated timestamptz)
        ORDER BY c.callsign, c.last_updated DESC NULLS LAST
    ), prev AS (
        SELECT i.callsign, s.session_id, s.logon_time = i.logon_time AS same,
               (s.logon_time = i.logon_time OR i.logon_time <= s.last_seen + cfg.controller_grace) AS continues
        FROM inc i CROSS JOIN LATERAL (
            SELECT s.session_id, s.logon_time, s.last_seen FROM plain.controller_sessions s
            WHERE s.cid = i.cid AND s.callsign = i.callsign ORDER BY s.logon_time DESC LIMIT 1) s
    ), upd AS (
        UPDATE plain.controller_sessions s SET last_seen = snap, ended_at = NULL,
               connections = s.connections + CASE WHEN p.same THEN 0 ELSE 1 END
        FROM prev p WHERE p.continues AND s.session_id = p.session_id
    )
    INSERT INTO plain.controller_sessions (cid, callsign, logon_time, last_seen)
    SELECT i.cid, i.callsign, i.logon_time, snap FROM inc i
    WHERE NOT EXISTS (SELECT FROM prev p WHERE p.callsign = i.callsign AND p.continues);
    UPDATE plain.controller_sessions SET ended_at = last_seen
    WHERE ended_at IS NULL AND last_seen < snap - cfg.controller_grace;
    SELECT count(*) INTO n_controllers FROM plain.controllers;

    -- 6. occupancy, one statement: for each present flight, (1) leave: an
    -- open interval whose sector no longer covers it closes here at its last
    -- position before now; (2) slow: below exit_speed_kt counts a slow
    -- snapshot (capped at exit_polls), anything else resets, and at
    -- exit_polls its other open intervals close here at this position; (3)
    -- enter: a covering sector without an open interval opens one at
    -- enter_speed_kt or more.  (4) gone: an absent flight last seen more than
    -- stale_after ago closes its intervals at its last-seen time and last
    -- position, and loses its slow count.  Every sub-statement sees the state
    -- before this snapshot, which is what each rule reads.
    IF sectors THEN
        WITH cur AS MATERIALIZED (
            SELECT p.flight_id, p.callsign, p.latitude, p.longitude, p.altitude,
                   coalesce(p.groundspeed, 0) AS gs, coalesce(s.slow_polls, 0) AS old_slow,
                   CASE WHEN coalesce(p.groundspeed, 0) < cfg.exit_speed_kt
                        THEN least(coalesce(s.slow_polls, 0) + 1, cfg.exit_polls) ELSE 0 END AS slow
            FROM plain.pilots p LEFT JOIN plain.occupancy_state s USING (flight_id)
        ), hit AS MATERIALIZED (
            SELECT DISTINCT c.flight_id, z.sector
            FROM cur c JOIN plain.sectors z
              ON ST_Covers(z.geom, ST_SetSRID(ST_MakePoint(c.longitude, c.latitude), 4326))
        ), open AS MATERIALIZED (
            SELECT o.occupancy_id, o.flight_id, o.sector,
                   (o.flight_id, o.sector) IN (SELECT h.flight_id, h.sector FROM hit h) AS inside
            FROM plain.sector_occupancy o WHERE o.exit_time IS NULL
        ), closing AS (
            SELECT o.occupancy_id, o.flight_id, snap AS t, 'left' AS reason, true AS at_last
            FROM open o JOIN cur c USING (flight_id) WHERE NOT o.inside
            UNION ALL
            SELECT o.occupancy_id, o.flight_id, snap, 'slow', false
            FROM open o JOIN cur c USING (flight_id) WHERE o.inside AND c.slow >= cfg.exit_polls
            UNION ALL
            SELECT o.occupancy_id, o.flight_id, f.last_seen, 'gone', true
            FROM open o JOIN plain.flights f USING (flight_id)
            WHERE NOT EXISTS (SELECT FROM cur c WHERE c.flight_id = o.flight_id)
              AND f.last_seen < snap - cfg.stale_after
        ), closed AS (
            UPDATE plain.sector_occupancy o
            SET exit_time = x.t, exit_reason = x.reason,
                exit_lat = coalesce(lp.latitude, c.latitude), exit_lon = coalesce(lp.longitude, c.longitude),
                exit_altitude = CASE WHEN lp.latitude IS NOT NULL THEN lp.altitude ELSE c.altitude END
            FROM closing x
            LEFT JOIN cur c ON c.flight_id = x.flight_id
            LEFT JOIN LATERAL (
                SELECT q.latitude, q.longitude, q.altitude FROM plain.positions q
                WHERE x.at_last AND q.flight_id = x.flight_id AND q.ts < snap
                ORDER BY q.ts DESC LIMIT 1) lp ON true
            WHERE o.occupancy_id = x.occupancy_id
        ), opened AS (
            INSERT INTO plain.sector_occupancy (flight_id, callsign, sector, entry_time, entry_lat, entry_lon, entry_altitude)
            SELECT h.flight_id, c.callsign, h.sector, snap, c.latitude, c.longitude, c.altitude
            FROM hit h JOIN cur c USING (flight_id)
            WHERE c.gs >= cfg.enter_speed_kt
              AND NOT EXISTS (SELECT FROM open o WHERE o.flight_id = h.flight_id AND o.sector = h.sector)
        ), counted AS (
            INSERT INTO plain.occupancy_state AS s (flight_id, slow_polls)
            SELECT flight_id, slow FROM cur WHERE slow > 0 AND slow <> old_slow
            ON CONFLICT (flight_id) DO UPDATE SET slow_polls = EXCLUDED.slow_polls
        )
        DELETE FROM plain.occupancy_state s
        WHERE EXISTS (SELECT FROM cur c WHERE c.flight_id = s.flight_id AND c.slow = 0)
           OR (NOT EXISTS (SELECT FROM cur c WHERE c.flight_id = s.flight_id)
               AND EXISTS (SELECT FROM plain.flights f
                           WHERE f.flight_id = s.flight_id AND f.last_seen < snap - cfg.stale_after));
    END IF;

    duration_ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
    INSERT INTO plain.snapshots VALUES (snap, pilots, n_controllers, duration_ms);
    status := 'ingested';
END
$$;
