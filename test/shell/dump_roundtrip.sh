#!/bin/bash
# dump_roundtrip.sh: the standard backup keeps everything (issue 10, item 4).
# Fills a database (VATSpy sectors and airports, the seq1 and seq2 snapshots, seq2
# with a transceivers document that makes one ATC contact; a run-log row, a
# transceiver, a controller range, a flight summary and a controller summary with
# an hours row by hand), dumps it with pg_dump -Fc, restores it
# into a new database (whole) and into one that has the extension already
# (data only), then compares every table of schema vatsim (listed from
# pg_class, so a new table is covered without editing this file) and every
# sequence; then ingests seq3 everywhere and compares again.  Prints TAP.
set -u
export PGOPTIONS="-c client_min_messages=error"
SRC=vatsim_dump_src
DST=vatsim_dump_restored
DATA=vatsim_dump_dataonly
DUMP=$(mktemp /tmp/vatsim_dump.XXXXXX)
cleanup() {
	rm -f "$DUMP"
	for db in $SRC $DST $DATA; do dropdb --if-exists "$db" >/dev/null 2>&1; done
}
trap cleanup EXIT

n=0
check() {	# check RC NAME: one TAP line
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
same() {	# same WHAT A B: one TAP line comparing two outputs
	n=$((n + 1))
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		diff <(echo "$2") <(echo "$3") | sed 's/^/# /'
	fi
}
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }

echo "1..16"

# A missing fixture is a failure, not a skip (issue 10, item 16).
FX=${VATSIM_FIXTURES:-}
SEQ1=$FX/v3-2023-08-07T232929Z-754p-seq1.json
SEQ2=$FX/v3-2023-08-07T232944Z-757p-seq2.json
SEQ3=$FX/v3-2023-08-08T000359Z-737p-seq3.json
VATSPY=$FX/vatspy/Boundaries.geojson
VATSPY_DAT=$FX/vatspy/VATSpy.dat
missing=0
for f in "$SEQ1" "$SEQ2" "$SEQ3" "$VATSPY" "$VATSPY_DAT"; do
	[ -r "$f" ] || { echo "# fixture missing: $f"; missing=1; }
done
check $missing "the fixtures are there (VATSIM_FIXTURES=$FX)"
[ $missing -eq 0 ] || exit 1

# Every table's rows as one md5 each (rows ordered by their text), columns in
# $2 (a SQL array of names) left out; then every sequence's state.
fingerprint() {
	local query
	query=$(sql "$1" -c "
		SELECT string_agg(pg_catalog.format(
			'SELECT %L, pg_catalog.count(*), COALESCE(pg_catalog.md5(pg_catalog.string_agg(x::text, %L ORDER BY x::text)), %L) FROM (SELECT %s FROM vatsim.%I) x',
			c.relname, E'\\n', 'none', cols.list, c.relname), ' UNION ALL ' ORDER BY c.relname)
		FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
		CROSS JOIN LATERAL (
			SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) AS list
			FROM pg_catalog.pg_attribute a
			WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
			  AND a.attname <> ALL (${2:-'{}'}::name[])) cols
		WHERE s.nspname = 'vatsim' AND c.relkind IN ('r', 'p')")
	sql "$1" -F ' ' -c "$query"
	sql "$1" -F ' ' -c "SELECT sequencename, COALESCE(last_value::text, 'none') FROM pg_catalog.pg_sequences
		WHERE schemaname = 'vatsim' ORDER BY 1"
}

