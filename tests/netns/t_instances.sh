# Two configurations with different state_dirs on one host: the first to
# change it names itself in lo's alias; the second refuses to start and
# says why, and its stop touches nothing of the first's. The alias goes when
# the first has withdrawn, and the daemon puts it back if someone clears it.
. "$(dirname "$0")/lib.sh"
lab_rs_only
a=$TMP/a.conf b=$TMP/b.conf
write_config "$a" "vip = $VIP4" "interfaces = eth0"
sed -i "s|^state_dir = .*|state_dir = $TMP/sa|" "$a"
write_config "$b" "vip = 10.77.0.102" "interfaces = eth0"
sed -i "s|^state_dir = .*|state_dir = $TMP/sb|" "$b"
snapshot >"$TMP/before"
lo_alias() { ip -n "$NS_RS" -d link show lo | sed -n 's/^ *alias //p'; }

run_agent "$TMP/out" "$TMP/err" -c "$a" start
expect_eq "A starts" 0 "$RC"
expect_eq "lo's alias names A" "lvsagent $TMP/sa" "$(lo_alias)"
snapshot >"$TMP/a_started"

run_agent "$TMP/out" "$TMP/err" -c "$b" start
expect_eq "B start: refused (exit 1)" 1 "$RC"
check "... naming A's state_dir" grep -q "another lvsagent instance manages .*its state_dir is $TMP/sa" "$TMP/err"
check "... B printed no removal of A's VIP" sh -c "! grep -q 'remove' $TMP/out"
expect_same_snapshot "... and changed nothing" "$TMP/a_started"
run_agent "$TMP/out" "$TMP/err" -c "$b" apply --check
expect_eq "B apply --check: refused too (exit 1)" 1 "$RC"
run_agent "$TMP/out" "$TMP/err" -c "$b" status
check "B status says another instance manages the host" grep -q "^instance ANOTHER lvsagent, state_dir $TMP/sa" "$TMP/out"
check "... and does not call A's VIP its own" sh -c "! grep -q '$VIP4.*lvsagent would remove' $TMP/out"
expect_eq "... exit 3 (B has nothing applied)" 3 "$RC"
run_agent "$TMP/out" "$TMP/err" -c "$b" stop
expect_eq "B stop: exit 0" 0 "$RC"
expect_same_snapshot "... and A's VIP, route and sysctls are untouched" "$TMP/a_started"
run_agent "$TMP/out" "$TMP/err" -c "$a" status
expect_eq "A status: in place" 0 "$RC"
check "... and says so of its instance" grep -q "^instance this one" "$TMP/out"

# Lost state: A's marks are still A's own while the alias says so.
rm "$TMP/sa/state"
run_agent "$TMP/out" "$TMP/err" -c "$a" stop
expect_eq "A stop after losing its state file: exit 0" 0 "$RC"
check "... found its VIP by its label" sh -c "! ip -n $NS_RS addr show dev lo | grep -q '$VIP4'"
expect_eq "... and removed the alias" "" "$(lo_alias)"
# (the original sysctl values went with the state file: put them back)
for dir in all lo eth0; do rs_sysctl_set "$dir" arp_ignore 0; rs_sysctl_set "$dir" arp_announce 0; done
expect_same_snapshot "... the host is as before" "$TMP/before"

run_agent "$TMP/out" "$TMP/err" -c "$b" start
expect_eq "with A gone, B starts" 0 "$RC"
expect_eq "... and lo's alias names B" "lvsagent $TMP/sb" "$(lo_alias)"
agent -c "$b" stop >/dev/null

# Someone else's alias on lo is never overwritten.
in_rs ip link set lo alias "uplink to rack 7"
run_agent "$TMP/out" "$TMP/err" -c "$a" start
expect_eq "start with a foreign alias on lo: exit 0" 0 "$RC"
check "... warns that it cannot mark the host" grep -q "lo's alias is \"uplink to rack 7\", not lvsagent's" "$TMP/err"
expect_eq "... and leaves the alias" "uplink to rack 7" "$(lo_alias)"
agent -c "$a" stop >/dev/null
expect_eq "stop leaves it too" "uplink to rack 7" "$(lo_alias)"
in_rs ip link set lo alias ""

# The daemon puts its mark back.
ip netns exec "$NS_RS" "$LVSAGENT" -c "$a" run >/dev/null 2>"$TMP/daemon.log" &
daemon=$!
for _ in $(seq 50); do grep -q "running:" "$TMP/daemon.log" && break; sleep 0.1; done
in_rs ip link set lo alias ""
for _ in $(seq 40); do [ -n "$(lo_alias)" ] && break; sleep 0.05; done
expect_eq "lo's alias cleared under the daemon comes back" "lvsagent $TMP/sa" "$(lo_alias)"
run_agent "$TMP/out" "$TMP/err" -c "$b" run
expect_eq "a daemon for B beside A's: refused (exit 1)" 1 "$RC"
kill -TERM "$daemon"
wait "$daemon" || true
expect_same_snapshot "SIGTERM: the host is as before, alias and all" "$TMP/before"
finish
