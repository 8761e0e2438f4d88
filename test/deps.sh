#!/bin/sh
# deps.sh: install the Debian packages vatsim_ingest needs to build, test and
# demo, but only those that are missing (a no-op on a prepared machine).
# Works as root, or as a normal user through sudo.
set -eu

PACKAGES="
make gcc pkg-config gzip perl python3
postgresql-15 postgresql-server-dev-15 postgresql-common
libcurl4-openssl-dev libcjson-dev
postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
postgresql-15-postgis-3
clang-14 libclang-rt-14-dev libfuzzer-14-dev
"
# clang-14 and its runtimes build the libFuzzer targets (test/fuzz).
# `deps.sh deb`: also what `make deb` and the package test need to build
# the Debian package (pg_buildext, debhelper); installed only then.
if [ "${1:-}" = deb ]; then
	PACKAGES="$PACKAGES debhelper dpkg-dev postgresql-server-dev-all"
fi
# postgresql-15-postgis-3 is for the tests only (an oracle for point-in-polygon
# and the benchmark's baseline); the extension never depends on PostGIS.

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps.sh: missing packages:$missing; run as root or install sudo" >&2
	exit 1
fi

echo "deps.sh: installing$missing"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
