#!/bin/sh
# The health-check benchmark: boots the test VM (this host's kernel has no
# IPVS) and runs tests/bench/vm_checks.sh there, which has lvsagent's
# director daemon and keepalived's checker check the same 1000 real
# servers over TCP, one after the other on the same emulated CPU: CPU per
# minute of checking, peak RSS, detection latency (a dead real server to
# its weight 0), and the schedule's drift as the real servers see it.
# Prints the BENCH lines.
#   usage: checks.sh LVSAGENT [SETTING=VALUE...]
# SETTINGs (see vm_checks.sh): count, interval_ms, timeout_ms, fall, rise,
# window, settle, rounds, victims, order (comma separated), load; e.g.
# `checks.sh build/lvsagent window=60 order=keepalived,lvsagent`. diag=1
# profiles each daemon for 10 s after its window with perf (when this
# machine has it: it is not declared, make bench never does this) and
# prints the profile's DIAG lines.
set -eu
LVSAGENT=${1:?usage: checks.sh /path/to/lvsagent [SETTING=VALUE...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
tools=$(dirname "$LVSAGENT")/tools
keepalived=$(command -v keepalived) || {
	echo "FAIL keepalived is not installed (tests/needs/bench): make deps" >&2
	exit 1
}
for tool in check_listener weight_watch checker_load; do
	[ -x "$tools/$tool" ] || { echo "FAIL no $tools/$tool: make tools" >&2; exit 1; }
done
# The VM sees no environment: the settings travel on the kernel command line.
append="" extra=""
for setting in "$@"; do
	append="$append lvschecks.$setting"
	[ "$setting" != diag=1 ] || extra=$(command -v perf) || extra=""
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
VM_MEMORY=${VM_MEMORY:-2048} VM_TIMEOUT=${VM_TIMEOUT:-900} VM_APPEND="${append# }" \
	"$here/../vm/run.sh" --bin "$LVSAGENT" --bin "$keepalived" --bin "$tools/check_listener" \
	--bin "$tools/weight_watch" --bin "$tools/checker_load" ${extra:+--bin "$extra"} \
	"$here/vm_checks.sh" >"$out" 2>&1 || rc=$?
grep -E '^(BENCH|FAIL|DIAG)' "$out" | sed 's/^BENCH //'
[ "$rc" -eq 0 ] || { tail -n 30 "$out"; exit "$rc"; }
