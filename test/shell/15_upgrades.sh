#!/bin/bash
# 15_upgrades.sh: every released version upgrades to the newest with its data
# (issue 13, "Backups and upgrades").
# A reference database at the newest version is filled by ingesting
# (test/sql/filled_database.sql: sectors, airports, seq1, seq2 with an ATC
# contact, a pack, two daily partitions, hand-made rows); a copy of it then
# ingests seq3.  For each released version V: CREATE EXTENSION ... VERSION V
# in a new database, copy into each of its tables that the install left
# empty the reference's rows, in the columns V has (the library is the newest
# and vatsim.ingest refuses to run on older objects, so rows cannot be
# ingested there), with the identity sequences where the reference has them;
# every table of V must then hold rows.  Then ALTER EXTENSION vatsim_ingest
# UPDATE, and:
#   - the data: every row of every table of V is still there, unchanged in
#     every column the newest version keeps (count and md5 per table, read
#     before and after the update);
#   - converted: the update's new columns and tables (backfilled from V's
#     rows) equal what the reference computed by ingesting, except the few
#     columns listed in KNOWN_GAPS (facts V never recorded);
#   - the schema equals a fresh install's: extension members, columns with
#     their types, defaults and order, indexes, constraints, triggers,
#     function bodies and settings, privileges, comments, pg_dump marks;
#   - the next snapshot (seq3) returns what it returns on the reference and
#     leaves the same rows in every table of V.
# Prints TAP.
set -u
cd "$(dirname "$0")/../.." || exit 1
export PGOPTIONS="-c client_min_messages=error"
VERSIONS=${UPGRADE_VERSIONS:-0.1.0 0.2.0 0.3.0 0.4.0 0.5.0 0.6.0}
REF=vatsim_up_ref
REF3=vatsim_up_ref3
OLD=vatsim_up_old
RST=vatsim_up_restored
DUMP=$(mktemp /tmp/vatsim_up_dump.XXXXXX)
cleanup() { for db in $REF $REF3 $OLD $RST; do dropdb --if-exists "$db" >/dev/null 2>&1; done; }
trap 'cleanup; rm -f "$DUMP"' EXIT
cleanup

. test/shell/lib/tap.sh
# same_rows WHAT DB1 DB2 LINES: same, over fingerprint's tables; when they
# differ, also which columns of the differing tables differ.
same_rows() {
	local a b t
	a=$(fingerprint "$2" "$4"); b=$(fingerprint "$3" "$4")
	same "$1" "$a" "$b"
	for t in $(diff <(echo "$a") <(echo "$b") | awk '/^[<>]/ { print $2 }' | sort -u); do
		echo "$4" | awk -v t=$t '$1 == t' | while read -r tc; do
			[ "$(fingerprint "$2" "$tc")" = "$(fingerprint "$3" "$tc")" ] || echo "# differs: ${tc/ /.}"
		done
	done
}

# a dump holds the rows from 0.4.0 on (README, "Backups")
dumps() { case $1 in 0.1.0 | 0.2.0 | 0.3.0) return 1 ;; esac; }
n_dumps=0
for v in $VERSIONS; do dumps $v && n_dumps=$((n_dumps + 1)); done
echo "1..$((2 + 7 * $(echo $VERSIONS | wc -w) + 2 * n_dumps))"

FX=${VATSIM_FIXTURES:-}
SEQ1=$FX/v3-2023-08-07T232929Z-754p-seq1.json
SEQ2=$FX/v3-2023-08-07T232944Z-757p-seq2.json
SEQ3=$FX/v3-2023-08-08T000359Z-737p-seq3.json
createdb $REF && sql $REF -c "CREATE EXTENSION vatsim_ingest" \
	-v seq1="$SEQ1" -v seq2="$SEQ2" -v vatspy="$FX/vatspy/Boundaries.geojson" \
	-v vatspy_dat="$FX/vatspy/VATSpy.dat" -f test/sql/filled_database.sql >/dev/null
