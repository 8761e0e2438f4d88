#!/bin/bash
# demo.sh: the body of `make demo`.  Builds and installs the extension,
# starts a throw-away PostgreSQL 15 cluster with the library preloaded
# (pg_virtualenv; as root the server runs as the postgres user), creates the
# extension, replays the shipped snapshots in time order and prints a summary.
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

echo "== build and install"
make -s >/dev/null
$SUDO make -s install >/dev/null

FIXTURES=$(mktemp -d /tmp/vatsim_demo.XXXXXX)
trap 'rm -rf "$FIXTURES"' EXIT
for f in test/fixtures/v3-*.json.gz; do
	gzip -dc "$f" >"$FIXTURES/$(basename "$f" .gz)"
done
chmod 755 "$FIXTURES"
chmod 644 "$FIXTURES"/*
export VATSIM_FIXTURES=$FIXTURES

echo "== throw-away cluster (pg_virtualenv), replaying $(ls "$FIXTURES" | wc -l) snapshots"
pg_virtualenv -t -v 15 -o shared_preload_libraries=vatsim_ingest -o lc_messages=C \
	psql -X -q -v ON_ERROR_STOP=1 -f test/demo.sql
