#!/bin/sh
# The include graph between agent/'s folders, from the sources alone:
#
#   tests/include_graph.sh            the folder graph of this tree, then any
#                                     rule it breaks; exit 1 if it breaks one
#   tests/include_graph.sh --at REV   the same for revision REV, each of its
#                                     files put in the folder it has now
#                                     (followed through git's renames): how
#                                     the tree looked before it was split
#
# LVSAGENT_SOURCE_DIR: another tree's agent/ and include/ (the script's
# own test, tests/include_graph_test.sh, breaks the rules in a copy).
#
# A folder is agent/F/ with its headers in include/F/ (main.c: "main"). A
# module is a .c and its header. The rules (README, Layout): a folder
# includes only the folders below it (main > realserver, director > core >
# kernel > lib; realserver and director never each other), and no modules
# include each other in a cycle.
set -eu

cd "$(dirname "$0")/.."
src=${LVSAGENT_SOURCE_DIR:-.}
at=
if [ "${1-}" = --at ]; then
	at=${2:?--at needs a revision}
fi

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT INT TERM

# FILE FOLDER per source file: the folder is its directory under agent/
# or include/, or for a flat revision (--at) the directory it moved to.
if [ -n "$at" ]; then
	git archive "$at" agent include | tar -x -C "$tree"
	# Each of REV's files to where it is now, following renames commit by
	# commit (a file split in two stays with the first move git saw).
	(cd "$tree" && find agent include -name '*.[ch]') | awk '{ print $1, $1 }' >"$tree/renames"
	for commit in $(git rev-list --reverse "$at..HEAD"); do
		git diff --find-renames --name-status "$commit^" "$commit" -- agent include |
			awk '$1 ~ /^R/ { print $2, $3 }' >"$tree/step"
		awk 'FILENAME == ARGV[1] { to[$1] = $2; next } { print $1, ($2 in to) ? to[$2] : $2 }' \
			"$tree/step" "$tree/renames" >"$tree/next"
		mv "$tree/next" "$tree/renames"
	done
else
	cp -R "$src/agent" "$src/include" "$tree"
	: >"$tree/renames"
fi

# "MODULE FOLDER" for every file, then "FROM_MODULE INCLUDED_MODULE" edges.
(cd "$tree" && find agent include -name '*.[ch]' | sort) | while read -r f; do
	now=$(awk -v f="$f" '$1 == f { print $2 }' "$tree/renames")
	[ -n "$now" ] || now=$f
	module=$(echo "$f" | sed 's,^agent/,,; s,^include/,,; s,\.[ch]$,,')
	folder=$(echo "$now" | sed -n 's,^\(agent\|include\)/\([^/]*\)/.*,\2,p')
	[ "$now" != agent/main.c ] || folder=main
	[ -n "$folder" ] || folder=unplaced
	# The module lives where its .c went (its header may have split).
	case $f in *.c) echo "M $module $folder" ;; *) echo "H $module $folder" ;; esac
	sed -n 's/^#include "\(.*\)\.h".*/\1/p' "$tree/$f" | sed "s,^,E $module ,"
done >"$tree/graph"

awk '
$1 == "M" { folder[$2] = $3 }
$1 == "H" && !($2 in folder) { folder[$2] = $3 }
$1 == "E" { n++; from[n] = $2; to[n] = $3; edge[$2, $3] = 1 }
function allowed(a, b) {
	if (a == b) return 1
	if (b == "lib") return a != "lib"
	if (b == "kernel") return a != "lib" && a != "kernel"
	if (b == "core") return a == "realserver" || a == "director" || a == "main"
	if (b == "realserver" || b == "director") return a == "main"
	return 0
}
# Depth-first search; a module met again while on the stack closes a cycle.
function visit(m,    k) {
	state[m] = 1
	stack[++depth] = m
	for (k = 1; k <= n; k++) {
		if (from[k] != m || to[k] == m) continue
		if (state[to[k]] == 1) { cycle(to[k]); continue }
		if (!state[to[k]]) visit(to[k])
	}
	depth--
	state[m] = 2
}
function cycle(m,    i, s) {
	for (i = depth; stack[i] != m; i--) s = " -> " stack[i] s
	print "include cycle: " m s " -> " m
	bad++
}
END {
	for (k = 1; k <= n; k++) {
		a = folder[from[k]]; b = folder[to[k]]
		if (a == "" || b == "") continue
		if (a == "unplaced" || b == "unplaced") { count[a " -> " b]++; continue }
		count[a " -> " b]++
		if (!allowed(a, b) && !said[from[k], to[k]]++) {
			broken[++nb] = sprintf("%s includes %s (%s -> %s)", from[k], to[k], a, b)
		}
	}
	print "include graph between folders (number of #include lines):"
	for (e in count) printf "  %-24s %d\n", e, count[e] | "sort"
	close("sort")
	for (i = 1; i <= nb; i++) print "not allowed: " broken[i] | "sort"
	close("sort")
	bad += nb
	for (m in folder) if (!state[m]) visit(m)
	print bad ? bad " rule(s) broken" : "rules hold: each folder includes only those below it, no include cycles"
	exit bad ? 1 : 0
}' "$tree/graph"
