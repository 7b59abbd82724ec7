#!/bin/sh
# LVS-TUN end to end (the lab: lib.sh's tun_lab_up) (runs in the VM: its kernel has ipip, ip6_tunnel,
# ip_gre, ip6_gre and IPVS). The real servers sit in another subnet than
# the client and the director, behind a router; the director encapsulates
# (lvsagent director apply, method=tun), lvsagent on each real server
# brings up the tunnel device that decapsulates and lets the packet
# through rp_filter, and the real server answers the client from the VIP,
# straight back through the router — never through the director.
. /tests/lib.sh

VIP=$TUN_VIP
VIP6=$TUN_VIP6

module_loaded() { grep -q "^$1 " /proc/modules; }
NFT=/usr/sbin/nft
DIRECTORS_KEY='directors = 10.0.0.2, 2001:db8::2\n'
director() { in_ns director lvsagent -c /tmp/tun-director.conf director "$@"; }
realserver() { in_ns "$1" lvsagent -c "/tmp/tun-$1.conf" "$2"; }
sysctl_of() { in_ns "$1" cat "/proc/sys/net/ipv4/conf/$2/rp_filter"; }
link_up() { $IP -n "$1" -o link show "$2" | grep -q "[<,]UP[,>]"; }
rx_bytes() { in_ns "$1" cat "/sys/class/net/$2/statistics/rx_bytes"; }
rx_packets() { in_ns "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }

# ns_snapshot NS: what stop must put back — links (state, flags, tunnel
# parameters), addresses, routes, and every IPv4 conf sysctl lvsagent may
# touch — read inside NS (so that /proc/sys is NS's). Lines of the devices
# FALLBACKS names are left out: the fallback devices a module load brings
# cannot be deleted, and did not exist before.
ns_snapshot() {
	in_ns "$1" sh -c '
		ip=/usr/sbin/ip
		$ip -d -o link show | sed "s/^[0-9]*: //"
		$ip -o addr show | sed "s/^[0-9]*: //; s/valid_lft.*//"
		$ip route show table all
		$ip -6 route show table all
		$ip fou show 2>&1
		/usr/sbin/nft list ruleset 2>&1
		for f in /proc/sys/net/ipv4/conf/*/rp_filter /proc/sys/net/ipv4/conf/*/arp_ignore \
			/proc/sys/net/ipv4/conf/*/arp_announce; do
			echo "$f $(cat "$f")"
		done' | if [ -n "$FALLBACKS" ]; then grep -Ev "$FALLBACKS"; else cat; fi
}

same_as_before() { [ "$(ns_snapshot "$1")" = "$(cat "/tmp/before-$1")" ] || {
	diff "/tmp/before-$1" - <<EOF2
$(ns_snapshot "$1")
EOF2
	return 1; }; }

both_answer_from() {
	got="" rs1=0 rs2=0
	for i in 1 2 3 4 5; do
		answer=$(fetch_from "$1")
		got="$got, $answer"
		case $answer in
		"$2 rs1") rs1=$((rs1 + 1)) ;;
		"$2 rs2") rs2=$((rs2 + 1)) ;;
		*" rs"[12]) echo "$got: an answer not from $2"; return 1 ;;
		esac
	done
	echo "${got#, }"
	# Every answer from the VIP itself, and both real servers in turn (rr):
	# each at least twice in five fetches — one fetch lost to TCG's
	# slowness (a 2 s timeout) is allowed, an answer from elsewhere is not.
	[ "$rs1" -ge 2 ] && [ "$rs2" -ge 2 ]
}

# The director receives the requests only: a 200 kB reply fetched twice
# (once from each real server) adds far less than that to its eth0.
director_sees_requests_only() {
	before=$(rx_bytes director eth0)
	in_ns client curl -s -g --max-time 3 -o /dev/null "$1" &&
		in_ns client curl -s -g --max-time 3 -o /dev/null "$1" || return 1
	got=$(($(rx_bytes director eth0) - before))
	echo "the director's eth0 received $got bytes"
	[ "$got" -lt 50000 ]
}

# --- a kernel without the tunnel module ----------------------------------------

test_no_module() {
	if module_loaded ip_gre; then
		check "ip_gre loaded by an earlier test: the missing-module case is skipped" true
		return
	fi
	tun_configs gre
	loader=$(cat /proc/sys/kernel/modprobe)
	echo /bin/false >/proc/sys/kernel/modprobe
	ns_snapshot rs1 >/tmp/before-rs1
	refused "tunnel = gre without the ip_gre module: exit 1" 1 realserver rs1 start
	contains "... saying which module is missing" "this kernel has no gre tunnel module" \
		realserver rs1 start
	check "... nothing changed (links, addresses, routes, sysctls)" same_as_before rs1
	check "... no state recorded" not test -s /run/lvsagent-tun-rs1/state
	echo "$loader" >/proc/sys/kernel/modprobe
}

# --- the lab for one tunnel type ---------------------------------------------------

# lab_round TUNNEL DEVICE DEVICE6: the whole path for TUNNEL, first on a
# host with rp_filter off, then with all.rp_filter = 1.
lab_round() {
	tun=$1 dev=$2 dev6=$3
	tun_configs "$tun"
	check "$tun: director apply (method=tun)" director apply
	contains "$tun: the director's table tunnels" "Tunnel" director status
	FALLBACKS=$FALLBACKS_NEW
	ns_snapshot rs1 >/tmp/before-rs1
	check "$tun: before start, the client gets no answer" not both_answer_from "http://$VIP/" $VIP

	for n in 1 2; do check "$tun: rs$n: lvsagent start" realserver "rs$n" start; done
	check "$tun: rs1 has $dev up" link_up rs1 $dev
	check "$tun: ... and $dev6" link_up rs1 $dev6
	same "$tun: $dev's rp_filter is 0" 0 sysctl_of rs1 $dev
	contains "$tun: status shows the tunnel" "tunnel  $dev" realserver rs1 status
	check "$tun: status: everything in place" realserver rs1 status
	contains "$tun: start again changes nothing" "nothing to change" realserver rs1 start
	packets=$(rx_packets rs1 $dev)
	check "$tun: four fetches of the VIP, answered from the VIP by rs1 and rs2" \
		both_answer_from "http://$VIP/" $VIP
	check "$tun: ... decapsulated on $dev" test "$(rx_packets rs1 $dev)" -gt "$packets"
	check "$tun: ... over IPv6 too ($dev6)" both_answer_from "http://[$VIP6]/" $VIP6
	check "$tun: the replies bypass the director" director_sees_requests_only "http://$VIP/big"
	check "$tun: ... over IPv6 too" director_sees_requests_only "http://[$VIP6]/big"

	for n in 1 2; do check "$tun: rs$n: lvsagent stop" realserver "rs$n" stop; done
	check "$tun: $dev is down again" not link_up rs1 $dev
	check "$tun: ... and $dev6" not link_up rs1 $dev6
	# The fallback devices the modules brought cannot be deleted: down,
	# with default's sysctls, is how they came.
	check "$tun: stop put back links, addresses, routes and sysctls" same_as_before rs1
	FALLBACKS=""

	# RHEL's default: strict reverse-path filtering everywhere.
	for n in 1 2; do
		in_ns "rs$n" sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 1 >$f; done'
	done
	ns_snapshot rs1 >/tmp/before-rs1
	for n in 1 2; do check "$tun: all.rp_filter=1: rs$n: start" realserver "rs$n" start; done
	check "$tun: all.rp_filter=1: the fetches work" both_answer_from "http://$VIP/" $VIP
	same "$tun: ... with all lowered to 0" 0 sysctl_of rs1 all
	same "$tun: ... eth0 still strict on its own" 1 sysctl_of rs1 eth0
	same "$tun: ... lo too" 1 sysctl_of rs1 lo
	same "$tun: ... and default, for interfaces made later" 1 sysctl_of rs1 default
	same "$tun: ... $dev at 0" 0 sysctl_of rs1 $dev
	# A sysctl -p that puts all back to 1 breaks the path; start repairs it.
	in_ns rs1 sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/rp_filter'
	check "$tun: all reset to 1 by hand: rs1 no longer answers" \
		not both_answer_from "http://$VIP/" $VIP
	contains "$tun: start repairs it" "net.ipv4.conf.all.rp_filter = 0 (was 1)" \
		realserver rs1 start
	check "$tun: ... and the fetches work again" both_answer_from "http://$VIP/" $VIP
	for n in 1 2; do check "$tun: all.rp_filter=1: rs$n: stop" realserver "rs$n" stop; done
	check "$tun: stop put back everything exactly (rp_filter 1 everywhere, $dev down)" \
		same_as_before rs1
	for n in 1 2; do
		in_ns "rs$n" sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 >$f; done'
	done
	check "$tun: director stop" director stop
}

# --- GRE with checksums: devices of lvsagent's own -------------------------------

GRE4=lvsgre0a000002	# 10.0.0.2's
own_gre6() { $IP -n rs1 -o link show | sed -n 's/^[0-9]*: \(lvs6gre[0-9a-f]*\)@.*/\1/p'; }
forwarding_of() { in_ns rs1 cat "/proc/sys/net/$1/conf/$2/forwarding"; }
# set_default_forwarding V: what a device created now starts with (a router's 1).
set_default_forwarding() {
	in_ns rs1 sh -c "echo $1 >/proc/sys/net/ipv4/conf/default/forwarding;
		echo $1 >/proc/sys/net/ipv6/conf/default/forwarding"
}

test_gre_csum() {
	tun_configs gre "tun_csum=csum" "tunnel_csum = csum\n$DIRECTORS_KEY"
	set_default_forwarding 1
	ns_snapshot rs1 >/tmp/before-rs1
	check "gre csum: director apply (tun_csum=csum)" director apply
	for n in 1 2; do check "gre csum: rs$n: start" realserver "rs$n" start; done
	check "gre csum: rs1 has lvsagent's own $GRE4 up" link_up rs1 $GRE4
	contains "gre csum: ... with the director as its remote end" "gre remote 10.0.0.2 " \
		$IP -n rs1 -d link show $GRE4
	contains "gre csum: ... checksums in" "icsum" $IP -n rs1 -d link show $GRE4
	contains "gre csum: ... and out" "ocsum" $IP -n rs1 -d link show $GRE4
	contains "gre csum: ... lvsagent's mark" "alias lvsagent tunnel: gre csum from 10.0.0.2" \
		$IP -n rs1 -d link show $GRE4
	same "gre csum: ... forwarding off on it (default's is 1 here)" 0 forwarding_of ipv4 $GRE4
	same "gre csum: ... rp_filter 0" 0 sysctl_of rs1 $GRE4
	gre6=$(own_gre6)
	check "gre csum: ... and an ip6gre one for IPv6 ($gre6)" link_up rs1 "${gre6:-none}"
	same "gre csum: ... forwarding off on it too" 0 forwarding_of ipv6 "${gre6:-none}"
	check "gre csum: the fallback gre0 is not needed (left down)" not link_up rs1 gre0
	contains "gre csum: status says whose" "up (lvsagent's own device)" \
		realserver rs1 status
	check "gre csum: status: everything in place" realserver rs1 status
	check "gre csum: four fetches, answered from the VIP by rs1 and rs2" \
		both_answer_from "http://$VIP/" $VIP
	same "gre csum: ... no CRC error on it" 0 in_ns rs1 cat /sys/class/net/$GRE4/statistics/rx_crc_errors
	check "gre csum: ... over IPv6 too" both_answer_from "http://[$VIP6]/" $VIP6
	check "gre csum: the replies bypass the director" director_sees_requests_only "http://$VIP/big"

	# The daemon creates it again when it is deleted.
	$IP netns exec rs1 lvsagent -c /tmp/tun-rs1.conf run 2>/tmp/tun-daemon.log &
	daemon=$!
	# Past its first converge: what follows is a repair.
	check "gre csum: daemon: running" wait_for grep -q "running:" /tmp/tun-daemon.log
	$IP -n rs1 link del $GRE4
	check "gre csum: daemon: a deleted own device is created again" wait_for link_up rs1 $GRE4
	contains "gre csum: daemon: ... and says so" "tunnel $GRE4 was missing; created it" \
		cat /tmp/tun-daemon.log
	check "gre csum: daemon: ... the fetches work again" both_answer_from "http://$VIP/" $VIP
	kill -TERM "$daemon"
	wait "$daemon"
	check "gre csum: daemon: exits 0 on SIGTERM" [ $? -eq 0 ]
	[ -z "$failures" ] || sed 's/^/     daemon| /' /tmp/tun-daemon.log
	check "gre csum: SIGTERM deleted lvsagent's own devices" not $IP -n rs1 link show $GRE4
	check "gre csum: rs1 stop" realserver rs1 stop
	check "gre csum: rs2 stop" realserver rs2 stop
	check "gre csum: stop put back everything exactly" same_as_before rs1
	set_default_forwarding 0
	check "gre csum: director stop" director stop
}

# --- the mixed cases: IPv4 VIP to IPv6 real server addresses, and back -----------

# own_dev PREFIX: rs1's device of lvsagent's own whose name starts so.
own_dev() { $IP -n rs1 -o link show | sed -n "s/^[0-9]*: \($1[0-9a-f]*\)@.*/\1/p"; }
own_4in6() { own_dev lvs4in6; }
SIT4=lvs6in40a000002	# 10.0.0.2's
# mixed_configs TUNNEL DIRECTOR_OPTIONS RS_KEYS: tun_configs with the
# director's real servers crossed (lvsagent director lets method=tun mix
# families, as IPVS does): the IPv4 VIP to the real servers' IPv6
# addresses, the IPv6 VIP to their IPv4 ones; both directors' addresses
# in directors (the mixed case is known by them).
mixed_configs() {
	tun_configs "$1" "$2" "$3$DIRECTORS_KEY"
	sed -i 's/^realserver = 10\.0\.1\.\([34]\) /realserver = X\1 /
		s/^realserver = 2001:db8:1::\([34]\) /realserver = 10.0.1.\1 /
		s/^realserver = X\([34]\) /realserver = 2001:db8:1::\1 /' /tmp/tun-director.conf
}
# no_answer URL: one fetch, unanswered.
no_answer() { ! in_ns client curl -s -g --max-time 2 "$1"; }

# mixed_start TUNNEL DIRECTOR_OPTIONS RS_KEYS: the director and both real
# servers up for the mixed case, rs1's snapshot taken before.
mixed_start() {
	mixed_configs "$@"
	set_default_forwarding 1
	ns_snapshot rs1 >/tmp/before-rs1
	check "mixed $1: director apply (IPv4 VIP to IPv6 real servers and back, method=tun)" \
		director apply
	contains "mixed $1: the director's IPv4 VIP goes to IPv6 addresses" "[2001:db8:1::3]:80" \
		director status
}

# mixed_fetch TUNNEL: the fetches both ways.
mixed_fetch() {
	check "mixed $1: status: everything in place" realserver rs1 status
	check "mixed $1: fetches of the IPv4 VIP, answered by rs1 and rs2 through IPv6" \
		both_answer_from "http://$VIP/" $VIP
	check "mixed $1: ... of the IPv6 VIP through IPv4" both_answer_from "http://[$VIP6]/" $VIP6
}

# mixed_stop TUNNEL: stop and what it must leave.
mixed_stop() {
	for n in 1 2; do check "mixed $1: rs$n: stop" realserver "rs$n" stop; done
	check "mixed $1: stop deleted lvsagent's own devices" \
		not output_grep "lvs4in6\|lvs6in4\|lvs6gre\|lvsgre" $IP -n rs1 link show
	check "mixed $1: stop put back everything exactly" same_as_before rs1
	set_default_forwarding 0
	check "mixed $1: director stop" director stop
}

test_mixed_ipip() {
	# The sit device loads the sit module: its fallback sit0 appears, down.
	module_loaded sit || FALLBACKS=$(fallbacks sit0)
	mixed_start ipip "" ""
	check "mixed ipip: before start, no answer (ip6tnl0 takes ip6ip6 only)" no_answer "http://$VIP/"
	check "mixed ipip: ... nor over IPv4 (sit0 is down)" no_answer "http://[$VIP6]/"
	for n in 1 2; do check "mixed ipip: rs$n: start" realserver "rs$n" start; done
	dev=$(own_4in6)
	check "mixed ipip: rs1 has lvsagent's own ip6tnl device up ($dev)" link_up rs1 "${dev:-none}"
	contains "mixed ipip: ... mode any, the director as its remote end" \
		"ip6tnl any remote 2001:db8::2 " $IP -n rs1 -d link show "${dev:-none}"
	contains "mixed ipip: ... lvsagent's mark" "alias lvsagent tunnel: ip6tnl any from 2001:db8::2" \
		$IP -n rs1 -d link show "${dev:-none}"
	same "mixed ipip: ... IPv4 forwarding off on it (default's is 1 here)" 0 \
		forwarding_of ipv4 "${dev:-none}"
	same "mixed ipip: ... IPv6 forwarding too (mode any hands on both)" 0 \
		forwarding_of ipv6 "${dev:-none}"
	same "mixed ipip: ... rp_filter 0 (it hands on IPv4)" 0 sysctl_of rs1 "${dev:-none}"
	check "mixed ipip: and a sit device for the IPv4 director ($SIT4)" link_up rs1 $SIT4
	contains "mixed ipip: ... mode ip6ip, the director as its remote end" \
		"sit ip6ip remote 10.0.0.2 " $IP -n rs1 -d link show $SIT4
	contains "mixed ipip: ... lvsagent's mark" "alias lvsagent tunnel: sit ip6ip from 10.0.0.2" \
		$IP -n rs1 -d link show $SIT4
	same "mixed ipip: ... IPv6 forwarding off on it" 0 forwarding_of ipv6 $SIT4
	contains "mixed ipip: directors: protocol 41 over IPv4 from others dropped too" \
		"meta l4proto ipv6 ip saddr != @directors4 counter" \
		in_ns rs1 $NFT list table inet lvsagent
	packets=$(rx_packets rs1 $SIT4)
	mixed_fetch ipip
	check "mixed ipip: ... the IPv6 VIP's requests decapsulated on $SIT4" \
		test "$(rx_packets rs1 $SIT4)" -gt "$packets"
	mixed_stop ipip
	FALLBACKS=""
}

test_mixed_gre() {
	mixed_start gre "" ""
	for n in 1 2; do check "mixed gre: rs$n: start" realserver "rs$n" start; done
	check "mixed gre: rs1 has ip6gre0 up for the IPv4 VIP" link_up rs1 ip6gre0
	same "mixed gre: ... its rp_filter 0 (it hands on IPv4)" 0 sysctl_of rs1 ip6gre0
	check "mixed gre: ... and gre0 for the IPv6 one" link_up rs1 gre0
	packets=$(rx_packets rs1 ip6gre0) packets4=$(rx_packets rs1 gre0)
	mixed_fetch gre
	check "mixed gre: ... the IPv4 VIP's decapsulated on ip6gre0" \
		test "$(rx_packets rs1 ip6gre0)" -gt "$packets"
	check "mixed gre: ... the IPv6 VIP's on gre0" test "$(rx_packets rs1 gre0)" -gt "$packets4"
	mixed_stop gre
	check "mixed gre: ip6gre0 is down again" not link_up rs1 ip6gre0
}

test_mixed_gre_csum() {
	mixed_start gre "tun_csum=csum" "tunnel_csum = csum\n"
	for n in 1 2; do check "mixed gre csum: rs$n: start" realserver "rs$n" start; done
	gre6=$(own_gre6)
	check "mixed gre csum: the IPv6 director's own ip6gre device ($gre6)" link_up rs1 "${gre6:-none}"
	same "mixed gre csum: ... rp_filter 0 on it (it hands on IPv4)" 0 sysctl_of rs1 "${gre6:-none}"
	same "mixed gre csum: ... IPv4 forwarding off on it" 0 forwarding_of ipv4 "${gre6:-none}"
	check "mixed gre csum: and the IPv4 one's ($GRE4)" link_up rs1 $GRE4
	same "mixed gre csum: ... IPv6 forwarding off on it" 0 forwarding_of ipv6 $GRE4
	mixed_fetch "gre csum"
	same "mixed gre csum: ... no CRC error on $gre6" 0 \
		in_ns rs1 cat "/sys/class/net/${gre6:-none}/statistics/rx_crc_errors"
	mixed_stop "gre csum"
}

test_mixed_gue() {
	mixed_start gue "tun_port=6080" "$GUE_KEYS"
	for n in 1 2; do check "mixed gue: rs$n: start" realserver "rs$n" start; done
	contains "mixed gue: a GUE port for IPv6 (the IPv4 VIP's packets)" "port 6080 gue -6" \
		fou_ports rs1
	check "mixed gue: ... and IPv4" fou_has_port rs1
	check "mixed gue: the own ip6tnl device" link_up rs1 "$(own_4in6)"
	check "mixed gue: ... and sit" link_up rs1 $SIT4
	mixed_fetch gue
	mixed_stop gue
	same "mixed gue: stop removed the fou ports" "" fou_ports rs1
}

# --- GUE: fou ports ------------------------------------------------------------

GUE_KEYS='tunnel_port = 6080\n'
fou_ports() { $IP -n "$1" fou show 2>&1; }

test_gue_without_fou() {
	tun_configs gue "tun_port=6080" "$GUE_KEYS"
	if module_loaded fou; then
		check "fou loaded by an earlier test: the missing-fou case is skipped" true
		return
	fi
	loader=$(cat /proc/sys/kernel/modprobe)
	echo /bin/false >/proc/sys/kernel/modprobe
	ns_snapshot rs1 >/tmp/before-rs1
	refused "gue without the fou module: exit 1" 1 realserver rs1 start
	contains "... saying so" "load the fou module (modprobe fou); nothing was changed" \
		realserver rs1 start
	check "... nothing changed" same_as_before rs1
	check "... no state recorded" not test -s /run/lvsagent-tun-rs1/state
	echo "$loader" >/proc/sys/kernel/modprobe
}

# gue_round CSUM: the director's gue with tun_csum=CSUM, through fou
# ports lvsagent adds and removes.
gue_round() {
	# remcsum: with directors too, whose rule matches GUE by its UDP port.
	extra=""
	[ "$1" = remcsum ] && extra=$DIRECTORS_KEY
	tun_configs gue "tun_port=6080 tun_csum=$1" "${GUE_KEYS}tunnel_csum = $1\n$extra"
	ns_snapshot rs1 >/tmp/before-rs1
	check "gue $1: director apply" director apply
	for n in 1 2; do check "gue $1: rs$n: start" realserver "rs$n" start; done
	contains "gue $1: a GUE port for IPv4" "port 6080 gue" fou_ports rs1
	contains "gue $1: ... and one for IPv6" "port 6080 gue -6" fou_ports rs1
	contains "gue $1: status shows it" "fou     6080/ipv4" realserver rs1 status
	check "gue $1: status: everything in place" realserver rs1 status
	[ -z "$extra" ] || contains "gue $1: the directors' rule matches the GUE port" \
		"udp dport 6080 ip saddr != @directors4 counter" in_ns rs1 $NFT list table inet lvsagent
	check "gue $1: four fetches, answered from the VIP by rs1 and rs2" \
		both_answer_from "http://$VIP/" $VIP
	check "gue $1: ... over IPv6 too" both_answer_from "http://[$VIP6]/" $VIP6
	check "gue $1: the replies bypass the director" director_sees_requests_only "http://$VIP/big"
	for n in 1 2; do check "gue $1: rs$n: stop" realserver "rs$n" stop; done
	same "gue $1: stop removed the fou ports" "" fou_ports rs1
	check "gue $1: stop put back everything exactly" same_as_before rs1
	check "gue $1: director stop" director stop
}

# Someone else's port on 6080: used, never removed.
test_gue_foreign_port() {
	tun_configs gue "tun_port=6080" "$GUE_KEYS"
	$IP -n rs1 fou add port 6080 gue
	check "gue: start with someone else's port 6080" realserver rs1 start
	check "gue: stop" realserver rs1 stop
	contains "gue: ... left their port" "port 6080 gue" fou_ports rs1
	$IP -n rs1 fou del port 6080
}

# --- directors: encapsulated packets from anyone else dropped ----------------------

# dropped NS: the packets table inet lvsagent's counters counted.
dropped() {
	in_ns "$1" $NFT list table inet lvsagent | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}
filter_table_there() { in_ns "$1" $NFT list table inet lvsagent >/dev/null 2>&1; }

# A spoofer: the client with tunnels of its own to rs1 (ipip and
# ip6ip6), and the VIPs routed into them — what a director sends, from a
# host that is not one.
spoof_up() {
	$IP -n client tunnel add spoof mode ipip local 10.0.0.1 remote 10.0.1.3 &&
		$IP -n client link set spoof up &&
		$IP -n client route add $VIP/32 dev spoof &&
		$IP -n client -6 tunnel add spoof6 mode ip6ip6 local 2001:db8::1 remote 2001:db8:1::3 &&
		$IP -n client link set spoof6 up &&
		$IP -n client -6 route add $VIP6/128 dev spoof6
}
spoof_down() {
	$IP -n client link del spoof
	$IP -n client link del spoof6
}
# spoofed_answer URL: what the client gets through its own tunnel.
spoofed_answer() { in_ns client curl -s -g --max-time 2 "$1"; }

test_directors() {
	tun_configs ipip
	ns_snapshot rs1 >/tmp/before-rs1
	check "directors: director apply" director apply
	for n in 1 2; do check "directors: rs$n: start without directors" realserver "rs$n" start; done
	check "directors: the spoofer's tunnels" spoof_up
	same "directors: without it, rs1 answers a tunnel packet from anyone (the client)" rs1 \
		spoofed_answer "http://$VIP/"
	same "directors: ... over ip6ip6 too" rs1 spoofed_answer "http://[$VIP6]/"

	tun_configs ipip "" "$DIRECTORS_KEY"
	for n in 1 2; do check "directors: rs$n: start with directors" realserver "rs$n" start; done
	check "directors: table inet lvsagent is there" filter_table_there rs1
	contains "directors: status shows it" "tunnel packets only from 2 directors" \
		realserver rs1 status
	check "directors: status: everything in place" realserver rs1 status
	before=$(dropped rs1)
	check "directors: the client's ipip packet is dropped (no answer)" \
		not spoofed_answer "http://$VIP/"
	check "directors: ... and its ip6ip6 packet" not spoofed_answer "http://[$VIP6]/"
	after=$(dropped rs1)
	echo "     table inet lvsagent counted $before, then $after dropped packets"
	check "directors: ... counted by the rule's counter" test "$after" -gt "$before"
	matches "directors: status says how many" "[1-9][0-9]* tunnel packets from others dropped" \
		realserver rs1 status
	spoof_down
	# The count once the spoofer's tunnels are gone: up, spoof6 also sent
	# IPv6's own packets (router solicitations, MLD reports) through them,
	# dropped too, one of them possibly after the read above.
	settled=$(dropped rs1)
	check "directors: the directors' packets still get through (rs1 and rs2, IPv4)" \
		both_answer_from "http://$VIP/" $VIP
	check "directors: ... and IPv6" both_answer_from "http://[$VIP6]/" $VIP6
	same "directors: ... none of them dropped" "$settled" dropped rs1

	# The daemon puts the table back when it is deleted or flushed away.
	$IP netns exec rs1 lvsagent -c /tmp/tun-rs1.conf run 2>/tmp/tun-daemon.log &
	daemon=$!
	# Past its first converge (which would add the table back as its
	# start, not as a repair): it says "running" then.
	check "directors: daemon: running" wait_for grep -q "running:" /tmp/tun-daemon.log
	check "directors: daemon: the table is there" filter_table_there rs1
	in_ns rs1 $NFT delete table inet lvsagent
	check "directors: daemon: a deleted table inet lvsagent is restored" \
		wait_for filter_table_there rs1
	contains "directors: daemon: ... and says so" "nft table inet lvsagent was missing; restored it" \
		cat /tmp/tun-daemon.log
	in_ns rs1 $NFT flush ruleset
	check "directors: daemon: ... and after nft flush ruleset" wait_for filter_table_there rs1
	kill -TERM "$daemon"
	wait "$daemon"
	check "directors: daemon: exits 0 on SIGTERM" [ $? -eq 0 ]
	[ -z "$failures" ] || sed 's/^/     daemon| /' /tmp/tun-daemon.log
	check "directors: the daemon's SIGTERM removed the table" not filter_table_there rs1
	check "directors: rs1 stop" realserver rs1 stop
	check "directors: rs2 stop" realserver rs2 stop
	check "directors: stop put back everything exactly (the ruleset too)" same_as_before rs1
	check "directors: director stop" director stop
}

# --- mss: the client's connection shows the clamped MSS --------------------------

# client_mss HOST: the MSS (ss's mss:, what the client sends with) of a
# connection from the client to HOST:80, held open for the reading.
client_mss() {
	in_ns client sh -c "sleep 2 | socat - 'TCP:$1:80' >/dev/null 2>&1 &"
	wait_for in_ns client sh -c 'ss -tin state established | grep -q " mss:"'
	in_ns client ss -tin state established | sed -n 's/.* mss:\([0-9]*\).*/\1/p' | head -1
	# Closed before the next one, so that one connection is read at a time.
	i=0
	while [ $i -lt 40 ] && in_ns client ss -tn state established | grep -q ":80"; do
		usleep 100000
		i=$((i + 1))
	done
}

test_mss() {
	tun_configs ipip
	ns_snapshot rs1 >/tmp/before-rs1
	check "mss: director apply" director apply
	for n in 1 2; do check "mss: rs$n: start without mss" realserver "rs$n" start; done
	plain=$(client_mss $VIP) plain6=$(client_mss "[$VIP6]")
	tun_configs ipip "" 'mss = 1400\n'
	for n in 1 2; do check "mss: rs$n: start with mss = 1400" realserver "rs$n" start; done
	contains "mss: status shows it" "TCP MSS clamped to 1400" realserver rs1 status
	check "mss: status: everything in place" realserver rs1 status
	clamped=$(client_mss $VIP) clamped6=$(client_mss "[$VIP6]")
	echo "     the client's MSS: $plain (IPv6 $plain6) without, $clamped ($clamped6) with mss = 1400"
	check "mss: without it, the client sends more than 1400 bytes a segment" \
		test "${plain:-0}" -gt 1400
	check "mss: with it, at most 1400 (the real server's SYN-ACK clamped)" \
		test "${clamped:-9999}" -le 1400
	check "mss: ... over IPv6 too" test "${plain6:-0}" -gt 1400 -a "${clamped6:-9999}" -le 1400
	check "mss: the fetches still work" both_answer_from "http://$VIP/" $VIP
	check "mss: ... a big reply too" director_sees_requests_only "http://$VIP/big"
	check "mss: rs1 stop" realserver rs1 stop
	check "mss: rs2 stop" realserver rs2 stop
	check "mss: stop put back everything exactly (the ruleset too)" same_as_before rs1
	check "mss: director stop" director stop
}

# --- another device that the kernel's lookup picks first ------------------------

test_rival() {
	tun_configs ipip "" 'directors = 10.0.0.2\n'
	ns_snapshot rs1 >/tmp/before-rs1
	check "rival: director apply" director apply
	# Someone else's ipip device to the director: the kernel gives it the
	# director's packets before tunl0 (it answers nothing: no route back).
	$IP -n rs1 link add rival type ipip local 10.0.1.3 remote 10.0.0.2
	$IP -n rs1 link set rival up
	for n in 1 2; do check "rival: rs$n: start" realserver "rs$n" start; done
	contains "rival: status names the device picked first" \
		"is picked first by the kernel's lookup: they do not reach this one (rival)" \
		realserver rs1 status
	contains "rival: ... start warned of it too" "picked first by the kernel's lookup" \
		realserver rs1 start
	packets=$(rx_packets rs1 rival) on_tunl0=$(rx_packets rs1 tunl0)
	both_answer_from "http://$VIP/" $VIP >/dev/null
	check "rival: ... and it does take them: they arrive on it" \
		test "$(rx_packets rs1 rival)" -gt "$packets"
	same "rival: ... not on tunl0" "$on_tunl0" rx_packets rs1 tunl0
	$IP -n rs1 link del rival
	check "rival: gone, status says nothing of it" not output_grep -F "picked first" \
		realserver rs1 status
	check "rival: ... and the fetches work" both_answer_from "http://$VIP/" $VIP
	for n in 1 2; do check "rival: rs$n: stop" realserver "rs$n" stop; done
	check "rival: stop put back everything exactly" same_as_before rs1
	check "rival: director stop" director stop
}

# --- a Calico-like tunl0, and the daemon's repairs -------------------------------

test_foreign_tunl0() {
	tun_configs ipip
	$IP -n rs1 addr add 10.244.1.0/32 dev tunl0
	$IP -n rs1 link set tunl0 mtu 1440 up
	ns_snapshot rs1 >/tmp/before-rs1
	check "calico: start with someone else's tunl0 up" realserver rs1 start
	check "calico: rs2 start" realserver rs2 start
	contains "calico: status says tunl0 is not lvsagent's" \
		"up (not lvsagent's: left as it is)" realserver rs1 status
	check "calico: director apply" director apply
	check "calico: the VIP answers, through it too" both_answer_from "http://$VIP/" $VIP
	check "calico: stop" realserver rs1 stop
	check "calico: rs2 stop" realserver rs2 stop
	check "calico: tunl0 exactly as it was (address, MTU 1440, up)" same_as_before rs1
	$IP -n rs1 addr del 10.244.1.0/32 dev tunl0
	$IP -n rs1 link set tunl0 mtu 1480 down
	check "calico: director stop" director stop
}

test_daemon_repairs() {
	tun_configs ipip
	ns_snapshot rs1 >/tmp/before-rs1
	# Not through in_ns: a function in the background is a subshell, and
	# $! would be its pid, not the daemon's.
	$IP netns exec rs1 lvsagent -c /tmp/tun-rs1.conf run 2>/tmp/tun-daemon.log &
	daemon=$!
	check "daemon: tunl0 up" wait_for link_up rs1 tunl0
	$IP -n rs1 link set tunl0 down
	check "daemon: tunl0 set down by hand is brought up again" wait_for link_up rs1 tunl0
	contains "daemon: ... and says so" "tunnel tunl0 was down; set it up" cat /tmp/tun-daemon.log
	kill -TERM "$daemon"
	wait "$daemon"
	check "daemon: exits 0 on SIGTERM (it ran to the end)" [ $? -eq 0 ]
	[ -z "$failures" ] || sed 's/^/     daemon| /' /tmp/tun-daemon.log
	check "daemon: SIGTERM withdrew everything exactly" same_as_before rs1

	# fou sends no events: the periodic check finds a deleted port.
	tun_configs gue "tun_port=6080" "${GUE_KEYS}"
	sed -i 's|^\[realserver\]|sysctl_check_interval = 1\n\n&|' /tmp/tun-rs1.conf
	$IP netns exec rs1 lvsagent -c /tmp/tun-rs1.conf run 2>/tmp/tun-daemon.log &
	daemon=$!
	check "daemon: gue port added" wait_for fou_has_port rs1
	$IP -n rs1 fou del port 6080
	check "daemon: a deleted fou port is added back within the check interval" \
		wait_for fou_has_port rs1
	contains "daemon: ... and says so" "fou port 6080/ipv4 was missing; added it back" \
		cat /tmp/tun-daemon.log
	kill -TERM "$daemon"
	wait "$daemon"
	check "daemon: exits 0 on SIGTERM (it ran to the end)" [ $? -eq 0 ]
	[ -z "$failures" ] || sed 's/^/     daemon| /' /tmp/tun-daemon.log
	same "daemon: SIGTERM removed its ports" "" fou_ports rs1
}
fou_has_port() { fou_ports "$1" | grep -q "port 6080 gue$"; }

tun_lab_up || { echo "FAIL the TUN lab could not be built"; exit 1; }
test_no_module
# Round one loads the modules: their fallback devices appear then, down.
# fallbacks NAME...: the FALLBACKS pattern for those devices.
fallbacks() {
	names=$(echo "$@" | tr ' ' '|')
	echo "^($names)([@:]| )|/conf/($names)/| dev ($names) "
}
FALLBACKS=""
FALLBACKS_NEW=$(fallbacks tunl0 ip6tnl0 sit0)
lab_round ipip tunl0 ip6tnl0
FALLBACKS_NEW=$(fallbacks gre0 gretap0 erspan0 ip6gre0 ip6gretap0 ip6erspan0)
lab_round gre gre0 ip6gre0
test_gre_csum
test_mixed_ipip
test_mixed_gre
test_mixed_gre_csum
test_gue_without_fou
modprobe fou
for csum in none csum remcsum; do gue_round $csum; done
test_mixed_gue
test_gue_foreign_port
test_foreign_tunl0
test_daemon_repairs
test_directors
test_mss
test_rival
lab_cleanup
finish t_tun
