#!/bin/bash
# partitions.sh: what daily partitions cost (issue 12, bounded history), in
# a throw-away PostgreSQL 15 cluster (pg_virtualenv, worker off).
#
# 1. The ingest with vatsim.positions partitioned by day (as installed)
#    against the same ingest with positions a plain table (the 0.5.0 form:
#    the partitioned table replaced, the registry emptied), in two databases
#    of the same cluster, A then B then A again: the 1,925-pilot snapshot, no
#    sectors, PARTITIONS_STEPS steps 15 s apart from 23:55 UTC, so that one
#    step crosses midnight and creates its day's partition inside the ingest
#    (its duration is shown on its own).  Figure: vatsim.snapshots.duration_ms,
#    median, after 2 warm-ups.
# 2. The readers without a time bound (flight_stats, flight_track: one probe
#    of each day's primary key) in both databases, and again in A after 2.
# 3. The worker's per-cycle step: vatsim.ensure_partitions('2 days') when
#    the days exist (every cycle but one a day), creating one day, and
#    vatsim.drop_partitions() of a day of PARTITIONS_DAY_ROWS positions
#    (20 days are created and 5 dropped, so A ends with more partitions).
# Run alone after make install (under the tests' lock: it uses the
# installed extension), or with --here in the cluster of the environment.
set -eu
cd "$(dirname "$0")/.."

export PARTITIONS_STEPS=${PARTITIONS_STEPS:-40}
export PARTITIONS_DAY_ROWS=${PARTITIONS_DAY_ROWS:-500000}
TMP=$(mktemp -d /tmp/vatsim_partitions.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
gzip -dc test/fixtures/v3-2021-04-24T1528Z-1925p.json.gz >"$TMP/1925p.json"
chmod 755 "$TMP"
chmod 644 "$TMP"/*

# the measurement, in the cluster of the PG* environment
body="
	export PGOPTIONS='-c statement_timeout=300s -c client_min_messages=warning'
	run() { timeout 600 psql -X -q -v ON_ERROR_STOP=1 -v dir='$TMP' -v steps=$PARTITIONS_STEPS \
	                         -v day_rows=$PARTITIONS_DAY_ROWS \"\$@\"; }
	dropdb --if-exists part && dropdb --if-exists plain && createdb part && createdb plain &&
	run -d part -v mode=partitioned -f bench/partitions_setup.sql &&
	run -d plain -v mode=plain -f bench/partitions_setup.sql &&
	run -d part -v round=1 -f bench/partitions_ingest.sql &&
	run -d plain -v round=1 -f bench/partitions_ingest.sql &&
	run -d part -v round=2 -f bench/partitions_ingest.sql &&
	run -d plain -f bench/partitions_readers.sql &&
	run -d part -f bench/partitions_readers.sql &&
	run -d part -f bench/partitions_step.sql &&
	run -d part -f bench/partitions_readers.sql"
if [ "${1:-}" = --here ]; then
	# an existing cluster (PGHOST, PGPORT...) with the library preloaded and
	# the worker off, e.g. one whose binaries see a DESTDIR install
	echo "== partitions: the cluster of the environment (port ${PGPORT:-default})"
	sh -c "$body"
else
	echo "== partitions: throw-away cluster (pg_virtualenv, PostgreSQL 15)"
	pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o lc_messages=C \
		-o shared_preload_libraries=vatsim_ingest -o vatsim_ingest.enabled=off \
		sh -c "$body"
fi
echo "Load average (1/5/15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
