#!/bin/sh
# The layering check can fail: in a copy of the sources, an include the
# rules forbid, and an include cycle, must each be named and exit 1; the
# tree as it is must pass.
set -eu
cd "$(dirname "$0")/.."
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT INT TERM
failures=0

fresh_copy() {
	rm -rf "$copy/agent" "$copy/include"
	cp -R agent include "$copy"
}

# expect_broken WHAT TEXT: the check fails and its output contains TEXT.
expect_broken() {
	if out=$(LVSAGENT_SOURCE_DIR=$copy tests/include_graph.sh 2>&1); then
		echo "FAIL: $1: the check passed"
		failures=$((failures + 1))
	elif ! printf '%s\n' "$out" | grep -qF -- "$2"; then
		echo "FAIL: $1: no \"$2\" in:"
		printf '%s\n' "$out"
		failures=$((failures + 1))
	else
		echo "ok: $1"
	fi
}

if tests/include_graph.sh >/dev/null; then
	echo "ok: the tree keeps the rules"
else
	tests/include_graph.sh
	echo "FAIL: the tree breaks the rules"
	failures=$((failures + 1))
fi

fresh_copy
sed -i '1a #include "director/plan.h"' "$copy/agent/realserver/plan.c"
expect_broken "the real server including the director" \
	"not allowed: realserver/plan includes director/plan (realserver -> director)"

fresh_copy
sed -i '1a #include "realserver/session.h"' "$copy/agent/core/run.c"
expect_broken "core including a part" "not allowed: core/run includes realserver/session"

fresh_copy
sed -i '1a #include "core/run.h"' "$copy/agent/kernel/netlink.c"
expect_broken "the kernel layer including core" "not allowed: kernel/netlink includes core/run"

fresh_copy
sed -i '/^#define LVSAGENT_LIB_JSON_H/a #include "lib/text.h"' "$copy/include/lib/json.h"
sed -i '/^#define LVSAGENT_LIB_TEXT_H/a #include "lib/json.h"' "$copy/include/lib/text.h"
expect_broken "an include cycle" "include cycle: lib/"

[ "$failures" -eq 0 ] || exit 1
echo "include_graph_test: all passed"
