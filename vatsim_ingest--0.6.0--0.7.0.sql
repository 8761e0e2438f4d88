/*
 * vatsim_ingest--0.6.0--0.7.0.sql
 *		Operations (issue 13) and the rest of speed and storage (issue 12):
 *		replicas, roles, backups and upgrades, and a faster per-snapshot
 *		path.  Each part below belongs to one feature.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.7.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Replicas
-- ---------------------------------------------------------------------------

-- (end of replicas part)

-- ---------------------------------------------------------------------------
-- Roles
-- ---------------------------------------------------------------------------

-- Three levels (README "Roles"): vatsim_reader reads every table, view and
-- read function; vatsim_operator, a member of vatsim_reader, also wakes the
-- worker and loads the definitions the ingest reads (sector sets, airports,
-- tracked positions, controller ranges); everything else (the ingest
-- itself, files, URLs, settings, the storage manager, repairs) stays with
-- superusers.  test/pgtap/15_roles.sql holds the exact list and checks it.

-- vatsim_operator, created the careful way vatsim_reader is (0.4.0): an
-- existing role of that name is taken only when it is the extension's own:
-- the extension's comment (which only a superuser or a role with
-- CREATEROLE can set), no attribute beyond NOLOGIN, and a member of no role
-- but vatsim_reader (without ADMIN OPTION).  A role left behind by DROP
-- EXTENSION qualifies, with its members; any other makes the install fail
-- and grants it nothing.
DO $$
DECLARE
    r pg_catalog.pg_roles;
BEGIN
    SELECT * INTO r FROM pg_catalog.pg_roles
    WHERE rolname OPERATOR(pg_catalog.=) 'vatsim_operator';
    IF NOT FOUND THEN
        CREATE ROLE vatsim_operator NOLOGIN;
        COMMENT ON ROLE vatsim_operator IS 'Operator access to the vatsim schema (extension vatsim_ingest)';
        RETURN;
    END IF;
    IF COALESCE(pg_catalog.shobj_description(r.oid, 'pg_authid')
            OPERATOR(pg_catalog.<>) 'Operator access to the vatsim schema (extension vatsim_ingest)', true)
       OR r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb
       OR r.rolreplication OR r.rolbypassrls
       OR EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                  JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) m.roleid
                  WHERE m.member OPERATOR(pg_catalog.=) r.oid
                    AND (g.rolname OPERATOR(pg_catalog.<>) 'vatsim_reader' OR m.admin_option)) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'duplicate_object',
            MESSAGE = 'role "vatsim_operator" exists and is not the operator role of extension vatsim_ingest',
            DETAIL = 'The extension would grant it read access to every table of schema vatsim and the '
                     'operator''s functions.  Its own operator role is NOLOGIN, has no other attribute, '
                     'is a member of no role but vatsim_reader, and carries the comment '
                     '''Operator access to the vatsim schema (extension vatsim_ingest)''.',
            HINT = 'Rename or drop that role.  If it is meant to be the operator role, make it so and give it '
                   'that comment (COMMENT ON ROLE vatsim_operator IS ...).';
    END IF;
END
$$;
-- vatsim_operator has every right of vatsim_reader (in a DO block: a role
-- taken back after DROP EXTENSION is a member already)
DO $$
BEGIN
    IF NOT pg_catalog.pg_has_role('vatsim_operator', 'vatsim_reader', 'MEMBER') THEN
        GRANT vatsim_reader TO vatsim_operator;
    END IF;
END
$$;

-- Read functions: vatsim_reader's, not PUBLIC's (some had only the default
-- PUBLIC grant; the schema, which only vatsim_reader may use, hid them).
-- sectors_at and sectors_at_points matter most: they answer from an index
-- cached in the backend, so once it was built a role without SELECT on the
-- sector tables could read the sectors through them.
DO $$
DECLARE
    f pg_catalog.regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY[
        'vatsim.network_status()', 'vatsim.worker_status()',
        'vatsim.sectors_at(double precision, double precision, integer, text)',
        'vatsim.sectors_at_points(double precision[], double precision[], integer[], text)',
        'vatsim.export_sectors(text)',
        'vatsim.sector_history(text, timestamptz, timestamptz)',
        'vatsim.sector_history(bigint, timestamptz, timestamptz)',
        'vatsim.sector_traffic(text, timestamptz, timestamptz, text)',
        'vatsim.sector_counts(timestamptz, text)',
        'vatsim.sector_transitions(timestamptz, timestamptz, text)',
        'vatsim.require_sector_set(text)', 'vatsim.sectors_geojson(text)',
        'vatsim.flights_geojson(text)', 'vatsim.track_geojson(bigint)',
        'vatsim.airport_movements(text, timestamptz, timestamptz, interval)']::pg_catalog.regprocedure[]
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO vatsim_reader', f);
    END LOOP;
END
$$;
-- PUBLIC keeps these four: the ingest calls the first two with its caller's
-- rights (a loader role, README "Privileges") and they read only tables the
-- caller must be able to read; the last two read nothing.
GRANT EXECUTE ON FUNCTION
    vatsim.nearest_airport(double precision, double precision, double precision),
    vatsim.controller_type(text), vatsim.page_limit(integer),
    vatsim.distance_nm(double precision, double precision, double precision, double precision)
TO vatsim_reader;

-- A trigger function needs no EXECUTE to fire.
REVOKE EXECUTE ON FUNCTION vatsim.sectors_changed() FROM PUBLIC;

-- The operator's functions.  The loaders run as the extension's owner
-- (SECURITY DEFINER; their SET clause pins search_path), so that an operator
-- writes those tables only through them, checked, and holds no write
-- privilege on any table but controller_ranges (its overrides, guarded by
-- the table's CHECK constraints).  None takes a file name or a URL.
-- run_now runs no SQL: it wakes the worker, whose URL and schedule stay
-- the superuser's settings.
ALTER FUNCTION vatsim.load_sectors(text, text, text, text, text, boolean) SECURITY DEFINER;
ALTER FUNCTION vatsim.load_airports(text) SECURITY DEFINER;
ALTER FUNCTION vatsim.load_tracked_positions(text) SECURITY DEFINER;
GRANT EXECUTE ON FUNCTION
    vatsim.run_now(boolean, interval),
    vatsim.load_sectors(text, text, text, text, text, boolean),
    vatsim.load_airports(text),
    vatsim.load_tracked_positions(text)
TO vatsim_operator;
GRANT INSERT, UPDATE, DELETE ON vatsim.controller_ranges TO vatsim_operator;

-- (end of roles part)

-- ---------------------------------------------------------------------------
-- Backups and upgrades
-- ---------------------------------------------------------------------------

-- (end of backups part)

-- ---------------------------------------------------------------------------
-- History queries
-- ---------------------------------------------------------------------------

-- sector_transitions over a day read every interval entered in it (93 k a
-- day at x1: 45-95 ms).  The occupancy step now also keeps each transition
-- (an interval whose predecessor is in another sector) as one element of
-- parallel arrays in a row per (UTC hour of its entry, set): the pair as an
-- id of vatsim.sector_transition_pairs, its entry_time, its predecessor's
-- entry_time and the previous same transition's predecessor entry_time.
-- The function reads the window's hour rows and applies the exact rule to
-- each element in C (see README "Sector history"), so windows need not be
-- whole hours.
CREATE TABLE vatsim.sector_transition_pairs (
    pair_id     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sector_set  text NOT NULL,
    from_sector text NOT NULL,
    to_sector   text NOT NULL,
    UNIQUE (sector_set, from_sector, to_sector)
);
COMMENT ON TABLE vatsim.sector_transition_pairs IS 'Every (set, from sector, to sector) a flight has gone, with a small id for vatsim.sector_transition_hours (kept by the occupancy step)';
COMMENT ON COLUMN vatsim.sector_transition_pairs.pair_id IS 'Identifier, small and from 1 (gaps possible: a rolled-back snapshot or a promoted standby skips values)';
COMMENT ON COLUMN vatsim.sector_transition_pairs.sector_set IS 'Sector set';
COMMENT ON COLUMN vatsim.sector_transition_pairs.from_sector IS 'Sector of the predecessor interval';
COMMENT ON COLUMN vatsim.sector_transition_pairs.to_sector IS 'Sector entered';

CREATE TABLE vatsim.sector_transition_hours (
    hour                  timestamptz NOT NULL,
    sector_set            text NOT NULL,
    pair_ids              integer[] NOT NULL,
    entry_times           timestamptz[] NOT NULL,
    prev_entry_times      timestamptz[] NOT NULL,
    prev_pair_entry_times timestamptz[] NOT NULL,
    PRIMARY KEY (hour, sector_set)
);
COMMENT ON TABLE vatsim.sector_transition_hours IS 'Sector transitions by UTC hour of entry and set, kept by the occupancy step for sector_transitions: element i of the four arrays is one interval entered from another sector';
COMMENT ON COLUMN vatsim.sector_transition_hours.hour IS 'Start of the UTC hour of the entries';
COMMENT ON COLUMN vatsim.sector_transition_hours.sector_set IS 'Sector set';
COMMENT ON COLUMN vatsim.sector_transition_hours.pair_ids IS 'vatsim.sector_transition_pairs.pair_id of each transition (set, prev_sector, sector)';
COMMENT ON COLUMN vatsim.sector_transition_hours.entry_times IS 'entry_time of each transition''s interval';
COMMENT ON COLUMN vatsim.sector_transition_hours.prev_entry_times IS 'prev_entry_time of each (the predecessor interval''s entry)';
COMMENT ON COLUMN vatsim.sector_transition_hours.prev_pair_entry_times IS 'prev_pair_entry_time of each (the same transition before by the flight), -infinity if none';

SELECT pg_catalog.pg_extension_config_dump('vatsim.sector_transition_pairs', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('vatsim.sector_transition_pairs', 'pair_id'), '');
SELECT pg_catalog.pg_extension_config_dump('vatsim.sector_transition_hours', '');
GRANT SELECT ON vatsim.sector_transition_pairs, vatsim.sector_transition_hours TO vatsim_reader;

-- The rebuild builds them too
CREATE OR REPLACE FUNCTION vatsim.rebuild_sector_aggregates(up_to timestamptz DEFAULT NULL)
RETURNS TABLE (intervals bigint, count_hours bigint, bounds bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t  timestamptz;
    ht timestamptz;
BEGIN
    -- the hours reach the newest snapshot's hour, as the occupancy step
    -- leaves them
    SELECT greatest(up_to, (SELECT max(s.update_timestamp) FROM vatsim.snapshots s),
                    (SELECT max(o.entry_time) FROM vatsim.sector_occupancy o),
                    (SELECT max(o.exit_time) FROM vatsim.sector_occupancy o))
      INTO t;
    ht := date_trunc('hour', t, 'UTC');

    UPDATE vatsim.sector_occupancy o
       SET prev_sector = w.ps, prev_entry_time = w.pe, prev_pair_entry_time = w.rp
      FROM (SELECT p.*, lag(p.pe) OVER (PARTITION BY p.flight_id, p.sector_set, p.ps, p.sector
                                        ORDER BY p.entry_time) AS rp
              FROM (SELECT x.occupancy_id, x.flight_id, x.sector_set, x.sector, x.entry_time,
                           lag(x.sector) OVER w AS ps, lag(x.entry_time) OVER w AS pe
                      FROM vatsim.sector_occupancy x
                    WINDOW w AS (PARTITION BY x.flight_id, x.sector_set ORDER BY x.entry_time, x.sector)) p) w
     WHERE o.occupancy_id = w.occupancy_id
       AND (o.prev_sector IS DISTINCT FROM w.ps OR o.prev_entry_time IS DISTINCT FROM w.pe
            OR o.prev_pair_entry_time IS DISTINCT FROM w.rp);

    DELETE FROM vatsim.sector_count_hours;
    INSERT INTO vatsim.sector_count_hours (hour, sector_set, sector, n_base, entries, exits)
    SELECT k.hour, k.sector_set, k.sector, sum(k.base)::integer,
           coalesce(array_agg(k.t ORDER BY k.t) FILTER (WHERE k.kind = 1), '{}'),
           coalesce(array_agg(k.t ORDER BY k.t) FILTER (WHERE k.kind = -1), '{}')
      FROM (SELECT date_trunc('hour', o.entry_time, 'UTC') AS hour, o.sector_set, o.sector,
                   0 AS base, o.entry_time AS t, 1 AS kind
              FROM vatsim.sector_occupancy o
            UNION ALL
            SELECT date_trunc('hour', o.exit_time, 'UTC'), o.sector_set, o.sector, 0, o.exit_time, -1
              FROM vatsim.sector_occupancy o WHERE o.exit_time IS NOT NULL
            UNION ALL
            -- inside at the start of every later hour up to its exit's hour
            SELECT g.h, o.sector_set, o.sector, 1, NULL, 0
              FROM vatsim.sector_occupancy o,
                   generate_series(date_trunc('hour', o.entry_time, 'UTC') + interval '1 hour',
                                   least(date_trunc('hour', coalesce(o.exit_time, t), 'UTC'), ht),
                                   interval '1 hour') AS g(h)) k
     GROUP BY k.hour, k.sector_set, k.sector;

    DELETE FROM vatsim.sector_bounds;
    INSERT INTO vatsim.sector_bounds (sector, sector_set, max_duration)
    SELECT o.sector, o.sector_set, max(o.exit_time - o.entry_time)
      FROM vatsim.sector_occupancy o WHERE o.exit_time IS NOT NULL
     GROUP BY o.sector, o.sector_set;

    -- the transitions by hour: pair ids from 1 in order of first entry
    DELETE FROM vatsim.sector_transition_hours;
    DELETE FROM vatsim.sector_transition_pairs;
    PERFORM setval(pg_get_serial_sequence('vatsim.sector_transition_pairs', 'pair_id'), 1, false);
    INSERT INTO vatsim.sector_transition_pairs (sector_set, from_sector, to_sector)
    SELECT o.sector_set, o.prev_sector, o.sector
      FROM vatsim.sector_occupancy o WHERE o.prev_sector <> o.sector
     GROUP BY 1, 2, 3 ORDER BY min(o.entry_time), 1, 2, 3;
    INSERT INTO vatsim.sector_transition_hours (hour, sector_set, pair_ids, entry_times,
                                                prev_entry_times, prev_pair_entry_times)
    SELECT date_trunc('hour', o.entry_time, 'UTC'), o.sector_set,
           array_agg(p.pair_id ORDER BY o.occupancy_id),
           array_agg(o.entry_time ORDER BY o.occupancy_id),
           array_agg(o.prev_entry_time ORDER BY o.occupancy_id),
           array_agg(coalesce(o.prev_pair_entry_time, '-infinity') ORDER BY o.occupancy_id)
      FROM vatsim.sector_occupancy o
      JOIN vatsim.sector_transition_pairs p
        ON p.sector_set = o.sector_set AND p.from_sector = o.prev_sector AND p.to_sector = o.sector
     GROUP BY 1, 2;

    RETURN QUERY SELECT (SELECT count(*) FROM vatsim.sector_occupancy),
                        (SELECT count(*) FROM vatsim.sector_count_hours),
                        (SELECT count(*) FROM vatsim.sector_bounds);
END
$$;
COMMENT ON FUNCTION vatsim.rebuild_sector_aggregates(timestamptz) IS 'Rebuild the sector history aggregates (sector_count_hours, sector_bounds, sector_transition_pairs and sector_transition_hours, the intervals'' prev_* columns) from vatsim.sector_occupancy; hours reach up_to (default: the newest snapshot). For an upgrade or hand-edited intervals';
REVOKE ALL ON FUNCTION vatsim.rebuild_sector_aggregates(timestamptz) FROM PUBLIC;

-- A database updated from 0.6.0 holds intervals (with their predecessors):
-- fill the transitions from them (the rebuild writes the same rows as the
-- ingest would have)
SELECT * FROM vatsim.rebuild_sector_aggregates();

-- (end of history queries part)

-- ---------------------------------------------------------------------------
-- Per-snapshot speed
-- ---------------------------------------------------------------------------

-- (end of per-snapshot speed part)
