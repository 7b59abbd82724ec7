# start → status → start again → stop on a real kernel: the VIPs (IPv4 /32
# with its label, IPv6 /128 nodad) and host routes appear, status says so,
# a second start changes nothing, stop leaves the host exactly as before.
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
write_config "$conf" "vip = $VIP4" "vip = $VIP6" "interfaces = eth0"
snapshot >"$TMP/before"

run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status before start: 3 (not applied)" 3 "$RC"

run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start exits 0" 0 "$RC"
check "start prints one line per change (6 sysctls, 2 VIPs, 2 routes)" \
	test "$(wc -l <"$TMP/out")" -eq 10
check "IPv4 VIP on lo as /32, labelled lo:lvs" \
	sh -c "ip -n $NS_RS -4 addr show dev lo | grep -q 'inet $VIP4/32 scope global lo:lvs'"
check "IPv6 VIP on lo as /128 with nodad" \
	sh -c "ip -n $NS_RS -6 addr show dev lo | grep -q 'inet6 $VIP6/128 scope global nodad'"
check "IPv4 host route via lo in main, proto 176" \
	sh -c "ip -n $NS_RS route show table main | grep -qx '$VIP4 dev lo proto 176 scope link '"
check "IPv6 host route via lo in main, proto 176" \
	sh -c "ip -n $NS_RS -6 route show table main | grep -q '^$VIP6 dev lo proto 176'"
expect_eq "all.arp_ignore raised" 1 "$(rs_sysctl_get all arp_ignore)"
expect_eq "lo.arp_announce raised" 2 "$(rs_sysctl_get lo arp_announce)"
expect_eq "eth0.arp_ignore raised" 1 "$(rs_sysctl_get eth0 arp_ignore)"
check "state file records the VIPs and the replaced values" \
	grep -q "sysctl eth0 arp_ignore 0 1" "$TMP/state/state"

run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status after start: 0 (in place)" 0 "$RC"
check "status names each VIP in place" grep -q "vip .*$VIP6/128 .*in place" "$TMP/out"

snapshot >"$TMP/started"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "second start exits 0" 0 "$RC"
expect_eq "second start changes nothing" "start: nothing to change" "$(cat "$TMP/out")"
expect_same_snapshot "second start leaves the host as it was" "$TMP/started"

in_rs ip addr del "$VIP4/32" dev lo
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status after the VIP was deleted by hand: 1 (drifted)" 1 "$RC"
check "status says the VIP is missing" grep -q "vip .*$VIP4/32 .*missing" "$TMP/out"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start repairs just the VIP" "add vip $VIP4/32 dev lo" "$(cat "$TMP/out")"

run_agent "$TMP/out" "$TMP/err" -c "$conf" restart
expect_eq "restart exits 0" 0 "$RC"
expect_same_snapshot "restart converges to the same host" "$TMP/started"

run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "stop exits 0" 0 "$RC"
expect_same_snapshot "after stop the host is exactly as before start" "$TMP/before"
check "stop removes the state file" test ! -e "$TMP/state/state"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "second stop: nothing to change" "stop: nothing to change" "$(cat "$TMP/out")"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status after stop: 3" 3 "$RC"

# A lost state file: the IPv4 label and the route protocol still mark
# what is ours, so stop removes it.
agent -c "$conf" start >/dev/null
rm -f "$TMP/state/state"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
check "without the state file stop still removes the labelled VIP" \
	sh -c "! ip -n $NS_RS addr show dev lo | grep -q '$VIP4/32'"
check "and lvsagent's routes" sh -c "! ip -n $NS_RS route show table main | grep -q '$VIP4'"
check "and has nothing to warn about" test ! -s "$TMP/err"
in_rs sh -c 'for d in all lo eth0; do echo 0 > /proc/sys/net/ipv4/conf/$d/arp_ignore;
	echo 0 > /proc/sys/net/ipv4/conf/$d/arp_announce; done'
in_rs ip -6 addr flush dev lo scope global
finish
