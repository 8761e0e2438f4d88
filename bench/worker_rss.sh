#!/bin/bash
# worker_rss.sh: memory of the background worker over many cycles.
# The worker fetches from test/feed_server.py, which replays seq1, seq2 and
# seq3 with a fresh update_timestamp on every request, so every cycle parses
# and stores a whole snapshot (plus the transceivers feed).  vatsim.run_now()
# drives the cycles back to back; the worker's RSS is read from /proc after
# every block.  Flat = no growth of RssAnon (private memory) once warm;
# RssShmem grows as the worker touches more of shared_buffers, which is not
# the worker's own memory.
# Cycles run back to back, about 40 times the live rate (one per 15 s), so
# autovacuum_naptime is 1 s here: the current-state tables are rewritten
# every cycle, and at the live rate the default naptime keeps up with that.
#   bench/worker_rss.sh [CYCLES]   (default 2000; run by bench/run.sh)
set -eu
cd "$(dirname "$0")/.."
CYCLES=${1:-2000}
BLOCK=200

TMP=$(mktemp -d /tmp/vatsim_rss.XXXXXX)
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; rm -rf "$TMP"' EXIT
for f in test/fixtures/v3-2023-08-0*.json.gz test/fixtures/transceivers-*.json.gz; do
	gzip -dc "$f" >"$TMP/$(basename "$f" .gz)"
done
python3 test/feed_server.py --fixtures "$TMP" --port 0 --port-file "$TMP/port" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
BASE="http://127.0.0.1:$(cat "$TMP/port")"
export RSS_FEED="$BASE/replay?names=v3-2023-08-07T232929Z-754p-seq1.json,v3-2023-08-07T232944Z-757p-seq2.json,v3-2023-08-08T000359Z-737p-seq3.json&step=0.01"
export RSS_TRX="$BASE/feeds/transceivers-2021-04-21-892stations.json"
export RSS_CYCLES=$CYCLES RSS_BLOCK=$BLOCK

pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o shared_preload_libraries=vatsim_ingest -o lc_messages=C \
	-o vatsim_ingest.database=postgres -o vatsim_ingest.enabled=off \
	-o vatsim_ingest.interval=1h -o autovacuum_naptime=1 bash -c '
set -eu
psql -X -q -d postgres -v ON_ERROR_STOP=1 -v feed="$RSS_FEED" -v trx="$RSS_TRX" >/dev/null <<SQL
CREATE EXTENSION vatsim_ingest;
ALTER SYSTEM SET vatsim_ingest.feed_url = :'"'"'feed'"'"';
ALTER SYSTEM SET vatsim_ingest.transceivers_url = :'"'"'trx'"'"';
ALTER SYSTEM SET vatsim_ingest.enabled = on;
SELECT pg_reload_conf();
SQL
sleep 1
rss() { awk '"'"'/^(VmRSS|RssAnon|RssShmem):/ {printf "%s %s kB  ", $1, $2}'"'"' /proc/$1/status; }
# what the worker itself reports: its allocated memory (vatsim.status.memory_bytes)
mem() { psql -X -A -t -d postgres -c "SELECT '"'"'memory_bytes: '"'"' || memory_bytes FROM vatsim.status"; }
pid=$(psql -X -A -t -d postgres -c "SELECT pid FROM vatsim.status")
# warm up: plans prepared, buffers and caches filled
cycles() { psql -X -q -d postgres -c "DO \$\$ BEGIN FOR i IN 1..$1 LOOP PERFORM vatsim.run_now(timeout => '"'"'60s'"'"'); END LOOP; END \$\$"; }
oks() { psql -X -A -t -d postgres -c "SELECT count(*) FROM vatsim.runs WHERE result = '"'"'ok'"'"'"; }
cycles 20
echo "cycles 0 (after 20 warm-up): $(rss $pid) $(mem)"
done_cycles=0
while [ $done_cycles -lt $RSS_CYCLES ]; do
	start=$(date +%s.%N)
	before=$(oks)
	cycles $RSS_BLOCK
	ok=$(( $(oks) - before ))
	end=$(date +%s.%N)
	done_cycles=$((done_cycles + RSS_BLOCK))
	echo "cycles $done_cycles: $(rss $pid) $(mem) ok=$ok/$RSS_BLOCK  $(echo "($end - $start) * 1000 / $RSS_BLOCK" | bc -l | xargs printf "%.1f") ms/cycle"
done
psql -X -d postgres -c "SELECT count(*) AS snapshots, round(avg(duration_ms)::numeric, 1) AS avg_cycle_ms, round((percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms))::numeric, 1) AS median_cycle_ms, max(round(duration_ms)) AS max_cycle_ms FROM vatsim.runs WHERE result = '"'"'ok'"'"'"
test "$(psql -X -A -t -d postgres -c "SELECT pid FROM vatsim.status")" = "$pid" || { echo "the worker restarted during the run" >&2; exit 1; }
'
