# Privileges: commands that change the host refuse early without
# CAP_NET_ADMIN (exit 4); reading commands work for anyone; CAP_NET_ADMIN
# alone, without root, is enough for start and stop.
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
write_config "$conf" "vip = $VIP4" "interfaces = eth0"
chmod 755 "$TMP"
chmod 644 "$conf"
snapshot >"$TMP/before"

as_nobody() {
	RC=0
	ip netns exec "$NS_RS" setpriv --reuid=nobody --regid=nogroup --clear-groups "$@" \
		"$LVSAGENT" -c "$conf" "$cmd" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

for cmd in start stop restart apply; do
	as_nobody
	expect_eq "$cmd without CAP_NET_ADMIN: exit 4" 4 "$RC"
	check "$cmd says what it needs" grep -q "$cmd needs root (CAP_NET_ADMIN)" "$TMP/err"
done
cmd=status as_nobody
expect_eq "status works unprivileged (3: not applied)" 3 "$RC"
cmd=check-config as_nobody
expect_eq "check-config works unprivileged" 0 "$RC"
expect_same_snapshot "nothing changed" "$TMP/before"

# CAP_NET_ADMIN without root: the netns's sysctls are writable by it.
mkdir -p "$TMP/state"
chown nobody "$TMP/state"
cmd=start as_nobody --inh-caps=+net_admin --ambient-caps=+net_admin
expect_eq "start as nobody with only CAP_NET_ADMIN: exit 0" 0 "$RC"
check "the VIP is on lo" sh -c "ip -n $NS_RS addr show dev lo | grep -q '$VIP4/32'"
expect_eq "the sysctls were written" 1 "$(rs_sysctl_get all arp_ignore)"
cmd=stop as_nobody --inh-caps=+net_admin --ambient-caps=+net_admin
expect_eq "stop the same way: exit 0" 0 "$RC"
expect_same_snapshot "and the host is as before" "$TMP/before"
finish
