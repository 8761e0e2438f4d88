/*
 * vatsim_ingest--0.4.0--0.5.0.sql
 *		Analytics (issue 11), in progress: airports and movements, GeoJSON
 *		out.  Each part below belongs to one feature.
 */

\echo Use "ALTER EXTENSION vatsim_ingest UPDATE TO '0.5.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Airports and movements
-- ---------------------------------------------------------------------------

-- (end of airports part)



-- ---------------------------------------------------------------------------
-- GeoJSON out
-- ---------------------------------------------------------------------------

-- (end of GeoJSON part)



-- ---------------------------------------------------------------------------
-- Controller sessions: reconnects within vatsim_ingest.controller_reconnect_grace
-- continue the session (one row, a connection count); observers and 199.998 flagged
-- ---------------------------------------------------------------------------

-- A row is now a session, which may span several connections.  Its key stays
-- (cid, callsign, logon_time) with the logon_time of its FIRST connection;
-- the store finds the session a connection continues by that key's prefix
-- (cid, callsign), newest logon_time first, so no other index is needed.
ALTER TABLE vatsim.controller_sessions
    ADD COLUMN last_logon_time timestamptz,
    ADD COLUMN connections integer NOT NULL DEFAULT 1,
    ADD COLUMN is_observer boolean,
    ADD COLUMN no_frequency boolean;

-- Rows stored before 0.5.0 are one connection each (not merged after the
-- fact); their flags come from the newest facility and frequency they kept.
-- ended_at now means the session's end (its last_seen), no longer the first
-- snapshot without it, for old rows too.
UPDATE vatsim.controller_sessions
SET last_logon_time = logon_time,
    is_observer = COALESCE(facility OPERATOR(pg_catalog.=) 0, false),
    no_frequency = COALESCE(frequency OPERATOR(pg_catalog.=) '199.998', false),
    ended_at = CASE WHEN ended_at IS NULL THEN NULL ELSE last_seen END;

ALTER TABLE vatsim.controller_sessions
    ALTER COLUMN last_logon_time SET NOT NULL,
    ALTER COLUMN is_observer SET NOT NULL,
    ALTER COLUMN no_frequency SET NOT NULL,
    ADD CONSTRAINT controller_sessions_connections_check CHECK (connections OPERATOR(pg_catalog.>=) 1);

COMMENT ON TABLE vatsim.controller_sessions IS 'One row per controller session: a controller (cid, callsign) that reconnects within vatsim_ingest.controller_reconnect_grace of being last seen continues the same session';
COMMENT ON COLUMN vatsim.controller_sessions.logon_time IS 'Logon time of the session''s first connection';
COMMENT ON COLUMN vatsim.controller_sessions.last_logon_time IS 'Logon time of the session''s newest connection';
COMMENT ON COLUMN vatsim.controller_sessions.connections IS 'Network connections merged into the session (1 + reconnects within the grace)';
COMMENT ON COLUMN vatsim.controller_sessions.is_observer IS 'true while every snapshot of the session had facility 0 (an observer throughout)';
COMMENT ON COLUMN vatsim.controller_sessions.no_frequency IS 'true while every snapshot of the session had frequency 199.998 (never on a frequency)';
COMMENT ON COLUMN vatsim.controller_sessions.frequency IS 'Newest frequency (199.998: not on a frequency)';
COMMENT ON COLUMN vatsim.controller_sessions.ended_at IS 'End of the session (its last_seen) once absent longer than vatsim_ingest.controller_reconnect_grace; NULL while online or within the grace';

-- (end of controller sessions part)
