#!/bin/bash
# run.sh TARGET...: run each libFuzzer target (built in build/) for
# FUZZ_SECONDS (default 120) in a temporary copy of corpus/TARGET, with
# TARGET.dict when there is one, and print TAP: one line per target with
# its executions, the corpus growth and the crashes (a crash, leak, timeout
# or out-of-memory is "not ok", with the log's tail and the input kept in
# build/artifacts/).  FUZZ_KEEP=DIR keeps each grown corpus in DIR/TARGET
# (to merge new inputs into corpus/ with -merge=1).  One process at a time.
set -u
cd "$(dirname "$0")"
SECONDS_EACH=${FUZZ_SECONDS:-120}
mkdir -p build/artifacts build/logs
echo "1..$#"
n=0
failed=0
for t in "$@"; do
	n=$((n + 1))
	work=$(mktemp -d)
	mkdir "$work/corpus" "$work/out"
	cp corpus/"$t"/* "$work/corpus/" 2>/dev/null
	seeds=$(ls "$work/corpus" | wc -l)
	dict=()
	[ -f "$t.dict" ] && dict=(-dict="$t.dict")
	log=build/logs/$t.log
	build/"$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 "${dict[@]}" -artifact_prefix="$work/out/" \
		"$work/corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	grown=$(ls "$work/corpus" | wc -l)
	found=$(ls "$work/out" | wc -l)
	summary="$t: ${execs:-?} executions in ${SECONDS_EACH} s, corpus $seeds -> $grown, $found crashes"
	if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ] && [ -n "$execs" ]; then
		echo "ok $n - $summary"
	else
		echo "not ok $n - $summary (exit $rc)"
		cp "$work/out/"* build/artifacts/ 2>/dev/null
		# the error, our frames of the stack (not libFuzzer's), the input
		grep -E 'ERROR|SUMMARY|Test unit written|^ +#[0-9]+ ' "$log" |
			grep -vE 'fuzzer::|__sanitizer|libc\.so' | head -16 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
	if [ -n "${FUZZ_KEEP:-}" ]; then
		mkdir -p "$FUZZ_KEEP/$t"
		cp "$work/corpus/"* "$FUZZ_KEEP/$t/" 2>/dev/null
	fi
	rm -rf "$work"
done
[ "$failed" -eq 0 ]
