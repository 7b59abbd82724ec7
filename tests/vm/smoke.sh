#!/bin/sh
# Smoke test of the VM harness itself (runs inside the VM, busybox sh):
#   tests/vm/run.sh --bin build/lvsagent tests/vm/smoke.sh
# Every check runs even after a failure; the summary at the end lists the
# failures and the exit status is non-zero if there was any.
#
# Note: busybox sh runs its own "ip" applet before searching PATH, so
# iproute2 is called as /usr/sbin/ip.

. /tests/lib.sh

module_loaded() { grep -q "^$1 " /proc/modules; }

test_ipvs() {
	check "modprobe ip_vs" modprobe ip_vs
	check "ip_vs in /proc/modules" module_loaded ip_vs
	check "add rr service" ipvsadm -A -t 10.0.0.1:80 -s rr
	check "add real server" ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2:80 -g
	same "ipvsadm -Sn" "-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1" ipvsadm -Sn
	# Each scheduler is its own module that the kernel loads on demand
	# through /sbin/modprobe (busybox): this proves request_module works.
	port=81
	for s in wlc sh mh wrr lc lblc lblcr dh sed nq fo ovf; do
		check "scheduler $s auto-loads" ipvsadm -A -t "10.0.0.1:$port" -s "$s"
		check "module ip_vs_$s loaded" module_loaded "ip_vs_$s"
		port=$((port + 1))
	done
	check "ipvsadm -C" ipvsadm -C
	same "table empty after -C" "" ipvsadm -Sn
}

test_links() {
	check "ip netns add" $IP netns add x
	check "veth pair" $IP link add v0 type veth peer name v1
	check "veth end into netns" $IP link set v1 netns x
	check "address in netns" $IP -n x addr add 192.0.2.2/24 dev v1
	check "link up in netns" $IP -n x link set v1 up
	check "ip netns exec" $IP netns exec x /usr/sbin/ip -o link show v1
	check "bridge" $IP link add br0 type bridge
	check "veth into bridge" $IP link set v0 master br0
	check "bridge address" $IP addr add 192.0.2.1/24 dev br0
	check "links up" sh -c "$IP link set br0 up && $IP link set v0 up"
	# A few seconds for the bridge port to forward (no STP: immediate).
	check "ping through veth+bridge" ping -c 1 -W 5 192.0.2.2
	check "ipip tunnel" $IP link add t0 type ipip local 192.0.2.1 remote 192.0.2.2
	check "ipip module loaded" module_loaded ipip
	check "tunl0 exists" $IP link show tunl0
	check "delete netns" $IP netns del x
}

# lvsagent is only there when run.sh got --bin build/lvsagent; its version
# line shows its shared libraries (libmnl, libnftnl, ...) were found.
test_tools() {
	check "curl --version" curl --version
	if command -v lvsagent >/dev/null; then
		check "lvsagent --version" lvsagent --version
		echo "     $(lvsagent --version 2>&1)"
	fi
}

echo "kernel $(uname -r)"
test_ipvs
test_links
test_tools

finish smoke
