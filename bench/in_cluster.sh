#!/bin/bash
# in_cluster.sh: the part of `make bench` that runs inside the throw-away
# cluster (bench/run.sh starts it under pg_virtualenv, which sets PGHOST,
# PGPORT, PGUSER).  Needs BENCH_TMP (client-side work directory holding the
# fixture and parse_time) and BENCH_SRV (a directory the server can write).
set -eu
cd "$(dirname "$0")/.."
: "${BENCH_TMP:?}" "${BENCH_SRV:?}"

WARMUPS=${BENCH_WARMUPS:-2}
RUNS=${BENCH_RUNS:-20}
COPY_RUNS=${BENCH_COPY_RUNS:-11}
PARSE_RUNS=${BENCH_PARSE_RUNS:-21}

# Bound the run: no statement may take more than 3 minutes, no psql session
# more than 15.
export PGOPTIONS="-c statement_timeout=180s -c client_min_messages=warning"
PSQL=(timeout 900 psql -X -q -v ON_ERROR_STOP=1 -d postgres
	-v warmups="$WARMUPS" -v runs="$RUNS" -v copy_runs="$COPY_RUNS")

echo "== preparing documents: 1925p and x10, $((WARMUPS + RUNS)) time-shifted copies of each (not timed)"
"${PSQL[@]}" -v fixture="$BENCH_TMP/1925p.json" -v outdir="$BENCH_TMP" -f bench/prepare.sql

# psql ended each exported document with a newline: cut it, then check the
# files hold exactly the bytes vatsim.ingest is given.
for kind in 1925p x10; do
	f=$BENCH_TMP/doc-$kind.json
	truncate -s -1 "$f"
	want=$(awk -v k="$kind" '$1 == k { print $2 }' "$BENCH_TMP/doc-bytes.txt")
	have=$(stat -c %s "$f")
	if [ "$have" != "$want" ]; then
		echo "bench: exported $kind document has $have bytes, expected $want" >&2
		exit 1
	fi
done

echo "== lower bound, part (a): cJSON parse + delete of the same documents ($PARSE_RUNS runs each, median)"
parse_1925p=$("$BENCH_TMP/parse_time" "$BENCH_TMP/doc-1925p.json" "$PARSE_RUNS")
parse_x10=$("$BENCH_TMP/parse_time" "$BENCH_TMP/doc-x10.json" "$PARSE_RUNS")

# One session for both kinds and the report: the ingest's prepared plans
# live as long as the backend, as they would in a backfill.
"${PSQL[@]}" -v srvdir="$BENCH_SRV" \
	-v parse_1925p="$parse_1925p" -v parse_x10="$parse_x10" \
	-c '\set kind 1925p' -f bench/measure.sql \
	-c '\set kind x10' -f bench/measure.sql \
	-f bench/report.sql

echo
echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
	"$(awk '/^MemTotal/ { printf "%.1f GB RAM", $2 / 1048576 }' /proc/meminfo)"
psql -X -At -d postgres -c "SELECT 'PostgreSQL: ' || version()" \
	-c "SELECT 'Settings: shared_buffers=' || current_setting('shared_buffers')
	    || ', fsync=' || current_setting('fsync')
	    || ', synchronous_commit=' || current_setting('synchronous_commit')
	    || ', wal_level=' || current_setting('wal_level')
	    || ', max_wal_size=' || current_setting('max_wal_size')
	    || ' (pg_virtualenv defaults)'"
echo "Load average (1/5/15 min): before the run ${BENCH_LOAD_BEFORE:-?}, at the end $(cut -d' ' -f1-3 /proc/loadavg)." \
	"The run itself adds about 1; more means other processes shared the CPUs and the figures are noisier."
