#!/bin/bash
# fixtures_missing.sh: a fixture the unit tests cannot read must fail its
# checks, never skip them (a renamed fixture would otherwise drop its
# checks silently).  Runs each plain test program with an empty
# FIXTURE_DIR and a missing VATSPY_BOUNDARIES and VATSPY_DAT; prints TAP.  Run by the
# Makefile's check target, after the programs are built.
set -u
cd "$(dirname "$0")"
empty=$(mktemp -d) || exit 1
trap 'rmdir "$empty"' EXIT

n=0
check() {
	local prog=$1 want=$2 out rc fails
	out=$(FIXTURE_DIR="$empty" VATSPY_BOUNDARIES="$empty/none.geojson" VATSPY_DAT="$empty/none.dat" \
		"build/$prog" 2>&1)
	rc=$?
	fails=$(grep -c "^not ok .*\(not found\|not set\)" <<<"$out")
	n=$((n + 1))
	if [ "$rc" -ne 0 ] && [ "$fails" -ge "$want" ] && ! grep -q "# SKIP" <<<"$out"; then
		echo "ok $n - $prog without its fixtures fails ($fails checks not ok, exit $rc)"
	else
		echo "not ok $n - $prog without its fixtures fails (got $fails checks not ok, want $want; exit $rc)"
	fi
}

echo "1..4"
check test_feed_parse 70
check test_transceivers_parse 14
check test_geometry 11
check test_vatspy_dat 11
