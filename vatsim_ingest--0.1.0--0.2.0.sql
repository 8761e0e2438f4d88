/*
 * vatsim_ingest--0.1.0--0.2.0.sql
 *		The background worker: run log, transceivers, status and control.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.2.0'" to load this file. \quit

CREATE TABLE vatsim.runs (
    run_id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL,
    result           text NOT NULL CHECK (result IN ('ok', 'unchanged', 'http_error', 'timeout',
                                                     'too_large', 'parse_error', 'db_error', 'disabled')),
    http_status      integer,
    bytes            bigint,
    rows             bigint,
    update_timestamp timestamptz,
    duration_ms      double precision NOT NULL,
    error            text
);
CREATE INDEX runs_started_at_idx ON vatsim.runs (started_at);
COMMENT ON TABLE vatsim.runs IS 'One row per cycle of the background worker, kept for vatsim_ingest.run_log_retention';
COMMENT ON COLUMN vatsim.runs.run_id IS 'Cycle identifier';
COMMENT ON COLUMN vatsim.runs.started_at IS 'Start of the cycle';
COMMENT ON COLUMN vatsim.runs.finished_at IS 'End of the cycle';
COMMENT ON COLUMN vatsim.runs.result IS 'ok, unchanged, http_error, timeout, too_large, parse_error, db_error or disabled';
COMMENT ON COLUMN vatsim.runs.http_status IS 'HTTP status of the feed response (NULL when there was none)';
COMMENT ON COLUMN vatsim.runs.bytes IS 'Size of the feed document received';
COMMENT ON COLUMN vatsim.runs.rows IS 'Records stored (pilots, controllers, ATIS, prefiles, transceivers)';
COMMENT ON COLUMN vatsim.runs.update_timestamp IS 'general.update_timestamp of the document';
COMMENT ON COLUMN vatsim.runs.duration_ms IS 'Cycle time in milliseconds, fetch included';
COMMENT ON COLUMN vatsim.runs.error IS 'Why the cycle failed';

CREATE TABLE vatsim.transceivers (
    callsign       varchar(24) NOT NULL,
    transceiver_id integer NOT NULL,
    frequency_hz   bigint NOT NULL,
    latitude       double precision,
    longitude      double precision,
    height_msl_m   double precision,
    height_agl_m   double precision,
    PRIMARY KEY (callsign, transceiver_id)
) WITH (fillfactor = 50);
COMMENT ON TABLE vatsim.transceivers IS 'Radio transceivers of every station in the newest transceivers feed';
COMMENT ON COLUMN vatsim.transceivers.callsign IS 'Station callsign (pilot or controller)';
COMMENT ON COLUMN vatsim.transceivers.transceiver_id IS 'Transceiver number within the station';
COMMENT ON COLUMN vatsim.transceivers.frequency_hz IS 'Frequency in Hz (not always on a channel: round before matching)';
COMMENT ON COLUMN vatsim.transceivers.latitude IS 'Degrees north';
COMMENT ON COLUMN vatsim.transceivers.longitude IS 'Degrees east';
COMMENT ON COLUMN vatsim.transceivers.height_msl_m IS 'Height above mean sea level, metres';
COMMENT ON COLUMN vatsim.transceivers.height_agl_m IS 'Height above ground, metres (can be slightly negative)';

CREATE FUNCTION vatsim.worker_status(
    OUT pid integer, OUT state text, OUT enabled boolean, OUT cycles bigint,
    OUT last_start timestamptz, OUT last_success timestamptz,
    OUT last_error_at timestamptz, OUT last_error text,
    OUT consecutive_failures integer, OUT next_run timestamptz,
    OUT last_update_timestamp timestamptz, OUT last_http_status integer,
    OUT last_bytes bigint, OUT last_cycle_ms double precision,
    OUT last_rows bigint, OUT last_result text, OUT feed_url text)
RETURNS record
AS 'MODULE_PATHNAME', 'vatsim_worker_status'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION vatsim.worker_status() IS 'State of the background worker, from shared memory';

CREATE VIEW vatsim.status AS SELECT * FROM vatsim.worker_status();
COMMENT ON VIEW vatsim.status IS 'State of the background worker (vatsim.worker_status())';

CREATE FUNCTION vatsim.run_now(wait boolean DEFAULT true, timeout interval DEFAULT '30s',
    OUT result text, OUT http_status integer, OUT update_timestamp timestamptz,
    OUT duration_ms double precision, OUT error text)
RETURNS record
AS 'MODULE_PATHNAME', 'vatsim_run_now'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION vatsim.run_now(boolean, interval) IS 'Wake the worker for a cycle now; with wait, return that cycle''s outcome';
REVOKE ALL ON FUNCTION vatsim.run_now(boolean, interval) FROM PUBLIC;

CREATE FUNCTION vatsim.network_status(
    OUT pilots bigint, OUT controllers bigint, OUT atis bigint, OUT prefiles bigint,
    OUT flights_today bigint, OUT positions_stored bigint,
    OUT newest_snapshot timestamptz, OUT newest_snapshot_age interval,
    OUT worker_state text)
RETURNS record
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    pilots := (SELECT count(*) FROM vatsim.pilots);
    controllers := (SELECT count(*) FROM vatsim.controllers);
    atis := (SELECT count(*) FROM vatsim.atis);
    prefiles := (SELECT count(*) FROM vatsim.prefiles);
    flights_today := (SELECT count(*) FROM vatsim.flights
                      WHERE last_seen >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC');
    -- every stored snapshot wrote one position per pilot: no scan of the history
    positions_stored := (SELECT coalesce(sum(s.pilots), 0) FROM vatsim.snapshots s);
    newest_snapshot := (SELECT max(update_timestamp) FROM vatsim.snapshots);
    newest_snapshot_age := now() - newest_snapshot;
    BEGIN
        worker_state := (SELECT w.state FROM vatsim.worker_status() w);
    EXCEPTION WHEN object_not_in_prerequisite_state THEN
        worker_state := 'not loaded';
    END;
END
$$;
COMMENT ON FUNCTION vatsim.network_status() IS 'Online counts, flights today, history size, newest snapshot and worker state in one row';

GRANT SELECT ON vatsim.runs, vatsim.transceivers, vatsim.status TO vatsim_reader;
GRANT EXECUTE ON FUNCTION vatsim.worker_status() TO vatsim_reader;
