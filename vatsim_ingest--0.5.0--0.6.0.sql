/*
 * vatsim_ingest--0.5.0--0.6.0.sql
 *		Speed and storage (issue 12): the flight's running aggregates on its
 *		own row, set-based sector lookups, history aggregates kept at ingest
 *		time with fewer occupancy indexes, and bounded history (daily
 *		partitions, packed positions, retention).  Each part below belongs
 *		to one feature.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.6.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Flight aggregates on the flight row
-- ---------------------------------------------------------------------------

-- 0.5.0 kept a flight's running aggregates in vatsim.flight_stats, a second
-- row that every snapshot rewrote after the flights row itself (last_seen):
-- two row updates per flight per snapshot.  They now live on the flights
-- row, written by the same update (src/store/store_flights.c), and
-- vatsim.flight_stats is a view with 0.5.0's columns.  NULL columns: a
-- flight not carried by any snapshot since 0.5.0 (no aggregates yet).
-- last_seen is the aggregates' last_ts.  No index covers a column that
-- changes every snapshot, so the update stays HOT.
ALTER TABLE vatsim.flights
    ADD COLUMN stats_open          boolean,
    ADD COLUMN stats_first_ts      timestamptz,
    ADD COLUMN last_latitude       double precision,
    ADD COLUMN last_longitude      double precision,
    ADD COLUMN last_groundspeed    integer,
    ADD COLUMN last_in_contact     boolean,
    ADD COLUMN slow_polls          integer CHECK (slow_polls >= 0),
    ADD COLUMN max_altitude        integer,
    ADD COLUMN distance_nm         double precision CHECK (distance_nm >= 0),
    ADD COLUMN airborne_us         bigint CHECK (airborne_us >= 0),
    ADD COLUMN contact_us          bigint CHECK (contact_us >= 0),
    ADD COLUMN airborne_contact_us bigint CHECK (airborne_contact_us >= 0),
    ADD COLUMN snapshots           integer CHECK (snapshots >= 1),
    ADD CHECK ((stats_first_ts IS NULL) = (snapshots IS NULL));
COMMENT ON COLUMN vatsim.flights.stats_open IS 'Aggregates: true until the flight ends (its summary is written); true again when a reconnect continues it; NULL: no aggregates yet';
COMMENT ON COLUMN vatsim.flights.stats_first_ts IS 'Aggregates: update_timestamp of the first snapshot counted (NULL: no aggregates yet)';
COMMENT ON COLUMN vatsim.flights.last_latitude IS 'Aggregates: latitude in the newest snapshot (the start of the next leg)';
COMMENT ON COLUMN vatsim.flights.last_longitude IS 'Aggregates: longitude in the newest snapshot';
COMMENT ON COLUMN vatsim.flights.last_groundspeed IS 'Aggregates: groundspeed in the newest snapshot, knots (missing: 0): airborne until the next snapshot when >= vatsim_ingest.airborne_speed_kt';
COMMENT ON COLUMN vatsim.flights.last_in_contact IS 'Aggregates: an ATC contact was open in the newest snapshot: in contact until the next snapshot';
COMMENT ON COLUMN vatsim.flights.slow_polls IS 'Aggregates: consecutive snapshots below vatsim_ingest.exit_speed_kt, up to exit_polls (occupancy''s slow rule): at exit_polls a flight absent from the next snapshot has landed';
COMMENT ON COLUMN vatsim.flights.max_altitude IS 'Aggregates: highest altitude seen, feet (NULL: never reported)';
COMMENT ON COLUMN vatsim.flights.distance_nm IS 'Aggregates: sum of the great-circle legs between consecutive snapshots, nautical miles';
COMMENT ON COLUMN vatsim.flights.airborne_us IS 'Aggregates: airborne time, microseconds';
COMMENT ON COLUMN vatsim.flights.contact_us IS 'Aggregates: time in contact with ATC, microseconds';
COMMENT ON COLUMN vatsim.flights.airborne_contact_us IS 'Aggregates: airborne time in contact with ATC, microseconds';
COMMENT ON COLUMN vatsim.flights.snapshots IS 'Aggregates: snapshots counted';

UPDATE vatsim.flights f SET
    stats_open = s.open, stats_first_ts = s.first_ts, last_latitude = s.last_latitude,
    last_longitude = s.last_longitude, last_groundspeed = s.last_groundspeed,
    last_in_contact = s.last_in_contact, slow_polls = s.slow_polls, max_altitude = s.max_altitude,
    distance_nm = s.distance_nm, airborne_us = s.airborne_us, contact_us = s.contact_us,
    airborne_contact_us = s.airborne_contact_us, snapshots = s.snapshots
FROM vatsim.flight_stats s
WHERE s.flight_id = f.flight_id;
DROP TABLE vatsim.flight_stats;

-- The flights that may end: aggregates open and absent from the newest
-- snapshot.  Both columns change only when a flight goes or comes back, so
-- the index stays small and the per-snapshot update stays HOT.
CREATE INDEX flights_summary_due_idx ON vatsim.flights (flight_id)
    WHERE stats_open AND status = 'offline';

-- A pilot's newest flight is its highest flight_id (the stitch continues
-- only the newest, so an older flight is never seen again): with flight_id
-- in the index the lookup needs no sort by last_seen, and the index still
-- covers no column that changes.
DROP INDEX vatsim.flights_pilot_idx;
CREATE INDEX flights_pilot_idx ON vatsim.flights (cid, callsign, flight_id);

CREATE VIEW vatsim.flight_stats AS
SELECT flight_id, stats_open AS open, stats_first_ts AS first_ts, last_seen AS last_ts,
       last_latitude, last_longitude, last_groundspeed, last_in_contact, slow_polls,
       max_altitude, distance_nm, airborne_us, contact_us, airborne_contact_us, snapshots
FROM vatsim.flights
WHERE stats_first_ts IS NOT NULL;
COMMENT ON VIEW vatsim.flight_stats IS 'Running aggregates of each flight (columns of vatsim.flights since 0.6.0), advanced by every snapshot that carries it; the state of vatsim.flight_summaries';
GRANT SELECT ON vatsim.flight_stats TO vatsim_reader;

-- 0.5.0's function, reading the aggregates from the flights row.
CREATE OR REPLACE FUNCTION vatsim.summarise_flights(ended bigint[], reasons text[], summarised timestamptz)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    written integer;
BEGIN
    INSERT INTO vatsim.flight_summaries AS fs (flight_id, cid, callsign, departure, arrival,
        aircraft, flight_rules, first_seen, last_seen, end_reason, total_s, airborne_s,
        max_altitude, distance_nm, sectors, primary_sector_set, primary_sector, sector_seconds,
        controllers, contact_s, airborne_contact_s, atc_share, airborne_atc_share, summarised_at)
    SELECT f.flight_id, f.cid, f.callsign, f.departure, f.arrival, f.aircraft, fp.flight_rules,
           f.first_seen, f.last_seen, e.reason, tot.s, f.airborne_us / 1e6::float8,
           f.max_altitude, f.distance_nm,
           coalesce(sec.n, 0), sec.primary_set, sec.primary_sector, coalesce(sec.seconds, '[]'),
           coalesce(ctl.controllers, '[]'), f.contact_us / 1e6::float8,
           f.airborne_contact_us / 1e6::float8,
           CASE WHEN tot.s > 0 THEN least(1, f.contact_us / 1e6::float8 / tot.s) END,
           CASE WHEN f.airborne_us > 0 THEN f.airborne_contact_us::float8 / f.airborne_us END,
           summarised
    FROM unnest(ended, reasons) AS e(flight_id, reason)
    JOIN vatsim.flights f ON f.flight_id = e.flight_id AND f.snapshots IS NOT NULL
    CROSS JOIN LATERAL (SELECT extract(epoch FROM f.last_seen - f.first_seen)::float8 AS s) tot
    LEFT JOIN LATERAL (
        SELECT p.flight_rules FROM vatsim.flight_plans p
        WHERE p.flight_id = f.flight_id ORDER BY p.seen_at DESC LIMIT 1) fp ON true
    -- seconds per sector, intervals cut at last_seen
    LEFT JOIN LATERAL (
        SELECT count(*)::integer AS n,
               (array_agg(x.sector_set ORDER BY x.s DESC, x.first_entry, x.sector_set, x.sector))[1] AS primary_set,
               (array_agg(x.sector ORDER BY x.s DESC, x.first_entry, x.sector_set, x.sector))[1] AS primary_sector,
               jsonb_agg(jsonb_build_object('sector_set', x.sector_set, 'sector', x.sector, 'seconds', x.s)
                         ORDER BY x.first_entry, x.sector_set, x.sector) AS seconds
        FROM (SELECT o.sector_set, o.sector, min(o.entry_time) AS first_entry,
                     sum(greatest(0, extract(epoch FROM least(coalesce(o.exit_time, f.last_seen), f.last_seen)
                                                       - o.entry_time)))::float8 AS s
              FROM vatsim.sector_occupancy o
              WHERE o.flight_id = f.flight_id
              GROUP BY o.sector_set, o.sector) x) sec ON true
    -- per controller callsign, the union of its contact intervals (islands
    -- of overlapping or touching intervals), cut at last_seen
    LEFT JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('callsign', c.atc_callsign, 'seconds', c.s)
                         ORDER BY c.first_start, c.atc_callsign) AS controllers
        FROM (SELECT i.atc_callsign, min(i.lo) AS first_start,
                     sum(extract(epoch FROM i.hi - i.lo))::float8 AS s
              FROM (SELECT g.atc_callsign, min(g.lo) AS lo, max(g.hi) AS hi
                    FROM (SELECT m.*, count(*) FILTER (WHERE m.starts) OVER (PARTITION BY m.atc_callsign ORDER BY m.lo, m.hi) AS island
                          FROM (SELECT r.*, coalesce(r.lo > max(r.hi) OVER (PARTITION BY r.atc_callsign ORDER BY r.lo, r.hi
                                                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS starts
                                FROM (SELECT a.atc_callsign, a.started_at AS lo,
                                             least(coalesce(a.ended_at, f.last_seen), f.last_seen) AS hi
                                      FROM vatsim.atc_contacts a
                                      WHERE a.flight_id = f.flight_id AND a.started_at < f.last_seen) r) m) g
                    GROUP BY g.atc_callsign, g.island) i
              GROUP BY i.atc_callsign) c) ctl ON true
    ON CONFLICT (flight_id) DO UPDATE SET
        cid = EXCLUDED.cid, callsign = EXCLUDED.callsign, departure = EXCLUDED.departure,
        arrival = EXCLUDED.arrival, aircraft = EXCLUDED.aircraft, flight_rules = EXCLUDED.flight_rules,
        first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen,
        end_reason = EXCLUDED.end_reason, total_s = EXCLUDED.total_s,
        airborne_s = EXCLUDED.airborne_s, max_altitude = EXCLUDED.max_altitude,
        distance_nm = EXCLUDED.distance_nm, sectors = EXCLUDED.sectors,
        primary_sector_set = EXCLUDED.primary_sector_set, primary_sector = EXCLUDED.primary_sector,
        sector_seconds = EXCLUDED.sector_seconds, controllers = EXCLUDED.controllers,
        contact_s = EXCLUDED.contact_s, airborne_contact_s = EXCLUDED.airborne_contact_s,
        atc_share = EXCLUDED.atc_share, airborne_atc_share = EXCLUDED.airborne_atc_share,
        summarised_at = EXCLUDED.summarised_at;
    GET DIAGNOSTICS written = ROW_COUNT;
    UPDATE vatsim.flights f SET stats_open = false
    FROM unnest(ended) AS e(flight_id)
    WHERE f.flight_id = e.flight_id AND f.stats_open;
    RETURN written;
END
$$;
COMMENT ON FUNCTION vatsim.summarise_flights(bigint[], text[], timestamptz) IS 'Write (or replace) the summaries of flights that ended, from their aggregates (vatsim.flights) and their intervals, and close their aggregates (called by the ingest)';

-- (end of flight aggregates part)


-- ---------------------------------------------------------------------------
-- Set-based sector lookups
-- ---------------------------------------------------------------------------

-- (end of set-based lookups part)


-- ---------------------------------------------------------------------------
-- History aggregates and occupancy indexes
-- ---------------------------------------------------------------------------

-- (end of history aggregates part)


-- ---------------------------------------------------------------------------
-- Bounded history: daily partitions and retention
-- ---------------------------------------------------------------------------

-- (end of daily partitions part)


-- ---------------------------------------------------------------------------
-- Packed positions
-- ---------------------------------------------------------------------------

-- (end of packed positions part)
