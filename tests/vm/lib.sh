# lib.sh — helpers for the VM test scripts (busybox sh), installed by run.sh
# as /tests/lib.sh; a script sources it with ". /tests/lib.sh".
#
# Checks: every check runs even after a failure; `finish` prints the
# failures and exits non-zero if there was any.
# Labs: network namespaces made with lab_ns are killed and deleted when the
# script exits, however it exits. IPVS is per network namespace, so a
# director in its own namespace leaves nothing behind either.
#
# busybox sh runs its own applets before PATH: iproute2 is $IP.

IP=/usr/sbin/ip
# With a sanitizer build, every report goes to a file that finish() checks:
# a report from a command whose exit status a test ignores still fails it.
ASAN_OPTIONS=log_path=/tmp/sanitizer:detect_leaks=1
UBSAN_OPTIONS=log_path=/tmp/sanitizer:print_stacktrace=1
export ASAN_OPTIONS UBSAN_OPTIONS
failures=""
count=0
shown=""	# the command a failure line shows (same() hides compare)
LAB_NAMESPACES=""

# check DESCRIPTION COMMAND...: runs COMMAND, records the result.
check() {
	desc=$1
	shift
	count=$((count + 1))
	if out=$("$@" 2>&1); then
		echo "ok   $desc"
	else
		echo "FAIL $desc: ${shown:-$*}"
		[ -z "$out" ] || echo "$out" | sed 's/^/     | /'
		failures="$failures
  $desc"
	fi
	shown=""
}

# refused DESCRIPTION CODE COMMAND...: COMMAND must exit with CODE.
refused() {
	desc=$1
	want=$2
	shift 2
	shown="$* (want exit $want)"
	check "$desc" exits_with "$want" "$@"
}
exits_with() {
	want=$1
	shift
	"$@"
	rc=$?
	[ "$rc" -eq "$want" ] && return 0
	echo "exit status $rc, expected $want"
	return 1
}

# same DESCRIPTION EXPECTED COMMAND...: COMMAND's output must be EXPECTED.
same() {
	desc=$1
	want=$2
	shift 2
	shown="$*"
	check "$desc" compare "$want" "$@"
}
compare() {
	want=$1
	shift
	got=$("$@") || return 1
	[ "$got" = "$want" ] && return 0
	echo "expected:"
	echo "$want"
	echo "got:"
	echo "$got"
	return 1
}

# contains DESCRIPTION TEXT COMMAND...: a line of COMMAND's output (stdout
# and stderr, whatever its exit status) must contain TEXT.
contains() { check_output -F "$@"; }

# matches DESCRIPTION REGEX COMMAND...: the same with an extended regular
# expression.
matches() { check_output -E "$@"; }

# check_output -F|-E DESCRIPTION PATTERN COMMAND...
check_output() {
	how=$1
	desc=$2
	want=$3
	shift 3
	shown="$*"
	check "$desc" output_grep "$how" "$want" "$@"
}

# output_grep -F|-E PATTERN COMMAND...
output_grep() {
	how=$1
	want=$2
	shift 2
	got=$("$@" 2>&1)
	echo "$got" | grep -q "$how" -- "$want" && return 0
	echo "expected a line with ($how): $want"
	echo "got:"
	echo "$got"
	return 1
}

finish() {
	for report in /tmp/sanitizer.*; do
		[ -e "$report" ] || continue
		echo "FAIL sanitizer report $report:"
		sed 's/^/     | /' "$report"
		failures="$failures
  sanitizer report $report"
	done
	if [ -n "$failures" ]; then
		echo "$1: FAILED:$failures"
		exit 1
	fi
	echo "$1: all $count checks passed"
	exit 0
}

# --- namespaces -------------------------------------------------------------

