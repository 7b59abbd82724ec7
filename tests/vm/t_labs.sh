#!/bin/sh
# The seeds' labs, automated (runs in the VM): LVS-DR with lvsagent on the
# director and on both real servers, IPv4 and IPv6; LVS-NAT with the
# director as the real servers' gateway. A client in its own namespace
# checks what a person would: the VIP answers, round robin reaches both
# real servers, only the director answers ARP for the VIP, and a broken
# real server shows.
. /tests/lib.sh

director() { in_ns director lvsagent -c /tmp/director.conf director "$@"; }
realserver() { in_ns "$1" lvsagent -c "/tmp/$1.conf" "$2"; }
vip_on_eth0() { $IP -n director -o addr show dev eth0 | grep -q "inet6\? $1/$2 "; }

test_dr() {
	dr_lab_up || { echo "FAIL the DR lab could not be built"; exit 1; }
	# The client learnt the VIP from some other host earlier (a stale
	# entry): the director's announcement must correct it.
	$IP -n client neigh replace $DR_VIP lladdr 02:00:00:00:00:99 dev eth0 nud stale
	$IP -n client neigh replace $DR_VIP6 lladdr 02:00:00:00:00:99 dev eth0 nud stale
	check "rs1: lvsagent start" realserver rs1 start
	check "rs2: lvsagent start" realserver rs2 start
	check "director: lvsagent director apply" director apply
	dmac=$(mac director eth0)
	check "the director holds the VIP on eth0 (/32)" vip_on_eth0 $DR_VIP 32
	check "... and the IPv6 VIP (/128)" vip_on_eth0 $DR_VIP6 128
	check "its gratuitous ARP corrected the client's stale entry" \
		wait_for neighbour_is client $DR_VIP "$dmac"
	check "its unsolicited neighbour advertisement corrected the IPv6 entry" \
		wait_for neighbour_is client $DR_VIP6 "$dmac"
	check "four fetches of the VIP reach both real servers, twice each (rr)" \
		both_answer client "http://$DR_VIP/"
	check "... over IPv6 too" both_answer client "http://[$DR_VIP6]/"
	same "only the director answers ARP for the VIP" "$dmac" arp_repliers client $DR_VIP
	contains "director status lists both real servers" "10.0.0.4:80                  Route" director status

	# A broken real server (its VIP withdrawn) must make the check fail.
	check "rs2: lvsagent stop" realserver rs2 stop
	check "with rs2 broken, the client does not get both real servers" \
		not both_answer client "http://$DR_VIP/"
	check "rs2: lvsagent start again" realserver rs2 start
	check "repaired: both real servers answer again" both_answer client "http://$DR_VIP/"

	check "director stop" director stop
	same "director stop emptied the table" "" in_ns director ipvsadm -Sn
	check "director stop unbound the VIP" not vip_on_eth0 $DR_VIP 32
	check "... and the IPv6 VIP" not vip_on_eth0 $DR_VIP6 128
	lab_cleanup
}

test_nat() {
	nat_lab_up || { echo "FAIL the NAT lab could not be built"; exit 1; }
	nat() { in_ns ndirector lvsagent -c /tmp/nat-director.conf director "$@"; }
	same "ip_forward is off on the director" "0" in_ns ndirector cat /proc/sys/net/ipv4/ip_forward
	contains "director apply turns ip_forward on, and says so" \
		"set sysctl net.ipv4.ip_forward: 1 (was 0)" nat apply
	check "four fetches of the VIP reach both real servers on port 8080 (rr)" \
		both_answer nclient "http://10.1.0.100/" nrs
	# A real server whose replies do not come back through the director.
	$IP -n nrs2 route del default
	check "with nrs2's gateway gone, the client does not get both" \
		not both_answer nclient "http://10.1.0.100/" nrs
	$IP -n nrs2 route add default via 192.168.50.1
	check "director stop" nat stop
	same "... restored ip_forward" "0" in_ns ndirector cat /proc/sys/net/ipv4/ip_forward
	lab_cleanup
}

test_dr
test_nat
finish t_labs
