#!/bin/bash
# Runs every netns test against the given lvsagent binary. Each test makes
# its own namespaces and removes them, pass or fail.
set -u
LVSAGENT=${1:?usage: run.sh /path/to/lvsagent}
export LVSAGENT
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "netns tests need root (network namespaces)" >&2
	exit 1
fi
failed=""
for test in "$here"/t_*.sh; do
	name=$(basename "$test" .sh)
	echo "== $name ($LVSAGENT)"
	start=$(date +%s%N)
	if ! bash "$test"; then
		failed="$failed $name"
	fi
	echo "   ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
done
if [ -n "$failed" ]; then
	echo "netns tests FAILED:$failed"
	exit 1
fi
echo "netns tests: all passed"
