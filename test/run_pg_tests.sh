#!/bin/bash
# run_pg_tests.sh LOGDIR: runs inside pg_virtualenv (PGHOST, PGPORT, PGUSER
# point at the throw-away cluster).  pg_regress first, then pgTAP.
set -u
LOGS=$1
cd "$(dirname "$0")/.."
# While developing, PGTAP_FILES, WORKER_FILES and SHELL_FILES (globs) narrow
# the run to some files; "none" skips a kind.  CI sets none of them.
PGTAP_FILES=${PGTAP_FILES:-test/pgtap/*.sql}
WORKER_FILES=${WORKER_FILES:-test/pgtap_worker/*.sql}
SHELL_FILES=${SHELL_FILES:-test/shell/*.sh}

if [ "${SKIP_REGRESS:-}" = 1 ]; then
	touch "$LOGS/regress.ok"
elif make -s installcheck >"$LOGS/regress.log" 2>&1; then
	touch "$LOGS/regress.ok"
fi
cat "$LOGS/regress.log"

createdb vatsim_tap || exit 1
if [ "$PGTAP_FILES" = none ]; then
	touch "$LOGS/pgtap.ok"
elif pg_prove -v -d vatsim_tap $PGTAP_FILES >"$LOGS/pgtap.log" 2>&1; then
	touch "$LOGS/pgtap.ok"
fi
cat "$LOGS/pgtap.log"

# The worker tests: database "postgres" is vatsim_ingest.database.
if [ "$WORKER_FILES" = none ]; then
	touch "$LOGS/worker.ok"
elif pg_prove -v -d postgres $WORKER_FILES >"$LOGS/worker.log" 2>&1; then
	touch "$LOGS/worker.ok"
fi
cat "$LOGS/worker.log"

# Shell tests (test/shell/*.sh): each prints TAP and may make clusters and
# databases of its own; they see the same environment as the tests above.
if [ "$SHELL_FILES" != none ] && ls $SHELL_FILES >/dev/null 2>&1; then
	if prove -v --exec bash $SHELL_FILES >"$LOGS/shell.log" 2>&1; then
		touch "$LOGS/shell.ok"
	fi
	cat "$LOGS/shell.log"
else
	touch "$LOGS/shell.ok"
fi
