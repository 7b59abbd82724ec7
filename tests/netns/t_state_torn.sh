# A state file cut short (a write interrupted, the file truncated: to 0
# bytes, to half) is never read as "nothing owned": status, start and stop
# refuse it with a message that says so and change nothing. Moved away,
# stop finds lvsagent's IPv4 VIPs, their routes and its nft table by their
# marks in the kernel; the sysctls' original values went with the file.
# (The write itself: a temporary file, fsync, rename, fsync of the
# directory: core/state_dir.c.)
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
state=$TMP/state/state
write_config "$conf" "vip = 10.77.0.100, 10.77.0.101, 10.77.0.102" "interfaces = eth0" \
	"suppression = both"
snapshot >"$TMP/before"
in_rs nft list ruleset >"$TMP/ruleset.before"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start exits 0" 0 "$RC"
check "the state file ends with its end line" sh -c "tail -n 1 '$state' | grep -qx '# end'"
cp "$state" "$TMP/whole"
snapshot >"$TMP/applied"
size=$(wc -c <"$state")

for cut in 0 $((size / 2)) $((size - 1)); do
	head -c "$cut" "$TMP/whole" >"$state"
	for command in status stop start; do
		run_agent "$TMP/out" "$TMP/err" -c "$conf" $command
		expect_eq "state cut to $cut of $size bytes: $command exits 1" 1 "$RC"
		check "... and says the file is cut short, not taken for nothing owned" \
			grep -q "state is cut short .*refused, not read as owning nothing. Nothing was changed" \
			"$TMP/err"
	done
	expect_same_snapshot "... and nothing on the host changed" "$TMP/applied"
	check "... nor the state file" cmp -s "$state" <(head -c "$cut" "$TMP/whole")
done
# Cut at a line's end, the end line gone: refused the same.
head -n 3 "$TMP/whole" >"$state"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "state cut at a line's end: stop exits 1" 1 "$RC"

# Moved away: stop goes by the kernel's marks.
mv "$state" "$TMP/torn"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "the torn file moved away: stop exits 0" 0 "$RC"
expect_eq "... the VIPs labelled lo:lvs are gone" "" \
	"$(ip -n "$NS_RS" addr show dev lo | grep 'lo:lvs' || true)"
expect_eq "... and their routes of protocol 176" "" \
	"$(ip -n "$NS_RS" route show table all proto 176)"
in_rs nft list ruleset >"$TMP/ruleset.after"
check "... and the table arp lvsagent" cmp -s "$TMP/ruleset.before" "$TMP/ruleset.after"
expect_eq "... but the sysctls keep the values start set (their originals were in the file)" \
	"1 2" "$(rs_sysctl_get all arp_ignore) $(rs_sysctl_get all arp_announce)"
for iface in all lo eth0; do
	rs_sysctl_set "$iface" arp_ignore 0
	rs_sysctl_set "$iface" arp_announce 0
done
expect_same_snapshot "with the sysctls put back by hand the host is as before" "$TMP/before"
finish
