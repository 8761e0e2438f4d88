#!/bin/bash
# snapshot_notify.sh: NOTIFY vatsim_snapshot (issue 11).  One psql session
# LISTENs while the real worker (database "postgres") runs cycles that fail
# in every way -- HTTP 500, an invalid document, a database error after the
# snapshot was stored (a trigger refuses the cycle's run-log row) -- and
# cycles that store: the session must hear exactly one notification per
# stored snapshot ('ok' in vatsim.runs), in order, from the worker, with the
# snapshot's update_timestamp and counts; nothing for a failed or unchanged
# cycle.  Notifications arrive in commit order, so the stored snapshot after
# the failures bounds what they could have sent: no waiting on time.  Then
# vatsim.ingest() in a database of its own: it does not notify.  Leaves the
# worker disabled.  Prints TAP.
set -u
export PGOPTIONS="-c client_min_messages=warning"
SERVER=${FEED_SERVER_URL:-}
FX=${VATSIM_FIXTURES:-}
DB=vatsim_notify_sql
OUT=$(mktemp /tmp/vatsim_notify.XXXXXX)
n=0
failed=0

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }
cleanup() {
	sql postgres -c "DROP TRIGGER IF EXISTS vi_notify_refuse ON vatsim.runs" \
		-c "DROP FUNCTION IF EXISTS public.vi_notify_refuse()" \
		-c "ALTER SYSTEM SET vatsim_ingest.enabled = off" -c "SELECT pg_reload_conf()" >/dev/null 2>&1
	dropdb --if-exists "$DB" >/dev/null 2>&1
	rm -f "$OUT"
}
trap cleanup EXIT