check $? "a reference database at the newest version, filled by ingesting (fixtures in $FX)"
ingest3() { sql "$1" -c "SELECT update_timestamp, status, pilots, controllers, atis, prefiles, rejected FROM vatsim.ingest_file('$SEQ3')"; }
createdb -T $REF $REF3 && r_ref=$(ingest3 $REF3)
check $? "a copy of it ingests seq3: $r_ref"

# What an upgraded database cannot know, as "table.column" (newest names):
# partition_log numbers the days in the order they were made (the reference
# made the day of seq1 first, the update makes them in day order); before
# 0.3.0 (the region filter) a snapshot did not count the positions it kept;
# before 0.5.0 no flight had running aggregates (NULL: "no aggregates yet",
# README "Flight summaries"), so they start with the next snapshot.
known_gaps() {	# known_gaps V: the columns left out of "converted" and "after seq3"
	local gaps="partition_log.log_id"
	case $1 in 0.1.0 | 0.2.0) gaps="$gaps snapshots.positions" ;; esac
	case $1 in 0.1.0 | 0.2.0 | 0.3.0 | 0.4.0)
		for c in stats_open stats_first_ts last_latitude last_longitude last_groundspeed last_in_contact \
			slow_polls max_altitude distance_nm airborne_us contact_us airborne_contact_us snapshots; do
			gaps="$gaps flights.$c"
		done ;;
	esac
	echo "$gaps"
}

# The tables of schema vatsim (no partitions) and their columns, one
# "table column" line each, in column order; no generated column (COPY
# cannot write one; its value follows from the others).
columns() {
	sql "$1" -F ' ' -c "SELECT c.relname, a.attname FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
		JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		  AND a.attgenerated = ''
		WHERE s.nspname = 'vatsim' AND c.relkind IN ($2) AND NOT c.relispartition
		ORDER BY c.relname, a.attnum"
}
# fingerprint DB LINES: for "table column" LINES, each table's row count and
# the md5 of its rows (those columns, rows ordered by their text).
fingerprint() {
	local query
	query=$(echo "$2" | awk -v q="'" '
		function emit() {
			printf "SELECT %s%s%s, pg_catalog.count(*), COALESCE(pg_catalog.md5(pg_catalog.string_agg(x::text, E%s\\n%s ORDER BY x::text)), %snone%s) FROM (SELECT %s FROM vatsim.%s) x\n",
				q, t, q, q, q, q, q, cols, t
		}
		NF == 2 && $1 != t { if (t != "") emit(); t = $1; cols = $2; next }
		NF == 2 { cols = cols ", " $2 }
		END { if (t != "") emit() }' | paste -sd'#' | sed 's/#/ UNION ALL /g')
	sql "$1" -F ' ' -c "$query ORDER BY 1"
}
# The schema as text, without OIDs: what a fresh install and an upgraded one
# must share.
SCHEMA="
	SELECT 'member ' || pg_catalog.pg_describe_object(classid, objid, objsubid) FROM pg_catalog.pg_depend
	WHERE refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'vatsim_ingest') AND deptype = 'e'
	UNION ALL
	SELECT pg_catalog.format('column %s.%s #%s %s %s default %s comment %s', c.relname, a.attname,
		pg_catalog.row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), pg_catalog.format_type(a.atttypid, a.atttypmod),
		CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END, pg_catalog.pg_get_expr(d.adbin, d.adrelid) || a.attidentity::text || a.attgenerated::text,
		pg_catalog.col_description(c.oid, a.attnum))
	FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
	JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
	LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	WHERE s.nspname = 'vatsim' AND a.attnum > 0 AND NOT a.attisdropped
	UNION ALL
	SELECT pg_catalog.format('relation %s %s acl %s comment %s options %s', c.relname, c.relkind, c.relacl,
		pg_catalog.obj_description(c.oid, 'pg_class'), c.reloptions)
	FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'vatsim'
	UNION ALL
	SELECT 'index ' || indexdef FROM pg_catalog.pg_indexes WHERE schemaname = 'vatsim'
	UNION ALL
	SELECT pg_catalog.format('constraint %s.%s %s', c.relname, k.conname, pg_catalog.pg_get_constraintdef(k.oid))
	FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
	JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'vatsim'
	UNION ALL
	SELECT 'trigger ' || pg_catalog.pg_get_triggerdef(t.oid) FROM pg_catalog.pg_trigger t
	JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
	WHERE s.nspname = 'vatsim' AND NOT t.tgisinternal
	UNION ALL
	SELECT pg_catalog.format('function %s(%s) acl %s comment %s body %s', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),
		p.proacl, pg_catalog.obj_description(p.oid, 'pg_proc'),
		pg_catalog.md5(CASE WHEN p.prokind IN ('a', 'w') THEN p.prosrc ELSE pg_catalog.pg_get_functiondef(p.oid) END))
	FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace s ON s.oid = p.pronamespace WHERE s.nspname = 'vatsim'
	UNION ALL
	SELECT pg_catalog.format('dumped %s where %L', c.relid::pg_catalog.regclass, c.cond)
	FROM pg_catalog.pg_extension e, LATERAL unnest(e.extconfig, e.extcondition) c(relid, cond)
	WHERE e.extname = 'vatsim_ingest'
	ORDER BY 1"

