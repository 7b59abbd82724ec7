# lib.sh — what the host benchmarks share (bash; source it after setting
# LVSAGENT): the namespace lab (tests/netns/lib.sh), a state directory on
# tmpfs as in production, the VIP numbering, and the measuring helpers.
# Run alone (not through run.sh), a benchmark checks the machine first.
if [ -z "${NEEDS_TIER:-}" ]; then
	"$(dirname "${BASH_SOURCE[0]}")/../needs.sh" check netns bench || exit 1
fi
. "$(dirname "${BASH_SOURCE[0]}")/../netns/lib.sh"
# The state lives where it does in production, on tmpfs: /run under
# systemd. Where /run is on disk (containers, this CI's machine) every state
# write would pay a disk flush production never sees: use /dev/shm instead.
if [ "$(stat -f -c %T /run)" = tmpfs ]; then
	STATE=/run/lvsagent-bench.$$
else
	STATE=/dev/shm/lvsagent-bench.$$
fi
trap 'lab_cleanup; rm -rf "$STATE"' EXIT

# vip I: the I-th VIP of a benchmark (10.100.0.0 onwards).
vip() { echo "10.$((100 + $1 / 65536)).$(($1 / 256 % 256)).$(($1 % 256))"; }

# time_ms COMMAND...: wall-clock milliseconds (3 decimals) of one run.
time_ms() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null
	end=$(date +%s%N)
	awk -v ns=$((end - start)) 'BEGIN { printf "%.3f\n", ns / 1e6 }'
}

# median: of the numbers on stdin, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# ratio A B [DECIMALS]
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-3}" 'BEGIN { printf "%.*f\n", d, a / b }'; }

# fresh_ns: the benchmark's namespace, new and empty but for lo (up).
fresh_ns() {
	ip netns del "$NS_RS" 2>/dev/null || true
	rm -rf "$STATE"
	ip netns add "$NS_RS"
	ip -n "$NS_RS" link set lo up
}
