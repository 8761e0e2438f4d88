#!/bin/bash
# sectors.sh: sector lookups and occupancy, in ONE throw-away PostgreSQL 15
# cluster (pg_virtualenv, library preloaded, worker off, autovacuum off:
# the timed parts vacuum explicitly; shared_buffers=1GB):
#  1. points per second of vatsim.sectors_at over VATSpy's Australian
#     features (set au) and over all of VATSpy (set vatspy), random points
#     with a fixed seed, median of 3 runs after a warm-up;
#  2. PostGIS on the same points and features (ST_Covers + GiST, points
#     precomputed), the speed-up, and the (point, sector) pair counts of both;
#     the set-based vatsim.sectors_at_points on the same points as arrays,
#     against PostGIS joining the unnest'ed arrays and against the C index
#     alone (bench/sector_index_time.c);
#  3. the occupancy cost per snapshot: the same sequence of moving snapshots
#     (x1 = 1,925 pilots, x10 = 19,250) ingested into a database with VATSpy
#     loaded and tracked and into one with no sector set; the difference of
#     the medians is the cost.
# Run by bench/run.sh (make bench), or alone: bench/sectors.sh (uses the
# installed extension; make -s && sudo make -s install first after a change).
# Settings: SECTORS_POINTS (200000), SECTORS_RUNS (3), SECTORS_STEPS (16
# snapshots per sequence), SECTORS_WARMUPS (2 of them not counted).
# See bench/README.md.
set -eu
cd "$(dirname "$0")/.."

export SECTORS_POINTS=${SECTORS_POINTS:-200000}
export SECTORS_RUNS=${SECTORS_RUNS:-3}
export SECTORS_STEPS=${SECTORS_STEPS:-16}
export SECTORS_WARMUPS=${SECTORS_WARMUPS:-2}
export SECTORS_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# The server runs as postgres when we are root: it reads the inputs here.
SECTORS_TMP=$(mktemp -d /tmp/vatsim_sectors.XXXXXX)
trap 'rm -rf "$SECTORS_TMP"' EXIT
export SECTORS_TMP
cp test/fixtures/vatspy/Boundaries.geojson "$SECTORS_TMP/Boundaries.geojson"
gzip -dc test/fixtures/v3-2021-04-24T1528Z-1925p.json.gz >"$SECTORS_TMP/1925p.json"
chmod 755 "$SECTORS_TMP"
chmod 644 "$SECTORS_TMP"/*
# The C index alone (sectors_in_cluster.sh runs it): the geometry sources
# and the feed parser's JSON checks they use, as test/unit builds them.
cc -O2 -std=c11 -Isrc/geometry -Isrc/parse -o "$SECTORS_TMP/sector_index_time" bench/sector_index_time.c \
	src/geometry/geo_*.c $(printf 'src/parse/feed_%s.c ' parse json prescan map dedupe time) -lcjson -lm

echo "== sectors: throw-away cluster (pg_virtualenv, PostgreSQL 15)"
# shared_buffers=1GB: part 3 runs two databases side by side, and their
# working sets at x10 together exceed the default 128MB (each alone fits),
# which would charge the benchmark's own layout to the occupancy cost.
# pg_stat_statements (track=all) times occupancy's own statements inside
# vatsim.ingest, as a cross-check of the difference.
pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o lc_messages=C \
	-o shared_preload_libraries=vatsim_ingest,pg_stat_statements -o pg_stat_statements.track=all \
	-o vatsim_ingest.enabled=off -o autovacuum=off -o shared_buffers=1GB bench/sectors_in_cluster.sh

echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
	"$(awk '/^MemTotal/ { printf "%.1f GB RAM", $2 / 1048576 }' /proc/meminfo)."
echo "Load average (1/5/15 min): before ${SECTORS_LOAD_BEFORE}, at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
	"(the run itself adds about 1; more means other processes shared the CPUs)."
