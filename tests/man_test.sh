#!/bin/sh
# tests/man_test.sh LVSAGENT: the man pages render without a warning
# (groff -ww, and mandoc's lint), and lvsagent.conf(5) documents exactly
# the keys the parser knows: `LVSAGENT schema` lists them from the
# parser's own tables, the page's are each ".TP" then ".B KEY" under a
# ".SS [SECTION]" (".SS [service NAME]": "service"). A key added to the
# code and not to the page fails here, and so does one the page keeps
# after the code dropped it.
set -eu

bin=${1:?usage: man_test.sh LVSAGENT}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

for page in man/lvsagent.8 man/lvsagent.conf.5; do
	# groff -z prints nothing but its warnings; any output is a failure.
	groff -ww -z -man "$page" >"$tmp/groff" 2>&1 || true
	mandoc -T lint -W warning "$page" >"$tmp/mandoc" 2>&1 || true
	if [ -s "$tmp/groff" ] || [ -s "$tmp/mandoc" ]; then
		echo "man_test: $page renders with warnings:" >&2
		cat "$tmp/groff" "$tmp/mandoc" >&2
		fail=1
	fi
done

"$bin" schema | sort -u >"$tmp/parser"
[ -s "$tmp/parser" ] || { echo "man_test: $bin schema listed no keys" >&2; exit 1; }
awk '
	/^\.SS "?\[/ { s = $0; sub(/^\.SS "?\[/, "", s); sub(/[] ].*/, "", s); section = s; next }
	/^\.S[HS]/ { section = ""; next }
	/^\.TP/ { tp = 1; next }
	tp && section != "" && /^\.B [a-z_.]+$/ { print section, $2 }
	{ tp = 0 }' man/lvsagent.conf.5 | sort -u >"$tmp/page"

if ! cmp -s "$tmp/parser" "$tmp/page"; then
	echo "man_test: lvsagent.conf(5) and the parser disagree (< parser only, > page only):" >&2
	diff "$tmp/parser" "$tmp/page" | grep '^[<>]' >&2 || true
	fail=1
fi
# Both pages are worth nothing if the checks above matched nothing.
[ "$(wc -l <"$tmp/page")" -ge 50 ] || { echo "man_test: too few keys found in the page" >&2; fail=1; }
[ "$fail" = 0 ] && echo "man_test: 2 pages render clean; $(wc -l <"$tmp/page") keys, as the parser's"
exit "$fail"
