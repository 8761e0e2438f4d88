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

-- Deleting a sector cascades to its features by (sector_set, sector): without
-- an index each sector's cascade read every feature of the set, so replacing
-- or deleting a set took time quadratic in its size.  (sector_occupancy and
-- occupancy_state have no foreign key to sectors: nothing cascades there.)
CREATE INDEX sector_features_sector_idx ON vatsim.sector_features (sector_set, sector);

-- (end of sector sets part)



-- ---------------------------------------------------------------------------
-- The worker: status in shared memory (findings 2, 13, 15)
-- ---------------------------------------------------------------------------

-- (end of worker part)
