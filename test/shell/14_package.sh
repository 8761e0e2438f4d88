#!/bin/bash
# 14_package.sh: the Debian package and META.json (issue 13, "Packages").
# Checks that META.json, vatsim_ingest.control, the library's
# VATSIM_INGEST_VERSION and debian/changelog name one version; builds the
# package (`make deb`, pg_buildext); installs it with dpkg -i into the
# system's PostgreSQL 15 from which the `make install` copy was removed
# first (so what runs is the package's); makes a fresh cluster
# (pg_virtualenv) with the library preloaded, CREATE EXTENSION, ingests one
# fixture snapshot and reads it back, and sees the worker registered; then
# dpkg -r leaves no file behind.
#
# dpkg changes the machine: as root this test runs itself inside
# test/private_pg.sh (private copies of PostgreSQL's directories and of
# /var/lib/dpkg), so the machine is as it was afterwards.  Without root
# it only does that when CI=true (a throw-away machine, through sudo);
# otherwise the package steps are skipped.  Prints TAP; a few minutes.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SUDO=()
if [ -z "${VATSIM_PRIVATE_PG:-}" ] && [ "$(id -u)" -eq 0 ]; then
	exec test/private_pg.sh bash "$ROOT/test/shell/14_package.sh"
fi
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
PKG=postgresql-15-vatsim-ingest
EXT=/usr/share/postgresql/15/extension
LIB=/usr/lib/postgresql/15/lib
n=0
failed=0
check() {	# check NAME COMMAND...: one TAP line
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $name"; else echo "not ok $n - $name"; failed=$((failed + 1)); fi
}
same() {	# same EXPECTED GOT: equal and not empty, else say what came
	[ -n "$2" ] && [ "$1" = "$2" ] && return 0
	printf '# expected: %s\n# got: %s\n' "$1" "$2"
	return 1
}

echo "1..14"
control=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" vatsim_ingest.control)
header=$(sed -n 's/^#define VATSIM_INGEST_VERSION "\(.*\)"$/\1/p' src/vatsim_ingest.h)
meta=$(python3 -c 'import json,sys; m=json.load(open("META.json")); print(m["version"], m["provides"]["vatsim_ingest"]["version"], m["meta-spec"]["version"], m["name"])')
changelog=$(dpkg-parsechangelog -S Version 2>/dev/null || head -1 debian/changelog | sed 's/.*(\(.*\)).*/\1/')
check "META.json: version, provides.vatsim_ingest.version = control's default_version ($control), meta-spec 1.0.2" \
	same "$control $control 1.0.2 vatsim_ingest" "$meta"
check "VATSIM_INGEST_VERSION in src/vatsim_ingest.h = control's default_version" same "$control" "$header"
check "debian/changelog's version = control's default_version" same "$control" "$changelog"
check "META.json's license is one PGXN accepts and its provides.file exists" \
	python3 -c 'import json,os,sys; m=json.load(open("META.json")); sys.exit(not (m["license"] in ("unknown","postgresql","restricted","open_source","unrestricted") and os.path.exists(m["provides"]["vatsim_ingest"]["file"])))'

if [ -z "${VATSIM_PRIVATE_PG:-}" ] && [ "${CI:-}" != true ]; then
	for ((i = n + 1; i <= 14; i++)); do echo "ok $i # SKIP dpkg needs root (test/private_pg.sh) or CI=true"; done
	exit "$((failed > 0))"
fi

deb=$(make -s deb 2>"/tmp/vi_deb.$$.log" | tail -1)
check "make deb builds $PKG into build/deb/ ($deb)" test -f "$deb" -a "${deb#build/deb/}" != "$deb"
[ -f "$deb" ] || sed 's/^/# /' "/tmp/vi_deb.$$.log" | tail -30
rm -f "/tmp/vi_deb.$$.log"
depends=$(dpkg-deb -f "$deb" Depends 2>/dev/null)
check "its Depends (from \${shlibs:Depends}) name libcurl4, libcjson1 and postgresql-15: $depends" \
	eval '[[ "$depends" == *libcurl4* && "$depends" == *libcjson1* && "$depends" == *postgresql-15\ * ]]'
