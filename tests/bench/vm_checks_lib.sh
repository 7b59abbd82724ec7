# vm_checks_lib.sh — what the health-check benchmarks share inside the test
# VM (vm_checks.sh: TCP; vm_http_checks.sh: HTTP and HTTPS). Their host
# sides (checks.sh, http_checks.sh, through checks_lib.sh) copy it to
# /tests/vm_checks_lib.sh; a script sources it after /tests/lib.sh.
#
# The lab: namespace "director" (the daemon) and "backend" joined by one
# veth; the backend has the real servers' addresses 10.200.x.y/32 on its
# end, and the listeners (build/tools/check_listener) the scripts start
# there; the director reaches 10.200.0.0/16 through the backend.

HZ=100	# USER_HZ: /proc/PID/stat's clock ticks on x86

# param NAME DEFAULT: lvschecks.NAME=VALUE from the kernel command line
# (the VM sees no environment), commas turned to spaces.
param() {
	v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^lvschecks\.$1=//p")
	echo "${v:-$2}" | tr , ' '
}
seconds() { awk -v ms="$1" 'BEGIN { printf "%g", ms / 1000 }'; }

# addr I: the I-th real server's address, no .0 or .255; all_addrs N: the
# first N, one a line.
addr() { echo "10.200.$(($1 / 250)).$(($1 % 250 + 1))"; }
all_addrs() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "10.200.%d.%d\n", int(i / 250), i % 250 + 1 }'; }

# lab_up N: the two namespaces, the veth and N addresses on the backend.
lab_up() {
	lab_ns director && lab_ns backend || return 1
	$IP link add eth0 netns director type veth peer name eth0 netns backend || return 1
	$IP -n director link set eth0 up && $IP -n backend link set eth0 up
	$IP -n director addr add 10.199.0.1/30 dev eth0
	$IP -n backend addr add 10.199.0.2/30 dev eth0
	$IP -n director route add 10.200.0.0/16 via 10.199.0.2
	all_addrs "$1" | sed 's|.*|addr add &/32 dev eth0|' >/tmp/backend.batch
	$IP -n backend -batch /tmp/backend.batch
}

# --- the daemons (configurations in /tmp/lvsagent.conf, /tmp/keepalived.conf) ---

# start_daemon NAME N: the N-th run's daemon; $DAEMON its pid, its output
# in /tmp/NAME.N.log.
start_daemon() {
	case $1 in
	lvsagent)
		rm -rf /run/lvsagent-checks
		$IP netns exec director lvsagent -c /tmp/lvsagent.conf director run >"/tmp/$1.$2.log" 2>&1 &
		;;
	keepalived)
		rm -f /run/bench-keepalived.pid /run/bench-checkers.pid
		$IP netns exec director keepalived --check -n -l -D -G -f /tmp/keepalived.conf \
			-p /run/bench-keepalived.pid -c /run/bench-checkers.pid >"/tmp/$1.$2.log" 2>&1 &
		;;
	esac
	DAEMON=$!
}

stop_daemon() {
	kill "$DAEMON" 2>/dev/null
	i=0
	while [ $i -lt 300 ] && [ -n "$($IP netns pids director)" ]; do
		usleep 100000
		i=$((i + 1))
	done
	for pid in $($IP netns pids director); do kill -9 "$pid"; done
	wait "$DAEMON" 2>/dev/null
	in_ns director ipvsadm -C
}

# up_count VIP:PORT: the service's real servers with a weight above 0.
up_count() {
	in_ns director ipvsadm -Ln -t "$1" 2>/dev/null | awk '$1 == "->" && $4 ~ /^[0-9]+$/ && $4 > 0 { n++ } END { print n + 0 }'
}

# wait_for SECONDS COMMAND...: COMMAND succeeds within SECONDS (tried every 0.5 s).
wait_for() {
	limit=$(($1 * 2))
	shift
	i=0
	while [ $i -lt "$limit" ]; do
		"$@" && return 0
		usleep 500000
		i=$((i + 1))
	done
	return 1
}

# --- measuring ----------------------------------------------------------------------

