#!/bin/bash
# demo_inner.sh: runs inside pg_virtualenv for test/demo.sh.
set -eu
cd "$(dirname "$0")/.."
psql -X -q -v ON_ERROR_STOP=1 -d postgres -f test/demo.sql

echo
echo "== the background worker: vatsim.status and the growing counts"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -v feed="$DEMO_FEED_URL" -v trx="$DEMO_TRX_URL" >/dev/null <<'SQL'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'feed';
ALTER SYSTEM SET vatsim_ingest.transceivers_url = :'trx';
ALTER SYSTEM SET vatsim_ingest.enabled = on;
SELECT pg_reload_conf();
SQL
for i in $(seq "$DEMO_CYCLES"); do
	sleep "${DEMO_INTERVAL%s}"
	psql -X -q -A -t -d postgres -c "
		SELECT format('%s  state=%-8s cycles=%s last=%-9s snapshots=%s flights=%s positions=%s intervals=%s transceivers=%s',
		              to_char(now() AT TIME ZONE 'UTC', 'HH24:MI:SS'), s.state, s.cycles, s.last_result,
		              (SELECT count(*) FROM vatsim.snapshots), (SELECT count(*) FROM vatsim.flights),
		              (SELECT count(*) FROM vatsim.positions) + (SELECT coalesce(sum(n), 0) FROM vatsim.position_packs),
		              (SELECT count(*) FROM vatsim.sector_occupancy),
		              (SELECT count(*) FROM vatsim.transceivers))
		FROM vatsim.status s"
done
psql -X -q -d postgres -c "ALTER SYSTEM SET vatsim_ingest.enabled = off" -c "SELECT pg_reload_conf()" >/dev/null
psql -X -d postgres -c "SELECT pid, state, cycles, consecutive_failures, last_result, last_http_status, last_bytes, round(last_cycle_ms) AS last_cycle_ms, next_run FROM vatsim.status"
psql -X -d postgres -c "SELECT run_id, result, http_status, bytes, rows, update_timestamp, round(duration_ms) AS ms, error FROM vatsim.runs ORDER BY run_id DESC LIMIT 5"
psql -X -d postgres -x -c "SELECT * FROM vatsim.network_status()"
