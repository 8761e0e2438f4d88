#!/bin/bash
# run.sh: the body of `make bench`.  Builds and installs the extension, then
# in ONE throw-away PostgreSQL 15 cluster (pg_virtualenv, library preloaded)
# ingests the 1,925-pilot snapshot and a x10 copy of it 20 times each in
# steady state, measures a lower bound in the same run (cJSON parse of the
# same document + plain COPY of the same pilot and position rows into empty
# tables) and prints median/max ms per snapshot, the ratio to the lower
# bound and snapshots per second.  See bench/README.md.
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

# Load before we add any: other processes sharing the CPUs skew the figures.
export BENCH_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== build and install"
make -s >/dev/null
$SUDO make -s install >/dev/null

BENCH_TMP=$(mktemp -d /tmp/vatsim_bench.XXXXXX)
trap 'rm -rf "$BENCH_TMP"' EXIT
export BENCH_TMP

# The server (the postgres user when we are root) reads the fixture here...
gzip -dc test/fixtures/v3-2021-04-24T1528Z-1925p.json.gz >"$BENCH_TMP/1925p.json"
chmod 755 "$BENCH_TMP"
chmod 644 "$BENCH_TMP/1925p.json"
# ...and writes the COPY files here.
export BENCH_SRV=$BENCH_TMP/srv
mkdir "$BENCH_SRV"
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$BENCH_SRV"
fi
chmod 700 "$BENCH_SRV"

echo "== build bench/parse_time.c"
cc -O2 -o "$BENCH_TMP/parse_time" bench/parse_time.c -lcjson

echo "== throw-away cluster (pg_virtualenv, PostgreSQL 15)"
pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o shared_preload_libraries=vatsim_ingest -o lc_messages=C \
	bench/in_cluster.sh

echo
echo "== worker memory over ${WORKER_CYCLES:-2000} cycles (bench/worker_rss.sh)"
bench/worker_rss.sh "${WORKER_CYCLES:-2000}"

echo
echo "== sector lookups against PostGIS, and the occupancy cost per snapshot (bench/sectors.sh)"
bench/sectors.sh

echo
echo "== vatsim_ingest against the same cycle in plain SQL + PostGIS, side by side, and the profile (bench/side_by_side.sh)"
bench/side_by_side.sh

echo
echo "== the analytics step per snapshot: contacts, flight aggregates, movements, summaries (bench/analytics.sh)"
bench/analytics.sh

echo
echo "== position history storage: bytes per position as rows and as packs, packing rate, track reads (bench/storage.sh)"
bench/storage.sh

echo
echo "== sector history functions on 1, 3 and 7 days of synthetic history, against plain SQL (bench/history.sh)"
bench/history.sh
