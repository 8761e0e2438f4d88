#!/bin/bash
# 15_load.sh: the load test of issue 13, short and without timing: the
# worker ingests 100 distinct snapshots from the local feed server at
# vatsim_ingest.interval = 250ms while 8 pgbench clients call every history,
# summary, GeoJSON and API reader (bench/load_readers.txt) for the whole
# ingest.  bench/load_run.sh does the run in a throw-away cluster of its own;
# this prints its checks as TAP: no pgbench error or aborted client, no failed
# reader transaction, every reader called, every document stored exactly once
# with its pilots and controllers and nothing else, no sector or analytics
# error, every position readable, only ok and unchanged cycles, no worker
# restart, now() moving on in the worker (each snapshot its own ingested_at),
# and a history that grew.  The timing figures are make load's
# (bench/load.sh).  About a minute.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d /tmp/vi_load_test.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
# the expected number of checks: a run that stops early prints fewer
CHECKS=13
echo "1..$((CHECKS + 1))"
if LOAD_SNAPSHOTS=${LOAD_TEST_SNAPSHOTS:-100} LOAD_CLIENTS=8 LOAD_CHUNK_S=10 LOAD_TIMEOUT_S=120 \
	timeout 240 "$ROOT/bench/load_run.sh" "$OUT" >"$OUT/run.log" 2>&1; then
	echo "ok 1 - bench/load_run.sh ran to its end"
else
	echo "not ok 1 - bench/load_run.sh ran to its end"
	tail -30 "$OUT/run.log" | sed 's/^/# /'
fi
n=1
while IFS=$'\t' read -r name expected got; do
	n=$((n + 1))
	if [ "$expected" = "$got" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		printf '# expected: %s\n# got:      %s\n' "$expected" "$got"
	fi
done <"$OUT/checks"
[ -s "$OUT/checks.detail" ] && cat "$OUT/checks.detail"
for ((; n < CHECKS + 1; )); do n=$((n + 1)); echo "not ok $n - (check not run)"; done
sed 's/^/# /' "$OUT/report"
