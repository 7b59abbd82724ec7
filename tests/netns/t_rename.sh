# An uplink renamed under the daemon (ip link set eth0 name wan0): lvsagent
# follows the interface by its index — it warns, puts wan0's values back
# (wan0 is not configured), status reports the configured eth0 as missing
# (exit 1, not a configuration error), a new interface that takes the name
# eth0 gets its own original recorded, and SIGTERM restores each exactly.
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
write_config "$conf" "vip = $VIP4" "interfaces = eth0"
sed -i 's/^\[agent\]/[agent]\nsysctl_check_interval = 1/' "$conf"
rs_sysctl_set eth0 arp_announce 1	# the original the old eth0 had
snapshot >"$TMP/before"

ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" run >/dev/null 2>"$TMP/daemon.log" &
daemon=$!
for _ in $(seq 50); do grep -q "running:" "$TMP/daemon.log" && break; sleep 0.1; done
expect_eq "eth0 raised" "1 2" "$(rs_sysctl_get eth0 arp_ignore) $(rs_sysctl_get eth0 arp_announce)"
ifindex=$(in_rs cat /sys/class/net/eth0/ifindex)
check "the state records eth0 by its index" grep -q "^sysctl eth0 arp_ignore 0 1 ifindex $ifindex" "$TMP/state/state"

in_rs ip link set eth0 down
in_rs ip link set eth0 name wan0
in_rs ip link set wan0 up
for _ in $(seq 40); do [ "$(rs_sysctl_get wan0 arp_announce)" = 1 ] && break; sleep 0.05; done
expect_eq "wan0 (the renamed eth0, not configured) gets its original values back" "0 1" \
	"$(rs_sysctl_get wan0 arp_ignore) $(rs_sysctl_get wan0 arp_announce)"
check "the daemon says eth0 was renamed" grep -q "wan0.arp_ignore (was eth0) is on an interface renamed" "$TMP/daemon.log"
check "and that the configured eth0 is missing" grep -q "eth0.arp_ignore is configured, but there is no such interface" "$TMP/daemon.log"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status while the daemon runs: a difference (exit 1), not a config error" 1 "$RC"
check "... naming eth0 as missing" grep -q "net.ipv4.conf.eth0.arp_ignore *no such interface" "$TMP/out"

# A new interface takes the name: its own values are recorded, not the old one's.
ip link add eth0 netns "$NS_RS" type veth peer name r9 netns "$NS_SWITCH"
for _ in $(seq 40); do [ "$(rs_sysctl_get eth0 arp_ignore)" = 1 ] && break; sleep 0.05; done
expect_eq "the new eth0 is raised" "1 2" "$(rs_sysctl_get eth0 arp_ignore) $(rs_sysctl_get eth0 arp_announce)"
check "with its own original (0), not the old eth0's (1)" grep -q "^sysctl eth0 arp_announce 0 2" "$TMP/state/state"
kill -TERM "$daemon"
wait "$daemon" || true
expect_eq "SIGTERM: the new eth0 gets its 0 back" "0 0" "$(rs_sysctl_get eth0 arp_ignore) $(rs_sysctl_get eth0 arp_announce)"
expect_eq "and wan0 keeps its originals" "0 1" "$(rs_sysctl_get wan0 arp_ignore) $(rs_sysctl_get wan0 arp_announce)"
ip -n "$NS_RS" link del eth0
in_rs ip link set wan0 down
in_rs ip link set wan0 name eth0
in_rs ip link set eth0 up
expect_same_snapshot "renamed back, the host is as before" "$TMP/before"
finish
