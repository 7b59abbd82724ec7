#!/bin/sh
# make demo: the seeds' LVS-DR lab, for a person to watch (runs in the VM,
# whose kernel has IPVS). A client, a director and two real servers on one
# bridge; the real servers run `lvsagent start` and a web server, the
# director `lvsagent director apply`; the client fetches the VIP. Then the
# same for LVS-TUN, the real servers in another network (lib.sh's TUN lab).
. /tests/lib.sh

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() {
	printf '\033[36m%s$ %s\033[0m\n' "$1" "$(shift; echo "$*")"
	ns=$1
	shift
	in_ns "$ns" "$@"
	printf '\033[2m(exit %d)\033[0m\n' $?
}
# Who answers ARP for the VIP, by name.
responders() {
	for m in $(arp_repliers client $DR_VIP); do
		case $m in
		"$dmac") echo "    $m  the director" ;;
		"$(mac rs1 eth0)") echo "    $m  rs1 (a real server!)" ;;
		"$(mac rs2 eth0)") echo "    $m  rs2 (a real server!)" ;;
		*) echo "    $m  ?" ;;
		esac
	done
}

say "The lab: client 10.0.0.1, director 10.0.0.2, real servers rs1 10.0.0.3 and rs2 10.0.0.4; VIP $DR_VIP"
dr_lab_up || { echo "the lab could not be built"; exit 1; }
dmac=$(mac director eth0)
echo "Each real server runs a web server answering its own name."

say "The problem: the VIP on rs1's lo by hand (the old init script), arp sysctls at their defaults"
$IP -n director addr add $DR_VIP/32 dev eth0
$IP -n rs1 addr add $DR_VIP/32 dev lo label lo:0
echo "ARP replies for $DR_VIP seen by the client:"
responders
echo "Two MACs answer: the client (or its router) may send VIP traffic straight to rs1."
$IP -n rs1 addr del $DR_VIP/32 dev lo
$IP -n director addr del $DR_VIP/32 dev eth0

say "The real servers' configuration (/tmp/rs1.conf)"
cat /tmp/rs1.conf
show rs1 lvsagent -c /tmp/rs1.conf start
show rs2 lvsagent -c /tmp/rs2.conf start
say "A real server's status (exit 0: every VIP, route and sysctl in place)"
show rs1 lvsagent -c /tmp/rs1.conf status

say "The director's configuration (/tmp/director.conf)"
cat /tmp/director.conf
show director lvsagent -c /tmp/director.conf director apply

say "The director's table (lvsagent director status: ipvsadm -Ln's columns, then what is managed)"
show director lvsagent -c /tmp/director.conf director status

say "Who answers ARP for $DR_VIP now"
responders
echo "Only the director: the real servers hold the VIP on lo and keep quiet."

say "The client fetches http://$DR_VIP/ four times (round robin)"
for i in 1 2 3 4; do
	echo "    $(fetch client "http://$DR_VIP/")"
done
say "... and http://[$DR_VIP6]/ (IPv6 DR, same lab)"
for i in 1 2 3 4; do
	echo "    $(fetch client "http://[$DR_VIP6]/")"
done

say "The director's connection table: each fetch went to the real server rr picked"
show director ipvsadm -Lnc

say "Everything put back: director stop, then lvsagent stop on each real server"
show director lvsagent -c /tmp/director.conf director stop
show rs1 lvsagent -c /tmp/rs1.conf stop
show rs2 lvsagent -c /tmp/rs2.conf stop
show director ipvsadm -Ln
lab_cleanup

# LVS-TUN: the real servers in another network, behind a router.
say "LVS-TUN: client 10.0.0.1 and director 10.0.0.2 in one network; a router; rs1 10.0.1.3 and rs2 10.0.1.4 in another. VIP $TUN_VIP"
tun_lab_up || { echo "the TUN lab could not be built"; exit 1; }
tun_configs ipip
in_ns rs1 sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 1 >$f; done'
in_ns rs2 sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 1 >$f; done'
echo "Both real servers filter reverse paths strictly (all.rp_filter = 1, RHEL's default)."
say "The director tunnels (method=tun tun_type=ipip)"
show director lvsagent -c /tmp/tun-director.conf director apply
say "Without lvsagent on the real servers, the tunnelled requests are dropped"
echo "    $(fetch client "http://$TUN_VIP/")"
say "The real servers' configuration (/tmp/tun-rs1.conf)"
cat /tmp/tun-rs1.conf
show rs1 lvsagent -c /tmp/tun-rs1.conf start
show rs2 lvsagent -c /tmp/tun-rs2.conf start
say "rs1's status: the VIPs on lo, tunl0 and ip6tnl0 up, rp_filter moved off all onto each interface"
show rs1 lvsagent -c /tmp/tun-rs1.conf status
say "The client fetches http://$TUN_VIP/ and http://[$TUN_VIP6]/ four times each: who answered, from which address"
for i in 1 2 3 4; do echo "    $(fetch_from "http://$TUN_VIP/")"; done
for i in 1 2 3 4; do echo "    $(fetch_from "http://[$TUN_VIP6]/")"; done
before=$(in_ns director cat /sys/class/net/eth0/statistics/rx_bytes)
in_ns client curl -s -o /dev/null "http://$TUN_VIP/big"
echo "A 200000-byte reply added $(($(in_ns director cat /sys/class/net/eth0/statistics/rx_bytes) - before)) bytes to what the director received: the replies go straight from the real server to the client."
say "Everything put back: director stop, then lvsagent stop on each real server"
show director lvsagent -c /tmp/tun-director.conf director stop
show rs1 lvsagent -c /tmp/tun-rs1.conf stop
show rs2 lvsagent -c /tmp/tun-rs2.conf stop
show rs1 cat /proc/sys/net/ipv4/conf/all/rp_filter
echo
echo "demo done."
