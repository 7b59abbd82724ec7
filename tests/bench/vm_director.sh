#!/bin/sh
# The director benchmark, inside the test VM (tests/bench/director.sh boots
# it): the same table of N services × 4 real servers programmed by
# `lvsagent director apply` and by `ipvsadm -R`, and a no-op re-apply
# against `ipvsadm -Sn` listing it; both sides on the same emulated CPU,
# interleaved, median of ROUNDS. The host's coreutils date and GNU time are
# in /usr/local/bin (busybox's date has no nanoseconds, its time misreads
# the peak RSS).
. /tests/lib.sh

ROUNDS=3
DATE=/usr/local/bin/date

usec() { $DATE +%s%6N; }

# elapsed_ms COMMAND...: runs COMMAND (output discarded), prints its wall
# time in milliseconds.
elapsed_ms() {
	t0=$(usec)
	"$@" >/dev/null 2>/tmp/bench.err || { cat /tmp/bench.err >&2; echo "failed: $*" >&2; }
	t1=$(usec)
	echo $(((t1 - t0) / 1000))
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# make_table N: /tmp/bench.conf and /tmp/bench.rules for the same table.
make_table() {
	awk -v n="$1" 'BEGIN {
		print "[agent]\nstate_dir = /run/lvsagent-bench\n" > "/tmp/bench.conf"
		for (i = 0; i < n; i++) {
			vip = sprintf("172.16.%d.%d:80", int(i / 256), i % 256)
			printf "[service s%d]\nvirtual = tcp %s\nscheduler = wlc\n", i, vip > "/tmp/bench.conf"
			printf "-A -t %s -s wlc\n", vip > "/tmp/bench.rules"
			for (j = 1; j <= 4; j++) {
				rs = sprintf("10.%d.%d.%d:80", j, int(i / 256), i % 256)
				printf "realserver = %s method=dr weight=%d\n", rs, j > "/tmp/bench.conf"
				printf "-a -t %s -r %s -g -w %d\n", vip, rs, j > "/tmp/bench.rules"
			}
		}
	}'
}

# Each measured run programs a fresh namespace: IPVS keeps deleted real
# servers in a per-namespace trash that every later add searches linearly,
# so a table cleared and programmed again measures the kernel's trash, not
# the tool. Tables are cleared after measuring (their rate estimators
# would otherwise load the emulated CPU) and the namespaces deleted at the
# end of each size.
ipvsadm_restore() { in_ns "$1" ipvsadm -R </tmp/bench.rules; }
agent_apply() { in_ns "$1" lvsagent -c /tmp/bench.conf director apply; }
ipvsadm_list() { in_ns "$1" ipvsadm -Sn; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

bench() {
	n=$1
	make_table "$n"
	restore="" apply="" noop="" list=""
	r=0
	while [ $r -lt $ROUNDS ]; do
		lab_ns "ra$n.$r" && lab_ns "rb$n.$r" || return 1
		rm -rf /run/lvsagent-bench
		restore="$restore $(elapsed_ms ipvsadm_restore "ra$n.$r")"
		apply="$apply $(elapsed_ms agent_apply "rb$n.$r")"
		noop="$noop $(elapsed_ms agent_apply "rb$n.$r")"
		list="$list $(elapsed_ms ipvsadm_list "rb$n.$r")"
		r=$((r + 1))
		[ $r -lt $ROUNDS ] || break
		in_ns "ra$n.$((r - 1))" ipvsadm -C
		in_ns "rb$n.$((r - 1))" ipvsadm -C
	done
	last="rb$n.$((ROUNDS - 1))"
	same "lvsagent's table has every line ($n services)" "$((n * 5))" \
		sh -c "$IP netns exec $last ipvsadm -Sn | wc -l"
	same "... the same lines as ipvsadm -R's" "$(in_ns "ra$n.$((ROUNDS - 1))" ipvsadm -Sn)" \
		in_ns "$last" ipvsadm -Sn
	contains "the no-op apply changes nothing" "nothing to change" agent_apply "$last"
	rss=$(in_ns "$last" /usr/local/bin/time -f %M lvsagent -c /tmp/bench.conf director apply \
	      2>&1 >/dev/null)
	restore=$(echo "$restore" | median) apply=$(echo "$apply" | median)
	noop=$(echo "$noop" | median) list=$(echo "$list" | median)
	echo "BENCH director $n services x 4 real servers (median of $ROUNDS, ms):"
	echo "BENCH   program: lvsagent director apply $apply  ipvsadm -R $restore  ratio $(ratio "$apply" "$restore") (target <= 0.10)"
	echo "BENCH   no-op:   lvsagent director apply $noop  ipvsadm -Sn $list  ratio $(ratio "$noop" "$list") (target <= 1.0)"
	echo "BENCH   lvsagent peak RSS on the no-op apply: ${rss:-?} KiB"
	for ns in $LAB_NAMESPACES; do
		in_ns "$ns" ipvsadm -C 2>/dev/null
	done
	lab_cleanup
}

# The sizes come on the kernel command line (lvsbench.sizes=1000,10000).
sizes=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^lvsbench.sizes=//p' | tr , ' ')
# The scheduler's module loaded before anything is timed.
lab_ns warm && in_ns warm ipvsadm -A -t 10.0.0.1:80 -s wlc && lab_cleanup
for n in ${sizes:-1000 10000}; do
	bench "$n"
done
finish vm_director
