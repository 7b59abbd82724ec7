#!/bin/bash
# Runs every netns test against the given lvsagent binary. Each test makes
# its own namespaces and removes them, pass or fail.
#
# First it checks that this machine has every command tests/needs/netns
# declares (failing at once with the missing ones and their packages), then
# runs the tests with a PATH of those commands alone: a test that calls a
# command nobody declared fails here too, not only on a fresh machine.
set -u
LVSAGENT=${1:?usage: run.sh /path/to/lvsagent}
export LVSAGENT
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "netns tests need root (network namespaces)" >&2
	exit 1
fi
"$here/../needs.sh" check netns || exit 1
bin=$(mktemp -d "${TMPDIR:-/tmp}/lvsagent-needs.XXXXXX")
trap 'rm -rf "$bin"' EXIT
"$here/../needs.sh" bin "$bin" netns || exit 1
# lib.sh reports an undeclared command in this file as well as where it ran.
NEEDS_TIER=netns NEEDS_LOG=$bin/undeclared
export NEEDS_TIER NEEDS_LOG
failed=""
for test in "$here"/t_*.sh; do
	name=$(basename "$test" .sh)
	echo "== $name ($LVSAGENT)"
	start=$(date +%s%N)
	if ! PATH=$bin "$BASH" "$test"; then
		failed="$failed $name"
	fi
	echo "   ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
done
if [ -s "$NEEDS_LOG" ]; then
	echo "netns tests called commands tests/needs/netns does not declare:"
	sort -u "$NEEDS_LOG" | sed 's/^/  /'
	failed="$failed (undeclared commands)"
fi
if [ -n "$failed" ]; then
	echo "netns tests FAILED:$failed"
	exit 1
fi
echo "netns tests: all passed"