createdb $SRC && sql $SRC \
	-c "CREATE EXTENSION vatsim_ingest" \
	-c "SELECT sector_set FROM vatsim.load_sectors('vatspy', pg_catalog.pg_read_file('$VATSPY'), 'id')" \
	-c "SELECT airports FROM vatsim.load_airports(pg_catalog.pg_read_file('$VATSPY_DAT'))" \
	-c "SELECT vatsim.load_tracked_positions('*')" \
	-c "SELECT status FROM vatsim.ingest_file('$SEQ1')" \
	-c "INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude, altitude) VALUES (0, '2023-08-07 20:00:00+00', 1.5, 2.25, -10)" \
	-c "SELECT vatsim.pack_positions('infinity', 100)" \
	-c "WITH d AS (SELECT pg_catalog.pg_read_file('$SEQ2') AS doc),
	        c AS (SELECT c.value ->> 'callsign' AS atc, (c.value ->> 'frequency')::numeric * 1000000 AS hz,
	                     d.doc::jsonb -> 'pilots' -> 0 AS p
	              FROM d, jsonb_array_elements(d.doc::jsonb -> 'controllers') c
	              WHERE (c.value ->> 'facility')::int > 0 AND c.value ->> 'frequency' <> '199.998' LIMIT 1),
	        t AS (SELECT jsonb_build_object('id', 0, 'frequency', c.hz::bigint, 'latDeg', (c.p ->> 'latitude')::float8,
	                                        'lonDeg', (c.p ->> 'longitude')::float8) AS tx FROM c)
	     SELECT status FROM d, c, t, vatsim.ingest(d.doc, jsonb_build_array(
	         jsonb_build_object('callsign', c.atc, 'transceivers', jsonb_build_array(t.tx)),
	         jsonb_build_object('callsign', c.p ->> 'callsign', 'transceivers', jsonb_build_array(t.tx)))::text)" \
	-c "INSERT INTO vatsim.controller_ranges VALUES ('RDR', 'Radar', 150)" \
	-c "INSERT INTO vatsim.runs (started_at, finished_at, result, duration_ms) VALUES (now(), now(), 'ok', 1.5)" \
	-c "INSERT INTO vatsim.transceivers (callsign, transceiver_id, frequency_hz, latitude, longitude, height_msl_m, height_agl_m)
	    VALUES ('TEST_CTR', 0, 124350000, 51.5, -0.1, 30, 2)" \
	-c "INSERT INTO vatsim.flight_summaries (flight_id, cid, callsign, first_seen, last_seen, end_reason, total_s,
	    airborne_s, distance_nm, sectors, sector_seconds, controllers, contact_s, airborne_contact_s, summarised_at)
	    VALUES (0, 1, 'TEST0', now(), now(), 'gone', 0, 0, 0, 0, '[]', '[]', 0, 0, now())" \
	-c "INSERT INTO vatsim.controller_summaries
	    SELECT session_id, cid, callsign, 'Test', 1, facility, rating, logon_time, last_seen, 0, connections,
	           is_observer, no_frequency, frequencies, 0, 0, NULL, 0, last_seen
	    FROM vatsim.controller_sessions ORDER BY session_id LIMIT 1" \
	-c "INSERT INTO vatsim.controller_summary_hours
	    SELECT session_id, pg_catalog.date_trunc('hour', ended_at, 'UTC'), 0, 0, 0 FROM vatsim.controller_summaries" >/dev/null
check $? "a database with sectors, airports, two snapshots (an ATC contact in the second), a run, a transceiver, a controller range, a flight summary and a controller summary"
before=$(fingerprint $SRC)
empty=$(echo "$before" | awk '(NF == 3 && $2 == 0) || $2 == "none" { print $1 }' | paste -sd' ')
[ -n "$before" ] && [ -z "$empty" ]
check $? "every table and sequence of the source has rows (empty: ${empty:-none})"

pg_dump -Fc -f "$DUMP" $SRC
check $? "pg_dump -Fc"
# The daily partitions of positions (issue 12) are the database's tables
# attached to the extension's parent; each has its own primary key (the
# parent none), so a plain restore with --exit-on-error works (README,
# "Backups").
createdb $DST && pg_restore --exit-on-error -d $DST "$DUMP"
check $? "pg_restore into a new database"
same "restored: every table's rows and every sequence equal" "$before" "$(fingerprint $DST)"
parts() { sql "$1" -c "SELECT pg_catalog.string_agg(partition::text || ' ' || bounds, ', ' ORDER BY day) FROM vatsim.history_partitions"; }
same "restored: the same daily partitions of positions ($(parts $SRC))" "$(parts $SRC)" "$(parts $DST)"
keys() { sql "$1" -c "SELECT pg_catalog.count(*) FILTER (WHERE c.conname IS NULL) FROM vatsim.history_partitions h LEFT JOIN pg_catalog.pg_constraint c ON c.conrelid = h.partition AND c.contype = 'p'"; }
same "restored: every partition has its primary key" "0" "$(keys $DST)"

# The partitions are not the extension's: a data-only restore first
# restores their definitions (schema vatsim_partitions).
createdb $DATA && sql $DATA -c "CREATE EXTENSION vatsim_ingest" &&
	pg_restore --exit-on-error --schema-only -n vatsim_partitions -d $DATA "$DUMP" &&
	pg_restore --exit-on-error --data-only -d $DATA "$DUMP"
check $? "pg_restore --data-only into a database with the extension"
same "data-only restore: every table's rows and every sequence equal" "$before" "$(fingerprint $DATA)"

# The next snapshot: the same result and the same rows in all three, new
# flights and intervals numbered on from the dump.
ingest3() { sql "$1" -c "SELECT update_timestamp, status, pilots, controllers, atis, prefiles, rejected FROM vatsim.ingest_file('$SEQ3')"; }
r_src=$(ingest3 $SRC)
check $? "seq3 ingests into the source"
same "seq3: the restored database returns the same" "$r_src" "$(ingest3 $DST)"
same "seq3: the data-only restore returns the same" "$r_src" "$(ingest3 $DATA)"
[ "$(sql $SRC -c "SELECT pg_catalog.count(*) FROM vatsim.flights WHERE first_seen > '2023-08-08'")" -gt 0 ]
check $? "seq3 started new flights"
# times of the ingest itself differ between databases
after=$(fingerprint $SRC "'{ingested_at,duration_ms,analytics_ms,logged_at}'")
same "after seq3: restored rows and sequences equal the source's" "$after" "$(fingerprint $DST "'{ingested_at,duration_ms,analytics_ms,logged_at}'")"
same "after seq3: data-only restore equals the source" "$after" "$(fingerprint $DATA "'{ingested_at,duration_ms,analytics_ms,logged_at}'")"
