#!/bin/bash
# side_by_side_in_cluster.sh: the part of bench/side_by_side.sh that runs
# inside its throw-away cluster (pg_virtualenv sets PGHOST, PGPORT, PGUSER).
# Needs SBS_TMP (server-readable: 1925p.json, Boundaries.geojson,
# VATSpy.dat) and the SBS_* counts.  See bench/README.md.
set -eu
cd "$(dirname "$0")/.."
: "${SBS_TMP:?}" "${SBS_X1_STEPS:?}" "${SBS_X10_STEPS:?}" "${SBS_BACKFILL:?}" "${SBS_WARMUPS:?}"

# Bound the run: no statement over 5 minutes, no psql session over 10.
export PGOPTIONS="-c statement_timeout=300s -c client_min_messages=warning"
PSQL=(timeout 600 psql -X -q -v ON_ERROR_STOP=1)
start=$(date +%s)
docs_x1=$(( SBS_BACKFILL > SBS_X1_STEPS ? SBS_BACKFILL : SBS_X1_STEPS ))

echo "== side by side: preparing $docs_x1 x1 and $SBS_X10_STEPS x10 moving snapshots, and $SBS_X1_STEPS transceivers documents (not timed)"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE sbs_template"
"${PSQL[@]}" -d sbs_template -v fixture="$SBS_TMP/1925p.json" -v dir="$SBS_TMP" \
	-v steps_x1="$docs_x1" -v steps_x10="$SBS_X10_STEPS" -v trx_steps="$SBS_X1_STEPS" \
	-f bench/side_by_side_prepare.sql >/dev/null
# side: VATSpy tracked on both sides; side_none: no sector set; side_trx:
# ours with transceivers; backfill: both, back to back, VATSpy tracked.
for db in side side_none side_trx backfill; do
	"${PSQL[@]}" -d postgres -c "CREATE DATABASE $db TEMPLATE sbs_template"
done
for db in side side_trx backfill; do
	"${PSQL[@]}" -d $db -v boundaries="$SBS_TMP/Boundaries.geojson" >/dev/null <<'SQL'
SET client_min_messages = error;
SELECT FROM vatsim.load_sectors('vatspy', pg_read_file(:'boundaries'), 'id');
SELECT FROM plain.load_sectors(pg_read_file(:'boundaries'), 'id');
SQL
done
"${PSQL[@]}" -d side -c "CREATE EXTENSION pg_stat_statements"
echo "sectors: vatsim $(psql -X -At -d side -c "SELECT count(*) || ' features' FROM vatsim.sector_features"), plain $(psql -X -At -d side -c "SELECT count(*) || ' features' FROM plain.sectors")"

