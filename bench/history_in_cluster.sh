#!/bin/bash
# history_in_cluster.sh: the body of bench/history.sh, inside the cluster.
set -eu
export PGOPTIONS='-c client_min_messages=warning'
PSQL="psql -X -q -v ON_ERROR_STOP=1 -d vatsim_history"
T_END="2024-03-01 12:00:00+00"
FUNCTIONS="history traffic counts transitions"

dropdb --if-exists vatsim_history
createdb vatsim_history
$PSQL -f bench/history_setup.sql

median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

for days in $HISTORY_DAYS; do
	echo
	echo "== $days day(s) of synthetic x1 history"
	$PSQL -A -F ': ' -t -c "SELECT * FROM bench.load($days, '$T_END')" -c "SELECT bench.draw('$T_END')" \
		-c "VACUUM (FULL, ANALYZE) vatsim.sector_occupancy, vatsim.sector_count_hours, vatsim.sector_bounds, vatsim.sector_transition_hours, vatsim.sector_transition_pairs, plain.sector_occupancy" \
		| grep -v '^$'
	printf '%-12s %12s %12s %8s %14s %14s %8s\n' function "C warm ms" "SQL warm ms" ratio "C new-be ms" "SQL new-be ms" ratio
	for fn in $FUNCTIONS; do
		cw=$($PSQL -At -c "SELECT round(bench.warm('$fn', 'c', $HISTORY_WARM)::numeric, 3)")
		sw=$($PSQL -At -c "SELECT round(bench.warm('$fn', 'sql', $HISTORY_WARM)::numeric, 3)")
		cn=$(for i in $(seq 1 "$HISTORY_NEW"); do $PSQL -At -c "SELECT bench.call('$fn', 'c', $i)"; done | median)
		sn=$(for i in $(seq 1 "$HISTORY_NEW"); do $PSQL -At -c "SELECT bench.call('$fn', 'sql', $i)"; done | median)
		printf '%-12s %12.3f %12.3f %8.1f %14.3f %14.3f %8.1f\n' "$fn" "$cw" "$sw" \
			"$(echo "$sw / $cw" | bc -l)" "$cn" "$sn" "$(echo "$sn / $cn" | bc -l)"
	done
	$PSQL -A -F ': ' -t <<'SQL'
SELECT 'rows per call (argument set 1)', string_agg(format('%s %s', f, n), ', ')
FROM (SELECT 'history' AS f, (SELECT count(*) FROM vatsim.sector_history(a.callsign)) AS n FROM bench.args a WHERE i = 1
      UNION ALL SELECT 'traffic', (SELECT count(*) FROM vatsim.sector_traffic(a.sector, a.at, a.at + interval '1 hour')) FROM bench.args a WHERE i = 1
      UNION ALL SELECT 'counts', (SELECT count(*) FROM vatsim.sector_counts(a.at)) FROM bench.args a WHERE i = 1
      UNION ALL SELECT 'transitions', (SELECT count(*) FROM vatsim.sector_transitions(a.since, a.since + interval '24 hours')) FROM bench.args a WHERE i = 1) x;
SQL
	$PSQL -A -F ' ' -t <<'SQL'
SELECT 'bytes per interval:',
       format('vatsim heap %s + indexes %s + aggregates %s = %s;',
              round(pg_table_size('vatsim.sector_occupancy')::numeric / n), round(pg_indexes_size('vatsim.sector_occupancy')::numeric / n),
              round(a::numeric / n), round((pg_total_relation_size('vatsim.sector_occupancy') + a)::numeric / n)),
       format('(of the aggregates, transitions by hour %s);', round(t::numeric / n)),
       format('plain heap %s + indexes %s = %s', round(pg_table_size('plain.sector_occupancy')::numeric / n),
              round(pg_indexes_size('plain.sector_occupancy')::numeric / n), round(pg_total_relation_size('plain.sector_occupancy')::numeric / n))
FROM (SELECT count(*) AS n FROM vatsim.sector_occupancy) c,
     LATERAL (SELECT pg_total_relation_size('vatsim.sector_transition_hours')
                     + pg_total_relation_size('vatsim.sector_transition_pairs') AS t) t,
     LATERAL (SELECT pg_total_relation_size('vatsim.sector_count_hours') + pg_total_relation_size('vatsim.sector_bounds')
                     + t.t AS a) a;
SQL
done

echo
echo "== 0.5.0's layout of the same intervals (7 indexes incl. the GiST range one, no predecessor columns)"
$PSQL -A -F ' ' -t <<'SQL'
CREATE TABLE bench.before (LIKE plain.sector_occupancy);
INSERT INTO bench.before SELECT * FROM plain.sector_occupancy;
ALTER TABLE bench.before ADD PRIMARY KEY (occupancy_id);
CREATE INDEX ON bench.before (flight_id, entry_time);
CREATE INDEX ON bench.before (callsign, entry_time);
CREATE INDEX ON bench.before (sector, entry_time);
CREATE INDEX ON bench.before (entry_time);
CREATE INDEX ON bench.before (flight_id) WHERE exit_time IS NULL;
CREATE INDEX ON bench.before USING gist (tstzrange(entry_time, exit_time, '[)'));
SELECT 'bytes per interval (0.5.0 layout):', format('heap %s + indexes %s = %s', round(pg_table_size('bench.before')::numeric / n),
       round(pg_indexes_size('bench.before')::numeric / n), round(pg_total_relation_size('bench.before')::numeric / n))
FROM (SELECT count(*) AS n FROM bench.before) c;
SELECT 'index', i.indexrelid::regclass, round(pg_relation_size(i.indexrelid)::numeric / (SELECT count(*) FROM bench.before))
FROM pg_index i WHERE i.indrelid = 'bench.before'::regclass
UNION ALL
SELECT 'index', i.indexrelid::regclass, round(pg_relation_size(i.indexrelid)::numeric / (SELECT count(*) FROM vatsim.sector_occupancy))
FROM pg_index i WHERE i.indrelid = 'vatsim.sector_occupancy'::regclass;
DROP TABLE bench.before;
SQL

echo
echo "== plans of the functions' own statements (auto_explain, nested statements)"
$PSQL -t 2>&1 <<'SQL' | grep -E 'Query Text|Scan|Index Cond|Sort|Aggregate|Append' | sed -e 's/^.*LOG: *//' | cut -c1-160
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET client_min_messages = log;
SELECT count(*) FROM vatsim.sector_history((SELECT callsign FROM bench.args WHERE i = 1));
SELECT count(*) FROM bench.args a, vatsim.sector_traffic(a.sector, a.at, a.at + interval '1 hour') WHERE a.i = 1;
SELECT count(*) FROM bench.args a, vatsim.sector_counts(a.at) WHERE a.i = 1;
SELECT count(*) FROM bench.args a, vatsim.sector_transitions(a.since, a.since + interval '24 hours') WHERE a.i = 1;
SQL
