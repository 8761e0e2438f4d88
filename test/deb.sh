#!/bin/bash
# deb.sh: the body of `make deb`.  Builds the Debian package
# postgresql-15-vatsim-ingest with pg_buildext (debian/) from a copy of the
# tree in build/deb/vatsim-ingest-VERSION/, so that dpkg-buildpackage's
# outputs (the .deb, .buildinfo, .changes) land in build/deb/ and the work
# tree stays clean.  Prints the .deb's path last.
set -eu
cd "$(dirname "$0")/.."
test/deps.sh deb
version=$(dpkg-parsechangelog -S Version)
out=build/deb
src=$out/vatsim-ingest-$version
rm -rf "$out"
mkdir -p "$src"
tar --exclude=./build --exclude=./.git --exclude='*/build' --exclude=./regression.diffs \
	--exclude=./results -cf - . | tar -C "$src" -xf -
(cd "$src" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 || {
	tail -40 "$out/build.log" >&2
	echo "deb.sh: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
rm -rf "$src"
ls "$out"/postgresql-15-vatsim-ingest_"$version"_*.deb
