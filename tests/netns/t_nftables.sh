# suppression = nftables: ARP for the VIPs suppressed by lvsagent's own
# table arp lvsagent, installed over netlink in one transaction, with the
# arp sysctls left at 0. What the wire shows, what nft lists, how stop and
# the daemon treat the table, and that a refused transaction changes nothing.
. "$(dirname "$0")/lib.sh"
lab_up_dr
conf=$TMP/lvsagent.conf
nftables_config() {
	write_config "$conf" "vip = $VIP4, 10.77.0.101, $VIP6" "interfaces = eth0" "$@"
}
in_rs nft add table inet unrelated
in_rs nft add chain inet unrelated input '{ type filter hook input priority 10; }'
in_rs nft add rule inet unrelated input tcp dport 9 counter
snapshot >"$TMP/before"
in_rs nft list ruleset >"$TMP/ruleset.before"

# capture_arp_from_vip: the ARP requests the client sees while the real
# server pings the client from the VIP (with no neighbour entry yet).
capture_arp_from_vip() {
	in_rs ip neigh flush dev eth0
	in_client tcpdump -l -n -i eth0 arp >"$TMP/arp.cap" 2>/dev/null &
	local capture=$!
	sleep 0.5
	in_rs ping -c 1 -W 1 -I "$VIP4" 10.77.0.1 >/dev/null 2>&1 || true
	sleep 0.3
	kill "$capture"
	wait "$capture" 2>/dev/null || true
}

# The control: a VIP on lo by hand, sysctls at 0, no table.
in_rs ip addr add "$VIP4/32" dev lo
capture_arp_from_vip
check "without lvsagent the real server's ARP requests announce the VIP (control)" \
	grep -q "who-has 10.77.0.1 tell $VIP4" "$TMP/arp.cap"
in_rs ip addr del "$VIP4/32" dev lo

nftables_config "suppression = nftables"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start exits 0" 0 "$RC"
check "start says it added the table" grep -q "^add nft table arp lvsagent (2 IPv4 VIPs; eth0 -> 10.77.0.3)" "$TMP/out"
expect_eq "the arp sysctls are left at 0" "0 0" "$(rs_sysctl_get all arp_ignore) $(rs_sysctl_get all arp_announce)"
in_rs nft list table arp lvsagent >"$TMP/table"
cat >"$TMP/expected" <<'TABLE'
table arp lvsagent {
	set vips {
		type ipv4_addr
		size 2
		elements = { 10.77.0.100, 10.77.0.101 }
	}

	chain input {
		type filter hook input priority filter; policy accept;
		arp daddr ip @vips drop
	}

	chain output {
		type filter hook output priority filter; policy accept;
		oifname "eth0" arp saddr ip @vips arp saddr ip set 10.77.0.3
		arp saddr ip @vips drop
	}
}
TABLE
check "nft list table arp lvsagent shows the expected rules" diff -u "$TMP/expected" "$TMP/table"
sed 's/^/        | /' "$TMP/check.out" | head -20
expect_eq "arping from the client: only the director answers" "$director_mac" "$(arp_responders "$VIP4")"
capture_arp_from_vip
check "the real server's ARP requests from the VIP say its own address" \
	grep -q "who-has 10.77.0.1 tell 10.77.0.3" "$TMP/arp.cap"
check "never the VIP" sh -c "! grep -q 'tell $VIP4' $TMP/arp.cap"

in_client ip neigh replace "$VIP4" lladdr "$rs_mac" dev eth0 nud permanent
in_rs socat TCP4-LISTEN:8080,bind=$VIP4,reuseaddr,fork SYSTEM:'echo realserver' >/dev/null 2>&1 &
wait_listening 8080
expect_eq "the DR path works with nftables suppression" realserver \
	"$(in_client timeout 3 socat -T 2 - TCP4:$VIP4:8080 </dev/null 2>/dev/null || true)"
in_client ip neigh del "$VIP4" dev eth0

# IPv6 needs no rules: Linux answers neighbour solicitations only for
# addresses on the receiving interface, and the VIP is on lo.
check "ndisc6 works against the real server's own address (control)" \
	in_client ndisc6 -q -r 2 -w 300 2001:db8:77::3 eth0
check "a neighbour solicitation for the IPv6 VIP gets no answer" \
	sh -c "! ip netns exec $NS_CLIENT ndisc6 -q -r 2 -w 300 $VIP6 eth0"

run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status: in place" 0 "$RC"
check "status lists the table" grep -q "^nft .*table arp lvsagent .*in place" "$TMP/out"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "a second start changes nothing" "start: nothing to change" "$(cat "$TMP/out")"
# Another table arp with chains of the same names is not lvsagent's.
in_rs nft add table arp filter
in_rs nft add chain arp filter input '{ type filter hook input priority 0; }'
in_rs nft add chain arp filter output '{ type filter hook output priority 0; }'
in_rs nft add rule arp filter input counter
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "another table arp with input and output chains: status still in place" 0 "$RC"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "... and start has nothing to change" "start: nothing to change" "$(cat "$TMP/out")"
sed 's/^\[agent\]/[agent]\nsysctl_check_interval = 1/' "$conf" >"$TMP/checking.conf"
ip netns exec "$NS_RS" "$LVSAGENT" -c "$TMP/checking.conf" run >/dev/null 2>"$TMP/other.log" &
checker=$!
sleep 3.5
kill -TERM "$checker"
wait "$checker" || true
check "... and the daemon, checking every second, repaired nothing in 3.5 s" \
	sh -c "grep -q 'running:' $TMP/other.log && ! grep -q 'repair' $TMP/other.log"
