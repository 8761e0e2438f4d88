#!/bin/bash
# run_pg_tests.sh LOGDIR: runs inside pg_virtualenv (PGHOST, PGPORT, PGUSER
# point at the throw-away cluster).  pg_regress first, then pgTAP.
set -u
LOGS=$1
cd "$(dirname "$0")/.."

if make -s installcheck >"$LOGS/regress.log" 2>&1; then
	touch "$LOGS/regress.ok"
fi
cat "$LOGS/regress.log"

createdb vatsim_tap || exit 1
if pg_prove -v -d vatsim_tap test/pgtap/*.sql >"$LOGS/pgtap.log" 2>&1; then
	touch "$LOGS/pgtap.ok"
fi
cat "$LOGS/pgtap.log"

# The worker tests: database "postgres" is vatsim_ingest.database.
if pg_prove -v -d postgres test/pgtap_worker/*.sql >"$LOGS/worker.log" 2>&1; then
	touch "$LOGS/worker.ok"
fi
cat "$LOGS/worker.log"

# Shell tests (test/shell/*.sh): each prints TAP and may make clusters and
# databases of its own; they see the same environment as the tests above.
if ls test/shell/*.sh >/dev/null 2>&1; then
	if prove -v --exec bash test/shell/*.sh >"$LOGS/shell.log" 2>&1; then
		touch "$LOGS/shell.ok"
	fi
	cat "$LOGS/shell.log"
else
	touch "$LOGS/shell.ok"
fi
