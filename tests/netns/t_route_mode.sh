# vip_mode = route: each VIP, or block of VIPs, is a local route in table
# local through lo (proto lvsagent), no address. What must hold as in
# address mode, on the wire and in the kernel:
#  1. ARP: only the director answers for a VIP or an address of a VIP
#     prefix, with sysctl and with nftables suppression (a bare local route
#     without lvsagent answers: the check can fail).
#  2. The DR path: services bound to a VIP and to 0.0.0.0 / :: answer, over
#     IPv4 and IPv6, for single VIPs and for addresses inside a prefix; ping.
#  3. status / --check / --json; stop removes exactly what it added.
#  4. Switching address -> route -> address in place: the new form is added
#     before the old goes (ip monitor sees the order), and nothing is lost.
#  5. The daemon puts back a deleted local route from the event.
#  6. Bad input: a prefix in address mode, overlapping VIPs, a prefix that
#     covers the host's own address: FILE:LINE, exit 2, nothing changed.
. "$(dirname "$0")/lib.sh"
lab_up_dr
conf=$TMP/lvsagent.conf
PREFIX4=10.78.0.0/24
IN4=10.78.0.5			# an address inside the prefix, also the director's
PREFIX6=2001:db8:78::/64
IN6=2001:db8:78::5
in_director ip addr add "$IN4/32" dev eth0
in_client ip route add "$PREFIX4" dev eth0
in_client ip -6 route add "$PREFIX6" dev eth0
locals() { ip -n "$NS_RS" route show table local proto 176; ip -n "$NS_RS" -6 route show table local proto 176; }
snapshot >"$TMP/before"
two_macs=$(printf '%s\n' "$director_mac" "$rs_mac" | sort | tr '\n' ' ' | sed 's/ $//')

# --- 1. ARP ----------------------------------------------------------------------
in_rs ip route add local "$PREFIX4" dev lo table local
expect_eq "control: a bare local route makes the real server answer ARP too" "$two_macs" \
	"$(arp_responders "$IN4")"
in_rs ip route del local "$PREFIX4" dev lo table local

write_config "$conf" "vip_mode = route" "vip = $VIP4, $PREFIX4, $VIP6, $PREFIX6" \
	"interfaces = eth0"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start exits 0" 0 "$RC"
check "the VIP is a local route in table local, proto lvsagent, scope host" \
	sh -c "ip -n $NS_RS route show table local proto 176 | grep -q '^local $VIP4 dev lo scope host'"
check "the prefix is one local route" \
	sh -c "ip -n $NS_RS route show table local proto 176 | grep -q '^local $PREFIX4 dev lo scope host'"
check "the IPv6 prefix too" \
	sh -c "ip -n $NS_RS -6 route show table local proto 176 | grep -q '^local $PREFIX6 dev lo'"
check "no address on lo" sh -c "! ip -n $NS_RS addr show dev lo | grep -q '$VIP4\|10.78.0'"
check "no host route in main" sh -c "[ -z \"\$(ip -n $NS_RS route show proto 176)\" ]"
check "state records the local routes" grep -qx "local $PREFIX4" "$TMP/state/state"
expect_eq "sysctl: only the director answers ARP for the VIP" "$director_mac" \
	"$(arp_responders "$VIP4")"
expect_eq "sysctl: only the director answers ARP for an address in the prefix" "$director_mac" \
	"$(arp_responders "$IN4")"

