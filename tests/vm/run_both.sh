#!/bin/sh
# Two VM runs at once, for make check's two builds:
#
#   tests/vm/run_both.sh "RUN.SH ARGUMENTS A" "RUN.SH ARGUMENTS B"
#
# TCG runs each vCPU on a host thread, and one VM's tests, a shell running
# one command after another, mostly kept a single core busy: two VMs side
# by side use both cores, and make check's VM part takes the time of the
# longer run instead of the sum (each VM keeps run.sh's two vCPUs, so a
# daemon and the test beside it both run inside the guest). Each run's output is shown whole once both are done (A first);
# the exit status is non-zero if either failed. The arguments are split at
# blanks (paths here have none).
set -u
here=$(cd "$(dirname "$0")" && pwd)
logs=$(mktemp -d "${TMPDIR:-/tmp}/lvsagent-vm-both.XXXXXX")
trap 'rm -rf "$logs"' EXIT
# shellcheck disable=SC2086 # the arguments are meant to split
"$here/run.sh" $1 >"$logs/a" 2>&1 &
a=$!
# shellcheck disable=SC2086
"$here/run.sh" $2 >"$logs/b" 2>&1 &
b=$!
wait "$a"
rc_a=$?
wait "$b"
rc_b=$?
cat "$logs/a" "$logs/b"
echo "run_both: first run exit $rc_a, second run exit $rc_b"
[ "$rc_a" -eq 0 ] && [ "$rc_b" -eq 0 ]
