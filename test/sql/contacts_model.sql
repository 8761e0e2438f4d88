-- contacts_model.sql: an independent model of vatsim.atc_contacts in plain
-- SQL, written apart from the C (src/contacts/), for the tests to compare
-- with row for row.  \i after CREATE EXTENSION.
--
-- Fill cm.snap (n, ts, has_trx), cm.station (n, kind, callsign, cid,
-- facility) with the snapshot's pilots (kind 'pilot') and controllers (kind
-- 'atc'), and cm.tx (n, callsign, hz, lat, lon) with its transceivers,
-- snapshots numbered 1, 2, ... in time order; then cm.expected() gives the
-- intervals, keyed by who the pilot and the controller are (cid, callsign)
-- and the kHz, as vatsim.atc_contacts should hold them.
--
-- The rule, as the issue states it: a pilot transceiver and a controller
-- transceiver match when at most 5000 Hz apart, neither within 5000 Hz of
-- 122.8 MHz, 199.998 MHz or an ignored frequency, and the great-circle
-- distance (haversine, R = 3440.065 nm) is at most
-- vatsim.controller_type(callsign).range_nm; observers (facility 0) never
-- match.  A snapshot without transceivers keeps the previous matches whose
-- pilot and controller are both still there.  After a gap longer than
-- vatsim_ingest.stale_after between two snapshots, an interval open before
-- it ends at the last snapshot before it.
CREATE SCHEMA cm;
CREATE TABLE cm.snap (n int PRIMARY KEY, ts timestamptz NOT NULL, has_trx bool NOT NULL);
CREATE TABLE cm.station (n int, kind text, callsign text, cid int, facility int);
CREATE TABLE cm.tx (n int, callsign text, hz bigint, lat float8, lon float8);
CREATE TABLE cm.ignored (hz bigint);
CREATE INDEX ON cm.tx (n, hz);

CREATE FUNCTION cm.excluded(hz bigint) RETURNS bool LANGUAGE sql STABLE AS $$
    SELECT abs(hz - 122800000) <= 5000 OR abs(hz - 199998000) <= 5000
        OR EXISTS (SELECT FROM cm.ignored i WHERE abs(hz - i.hz) <= 5000)
