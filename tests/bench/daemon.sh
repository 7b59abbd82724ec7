#!/bin/bash
# The daemon's costs: repair latency over N deletions of a VIP (from outside:
# deletion to the address visible again; from inside: kernel event to the
# repair's ACK, from the daemon's debug log), CPU time and wakeups over a
# minute of idling, and peak RSS holding 1000 VIPs.
#   usage: daemon.sh LVSAGENT [DELETIONS] [IDLE_SECONDS]
LVSAGENT=${1:?usage: daemon.sh /path/to/lvsagent [DELETIONS] [IDLE_SECONDS]}
DELETIONS=${2:-1000}
IDLE=${3:-60}
export LVSAGENT
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$LVSAGENT")/tools
NS_IDLE=${NS_RS}i
LAB_NAMESPACES="$NS_RS $NS_IDLE"

# config FILE STATE INTERVAL: 1000 VIPs.
config() {
	{
		printf '[agent]\nstate_dir = %s\nlog_level = debug\nsysctl_check_interval = %s\n' "$2" "$3"
		printf '[realserver]\n'
		for i in $(seq 1 1000); do echo "vip = $(vip "$i")"; done
	} >"$1"
}
# start NS CONF LOG: the daemon's pid once its first converge is done.
start() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	ip netns exec "$1" "$LVSAGENT" -c "$2" run >/dev/null 2>"$3" &
	local pid=$!
	for _ in $(seq 100); do grep -q "running:" "$3" && break; sleep 0.05; done
	echo "$pid"
}
# CPU time in microseconds, from the scheduler's own nanosecond count.
cpu_us() { awk '{ print int($1 / 1000) }' "/proc/$1/schedstat"; }
wakeups() { awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v + n }' "/proc/$1/status"; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

config "$TMP/busy.conf" "$TMP/busy" 5
config "$TMP/idle.conf" "$TMP/idle" 0
busy=$(start "$NS_RS" "$TMP/busy.conf" "$TMP/busy.log")
idle=$(start "$NS_IDLE" "$TMP/idle.conf" "$TMP/idle.log")
echo "two daemons holding 1000 VIPs each: pid $busy (sysctl checks every 5 s), pid $idle (none)"

# Idle: both sit still for a minute; only the one with the timer may wake.
cpu0=$(cpu_us "$busy"); wake0=$(wakeups "$busy")
cpu0i=$(cpu_us "$idle"); wake0i=$(wakeups "$idle")
sleep "$IDLE"
cpu1=$(cpu_us "$busy"); wake1=$(wakeups "$busy")
cpu1i=$(cpu_us "$idle"); wake1i=$(wakeups "$idle")

# Repairs: delete one of the 1000 VIPs over and over.
ip netns exec "$NS_RS" "$tools/repair_latency" "$(vip 500)" "$DELETIONS" 1000 >"$TMP/outside" ||
	{ echo "repair_latency failed; the daemon log ends:" >&2; tail -5 "$TMP/busy.log" >&2; ip -n "$NS_RS" addr show dev lo | head -8 >&2; exit 1; }
sed -n 's/.*repaired 1 item in \([0-9.]*\) ms.*/\1/p' "$TMP/busy.log" | sort -n >"$TMP/inside"
inside_n=$(wc -l <"$TMP/inside")
pct() { awk -v p="$1" '{ v[NR] = $1 } END { i = int(p / 100 * (NR - 1) + 0.5) + 1; printf "%.3f", v[i] }' "$TMP/inside"; }

echo
echo "repair latency, $DELETIONS deletions of one VIP among 1000 (target p99 < 10 ms):"
echo "  from outside (delete -> visible again): $(sed 's/.*repaired: //' "$TMP/outside")"
echo "  inside the daemon (kernel event -> ACK): p50 $(pct 50) ms, p90 $(pct 90) ms, p99 $(pct 99) ms, max $(pct 100) ms ($inside_n repairs)"
echo
echo "idle for $IDLE s (target: under 1 ms CPU per minute apart from the sysctl timer):"
ms() { awk -v us="$1" 'BEGIN { printf "%.3f ms", us / 1000 }'; }
echo "  without the sysctl timer: $(ms $((cpu1i - cpu0i))) CPU, $((wake1i - wake0i)) wakeups"
echo "  with the 5 s sysctl timer: $(ms $((cpu1 - cpu0))) CPU, $((wake1 - wake0)) wakeups ($((IDLE / 5)) timer ticks, $(ms $(((cpu1 - cpu0) / (IDLE / 5 > 0 ? IDLE / 5 : 1)))) each)"
echo
echo "memory holding 1000 VIPs (target RSS < 4 MiB):"
echo "  after $DELETIONS repairs: VmHWM $(status_kib "$busy" VmHWM) KiB, VmRSS $(status_kib "$busy" VmRSS) KiB"
echo "  idle one:           VmHWM $(status_kib "$idle" VmHWM) KiB, VmRSS $(status_kib "$idle" VmRSS) KiB"
kill -TERM "$busy" "$idle"
wait 2>/dev/null
