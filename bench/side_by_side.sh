#!/bin/bash
# side_by_side.sh: vatsim_ingest against the same cycle written in plain SQL
# + PostGIS (bench/plain_sql: jsonb_to_recordset, ON CONFLICT upserts,
# ST_Covers with GiST, occupancy as one set-based statement), in ONE
# throw-away PostgreSQL 15 cluster (pg_virtualenv, library and
# pg_stat_statements preloaded, worker off), both sides fed the same
# dead-reckoned documents in the same run, each side in one long-lived
# session, the two taking turns snapshot by snapshot:
#  - ms per snapshot at x1 with VATSpy tracked, x1 without sectors, x10
#    with VATSpy tracked, and the ratio plain / ours;
#  - ours at x1 with a transceivers document too (the analytics' share);
#  - backfill: SBS_BACKFILL snapshots back to back, snapshots/s per side;
#  - bytes per stored position, WAL bytes per snapshot;
#  - the profile of our x1 snapshot: pg_stat_statements per statement,
#    pg_stat_user_tables updates against HOT updates per table;
#  - the check: after the same snapshots both sides hold the same occupancy
#    intervals, flights and position count (fails loudly otherwise).
# Run by bench/run.sh (make bench), or alone after make install.
# Settings: SBS_X1_STEPS (14), SBS_X10_STEPS (5, the first a warm-up),
# SBS_BACKFILL (100), SBS_WARMUPS (2 of the x1 steps).  See bench/README.md.
set -eu
cd "$(dirname "$0")/.."

export SBS_X1_STEPS=${SBS_X1_STEPS:-14}
export SBS_X10_STEPS=${SBS_X10_STEPS:-5}
export SBS_BACKFILL=${SBS_BACKFILL:-100}
export SBS_WARMUPS=${SBS_WARMUPS:-2}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# The server runs as postgres when we are root: it reads the inputs here.
SBS_TMP=$(mktemp -d /tmp/vatsim_sbs.XXXXXX)
trap 'rm -rf "$SBS_TMP"' EXIT
export SBS_TMP
cp test/fixtures/vatspy/Boundaries.geojson test/fixtures/vatspy/VATSpy.dat "$SBS_TMP/"
gzip -dc test/fixtures/v3-2021-04-24T1528Z-1925p.json.gz >"$SBS_TMP/1925p.json"
chmod 755 "$SBS_TMP"
chmod 644 "$SBS_TMP"/*

echo "== side by side: throw-away cluster (pg_virtualenv, PostgreSQL 15)"
pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o lc_messages=C \
	-o shared_preload_libraries=vatsim_ingest,pg_stat_statements -o pg_stat_statements.track=all \
	-o vatsim_ingest.enabled=off -o shared_buffers=1GB bench/side_by_side_in_cluster.sh

echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
	"$(awk '/^MemTotal/ { printf "%.1f GB RAM", $2 / 1048576 }' /proc/meminfo)."
echo "Load average (1/5/15 min): before $load_before, at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
	"(the run itself adds about 1; more means other processes shared the CPUs)."