lab_cleanup() {
	for ns in $LAB_NAMESPACES; do
		# Whatever a test started in the namespace (web servers) goes too.
		for pid in $($IP netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null
		done
		$IP netns del "$ns" 2>/dev/null
	done
	LAB_NAMESPACES=""
}
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

in_ns() {
	ns=$1
	shift
	$IP netns exec "$ns" "$@"
}

# lab_ns NAME: a namespace with lo up and no duplicate address detection
# (the lab's addresses are unique; DAD would only delay IPv6).
lab_ns() {
	$IP netns add "$1" || return 1
	LAB_NAMESPACES="$LAB_NAMESPACES $1"
	$IP -n "$1" link set lo up
	in_ns "$1" sh -c 'echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad'
}

# lab_bridge SWITCH BRIDGE: a bridge in the switch namespace.
lab_bridge() {
	$IP -n "$1" link add "$2" type bridge &&
		$IP -n "$1" link set "$2" up
}

# lab_port NS IFNAME SWITCH BRIDGE ADDRESS...: NS's IFNAME, plugged into
# BRIDGE, up, with the addresses given (CIDR).
lab_port() {
	ns=$1 ifname=$2 switch=$3 bridge=$4
	shift 4
	peer="p$(echo "$ns$ifname" | md5sum | cut -c1-8)"
	$IP link add "$ifname" netns "$ns" type veth peer name "$peer" netns "$switch" || return 1
	$IP -n "$switch" link set "$peer" master "$bridge" up
	$IP -n "$ns" link set "$ifname" up
	for addr in "$@"; do
		case $addr in
		*:*) $IP -n "$ns" addr add "$addr" dev "$ifname" nodad ;;
		*) $IP -n "$ns" addr add "$addr" dev "$ifname" ;;
		esac
	done
}

# web NS NAME: busybox httpd on port 80 (or $3) in NS answering NAME.
web() {
	mkdir -p "/tmp/www-$1"
	echo "$2" >"/tmp/www-$1/index.html"
	in_ns "$1" httpd -p "${3:-80}" -h "/tmp/www-$1"
}

# fetch NS URL: the body, or "-" when nothing answered within 2 s.
fetch() {
	in_ns "$1" curl -s -g --max-time 2 "$2" || echo "-"
}

# --- the seeds' labs ------------------------------------------------------------
#
# LVS-DR: client, director and two real servers on one bridge.
#   client 10.0.0.1  2001:db8::1      director 10.0.0.2  2001:db8::2
#   rs1    10.0.0.3  2001:db8::3      rs2      10.0.0.4  2001:db8::4
#   VIP    10.0.0.100 and 2001:db8::100: on the director's eth0 (lvsagent
#   director binds them), on each real server's lo (lvsagent start).
# LVS-NAT: the client outside (10.1.0.0/24), the real servers inside
#   (192.168.50.0/24) with the director (10.1.0.2, 192.168.50.1) as their
#   gateway; VIP 10.1.0.100:80 → real servers' port 8080.

DR_VIP=10.0.0.100
DR_VIP6=2001:db8::100

dr_director_config() {
	cat <<EOF2
[agent]
state_dir = /run/lvsagent-director

[director]
vip_interface = eth0

[service web]
virtual = tcp $DR_VIP:80
scheduler = rr
realserver = 10.0.0.3 method=dr
realserver = 10.0.0.4 method=dr

[service web6]
virtual = tcp [$DR_VIP6]:80
scheduler = rr
realserver = 2001:db8::3 method=dr
realserver = 2001:db8::4 method=dr
EOF2
}

rs_config() {
	cat <<EOF2
[agent]
state_dir = /run/lvsagent-$1

[realserver]
vip = $DR_VIP
vip = $DR_VIP6
EOF2
}

