#!/bin/bash
# run_tests.sh: the body of `make test`.  Builds with -Werror, installs, and
# runs every test: the pure-C unit tests (plain and under ASan/UBSan), then
# pg_regress and pgTAP in a throw-away PostgreSQL 15 cluster made by
# pg_virtualenv with the library preloaded.  The last line counts the tests
# that passed and failed.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGS=$ROOT/build/test-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

fail() { echo "run_tests: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

echo "== build (-Werror) and install"
make -s clean >/dev/null 2>&1
make -s WERROR=-Werror >"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log"; fail "build failed"; }
$SUDO make -s install >>"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log"; fail "install failed"; }

# The shipped (anonymised) snapshots, uncompressed where the server (running
# as the postgres user) can read them.
FIXTURES=$(mktemp -d /tmp/vatsim_fixtures.XXXXXX)
trap 'rm -rf "$FIXTURES"' EXIT
for f in test/fixtures/*.json.gz; do
	gzip -dc "$f" >"$FIXTURES/$(basename "$f" .gz)"
done
cp test/bad/* "$FIXTURES/"
mkdir "$FIXTURES/vatspy"
cp test/fixtures/vatspy/Boundaries.geojson test/fixtures/vatspy/VATSpy.dat "$FIXTURES/vatspy/"
chmod -R a+rX "$FIXTURES"
export VATSIM_FIXTURES=$FIXTURES

# SKIP_UNIT=1 skips the unit and fetch tests while developing (CI never sets it).
echo "== unit tests (pure C parser)"
if [ "${SKIP_UNIT:-}" = 1 ]; then touch "$LOGS/unit.ok" "$LOGS/fetch.ok"; : >"$LOGS/unit.log"; : >"$LOGS/fetch.log"
elif make -s --no-print-directory -C test/unit check PROVE_FLAGS=-v FIXTURE_DIR="$FIXTURES" >"$LOGS/unit.log" 2>&1; then touch "$LOGS/unit.ok"; fi
cat "$LOGS/unit.log"

echo "== fetch stage (libcurl) against test/feed_server.py"
if [ "${SKIP_UNIT:-}" = 1 ]; then :
elif make -s --no-print-directory -C test/fetch check PROVE_FLAGS=-v FIXTURE_DIR="$FIXTURES" >"$LOGS/fetch.log" 2>&1; then touch "$LOGS/fetch.ok"; fi
cat "$LOGS/fetch.log"

# libFuzzer (test/fuzz): a short pass (10 s) of each target from its
# committed corpus; TAP, one line a target with executions and crashes.
echo "== fuzzing (libFuzzer, 10 s a target)"
if [ "${SKIP_UNIT:-}" = 1 ]; then touch "$LOGS/fuzz.ok"; : >"$LOGS/fuzz.log"
elif make -s --no-print-directory -C test/fuzz check >"$LOGS/fuzz.log" 2>&1; then touch "$LOGS/fuzz.ok"; fi
cat "$LOGS/fuzz.log"

# The HTTP server the worker tests fetch from (127.0.0.1 only).
python3 test/feed_server.py --fixtures "$FIXTURES" --port 0 --port-file "$LOGS/port" \
	--log "$LOGS/feed_server.log" &
SERVER_PID=$!
stop_server() {
	kill "$SERVER_PID" 2>/dev/null || return 0
	for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$SERVER_PID" 2>/dev/null || true
}
trap 'stop_server; rm -rf "$FIXTURES"' EXIT
for _ in $(seq 100); do [ -s "$LOGS/port" ] && break; sleep 0.1; done
[ -s "$LOGS/port" ] || fail "test/feed_server.py did not start"
export FEED_SERVER_URL="http://127.0.0.1:$(cat "$LOGS/port")"

echo "== pg_regress and pgTAP (pg_virtualenv, PostgreSQL 15)"
pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o vatsim_ingest.enabled=off \
	-o shared_preload_libraries=vatsim_ingest \
	-o lc_messages=C \
	test/run_pg_tests.sh "$LOGS" 2>&1 | tee "$LOGS/pg.log"

# Count every test: TAP lines from the unit tests and pg_prove, and test
# files from pg_regress.
TAP_LOGS="$LOGS/unit.log $LOGS/fetch.log $LOGS/fuzz.log $LOGS/pgtap.log $LOGS/worker.log $LOGS/shell.log"
tap_pass=$(cat $TAP_LOGS 2>/dev/null | grep -cE '^[[:space:]]*ok [0-9]+')
tap_fail=$(cat $TAP_LOGS 2>/dev/null | grep -cE '^[[:space:]]*not ok [0-9]+')
reg_pass=$(grep -cE '^(test| )[ ]*[a-z_]+ +\.\.\. ok' "$LOGS/regress.log" 2>/dev/null)
reg_fail=$(grep -cE '\.\.\. FAILED' "$LOGS/regress.log" 2>/dev/null)
[ -f "$LOGS/unit.ok" ] || tap_fail=$((tap_fail + 1))
[ -f "$LOGS/fetch.ok" ] || tap_fail=$((tap_fail + 1))
[ -f "$LOGS/fuzz.ok" ] || tap_fail=$((tap_fail + 1))
[ -f "$LOGS/worker.ok" ] || tap_fail=$((tap_fail + 1))
[ -f "$LOGS/shell.ok" ] || tap_fail=$((tap_fail + 1))
[ -f "$LOGS/regress.ok" ] || reg_fail=$((reg_fail + (reg_fail == 0)))
[ -f "$LOGS/pgtap.ok" ] || tap_fail=$((tap_fail + (tap_fail == 0)))
passed=$((tap_pass + reg_pass))
failed=$((tap_fail + reg_fail))
if [ -s "$ROOT/regression.diffs" ]; then
	echo "-- regression.diffs --"
	head -200 "$ROOT/regression.diffs"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
