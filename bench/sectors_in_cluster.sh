#!/bin/bash
# sectors_in_cluster.sh: the part of bench/sectors.sh that runs inside its
# throw-away cluster (pg_virtualenv sets PGHOST, PGPORT, PGUSER).  Needs
# SECTORS_TMP (a directory the server can read, holding Boundaries.geojson
# and 1925p.json), SECTORS_POINTS, SECTORS_RUNS, SECTORS_STEPS, SECTORS_WARMUPS.
set -eu
cd "$(dirname "$0")/.."
: "${SECTORS_TMP:?}" "${SECTORS_POINTS:?}" "${SECTORS_RUNS:?}" "${SECTORS_STEPS:?}" "${SECTORS_WARMUPS:?}"

# Bound the run: no statement over 3 minutes, no psql session over 10.
export PGOPTIONS="-c statement_timeout=180s -c client_min_messages=warning"
PSQL=(timeout 600 psql -X -q -v ON_ERROR_STOP=1)
start=$(date +%s)

echo "== part 1+2: sectors_at, sectors_at_points and PostGIS, $SECTORS_POINTS random points per query, median of $SECTORS_RUNS runs after 1 warm-up"
# The C index alone first (no server involved): "set one|many points/s matches"
c_index=$("$SECTORS_TMP/sector_index_time" "$SECTORS_TMP/Boundaries.geojson" "$SECTORS_POINTS" 5)
c_rate() { awk -v s="$1" -v w="$2" '$1 == s && $2 == w { print $3 }' <<<"$c_index"; }
"${PSQL[@]}" -d postgres -v boundaries="$SECTORS_TMP/Boundaries.geojson" -v npoints="$SECTORS_POINTS" \
	-v runs="$SECTORS_RUNS" -v seed=0.2026 \
	-v c_au_one="$(c_rate au one)" -v c_au_many="$(c_rate au many)" \
	-v c_vatspy_one="$(c_rate vatspy one)" -v c_vatspy_many="$(c_rate vatspy many)" \
	-f bench/sectors_lookup.sql
