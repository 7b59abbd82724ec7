# checks_lib.sh — the host side the health-check benchmarks share
# (checks.sh: TCP, http_checks.sh: HTTP and HTTPS; sh, sourced after
# setting $here): boots the test VM (this host's kernel has no IPVS) with
# lvsagent, keepalived and the tools, runs the benchmark's script there and
# prints its BENCH, FAIL and DIAG lines.
#
# vm_checks LVSAGENT SCRIPT "TOOL..." [SETTING=VALUE...]: SCRIPT from
# tests/bench, with tests/bench/vm_checks_lib.sh beside it; each TOOL from
# build/tools next to LVSAGENT. The VM sees no environment: the settings
# travel on the kernel command line (lvschecks.NAME=VALUE). diag=1 also
# copies in perf, when this machine has it (it is not declared: make bench
# never profiles).
vm_checks() {
	lvsagent=$1 script=$2 wanted=$3
	shift 3
	tools=$(dirname "$lvsagent")/tools
	keepalived=$(command -v keepalived) || {
		echo "FAIL keepalived is not installed (tests/needs/bench): make deps" >&2
		exit 1
	}
	append="" extra=""
	for setting in "$@"; do
		append="$append lvschecks.$setting"
		[ "$setting" != diag=1 ] || extra=$(command -v perf) || extra=""
	done
	set -- --bin "$lvsagent" --bin "$keepalived" ${extra:+--bin "$extra"} \
		--file "$here/vm_checks_lib.sh:/tests/vm_checks_lib.sh"
	for tool in $wanted; do
		[ -x "$tools/$tool" ] || { echo "FAIL no $tools/$tool: make tools" >&2; exit 1; }
		set -- "$@" --bin "$tools/$tool"
	done
	out=$(mktemp)
	trap 'rm -f "$out"' EXIT
	rc=0
	VM_MEMORY=${VM_MEMORY:-2048} VM_TIMEOUT=${VM_TIMEOUT:-900} VM_APPEND="${append# }" \
		"$here/../vm/run.sh" "$@" "$here/$script" >"$out" 2>&1 || rc=$?
	grep -E '^(BENCH|FAIL|DIAG)' "$out" | sed 's/^BENCH //'
	[ "$rc" -eq 0 ] || { tail -n 30 "$out"; exit "$rc"; }
}
