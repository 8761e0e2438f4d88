#!/bin/bash
# sector_sets.sh: the cost of sector sets, in a throw-away PostgreSQL 15
# cluster (pg_virtualenv, library preloaded):
#  1. bench/sector_replace.sql: replacing and deleting a set of 5,000 to
#     100,000 features, with the index on vatsim.sector_features
#     (sector_set, sector) and without it (as in 0.3.0);
#  2. bench/sector_memory.sql: the memory a backend's sector cache keeps
#     with VATSpy loaded.
# Uses the installed extension: make -s && sudo make -s install first after
# a change.  Not part of make test or make bench (the runs without the
# index take about three minutes).
set -eu
cd "$(dirname "$0")/.."
TMP=$(mktemp -d /tmp/vatsim_sector_sets.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cp test/fixtures/vatspy/Boundaries.geojson "$TMP/"
chmod 755 "$TMP"
chmod 644 "$TMP/Boundaries.geojson"
pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o vatsim_ingest.enabled=off \
	-o shared_preload_libraries=vatsim_ingest \
	sh -c "psql -X -q -d postgres -v boundaries='$TMP/Boundaries.geojson' -f bench/sector_memory.sql &&
		psql -X -q -d postgres -f bench/sector_replace.sql"
