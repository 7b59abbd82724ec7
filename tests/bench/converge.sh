#!/bin/bash
# Converging N VIPs (address + host route each) into a fresh namespace:
# lvsagent start, against `ip -batch` adding the same addresses and
# routes, and against one command per step (the seed scripts' way).
# Medians of alternating runs; then `lvsagent status` on the result.
#   usage: converge.sh LVSAGENT [N] [ROUNDS]
LVSAGENT=${1:?usage: converge.sh /path/to/lvsagent [N] [ROUNDS]}
N=${2:-1000}
ROUNDS=${3:-7}
export LVSAGENT
. "$(dirname "$0")/lib.sh"
LAB_NAMESPACES=$NS_RS

conf=$TMP/bench.conf
{
	printf '[agent]\nstate_dir = %s\n[realserver]\n' "$STATE"
	for i in $(seq 1 "$N"); do echo "vip = $(vip "$i")"; done
} >"$conf"
for i in $(seq 1 "$N"); do
	echo "addr add $(vip "$i")/32 dev lo label lo:lvs"
done >"$TMP/batch"
for i in $(seq 1 "$N"); do
	echo "route add $(vip "$i")/32 dev lo proto 176 scope link"
done >>"$TMP/batch"
{
	echo 'for d in all lo; do echo 1 > /proc/sys/net/ipv4/conf/$d/arp_ignore;'
	echo '  echo 2 > /proc/sys/net/ipv4/conf/$d/arp_announce; done'
	for i in $(seq 1 "$N"); do
		echo "ip addr add $(vip "$i")/32 dev lo label lo:lvs"
		echo "ip route add $(vip "$i")/32 dev lo proto 176 scope link"
	done
} >"$TMP/steps.sh"



: >"$TMP/agent.ms"; : >"$TMP/batch.ms"; : >"$TMP/steps.ms"
for round in $(seq 1 "$ROUNDS"); do
	fresh_ns
	time_ms ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" start >>"$TMP/agent.ms"
	[ "$(ip -n "$NS_RS" -4 addr show dev lo | grep -c 'lo:lvs')" -eq "$N" ] ||
		{ echo "lvsagent did not add $N VIPs" >&2; exit 1; }
	fresh_ns
	time_ms ip netns exec "$NS_RS" ip -batch "$TMP/batch" >>"$TMP/batch.ms"
	if [ "$round" -le 3 ]; then	# slow: three rounds are plenty
		fresh_ns
		time_ms ip netns exec "$NS_RS" sh "$TMP/steps.sh" >>"$TMP/steps.ms"
	fi
done

fresh_ns
ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" start >/dev/null
: >"$TMP/status.ms"
for i in $(seq 1 21); do
	time_ms ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" status >>"$TMP/status.ms"
done
: >"$TMP/exec.ms"
for i in $(seq 1 21); do
	time_ms ip netns exec "$NS_RS" true >>"$TMP/exec.ms"
done

agent=$(median <"$TMP/agent.ms")
batch=$(median <"$TMP/batch.ms")
steps=$(median <"$TMP/steps.ms")
status=$(median <"$TMP/status.ms")
exec_cost=$(median <"$TMP/exec.ms")
echo "converge $N VIPs (address + host route each) into a fresh namespace, median of $ROUNDS runs:"
printf '  lvsagent start                 %9.1f ms\n' "$agent"
printf '  ip -batch (same changes)       %9.1f ms\n' "$batch"
printf '  one ip command per step        %9.1f ms   (median of 3)\n' "$steps"
printf '  ratio lvsagent / ip -batch     %9.2f   (target <= 1.0)\n' "$(ratio "$agent" "$batch")"
printf '  ratio lvsagent / per-step      %9.3f\n' "$(ratio "$agent" "$steps")"
printf 'lvsagent status on %d VIPs     %9.1f ms   (median of 21; target < 20 ms)\n' "$N" "$status"
printf '  of which ip netns exec itself  %9.1f ms\n' "$exec_cost"