check "it ships the library, the control file and every SQL script of the tree" \
	eval 'diff <(dpkg-deb -c "$deb" | grep -oE "vatsim_ingest(--[0-9.-]+\.sql|\.control|\.so)$" | sort) \
		<( (ls vatsim_ingest--*.sql; echo vatsim_ingest.control; echo vatsim_ingest.so) | sort) >&2'

# what `make install` put there goes first, so that what runs is the package's
"${SUDO[@]}" rm -f "$EXT"/vatsim_ingest* "$LIB"/vatsim_ingest.so
"${SUDO[@]}" rm -rf "$LIB"/bitcode/vatsim_ingest "$LIB"/bitcode/vatsim_ingest.index.bc
check "dpkg -i installs it (its dependencies are there)" \
	eval '"${SUDO[@]}" dpkg --log=/dev/null -i "$deb" >&2 && [ -f "$LIB/vatsim_ingest.so" ] && [ -f "$EXT/vatsim_ingest.control" ]'

# the smoke test, in a fresh cluster with the library preloaded
FX=$(mktemp -d /tmp/vi_pkg_fx.XXXXXX)
export VI_FEED=$FX/seq1.json
gzip -dc test/fixtures/v3-2023-08-07T232929Z-754p-seq1.json.gz >"$FX/seq1.json"
chmod -R a+rX "$FX"
smoke=$(pg_virtualenv -t -v 15 -c "-p $(test/free_port)" -o shared_preload_libraries=vatsim_ingest \
	-o vatsim_ingest.enabled=off -o lc_messages=C bash -c '
	export PGOPTIONS="-c client_min_messages=warning"
	q() { psql -X -q -At -v ON_ERROR_STOP=1 -d postgres -c "$1" | sed "s/^/@/"; }
	q "CREATE EXTENSION vatsim_ingest"
	q "SELECT extversion FROM pg_extension WHERE extname = '"'vatsim_ingest'"'"
	q "SELECT status || '"' '"' || pilots || '"' '"' || controllers FROM vatsim.ingest(pg_read_file('"'$VI_FEED'"'))"
	q "SELECT (SELECT count(*) FROM vatsim.pilots) || '"' '"' || (SELECT count(*) FROM vatsim.controllers) || '"' '"' || (SELECT count(*) FROM vatsim.snapshots)"
	for i in $(seq 100); do
		w=$(q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = '"'vatsim_ingest worker'"'")
		[ "$w" = @1 ] && break
		sleep 0.2
	done
	echo "@workers ${w#@}"
	q "SELECT state FROM vatsim.status"
' 2>&1)
rm -rf "$FX"
# its lines of output start with @ (pg_virtualenv says things too)
line() { grep '^@' <<<"$smoke" | sed -n "${1}s/^@//p"; }
check "CREATE EXTENSION in a fresh cluster gives version $control" same "$control" "$(line 1)"
check "vatsim.ingest() stores the fixture snapshot: ingested, 754 pilots" \
	eval '[[ "$(line 2)" =~ ^ingested\ 754\ [0-9]+$ ]]'
ctl=$(line 2 | cut -d' ' -f3)
check "and reads back: 754 pilots, its controllers, 1 snapshot" same "754 $ctl 1" "$(line 3)"
check "the worker is registered when preloaded (one in pg_stat_activity), state disabled" \
	same "workers 1 disabled" "$(line 4) $(line 5)"
[ "$failed" -eq 0 ] || sed 's/^/# /' <<<"$smoke"

check "dpkg -r removes it" eval '"${SUDO[@]}" dpkg --log=/dev/null -r "$PKG" >&2'
check "leaving no file of it behind, and dpkg knows it no more" \
	eval '! ls "$EXT"/vatsim_ingest* "$LIB"/vatsim_ingest.so >/dev/null 2>&1 &&
		! dpkg-query -W -f="\${Status}" "$PKG" 2>/dev/null | grep -q "ok installed"'
[ "$failed" -eq 0 ]
