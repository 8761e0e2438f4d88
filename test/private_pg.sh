#!/bin/bash
# private_pg.sh CMD...: run CMD in a private mount namespace where
# PostgreSQL 15's extension and library directories and dpkg's database
# (/var/lib/dpkg) are private copies, as are the text-search dictionaries
# that postgresql-common's dpkg trigger rebuilds, and /usr/share/doc is an
# empty tmpfs,
# so that test/shell/14_package.sh can `dpkg -i` and `dpkg -r` the package
# on a shared machine without changing it (nor racing another dpkg).  Root
# only (unshare -m).  CI does not need it: there the machine is throw-away.
set -eu
exec unshare -m --propagation private bash -c '
set -e
base=$(mktemp -d /tmp/vi_privpkg.XXXXXX)
trap "rm -rf $base" EXIT
for d in /usr/share/postgresql/15/extension /usr/lib/postgresql/15/lib /var/lib/dpkg \
	/usr/share/postgresql/15/tsearch_data /var/cache/postgresql; do
	[ -d "$d" ] || continue
	mkdir -p "$base$d"; cp -a "$d/." "$base$d/"; mount --bind "$base$d" "$d"
done
mount -t tmpfs tmpfs /usr/share/doc
VATSIM_PRIVATE_PG=1 "$@"' private_pg "$@"
