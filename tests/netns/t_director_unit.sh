# The director's systemd unit: hardened (systemd-analyze security exposure
# <= 2.0) yet allowed what `lvsagent director run` needs, and its state
# directory the one the example director configuration names. The daemon's
# system calls are traced in the VM tests (this kernel may have no IPVS).
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
unit=$TMP/lvsagent-director.service
sed 's|@SBINDIR@|/usr/local/sbin|g' "$here/../../systemd/lvsagent-director.service" >"$unit"

# unit_values KEY: the values of every KEY= line, one word a line.
unit_values() { sed -n "s/^$1=//p" "$unit" | tr ' ' '\n' | sed '/^$/d'; }
# has_values KEY WORD...: each WORD is among KEY's values.
has_values() {
	local key=$1 word
	shift
	for word in "$@"; do
		unit_values "$key" | grep -qx -- "$word" || { echo "$key lacks $word"; return 1; }
	done
}

systemd-analyze security --offline=true "$unit" >"$TMP/security" 2>&1 || true
exposure=$(sed -n 's/.*Overall exposure level for lvsagent-director.service: \([0-9.]*\).*/\1/p' "$TMP/security")
echo "        systemd-analyze security: exposure $exposure"
check "the unit's exposure is at most 2.0" \
	awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }'
check "the unit is Type=notify with a watchdog" \
	sh -c "grep -qx 'Type=notify' $unit && grep -q '^WatchdogSec=[1-9]' $unit"
check "ExecStart= runs lvsagent director run" \
	grep -qx 'ExecStart=/usr/local/sbin/lvsagent director run' "$unit"
check "it may open netlink, unix, TCP/IP and packet sockets" \
	has_values RestrictAddressFamilies AF_INET AF_INET6 AF_NETLINK AF_UNIX AF_PACKET
check "it keeps CAP_NET_ADMIN (IPVS) and CAP_NET_RAW (announcements)" \
	has_values CapabilityBoundingSet CAP_NET_ADMIN CAP_NET_RAW
check "its dynamic user holds them" \
	has_values AmbientCapabilities CAP_NET_ADMIN CAP_NET_RAW
check "ProtectKernelTunables stays off (lvsagent writes ip_forward)" \
	sh -c "! grep -q '^ProtectKernelTunables=yes' $unit"
check "no IPAddressDeny= (the checks go to real servers anywhere)" \
	sh -c "! grep -q '^IPAddressDeny=' $unit"
check "the metrics file's usual directory is exempt from ProtectSystem=strict" \
	has_values ReadWritePaths -/var/lib/prometheus/node-exporter
state_dir=$(sed -n 's/^state_dir *= *\([^ ;#]*\).*/\1/p' "$here/../../etc/director.conf")
check "its RuntimeDirectory= is etc/director.conf's state_dir ($state_dir)" \
	has_values RuntimeDirectory "${state_dir#/run/}"
check "not lvsagent.service's (each unit's dynamic user owns its own)" \
	sh -c "! grep -qx 'RuntimeDirectory=lvsagent' $unit"
finish
