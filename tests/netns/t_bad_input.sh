# Every kind of bad input is refused before anything is touched: exit 2, a
# "FILE:LINE: what" message, and the namespace exactly as it was.
. "$(dirname "$0")/lib.sh"
lab_rs_only
snapshot >"$TMP/before"
conf=$TMP/bad.conf

# refused CASE EXPECTED-LINE-PREFIX [COMMAND]: the config in $conf is refused.
refused() {
	local what=$1 where=$2 command=${3:-start}
	run_agent "$TMP/out" "$TMP/err" -c "$conf" "$command"
	snapshot >"$TMP/snap.now"
	if [ "$RC" -eq 2 ] && grep -q "^$where" "$TMP/err" && cmp -s "$TMP/before" "$TMP/snap.now"; then
		pass "$what: exit 2, $(head -1 "$TMP/err"), host unchanged"
	else
		fail "$what: exit $RC, stderr: $(head -3 "$TMP/err")"
		diff -u "$TMP/before" "$TMP/snap.now" | sed 's/^/        | /' | head -20
	fi
}

# body VIP-LINES...: a config whose [realserver] section starts on line 4.
body() { write_config "$conf" "$@"; }

body "vip = 203.0.113.300";          refused "not an address" "$conf:5: "
body "vip = 0.0.0.0";                refused "0.0.0.0" "$conf:5: "
body "vip = ::";                     refused "::" "$conf:5: "
body "vip = 224.0.0.9";              refused "IPv4 multicast" "$conf:5: "
body "vip = ff02::1";                refused "IPv6 multicast" "$conf:5: "
body "vip = 127.0.0.9";              refused "IPv4 loopback" "$conf:5: "
body "vip = ::1";                    refused "IPv6 loopback" "$conf:5: "
body "vip = 255.255.255.255";        refused "limited broadcast" "$conf:5: "
body "vip = 192.168.101.0/24";       refused "a prefix" "$conf:5: "
body "vip = $VIP4" "vip = $VIP4";    refused "a duplicate VIP" "$conf:6: duplicate VIP"
body "vip = $VIP4" "[realservers]";  refused "an unknown section" "$conf:6: unknown section"
body "vip = $VIP4" "vips = 10.1.1.1"; refused "an unknown key" "$conf:6: unknown key"
body "vip = $VIP4" "arp_ignore = 4"; refused "arp_ignore out of range" "$conf:6: arp_ignore"
body "vip = $VIP4" "arp_ignore = x"; refused "arp_ignore not a number" "$conf:6: arp_ignore"
body "vip = $VIP4" "arp_announce = 3"; refused "arp_announce out of range" "$conf:6: arp_announce"
body "vip = $VIP4" "arp_announce = two"; refused "arp_announce not a number" "$conf:6: arp_announce"
body "vip = $VIP4" "suppression = iptables"; refused "unknown suppression" "$conf:6: suppression"
body "vip = $VIP4" "interfaces = eth0123456789abc"; refused "interface name too long" "$conf:6: interface"
body "vip = $VIP4" "interfaces = eth0, eth9"; refused "an interface that does not exist" \
	"$conf:6: interface \"eth9\" does not exist"
# LVS-TUN's keys (issue 15).
body "vip = $VIP4" "method = nat";   refused "an unknown method" "$conf:6: method must be dr or tun"
body "vip = $VIP4" "method = tun" "tunnel = vxlan"; refused "an unknown tunnel" "$conf:7: tunnel must be"
body "vip = $VIP4" "method = tun" "tunnel_port = 6080"; refused "tunnel_port without gue" \
	"$conf:7: tunnel_port is for tunnel = gue only"
body "vip = $VIP4" "method = tun" "tunnel = gue" "tunnel_port = 0"; refused "tunnel_port out of range" \
	"$conf:8: tunnel_port must be"
body "vip = $VIP4" "method = tun" "tunnel_csum = csum"; refused "a checksum with ipip" \
	"$conf:7: tunnel_csum must be none with tunnel = ipip"
body "vip = $VIP4" "method = tun" "directors = director1"; refused "directors not addresses" \
	"$conf:7: directors: \"director1\" is not an address"
body "vip = $VIP4" "method = tun" "mss = 100"; refused "mss out of range" "$conf:7: mss must be from 536 to 9000"
body "vip = $VIP4" "tunnel = gre";   refused "a tunnel without method = tun" "$conf:6: tunnel is for method = tun"
body;                                refused "no VIP" "$conf: no VIP configured"
printf '[realserver\nvip = %s\n' "$VIP4" >"$conf"; refused "a broken section header" "$conf:1: broken section header"
head -c 600 /bin/true >"$conf";      refused "binary garbage" "$conf:1: binary data"
conf=$TMP/missing.conf;              refused "a missing file" "$conf: cannot read"
conf=$TMP;                           refused "a directory" "$conf: cannot read"

# Unreadable: root reads anything, so read it as nobody (the config is
# loaded before the privilege check, so the error is the file's).
conf=$TMP/secret.conf
write_config "$conf" "vip = $VIP4"
chmod 600 "$conf"
chmod 755 "$TMP"
RC=0
ip netns exec "$NS_RS" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$LVSAGENT" -c "$conf" start >"$TMP/out" 2>"$TMP/err" || RC=$?
if [ "$RC" -eq 2 ] && grep -q "^$conf: cannot read the configuration: Permission denied" "$TMP/err"; then
	pass "an unreadable file: exit 2, $(head -1 "$TMP/err")"
else
	fail "an unreadable file: exit $RC, $(cat "$TMP/err")"
fi

# All errors in one run, in line order.
conf=$TMP/bad.conf
body "vip = 10.1.1.1, 300.1.1.1" "arp_ignore = 9" "colour = blue" "vip = 10.1.1.1"
refused "several errors" "$conf:5: "
expect_eq "every error is reported in one run" 4 "$(wc -l <"$TMP/err")"
check "in line order" sh -c "cut -d: -f2 $TMP/err | tr '\n' ' ' | grep -qx '5 6 7 8 '"

# One good and one bad VIP: neither is added.
body "vip = $VIP4" "vip = 10.1.1.300"
refused "one good and one bad VIP" "$conf:6: "

# The same refusals from every command that reads the config.
for command in stop restart status apply check-config; do
	body "vip = 224.1.1.1"
	refused "$command refuses a bad config too" "$conf:5: " "$command"
done
body "vip = $VIP4" "interfaces = eth9"
RC=0
agent -c "$conf" apply --json >"$TMP/out" 2>/dev/null || RC=$?
expect_eq "apply --json refuses with exit 2" 2 "$RC"
check "and prints one JSON object saying failed" \
	python3 -c "import json,sys; d=json.load(open('$TMP/out')); sys.exit(not (d['failed'] and not d['changed'] and 'eth9' in d['msg']))"

expect_same_snapshot "after all of that the namespace is exactly as it was" "$TMP/before"
check "and no state directory was made" test ! -e "$TMP/state"

# Usage errors are exit 2 as well.
RC=0; agent frobnicate >/dev/null 2>&1 || RC=$?
expect_eq "an unknown command: exit 2" 2 "$RC"
RC=0; agent -c "$conf" status --check >/dev/null 2>&1 || RC=$?
expect_eq "--check on status: exit 2" 2 "$RC"
RC=0; agent --bogus >/dev/null 2>&1 || RC=$?
expect_eq "an unknown option: exit 2" 2 "$RC"
finish
