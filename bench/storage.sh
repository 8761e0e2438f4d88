#!/bin/bash
# storage.sh: packed position history (issue 12, "Storage") in a throw-away
# PostgreSQL 15 cluster (pg_virtualenv, worker off): STORAGE_HOURS hours
# (default 6; 24 for a day, about 11 M positions and 4 more minutes) of
# synthetic x1 history (the 1,925-pilot snapshot dead-reckoned, 15 s a
# snapshot: bench/storage.sql), then
#   - bytes per stored position, heap + TOAST + indexes, as rows
#     (vatsim.positions) and as packs (vatsim.position_packs);
#   - the packing rate: vatsim.pack_positions('infinity', 50000) until 0;
#   - a flight's whole track (STORAGE_SAMPLES flights), p50 in a warm
#     session, and the first read in a new backend (STORAGE_BACKENDS of
#     them, each timed inside the server), from rows and from packs.
# Run by bench/run.sh (make bench), or alone after make install.
set -eu
cd "$(dirname "$0")/.."

export STORAGE_HOURS=${STORAGE_HOURS:-6}
export STORAGE_SAMPLES=${STORAGE_SAMPLES:-200}
export STORAGE_BACKENDS=${STORAGE_BACKENDS:-20}
STORAGE_TMP=$(mktemp -d /tmp/vatsim_storage.XXXXXX)
trap 'rm -rf "$STORAGE_TMP"' EXIT
gzip -dc test/fixtures/v3-2021-04-24T1528Z-1925p.json.gz >"$STORAGE_TMP/1925p.json"
chmod 755 "$STORAGE_TMP"
chmod 644 "$STORAGE_TMP"/*
cp bench/storage.sql bench/storage_cluster.sh "$STORAGE_TMP/"

echo "== storage: throw-away cluster (pg_virtualenv, PostgreSQL 15), $STORAGE_HOURS h of x1 history"
pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o lc_messages=C \
	-o shared_preload_libraries=vatsim_ingest -o vatsim_ingest.enabled=off \
	timeout 900 bash "$STORAGE_TMP/storage_cluster.sh" "$STORAGE_TMP"
echo "Load average (1/5/15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
