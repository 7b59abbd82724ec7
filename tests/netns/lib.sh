# lib.sh — the namespace lab shared by the netns tests, the demo and the
# benchmarks. Source it; it sets `set -eu`, makes names unique to this
# process and removes every namespace it made on exit, even on failure.
#
#   client  10.77.0.1   2001:db8:77::1     (the outside world)
#   director 10.77.0.2  2001:db8:77::2     holds the VIP on its eth0
#   realserver 10.77.0.3 2001:db8:77::3    runs lvsagent
#   all on one bridge in a fourth namespace; nothing touches the host's.

set -eu

: "${LVSAGENT:?set LVSAGENT to the lvsagent binary}"
# Run alone (not through run.sh), a test still checks the machine first.
if [ -z "${NEEDS_TIER:-}" ]; then
	"$(dirname "${BASH_SOURCE[0]}")/../needs.sh" check netns || exit 1
fi

# Through run.sh, PATH holds only the commands tests/needs/$NEEDS_TIER
# declares: one outside it is named as such (and logged for run.sh's
# summary) instead of failing as if lvsagent were wrong.
needs_undeclared() {
	echo "$1: not a command tests/needs/${NEEDS_TIER:-netns} declares (add it with its Debian package)" >&2
	[ -z "${NEEDS_LOG:-}" ] || echo "$1 (called in $(basename "$0"))" >>"$NEEDS_LOG"
	return 127
}
command_not_found_handle() { needs_undeclared "$1"; }
LAB_ID=${LAB_ID:-$(printf '%05d' $$)}
NS_SWITCH=lvsT${LAB_ID}s
NS_CLIENT=lvsT${LAB_ID}c
NS_DIRECTOR=lvsT${LAB_ID}d
NS_RS=lvsT${LAB_ID}r
LAB_NAMESPACES="$NS_CLIENT $NS_DIRECTOR $NS_RS $NS_SWITCH"
TMP=$(mktemp -d "/tmp/lvsagent-test.XXXXXX")
FAILURES=0
VIP4=10.77.0.100
VIP6=2001:db8:77::100