# --- 2. the DR path --------------------------------------------------------------
in_client ip neigh replace "$VIP4" lladdr "$rs_mac" dev eth0 nud permanent
in_client ip neigh replace "$IN4" lladdr "$rs_mac" dev eth0 nud permanent
in_client ip -6 neigh replace "$VIP6" lladdr "$rs_mac" dev eth0 nud permanent
in_client ip -6 neigh replace "$IN6" lladdr "$rs_mac" dev eth0 nud permanent
in_rs socat "TCP4-LISTEN:8080,bind=$VIP4,reuseaddr,fork" SYSTEM:'echo on-vip' >/dev/null 2>&1 &
in_rs socat "TCP4-LISTEN:8081,reuseaddr,fork" SYSTEM:'echo on-any' >/dev/null 2>&1 &
in_rs socat "TCP6-LISTEN:8081,ipv6only=1,reuseaddr,fork" SYSTEM:'echo on-any6' >/dev/null 2>&1 &
wait_listening 8080 1
wait_listening 8081 2
ask() { in_client timeout 3 socat -T 2 - "$1:$2:$3" </dev/null 2>/dev/null || true; }
expect_eq "DR path: a service bound to the VIP answers" on-vip "$(ask TCP4 "$VIP4" 8080)"
expect_eq "DR path: a service on 0.0.0.0 answers for the VIP" on-any "$(ask TCP4 "$VIP4" 8081)"
expect_eq "DR path: ... and for an address inside the prefix" on-any "$(ask TCP4 "$IN4" 8081)"
expect_eq "DR path over IPv6: a service on :: answers for the VIP" on-any6 \
	"$(ask TCP6 "[$VIP6]" 8081)"
expect_eq "DR path over IPv6: ... and for an address inside the /64" on-any6 \
	"$(ask TCP6 "[$IN6]" 8081)"
check "ping to an address of the prefix is answered" in_client ping -c 1 -W 2 "$IN4"

# --- nftables suppression: the set holds the prefix as an interval ----------------
write_config "$conf" "vip_mode = route" "vip = $VIP4, $PREFIX4, $VIP6, $PREFIX6" \
	"interfaces = eth0" "suppression = nftables"
run_agent "$TMP/out" "$TMP/err" -c "$conf" apply
expect_eq "apply with nftables exits 0" 0 "$RC"
check "the set is an interval set holding the prefix" \
	sh -c "ip netns exec $NS_RS nft list set arp lvsagent vips | grep -q '10.78.0.0/24'"
rs_sysctl_set all arp_ignore 0
rs_sysctl_set eth0 arp_ignore 0
expect_eq "nftables: only the director answers ARP for an address in the prefix" \
	"$director_mac" "$(arp_responders "$IN4")"
expect_eq "nftables: only the director answers ARP for the VIP" "$director_mac" \
	"$(arp_responders "$VIP4")"

# --- 3. status, --check, --json ------------------------------------------------------
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status: in place (exit 0)" 0 "$RC"
check "status lists the prefix as a local route in place" \
	grep -Eq "^local +$PREFIX4 +in place" "$TMP/out"
check "status: the nft table with intervals is in place" \
	grep -Eq "^nft +table arp lvsagent +in place" "$TMP/out"
run_agent "$TMP/out" "$TMP/err" -c "$conf" apply --check
expect_eq "--check: nothing to do (exit 0)" 0 "$RC"
ip -n "$NS_RS" route del local "$PREFIX4" dev lo table local proto 176 metric 1024
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status after a deleted local route: drifted (exit 1)" 1 "$RC"
check "status: the local route is missing" grep -Eq "^local +$PREFIX4 +missing" "$TMP/out"
run_agent "$TMP/out" "$TMP/err" -c "$conf" apply --check --json
check "--check --json plans the local route's add" \
	grep -q '"kind": *"local".*"action": *"add"\|"action": *"add".*"kind": *"local"' "$TMP/out"
run_agent "$TMP/out" "$TMP/err" -c "$conf" apply --diff
check "--diff shows the local route coming back" grep -qx "+local $PREFIX4 dev lo table local" "$TMP/out"

