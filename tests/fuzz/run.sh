#!/bin/sh
# Runs each fuzz target for SECONDS from its seed corpus:
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# TARGET is fuzz_NAME (default: every BUILD_DIR/fuzz_*). The seeds
# (tests/fuzz/corpus/NAME, regression inputs among them) are read, not
# written: new inputs go to BUILD_DIR/corpus/NAME, a crash to
# BUILD_DIR/artifacts/NAME/. Every target runs even after one fails; exit
# 1 when any crashed, leaked or made a sanitizer report. The last lines
# are each target's executions (libFuzzer's final stats).
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
if [ $# -eq 0 ]; then
	set -- $(cd "$build" && ls fuzz_* | grep -v "\.d$")
fi

summary=""
failed=0
for target in "$@"; do
	name=${target#fuzz_}
	seeds=$here/corpus/$name
	work=$build/corpus/$name
	artifacts=$build/artifacts/$name
	log=$build/logs/$name.log
	mkdir -p "$work" "$artifacts" "$build/logs"
	dict=
	[ -f "$here/$name.dict" ] && dict=-dict=$here/$name.dict
	echo "  FUZZ    $target ${seconds}s"
	# detect_leaks: LeakSanitizer after each input; a failing target's
	# log is shown whole. halt_on_error: the first report ends the run.
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$build/$target" -max_total_time="$seconds" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -max_len=65536 $dict \
		-artifact_prefix="$artifacts/" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ] || grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\|libFuzzer\)\|runtime error:' "$log"; then
		failed=1
		tail -n 60 "$log" >&2
		echo "run.sh: $target failed (exit $rc); log $log, input in $artifacts/" >&2
		summary="$summary$target: FAILED after ${execs:-?} execs
"
	else
		summary="$summary$target: ${execs:-?} execs in ${seconds}s
"
	fi
done
printf '%s' "$summary"
exit "$failed"
