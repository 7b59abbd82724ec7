#!/bin/bash
# make demo-realserver: lvsagent on a real server in a namespace lab — the ARP problem,
# lvsagent fixing it, the DR data path, status, and stop putting it back.
LVSAGENT=${1:?usage: demo_realserver.sh /path/to/lvsagent}
export LVSAGENT
. "$(dirname "$0")/netns/lib.sh"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() {
	local rc=0
	printf '\033[36m$ %s\033[0m\n' "$*"
	"$@" || rc=$?
	printf '\033[2m(exit %d)\033[0m\n' "$rc"
}
responders() {
	local macs
	macs=$(arp_responders "$VIP4")
	echo "ARP replies for $VIP4 came from: $macs"
	for mac in $macs; do
		[ "$mac" = "$director_mac" ] && echo "    $mac = the director"
		[ "$mac" = "$rs_mac" ] && echo "    $mac = the real server"
	done
	return 0
}

say "A lab of namespaces on one bridge: client 10.77.0.1, director 10.77.0.2, real server 10.77.0.3"
lab_up_dr
echo "The director holds the VIP $VIP4 on its eth0 ($director_mac)."
echo "The real server ($rs_mac) must hold it on lo and never answer ARP for it."

say "The problem: the VIP put on lo by hand, ARP sysctls at their defaults"
show in_rs ip addr add "$VIP4/32" dev lo label lo:0
responders
echo "Two MACs: clients and routers may learn the real server's and bypass the director."
in_rs ip addr del "$VIP4/32" dev lo

conf=$TMP/lvsagent.conf
write_config "$conf" "vip = $VIP4" "vip = $VIP6" "interfaces = eth0"
say "The configuration"
cat "$conf"

say "lvsagent start"
show agent -c "$conf" start
show in_rs ip addr show dev lo
show in_rs ip route show table main
responders
echo "Only the director answers: ARP is suppressed on the real server."

say "The DR data path: the client sends to the VIP at the real server's MAC, as the director would"
in_client ip neigh replace "$VIP4" lladdr "$rs_mac" dev eth0 nud permanent
in_rs socat "TCP4-LISTEN:8080,bind=$VIP4,reuseaddr,fork" SYSTEM:'echo hello from the real server' \
	>/dev/null 2>&1 &
wait_listening 8080
show in_client socat -T 2 - "TCP4:$VIP4:8080"
kill %1 2>/dev/null; wait 2>/dev/null

say "lvsagent status (exit code 0: everything in place)"
show agent -c "$conf" status
say "Someone deletes the VIP by hand; status notices (exit 1), start repairs"
show in_rs ip addr del "$VIP4/32" dev lo
show agent -c "$conf" status
show agent -c "$conf" start

say "lvsagent run: the daemon repairs drift the moment it happens"
ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" run >/dev/null 2>"$TMP/daemon.log" &
daemon=$!
for _ in $(seq 50); do grep -q "running:" "$TMP/daemon.log" && break; sleep 0.1; done
show in_rs ip addr flush dev lo
show in_rs sh -c "echo 0 > /proc/sys/net/ipv4/conf/all/arp_ignore"
sleep 5.5
echo "The daemon's log:"
sed 's/^/    /' "$TMP/daemon.log"
show in_rs ip -brief addr show dev lo
show in_rs cat /proc/sys/net/ipv4/conf/all/arp_ignore
kill -TERM "$daemon"; wait "$daemon" 2>/dev/null
echo "(SIGTERM: the daemon withdrew what it created, as stop would)"
show agent -c "$conf" start

say "lvsagent stop: removes what it created, restores the sysctls it changed"
show agent -c "$conf" stop
show in_rs ip addr show dev lo
show agent -c "$conf" status
echo
echo "demo done; the lab namespaces are removed on exit."
