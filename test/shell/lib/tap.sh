# tap.sh: TAP helpers for the shell tests (sourced; not a test itself, so
# it lives below test/shell/ where prove does not look).
n=0
check() {	# check RC NAME: one TAP line
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
same() {	# same WHAT A B: one TAP line comparing two outputs (not empty)
	n=$((n + 1))
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		diff <(echo "$2") <(echo "$3") | head -40 | sed 's/^/# /'
	fi
}
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }	# sql DB ARGS...
