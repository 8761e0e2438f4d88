#!/bin/bash
# worker_missing_database.sh: a worker whose vatsim_ingest.database does not
# exist waits for it, with one WARNING, instead of dying with FATAL every
# 10 s, and connects once the database is created (issue 10, finding 9).
#
# Starts a throw-away cluster of its own (initdb + pg_ctl on a free port,
# as the postgres user when run as root) with vatsim_ingest.database =
# 'nodb'.  The first start cannot know that the database is missing and
# fails once (one FATAL); every start after that waits.  Prints TAP; takes
# about a minute, every wait bounded.
set -u
BIN=/usr/lib/postgresql/15/bin
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PORT=$("$ROOT/test/free_port")
DIR=$(mktemp -d /tmp/vi_nodb.XXXXXX)
AS=()
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$DIR"
	AS=(runuser -u postgres --)
fi
cleanup() {
	"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT

n=0
check() {	# check NAME COMMAND...: one TAP line
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fi
}
sql() {	# sql DB QUERY: one value
	psql -X -q -A -t -h "$DIR" -p "$PORT" -U postgres -d "$1" -c "$2" 2>/dev/null
}
wait_for() {	# wait_for SECONDS DB QUERY: until the query says t
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ "$(sql "$2" "$3")" = t ] && return 0
		sleep 0.1
	done
	return 1
}
fatals() { grep -c 'FATAL: .*database "nodb" does not exist' "$DIR/server.log"; }
warnings() { grep -c 'WARNING: .*background worker waiting: database "nodb" does not exist' "$DIR/server.log"; }

echo "1..7"
started() {
	"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U postgres >"$DIR/initdb.log" 2>&1 || return 1
	cat >>"$DIR/data/postgresql.conf" <<CONF
port = $PORT
listen_addresses = ''
unix_socket_directories = '$DIR'
shared_preload_libraries = 'vatsim_ingest'
vatsim_ingest.database = 'nodb'
vatsim_ingest.enabled = off
lc_messages = 'C'
CONF
	"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null 2>&1 &&
		sql postgres "CREATE EXTENSION vatsim_ingest" >/dev/null
}
check "a cluster of its own with vatsim_ingest.database = 'nodb'" started
check "the worker waits for the database: state 'waiting for database'" \
	wait_for 40 postgres "SELECT state = 'waiting for database' FROM vatsim.status"
sleep 25
check "after 25 s more: at most one FATAL for the missing database ($(fatals))" test "$(fatals)" -le 1
check "and exactly one WARNING with a hint ($(warnings))" test "$(warnings)" -eq 1
check "the waiting worker shows in pg_stat_activity" \
	test "$(sql postgres "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'vatsim_ingest worker'")" = 1
sql postgres "CREATE DATABASE nodb" >/dev/null
sql nodb "CREATE EXTENSION vatsim_ingest" >/dev/null
check "once the database exists the worker connects to it" \
	wait_for 40 nodb "SELECT datname = 'nodb' FROM pg_stat_activity WHERE backend_type = 'vatsim_ingest worker'"
check "and runs there (state disabled, as configured), with no further FATAL" \
	eval 'wait_for 10 nodb "SELECT state = '"'disabled'"' FROM vatsim.status" && [ "$(fatals)" -le 1 ]'
if [ -n "${VERBOSE_SHELL_TESTS:-}" ]; then sed 's/^/# /' "$DIR/server.log"; fi
