# The director's command line on this host (whose kernel may lack IPVS: the
# VM tests, tests/vm/, do the rest): usage errors, configuration errors with
# FILE:LINE and exit 2 before anything else, privileges (exit 4), a kernel
# without IPVS (exit 1, named), import, check-config of a director file.
. "$(dirname "$0")/lib.sh"
LAB_NAMESPACES=$NS_RS
ip netns add "$NS_RS"
ip -n "$NS_RS" link set lo up
conf=$TMP/director.conf
cat >"$conf" <<EOF
[agent]
state_dir = $TMP/state

[service web]
virtual = tcp 192.0.2.80:80
scheduler = rr
realserver = 10.0.0.2:80 method=dr weight=2
realserver = 10.0.0.3 method=nat
EOF
chmod 755 "$TMP"
chmod 644 "$conf"

run() {
	RC=0
	ip netns exec "$NS_RS" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

run "$LVSAGENT" director
expect_eq "director without a subcommand: exit 2" 2 "$RC"
run "$LVSAGENT" director launch
expect_eq "an unknown director command: exit 2" 2 "$RC"
check "... named" grep -q 'unknown director command "launch"' "$TMP/err"
run "$LVSAGENT" -c "$conf" director status --check
expect_eq "--check does not apply to director status: exit 2" 2 "$RC"
run "$LVSAGENT" -c "$conf" director apply --diff
expect_eq "--diff does not apply to director commands: exit 2" 2 "$RC"
run "$LVSAGENT" -c "$conf" director apply --from-kernel
expect_eq "--from-kernel does not apply to director apply: exit 2" 2 "$RC"
check "... saying where it does" grep -q -- "--from-kernel applies to director import only" "$TMP/err"
run "$LVSAGENT" -c "$conf" status --from-kernel
expect_eq "nor to the real server's commands: exit 2" 2 "$RC"

run "$LVSAGENT" -c "$(dirname "$0")/../../etc/director.conf" check-config
expect_eq "the example etc/director.conf is valid" 0 "$RC"
run "$LVSAGENT" -c "$conf" check-config
expect_eq "check-config accepts a director-only file" 0 "$RC"
check "... and counts its services" grep -q "configuration OK (0 VIPs, 1 director service)" "$TMP/out"

bad=$TMP/bad.conf
sed 's/weight=2/weight=70000/; s/method=nat/method=magic/' "$conf" >"$bad"
run "$LVSAGENT" -c "$bad" director apply
expect_eq "a bad configuration: exit 2" 2 "$RC"
check "every error with FILE:LINE" sh -c "grep -q '^$bad:7: realserver' '$TMP/err' &&
	grep -q '^$bad:8: realserver .*method must be dr, tun or nat' '$TMP/err'"
run "$LVSAGENT" -c "$bad" director apply --json
check "--json: one object with failed true" python3 -c "
import json, sys
o = json.load(open('$TMP/out'))
sys.exit(0 if o['failed'] and not o['changed'] and 'weight' in o['msg'] else 1)"
sed 's/^\[service web\]/[director]\nvip_interface = eth9\n\n[service web]/' "$conf" >"$bad"
run "$LVSAGENT" -c "$bad" director apply
expect_eq "a vip_interface that does not exist: exit 2" 2 "$RC"
check "... named with its line" grep -q "^$bad:5: vip_interface \"eth9\" does not exist" "$TMP/err"

sed 's/^\[service web\]/[director]\nvip_interface = lo\n\n[service web]/' "$conf" >"$bad"
run "$LVSAGENT" -c "$bad" director apply
expect_eq "vip_interface = lo (a real server's VIPs carry the same label there): exit 2" 2 "$RC"
check "... named with its line and why" grep -q "^$bad:5: vip_interface \"lo\" is the loopback, where a real server keeps its VIPs" "$TMP/err"
check "... and no other error" test "$(wc -l <"$TMP/err")" -eq 1

RC=0
ip netns exec "$NS_RS" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$LVSAGENT" -c "$conf" director status >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_eq "director status without CAP_NET_ADMIN: exit 4 (reading IPVS needs it)" 4 "$RC"
check "... saying so" grep -q "needs root (CAP_NET_ADMIN)" "$TMP/err"
RC=0
ip netns exec "$NS_RS" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$LVSAGENT" director import --from-kernel >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_eq "director import --from-kernel without CAP_NET_ADMIN: exit 4" 4 "$RC"
check "... saying so" grep -q "import --from-kernel needs root (CAP_NET_ADMIN)" "$TMP/err"

if [ -e /proc/net/ip_vs ] || modprobe -n ip_vs 2>/dev/null; then
	pass "(this kernel has IPVS: the no-IPVS message is tested only where it lacks it)"
else
	run "$LVSAGENT" -c "$conf" director apply
	expect_eq "a kernel without IPVS: exit 1" 1 "$RC"
	check "... named, with what to do" grep -q "this kernel has no IPVS: load the ip_vs module" "$TMP/err"
	check "no state was written" test ! -e "$TMP/state/director"
fi

printf -- '-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 10.0.0.2:80 -g -w 2\n' >"$TMP/rules"
run sh -c "'$LVSAGENT' director import <'$TMP/rules' >'$TMP/imported.conf'"
expect_eq "import works unprivileged and without IPVS" 0 "$RC"
check "... into a configuration lvsagent accepts" "$LVSAGENT" -c "$TMP/imported.conf" check-config
check "... with the service and its real server" sh -c \
	"grep -q '^virtual = tcp 192.0.2.1:80$' '$TMP/imported.conf' &&
	 grep -q '^realserver = 10.0.0.2:80 method=dr weight=2$' '$TMP/imported.conf'"
printf -- '-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.9:80 -r 10.0.0.2:80\n' >"$TMP/rules"
run sh -c "'$LVSAGENT' director import <'$TMP/rules'"
expect_eq "import of a rule for an unknown service: exit 2" 2 "$RC"
check "... naming the line" grep -q "^<stdin>:2: a real server for a service no -A rule above adds" "$TMP/err"
check "... and printing nothing" test ! -s "$TMP/out"
run "$LVSAGENT" director import "$TMP/rules"
expect_eq "director import FILE of the same rules: exit 2" 2 "$RC"
check "... naming FILE and the line" \
	grep -q "^$TMP/rules:2: a real server for a service no -A rule above adds" "$TMP/err"
printf 'VIP=192.0.2.1\nifconfig lo:0 $VIP up\nipvsadm -A -t $VIP:80 -s rr\n' >"$TMP/script.sh"
run "$LVSAGENT" director import "$TMP/script.sh"
expect_eq "director import FILE of a script: exit 0" 0 "$RC"
check "... its service" grep -q '^virtual = tcp 192.0.2.1:80$' "$TMP/out"
check "... and its skipped line named on standard error" \
	grep -q "^$TMP/script.sh:2: skipped: ifconfig lo:0 \$VIP up (not an ipvsadm command)$" "$TMP/err"
finish