ref_cols=$(columns $REF "'r', 'p', 'v'")
ref_fresh_schema=$(sql $REF -c "$SCHEMA")
for v in $VERSIONS; do
	# 1. install V and fill every table the install left empty
	createdb $OLD && sql $OLD -c "CREATE EXTENSION vatsim_ingest VERSION '$v'" || { check 1 "$v: install"; continue; }
	old_cols=$(columns $OLD "'r', 'p'")
	fill_ok=0
	# a version with daily partitions: the reference's days first
	if [ "$(sql $OLD -c "SELECT to_regproc('vatsim.ensure_partitions') IS NOT NULL")" = t ]; then
		sql $OLD -c "SELECT vatsim.ensure_partitions($(sql $REF -c "SELECT pg_catalog.format('%L, %L', max(day) - min(day) || ' days', min(day))
			FROM vatsim.history_partitions"))" >/dev/null || fill_ok=1
	fi
	installed=" $(fingerprint $OLD "$old_cols" | awk '$2 > 0 { print $1 }' | paste -sd' ') "
	for t in $(echo "$old_cols" | cut -d' ' -f1 | uniq); do
		case $installed in *" $t "*) continue ;; esac
		common=$(join <(echo "$old_cols" | awk -v t=$t '$1 == t { print $2 }' | sort) \
			<(echo "$ref_cols" | awk -v t=$t '$1 == t { print $2 }' | sort) | paste -sd,)
		[ -n "$common" ] || continue
		# session_replication_role: no foreign key or trigger fires while
		# the rows come in, in any order
		sql $REF -c "\\copy (SELECT $common FROM vatsim.$t) TO STDOUT" |
			PGOPTIONS="$PGOPTIONS -c session_replication_role=replica" sql $OLD -c "\\copy vatsim.$t ($common) FROM STDIN" ||
			{ fill_ok=1; echo "# $v: could not copy $t ($common)"; }
	done
	# the identity sequences, numbered on from the reference's
	identities="SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a
		JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = 'vatsim' AND a.attidentity <> '' AND NOT c.relispartition"
	setvals=$(join <(sql $REF -F . -c "SELECT i.relname || '.' || i.attname, q.last_value FROM ($identities) i
			JOIN pg_catalog.pg_sequences q ON pg_catalog.format('%I.%I', q.schemaname, q.sequencename)
				= pg_catalog.pg_get_serial_sequence('vatsim.' || i.relname, i.attname)
			WHERE q.last_value IS NOT NULL" | sed 's/\.\([0-9]*\)$/ \1/' | sort) \
		<(sql $OLD -F . -c "$identities" | sort) |
		awk '{ split($1, k, "."); printf "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(%svatsim.%s%s, %s%s%s), %s);\n", q, k[1], q, q, k[2], q, $2 }' q="'")
	[ -z "$setvals" ] || echo "$setvals" | sql $OLD >/dev/null || fill_ok=1
	empty=$(fingerprint $OLD "$old_cols" | awk '$2 == 0 { print $1 }' | paste -sd' ')
	[ $fill_ok -eq 0 ] && [ -z "$empty" ]
	check $? "$v: installed, every one of its $(echo "$old_cols" | cut -d' ' -f1 | uniq | wc -l) tables holds rows (empty: ${empty:-none})"

	# 2. the update
	kept_cols=$(join -j1 <(echo "$old_cols" | sed 's/ /./' | sort) <(echo "$ref_cols" | sed 's/ /./' | sort) | sed 's/\./ /' | sort -s -k1,1)
	before=$(fingerprint $OLD "$kept_cols")
	dumps $v && pg_dump -Fc -f "$DUMP" $OLD
	sql $OLD -c "ALTER EXTENSION vatsim_ingest UPDATE" &&
		[ "$(sql $OLD -c "SELECT installed_version = default_version FROM pg_catalog.pg_available_extensions WHERE name = 'vatsim_ingest'")" = t ]
	check $? "$v: ALTER EXTENSION vatsim_ingest UPDATE reaches $(sql $OLD -c "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'vatsim_ingest'")"
	same "$v: every row of its tables kept, in every column kept" "$before" "$(fingerprint $OLD "$kept_cols")"

	# 3. converted: the newest columns of the tables that hold rows now
	new_cols=$(columns $OLD "'r', 'p', 'v'")
	new_tables=$(columns $OLD "'r', 'p'")
	gaps=" $(known_gaps $v) "
	filled=$(fingerprint $OLD "$new_tables" | awk '$2 > 0 { print $1 }')
	# the tables that hold rows now, and the views that were tables in V
	# (0.5.0's flight_stats); no times of a run or an ingest
	keep=" $(echo $filled) $(echo "$old_cols" | cut -d' ' -f1 | uniq | paste -sd' ') "
	conv_cols=$(echo "$new_cols" | awk -v keep="$keep" -v gaps="$gaps" \
		'index(keep, " " $1 " ") && !index(gaps, " " $1 "." $2 " ")' |
		grep -Ev ' (ingested_at|duration_ms|analytics_ms|logged_at|summarised_at)$')
	same_rows "$v: converted: the tables holding rows equal the reference's in every column (but $(echo $gaps | wc -w) known gaps)" \
		$REF $OLD "$conv_cols"

	# 4. the schema
	same "$v: the upgraded schema equals a fresh install's" "$ref_fresh_schema" "$(sql $OLD -c "$SCHEMA")"

	# 5. a dump made at V, restored where V is installed, then updated:
	# the same rows as the update in place (README, "Backups and upgrades")
	if dumps $v; then
		rows=$(echo "$new_tables" | grep -Ev ' (logged_at|log_id)$')
		createdb $RST && sql $RST -c "CREATE EXTENSION vatsim_ingest VERSION '$v'" &&
			pg_restore --exit-on-error --schema-only -n vatsim_partitions -d $RST "$DUMP" &&
			pg_restore --exit-on-error --data-only -d $RST "$DUMP" &&
			sql $RST -c "ALTER EXTENSION vatsim_ingest UPDATE"
		check $? "$v: its dump restored with --data-only into $v, then updated"
		same_rows "$v: ... holds the rows of the update in place" $OLD $RST "$rows"
		dropdb $RST
	fi

	# 6. the next snapshot
	same "$v: seq3 ingests as on the reference" "$r_ref" "$(ingest3 $OLD)"
	same_rows "$v: after seq3 the same rows as the reference (but the known gaps)" $REF3 $OLD "$conv_cols"
	dropdb $OLD
done
