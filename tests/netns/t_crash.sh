# kill -9 of a start at any moment: what lvsagent was about to change (the
# sysctls' original values above all) was on disk before the change, so a
# later stop puts the host back exactly, wherever the start was cut off.
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
{
	printf '[agent]\nstate_dir = %s/state\n\n[realserver]\ninterfaces = eth0\n' "$TMP"
	for i in $(seq 1 5000); do echo "vip = 10.$((100 + i / 65536)).$((i / 256 % 256)).$((i % 256))"; done
} >"$conf"
rs_sysctl_set eth0 arp_announce 1	# an original that is not the default
snapshot >"$TMP/before"

# cut_start DELAY: start in the background, kill -9 it DELAY seconds in.
cut_start() {
	ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" start >/dev/null 2>&1 &
	local start=$!
	sleep "$1"
	kill -9 "$start" 2>/dev/null || true
	wait "$start" 2>/dev/null || true
}

# Cut once the sysctls are raised and the VIPs are going in: the moment the
# original values were lost before.
ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" start >/dev/null 2>&1 &
start=$!
for _ in $(seq 2000); do [ "$(rs_sysctl_get all arp_ignore)" = 1 ] && break; done
kill -9 "$start"
wait "$start" 2>/dev/null || true
expect_eq "the start was cut off with the sysctls raised" "1 2" \
	"$(rs_sysctl_get all arp_ignore) $(rs_sysctl_get eth0 arp_announce)"
check "their original values were already on disk" \
	grep -q "^sysctl eth0 arp_announce 1 2" "$TMP/state/state"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "stop after the cut: exit 0" 0 "$RC"
expect_same_snapshot "stop put every value and VIP back" "$TMP/before"

for delay in 0 0.005 0.01 0.02 0.04 0.08 0.15; do
	cut_start "$delay"
	run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
	snapshot >"$TMP/snap.now"
	if [ "$RC" -eq 0 ] && cmp -s "$TMP/before" "$TMP/snap.now" && [ ! -e "$TMP/state/state" ]; then
		pass "kill -9 ${delay}s into start, then stop: the host is as before"
	else
		fail "kill -9 ${delay}s into start, then stop (exit $RC)"
		diff -u "$TMP/before" "$TMP/snap.now" | head -20 | sed 's/^/        | /'
	fi
done

# And a cut start finished by another start, then stop.
cut_start 0.03
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "a start after a cut one completes it (exit 0)" 0 "$RC"
expect_eq "... with all 5000 VIPs" 5000 "$(ip -n "$NS_RS" addr show dev lo | grep -c 'scope global lo:lvs')"
agent -c "$conf" stop >/dev/null
expect_same_snapshot "and stop still restores the originals" "$TMP/before"
finish
