#!/bin/bash
# make bench: every benchmark against the given lvsagent binary, in turn;
# stops at the first that fails. Checks first that this machine has what
# tests/needs/{netns,vm,bench} declare, and runs the benchmarks with a PATH
# of those commands alone (see tests/netns/run.sh).
#   usage: run.sh LVSAGENT
set -u
LVSAGENT=${1:?usage: run.sh /path/to/lvsagent}
here=$(cd "$(dirname "$0")" && pwd)

"$here/../needs.sh" check netns vm bench || exit 1
bin=$(mktemp -d "${TMPDIR:-/tmp}/lvsagent-needs.XXXXXX")
trap 'rm -rf "$bin"' EXIT
"$here/../needs.sh" bin "$bin" netns vm bench || exit 1
NEEDS_TIER=bench NEEDS_LOG=$bin/undeclared
export NEEDS_TIER NEEDS_LOG
for bench in converge.sh routes.sh daemon.sh nft.sh director.sh checks.sh http_checks.sh; do
	PATH=$bin "$here/$bench" "$LVSAGENT" || exit 1
done
if [ -s "$NEEDS_LOG" ]; then
	echo "benchmarks called commands tests/needs/ does not declare:"
	sort -u "$NEEDS_LOG" | sed 's/^/  /'
	exit 1
fi