# What occupancy calls per pilot is the index lookup itself, not the SQL
# function: its cost is sectors_at above the per-call floor.
us_per_lookup=$(psql -X -At -d postgres -c "SELECT 1000 * (a.median_ms - f.median_ms) / $SECTORS_POINTS
	FROM bench.summary a, bench.summary f
	WHERE a.what = 'sectors_at vatspy' AND f.what = 'sectors_at, set tiny (nothing found)'")

echo
echo "== part 3: occupancy; preparing $SECTORS_STEPS moving snapshots each of x1 and x10 (not timed; the first $SECTORS_WARMUPS are warm-ups)"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE occ_template"
"${PSQL[@]}" -d occ_template -v fixture="$SECTORS_TMP/1925p.json" -v steps="$SECTORS_STEPS" \
	-f bench/sectors_occupancy_prepare.sql
# Two copies with the same documents: one with VATSpy loaded (and tracked:
# vatsim_ingest.occupancy_sets is empty, i.e. every set), one with none.
"${PSQL[@]}" -d postgres -c "CREATE DATABASE occ_none TEMPLATE occ_template" \
	-c "CREATE DATABASE occ_sectors TEMPLATE occ_template"
"${PSQL[@]}" -d occ_sectors -v boundaries="$SECTORS_TMP/Boundaries.geojson" >/dev/null <<'SQL'
SET client_min_messages = error;
SELECT FROM vatsim.load_sectors('vatspy', pg_read_file(:'boundaries'), 'id');
CREATE EXTENSION pg_stat_statements;
SQL

# The timed loop: one long-lived session per database (the sector index and
# the prepared plans live as long as the backend, as in the worker), fed one
# statement (= one transaction) per snapshot through a fifo.  The two
# sessions take turns, step by step, alternating which goes first, so that
# both see the same machine and the same drift: the difference of each pair
# is the cost.  Autovacuum is off in this cluster (sectors.sh): it would
# clean one database while the other one ingests and so charge occupancy's
# dead rows to the baseline.  Instead each database is vacuumed, untimed,
# before each of its ingests (and analyzed before the first measured one).
FIFOS=$(mktemp -d /tmp/vatsim_sectors_fifo.XXXXXX)
trap 'rm -rf "$FIFOS"' EXIT
for db in none sectors; do
	mkfifo "$FIFOS/$db.in" "$FIFOS/$db.out"
	timeout 900 psql -X -q -A -t -v ON_ERROR_STOP=1 -d "occ_$db" <"$FIFOS/$db.in" >"$FIFOS/$db.out" 2>&1 &
done
exec {none_in}>"$FIFOS/none.in" {none_out}<"$FIFOS/none.out"
exec {sectors_in}>"$FIFOS/sectors.in" {sectors_out}<"$FIFOS/sectors.out"
# send DB SQL: runs SQL in that session and waits for it (its output shown).
send() {
	local in out line
	if [ "$1" = none ]; then in=$none_in out=$none_out; else in=$sectors_in out=$sectors_out; fi
	printf '%s\n\\echo @@done\n' "$2" >&"$in"
	while IFS= read -r -t 600 -u "$out" line; do
		[ "$line" = "@@done" ] && return 0
		printf '%s\n' "$line"
	done
	echo "bench: the occ_$1 session ended or stalled" >&2
	return 1
}
for db in none sectors; do
	send $db "SET client_min_messages = warning; SET jit = off;"
done
echo "== occupancy: the x1 then the x10 sequence into both databases, in turns, one transaction per snapshot"
n=0
while read -r kind step; do
	order="none sectors"
	if [ $((n % 2)) -eq 1 ]; then order="sectors none"; fi
	vacuum="VACUUM;"
	if [ "$step" -eq "$SECTORS_WARMUPS" ]; then vacuum="VACUUM ANALYZE;"; fi
	for db in $order; do
		send $db "$vacuum"
		# occupancy's statements are counted over the measured steps only
		if [ $db = sectors ] && [ "$step" -eq "$SECTORS_WARMUPS" ]; then
			send $db "SELECT FROM pg_stat_statements_reset();"
		fi
		send $db "INSERT INTO bench.occ_runs SELECT '$db', d.kind, d.step, r FROM bench.docs d
			CROSS JOIN LATERAL vatsim.ingest(d.doc) AS r WHERE d.kind = '$kind' AND d.step = $step;"
		if [ $db = sectors ] && [ "$step" -eq $((SECTORS_STEPS - 1)) ]; then
			send $db "INSERT INTO bench.occ_stmts SELECT '$kind', query, calls, total_exec_time, rows
				FROM pg_stat_statements
				WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
				  AND NOT toplevel
				  AND (query LIKE '%vatsim.sector_occupancy%' OR query LIKE '%vatsim.occupancy_state%');"
		fi
	done
	n=$((n + 1))
done < <(psql -X -A -t -F ' ' -d occ_none -c "SELECT kind, step FROM bench.docs ORDER BY kind, step")
exec {none_in}>&- {sectors_in}>&-
wait
exec {none_out}<&- {sectors_out}<&-
"${PSQL[@]}" -d occ_none -f bench/sectors_occupancy_check.sql
"${PSQL[@]}" -d occ_sectors -f bench/sectors_occupancy_check.sql
psql -X -q -d occ_none -c "COPY bench.occ_runs TO STDOUT" |
	psql -X -q -v ON_ERROR_STOP=1 -d occ_sectors -c "COPY bench.occ_runs FROM STDIN"
"${PSQL[@]}" -d occ_sectors -v us_per_lookup="$us_per_lookup" -v warmups="$SECTORS_WARMUPS" \
	-f bench/sectors_occupancy_report.sql

echo
psql -X -At -d postgres -c "SELECT 'PostgreSQL: ' || version()" \
	-c "SELECT 'Settings: shared_buffers=' || current_setting('shared_buffers')
	    || ', fsync=' || current_setting('fsync') || ' (pg_virtualenv default), autovacuum='
	    || current_setting('autovacuum') || ' (explicit VACUUM instead), pg_stat_statements.track='
	    || current_setting('pg_stat_statements.track') || '; in the timed sessions jit=off,'
	    || ' and max_parallel_workers_per_gather=0 for the lookups'"
echo "Run time in the cluster: $(( $(date +%s) - start )) s."
