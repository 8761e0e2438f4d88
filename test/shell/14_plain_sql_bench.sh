#!/bin/bash
# 14_plain_sql_bench.sh: the plain-SQL side of bench/side_by_side.sh
# (bench/plain_sql) must keep computing what vatsim_ingest computes, or the
# side-by-side comparison means nothing.  In a database of its own, with
# VATSpy loaded on both sides, three snapshots built from the 1,925-pilot
# fixture go through vatsim.ingest and plain.ingest, made to hit each
# occupancy rule at its edge:
#   step 1 (+15 s): every pilot moved 0.02 deg north and 0.03 deg east;
#     cid % 7 = 3 absent (from then on); cid % 11 = 4 jumped to the other
#     hemisphere (leave its sectors, enter others); cid % 5 = 1 at 29 kt
#     (slow), cid % 5 = 2 at 30 kt (not slow: the rule is "below 30");
#   step 2 (+30 s): moved again; the 29 kt pilots slow a second time (exit
#     polls 2: their intervals close as slow); the absent pilots were last
#     seen 30 s ago, more than stale_after = 20 s (gone; at 15 s they were
#     not); pilots that were below 60 kt at 0 go to 60 kt (enter) when
#     cid % 2 = 0, else to 59 kt (no enter).
# Then bench/plain_sql/check.sql must pass (the same intervals, flights,
# positions, snapshots), every rule must have happened, and the check must
# fail when the plain side loses one interval.  No timing.  Prints TAP.
set -u
export PGOPTIONS="-c client_min_messages=warning"
FX=${VATSIM_FIXTURES:-}
DB=vatsim_plain_sql_bench
BENCH=$(cd "$(dirname "$0")/../../bench" && pwd)
n=0
failed=0

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1; }
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

echo "1..8"
FIXTURE=$FX/v3-2021-04-24T1528Z-1925p.json
if [ ! -r "$FIXTURE" ] || [ ! -r "$FX/vatspy/Boundaries.geojson" ]; then
	echo "not ok 1 - VATSIM_FIXTURES holds the 1925p fixture and VATSpy (VATSIM_FIXTURES=$FX)"
	exit 1
fi

dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB"
sql -c "CREATE EXTENSION vatsim_ingest" -f "$BENCH/plain_sql/schema.sql" \
	-f "$BENCH/plain_sql/sectors.sql" -f "$BENCH/plain_sql/ingest.sql" >/dev/null
got=$(sql -v boundaries="$FX/vatspy/Boundaries.geojson" 2>&1 <<'SQL'
SET client_min_messages = error;
SELECT (SELECT features FROM vatsim.load_sectors('vatspy', pg_read_file(:'boundaries'), 'id'))
       || ' ' || plain.load_sectors(pg_read_file(:'boundaries'), 'id');
SQL
)
check "both sides load VATSpy's 1,102 features" "1102 1102" "$got"

