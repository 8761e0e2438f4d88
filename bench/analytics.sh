#!/bin/bash
# analytics.sh: what the analytics step (contacts, flight aggregates,
# movements, controller and flight summaries) costs per snapshot, in a
# throw-away PostgreSQL 15 cluster (pg_virtualenv, worker off).
#
# The 1,925-pilot snapshot moved along each pilot's heading 15 s a step
# (as bench/sectors.sh does), VATSpy's FIRs tracked, VATSpy's airports
# loaded, and with each step a transceivers document DERIVED from it
# (test/sql/derived_transceivers.sql: controllers at their airports, most
# pilots tuned to the nearest controller in range).  So that flights and
# controller sessions end and are summarised as on the live network, every
# step drops for good the pilots whose cid % 400 is the step number (about
# 5 a step, the live network's rate at this size) and a controller in 300, with
# stale_after and controller_reconnect_grace at 30 s.  pg_stat_statements
# (track=all) times the analytics' own statements over the measured steps.
# Each step is one vatsim.ingest(feed, transceivers) transaction; the figure
# is vatsim.snapshots.analytics_ms (the step's own clock, inside the ingest),
# median over ANALYTICS_STEPS steps after ANALYTICS_WARMUPS warm-ups.
# Run by bench/run.sh (make bench), or alone after make install.
set -eu
cd "$(dirname "$0")/.."

export ANALYTICS_STEPS=${ANALYTICS_STEPS:-20}
export ANALYTICS_WARMUPS=${ANALYTICS_WARMUPS:-2}
ANALYTICS_TMP=$(mktemp -d /tmp/vatsim_analytics.XXXXXX)
trap 'rm -rf "$ANALYTICS_TMP"' EXIT
cp test/fixtures/vatspy/Boundaries.geojson test/fixtures/vatspy/VATSpy.dat "$ANALYTICS_TMP/"
gzip -dc test/fixtures/v3-2021-04-24T1528Z-1925p.json.gz >"$ANALYTICS_TMP/1925p.json"
chmod 755 "$ANALYTICS_TMP"
chmod 644 "$ANALYTICS_TMP"/*

echo "== analytics: throw-away cluster (pg_virtualenv, PostgreSQL 15)"
pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o lc_messages=C \
	-o shared_preload_libraries=vatsim_ingest,pg_stat_statements -o pg_stat_statements.track=all \
	-o vatsim_ingest.enabled=off \
	sh -c "PGOPTIONS='-c statement_timeout=300s -c client_min_messages=warning' timeout 900 \
	       psql -X -q -v ON_ERROR_STOP=1 -d postgres -v dir='$ANALYTICS_TMP' \
	            -v steps=$ANALYTICS_STEPS -v warmups=$ANALYTICS_WARMUPS -f bench/analytics.sql"
echo "Load average (1/5/15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
