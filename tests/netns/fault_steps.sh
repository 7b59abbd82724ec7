#!/bin/bash
# fault_steps.sh: t_fault_every_step.sh's inner loop, run inside the real
# server's namespace (one `ip netns exec` for hundreds of steps: each one
# stays cheap). For every N from 1 to COUNT: a start of CONF by the fault
# build with LVSAGENT_FAULT=KIND:N, then
#   - status tells the truth: exit 0 exactly when nothing is missing, and
#     the items it calls missing or different are those the host lacks,
#     read here with ip, nft and /proc (not through lvsagent);
#   - the next start converges: exit 0, then status exit 0;
#   - stop puts the host back as the text in BEFORE (addresses, routes,
#     lo's alias, the nft ruleset, the ARP sysctls) and removes the state.
# Prints one FAIL line per broken promise and at the end "steps S failures F".
#
#   fault_steps.sh BIN CONF MODE KIND COUNT STATE_FILE BEFORE VIPS [STRIDE]
# MODE: sysctl or nftables; VIPS: a file of the VIPs, one a line (a.b.c.d/32);
# STRIDE (1): every STRIDE-th N from 1, and the last.
set -u
bin=$1 conf=$2 mode=$3 kind=$4 count=$5 state=$6 before=$7 vips=$8 stride=${9:-1}
dir=$(dirname "$before")
failures=0
shown=0

bad() {
	failures=$((failures + 1))
	echo "  FAIL  $kind:$n ($mode): $1"
	# The first few failures with their evidence, the rest as one line each.
	if [ "$shown" -lt 5 ] && [ -n "${2:-}" ]; then
		shown=$((shown + 1))
		sed 's/^/        | /' "$2" | head -20
	fi
}

# What stop must put back, as text.
snapshot() {
	{
		ip -d -b - <<-EOF
		link show lo
		addr show
		route show table all
		EOF
		nft list ruleset
		for iface in all default lo eth0; do
			for key in arp_ignore arp_announce; do
				read -r value <"/proc/sys/net/ipv4/conf/$iface/$key"
				echo "$iface.$key=$value"
			done
		done
	} | grep -v -e valid_lft -e cache -e expires
}

# What the host lacks of the configuration, "KIND NAME" a line, sorted:
# the VIPs on lo, their host routes in table main, the ARP sysctls
# (sysctl mode), the table arp lvsagent (nftables mode; one transaction,
# so there or not).
host_lacks() {
	local program='
		BEGIN { while ((getline vip < vips) > 0) want[vip] = 1 }
		$1 ~ /^[0-9]+:$/ { if ($3 == "inet") addr[$4] = 1; next }
		{ dst = $1 ~ /\// ? $1 : $1 "/32"; route[dst] = 1 }
		END {
			for (vip in want) {
				if (!(vip in addr)) print "vip " vip
				if (!(vip in route)) print "route " vip
			}
		}'
	ip -o -b - <<-EOF | awk -v vips="$vips" "$program"
		addr show dev lo
		route show table main dev lo
		EOF
	if [ "$mode" = sysctl ]; then
		# The kernel goes by the larger of all's value and the interface's.
		for key in arp_ignore:1 arp_announce:2; do
			read -r all <"/proc/sys/net/ipv4/conf/all/${key%:*}"
			[ "$all" -ge "${key#*:}" ] || echo "sysctl net.ipv4.conf.all.${key%:*}"
			for iface in lo eth0; do
				read -r value <"/proc/sys/net/ipv4/conf/$iface/${key%:*}"
				[ "$value" -ge "${key#*:}" ] || [ "$all" -ge "${key#*:}" ] ||
					echo "sysctl net.ipv4.conf.$iface.${key%:*}"
			done
		done
	else
		nft list table arp lvsagent >/dev/null 2>&1 || echo "nft table"
	fi
}

# The items status calls neither "in place" nor "in force" (a sysctl the
# value for all makes good), "KIND NAME" a line.
status_lacks() {
	awk '$1 ~ /^(vip|route|sysctl|nft)$/ && !/ in (place|force)/ { print $1, $2 }' "$1"
}

steps=0
for n in $(seq 1 "$stride" "$count" | sed '$!b'"; /^$count\$/!a $count"); do
	steps=$((steps + 1))
	LVSAGENT_FAULT=$kind:$n "$bin" -c "$conf" start >"$dir/fault.out" 2>&1
	rc=$?
	if ! grep -qE "^LVSAGENT_FAULT: .* $n( |\$)" "$dir/fault.out"; then
		bad "the fault did not fire (start exit $rc)" "$dir/fault.out"
	elif [ "$kind" = exit ] && [ "$rc" -ne 99 ]; then
		bad "start exited $rc, not the fault's 99" "$dir/fault.out"
	fi
	host_lacks | sort >"$dir/lacks.host"
	"$bin" -c "$conf" status >"$dir/status.out" 2>&1
	rc=$?
	status_lacks "$dir/status.out" | sort >"$dir/lacks.status"
	if ! cmp -s "$dir/lacks.host" "$dir/lacks.status"; then
		diff -u "$dir/lacks.host" "$dir/lacks.status" >"$dir/lacks.diff"
		bad "status names other items than the host lacks (- host, + status)" "$dir/lacks.diff"
	elif [ -s "$dir/lacks.host" ] && [ "$rc" -eq 0 ]; then
		bad "status exits 0 with $(wc -l <"$dir/lacks.host") items missing" "$dir/status.out"
	elif [ ! -s "$dir/lacks.host" ] && [ "$rc" -ne 0 ]; then
		bad "status exits $rc with everything in place" "$dir/status.out"
	fi
	"$bin" -c "$conf" start >"$dir/start.out" 2>&1 ||
		bad "the next start exits $?" "$dir/start.out"
	"$bin" -c "$conf" status >"$dir/status.out" 2>&1 ||
		bad "status after the next start exits $?" "$dir/status.out"
	"$bin" -c "$conf" stop >"$dir/stop.out" 2>&1 || bad "stop exits $?" "$dir/stop.out"
	snapshot >"$dir/after"
	if ! cmp -s "$before" "$dir/after"; then
		diff -u "$before" "$dir/after" >"$dir/after.diff"
		bad "stop did not put the host back as it was" "$dir/after.diff"
	fi
	[ ! -e "$state" ] || bad "stop left the state file"
done
echo "steps $steps failures $failures"