# The three snapshots, and both sides fed them in order.
got=$(sql -v fixture="$FIXTURE" 2>&1 <<'SQL'
CREATE TABLE snaps (k integer PRIMARY KEY, doc text NOT NULL);
CREATE FUNCTION pg_temp.wrap(lon float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS
  $$ SELECT lon - 360 * floor((lon + 180) / 360) $$;
WITH base AS (SELECT pg_read_file(:'fixture')::jsonb AS doc),
k AS (SELECT k, to_char(((b.doc->'general'->>'update_timestamp')::timestamptz + k * interval '15 s')
                        AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS iso
      FROM base b, generate_series(0, 2) AS k)
INSERT INTO snaps
SELECT k.k, jsonb_set(jsonb_set(b.doc, '{general,update_timestamp}', to_jsonb(k.iso)), '{pilots}', (
    SELECT jsonb_agg(CASE WHEN k.k = 0 THEN e ELSE e || jsonb_build_object(
               'latitude', CASE WHEN cid % 11 = 4 THEN -lat ELSE least(89.9, lat + 0.02 * k.k) END,
               'longitude', pg_temp.wrap(CASE WHEN cid % 11 = 4 THEN lon + 90 ELSE lon + 0.03 * k.k END),
               'groundspeed', CASE WHEN cid % 5 = 1 THEN 29 WHEN cid % 5 = 2 THEN 30
                                   WHEN k.k = 2 AND gs < 60 THEN CASE WHEN cid % 2 = 0 THEN 60 ELSE 59 END
                                   ELSE gs END,
               'last_updated', k.iso) END ORDER BY o)
    FROM jsonb_array_elements(b.doc->'pilots') WITH ORDINALITY AS a(e, o),
    LATERAL (SELECT (e->>'cid')::bigint AS cid, (e->>'latitude')::float8 AS lat,
                    (e->>'longitude')::float8 AS lon, (e->>'groundspeed')::int AS gs) x
    WHERE k.k = 0 OR cid % 7 <> 3))::text
FROM base b, k;
SET vatsim_ingest.stale_after = '20s';
UPDATE plain.settings SET stale_after = '20 s';
-- one snapshot per statement, in time order
SELECT o.status || '/' || p.status FROM snaps s, vatsim.ingest(s.doc) o, plain.ingest(s.doc) p WHERE s.k = 0;
SELECT o.status || '/' || p.status FROM snaps s, vatsim.ingest(s.doc) o, plain.ingest(s.doc) p WHERE s.k = 1;
SELECT o.status || '/' || p.status FROM snaps s, vatsim.ingest(s.doc) o, plain.ingest(s.doc) p WHERE s.k = 2;
SQL
)
got=$(tr '\n' ' ' <<<"$got" | sed 's/ $//')
check "three snapshots ingested by both sides" "ingested/ingested ingested/ingested ingested/ingested" "$got"

out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$BENCH/plain_sql/check.sql" 2>&1)
rc=$?
check "bench/plain_sql/check.sql: the same intervals, flights, positions and snapshots on both sides" \
	"0 check passed" "$rc $(grep -o 'check passed' <<<"$out")"
[ "$rc" -eq 0 ] || sed 's/^/# /' <<<"$out"

# Every rule happened, on the pilots meant to hit it (vatsim's side; the
# plain side is equal by the check).
got=$(sql -c "SELECT string_agg(r || ' ' || (SELECT count(*) > 0 FROM vatsim.sector_occupancy WHERE exit_reason = r), ', ' ORDER BY r)
              FROM unnest(ARRAY['gone', 'left', 'slow']) AS r")
check "intervals closed as gone, left and slow" "gone true, left true, slow true" "$got"
got=$(sql <<'SQL'
SELECT string_agg(format('%s %s', reason, ok), ', ' ORDER BY reason) FROM (
  SELECT o.exit_reason AS reason,
         bool_and(CASE o.exit_reason WHEN 'gone' THEN f.cid % 7 = 3 AND o.exit_time = t.first
                                     WHEN 'slow' THEN f.cid % 5 = 1 AND o.exit_time = t.last
                                     ELSE true END) AS ok
  FROM vatsim.sector_occupancy o JOIN vatsim.flights f USING (flight_id),
       (SELECT min(update_timestamp) AS first, max(update_timestamp) AS last FROM vatsim.snapshots) t
  WHERE o.exit_reason IS NOT NULL GROUP BY 1) x
SQL
)
check "gone only for the absent pilots (at their last-seen time), slow only for the 29 kt ones at step 2" \
	"gone t, left t, slow t" "$got"
got=$(sql -c "SELECT count(*) FROM vatsim.sector_occupancy o JOIN vatsim.flights f USING (flight_id)
              WHERE f.cid % 5 = 2 AND o.exit_reason = 'slow'")
check "30 kt is not slow: no slow close for those pilots" "0" "$got"
got=$(sql <<'SQL'
WITH below60 AS (SELECT (e->>'cid')::bigint AS cid FROM snaps, jsonb_array_elements(doc::jsonb->'pilots') e
                 WHERE k = 0 AND (e->>'groundspeed')::int < 60 AND (e->>'cid')::bigint % 5 NOT IN (1, 2)),
     iv AS (SELECT f.cid, o.* FROM vatsim.sector_occupancy o JOIN vatsim.flights f USING (flight_id))
SELECT (SELECT count(*) > 0 FROM iv WHERE cid % 11 = 4 AND cid % 7 <> 3 AND exit_reason = 'left')
    || ' ' || (SELECT count(*) > 0 FROM iv JOIN below60 USING (cid)
               WHERE cid % 2 = 0 AND entry_time = (SELECT max(update_timestamp) FROM vatsim.snapshots))
    || ' ' || (SELECT count(*) FROM iv JOIN below60 USING (cid) WHERE cid % 2 = 1)
SQL
)
check "the jumped pilots left their sectors; at step 2 the 60 kt pilots entered, the 59 kt ones did not" \
	"true true 0" "$got"

# The check can fail: the plain side without one closed interval.
out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DB" 2>&1 <<SQL
BEGIN;
DELETE FROM plain.sector_occupancy WHERE occupancy_id = (SELECT min(occupancy_id) FROM plain.sector_occupancy WHERE exit_reason = 'slow');
\ir $BENCH/plain_sql/check.sql
SQL
)
rc=$?
check "the check fails loudly when the plain side lost an interval" \
	"3 the plain-SQL side differs from vatsim_ingest" "$rc $(grep -o 'the plain-SQL side differs from vatsim_ingest' <<<"$out" | head -1)"

[ "$failed" -eq 0 ]
