#!/bin/bash
# A database that is not UTF8 (issue 10, item 9): the feed is UTF-8, and one
# character such a database cannot represent would abort a whole snapshot,
# so CREATE EXTENSION refuses it, ALTER EXTENSION UPDATE to 0.4.0 too, and
# vatsim.ingest refuses in an installation made before 0.4.0.  Prints TAP.
set -u
DB=vatsim_latin1
DB_ASCII=vatsim_sql_ascii
n=0
failed=0

psql_q() { psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$@" 2>&1; }

# check NAME OUTPUT PATTERN: ok when OUTPUT contains PATTERN (fixed string)
check() {
	n=$((n + 1))
	if grep -qF -- "$3" <<<"$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
		printf '# expected: %s\n# got:\n' "$3"
		sed 's/^/#   /' <<<"$2"
	fi
}

cleanup() {
	psql_q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
	psql_q -d postgres -c "DROP DATABASE IF EXISTS $DB_ASCII" >/dev/null
}
trap cleanup EXIT

echo "1..7"
cleanup
psql_q -d postgres -c "CREATE DATABASE $DB TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'"
psql_q -d postgres -c "CREATE DATABASE $DB_ASCII TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'"

out=$(psql_q -d $DB -c "CREATE EXTENSION vatsim_ingest")
check "CREATE EXTENSION in a LATIN1 database fails: 0A000, clear message" "$out" \
	"ERROR:  0A000: extension vatsim_ingest requires a UTF8 database"
check "the detail names the database and its encoding" "$out" \
	"DETAIL:  Database vatsim_latin1 has encoding LATIN1; the VATSIM feed is UTF-8."
check "the hint says how to make a UTF8 database" "$out" \
	"HINT:  Create the extension in a database created with ENCODING 'UTF8'"

out=$(psql_q -d $DB_ASCII -c "CREATE EXTENSION vatsim_ingest")
check "CREATE EXTENSION in a SQL_ASCII database fails too" "$out" \
	"ERROR:  0A000: extension vatsim_ingest requires a UTF8 database"

# An installation made before 0.4.0 (the 0.3.0 scripts have no check)
out=$(psql_q -d $DB -c "CREATE EXTENSION vatsim_ingest VERSION '0.3.0'" -c "SELECT 'installed 0.3.0'")
check "a 0.3.0 installation in the LATIN1 database (made before the check)" "$out" "installed 0.3.0"

out=$(psql_q -d $DB -c "SELECT * FROM vatsim.ingest('{\"general\": {}}')")
check "vatsim.ingest refuses there, before reading the document" "$out" \
	"ERROR:  0A000: cannot store VATSIM snapshots in a database with encoding LATIN1"

out=$(psql_q -d $DB -c "ALTER EXTENSION vatsim_ingest UPDATE")
check "ALTER EXTENSION UPDATE to 0.4.0 is refused like CREATE EXTENSION" "$out" \
	"ERROR:  0A000: extension vatsim_ingest requires a UTF8 database"

[ "$failed" -eq 0 ]