daemon_pids() { $IP netns pids director; }
# ticks PID...: utime and stime of the processes, in clock ticks.
ticks() {
	for pid in "$@"; do cat "/proc/$pid/stat" 2>/dev/null; done |
		awk '{ u += $14; s += $15 } END { print u + 0, s + 0 }'
}
# switches PID...: their context switches (voluntary: wake-ups), summed.
switches() {
	for pid in "$@"; do cat "/proc/$pid/status" 2>/dev/null; done |
		awk '$1 ~ /^(non)?voluntary_ctxt_switches:$/ { n += $2 } END { print n + 0 }'
}
hwm_kib() {
	k=0
	for pid in "$@"; do
		k=$((k + $(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)))
	done
	echo "$k"
}
# busy_total: the VM's busy and total ticks, all CPUs (/proc/stat).
busy_total() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }

# measure PIDS LISTENER_PIDS: a window of WINDOW seconds, opened and closed
# on the listeners too (SIGUSR1); sets U S (the daemon's user and system
# ticks), L (the listeners' ticks), W (context switches) and BUSY (% of
# the VM's CPUs). The listeners' figures are listener_report's afterwards.
measure() {
	kill -USR1 $2
	set -- "$1" "$2" $(busy_total) $(ticks $1) $(ticks $2) $(switches $1)
	b0=$3 t0=$4 u0=$5 s0=$6 l0=$(($7 + $8)) w0=$9
	sleep "$WINDOW"
	set -- "$1" "$2" $(busy_total) $(ticks $1) $(ticks $2) $(switches $1)
	U=$(($5 - u0)) S=$(($6 - s0)) L=$(($7 + $8 - l0)) W=$(($9 - w0))
	BUSY=$(awk -v b=$(($3 - b0)) -v t=$(($4 - t0)) 'BEGIN { printf "%.0f", (t ? 100 * b / t : 0) }')
}

# listener_report PID FILE: the listener's figures for the window since
# the last SIGUSR1 (it prints them on SIGUSR2, up to its "slip" line),
# from its output FILE.
listener_report() {
	before=$(wc -l <"$2")
	kill -USR2 "$1"
	i=0
	while [ $i -lt 100 ] && ! tail -n +$((before + 1)) "$2" | grep -q '^slip'; do
		usleep 100000
		i=$((i + 1))
	done
	tail -n +$((before + 1)) "$2"
}

# pct P: the P-th percentile (nearest rank) of the numbers on stdin.
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { r = int((NR * p + 99) / 100); if (r < 1) r = 1; print (NR ? v[r] : "-") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# per_min TICKS: seconds of CPU per minute of the window.
per_min() { awk -v t="$1" -v w="$WINDOW" -v hz=$HZ 'BEGIN { printf "%.2f", t / hz * 60 / w }'; }
# mean_of NAME FIELD: the mean of FIELD over /tmp/cpu.all's lines for NAME.
mean_of() { awk -v n="$1" -v f="$2" '$1 == n { s += $f; k++ } END { if (k) printf "%.2f", s / k }' /tmp/cpu.all; }

# profile TAG PID...: with DIAG set (and perf copied in by the host side),
# 10 s of perf on each process, its top symbols as DIAG lines.
profile() {
	tag=$1
	shift
	[ -n "${DIAG:-}" ] && command -v perf >/dev/null || return 0
	for pid in "$@"; do
		perf record -q -e cpu-clock -F 499 -g -o "/tmp/perf.$pid" -p "$pid" -- sleep 10 >/dev/null 2>&1
		perf report -i "/tmp/perf.$pid" --stdio --children --sort sym -g none 2>/dev/null |
			grep -E '^ +[0-9]' | grep -E 'sys_|softirq|sysvec|schedule|entry_SYSCALL|\[\.\]' | head -30 | sed "s/^/DIAG $tag $pid: /"
		perf report -i "/tmp/perf.$pid" --stdio --no-children --sort dso,sym -g none 2>/dev/null |
			grep -E '^ +[0-9]' | grep -v kernel | head -12 | sed "s/^/DIAG $tag $pid user: /"
	done
}
