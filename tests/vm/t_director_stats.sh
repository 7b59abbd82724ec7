#!/bin/sh
# What an operator does with ipvsadm day to day, done by lvsagent on the
# seeds' DR lab (runs in the VM) and compared with ipvsadm 1.31 on the same
# table: `director status --stats` / `--rate` (and --exact) against
# `ipvsadm -Ln --stats` / `--rate` after the client's fetches, taken back
# to back with no traffic running; `director connections` against
# `ipvsadm -Lnc` (the expire column may differ by a second), filtered by
# service; the IPVS timeouts (`ipvsadm -L --timeout`) and net.ipv4.vs
# sysctls set by apply, shown by status, restored by stop, and left alone
# when someone changed them since; a drained real server's connection
# table entries in status.
. /tests/lib.sh

director() { in_ns director lvsagent -c /tmp/stats.conf director "$@"; }
realserver() { in_ns "$1" lvsagent -c "/tmp/$1.conf" "$2"; }
ipvs() { in_ns director ipvsadm "$@"; }
vs_sysctl() { in_ns director cat "/proc/sys/net/ipv4/vs/$1"; }

# The listing part of status: everything before its first blank line.
listing() { director status "$@" | sed '/^$/,$d'; }

# same_listing DESCRIPTION OPTIONS...: status OPTIONS and ipvsadm -Ln
# OPTIONS, read back to back, byte for byte; the rates move with the
# kernel's estimator (every 2 s), so up to three tries.
same_listing() {
	for try in 1 2 3; do
		ours=$(listing "$@") theirs=$(ipvs -Ln "$@")
		[ "$ours" = "$theirs" ] && return 0
	done
	echo "lvsagent:"
	echo "$ours"
	echo "ipvsadm:"
	echo "$theirs"
	return 1
}

# A connection listing without its expire column (MM:SS), and that column
# alone in seconds.
without_expire() { awk 'NR > 2 { $2 = "-" } { print }'; }
expiries() { awk 'NR > 2 { split($2, t, ":"); print t[1] * 60 + t[2] }'; }

# same_connections ARGS...: `director connections ARGS` and the lines of
# `ipvsadm -Lnc` that match $FILTER: the same lines, each expiry within a
# second of ipvsadm's (read a moment apart), and at least one connection.
same_connections() {
	for try in 1 2 3; do
		director connections "$@" >/tmp/ours || return 1
		ipvs -Lnc | grep -e '^IPVS' -e '^pro' -e "${FILTER:-.}" >/tmp/theirs
		if [ "$(without_expire </tmp/ours)" = "$(without_expire </tmp/theirs)" ] &&
		   [ "$(wc -l </tmp/ours)" -gt 2 ] &&
		   expiries </tmp/ours >/tmp/ours.e && expiries </tmp/theirs >/tmp/theirs.e &&
		   paste -d ' ' /tmp/ours.e /tmp/theirs.e |
			awk '{ d = $1 - $2 } d < -1 || d > 1 { bad = 1 } END { exit bad }'; then
			sed -n 3,4p /tmp/ours
			return 0
		fi
	done
	echo "lvsagent:"
	cat /tmp/ours
	echo "ipvsadm:"
	cat /tmp/theirs
	return 1
}

dr_lab_up || { echo "FAIL the DR lab could not be built"; exit 1; }
{
	dr_director_config | sed '/^\[director\]$/a\
timeout_tcp = 1200\
timeout_udp = 45\
sysctl.expire_nodest_conn = 1\
sysctl.sloppy_tcp = 1'
} >/tmp/stats.conf
check "rs1: lvsagent start" realserver rs1 start
check "rs2: lvsagent start" realserver rs2 start
ipvs -Ln >/dev/null	# loads ip_vs: the namespace's settings appear
same "the kernel's timeouts before" "Timeout (tcp tcpfin udp): 900 120 300" ipvs -L --timeout
same "expire_nodest_conn is 0 before" "0" vs_sysctl expire_nodest_conn
same "sloppy_tcp is 0 before" "0" vs_sysctl sloppy_tcp

# --- timeouts and sysctls ------------------------------------------------------
contains "apply --check shows the TCP timeout it would set" \
	"would set timeout tcp: 1200 (was 900)" director apply --check
contains "... and the sysctl" "would set sysctl net.ipv4.vs.expire_nodest_conn: 1 (was 0)" \
	director apply --check
same "--check changed nothing" "Timeout (tcp tcpfin udp): 900 120 300" ipvs -L --timeout
check "director apply" director apply
same "ipvsadm -L --timeout shows the timeouts set (tcpfin left: not configured)" \
	"Timeout (tcp tcpfin udp): 1200 120 45" ipvs -L --timeout
