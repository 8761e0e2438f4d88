/*
 * vatsim_ingest--0.3.0--0.4.0.sql
 *		The review findings of 0.3.0: a pinned search_path everywhere, the
 *		feed URL hidden from readers, pg_dump keeping the data, a bounded
 *		future for documents, an index for replacing sector sets, and the
 *		worker's status shape.  Each part below belongs to one finding.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.4.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Security: search_path, roles, the feed URL (findings 1-3)
-- ---------------------------------------------------------------------------

-- (end of security part)



-- ---------------------------------------------------------------------------
-- Backups: pg_dump keeps every table's rows (finding 4)
-- ---------------------------------------------------------------------------

-- (end of backups part)



-- ---------------------------------------------------------------------------
-- Sector sets: replacing a large set, bounded index (findings 7, 8)
-- ---------------------------------------------------------------------------

-- (end of sector sets part)



-- ---------------------------------------------------------------------------
-- The worker: status in shared memory (findings 2, 13, 15)
-- ---------------------------------------------------------------------------

-- worker_status() gains memory_bytes (the worker's allocated memory, so a
-- leak shows), and feed_url is redacted and NULL for roles that may not read
-- the setting (decided in C).  A new OUT column needs DROP and CREATE; the
-- view and the grant follow.
DROP VIEW vatsim.status;
DROP FUNCTION vatsim.worker_status();
CREATE FUNCTION vatsim.worker_status(
    OUT pid integer, OUT state text, OUT enabled boolean, OUT cycles bigint,
    OUT last_start timestamptz, OUT last_success timestamptz,
    OUT last_error_at timestamptz, OUT last_error text,
    OUT consecutive_failures integer, OUT next_run timestamptz,
    OUT last_update_timestamp timestamptz, OUT last_http_status integer,
    OUT last_bytes bigint, OUT last_cycle_ms double precision,
    OUT last_rows bigint, OUT last_result text, OUT feed_url text,
    OUT memory_bytes bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'vatsim_worker_status'
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION vatsim.worker_status() IS 'State of the background worker, from shared memory; feed_url redacted, and NULL unless the caller may read vatsim_ingest.feed_url';

CREATE VIEW vatsim.status AS SELECT * FROM vatsim.worker_status();
COMMENT ON VIEW vatsim.status IS 'State of the background worker (vatsim.worker_status())';
GRANT SELECT ON vatsim.status TO vatsim_reader;
GRANT EXECUTE ON FUNCTION vatsim.worker_status() TO vatsim_reader;

-- (end of worker part)
