#!/bin/bash
# Installing ARP suppression with nftables for N VIPs: lvsagent's one-
# transaction table against `nft -f` loading the same ruleset text, both
# into namespaces where nothing else differs; medians of alternating runs.
#   table only: the VIPs are already on lo (lvsagent start with
#     suppression = sysctl), then `lvsagent apply` with suppression =
#     nftables installs the table (and puts the 6 arp sysctls back);
#   everything: `lvsagent start` with suppression = nftables into an empty
#     namespace, against `nft -f` plus `ip -batch` for addresses and routes.
#   The peak RSS of one more table-only run of each side follows, and how
#   long the daemon takes to put the table back after `nft flush ruleset`
#   (measured inside it, kernel event to ACK, as the daemon logs it).
#   usage: nft.sh LVSAGENT [ROUNDS]
LVSAGENT=${1:?usage: nft.sh /path/to/lvsagent [ROUNDS]}
ROUNDS=${2:-5}
export LVSAGENT
. "$(dirname "$0")/lib.sh"
LAB_NAMESPACES=$NS_RS

# The lab namespace with an uplink for the output chain.
fresh_uplink_ns() {
	fresh_ns
	ip link add eth0 netns "$NS_RS" type veth peer name peer0 netns "$NS_RS"
	ip -n "$NS_RS" addr add 10.77.0.3/24 dev eth0
}
in_ns() { ip netns exec "$NS_RS" "$@"; }
# peak_kib COMMAND...: the peak RSS of COMMAND run in the namespace, in KiB
# (GNU time inside it, so that ip netns exec's own pages do not count).
peak_kib() { in_ns /usr/bin/time -f %M -o "$TMP/peak" "$@" >/dev/null 2>&1; cat "$TMP/peak"; }

# flush_repairs CONF TIMES: the daemon's repair times (ms) after each of
# TIMES `nft flush ruleset`, one per line.
flush_repairs() {
	local log=$TMP/daemon.log
	sed 's/^\[agent\]/[agent]\nlog_level = debug/' "$1" >"$TMP/daemon.conf"
	# ip netns exec becomes the daemon: $! is its pid. Its stdout is not
	# this function's, which the caller reads to the end.
	ip netns exec "$NS_RS" "$LVSAGENT" -c "$TMP/daemon.conf" run >/dev/null 2>"$log" &
	local daemon=$!
	for _ in $(seq 100); do grep -q "running:" "$log" && break; sleep 0.1; done
	for _ in $(seq "$2"); do
		in_ns nft flush ruleset
		sleep 0.5
	done
	kill -TERM "$daemon"
	wait "$daemon" || true
	sed -n 's/.*repaired [0-9]* items\{0,1\} in \([0-9.]*\) ms.*/\1/p' "$log"
}

bench() {
	local n=$1
	{
		printf '[agent]\nstate_dir = %s\n[realserver]\ninterfaces = eth0\n' "$STATE"
		for i in $(seq 1 "$n"); do echo "vip = $(vip "$i")"; done
	} >"$TMP/sysctl.conf"
	sed 's/^interfaces = eth0$/interfaces = eth0\nsuppression = nftables/' "$TMP/sysctl.conf" >"$TMP/nft.conf"
	{
		printf 'table arp lvsagent {\n\tset vips {\n\t\ttype ipv4_addr\n\t\telements = { '
		for i in $(seq 1 "$n"); do printf '%s, ' "$(vip "$i")"; done | sed 's/, $//'
		printf ' }\n\t}\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n'
		printf '\t\tarp daddr ip @vips drop\n\t}\n\tchain output {\n'
		printf '\t\ttype filter hook output priority filter; policy accept;\n'
		printf '\t\toifname "eth0" arp saddr ip @vips arp saddr ip set 10.77.0.3\n'
		printf '\t\tarp saddr ip @vips drop\n\t}\n}\n'
	} >"$TMP/table.nft"
	for i in $(seq 1 "$n"); do
		echo "addr add $(vip "$i")/32 dev lo label lo:lvs"
		echo "route add $(vip "$i")/32 dev lo proto 176 scope link"
	done >"$TMP/addrs.batch"
	: >"$TMP/a.ms"; : >"$TMP/b.ms"; : >"$TMP/c.ms"; : >"$TMP/d.ms"
	for _ in $(seq 1 "$ROUNDS"); do
		fresh_uplink_ns
		in_ns "$LVSAGENT" -c "$TMP/sysctl.conf" start >/dev/null
		time_ms in_ns "$LVSAGENT" -c "$TMP/nft.conf" apply >>"$TMP/a.ms"
		in_ns nft list set arp lvsagent vips | grep -q "$(vip "$n")" ||
			{ echo "lvsagent did not install the set" >&2; exit 1; }
		fresh_uplink_ns
		time_ms in_ns nft -f "$TMP/table.nft" >>"$TMP/b.ms"
		fresh_uplink_ns
		time_ms in_ns "$LVSAGENT" -c "$TMP/nft.conf" start >>"$TMP/c.ms"
		fresh_uplink_ns
		time_ms in_ns sh -c "nft -f $TMP/table.nft && ip -batch $TMP/addrs.batch" >>"$TMP/d.ms"
	done
	local a b c d a_kib b_kib repairs
	fresh_uplink_ns
	repairs=$(flush_repairs "$TMP/nft.conf" 5 | sort -n)
	fresh_uplink_ns
	in_ns "$LVSAGENT" -c "$TMP/sysctl.conf" start >/dev/null
	a_kib=$(peak_kib "$LVSAGENT" -c "$TMP/nft.conf" apply)
	fresh_uplink_ns
	b_kib=$(peak_kib nft -f "$TMP/table.nft")
	a=$(median <"$TMP/a.ms"); b=$(median <"$TMP/b.ms")
	c=$(median <"$TMP/c.ms"); d=$(median <"$TMP/d.ms")
	echo "$n VIPs, median of $ROUNDS alternating runs:"
	printf '  table only:  lvsagent %8.1f ms   nft -f %8.1f ms   ratio %s (target <= 1.0)\n' "$a" "$b" "$(ratio "$a" "$b" 2)"
	printf '  peak RSS, table only:  lvsagent %s KiB   nft -f %s KiB\n' "$a_kib" "$b_kib"
	printf '  daemon, table back after nft flush ruleset: median %s ms, max %s ms of %s (target < 100 ms)\n' \
		"$(median <<<"$repairs")" "$(tail -1 <<<"$repairs")" "$(wc -l <<<"$repairs")"
	printf '  everything:  lvsagent %8.1f ms   nft -f + ip -batch %8.1f ms   ratio %s\n' "$c" "$d" "$(ratio "$c" "$d" 2)"
}

bench 1000
bench 10000