same "expire_nodest_conn set" "1" vs_sysctl expire_nodest_conn
same "sloppy_tcp set" "1" vs_sysctl sloppy_tcp
contains "the state file records the TCP timeout found" "tunable timeout_tcp 900 1200" \
	cat /run/lvsagent-director/director
matches "status shows them in place" "^  timeout_udp +45 +in place" director status
contains "status --json carries them" '"key":"sysctl.sloppy_tcp","value":1,"configured":1' \
	director status --json
check "status: in place (exit 0)" director status
same "director save is still ipvsadm -Sn (which prints no timeouts)" "$(ipvs -Sn)" director save
contains "a second apply has nothing to change" "nothing to change" director apply

# --- counters and rates, after traffic -------------------------------------------
for i in 1 2 3 4 5 6; do fetch client "http://$DR_VIP/" >/dev/null; done
for i in 1 2 3; do fetch client "http://[$DR_VIP6]/" >/dev/null; done
check "status --stats is ipvsadm -Ln --stats" same_listing --stats
check "status --stats --exact is ipvsadm -Ln --stats --exact" same_listing --stats --exact
check "status --rate is ipvsadm -Ln --rate" same_listing --rate
check "status --rate --exact is ipvsadm -Ln --rate --exact" same_listing --rate --exact
matches "the counters are there: 6 connections to the IPv4 VIP" \
	"^TCP  10\.0\.0\.100:80 +6 " listing --stats
contains "status --json carries the counters" '"stats":{"conns":6,' director status --json
# For the log: what was compared.
listing --stats | sed 's/^/     stats | /'
listing --rate | sed 's/^/     rate  | /'
refused "--stats and --rate together are refused" 2 director status --stats --rate
refused "--exact alone is refused" 2 director status --exact

# --- connections ---------------------------------------------------------------------
check "director connections is ipvsadm -Lnc" same_connections
director connections | head -4 | sed 's/^/     conn  | /'
FILTER="$DR_VIP:80"
check "--service web keeps the IPv4 VIP's" same_connections --service web
check "--service tcp:VIP:80 too" same_connections --service "tcp:$DR_VIP:80"
FILTER="\[$DR_VIP6\]:80"
check "--service web6 keeps the IPv6 VIP's" same_connections --service web6
FILTER=""
contains "connections --json" '"virtual":"10.0.0.100:80","destination":"10.0.0.' \
	director connections --json
refused "an unknown --service is a usage error" 2 director connections --service nosuch

# --- a drained real server's remaining connections -------------------------------------
check "drain rs1" director drain web 10.0.0.3
matches "status shows the drained real server's connection table entries" \
	"web +10\.0\.0\.3:80 +drained .*; [1-9][0-9]* in the connection table" director status
check "undrain rs1" director undrain web 10.0.0.3

# --- stop puts back what apply changed; someone else's value stays ------------------------
ipvs --set 0 0 77	# someone else changes the UDP timeout meanwhile
contains "stop warns about the value changed since" "changed since lvsagent set it" \
	director stop
same "stop restored the TCP timeout, left the UDP one someone else set" \
	"Timeout (tcp tcpfin udp): 900 120 77" ipvs -L --timeout
same "stop restored expire_nodest_conn" "0" vs_sysctl expire_nodest_conn
same "stop restored sloppy_tcp" "0" vs_sysctl sloppy_tcp
same "stop emptied the table" "" ipvs -Sn
ipvs --set 0 0 300

# --- configuration errors: FILE:LINE, exit 2, nothing changed -------------------------------
sed 's/^sysctl.sloppy_tcp = 1$/sysctl.sloppy_nothing = 1/' /tmp/stats.conf >/tmp/bad.conf
refused "an unknown sysctl is a configuration error" 2 \
	in_ns director lvsagent -c /tmp/bad.conf director apply
contains "... at its line" "/tmp/bad.conf:8: unknown key \"sysctl.sloppy_nothing\"" \
	in_ns director lvsagent -c /tmp/bad.conf director apply
sed 's/^timeout_udp = 45$/timeout_udp = soon/' /tmp/stats.conf >/tmp/bad.conf
contains "a bad timeout too" "/tmp/bad.conf:6: timeout_udp must be a number" \
	in_ns director lvsagent -c /tmp/bad.conf director apply
same "nothing was changed" "Timeout (tcp tcpfin udp): 900 120 300" ipvs -L --timeout

check "rs1: lvsagent stop" realserver rs1 stop
check "rs2: lvsagent stop" realserver rs2 stop
finish t_director_stats
