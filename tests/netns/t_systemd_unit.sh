# The systemd unit: hardened (systemd-analyze security exposure <= 2.0) and
# its SystemCallFilter= allows every system call the daemon makes while it
# starts, repairs, reloads and stops (traced with strace).
. "$(dirname "$0")/lib.sh"
lab_rs_only
unit=$TMP/lvsagent.service
sed 's|@SBINDIR@|/usr/local/sbin|g' "$(dirname "$0")/../../systemd/lvsagent.service" >"$unit"

systemd-analyze security --offline=true "$unit" >"$TMP/security" 2>&1 || true
exposure=$(sed -n 's/.*Overall exposure level for lvsagent.service: \([0-9.]*\).*/\1/p' "$TMP/security")
echo "        systemd-analyze security: exposure $exposure"
check "the unit's exposure is at most 2.0 (keepalived's: 9.6)" \
	awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }'
check "the unit is Type=notify with a watchdog" grep -q '^Type=notify' "$unit"
check "ProtectKernelTunables stays off (lvsagent writes /proc/sys)" \
	sh -c "! grep -q '^ProtectKernelTunables=yes' $unit"

if ldd "$LVSAGENT" | grep -q -e libasan -e libubsan; then
	echo "        (sanitizer build: its runtime's system calls are not the daemon's; trace skipped)"
	finish
	exit 0
fi
conf=$TMP/lvsagent.conf
write_config "$conf" "vip = $VIP4" "vip = $VIP6" "suppression = both"
sed -i 's/^\[agent\]/[agent]\nsysctl_check_interval = 1/' "$conf"
NOTIFY_SOCKET=$TMP/absent.sock WATCHDOG_USEC=200000 ip netns exec "$NS_RS" \
	strace -f -qq -o "$TMP/trace" "$LVSAGENT" -c "$conf" run 2>/dev/null &
tracer=$!
for _ in $(seq 50); do in_rs ip addr show dev lo | grep -q "$VIP4" && break; sleep 0.1; done
daemon=$(ip netns pids "$NS_RS" | while read -r pid; do
	[ "$(cat /proc/$pid/comm)" = lvsagent ] && echo "$pid"; done)
in_rs ip addr del "$VIP4/32" dev lo
sleep 0.2
rs_sysctl_set all arp_ignore 0
sleep 1.3
kill -HUP "$daemon"
sleep 0.3
kill -TERM "$daemon"
wait "$tracer" || true
check "the daemon repaired under strace" grep -q 'RTM_NEWADDR' "$TMP/trace"
check "SystemCallFilter= allows every system call the daemon made" \
	python3 "$(dirname "$0")/syscall_filter.py" "$unit" "$TMP/trace"
sed 's/^/        /' "$TMP/check.out"
finish
