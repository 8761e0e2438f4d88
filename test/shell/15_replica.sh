#!/bin/bash
# 15_replica.sh: replicas and failover (issue 13, "Replicas and failover").
#
# Three clusters of its own on 127.0.0.1 (initdb + pg_ctl, free ports, as the
# postgres user when run as root), each with the library preloaded and the
# worker enabled, and a feed server of its own (test/feed_server.py) that
# serves whatever document the test puts in its directory:
#   A  the primary; its worker ingests the replay of test/sql/replay.sql
#      (seq1, seq2, seq3, then ten dead-reckoned steps, with the transceivers
#      of test/sql/replay_transceivers.sql), one vatsim.run_now() per snapshot;
#   B  a streaming standby of A (pg_basebackup -R over 127.0.0.1);
#   C  a plain cluster that replays the same 13 snapshots uninterrupted.
# On B, before failover: the worker waits and says so in vatsim.status,
# run_now() and the writers are refused with SQLSTATE 25006 and a hint, and
# every function vatsim_reader may execute works there (with real rows where
# a sample is known).  Then B's replication is cut, A ingests two more
# snapshots that B never receives, and A is stopped hard (-m immediate) in
# the middle of a cycle; B is promoted, its worker resumes by itself and the
# test feeds it the snapshots it lacks.  At the end B and C have the same 13
# snapshots and the same rows in every table (identity columns aside: a
# promoted standby's sequences jump ahead, as PostgreSQL documents).
# Prints TAP; about a minute, every wait bounded.
set -u
export PGOPTIONS="-c client_min_messages=error"
BIN=/usr/lib/postgresql/15/bin
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FX=${VATSIM_FIXTURES:-}
DIR=$(mktemp -d /tmp/vi_replica.XXXXXX)
FEEDS=$DIR/feeds
mkdir -p "$FEEDS"
AS=()
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$DIR"
	AS=(runuser -u postgres --)
