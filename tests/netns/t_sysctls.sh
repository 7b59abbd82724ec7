# Sysctl values found before start are put back exactly by stop; values
# stricter than the config are left alone; a value someone changed after
# start is left as they set it, with a warning.
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
write_config "$conf" "vip = $VIP4" "interfaces = eth0"
rs_sysctl_set all arp_announce 1
rs_sysctl_set eth0 arp_ignore 0
rs_sysctl_set lo arp_ignore 3
rs_sysctl_set eth0 arp_announce 2
snapshot >"$TMP/before"

agent -c "$conf" start >"$TMP/out"
expect_eq "all.arp_announce 1 raised to 2" 2 "$(rs_sysctl_get all arp_announce)"
expect_eq "eth0.arp_ignore 0 raised to 1" 1 "$(rs_sysctl_get eth0 arp_ignore)"
expect_eq "lo.arp_ignore 3 (stricter) left alone" 3 "$(rs_sysctl_get lo arp_ignore)"
check "start says what it raised and from what" \
	grep -qx "set sysctl net.ipv4.conf.all.arp_announce = 2 (was 1)" "$TMP/out"
check "nothing said about values already right" \
	sh -c "! grep -q 'eth0.arp_announce' $TMP/out"

agent -c "$conf" stop >"$TMP/out"
expect_same_snapshot "stop restores every value exactly" "$TMP/before"
check "stop says what it restored" \
	grep -qx "restore sysctl net.ipv4.conf.all.arp_announce = 1 (was 2)" "$TMP/out"

# Someone changes a value lvsagent set: stop leaves theirs and warns.
agent -c "$conf" start >/dev/null
rs_sysctl_set all arp_ignore 2
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "stop exits 0" 0 "$RC"
expect_eq "a value changed since start is left as it is" 2 "$(rs_sysctl_get all arp_ignore)"
check "and stop warns about it" \
	grep -q "warning: sysctl net.ipv4.conf.all.arp_ignore changed by someone else" "$TMP/err"
expect_eq "the others are restored" 1 "$(rs_sysctl_get all arp_announce)"
rs_sysctl_set all arp_ignore 0

# The config's value changes: lvsagent moves its own value, keeps the original.
agent -c "$conf" start >/dev/null
write_config "$conf" "vip = $VIP4" "interfaces = eth0" "arp_ignore = 2"
agent -c "$conf" start >"$TMP/out"
expect_eq "raising arp_ignore in the config raises all" 2 "$(rs_sysctl_get all arp_ignore)"
write_config "$conf" "vip = $VIP4" "interfaces = eth0" "arp_ignore = 1"
agent -c "$conf" start >"$TMP/out"
expect_eq "lowering it again follows (the value is lvsagent's)" 1 "$(rs_sysctl_get all arp_ignore)"
agent -c "$conf" stop >/dev/null
expect_same_snapshot "stop still restores the values found first" "$TMP/before"

# Without interfaces =, every non-loopback interface gets the sysctls.
ip link add eth1 netns "$NS_RS" type veth peer name r1 netns "$NS_SWITCH"
write_config "$conf" "vip = $VIP4"
agent -c "$conf" start >/dev/null
expect_eq "eth1 gets arp_ignore by default" 1 "$(rs_sysctl_get eth1 arp_ignore)"
agent -c "$conf" stop >/dev/null
expect_eq "and has it restored" 0 "$(rs_sysctl_get eth1 arp_ignore)"

# An uplink unplugged after start does not keep stop from cleaning up.
write_config "$conf" "vip = $VIP4" "interfaces = eth1"
agent -c "$conf" start >/dev/null
ip -n "$NS_RS" link del eth1
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "stop after the configured interface vanished: exit 0" 0 "$RC"
check "says the interface's saved value is forgotten" \
	grep -q "net.ipv4.conf.eth1.arp_ignore belongs to an interface that is gone" "$TMP/err"
expect_same_snapshot "and restores the rest" "$TMP/before"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start with that interface missing is a config error (exit 2)" 2 "$RC"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status with it missing: a difference (exit 3: nothing applied), not a config error" 3 "$RC"
check "... naming it" grep -q "net.ipv4.conf.eth1.arp_ignore .*no such interface" "$TMP/out"

# status judges by the value in force, the larger of all and the interface's.
write_config "$conf" "vip = $VIP4" "interfaces = eth0"
agent -c "$conf" start >/dev/null
rs_sysctl_set eth0 arp_ignore 0
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "eth0.arp_ignore 0 under all.arp_ignore 1: status in place (exit 0)" 0 "$RC"
check "... and says the value is in force through all" \
	grep -q "net.ipv4.conf.eth0.arp_ignore *in force through all: 0" "$TMP/out"
rs_sysctl_set eth0 arp_ignore 1
# A VIP also on an uplink: eth0 takes it for its own (and answers ARP).
in_rs ip addr add "$VIP4/32" dev eth0
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "the VIP also on eth0: status not in place (exit 1)" 1 "$RC"
check "... and says why" grep -q "^vip .*$VIP4/32 .*conflict: is also on another interface" "$TMP/out"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
check "start warns about it" grep -q "is also on another interface" "$TMP/err"
in_rs ip addr del "$VIP4/32" dev eth0
agent -c "$conf" stop >/dev/null
expect_same_snapshot "stop restores everything" "$TMP/before"
finish
