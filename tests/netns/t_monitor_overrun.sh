# The daemon's notification socket overrun on purpose: the fault build
# (make faults) gives its monitor sockets a tiny receive buffer
# (LVSAGENT_FAULT_RCVBUF), a flood of unrelated rtnetlink changes (2000
# addresses on another device) overruns it, and a VIP deleted in the
# middle of the flood (its notification lost with the rest) is put back by
# the full re-read ENOBUFS calls for. The daemon logs the overrun, stays
# up, and the host is right afterwards.
. "$(dirname "$0")/lib.sh"
faults=${LVSAGENT_FAULTS:-$(dirname "$LVSAGENT")/faults/lvsagent}
if [ ! -x "$faults" ]; then
	fail "no fault build at $faults (make faults)"
	finish
fi
lab_rs_only
conf=$TMP/lvsagent.conf
write_config "$conf" "vip = $VIP4" "interfaces = eth0"
snapshot >"$TMP/before"
in_rs ip link add flood0 type veth peer name flood1
in_rs ip link set flood0 up

LVSAGENT_FAULT_RCVBUF=1024 ip netns exec "$NS_RS" "$faults" -c "$conf" run 2>"$TMP/daemon.log" &
daemon=$!
vip_on_lo() { ip -n "$NS_RS" addr show dev lo | grep -q "inet $VIP4/32"; }
eventually_within 5 "the daemon put the VIP on lo" vip_on_lo

{
	for i in $(seq 1 1000); do echo "addr add 10.200.$((i / 250)).$((i % 250 + 1))/32 dev flood0"; done
	echo "addr del $VIP4/32 dev lo"
	for i in $(seq 1001 2000); do echo "addr add 10.200.$((i / 250)).$((i % 250 + 1))/32 dev flood0"; done
} >"$TMP/flood"
in_rs ip -b "$TMP/flood"
eventually_within 5 "the VIP deleted in the flood is back on lo" vip_on_lo
check "the daemon logged the overrun and the re-read" \
	grep -q "kernel notifications were lost (receive buffer overrun): re-reading everything" \
	"$TMP/daemon.log"
check "the daemon is still running" kill -0 "$daemon"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status after the storm: everything in place (exit 0)" 0 "$RC"

kill -TERM "$daemon"
wait "$daemon" 2>/dev/null || true
in_rs ip link del flood0
expect_same_snapshot "SIGTERM withdrew everything: the host is as before" "$TMP/before"
finish
