# What the wire shows. The director holds the VIP on its eth0; the real
# server must hold it on lo and never answer ARP for it.
#  1. An old init script left the VIP on the real server's lo with the ARP
#     sysctls at 0: the client sees two MACs for the VIP. start adopts the
#     VIP and suppresses ARP: one MAC, the director's. stop restores the
#     sysctls and keeps the adopted VIP: two MACs again.
#  2. The DR data path: the client sends to the VIP at the real server's
#     MAC (as the director would) and a TCP service bound to the VIP on the
#     real server answers — over IPv4 and IPv6.
. "$(dirname "$0")/lib.sh"
lab_up_dr
conf=$TMP/lvsagent.conf

# --- 1. ARP ------------------------------------------------------------------
in_rs ip addr add "$VIP4/32" dev lo label lo:0
snapshot >"$TMP/before"
expect_eq "before start: both the director and the real server answer ARP" \
	"$(printf '%s\n' "$director_mac" "$rs_mac" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"$(arp_responders "$VIP4")"

write_config "$conf" "vip = $VIP4" "interfaces = eth0"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start exits 0" 0 "$RC"
expect_eq "after start: only the director answers ARP for the VIP" "$director_mac" \
	"$(arp_responders "$VIP4")"
check "the adopted VIP keeps its old label" \
	sh -c "ip -n $NS_RS addr show dev lo | grep -q '$VIP4/32 scope global lo:0'"
check "state records it as adopted, not ours" grep -qx "adopted $VIP4" "$TMP/state/state"
expect_eq "the real server still answers ARP for its own address" "$rs_mac" \
	"$(arp_responders 10.77.0.3)"

run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "stop exits 0" 0 "$RC"
check "stop keeps the adopted VIP" sh -c "ip -n $NS_RS addr show dev lo | grep -q '$VIP4/32'"
expect_same_snapshot "after stop the real server is exactly as before start" "$TMP/before"
expect_eq "after stop: two MACs again" \
	"$(printf '%s\n' "$director_mac" "$rs_mac" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"$(arp_responders "$VIP4")"
in_rs ip addr del "$VIP4/32" dev lo

# --- 2. the DR data path --------------------------------------------------------
in_client ip neigh replace "$VIP4" lladdr "$rs_mac" dev eth0 nud permanent
in_client ip -6 neigh replace "$VIP6" lladdr "$rs_mac" dev eth0 nud permanent
# serve PROTO ADDR: a one-line TCP service bound to the VIP (TCP4 or TCP6).
serve() {
	in_rs socat "$1-LISTEN:8080,bind=$2,reuseaddr,fork" SYSTEM:'echo realserver' \
		>/dev/null 2>&1 &
}
ask() { in_client timeout 3 socat -T 2 - "$1:$2:8080" </dev/null 2>/dev/null || true; }

expect_eq "without lvsagent the real server drops traffic for the VIP" "" "$(ask TCP4 "$VIP4")"
write_config "$conf" "vip = $VIP4, $VIP6"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start exits 0" 0 "$RC"
serve TCP4 "$VIP4"
serve TCP6 "[$VIP6]"
wait_listening 8080 2
expect_eq "DR path over IPv4: the service on the VIP answers the client" realserver \
	"$(ask TCP4 "$VIP4")"
expect_eq "DR path over IPv6: the service on the VIP answers the client" realserver \
	"$(ask TCP6 "[$VIP6]")"
expect_eq "ARP for the VIP still gets only the director" "$director_mac" \
	"$(arp_responders "$VIP4")"
kill $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "stop exits 0" 0 "$RC"
check "stop removes the IPv6 /128" sh -c "! ip -n $NS_RS -6 addr show dev lo | grep -q '$VIP6'"
finish
