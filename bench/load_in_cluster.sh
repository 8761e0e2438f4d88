#!/bin/bash
# load_in_cluster.sh: the body of bench/load_run.sh inside its throw-away
# cluster (PG* set by pg_virtualenv).  Sets up database postgres
# (load_setup.sql), points the worker at the replay, runs pgbench in chunks
# while the worker ingests, then writes $LOAD_OUT/checks and $LOAD_OUT/report
# (load_report.sql).
set -eu
cd "$(dirname "$0")/.."
export PGDATABASE=postgres PGOPTIONS="-c client_min_messages=warning"
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
# wait_for SECONDS QUERY: until the query says t
wait_for() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ "$(q -c "$2")" = t ] && return 0
		sleep 0.1
	done
	return 1
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

q -v dir=test/fixtures/vatspy -f bench/load_setup.sql >/dev/null
q -v feed="$LOAD_FEED" >/dev/null <<'SQL'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'feed';
ALTER SYSTEM SET vatsim_ingest.transceivers_url = '';
ALTER SYSTEM SET vatsim_ingest.enabled = on;
SELECT pg_reload_conf();
SQL
t0=$(date +%s)
wait_for 60 "SELECT count(*) >= 3 FROM vatsim.snapshots" ||
	{ echo "load_in_cluster.sh: the worker stored no snapshot in 60 s" >&2; exit 1; }
worker_pid=$(q -c "SELECT pid FROM vatsim.status")

# pgbench until every snapshot is stored: chunks of at most LOAD_CHUNK_S s,
# the last one as long as the snapshots left should take (at least 2 s)
args=()
while IFS=$'\t' read -r name weight; do args+=(-f "$LOAD_TMP/scripts/$name.sql@$weight"); done <"$LOAD_TMP/scripts/order"
mkdir "$LOAD_TMP/pgbench"
chunks=0
chunk_failures=0
while [ $(($(date +%s) - t0)) -lt "$LOAD_TIMEOUT_S" ]; do
	secs=$(q -c "SELECT greatest(2, least($LOAD_CHUNK_S, ceil(extract(epoch FROM ($LOAD_SNAPSHOTS - count(*))
	                    * current_setting('vatsim_ingest.interval')::interval))))::int
	             FROM vatsim.snapshots HAVING count(*) < $LOAD_SNAPSHOTS")
	[ -z "$secs" ] && break
	chunks=$((chunks + 1))
	pgbench -n -c "$LOAD_CLIENTS" -j 2 -T "$secs" -l --log-prefix="$LOAD_TMP/pgbench/log$chunks" "${args[@]}" \
		>"$LOAD_TMP/pgbench/out$chunks" 2>&1 || chunk_failures=$((chunk_failures + 1))
done
t1=$(date +%s)
q -c "ALTER SYSTEM SET vatsim_ingest.enabled = off" -c "SELECT pg_reload_conf()" >/dev/null
wait_for 30 "SELECT state = 'disabled' FROM vatsim.status" || true
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# pgbench's own verdict: every chunk's exit status, and no error or aborted client
errors=$(cat "$LOAD_TMP"/pgbench/out* | grep -ci 'error\|abort' || true)
{
	printf 'every pgbench chunk exited 0 (%s chunks)\t0\t%s\n' "$chunks" "$chunk_failures"
	printf 'no pgbench client reported an error or was aborted\t0\t%s\n' "$errors"
} >>"$LOAD_OUT/checks"
if [ "$errors" != 0 ]; then
	grep -hi 'error\|abort' "$LOAD_TMP"/pgbench/out* | sort | uniq -c | sort -rn | head -20 | sed 's/^/# /' >>"$LOAD_OUT/checks.detail"
fi

cat "$LOAD_TMP"/pgbench/log* >"$LOAD_TMP/transactions"
q -c "\copy load.tx_raw FROM '$LOAD_TMP/transactions'" \
	-c "\copy load.scripts (name, weight) FROM '$LOAD_TMP/scripts/order'" \
	-c "\copy load.expected FROM '$LOAD_TMP/feeds/expected'"
q -v snapshots="$LOAD_SNAPSHOTS" -v worker_pid="$worker_pid" -v wall_s="$((t1 - t0))" -v clients="$LOAD_CLIENTS" -v interval="$LOAD_INTERVAL" \
	-v load_before="$load_before" -v load_after="$load_after" \
	-v machine="$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/^Mem:/ {print $2}') GB RAM" \
	-f bench/load_report.sql >"$LOAD_TMP/report.out" 2>"$LOAD_TMP/report.err" && report_rc=0 || report_rc=$?
printf 'the report ran to its end (psql exit status)\t0\t%s\n' "$report_rc" >>"$LOAD_OUT/checks"
sed 's/^/# /' "$LOAD_TMP/report.err" >>"$LOAD_OUT/checks.detail"
grep $'^check\t' "$LOAD_TMP/report.out" | cut -f2- >>"$LOAD_OUT/checks"
grep -v $'^check\t' "$LOAD_TMP/report.out" >>"$LOAD_OUT/report"
