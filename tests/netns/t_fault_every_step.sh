# A crash at every step: the fault build (make faults, kernel/fault.h)
# fails the N-th kernel request of a start of 200 VIPs, or exits right
# after it, for every N a clean start makes, in both suppression modes
# (about 2 minutes).
# After each fault status tells the truth, the next start converges, and
# stop leaves the host as it was before the first start (fault_steps.sh).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
faults=${LVSAGENT_FAULTS:-$(dirname "$LVSAGENT")/faults/lvsagent}

if grep -q LVSAGENT_FAULT "$LVSAGENT"; then
	fail "$LVSAGENT carries the fault hook: only the faults build may"
else
	pass "the normal binary carries no fault hook"
fi
if [ ! -x "$faults" ]; then
	fail "no fault build at $faults (make faults)"
	finish
fi

# Under ASan a start takes three times as long: that run (make check's
# second netns pass, for the sanitizers on these paths) takes every
# FAULT_STRIDE-th N (8), the plain build every one.
stride=${FAULT_STRIDE:-1}
if grep -q __asan_init "$faults"; then
	stride=${FAULT_STRIDE:-8}
fi

lab_rs_only
rs_sysctl_set eth0 arp_announce 1	# an original that is not the default
for i in $(seq 1 200); do echo "10.100.$((i / 256)).$((i % 256))/32"; done >"$TMP/vips"

for mode in ${FAULT_MODES:-sysctl nftables}; do
	conf=$TMP/$mode.conf
	write_config "$conf" "interfaces = eth0" "suppression = $mode" \
		"$(sed 's|/32$||; s/^/vip = /' "$TMP/vips")"
	mkdir -p "$TMP/$mode"
	# The whole text of what stop must restore, as fault_steps.sh reads it.
	in_rs bash -c "$(sed -n '/^snapshot()/,/^}/p' "$here/fault_steps.sh"); snapshot" \
		>"$TMP/$mode/before"
	count=$(LVSAGENT_FAULT=count in_rs "$faults" -c "$conf" start 2>&1 >/dev/null |
		sed -n 's/^LVSAGENT_FAULT: \([0-9]*\) requests$/\1/p')
	agent -c "$conf" stop >/dev/null
	if [ -z "$count" ] || [ "$count" -lt 400 ]; then
		fail "$mode: a clean start counted [$count] requests, not one per VIP and route at least"
		continue
	fi
	for kind in ${FAULT_KINDS:-fail exit}; do
		started=$(date +%s%N)
		in_rs bash "$here/fault_steps.sh" "$faults" "$conf" "$mode" "$kind" "$count" \
			"$TMP/state/state" "$TMP/$mode/before" "$TMP/vips" "$stride" >"$TMP/steps.out" 2>&1 || true
		grep -e "^  FAIL" -e "^        |" "$TMP/steps.out" | head -60
		steps=$(( (count - 1) / stride + 1 + ((count - 1) % stride != 0) ))
		expect_eq "$mode, $kind at $steps of the $count requests (every ${stride}): status true, start converges, stop restores" \
			"steps $steps failures 0" "$(tail -n 1 "$TMP/steps.out")"
		echo "        ($(( ($(date +%s%N) - started) / 1000000 )) ms)"
	done
done
finish
