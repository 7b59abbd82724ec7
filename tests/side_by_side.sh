#!/bin/sh
# Two test runs at once, for make check's two builds:
#
#   tests/side_by_side.sh "COMMAND A" "COMMAND B"
#
# Each COMMAND is a line for sh (leading VAR=value assignments allowed).
# A test run is mostly a shell running one command after another, or
# waiting for a daemon: two side by side use both cores, and take the time
# of the longer run instead of the sum. Each run's output is shown whole
# once both are done (A first, then B), so neither interleaves with the
# other; the exit status is non-zero if either failed.
set -u
logs=$(mktemp -d "${TMPDIR:-/tmp}/lvsagent-both.XXXXXX")
trap 'rm -rf "$logs"' EXIT
sh -c "$1" >"$logs/a" 2>&1 &
a=$!
sh -c "$2" >"$logs/b" 2>&1 &
b=$!
wait "$a"
rc_a=$?
wait "$b"
rc_b=$?
cat "$logs/a" "$logs/b"
echo "side_by_side: first run exit $rc_a, second run exit $rc_b"
[ "$rc_a" -eq 0 ] && [ "$rc_b" -eq 0 ]
