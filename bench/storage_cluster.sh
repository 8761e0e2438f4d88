#!/bin/bash
# storage_cluster.sh DIR: bench/storage.sh's steps inside its cluster (DIR
# holds storage.sql and 1925p.json).
set -eu
dir=$1
: "${STORAGE_HOURS:=6}" "${STORAGE_SAMPLES:=200}" "${STORAGE_BACKENDS:=20}"
export PGOPTIONS='-c statement_timeout=600s -c client_min_messages=warning'
run() {
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -v dir="$dir" -v hours="$STORAGE_HOURS" \
		-v samples="$STORAGE_SAMPLES" -v phase="$1" -f "$dir/storage.sql"
}
# the first track read of a new backend, timed in the server (ms), p50
first_read() {
	local i times=""
	for i in $(seq 1 "$STORAGE_BACKENDS"); do
		times="$times $(psql -X -At -d postgres -c "
			SELECT extract(epoch FROM clock_timestamp() - t0) * 1000
			FROM (SELECT clock_timestamp() AS t0) a,
			     LATERAL (SELECT count(*) FROM vatsim.flight_track(
			         (SELECT flight_id FROM public.sample ORDER BY flight_id OFFSET $i - 1 LIMIT 1), NULL, 10000)) n
			WHERE n.count >= 0")"
	done
	echo "$times" | tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {printf "%.3f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}
run prepare
rows_first=$(first_read)
run pack
packs_first=$(first_read)
run report
echo "== storage: a flight's whole track through vatsim.flight_track, first call in a new backend (p50 of $STORAGE_BACKENDS, ms)"
echo "rows: $rows_first   packs: $packs_first"
