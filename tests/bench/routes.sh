#!/bin/bash
# Route mode (vip_mode = route): many VIPs as local routes in table local.
# Side by side in one run, medians of alternating runs into a fresh
# namespace each time:
#   - N VIPs in route mode: lvsagent start against `ip -batch` adding the
#     same N local routes (the kernel's floor plus ip's own parsing);
#   - the same N VIPs in address mode (what the mode buys);
#   - BIG VIPs in route mode: start, peak RSS, status;
#   - the daemon holding BIG VIPs: repair of one deleted local route
#     (kernel event -> ACK, from its debug log; and delete -> back, from
#     outside) and its idle CPU.
# Where the time goes: user CPU (parse, plan, encode: lvsagent's) against
# system CPU (the kernel's work on lvsagent's requests and dumps), from
# time(1); status is observe + plan with no apply, so start - status is
# the batch.
#   usage: routes.sh LVSAGENT [N] [BIG] [ROUNDS] [DELETIONS] [IDLE_SECONDS]
LVSAGENT=${1:?usage: routes.sh /path/to/lvsagent [N] [BIG] [ROUNDS] [DELETIONS] [IDLE_SECONDS]}
N=${2:-10000}
BIG=${3:-100000}
ROUNDS=${4:-7}
DELETIONS=${5:-300}
IDLE=${6:-20}
export LVSAGENT
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$LVSAGENT")/tools
LAB_NAMESPACES=$NS_RS

# vips COUNT: the benchmark's VIPs (lib.sh's numbering), made by awk: a
# shell loop of 100 000 command substitutions takes longer than lvsagent.
vips() { awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "10.%d.%d.%d\n", 100 + int(i / 65536), int(i / 256) % 256, i % 256 }'; }
# config FILE MODE COUNT [EXTRA]
config() {
	{
		printf '[agent]\nstate_dir = %s\n%s\n[realserver]\nvip_mode = %s\n' "$STATE" "${4:-}" "$2"
		vips "$3" | sed 's/^/vip = /'
	} >"$1"
}
config "$TMP/route.conf" route "$N"
config "$TMP/address.conf" address "$N"
config "$TMP/big.conf" route "$BIG"
config "$TMP/daemon.conf" route "$BIG" "log_level = debug
sysctl_check_interval = 0"
vips "$N" | sed 's|.*|route add local &/32 dev lo table local proto 176 scope host metric 1024|' >"$TMP/batch"
vips "$BIG" | sed 's|.*|route add local &/32 dev lo table local proto 176 scope host metric 1024|' >"$TMP/bigbatch"

# timed FILE COMMAND...: elapsed ms, user ms, system ms, max RSS KiB of
# one run of COMMAND in the benchmark's namespace, appended to FILE
# (rusage_run: wait4's rusage, to the microsecond).
timed() {
	local out=$1
	shift
	"$tools/rusage_run" "$NS_RS" "$@" >>"$out" 2>"$TMP/cmd.err" ||
		{ echo "failed: $*" >&2; cat "$TMP/cmd.err" >&2; exit 1; }
}
# col FILE K: the median of column K.
col() { awk -v k="$2" '{ print $k }' "$1" | median; }
locals_in_ns() { ip -n "$NS_RS" route show table local proto 176 | wc -l; }
in_ns() { ip netns exec "$NS_RS" "$@"; }

: >"$TMP/route"; : >"$TMP/batch.t"
for round in $(seq 1 "$ROUNDS"); do
	fresh_ns
	timed "$TMP/route" "$LVSAGENT" -c "$TMP/route.conf" start
	[ "$(locals_in_ns)" -eq "$N" ] || { echo "lvsagent did not add $N local routes" >&2; exit 1; }
	fresh_ns
	timed "$TMP/batch.t" ip -batch "$TMP/batch"
done
fresh_ns
in_ns "$LVSAGENT" -c "$TMP/route.conf" start >/dev/null
: >"$TMP/status"
for i in $(seq 1 11); do timed "$TMP/status" "$LVSAGENT" -c "$TMP/route.conf" status; done
: >"$TMP/address"
for round in 1 2 3; do
	fresh_ns
	timed "$TMP/address" "$LVSAGENT" -c "$TMP/address.conf" start
done

: >"$TMP/big"; : >"$TMP/bigbatch.t"
for round in 1 2 3; do
	fresh_ns
	timed "$TMP/big" "$LVSAGENT" -c "$TMP/big.conf" start
	[ "$(locals_in_ns)" -eq "$BIG" ] || { echo "lvsagent did not add $BIG local routes" >&2; exit 1; }
	fresh_ns
	timed "$TMP/bigbatch.t" ip -batch "$TMP/bigbatch"