fi
declare -A PORT=([A]=$("$ROOT/test/free_port") [B]=$("$ROOT/test/free_port") [C]=$("$ROOT/test/free_port"))
SERVER_PID=
cleanup() {
	local c
	for c in A B C; do
		[ -d "$DIR/$c" ] && "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/$c" -m immediate stop >/dev/null 2>&1
	done
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT

n=0
failed=0
ok() {	# ok RC NAME: one TAP line
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
check() {	# check NAME COMMAND...
	local name=$1
	shift
	"$@"
	ok $? "$name"
	echo "# ${SECONDS}s"
}
same() {	# same NAME EXPECTED GOT: equal and not empty
	local rc=1
	[ -n "$2" ] && [ "$2" = "$3" ] && rc=0
	[ $rc -eq 0 ] || diff <(echo "$2") <(echo "$3") | sed 's/^/# /'
	ok $rc "$1"
}
q() {	# q CLUSTER QUERY [psql options]: the result, unaligned
	local c=$1 query=$2
	shift 2
	psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${PORT[$c]}" -U postgres -d postgres -c "$query" "$@"
}
wait_for() {	# wait_for SECONDS CLUSTER QUERY: until the query says t
	local until=$((SECONDS + $1))
	until [ "$(q "$2" "$3" 2>/dev/null)" = t ]; do
		[ $SECONDS -lt $until ] || return 1
		sleep 0.1
	done
}
pgctl() { "${AS[@]}" "$BIN/pg_ctl" "$@" >>"$DIR/pg_ctl.log" 2>&1; }

echo "1..33"

# --- the feed server and the documents -------------------------------------
python3 "$ROOT/test/feed_server.py" --fixtures "$FEEDS" --port 0 --port-file "$DIR/feed_port" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$DIR/feed_port" ] && break; sleep 0.1; done
FEED=http://127.0.0.1:$(cat "$DIR/feed_port" 2>/dev/null)/feeds

# the settings every cluster shares (a standby copies them with its data)
conf() {	# conf DATADIR PORT
	cat >>"$1/postgresql.conf" <<CONF
port = $2
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
fsync = off
lc_messages = 'C'
log_line_prefix = '%m [%p] %b: '
shared_preload_libraries = 'vatsim_ingest'
vatsim_ingest.enabled = on
vatsim_ingest.interval = '1h'
vatsim_ingest.feed_url = '$FEED/current.json'
vatsim_ingest.transceivers_url = '$FEED/current_trx.json'
CONF
}
make_cluster() {	# make_cluster NAME: initdb, conf, start, extension, sectors
	"${AS[@]}" "$BIN/initdb" -N -D "$DIR/$1" -A trust -U postgres >"$DIR/initdb_$1.log" 2>&1 &&
		conf "$DIR/$1" "${PORT[$1]}" &&
		pgctl -D "$DIR/$1" -l "$DIR/$1.log" -w start &&
		q "$1" "SET client_min_messages = warning" -c "CREATE EXTENSION vatsim_ingest" &&
		q "$1" "SELECT sector_set FROM vatsim.load_sectors('vatspy', pg_read_file('$FX/vatspy/Boundaries.geojson'), 'id')" \
			-c "SELECT vatsim.load_airports(pg_read_file('$FX/vatspy/VATSpy.dat'))" >/dev/null
}
check "a primary (A) and a plain cluster (C) of their own, worker enabled, VATSpy sectors and airports loaded" \
	eval 'make_cluster A && make_cluster C'

# The 13 documents of the replay and their transceivers (none for 8), made
# by the SQL of the restart-replay test in a scratch database of C.
gen_docs() {
	local k
	q C "CREATE DATABASE vatsim_docs" &&
		(
			echo "SET client_min_messages = warning;"
			echo "CREATE EXTENSION vatsim_ingest;"
			echo "\\i $ROOT/test/sql/replay.sql"
			echo "\\i $ROOT/test/sql/replay_transceivers.sql"
			for k in $(seq 13); do
				echo "\\o $FEEDS/doc$k.json"
				echo "SELECT doc FROM replay.docs WHERE n = $k;"
				echo "\\o $FEEDS/trx$k.json"
				echo "SELECT trx FROM replay.trx WHERE n = $k;"
				echo "\\o $DIR/ts$k"
				echo "SELECT (doc::jsonb #>> '{general,update_timestamp}')::timestamptz FROM replay.docs WHERE n = $k;"
			done
		) | (cd "$ROOT" && psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${PORT[C]}" -U postgres \
			-d vatsim_docs >/dev/null) &&
		q C "DROP DATABASE vatsim_docs" &&
		[ "$(cat "$DIR"/ts* | sort -u | wc -l)" -eq 13 ] && [ ! -s "$FEEDS/trx8.json" ]
}
check "the 13 documents of the replay, with transceivers but for the 8th" gen_docs
TS_ALL=$(for k in $(seq 13); do cat "$DIR/ts$k"; done)

serve() {	# serve K: the feed server offers document K (renamed into place)
	cp "$FEEDS/doc$1.json" "$FEEDS/.next" && mv "$FEEDS/.next" "$FEEDS/current.json"
	if [ -s "$FEEDS/trx$1.json" ]; then
		cp "$FEEDS/trx$1.json" "$FEEDS/.next" && mv "$FEEDS/.next" "$FEEDS/current_trx.json"
	else
		rm -f "$FEEDS/current_trx.json"
	fi
}
newest() { q "$1" "SELECT max(update_timestamp) FROM vatsim.snapshots"; }
step() {	# step CLUSTER K: one cycle of its worker stores document K
	serve "$2"
	q "$1" "SELECT result FROM vatsim.run_now(true, '60 s')" >/dev/null &&
		[ "$(newest "$1")" = "$(cat "$DIR/ts$2")" ]
}
steps() {	# steps CLUSTER FIRST LAST
	local k
	for ((k = $2; k <= $3; k++)); do
		step "$1" "$k" || { echo "# $1: snapshot $k was not stored"; return 1; }
	done
}

# --- a standby of A, made in the middle of the replay ---------------------
check "A's worker stores snapshots 1-4, one run_now() each" steps A 1 4
standby() {
	"${AS[@]}" "$BIN/pg_basebackup" -h 127.0.0.1 -p "${PORT[A]}" -U postgres -D "$DIR/B" -R -X stream -c fast \
		>"$DIR/basebackup.log" 2>&1 &&
		echo "port = ${PORT[B]}" >>"$DIR/B/postgresql.conf" &&
		pgctl -D "$DIR/B" -l "$DIR/B.log" -w start &&
		[ "$(q B "SELECT pg_is_in_recovery()")" = t ]
}
check "B: a streaming standby made by pg_basebackup -R over 127.0.0.1, in recovery" standby
check "A's worker stores snapshots 5-7 while B streams" steps A 5 7
check "B replays them: 7 snapshots there, as on A" \
	wait_for 30 B "SELECT count(*) = 7 AND max(update_timestamp) = '$(cat "$DIR/ts7")' FROM vatsim.snapshots"

check "B's worker waits and says so: state 'standby: waiting for promotion', no cycle" \
	wait_for 20 B "SELECT state = 'standby: waiting for promotion' AND cycles = 0 AND pid IS NOT NULL FROM vatsim.status"
refused() {	# refused QUERY: fails on B with SQLSTATE 25006
	local out
	out=$(q B "$1" -v VERBOSITY=verbose 2>&1)
	grep -E '^(ERROR|HINT)' <<<"$out" | sed "s/^/# ${1:0:40}...: /"
	grep -q 'ERROR:  25006:' <<<"$out"
}
out=$(q B "SELECT * FROM vatsim.run_now()" 2>&1)
same "run_now() on B: a clear error with a hint to run it on the primary" \
	"ERROR:  cannot run a cycle of the vatsim_ingest worker on a standby
DETAIL:  The server is in recovery: snapshots arrive by replication from the primary, and the worker here waits for promotion.
HINT:  Call vatsim.run_now() on the primary." "$out"
check "and its SQLSTATE is 25006 (read_only_sql_transaction)" refused "SELECT * FROM vatsim.run_now(false)"
check "vatsim.ingest() on B is refused with SQLSTATE 25006" \
	refused "SELECT * FROM vatsim.ingest(pg_read_file('$FEEDS/doc8.json'))"
out=$(q B "SELECT * FROM vatsim.ingest(pg_read_file('$FEEDS/doc8.json'))" 2>&1 | grep -E '^(ERROR|HINT)')
same "vatsim.ingest() on B: the server is a standby, run it on the primary" \
	"ERROR:  cannot run vatsim.ingest() on a standby
HINT:  Run vatsim.ingest() on the primary; what it writes reaches this standby by replication." "$out"
writers_refused() {
	refused "SELECT vatsim.load_tracked_positions('*')" &&
		refused "SELECT vatsim.summarise_flights(ARRAY[1]::bigint[], ARRAY['gone'], now())"
}
check "load_tracked_positions and summarise_flights on B: 25006" writers_refused
for f in load_sectors load_airports; do
	case $f in
	load_sectors) call="SELECT * FROM vatsim.load_sectors('x', '{\"type\":\"FeatureCollection\",\"features\":[]}')" ;;
	load_airports) call="SELECT * FROM vatsim.load_airports(pg_read_file('$FX/vatspy/VATSpy.dat'))" ;;
	esac
	out=$(q B "$call" -v VERBOSITY=verbose 2>&1 | grep -E '^(ERROR|HINT)')
	same "$f() on B: 25006, the server is a standby, run it on the primary" \
		"ERROR:  25006: cannot run vatsim.$f() on a standby
HINT:  Run vatsim.$f() on the primary; what it writes reaches this standby by replication." "$out"
done

# --- every read function on the standby, as vatsim_reader ------------------
# Samples with real rows (psql variables from B's own data).  Every other
# function that vatsim_reader may execute is called too, with its defaults
# and NULL for the rest: it may refuse its arguments, but never for want of
# a writable server (25006, or 0A000/55000 "during recovery").
read -r F CS T0 T1 LAT LON ALT ATC ICAO <<<"$(q B "
	SELECT o.flight_id, o.callsign, s.t0, s.t1, o.entry_lat, o.entry_lon, o.entry_altitude,
	       (SELECT callsign FROM vatsim.controller_sessions ORDER BY session_id LIMIT 1),
	       coalesce((SELECT icao FROM vatsim.movements ORDER BY movement_id LIMIT 1),
	                (SELECT icao FROM vatsim.airports ORDER BY icao LIMIT 1))
	FROM vatsim.sector_occupancy o,
	     (SELECT replace(min(update_timestamp)::text, ' ', 'T') AS t0,
	             replace((max(update_timestamp) + interval '1 hour')::text, ' ', 'T') AS t1 FROM vatsim.snapshots) s
	WHERE o.exit_time IS NOT NULL ORDER BY o.occupancy_id LIMIT 1" -F ' ')"
SAMPLES=$(cat <<SQL
network_status|SELECT pilots > 0 AND worker_state = 'standby: waiting for promotion' FROM vatsim.network_status()
worker_status|SELECT state = 'standby: waiting for promotion' AND feed_url IS NULL FROM vatsim.worker_status()
sectors_at|SELECT count(*) > 0 FROM vatsim.sectors_at($LAT, $LON, $ALT, 'vatspy')
sectors_at_points|SELECT count(*) > 0 FROM vatsim.sectors_at_points(ARRAY[$LAT], ARRAY[$LON], ARRAY[$ALT], 'vatspy')
export_sectors|SELECT length(vatsim.export_sectors('vatspy')::text) > 1000
sectors_geojson|SELECT length(vatsim.sectors_geojson('vatspy')::text) > 1000
require_sector_set|SELECT count(*) = 1 FROM (SELECT vatsim.require_sector_set('vatspy')) x
sector_history|SELECT count(*) > 0 FROM vatsim.sector_history('$CS', '$T0', '$T1')
sector_history|SELECT count(*) > 0 FROM vatsim.sector_history($F::bigint, '$T0', '$T1')
sector_traffic|SELECT count(*) > 0 FROM vatsim.sector_traffic((SELECT sector FROM vatsim.sector_occupancy WHERE flight_id = $F LIMIT 1), '$T0', '$T1')
sector_counts|SELECT count(*) > 0 FROM vatsim.sector_counts((SELECT max(update_timestamp) FROM vatsim.snapshots))
sector_transitions|SELECT count(*) > 0 FROM vatsim.sector_transitions('$T0', '$T1')
flights_geojson|SELECT length(vatsim.flights_geojson()::text) > 1000
track_geojson|SELECT vatsim.track_geojson($F) IS NOT NULL
flight|SELECT count(*) = 1 FROM vatsim.flight('$CS')
newest_flight|SELECT vatsim.newest_flight('$CS') = $F
flight_track|SELECT count(*) > 0 FROM vatsim.flight_track($F)
flight_positions|SELECT count(*) > 0 FROM vatsim.flight_positions($F)
flight_stats|SELECT count(*) = 1 FROM vatsim.flight_stats($F)
online_flights|SELECT count(*) = 100 FROM vatsim.online_flights()
online_controllers|SELECT count(*) > 0 FROM vatsim.online_controllers()
controllers_by_cid|SELECT count(*) > 0 FROM vatsim.controllers_by_cid(since => '$T0')
controller_type|SELECT type IS NOT NULL FROM vatsim.controller_type('$ATC')
station_kind|SELECT vatsim.station_kind('$ATC') IS NOT NULL
transceivers_page|SELECT count(*) > 0 FROM vatsim.transceivers_page()
transceivers_of|SELECT count(*) > 0 FROM vatsim.transceivers_of((SELECT callsign FROM vatsim.transceivers LIMIT 1))
api_status|SELECT count(*) > 0 FROM vatsim.api_status()
region_status|SELECT count(*) > 0 FROM vatsim.region_status()
flight_analytics|SELECT flights > 0 FROM vatsim.flight_analytics('$T0', '$T1')
flight_summaries_page|SELECT count(*) > 0 FROM vatsim.flight_summaries_page()
flight_summaries_status|SELECT summaries > 0 FROM vatsim.flight_summaries_status('$T1')
flight_summary_analytics|SELECT count(*) > 0 FROM vatsim.flight_summary_analytics('30 days', until => '$T1')
controller_summaries_page|SELECT count(*) > 0 FROM vatsim.controller_summaries_page()
controller_stats|SELECT count(*) = 1 FROM vatsim.controller_stats((SELECT callsign FROM vatsim.controller_summaries LIMIT 1))
controller_overview|SELECT sessions > 0 FROM vatsim.controller_overview()
controller_leaders|SELECT count(*) > 0 FROM vatsim.controller_leaders()
movements_page|SELECT count(*) >= 0 FROM vatsim.movements_page('$ICAO')
airport_movements|SELECT count(*) >= 0 FROM vatsim.airport_movements('$ICAO', '$T0', '$T1')
nearest_airport|SELECT count(*) > 0 FROM vatsim.nearest_airport($LAT, $LON, 500)
tracked_positions_status|SELECT count(*) = 1 FROM vatsim.tracked_positions_status()
distance_nm|SELECT vatsim.distance_nm(0, 0, 1, 0) BETWEEN 59 AND 61
page_limit|SELECT vatsim.page_limit(5) = 5
unpack_positions|SELECT count(*) >= 0 FROM vatsim.position_packs p, vatsim.unpack_positions(p.data)
pack_window_stats|SELECT count(*) >= 0 FROM vatsim.position_packs p, vatsim.pack_window_stats(p.data, '$T0', '$T1')
SQL
)
# as vatsim_reader, one query a line: name, then t or the error
reader_run() {	# reader_run: QUERY lines on stdin -> "t", "f" or "ERROR sqlstate" lines
	local line out
	while IFS= read -r line; do
		out=$(q B "SET ROLE vatsim_reader" -c "$line" -v VERBOSITY=sqlstate 2>&1 | tail -1)
		echo "${out//$'\n'/ }"
	done
}
results=$(cut -d'|' -f2- <<<"$SAMPLES" | reader_run)
bad=$(paste -d'|' <(cut -d'|' -f1 <<<"$SAMPLES") <(echo "$results") | grep -v '|t$')
[ -z "$bad" ] || sed 's/^/# /' <<<"$bad"
check "on B, as vatsim_reader: $(wc -l <<<"$SAMPLES") samples of the read functions give real rows from A" test -z "$bad"
# every other function vatsim_reader may execute (triggers and writers aside)
others=$(q B "
	SELECT pg_catalog.format('SELECT count(*) FROM (SELECT vatsim.%I(%s)) x', p.proname,
	       (SELECT string_agg('NULL::' || pg_catalog.format_type(t, NULL), ', ')
	        FROM unnest(p.proargtypes[0:p.pronargs - p.pronargdefaults - 1]) t))
	FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace
	WHERE s.nspname = 'vatsim' AND has_function_privilege('vatsim_reader', p.oid, 'EXECUTE')
	  AND p.prorettype <> 'trigger'::regtype AND p.proname <> 'summarise_flights'
	  AND p.proname <> ALL (string_to_array('$(cut -d'|' -f1 <<<"$SAMPLES" | sort -u | tr '\n' ',')', ','))
	ORDER BY 1")
[ -z "$others" ] || sed 's/^/# without a sample: /' <<<"$others"
bad=$( [ -z "$others" ] || paste -d'|' <(echo "$others") <(reader_run <<<"$others") | grep -E '\|(ERROR:  )?(25006|0A000|55000)')
check "and every other one that vatsim_reader may execute, called with NULLs, never needs a writable server" test -z "$bad"
views=$(q B "SELECT string_agg(pg_catalog.format('SELECT %L || '':'' || (SELECT count(*) FROM vatsim.%I)', c.relname, c.relname), ' UNION ALL ' ORDER BY c.relname)
	FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
	WHERE s.nspname = 'vatsim' AND c.relkind IN ('v', 'r', 'p', 'm')")
counts=$(q B "SET ROLE vatsim_reader" -c "$views" 2>&1)
check "every table and view of vatsim reads on B as vatsim_reader (snapshots 7, pilots, intervals, contacts, summaries there)" \
	eval 'grep -qx "snapshots:7" <<<"$counts" && ! grep -qE "ERROR|^(pilots|sector_occupancy|atc_contacts|flight_summaries|controller_summaries|position_history|status):0$" <<<"$counts"'
[ $failed -eq 0 ] || sed 's/^/# /' <<<"$counts"

# --- failover in the middle of the replay ---------------------------------
# B stops streaming; A commits 8 and 9, which B never receives.
cut_stream() {
	echo "primary_conninfo = ''" >>"$DIR/B/postgresql.auto.conf" &&
		pgctl -D "$DIR/B" reload &&
		wait_for 20 B "SELECT count(*) = 0 FROM pg_stat_wal_receiver"
}
check "B's replication is cut (primary_conninfo emptied, no WAL receiver)" cut_stream
check "A stores 8 and 9 (committed on A, never streamed to B)" steps A 8 9
same "B still has 7 snapshots" 7 "$(q B "SELECT count(*) FROM vatsim.snapshots")"
hard_stop() {
	serve 10
	q A "SELECT result FROM vatsim.run_now(false)" >/dev/null &&
		pgctl -D "$DIR/A" -m immediate stop
}
check "A is stopped hard (pg_ctl stop -m immediate) just after a cycle for snapshot 10 started" hard_stop
# the feed offers what B lacks, from its newest snapshot on; the worker takes it at once
serve 8
check "B is promoted (pg_ctl promote)" pgctl -D "$DIR/B" -w promote
check "B's worker resumes by itself and stores snapshot 8 (committed on A, lost with it)" \
	wait_for 30 B "SELECT count(*) = 8 FROM vatsim.snapshots WHERE update_timestamp <= '$(cat "$DIR/ts8")'
		AND (SELECT state <> 'standby: waiting for promotion' AND cycles = 1 AND last_result = 'ok' FROM vatsim.status)"
check "then 9-13, one run_now() each, on B" steps B 9 13
check "C, uninterrupted on one server, stores all 13" steps C 1 13
same "B has the 13 snapshots, none missing, none twice" "$TS_ALL" \
	"$(q B "SELECT update_timestamp FROM vatsim.snapshots ORDER BY 1")"
same "C too" "$TS_ALL" "$(q C "SELECT update_timestamp FROM vatsim.snapshots ORDER BY 1")"

# Every table of schema vatsim as a count and an md5 of its rows (ordered by
# their text), less the worker's logs, the columns that hold the wall clock
# (when a row was written) and the identity columns and the references to
# them: a promoted standby's sequences jump ahead (PostgreSQL logs them 32
# values ahead), so the same flight has another flight_id on B than on C.
fingerprint() {
	q "$1" "\\i $ROOT/test/sql/table_digests.sql" -F ' ' -c "
		SELECT * FROM pg_temp.table_digests('{flight_id, session_id, occupancy_id, contact_id, movement_id,
			pair_id, pair_ids, ingested_at, duration_ms, analytics_ms, summarised_at, loaded_at}')
		WHERE relname NOT IN ('runs', 'partition_log')"
}
fb=$(fingerprint B)
fc=$(fingerprint C)
same "after failover B's tables hold exactly C's rows (intervals, contacts, summaries, history, every table)" "$fc" "$fb"
has_rows() { awk -v t="$1" -v min="$2" '$1 == t && $2 > min { found = 1 } END { exit !found }' <<<"$fb"; }
check "and there is something to compare: > 1000 intervals, > 100 contacts, flight and controller summaries, sector counts by hour" \
	eval 'has_rows sector_occupancy 1000 && has_rows atc_contacts 100 && has_rows flight_summaries 0 &&
		has_rows controller_summaries 0 && has_rows sector_count_hours 100'
same "the intervals of a flight on B are those of C, flight by flight (callsign, every column but the ids)" \
	"$(q C "SELECT md5(string_agg(r::text, '|' ORDER BY r::text))
		FROM (SELECT f.callsign, f.first_seen, o.sector, o.entry_time, o.exit_time, o.exit_reason
		      FROM vatsim.sector_occupancy o JOIN vatsim.flights f USING (flight_id)) r")" \
	"$(q B "SELECT md5(string_agg(r::text, '|' ORDER BY r::text))
		FROM (SELECT f.callsign, f.first_seen, o.sector, o.entry_time, o.exit_time, o.exit_reason
		      FROM vatsim.sector_occupancy o JOIN vatsim.flights f USING (flight_id)) r")"

# The transitions by hour name their (set, from, to) by pair_id, an identity
# too: compared by the names.
transitions() {
	q "$1" "SELECT md5(string_agg(r::text, '|' ORDER BY r::text))
		FROM (SELECT h.hour, h.sector_set, p.from_sector, p.to_sector, t.e, t.p, t.q
		      FROM vatsim.sector_transition_hours h
		      CROSS JOIN LATERAL unnest(h.pair_ids, h.entry_times, h.prev_entry_times,
		                                h.prev_pair_entry_times) AS t(pair_id, e, p, q)
		      JOIN vatsim.sector_transition_pairs p ON p.pair_id = t.pair_id) r"
}
same "the transitions by hour on B are those of C, by sector names" "$(transitions C)" "$(transitions B)"

# --- the server logs ------------------------------------------------------
worker_lines() { grep -c "vatsim_ingest worker: $2" "$DIR/$1.log"; }
same "B's log: one LOG line when the worker starts waiting, one when it resumes" "1 1" \
	"$(worker_lines B 'LOG:  background worker waiting: the server is a standby') $(worker_lines B 'LOG:  background worker resuming')"
# (but the one WARNING before CREATE EXTENSION on A and C: "not installed")
worker_errors() { grep "vatsim_ingest worker: \(ERROR\|WARNING\|FATAL\)" "$DIR/$1.log" | grep -vc 'is not installed in database'; }
same "no ERROR, WARNING or FATAL of a worker in the logs of A, B and C" "0 0 0" \
	"$(worker_errors A) $(worker_errors B) $(worker_errors C)"
if [ "$failed" -gt 0 ] || [ -n "${VERBOSE_SHELL_TESTS:-}" ]; then
	for c in A B C; do grep -E 'vatsim_ingest worker: (ERROR|WARNING|LOG)' "$DIR/$c.log" | head -20 | sed "s/^/# $c: /"; done
fi
[ "$failed" -eq 0 ]
