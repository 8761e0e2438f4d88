#!/bin/bash
# load.sh: the body of `make load` (issue 13's load test, full size).  Builds
# and installs the extension, runs bench/load_run.sh (the worker ingests 1,000
# snapshots at vatsim_ingest.interval = 250ms while 8 pgbench clients call the
# readers) and prints its checks, then its figures: ingest median/p99 and its
# ratio, each reader's p50/p99, the machine and the load average.  11 minutes
# on the shared 2 cores (load average 7 to 14).  Exit status 1 when a check
# fails.  Settings: see bench/load_run.sh (LOAD_SNAPSHOTS, LOAD_CLIENTS,
# LOAD_INTERVAL, ...).
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "== build and install"
make -s >/dev/null
$SUDO make -s install >/dev/null

OUT=$(mktemp -d /tmp/vatsim_load_out.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
echo "== load test (bench/load_run.sh)"
bench/load_run.sh "$OUT" >"$OUT/run.log" 2>&1 || { cat "$OUT/run.log"; exit 1; }
echo "== checks"
awk -F'\t' '{ ok = ($2 == $3); bad += !ok; printf "%s - %s (expected %s, got %s)\n", ok ? "ok" : "FAILED", $1, $2, $3 }
	END { exit bad > 0 }' "$OUT/checks" && status=0 || status=1
[ -s "$OUT/checks.detail" ] && cat "$OUT/checks.detail"
cat "$OUT/report"
exit $status