check "the other table is left as it was" sh -c "ip netns exec $NS_RS nft list table arp filter | grep -q 'chain output'"
in_rs nft delete table arp filter
agent -c "$conf" start >/dev/null
in_rs nft add rule arp lvsagent input counter
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "a rule added by hand: status 1" 1 "$RC"
check "status says the table differs" grep -q "^nft .*table arp lvsagent .*different" "$TMP/out"
run_agent "$TMP/out" "$TMP/err" -c "$conf" apply --check --json
check "apply --check plans a replace" grep -q '"action":"set","kind":"nft"' "$TMP/out"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
check "start replaces the table" diff -u "$TMP/expected" <(in_rs nft list table arp lvsagent)

# both: the table and the sysctls.
nftables_config "suppression = both"
agent -c "$conf" start >"$TMP/out"
expect_eq "suppression = both raises the sysctls too" "1 2" \
	"$(rs_sysctl_get all arp_ignore) $(rs_sysctl_get all arp_announce)"
check "and keeps the table" diff -u "$TMP/expected" <(in_rs nft list table arp lvsagent)
nftables_config "suppression = sysctl"
agent -c "$conf" start >"$TMP/out"
check "back to sysctl: the table is removed" sh -c "! ip netns exec $NS_RS nft list table arp lvsagent 2>/dev/null"
nftables_config "suppression = nftables"
agent -c "$conf" start >"$TMP/out"
expect_eq "nftables alone again: the sysctls are restored" "0 0" \
	"$(rs_sysctl_get all arp_ignore) $(rs_sysctl_get all arp_announce)"

# The daemon: nft flush ruleset, a changed uplink address.
agent -c "$conf" stop >/dev/null
sed -i 's/^\[agent\]/[agent]\nlog_level = debug/' "$conf"
ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" run >/dev/null 2>"$TMP/daemon.log" &
daemon=$!
for _ in $(seq 50); do grep -q "running:" "$TMP/daemon.log" && break; sleep 0.1; done
in_rs nft flush ruleset
for _ in $(seq 20); do in_rs nft list table arp lvsagent >/dev/null 2>&1 && break; sleep 0.05; done
check "nft flush ruleset under the daemon: the table is back" \
	diff -u "$TMP/expected" <(in_rs nft list table arp lvsagent)
check "the repair is logged" grep -q "repair: nft table arp lvsagent was missing; restored it" "$TMP/daemon.log"
# Measured inside the daemon, from the kernel's notification to the ACK of
# the transaction that put the table back.
latency=$(sed -n 's/.*repaired [0-9]* items\{0,1\} in \([0-9.]*\) ms.*/\1/p' "$TMP/daemon.log" | tail -1)
check "restored within 100 ms of the flush (${latency} ms)" \
	awk -v ms="$latency" 'BEGIN { exit !(ms != "" && ms < 100) }'
in_rs nft delete rule arp lvsagent output handle \
	"$(in_rs nft -a list chain arp lvsagent output | sed -n 's/.*drop # handle //p')"
for _ in $(seq 20); do diff -q "$TMP/expected" <(in_rs nft list table arp lvsagent) >/dev/null && break; sleep 0.05; done
check "a rule deleted by hand comes back" diff -u "$TMP/expected" <(in_rs nft list table arp lvsagent)
# (another subnet: deleting a primary address deletes its subnet's secondaries)
in_rs ip addr add 10.77.1.4/24 dev eth0
in_rs ip addr del 10.77.0.3/24 dev eth0
for _ in $(seq 20); do in_rs nft list table arp lvsagent | grep -q 'set 10.77.1.4' && break; sleep 0.05; done
check "the output rule follows the uplink's new primary address" \
	sh -c "ip netns exec $NS_RS nft list table arp lvsagent | grep -q 'oifname \"eth0\" arp saddr ip @vips arp saddr ip set 10.77.1.4'"
in_rs ip addr add 10.77.0.3/24 dev eth0
in_rs ip addr del 10.77.1.4/24 dev eth0
for _ in $(seq 20); do in_rs nft list table arp lvsagent | grep -q 'set 10.77.0.3' && break; sleep 0.05; done
in_rs nft add table inet unrelated
in_rs nft add chain inet unrelated input '{ type filter hook input priority 10; }'
in_rs nft add rule inet unrelated input tcp dport 9 counter
kill -TERM "$daemon"
wait "$daemon" || true
check "SIGTERM: the daemon removed its table" sh -c "! ip netns exec $NS_RS nft list table arp lvsagent 2>/dev/null"
check "and left the unrelated inet table untouched" diff -u "$TMP/ruleset.before" <(in_rs nft list ruleset)
expect_same_snapshot "the host is as before" "$TMP/before"

# A transaction the kernel refuses (the table is owned by another program's
# socket): nothing is applied, not even the sysctls with `both`.
mkfifo "$TMP/fifo"
ip netns exec "$NS_RS" nft -i <"$TMP/fifo" >/dev/null 2>&1 &
exec 3>"$TMP/fifo"
echo 'add table arp lvsagent { flags owner; }' >&3
for _ in $(seq 20); do in_rs nft list tables | grep -q 'arp lvsagent' && break; sleep 0.05; done
in_rs nft list table arp lvsagent >"$TMP/owned.before"
nftables_config "suppression = both"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "a refused table: exit 1" 1 "$RC"
check "the table that was there is intact" diff -u "$TMP/owned.before" <(in_rs nft list table arp lvsagent)
check "with the kernel's reason" grep -q "could not replace nft table arp lvsagent.*: Operation not permitted" "$TMP/err"
check "the sysctls were not applied alone" grep -q "not attempted: the nftables table failed first" "$TMP/err"
expect_eq "all.arp_ignore is still 0" 0 "$(rs_sysctl_get all arp_ignore)"
check "no VIP was added" sh -c "! ip -n $NS_RS addr show dev lo | grep -q '$VIP4'"
exec 3>&-
finish