lab_cleanup() {
	# Background helpers the test started outside the namespaces.
	jobs -p | xargs -r kill 2>/dev/null || true
	for ns in $LAB_NAMESPACES; do
		# Whatever a test started in the namespace (daemons, servers) goes too.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

# Duplicate address detection only delays a lab whose addresses are unique,
# and leaves link-local addresses "tentative" for a second.
lab_no_dad() {
	ip netns exec "$1" sh -c 'echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad'
}

# lab_host NS NAME IPV4 IPV6: a host with eth0 on the lab bridge.
lab_host() {
	ip netns add "$1"
	lab_no_dad "$1"
	ip -n "$1" link set lo up
	ip link add eth0 netns "$1" type veth peer name "$2" netns "$NS_SWITCH"
	ip -n "$NS_SWITCH" link set "$2" master br0 up
	ip -n "$1" link set eth0 up
	ip -n "$1" addr add "$3/24" dev eth0
	ip -n "$1" addr add "$4/64" dev eth0 nodad
}

lab_up() {
	ip netns add "$NS_SWITCH"
	ip -n "$NS_SWITCH" link add br0 type bridge
	ip -n "$NS_SWITCH" link set br0 up
	lab_host "$NS_CLIENT" c0 10.77.0.1 2001:db8:77::1
	lab_host "$NS_DIRECTOR" d0 10.77.0.2 2001:db8:77::2
	lab_host "$NS_RS" r0 10.77.0.3 2001:db8:77::3
}

# lab_up_dr: the lab with the VIP on the director's eth0, as in LVS-DR;
# director_mac and rs_mac name the two eth0s.
lab_up_dr() {
	lab_up
	in_director ip addr add "$VIP4/32" dev eth0
	director_mac=$(mac_of "$NS_DIRECTOR")
	rs_mac=$(mac_of "$NS_RS")
}

# A lone real server namespace, no bridge (for tests that need no wire).
lab_rs_only() {
	LAB_NAMESPACES="$NS_RS $NS_SWITCH"
	ip netns add "$NS_RS"
	lab_no_dad "$NS_RS"
	ip -n "$NS_RS" link set lo up
	ip netns add "$NS_SWITCH"
	ip link add eth0 netns "$NS_RS" type veth peer name r0 netns "$NS_SWITCH"
	ip -n "$NS_RS" link set eth0 up
	ip -n "$NS_RS" addr add 10.77.0.3/24 dev eth0
}

# lab_exec NS COMMAND...: COMMAND in the namespace; ip netns exec looks it
# up itself, so an undeclared one is named here first.
lab_exec() {
	local ns=$1
	shift
	case "$1" in
	*/*) ;;
	*) type -P "$1" >/dev/null || { needs_undeclared "$1"; return 127; } ;;
	esac
	ip netns exec "$ns" "$@"
}
in_rs() { lab_exec "$NS_RS" "$@"; }
in_client() { lab_exec "$NS_CLIENT" "$@"; }
in_director() { lab_exec "$NS_DIRECTOR" "$@"; }
agent() { ip netns exec "$NS_RS" "$LVSAGENT" "$@"; }

# write_config FILE [EXTRA LINES...]: a config with the lab's state dir.
write_config() {
	local file=$1
	shift
	{
		printf '[agent]\nstate_dir = %s/state\n\n[realserver]\n' "$TMP"
		for line in "$@"; do printf '%s\n' "$line"; done
	} >"$file"
}

rs_sysctl() { cat "/proc/sys/net/ipv4/conf/$1/$2" 2>/dev/null || in_rs cat "/proc/sys/net/ipv4/conf/$1/$2"; }
rs_sysctl_get() { in_rs cat "/proc/sys/net/ipv4/conf/$1/$2"; }
rs_sysctl_set() { in_rs sh -c "echo $3 > /proc/sys/net/ipv4/conf/$1/$2"; }

# Everything lvsagent could touch on the real server, as text.
snapshot() {
	{
		ip -n "$NS_RS" -d link show lo
		ip -n "$NS_RS" addr show
		ip -n "$NS_RS" route show table all
		ip -n "$NS_RS" -6 route show table all
		for dir in all default lo eth0; do
			for key in arp_ignore arp_announce; do
				echo "$dir.$key=$(rs_sysctl_get "$dir" "$key")"
			done
		done
	} | grep -v -e 'valid_lft' -e 'cache' -e 'expires'
}

# --- assertions ------------------------------------------------------------

pass() { printf '  ok    %s\n' "$*"; }
fail() {
	printf '  FAIL  %s\n' "$*"
	FAILURES=$((FAILURES + 1))
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		pass "$what"
	else
		fail "$what"
		sed 's/^/        | /' "$TMP/check.out" | head -20
	fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: expected [$2], got [$3]"
	fi
}

# expect_same_snapshot DESCRIPTION FILE: the host matches the snapshot.
expect_same_snapshot() {
	snapshot >"$TMP/snap.now"
	if diff -u "$2" "$TMP/snap.now" >"$TMP/snap.diff"; then
		pass "$1"
	else
		fail "$1"
		sed 's/^/        | /' "$TMP/snap.diff" | head -30
	fi
}

# eventually_within SECONDS DESCRIPTION COMMAND...: passes once the
# command succeeds, tried every 50 ms for SECONDS.
eventually_within() {
	local tries=$(($1 * 20)) what=$2
	shift 2
	for _ in $(seq "$tries"); do
		if "$@" >/dev/null 2>&1; then pass "$what"; return 0; fi
		sleep 0.05
	done
	fail "$what"
}

# run_agent OUT ERR ARGS...: runs lvsagent in the real server, returns its
# exit code in $RC without tripping set -e.
run_agent() {
	local out=$1 err=$2
	shift 2
	RC=0
	agent "$@" >"$out" 2>"$err" || RC=$?
}

# The MAC addresses that answer ARP for $1 as seen from the client.
arp_responders() {
	in_client arping -c 3 -i 0.2 -w 2 -I eth0 "$1" 2>/dev/null |
		sed -n 's/.*bytes from \([0-9a-f:]*\) .*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//'
}
# wait_listening PORT [COUNT]: until COUNT sockets (default 1) listen on
# PORT in the real server (at most 5 s): a test never races its own server.
wait_listening() {
	for _ in $(seq 50); do
		[ "$(in_rs ss -Hltn "sport = :$1" | wc -l)" -ge "${2:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}
mac_of() { ip netns exec "$1" cat /sys/class/net/eth0/address; }

finish() {
	if [ "$FAILURES" -ne 0 ]; then
		echo "$(basename "$0"): $FAILURES failure(s)"
		exit 1
	fi
	echo "$(basename "$0"): passed"
}