$$;
CREATE FUNCTION cm.nm(lat1 float8, lon1 float8, lat2 float8, lon2 float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT 2 * 3440.065 * asin(least(1, sqrt(
        sin(radians(lat2 - lat1) / 2) ^ 2
        + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))
$$;

-- The matches of each snapshot with transceivers
CREATE FUNCTION cm.matches() RETURNS TABLE (n int, pcid int, pcs text, acid int, acs text, khz int)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT p.n, ps.cid, p.callsign, cs.cid, a.callsign, round(a.hz / 1000.0)::int
    FROM cm.tx p
    JOIN cm.station ps ON ps.n = p.n AND ps.callsign = p.callsign AND ps.kind = 'pilot'
    JOIN cm.tx a ON a.n = p.n AND a.hz BETWEEN p.hz - 5000 AND p.hz + 5000
    JOIN cm.station cs ON cs.n = a.n AND cs.callsign = a.callsign AND cs.kind = 'atc'
                      AND cs.facility IS DISTINCT FROM 0
    WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL AND a.lat IS NOT NULL AND a.lon IS NOT NULL
      AND NOT cm.excluded(p.hz) AND NOT cm.excluded(a.hz)
      AND cm.nm(a.lat, a.lon, p.lat, p.lon) <= (vatsim.controller_type(a.callsign)).range_nm
$$;

-- Per snapshot, what is in contact (a snapshot without transceivers
-- carries the previous set over, minus the absent), then the islands of
-- consecutive snapshots as intervals.
CREATE FUNCTION cm.expected() RETURNS TABLE (pcid int, pcs text, acid int, acs text, khz int,
                                             started_at timestamptz, ended_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    CREATE TEMP TABLE cm_in (n int, pcid int, pcs text, acid int, acs text, khz int) ON COMMIT DROP;
    FOR s IN SELECT * FROM cm.snap ORDER BY cm.snap.n LOOP
        IF s.has_trx THEN
            INSERT INTO cm_in SELECT * FROM cm.matches() m WHERE m.n = s.n;
        ELSE
            INSERT INTO cm_in
            SELECT s.n, i.pcid, i.pcs, i.acid, i.acs, i.khz FROM cm_in i
            WHERE i.n = s.n - 1
              AND EXISTS (SELECT FROM cm.station x WHERE x.n = s.n AND x.kind = 'pilot'
                          AND x.cid = i.pcid AND x.callsign = i.pcs)
              AND EXISTS (SELECT FROM cm.station x WHERE x.n = s.n AND x.kind = 'atc'
                          AND x.cid = i.acid AND x.callsign = i.acs
                          AND x.facility IS DISTINCT FROM 0);
        END IF;
    END LOOP;
    -- a gap longer than stale_after starts a new segment: an island ends at
    -- its last snapshot when the next one is after such a gap
    RETURN QUERY
    WITH seg AS (
        SELECT x.n, x.ts, count(*) FILTER (WHERE x.gap) OVER (ORDER BY x.n) AS segment
        FROM (SELECT c.n, c.ts, c.ts - lag(c.ts) OVER (ORDER BY c.n)
                                > current_setting('vatsim_ingest.stale_after')::interval AS gap
              FROM cm.snap c) x)
    SELECT g.pcid, g.pcs, g.acid, g.acs, g.khz,
           (SELECT x.ts FROM seg x WHERE x.n = min(g.n)),
           (SELECT CASE WHEN x.segment = g.segment THEN x.ts ELSE (SELECT y.ts FROM seg y WHERE y.n = max(g.n)) END
            FROM seg x WHERE x.n = max(g.n) + 1)
    FROM (SELECT i.*, sg.segment,
                 i.n - row_number() OVER (PARTITION BY i.pcid, i.pcs, i.acid, i.acs, i.khz, sg.segment
                                          ORDER BY i.n) AS island
          FROM cm_in i JOIN seg sg ON sg.n = i.n) g
    GROUP BY g.pcid, g.pcs, g.acid, g.acs, g.khz, g.segment, g.island;
    DROP TABLE cm_in;
END
$$;

-- vatsim.atc_contacts in the model's terms
CREATE VIEW cm.actual AS
SELECT f.cid AS pcid, c.pilot_callsign::text AS pcs, s.cid AS acid, c.atc_callsign::text AS acs,
       c.frequency_khz AS khz, c.started_at, c.ended_at
FROM vatsim.atc_contacts c
JOIN vatsim.flights f ON f.flight_id = c.flight_id
JOIN vatsim.controller_sessions s ON s.session_id = c.session_id;

-- A feed document's pilots and controllers, and a transceivers document's
-- rows, into the model's tables as snapshot n
CREATE FUNCTION cm.add(n int, feed text, trx text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO cm.snap VALUES (n, (feed::jsonb #>> '{general,update_timestamp}')::timestamptz, trx IS NOT NULL);
    INSERT INTO cm.station
    SELECT n, 'pilot', p->>'callsign', (p->>'cid')::int, NULL FROM jsonb_array_elements(feed::jsonb -> 'pilots') p
    UNION ALL
    SELECT n, 'atc', c->>'callsign', (c->>'cid')::int, (c->>'facility')::int
    FROM jsonb_array_elements(feed::jsonb -> 'controllers') c;
    INSERT INTO cm.tx
    SELECT n, s->>'callsign', (x->>'frequency')::bigint, (x->>'latDeg')::float8, (x->>'lonDeg')::float8
    FROM jsonb_array_elements(coalesce(trx::jsonb, '[]')) s,
         jsonb_array_elements(coalesce(s->'transceivers', '[]')) x;
$$;