# Long-lived sessions, one per side and database, fed through fifos: the
# sector index and prepared plans persist as in the worker.
FIFOS=$(mktemp -d /tmp/vatsim_sbs_fifo.XXXXXX)
trap 'rm -rf "$FIFOS"' EXIT
declare -A IN OUT PID
open_session() {	# NAME DB
	local fd
	mkfifo "$FIFOS/$1.in" "$FIFOS/$1.out"
	timeout 900 psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$2" <"$FIFOS/$1.in" >"$FIFOS/$1.out" 2>&1 &
	PID[$1]=$!
	exec {fd}>"$FIFOS/$1.in"
	IN[$1]=$fd
	exec {fd}<"$FIFOS/$1.out"
	OUT[$1]=$fd
	send "$1" "SET jit = off;"
}
# close_sessions NAME...: a session opened later inherited the fifos of
# those before it, so every input is closed before any is waited for.
close_sessions() {
	local s
	for s in "$@"; do eval "exec ${IN[$s]}>&-"; done
	for s in "$@"; do wait "${PID[$s]}"; done
	for s in "$@"; do eval "exec ${OUT[$s]}<&-"; done
}
# send NAME SQL: runs SQL in that session and waits for it (output shown).
send() {
	local line
	printf '%s\n\\echo @@done\n' "$2" >&"${IN[$1]}"
	while IFS= read -r -t 600 -u "${OUT[$1]}" line; do
		[ "$line" = "@@done" ] && return 0
		printf '%s\n' "$line"
	done
	echo "bench: session $1 ended or stalled" >&2
	return 1
}
# ingest SESSION SIDE MODE KIND STEP: one snapshot, one transaction, with
# the WAL it wrote.
ingest() {
	local call
	case "$2/$3" in
	ours/trx) call="vatsim.ingest(d.doc, (SELECT trx FROM bench.trx t WHERE t.step = d.step))" ;;
	ours/*) call="vatsim.ingest(d.doc)" ;;
	plain/none) call="plain.ingest(d.doc, false)" ;;
	plain/*) call="plain.ingest(d.doc, true)" ;;
	esac
	send "$1" "SELECT pg_current_wal_insert_lsn() AS l0 \\gset
INSERT INTO bench.side_runs SELECT '$2', '$3', d.kind, d.step, r.status, r.duration_ms,
       pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'l0')
FROM bench.docs d CROSS JOIN LATERAL $call AS r WHERE d.kind = '$4' AND d.step = $5;"
}
flush_stats() {
	local s
	for s in "$@"; do send "$s" "SELECT pg_stat_force_next_flush();"; done
}
tabstats() {	# SESSION AT
	send "$1" "INSERT INTO bench.tabstats SELECT '$2', schemaname || '.' || relname, n_tup_ins, n_tup_upd,
	  n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables WHERE schemaname IN ('vatsim', 'plain');"
}
# run MODE KIND STEPS WARMUPS SESSION...: the sessions take turns step by
# step, alternating which goes first; VACUUM ANALYZE after the warm-ups.
run() {
	local mode=$1 kind=$2 steps=$3 warmups=$4 step s
	shift 4
	local sessions=("$@")
	for ((step = 0; step < steps; step++)); do
		if [ "$step" -eq "$warmups" ]; then
			send "${sessions[0]}" "VACUUM ANALYZE;"
			if [ "$mode/$kind" = sectors/x1 ]; then
				flush_stats "${sessions[@]}"
				send "${sessions[0]}" "SELECT pg_stat_statements_reset();"
				tabstats "${sessions[0]}" before
			fi
		fi
		order=("${sessions[@]}")
		if [ $((step % 2)) -eq 1 ] && [ ${#sessions[@]} -eq 2 ]; then order=("${sessions[1]}" "${sessions[0]}"); fi
		for s in "${order[@]}"; do
			ingest "$s" "${s%%_*}" "$mode" "$kind" "$step"
		done
	done
	if [ "$mode/$kind" = sectors/x1 ]; then
		flush_stats "${sessions[@]}"
		tabstats "${sessions[0]}" after
		send "${sessions[0]}" "INSERT INTO bench.stmts SELECT query, toplevel, calls, total_exec_time, rows, wal_bytes
		  FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database());"
	fi
}

echo "== x1 ($SBS_X1_STEPS snapshots) then x10 ($SBS_X10_STEPS) with VATSpy tracked, both sides in turns"
open_session ours_side side
open_session plain_side side
run sectors x1 "$SBS_X1_STEPS" "$SBS_WARMUPS" ours_side plain_side
run sectors x10 "$SBS_X10_STEPS" 1 ours_side plain_side
close_sessions ours_side plain_side
"${PSQL[@]}" -d side -f bench/plain_sql/check.sql

echo "== x1 ($SBS_X1_STEPS snapshots) without sectors, both sides in turns"
open_session ours_none side_none
open_session plain_none side_none
run none x1 "$SBS_X1_STEPS" "$SBS_WARMUPS" ours_none plain_none
close_sessions ours_none plain_none

echo "== x1 ($SBS_X1_STEPS snapshots) with VATSpy tracked and transceivers: ours only"
open_session ours_trx side_trx
run trx x1 "$SBS_X1_STEPS" "$SBS_WARMUPS" ours_trx
close_sessions ours_trx

echo "== backfill: $SBS_BACKFILL x1 snapshots back to back into an empty history, VATSpy tracked, each side in one session"
for side in ours plain; do
	case $side in ours) call="vatsim.ingest(doc)" ;; plain) call="plain.ingest(doc, true)" ;; esac
	"${PSQL[@]}" -d backfill -v n="$SBS_BACKFILL" -v call="$call" -v side=$side <<'SQL'
SET jit = off;
SELECT clock_timestamp() AS b0 \gset
\o /dev/null
SELECT format('SELECT r.status FROM bench.docs d CROSS JOIN LATERAL %s AS r WHERE d.kind = ''x1'' AND d.step = %s', :'call', s)
FROM generate_series(0, :n - 1) AS s ORDER BY s
\gexec
\o
INSERT INTO bench.backfill VALUES (:'side', :n, extract(epoch FROM clock_timestamp() - :'b0'));
SQL
done
"${PSQL[@]}" -d backfill -f bench/plain_sql/check.sql

# bytes per stored position, heap + indexes
for db in side backfill; do
	"${PSQL[@]}" -d $db -c "INSERT INTO bench.sizes
	  SELECT '$db', s, (SELECT count(*) FROM vatsim.positions),
	         (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('vatsim.positions')),
	         (SELECT sum(pg_indexes_size(relid)) FROM pg_partition_tree('vatsim.positions'))
	  FROM (VALUES ('ours')) v(s)
	  UNION ALL
	  SELECT '$db', 'plain', (SELECT count(*) FROM plain.positions), pg_relation_size('plain.positions'),
	         pg_indexes_size('plain.positions')"
done
for db in side_none side_trx backfill; do
	for t in side_runs backfill sizes; do
		psql -X -q -d $db -c "COPY bench.$t TO STDOUT" | "${PSQL[@]}" -d side -c "COPY bench.$t FROM STDIN"
	done
done
"${PSQL[@]}" -d side -v warmups="$SBS_WARMUPS" -f bench/side_by_side_report.sql

echo
psql -X -At -d side -c "SELECT 'PostgreSQL: ' || version()" \
	-c "SELECT 'PostGIS: ' || postgis_lib_version()"
echo "Run time in the cluster: $(( $(date +%s) - start )) s."
