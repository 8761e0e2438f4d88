-- sector_memory.sql: the memory a backend's sector cache keeps with VATSpy
-- loaded (the context "vatsim_ingest sector index" of
-- pg_backend_memory_contexts), after one lookup built it.  :boundaries
-- names Boundaries.geojson, readable by the server.  Run by
-- bench/sector_sets.sh.
\set ON_ERROR_STOP 1
SET client_min_messages = error;
CREATE EXTENSION IF NOT EXISTS vatsim_ingest;
SELECT FROM vatsim.load_sectors('vatspy_mem', pg_read_file(:'boundaries'), 'id');
SELECT count(*) AS found_at_london FROM vatsim.sectors_at(51.47, -0.46);
SELECT name, pg_size_pretty(total_bytes) AS total, total_bytes, used_bytes
FROM pg_backend_memory_contexts WHERE name LIKE 'vatsim_ingest sector%';
DELETE FROM vatsim.sector_sets WHERE sector_set = 'vatspy_mem';
