#!/bin/bash
# Tests of tests/needs.sh, the declarations every tier's runner checks: a
# missing command is named with its package before any test runs, a PATH
# of declared commands runs nothing else, verify catches a declaration that
# names the wrong package or misses a command a script runs by its path,
# and `make` without the -dev packages names them instead of failing on a
# header. Run by `make check` (after `make deps`); needs no root.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
needs=$here/needs.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lvsagent-needs-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

pass() { printf '  ok    %s\n' "$*"; }
fail() {
	printf '  FAIL  %s\n' "$*"
	sed 's/^/        | /' "$TMP/out" | head -20
	failures=$((failures + 1))
}
# run COMMAND...: its exit code in $RC, stdout and stderr in $TMP/out.
run() {
	RC=0
	"$@" >"$TMP/out" 2>&1 || RC=$?
}
expect_rc() { if [ "$RC" -eq "$2" ]; then pass "$1"; else fail "$1 (exit $RC, expected $2)"; fi; }
expect_out() { if grep -q -- "$2" "$TMP/out"; then pass "$1"; else fail "$1 (no \"$2\")"; fi; }
expect_no_out() { if grep -q -- "$2" "$TMP/out"; then fail "$1 (\"$2\")"; else pass "$1"; fi; }

# tier NAME LINES...: a tier in the scratch needs directory.
tiers=$TMP/needs
mkdir -p "$tiers"
tier() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$tiers/$name"
}
with_tiers() { LVSAGENT_NEEDS_DIR=$tiers "$@"; }

echo "== needs.sh check"
tier present "command sh dash" "command grep grep"
tier absent "command sh dash" "command lvsagent-no-such-tool lvsagent-tools-pkg"
run with_tiers "$needs" check present
expect_rc "everything there: exit 0" 0
check_silent() { [ ! -s "$TMP/out" ]; }
if check_silent; then pass "and says nothing"; else fail "and says nothing"; fi
run with_tiers "$needs" check present absent
expect_rc "a missing command: exit 1" 1
expect_out "names the command" "lvsagent-no-such-tool"
expect_out "and its Debian package" "Debian package lvsagent-tools-pkg"
expect_out "and the tier declaring it" "^  absent"
expect_out "and says make deps installs it" "make deps"
expect_no_out "a command that is there is not listed" " grep "
tier broken "command sh dash" "command twowords"
run with_tiers "$needs" check broken
expect_rc "a malformed declaration: exit 2" 2
expect_out "named by file and line" "broken:2: want"
run with_tiers "$needs" check nosuchtier
expect_rc "an unknown tier: exit 2" 2

echo "== needs.sh bin: a PATH of declared commands alone"
run with_tiers "$needs" bin "$TMP/bin" present
expect_rc "bin: exit 0" 0
run env PATH="$TMP/bin" sh -c 'echo x | grep -q x'
expect_rc "a declared command runs" 0
run env PATH="$TMP/bin" sh -c 'ls /'
expect_rc "an undeclared one does not (sh: not found)" 127
"$needs" bin "$TMP/netns-bin" netns
run env PATH="$TMP/netns-bin" LVSAGENT=/bin/true NEEDS_TIER=netns "$BASH" -c \
	". '$here/netns/lib.sh'; in_rs lvsagent-no-such-tool"
expect_out "the netns lab names an undeclared command run in a namespace" \
	"lvsagent-no-such-tool: not a command tests/needs/netns declares"
run env PATH="$TMP/netns-bin" LVSAGENT=/bin/true NEEDS_TIER=netns "$BASH" -c \
	". '$here/netns/lib.sh'; lvsagent-no-such-tool"
expect_out "and one run directly" "lvsagent-no-such-tool: not a command tests/needs/netns declares"

echo "== needs.sh verify"
run "$needs" verify
expect_rc "the repository's declarations hold on this machine" 0
# verify also compares deps.sh with every tier of the directory: one case each.
rm -f "$tiers"/*
tier wrongpkg "command ping iputils-arping"
run with_tiers "$needs" verify wrongpkg
expect_rc "a command declared with the wrong package: exit 1" 1
expect_out "says which package dpkg names" "ping: .* is not from package iputils-arping (dpkg says: iputils-ping)"
rm -f "$tiers"/*
tier twice "command ping iputils-ping" "command ping inetutils-ping"
run with_tiers "$needs" verify twice
expect_out "a command declared with two packages is refused" "command ping: inetutils-ping iputils-ping: declared with different packages"
rm -f "$tiers"/*
grep -v '^command python3 ' "$here/needs/netns" >"$tiers/netns"
cp "$here/needs/vm" "$tiers/vm"
run with_tiers "$needs" verify netns
expect_rc "a script running an undeclared command by its path: exit 1" 1
expect_out "names the script and the command" "netns/t_ansible.sh runs /.../python3"

echo "== make without the -dev packages"
mkdir -p "$TMP/nopc"
run env PKG_CONFIG_LIBDIR="$TMP/nopc" make -C "$root" --no-print-directory BUILD="$TMP/build" all
expect_rc "make fails" 2
expect_out "naming the missing -dev packages" "Debian package libinih-dev"
expect_out "each of them" "Debian package libnl-genl-3-dev"
expect_out "and make deps" "make deps"
expect_no_out "before any compiler error" "ini.h"
expect_no_out "or any compile" "  CC "

if [ "$failures" -ne 0 ]; then
	echo "needs_test.sh: $failures failure(s)"
	exit 1
fi
echo "needs_test.sh: passed"
