#!/bin/bash
# load_run.sh OUT: the load test (issue 13), shared by bench/load.sh (make
# load: the full run and its figures) and test/shell/15_load.sh (make test: a
# short run, its checks only).
#
# The background worker ingests LOAD_SNAPSHOTS (1000) distinct snapshots from
# test/feed_server.py on 127.0.0.1 (/sequence: the next file on each request,
# then the last one again, "unchanged") every LOAD_INTERVAL (250ms), while
# LOAD_CLIENTS (8) pgbench clients call the history, summary, GeoJSON and API
# functions (bench/load_readers.txt, one script each, arguments drawn from
# what exists).  pgbench runs in chunks of LOAD_CHUNK_S (20) seconds until the
# worker has stored every snapshot (bounded by LOAD_TIMEOUT_S, 1500), so the
# readers run for the whole ingest and no longer.  The snapshots:
# bench/load_feed.py (the real seq3 snapshot dead-reckoned, 15 s apart, pilots
# and controllers coming and going).  One throw-away cluster (pg_virtualenv,
# library preloaded, worker in database postgres), VATSpy's sectors tracked
# and airports loaded, no transceivers feed.
#
# Writes OUT/checks (one line per check: name TAB expected TAB got) and
# OUT/report (the figures).  Exit status 0 when the run itself completed
# (the checks say whether it was right).  Needs the extension installed.
set -eu
cd "$(dirname "$0")/.."
OUT=$1
export LOAD_SNAPSHOTS=${LOAD_SNAPSHOTS:-1000}
export LOAD_CLIENTS=${LOAD_CLIENTS:-8}
export LOAD_INTERVAL=${LOAD_INTERVAL:-250ms}
export LOAD_CHUNK_S=${LOAD_CHUNK_S:-20}
export LOAD_TIMEOUT_S=${LOAD_TIMEOUT_S:-1500}
mkdir -p "$OUT"
: >"$OUT/checks"
: >"$OUT/report"

LOAD_TMP=$(mktemp -d /tmp/vatsim_load.XXXXXX)
SERVER_PID=""
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	rm -rf "$LOAD_TMP"
}
trap cleanup EXIT
export LOAD_TMP LOAD_OUT=$OUT

gzip -dc test/fixtures/v3-2023-08-08T000359Z-737p-seq3.json.gz >"$LOAD_TMP/source.json"
python3 bench/load_feed.py "$LOAD_TMP/source.json" "$LOAD_TMP/feeds" "$LOAD_SNAPSHOTS"

# one pgbench script per reader, in the order of load_readers.txt (pgbench's
# script number in its log is the index in that order)
mkdir "$LOAD_TMP/scripts"
grep -v '^#' bench/load_readers.txt | while IFS='|' read -r name weight stmt; do
	printf '%s\n' '\set r random(0, 1000000000)' '\set s random(0, 1000000000)' "$stmt" \
		>"$LOAD_TMP/scripts/$name.sql"
	printf '%s\t%s\n' "$name" "$weight" >>"$LOAD_TMP/scripts/order"
done

python3 test/feed_server.py --fixtures "$LOAD_TMP/feeds" --port 0 --port-file "$LOAD_TMP/port" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$LOAD_TMP/port" ] && break; sleep 0.1; done
[ -s "$LOAD_TMP/port" ] || { echo "load_run.sh: the feed server did not start" >&2; exit 1; }
names=$(cd "$LOAD_TMP/feeds" && ls s*.json | paste -sd,)
export LOAD_FEED="http://127.0.0.1:$(cat "$LOAD_TMP/port")/sequence/load?names=$names"

pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o shared_preload_libraries=vatsim_ingest -o lc_messages=C \
	-o vatsim_ingest.database=postgres -o vatsim_ingest.enabled=off -o vatsim_ingest.interval="$LOAD_INTERVAL" \
	bench/load_in_cluster.sh