done
fresh_ns
in_ns "$LVSAGENT" -c "$TMP/big.conf" start >/dev/null
: >"$TMP/bigstatus"
for i in 1 2 3 4 5; do timed "$TMP/bigstatus" "$LVSAGENT" -c "$TMP/big.conf" status; done
: >"$TMP/bigdump"
for i in 1 2 3 4 5; do timed "$TMP/bigdump" ip route show table local proto 176; done

row() { printf '  %-34s %9.1f ms  (user %6.1f, system %6.1f)%s\n' "$1" "$(col "$2" 1)" "$(col "$2" 2)" "$(col "$2" 3)" "${3:-}"; }
route=$(col "$TMP/route" 1); batch=$(col "$TMP/batch.t" 1)
echo "route mode: $N VIPs as local routes into a fresh namespace, median of $ROUNDS alternating runs:"
row "lvsagent start (vip_mode = route)" "$TMP/route"
row "ip -batch (the same local routes)" "$TMP/batch.t"
printf '  ratio lvsagent / ip -batch         %9.2f     (target <= 0.6)\n' "$(ratio "$route" "$batch" 2)"
printf '  lvsagent start                     %9.1f ms  (target < 150 ms)\n' "$route"
row "lvsagent status on $N" "$TMP/status" "   (observe + plan; start - status = the batch)"
row "address mode, the same $N VIPs" "$TMP/address" "   (median of 3)"
printf '  route mode / address mode          %9.3f\n' "$(ratio "$route" "$(col "$TMP/address" 1)")"
echo "route mode: $BIG VIPs, median of 3:"
row "lvsagent start" "$TMP/big"
printf '  peak RSS of start                  %9d KiB (target < 65536)\n' "$(col "$TMP/big" 4)"
row "ip -batch (the same local routes)" "$TMP/bigbatch.t"
row "lvsagent status on $BIG" "$TMP/bigstatus"
printf '  peak RSS of status                 %9d KiB\n' "$(col "$TMP/bigstatus" 4)"
row "ip route show (the dump alone)" "$TMP/bigdump"

# --- the daemon holding BIG local routes --------------------------------------
fresh_ns
# ip netns exec execs: $! is the daemon itself.
ip netns exec "$NS_RS" "$LVSAGENT" -c "$TMP/daemon.conf" run >/dev/null 2>"$TMP/daemon.log" &
daemon=$!
for _ in $(seq 400); do grep -q "running:" "$TMP/daemon.log" && break; sleep 0.05; done
cpu_us() { awk '{ print int($1 / 1000) }' "/proc/$1/schedstat"; }
kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
sleep 1	# the first converge's tail (it re-reads once after changes)
cpu0=$(cpu_us "$daemon")
sleep "$IDLE"
cpu1=$(cpu_us "$daemon")
in_ns "$tools/repair_latency" "$(vips 777 | tail -1)/32" "$DELETIONS" 2000 >"$TMP/outside" ||
	{ echo "repair_latency failed; the daemon log ends:" >&2; tail -5 "$TMP/daemon.log" >&2; exit 1; }
sed -n 's/.*repaired 1 item in \([0-9.]*\) ms.*/\1/p' "$TMP/daemon.log" | sort -n >"$TMP/inside"
pct() { awk -v p="$1" '{ v[NR] = $1 } END { i = int(p / 100 * (NR - 1) + 0.5) + 1; printf "%.3f", v[i] }' "$TMP/inside"; }
echo "the daemon holding $BIG local routes:"
echo "  repair of one deleted local route, $DELETIONS deletions (target p99 < 10 ms):"
echo "    inside (kernel event -> ACK): p50 $(pct 50) ms, p90 $(pct 90) ms, p99 $(pct 99) ms, max $(pct 100) ms ($(wc -l <"$TMP/inside") repairs)"
echo "    outside (delete -> back):     $(sed 's/.*repaired: //' "$TMP/outside")"
printf '  idle CPU over %d s: %.3f ms; VmHWM %s KiB, VmRSS %s KiB\n' "$IDLE" \
	"$(awk -v us=$((cpu1 - cpu0)) 'BEGIN { print us / 1000 }')" "$(kib "$daemon" VmHWM)" "$(kib "$daemon" VmRSS)"
kill -TERM "$daemon"
wait 2>/dev/null
