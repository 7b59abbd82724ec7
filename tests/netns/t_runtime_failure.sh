# Run-time failures: the kernel's reason is reported, exit 1, and what was
# applied is recorded so stop undoes it. A VIP is never added when ARP
# suppression could not be set first.
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
write_config "$conf" "vip = $VIP4, $VIP6" "interfaces = eth0"

# 1. The kernel refuses the IPv6 address (IPv6 disabled on lo).
in_rs sh -c 'echo 1 > /proc/sys/net/ipv6/conf/lo/disable_ipv6'
snapshot >"$TMP/before"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start exits 1" 1 "$RC"
check "the error names the VIP and gives the kernel's reason" \
	grep -q "could not add vip $VIP6/128 dev lo: Permission denied (ipv6: IPv6 is disabled on this device)" "$TMP/err"
check "the IPv4 VIP was applied" sh -c "ip -n $NS_RS addr show dev lo | grep -q '$VIP4/32'"
check "and recorded in the state" grep -qx "addr $VIP4" "$TMP/state/state"
check "the failed VIP is not recorded" sh -c "! grep -q 'addr $VIP6' $TMP/state/state"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status: partly applied (1)" 1 "$RC"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "stop exits 0" 0 "$RC"
expect_same_snapshot "stop undoes what the failed start applied" "$TMP/before"
in_rs sh -c 'echo 0 > /proc/sys/net/ipv6/conf/lo/disable_ipv6'
in_rs ip link set lo up

# 2. A sysctl write fails (eth0's made read-only in a private mount
#    namespace): no VIP is added, since it would answer ARP.
snapshot >"$TMP/before"
RC=0
ip netns exec "$NS_RS" unshare -m sh -c '
	d=/proc/sys/net/ipv4/conf/eth0
	mount --bind $d $d && mount -o remount,bind,ro $d $d && exec "$0" -c "$1" start' \
	"$LVSAGENT" "$conf" >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_eq "start exits 1" 1 "$RC"
check "the error names the sysctl and the reason" \
	grep -q "could not set sysctl net.ipv4.conf.eth0.arp_ignore = 1 (was 0): Read-only file system" "$TMP/err"
check "the VIPs were not added" sh -c "! ip -n $NS_RS addr show dev lo | grep -q '$VIP4'"
check "and say why" grep -q "not attempted: ARP suppression could not be set first" "$TMP/err"
expect_eq "the writable sysctls were set" 1 "$(rs_sysctl_get all arp_ignore)"
check "and recorded" grep -qx "sysctl all arp_ignore 0 1" "$TMP/state/state"
agent -c "$conf" stop >/dev/null
expect_same_snapshot "stop undoes them" "$TMP/before"

# 3. LVS-TUN on a kernel without the tunnel module (this host's often has
#    no ipip: the VM tier tests the rest), and gue without fou, which the
#    kernel never loads on demand: exit 1 before anything is changed.
ipip_module() {
	local dir=/lib/modules/$(cat /proc/sys/kernel/osrelease)
	[ -e /sys/module/ipip ] || grep -qs '/ipip.ko' "$dir/modules.builtin" "$dir/modules.dep"
}
tun_conf=$TMP/tun.conf
if ipip_module; then
	pass "this kernel has ipip: the missing-module case is left to the VM tier"
else
	write_config "$tun_conf" "vip = $VIP4" "method = tun"
	snapshot >"$TMP/before"
	run_agent "$TMP/out" "$TMP/err" -c "$tun_conf" start
	expect_eq "method = tun without the ipip module: start exits 1" 1 "$RC"
	check "... saying which module is missing" \
		grep -q "this kernel has no ipip tunnel module (link kind \"ipip\"); nothing was changed" "$TMP/err"
	expect_same_snapshot "... nothing was changed" "$TMP/before"
	check "... and nothing recorded" test ! -s "$TMP/state/state"
fi
if [ -e /sys/module/fou ]; then
	pass "fou is loaded here: the missing-fou case is left to the VM tier"
else
	write_config "$tun_conf" "vip = $VIP4" "method = tun" "tunnel = gue" "tunnel_port = 6080"
	snapshot >"$TMP/before"
	run_agent "$TMP/out" "$TMP/err" -c "$tun_conf" start
	expect_eq "tunnel = gue without fou: start exits 1" 1 "$RC"
	check "... saying to load it" grep -q "load the fou module (modprobe fou); nothing was changed" "$TMP/err"
	expect_same_snapshot "... nothing was changed" "$TMP/before"
fi
finish