# check NAME EXPECTED GOT: one TAP line
check() {
	n=$((n + 1))
	if [ -n "$3" ] && [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
		printf '# expected: %s\n# got:\n' "$2"
		sed 's/^/#   /' <<<"$3"
	fi
}

echo "1..9"
SEQ1=$FX/v3-2023-08-07T232929Z-754p-seq1.json
if [ -z "$SERVER" ] || [ ! -r "$SEQ1" ]; then
	echo "not ok 1 - FEED_SERVER_URL and the fixtures are set (FEED_SERVER_URL=$SERVER VATSIM_FIXTURES=$FX)"
	exit 1
fi

sql postgres -c "CREATE EXTENSION IF NOT EXISTS vatsim_ingest" >/dev/null
T0=$(sql postgres -c "SELECT clock_timestamp()")

# The listening session.  Each step points the worker at a URL and waits
# (bounded) until the worker has read it, then runs a cycle with run_now.
# psql prints a notification after the command during which it arrived.
psql -X -q -At -v ON_ERROR_STOP=1 -d postgres -v server="$SERVER" >"$OUT" 2>&1 <<'EOF'
LISTEN vatsim_snapshot;
CREATE FUNCTION pg_temp.use_url(url text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    deadline timestamptz := clock_timestamp() + interval '20 s';
BEGIN
    PERFORM pg_sleep(0.05);
    LOOP
        EXIT WHEN (SELECT feed_url FROM vatsim.status) = regexp_replace(url, '[?#].*$', '?...')
                  AND (SELECT state FROM vatsim.status) = 'idle';
        IF clock_timestamp() > deadline THEN
            RAISE EXCEPTION 'the worker did not read feed_url %', url;
        END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
END $$;
ALTER SYSTEM SET vatsim_ingest.interval = '1h';
ALTER SYSTEM SET vatsim_ingest.backoff_max = '1h';
ALTER SYSTEM SET vatsim_ingest.transceivers_url = '';
ALTER SYSTEM SET vatsim_ingest.enabled = on;
\set url :server '/replay?names=v3-2023-08-07T232929Z-754p-seq1.json,v3-2023-08-07T232944Z-757p-seq2.json&step=1&id=notify'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf() \g /dev/null
SELECT pg_temp.use_url(:'url') \g /dev/null
SELECT pg_sleep(1.1) \g /dev/null
SELECT 'cycle ' || result FROM vatsim.run_now();
-- a stored snapshot whose transaction then fails (its run-log row refused)
CREATE FUNCTION public.vi_notify_refuse() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN IF NEW.result = 'ok' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
CREATE TRIGGER vi_notify_refuse BEFORE INSERT ON vatsim.runs
    FOR EACH ROW EXECUTE FUNCTION public.vi_notify_refuse();
SELECT pg_sleep(1.1) \g /dev/null
SELECT 'cycle ' || result FROM vatsim.run_now();
DROP TRIGGER vi_notify_refuse ON vatsim.runs;
DROP FUNCTION public.vi_notify_refuse();
\set url :server '/status/500'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf() \g /dev/null
SELECT pg_temp.use_url(:'url') \g /dev/null
SELECT 'cycle ' || result FROM vatsim.run_now();
\set url :server '/feeds/invalid-utf8.json'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf() \g /dev/null
SELECT pg_temp.use_url(:'url') \g /dev/null
SELECT 'cycle ' || result FROM vatsim.run_now();
-- a new generation every 10 s: the first cycle of a step stores it, the
-- next one in the same step gets 304 (unchanged)
\set url :server '/replay?names=v3-2023-08-07T232944Z-757p-seq2.json&step=10&id=notify2'
ALTER SYSTEM SET vatsim_ingest.feed_url = :'url';
SELECT pg_reload_conf() \g /dev/null
SELECT pg_temp.use_url(:'url') \g /dev/null
-- (to a step boundary at least 2 s away: a cycle the new URL set off at
-- once is long over by then)
SELECT pg_sleep(CASE WHEN m > 8 THEN 20.2 - m ELSE 10.2 - m END)
FROM (SELECT mod(extract(epoch FROM clock_timestamp()), 10) AS m) x \g /dev/null
SELECT 'cycle ' || result FROM vatsim.run_now();
SELECT 'cycle ' || result FROM vatsim.run_now();
ALTER SYSTEM SET vatsim_ingest.enabled = off;
SELECT pg_reload_conf() \g /dev/null
SELECT 'end';
EOF
rc=$?
check "the listening session ran to its end" "0 end" "$rc $(tail -1 "$OUT")"

# "Asynchronous notification "vatsim_snapshot" with payload "{...}" received
# from server process with PID N."
payloads=$(sed -n 's/^Asynchronous notification "vatsim_snapshot" with payload "\(.*\)" received from server process with PID \([0-9]*\)\.$/\2 \1/p' "$OUT")
results=$(grep '^cycle ' "$OUT" | tr '\n' ' ')
check "the cycles: stored, a database error after storing, HTTP 500, an invalid document, stored, unchanged" \
	"cycle ok cycle db_error cycle http_error cycle parse_error cycle ok cycle unchanged " "$results"

ok_runs=$(sql postgres -c "SELECT count(*) FROM vatsim.runs WHERE started_at >= '$T0' AND result = 'ok'")
failed_runs=$(sql postgres -c "SELECT string_agg(DISTINCT result, ',' ORDER BY result) FROM vatsim.runs WHERE started_at >= '$T0' AND result <> 'ok'")
check "vatsim.runs has the failed and unchanged cycles" "db_error,http_error,parse_error,unchanged" "$failed_runs"
check "one notification per stored snapshot, nothing for the others ($ok_runs stored)" "$ok_runs" "$(grep -c . <<<"$payloads")"

worker_pid=$(sql postgres -c "SELECT pid FROM vatsim.status")
check "every notification comes from the worker" "$worker_pid" "$(cut -d' ' -f1 <<<"$payloads" | sort -u)"

# The payloads, as JSON, against the stored snapshots and the run log
json_lines=$(cut -d' ' -f2- <<<"$payloads")
compare=$(sql postgres -v "p=$json_lines" -v "t0=$T0" <<'EOF'
WITH n AS (SELECT (x.j)::json AS j, x.o FROM unnest(string_to_array(:'p', E'\n')) WITH ORDINALITY x(j, o))
SELECT (SELECT string_agg(k, ',' ORDER BY k) FROM json_object_keys((SELECT j FROM n ORDER BY o LIMIT 1)) k)
UNION ALL
SELECT count(*)::text FROM n JOIN vatsim.snapshots s ON s.update_timestamp = (n.j->>'update_timestamp')::timestamptz
WHERE (n.j->>'pilots')::int = s.pilots AND (n.j->>'controllers')::int = s.controllers
  AND (n.j->>'atis')::int = s.atis AND (n.j->>'prefiles')::int = s.prefiles
  AND (n.j->>'positions')::int = s.positions AND (n.j->>'rejected')::int = s.rejected
  AND n.j->>'update_timestamp' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$'
  AND json_typeof(n.j->'transceivers') = 'null'
UNION ALL
SELECT ((SELECT string_agg(update_timestamp::text, ',' ORDER BY run_id) FROM vatsim.runs
         WHERE started_at >= :'t0' AND result = 'ok')
        IS NOT DISTINCT FROM
        (SELECT string_agg((j->>'update_timestamp')::timestamptz::text, ',' ORDER BY o) FROM n))::text
EOF
)
check "the payload is a JSON object: update_timestamp and counts" \
	"atis,controllers,pilots,positions,prefiles,rejected,transceivers,update_timestamp" "$(sed -n 1p <<<"$compare")"
check "its counts are the stored snapshot's, its time ISO 8601 UTC" "$ok_runs" "$(sed -n 2p <<<"$compare")"
check "the notifications are the 'ok' cycles, in order" "true" "$(sed -n 3p <<<"$compare")"

# vatsim.ingest() does not notify; a NOTIFY of the session's own does
# arrive (the control)
dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB"
got=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -v file="$SEQ1" 2>&1 <<'EOF'
CREATE EXTENSION vatsim_ingest;
LISTEN vatsim_snapshot;
SELECT status FROM vatsim.ingest(pg_read_file(:'file'));
SELECT 1;
NOTIFY vatsim_snapshot, 'control';
SELECT 2;
EOF
)
check "vatsim.ingest() sends no notification (a backfill is not live traffic)" \
	"ingested 1 Asynchronous notification \"vatsim_snapshot\" with payload \"control\" received from server process with PID n. 2" \
	"$(tr '\n' ' ' <<<"$got" | sed 's/ PID [0-9]*\./ PID n./; s/ *$//')"

[ "$failed" -eq 0 ]