# --- 4. switching modes in place -------------------------------------------------------
write_config "$conf" "vip = $VIP4, $VIP6" "interfaces = eth0"
run_agent "$TMP/out" "$TMP/err" -c "$conf" apply
expect_eq "route -> address: apply exits 0" 0 "$RC"
check "route -> address: the VIP is on lo" sh -c "ip -n $NS_RS addr show dev lo | grep -q '$VIP4/32'"
check "route -> address: no local route of lvsagent's is left" sh -c "[ -z \"\$(locals)\" ]"
ip -n "$NS_RS" monitor route address >"$TMP/monitor" 2>/dev/null &
monitor=$!
sleep 0.3
write_config "$conf" "vip_mode = route" "vip = $VIP4, $VIP6" "interfaces = eth0"
run_agent "$TMP/out" "$TMP/err" -c "$conf" apply
expect_eq "address -> route: apply exits 0" 0 "$RC"
sleep 0.3
kill "$monitor"
added=$(grep -n "^local $VIP4 dev lo table local proto 176" "$TMP/monitor" | head -1 | cut -d: -f1)
removed=$(grep -n "^Deleted .*inet $VIP4/32" "$TMP/monitor" | head -1 | cut -d: -f1)
check "address -> route: the local route came before the address went ($added < $removed)" \
	test -n "$added" -a -n "$removed" -a "${added:-0}" -lt "${removed:-0}"
check "address -> route: the address is gone" sh -c "! ip -n $NS_RS addr show dev lo | grep -q '$VIP4'"
expect_eq "address -> route: the DR path still answers" on-vip "$(ask TCP4 "$VIP4" 8080)"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "address -> route: status in place" 0 "$RC"

# --- 5. the daemon repairs a deleted local route -----------------------------------
write_config "$conf" "vip_mode = route" "vip = $VIP4, $PREFIX4" "interfaces = eth0"
ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" run 2>>"$TMP/daemon.log" &
daemon=$!
has_prefix() { ip -n "$NS_RS" route show table local proto 176 | grep -q "^local $PREFIX4 "; }
eventually_within 5 "the daemon converged" has_prefix
ip -n "$NS_RS" route del local "$PREFIX4" dev lo table local proto 176 metric 1024
eventually_within 2 "the daemon put the deleted local route back" has_prefix
kill -TERM "$daemon"
wait "$daemon" 2>/dev/null || true
check "on SIGTERM the daemon withdrew its local routes" sh -c "[ -z \"\$(locals)\" ]"
kill $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "stop exits 0" 0 "$RC"
in_client ip neigh flush dev eth0
in_client ip -6 neigh flush dev eth0
rs_sysctl_set all arp_ignore 0
rs_sysctl_set eth0 arp_ignore 0

# --- 6. bad input ---------------------------------------------------------------------
snapshot >"$TMP/before_bad"
write_config "$conf" "vip = $PREFIX4"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "a prefix in address mode: exit 2" 2 "$RC"
check "... with FILE:LINE" grep -q "^$conf:5: vip \"$PREFIX4\": a VIP is one address, not a prefix, unless vip_mode = route" "$TMP/err"
write_config "$conf" "vip_mode = route" "vip = $PREFIX4" "vip = 10.78.0.9"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "overlapping VIPs: exit 2" 2 "$RC"
check "... with FILE:LINE" grep -q "^$conf:7: VIP 10.78.0.9/32 overlaps $PREFIX4 (line 6)" "$TMP/err"
write_config "$conf" "vip_mode = route" "vip = 10.77.0.0/25"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "a prefix covering the host's own address: exit 2 (a configuration error)" 2 "$RC"
check "... with FILE:LINE, naming the address" \
	grep -q "^$conf:6: vip 10.77.0.0/25 covers 10.77.0.3, an address of eth0" "$TMP/err"
run_agent "$TMP/out" "$TMP/err" -c "$conf" check-config
expect_eq "check-config refuses it too" 2 "$RC"
expect_same_snapshot "bad input changed nothing" "$TMP/before_bad"
expect_same_snapshot "after stop the real server is exactly as before" "$TMP/before"
finish
