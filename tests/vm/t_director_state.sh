#!/bin/sh
# The director's state file is not believed blindly (runs in the VM): a
# record the director could not have written — a VIP without lvsagent's
# mark in the kernel, a forwarding value it never sets — is left alone
# with a warning, so a forged STATE_DIR/director cannot make stop delete
# an address lvsagent never added or turn forwarding on.
. /tests/lib.sh

NS=dstate
lab_ns $NS || exit 1
D="in_ns $NS"
STATE=/run/lvsagent-dstate
CONF=/tmp/dstate.conf

$IP -n $NS link add eth1 type dummy
$IP -n $NS link set eth1 up
$IP -n $NS addr add 192.0.2.50/24 dev eth1
$IP -n $NS addr add 2001:db8:5::50/64 dev eth1 nodad
$IP -n $NS addr add 192.0.2.60/32 dev eth1	# another program's VIP (keepalived, say)
cat >$CONF <<EOF2
[agent]
state_dir = $STATE

[director]
vip_interface = eth1

[service web]
virtual = tcp 192.0.2.1:80
realserver = 10.10.10.11 method=dr

[service web6]
virtual = tcp [2001:db8:5::1]:80
realserver = 2001:db8:5::11 method=dr
EOF2

agent() { $D lvsagent -c $CONF "$@"; }
on_eth1() { $IP -n $NS -o addr show dev eth1 | grep -q "inet6\? $1 "; }
forwarding() { $D cat /proc/sys/net/ipv4/ip_forward; }

check "apply binds the VIPs" agent director apply
check "192.0.2.1/32 on eth1, labelled eth1:lvs" sh -c \
	"$IP -n $NS -o addr show dev eth1 | grep -q 'inet 192.0.2.1/32 .* eth1:lvs'"
check "2001:db8:5::1/128 on eth1" on_eth1 2001:db8:5::1/128
same "ip_forward is 0 (no NAT real server)" "0" forwarding

# Forged records: eth1's own addresses, another program's VIP, a VIP on lo,
# forwarding "restored" to 1.
cat >>$STATE/director <<EOF2
vip 192.0.2.50 eth1
vip 192.0.2.60 eth1
vip 2001:db8:5::50 eth1
vip 192.0.2.77 lo
sysctl - ip_forward 1 0
EOF2

contains "stop warns about eth1's own IPv4 address" \
	"vip 192.0.2.50/32 is in the state file, but the address has no label IFACE:lvs: not lvsagent's, left alone" \
	agent director stop --check
# (No protocol 176 where the kernel keeps address protocols; elsewhere not
# the /128 without duplicate address detection lvsagent adds.)
matches "... and its IPv6 one" \
	"vip 2001:db8:5::50/128 is in the state file, but the address (has no protocol 176|is not the /128 without duplicate address detection lvsagent adds): not lvsagent's, left alone" \
	agent director stop --check
contains "... the VIP on lo, by its line" "vip 192.0.2.77 lo: vip_interface \"lo\" is the loopback" \
	agent director stop --check
contains "... and the forwarding record" "sysctl - ip_forward 1 0: the director only ever raises ip_forward" \
	agent director stop --check
check "director stop" agent director stop
check "eth1's own IPv4 address is still there" on_eth1 192.0.2.50/24
check "... another program's /32 VIP too" on_eth1 192.0.2.60/32
check "... and its IPv6 address" on_eth1 2001:db8:5::50/64
same "ip_forward was not turned on" "0" forwarding
check "lvsagent's VIPs are gone" sh -c "! $IP -n $NS -o addr show dev eth1 | grep -q 'inet6\\? \\(192.0.2.1/32\\|2001:db8:5::1/128\\) '"
same "the table is empty" "" $D ipvsadm -Sn
finish t_director_state
