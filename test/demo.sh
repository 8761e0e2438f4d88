#!/bin/bash
# demo.sh: the body of `make demo`.  Builds and installs the extension and
# starts a throw-away PostgreSQL 15 cluster with the library preloaded
# (pg_virtualenv; as root the server runs as the postgres user).  Then:
#  0. loads VATSpy's FIR boundaries as sector set "vatspy" (occupancy tracked);
#  1. backfill: ingests the shipped snapshots in time order (vatsim.ingest_file);
#     then, in a second database, the analytics: the real seq1 -> seq2 -> seq3
#     series and 10 dead-reckoned steps, each with a transceivers document
#     derived from it, VATSpy's airports loaded: a controller summary, a
#     flight summary with its ATC share and an airport's movements;
#  2. live: the background worker fetches a feed every few seconds from a
#     local server that replays the same real snapshots with current
#     timestamps (LIVE=1: the real VATSIM feeds instead, every 15 s).
# DEMO_CYCLES (default 8) bounds how long the live part runs.
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

echo "== build and install"
make -s >/dev/null
$SUDO make -s install >/dev/null

FIXTURES=$(mktemp -d /tmp/vatsim_demo.XXXXXX)
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; rm -rf "$FIXTURES"' EXIT
for f in test/fixtures/*.json.gz; do
	gzip -dc "$f" >"$FIXTURES/$(basename "$f" .gz)"
done
mkdir "$FIXTURES/vatspy"
cp test/fixtures/vatspy/Boundaries.geojson test/fixtures/vatspy/VATSpy.dat "$FIXTURES/vatspy/"
chmod -R a+rX "$FIXTURES"
export VATSIM_FIXTURES=$FIXTURES

if [ "${LIVE:-0}" = 1 ]; then
	INTERVAL=15s
	FEED_URL=https://data.vatsim.net/v3/vatsim-data.json
	TRX_URL=https://data.vatsim.net/v3/transceivers-data.json
	echo "== live: the real VATSIM feeds every $INTERVAL"
else
	INTERVAL=3s
	python3 test/feed_server.py --fixtures "$FIXTURES" --port 0 --port-file "$FIXTURES/port" &
	SERVER_PID=$!
	for _ in $(seq 100); do [ -s "$FIXTURES/port" ] && break; sleep 0.1; done
	BASE="http://127.0.0.1:$(cat "$FIXTURES/port")"
	NAMES=$(cd "$FIXTURES" && ls v3-*.json | paste -sd, -)
	FEED_URL="$BASE/replay?names=$NAMES&step=3"
	TRX_URL="$BASE/feeds/transceivers-2021-04-21-892stations.json"
	echo "== local replay of the shipped snapshots (current timestamps) every $INTERVAL"
fi
export DEMO_INTERVAL=$INTERVAL DEMO_CYCLES=${DEMO_CYCLES:-8} DEMO_FEED_URL=$FEED_URL DEMO_TRX_URL=$TRX_URL

pg_virtualenv -t -v 15 -c "-p $(test/free_port)" \
	-o shared_preload_libraries=vatsim_ingest \
	-o lc_messages=C \
	-o vatsim_ingest.database=postgres \
	-o vatsim_ingest.enabled=off \
	-o "vatsim_ingest.interval=$INTERVAL" \
	test/demo_inner.sh
