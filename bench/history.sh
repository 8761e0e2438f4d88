#!/bin/bash
# history.sh: the sector history functions on synthetic x1 history of 1, 3
# and 7 days (HISTORY_DAYS), side by side with the same intervals in a
# plain table with careful B-tree indexes queried by plain SQL, in one
# throw-away PostgreSQL 15 cluster (pg_virtualenv, worker off).  For each
# size and function: p50 in a warm session (HISTORY_WARM calls) and the
# first call in a new backend (median of HISTORY_NEW backends), both sides
# and the ratio; bytes per interval (0.5.0's layout, this one, plain); the
# plans (auto_explain of the functions' own statements).  The history is
# generated set-based in SQL (bench/history_setup.sql), the aggregates built
# with vatsim.rebuild_sector_aggregates(), then both tables VACUUM FULL (the
# rebuild's update of every interval would otherwise double the table: an
# ingest writes each interval once).
# Run by bench/run.sh (make bench), or alone after make install.
set -eu
cd "$(dirname "$0")/.."

export HISTORY_DAYS=${HISTORY_DAYS:-1 3 7}
export HISTORY_WARM=${HISTORY_WARM:-50}
export HISTORY_NEW=${HISTORY_NEW:-15}

echo "== sector history: throw-away cluster (pg_virtualenv, PostgreSQL 15)"
pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o lc_messages=C \
	-o shared_preload_libraries=vatsim_ingest -o vatsim_ingest.enabled=off \
	-o max_wal_size=4GB -o checkpoint_timeout=30min \
	timeout 900 bench/history_in_cluster.sh
echo "Load average (1/5/15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