dr_lab_up() {
	lab_ns sw && lab_bridge sw br0 || return 1
	lab_ns client && lab_port client eth0 sw br0 10.0.0.1/24 2001:db8::1/64
	lab_ns director && lab_port director eth0 sw br0 10.0.0.2/24 2001:db8::2/64
	for n in 1 2; do
		lab_ns "rs$n" && lab_port "rs$n" eth0 sw br0 "10.0.0.$((n + 2))/24" \
			"2001:db8::$((n + 2))/64" && web "rs$n" "rs$n" || return 1
		rs_config "rs$n" >"/tmp/rs$n.conf"
	done
	dr_director_config >/tmp/director.conf
}

nat_lab_up() {
	lab_ns nsw && lab_bridge nsw outside && lab_bridge nsw inside || return 1
	lab_ns nclient && lab_port nclient eth0 nsw outside 10.1.0.1/24
	lab_ns ndirector && lab_port ndirector eth0 nsw outside 10.1.0.2/24 &&
		lab_port ndirector eth1 nsw inside 192.168.50.1/24
	for n in 1 2; do
		lab_ns "nrs$n" && lab_port "nrs$n" eth0 nsw inside "192.168.50.$((n + 2))/24" &&
			$IP -n "nrs$n" route add default via 192.168.50.1 &&
			web "nrs$n" "nrs$n" 8080 || return 1
	done
	cat >/tmp/nat-director.conf <<EOF2
[agent]
state_dir = /run/lvsagent-nat

[director]
vip_interface = eth0

[service web]
virtual = tcp 10.1.0.100:80
scheduler = rr
realserver = 192.168.50.3:8080 method=nat
realserver = 192.168.50.4:8080 method=nat
EOF2
}

# LVS-TUN: the real servers in another subnet than the client and the
# director, behind a router; the director tunnels to them (method=tun).
#   client 10.0.0.1   2001:db8::1     director 10.0.0.2   2001:db8::2
#   router 10.0.0.254 2001:db8::254 | 10.0.1.254 2001:db8:1::254
#   rs1    10.0.1.3   2001:db8:1::3   rs2      10.0.1.4   2001:db8:1::4
#   VIP    10.0.0.100 2001:db8::100 (the director's eth0; each rs's lo)
# Configurations: /tmp/tun-director.conf, /tmp/tun-rs1.conf, /tmp/tun-rs2.conf.

TUN_VIP=10.0.0.100
TUN_VIP6=2001:db8::100

# The remote address a fetch of URL from the client talked to, and what
# it got: "10.0.0.100 rs1".
fetch_from() {
	in_ns client curl -s -g --max-time 2 -w ' %{remote_ip}' "$1" | tr '\n' ' ' |
		awk '{ print $NF, $1 }'
}

tun_lab_up() {
	lab_ns tsw && lab_bridge tsw front && lab_bridge tsw back || return 1
	lab_ns router && lab_port router eth0 tsw front 10.0.0.254/24 2001:db8::254/64 &&
		lab_port router eth1 tsw back 10.0.1.254/24 2001:db8:1::254/64 || return 1
	in_ns router sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward;
		echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' || return 1
	lab_ns client && lab_port client eth0 tsw front 10.0.0.1/24 2001:db8::1/64 &&
		$IP -n client route add default via 10.0.0.254 &&
		$IP -n client -6 route add default via 2001:db8::254 || return 1
	lab_ns director && lab_port director eth0 tsw front 10.0.0.2/24 2001:db8::2/64 &&
		$IP -n director route add default via 10.0.0.254 &&
		$IP -n director -6 route add default via 2001:db8::254 || return 1
	for n in 1 2; do
		lab_ns "rs$n" && lab_port "rs$n" eth0 tsw back "10.0.1.$((n + 2))/24" \
			"2001:db8:1::$((n + 2))/64" &&
			$IP -n "rs$n" route add default via 10.0.1.254 &&
			$IP -n "rs$n" -6 route add default via 2001:db8:1::254 &&
			web "rs$n" "rs$n" || return 1
		# A reply the size of many packets: the director must see none of it.
		head -c 200000 /dev/zero | tr '\0' x >"/tmp/www-rs$n/big"
	done
}

# tun_configs TUNNEL [DIRECTOR_OPTIONS [RS_KEYS]]: the director's services
# and both real servers' configurations for TUNNEL (ipip, gre, gue), with
# more options for each director's real server (tun_port=6080) and more
# keys for the real servers (one line, \n between keys).
tun_configs() {
	cat >/tmp/tun-director.conf <<EOF2
[agent]
state_dir = /run/lvsagent-tun-director

[director]
vip_interface = eth0

[service web]
virtual = tcp $TUN_VIP:80
scheduler = rr
realserver = 10.0.1.3 method=tun tun_type=$1 $2
realserver = 10.0.1.4 method=tun tun_type=$1 $2

[service web6]
virtual = tcp [$TUN_VIP6]:80
scheduler = rr
realserver = 2001:db8:1::3 method=tun tun_type=$1 $2
realserver = 2001:db8:1::4 method=tun tun_type=$1 $2
EOF2
	for n in 1 2; do
		cat >"/tmp/tun-rs$n.conf" <<EOF2
[agent]
state_dir = /run/lvsagent-tun-rs$n

[realserver]
vip = $TUN_VIP
vip = $TUN_VIP6
method = tun
tunnel = $1
$(printf "${3:-}")
EOF2
	done
}

# fetch_n NS URL N: the bodies of N fetches, space separated ("-" for none).
fetch_n() {
	i=0 bodies=""
	while [ $i -lt "$3" ]; do
		bodies="$bodies $(fetch "$1" "$2")"
		i=$((i + 1))
	done
	echo $bodies
}

# both_answer NS URL: four fetches get both real servers, twice each (rr).
both_answer() {
	got=$(fetch_n "$1" "$2" 4)
	echo "$got"
	[ "$(echo "$got" | tr ' ' '\n' | sort | uniq -c | tr -s ' ' | sed 's/^ //' | tr '\n' ' ')" \
		= "2 ${3:-rs}1 2 ${3:-rs}2 " ]
}

# mac NS IFNAME: the interface's MAC address.
mac() {
	$IP -n "$1" -o link show "$2" | sed 's/.*link\/ether \([0-9a-f:]*\).*/\1/'
}

# neighbour_mac NS ADDRESS: the MAC NS's neighbour table has for ADDRESS.
neighbour_mac() {
	$IP -n "$1" neigh show "$2" dev eth0 | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p'
}

# not COMMAND...: succeeds when COMMAND fails (for check).
not() { ! "$@"; }

# wait_for COMMAND...: COMMAND succeeds within 3 s (checked every 0.1 s).
wait_for() {
	i=0
	while [ $i -lt 30 ]; do
		"$@" >/dev/null 2>&1 && return 0
		usleep 100000
		i=$((i + 1))
	done
	"$@"
}

# within SECONDS COMMAND...: COMMAND succeeds within SECONDS (0.1 s steps);
# its last try's output is what a failing check shows.
within() {
	limit=$(($1 * 10))
	shift
	i=0
	while [ $i -lt $limit ]; do
		"$@" >/dev/null 2>&1 && return 0
		usleep 100000
		i=$((i + 1))
	done
	"$@"
}

# neighbour_is NS ADDRESS MAC
neighbour_is() { [ "$(neighbour_mac "$1" "$2")" = "$3" ]; }

# arp_repliers NS ADDRESS: the MACs that answer ARP for ADDRESS, one per
# line, as ip prints them (busybox arping drops leading zeros).
arp_repliers() {
	in_ns "$1" arping -c 3 -w 3 -I eth0 "$2" |
		sed -n 's/.*reply from [^[]*\[\([0-9A-Fa-f:]*\)\].*/\1/p' | tr 'A-F' 'a-f' |
		sed -E 's/(^|:)([0-9a-f])(:|$)/\10\2\3/g; s/(^|:)([0-9a-f])(:|$)/\10\2\3/g' | sort -u
}
