#!/bin/sh
# The health-check benchmark, inside the test VM (tests/bench/checks.sh
# boots it): lvsagent's director daemon and keepalived's checker checking
# the same COUNT real servers over TCP, one after the other on the same
# emulated CPU, in the order ORDER (lvsagent keepalived lvsagent).
#
# The lab: namespace "director" (the daemon) and "backend" joined by one
# veth; the backend has the COUNT addresses 10.200.x.y/32 on its end and
# one listener on 0.0.0.0:80 (build/tools/check_listener, which notes when
# each check arrives, and where); the director reaches 10.200.0.0/16
# through the backend. One IPVS service, 10.100.0.1:80, with the COUNT
# real servers (DR, no traffic).
#
# Each run: the daemon starts; once every real server is up and SETTLE
# seconds have passed, a window of WINDOW seconds: CPU (utime + stime of
# /proc/PID/stat, every process in the director namespace: keepalived's
# parent and its checker child), the listener's figures for the window
# (see check_listener.c); then the peak RSS (VmHWM, summed likewise); then
# ROUNDS rounds of killing VICTIMS real servers at once (their addresses
# deleted on the backend, and a blackhole route there so that their SYNs
# vanish: a dead host, the checks time out) while build/tools/weight_watch
# reads the IPVS table every 100 ms until each has weight 0 (a read of
# 1000 real servers takes ~25 ms of emulated CPU: every 20 ms would take a
# CPU from the daemon being measured); the addresses
# come back before the next round. Then the daemon stops (SIGTERM) and the
# table is cleared for the next one.
#
# Settings, from the kernel command line (lvschecks.NAME=VALUE): count,
# interval_ms, timeout_ms, fall, rise, window, settle, rounds, victims,
# order (comma separated), load (seconds of build/tools/checker_load at the
# end; 0: none), diag (1: a perf profile of each daemon, when checks.sh
# could copy perf in). The default interval is 2 s, not the issue's 1 s:
# under TCG a check costs about 0.8 ms of emulated CPU in the daemon's
# process (the handshake of both ends runs in its softirq) and 0.4 ms in the
# listener's, so 1000 checks a second leave the 2 CPUs no headroom, and
# whatever else the host runs makes checks time out for both daemons
# (interval_ms=1000 still runs; a WARNING line says when the VM fell
# behind).
. /tests/lib.sh

param() {
	v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^lvschecks\.$1=//p")
	echo "${v:-$2}" | tr , ' '
}
COUNT=$(param count 1000)
INTERVAL_MS=$(param interval_ms 2000)
TIMEOUT_MS=$(param timeout_ms 500)
FALL=$(param fall 3)
RISE=$(param rise 2)
WINDOW=$(param window 30)
SETTLE=$(param settle 5)
ROUNDS=$(param rounds 2)
VICTIMS=$(param victims 10)
ORDER=$(param order lvsagent,keepalived,lvsagent)
DIAG=$(param diag "")
LOAD=$(param load 20)
VIP=10.100.0.1
HZ=100	# USER_HZ: /proc/PID/stat's clock ticks on x86
seconds() { awk -v ms="$1" 'BEGIN { printf "%g", ms / 1000 }'; }
INTERVAL=$(seconds "$INTERVAL_MS")
FAST_MS=$(((FALL - 1) * INTERVAL_MS + TIMEOUT_MS - 300))
[ "$FAST_MS" -gt 0 ] || FAST_MS=0
TIMEOUT=$(seconds "$TIMEOUT_MS")

# addr I: the I-th real server's address (0 <= I < COUNT), no .0 or .255.
addr() { echo "10.200.$(($1 / 250)).$(($1 % 250 + 1))"; }
all_addrs() { awk -v n="$COUNT" 'BEGIN { for (i = 0; i < n; i++) printf "10.200.%d.%d\n", int(i / 250), i % 250 + 1 }'; }

# --- the lab ----------------------------------------------------------------------

lab_up() {
	lab_ns director && lab_ns backend || return 1
	$IP link add eth0 netns director type veth peer name eth0 netns backend || return 1
	$IP -n director link set eth0 up && $IP -n backend link set eth0 up
	$IP -n director addr add 10.199.0.1/30 dev eth0
	$IP -n backend addr add 10.199.0.2/30 dev eth0
	$IP -n director route add 10.200.0.0/16 via 10.199.0.2
	all_addrs | sed 's|.*|addr add &/32 dev eth0|' >/tmp/backend.batch
	$IP -n backend -batch /tmp/backend.batch || return 1
	# Not in_ns: a function in the background is a subshell, and $! its pid.
	$IP netns exec backend check_listener 80 "$INTERVAL_MS" >/tmp/listener.out 2>&1 &
	LISTENER=$!
}

# --- the two configurations ----------------------------------------------------------

lvsagent_conf() {
	printf '[agent]\nstate_dir = /run/lvsagent-checks\n\n[service web]\n'
	printf 'virtual = tcp %s:80\nscheduler = wlc\ncheck = tcp\n' "$VIP"
	printf 'check_interval = %s\ncheck_timeout = %s\nrise = %s\nfall = %s\n' \
		"$INTERVAL" "$TIMEOUT" "$RISE" "$FALL"
	all_addrs | sed 's/.*/realserver = &:80 method=dr/'
}

# keepalived has no rise or fall: a check that fails is retried `retry`
# times, `delay_before_retry` apart, before the real server is down — fall
# consecutive failures are retry = fall - 1, spaced like its checks, which
# keepalived schedules delay_loop after the previous one *ended*.
# inhibit_on_failure: weight 0 rather than removed (lvsagent's quiesce).
# Coming back is one passing check (no rise). Its warmup (on by default)
# spreads the first checks over delay_loop at random.
keepalived_conf() {
	printf 'global_defs {\n    router_id bench\n}\n'
	printf 'virtual_server %s 80 {\n    delay_loop %s\n    lb_algo wlc\n' "$VIP" "$INTERVAL"
	printf '    lb_kind DR\n    protocol TCP\n'
	all_addrs | awk -v t="$TIMEOUT" -v r="$((FALL - 1))" -v d="$INTERVAL" '{
		printf "    real_server %s 80 {\n        weight 1\n        inhibit_on_failure\n", $1
		printf "        TCP_CHECK {\n            connect_timeout %s\n", t
		printf "            retry %s\n            delay_before_retry %s\n        }\n    }\n", r, d
	}'
	printf '}\n'
}

# --- the daemons -----------------------------------------------------------------------

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

# up_count: the real servers with a weight above 0.
up_count() {
	in_ns director ipvsadm -Ln -t "$VIP:80" 2>/dev/null | awk '$1 == "->" && $4 ~ /^[0-9]+$/ && $4 > 0 { n++ } END { print n + 0 }'
}

# all_up SECONDS: every real server up within SECONDS.
all_up() {
	i=0
	while [ $i -lt $(($1 * 2)) ]; do
		[ "$(up_count)" -eq "$COUNT" ] && return 0
		usleep 500000
		i=$((i + 1))
	done
	return 1
}

# --- measuring --------------------------------------------------------------------------

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

# listener_report: the listener's figures for the window since the last
# SIGUSR1 (it prints 4 lines on SIGUSR2).
listener_report() {
	before=$(wc -l </tmp/listener.out)
	kill -USR2 "$LISTENER"
	i=0
	while [ $i -lt 100 ] && [ "$(wc -l </tmp/listener.out)" -lt $((before + 4)) ]; do
		usleep 100000
		i=$((i + 1))
	done
	tail -n +$((before + 1)) /tmp/listener.out
}

# pct P: the P-th percentile (nearest rank) of the numbers on stdin.
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { r = int((NR * p + 99) / 100); if (r < 1) r = 1; print (NR ? v[r] : "-") }'; }

victims_of() {
	k=0
	while [ $k -lt "$VICTIMS" ]; do
		addr $(((k * ROUNDS + $1) * (COUNT / (VICTIMS * ROUNDS)) + 7))
		k=$((k + 1))
	done
}

# kill_round RUN R: kills round R's victims, watches their weights; the
# milliseconds of each death to weight 0 are appended to /tmp/deaths.RUN,
# counted from the start of the kill command to the end of the read that
# saw it (and to /tmp/deaths_end.RUN from the kill's end: the truth is
# between the two, less the read; /tmp/deaths_low.RUN: from the kill's
# start to the start of the read before, a lower bound). The watch reads
# every 100 ms, and from FAST_MS after the kill — 300 ms before the
# earliest a check could find the death, (fall - 1) x interval + timeout —
# at half a CPU: the bounds are two reads apart there.
kill_round() {
	victims=$(victims_of "$2")
	for a in $victims; do
		echo "addr del $a/32 dev eth0"
		echo "route add blackhole $a/32"
	done >/tmp/kill.batch
	for a in $victims; do
		echo "route del blackhole $a/32"
		echo "addr add $a/32 dev eth0"
	done >/tmp/revive.batch
	# shellcheck disable=SC2086 # one argument per victim
	in_ns director weight_watch -f "$FAST_MS" 100 30 "$IP -n backend -batch /tmp/kill.batch" $victims \
		>"/tmp/watch.$1.$2" 2>&1
	rc=$?
	$IP -n backend -batch /tmp/revive.batch
	awk '$1 == "down" { print $3 }' "/tmp/watch.$1.$2" >>"/tmp/deaths.$1"
	awk '$1 == "down" { print $4 }' "/tmp/watch.$1.$2" >>"/tmp/deaths_end.$1"
	awk '$1 == "down" { print $5 }' "/tmp/watch.$1.$2" >>"/tmp/deaths_low.$1"
	sed -n 's/^poll *//p' "/tmp/watch.$1.$2" >"/tmp/poll.$1"
	[ $rc -eq 0 ] || { echo "FAIL $1: weight_watch round $2:"; sed 's/^/     | /' "/tmp/watch.$1.$2"; }
	return $rc
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# run NAME N: one measured run of daemon NAME, the N-th run.
run() {
	name=$1 tag=$1.$2
	start_daemon "$name" "$2"
	if ! all_up 90; then
		echo "FAIL $tag: $(up_count) of $COUNT real servers up after 90 s; its log ends:"
		tail -n 20 "/tmp/$tag.log" | sed 's/^/     | /'
		failures="$failures
  $tag: not all up"
		stop_daemon
		return 1
	fi
	sleep "$SETTLE"
	pids=$(daemon_pids)
	kill -USR1 "$LISTENER"
	set -- $(busy_total)
	busy0=$1 total0=$2
	set -- $(ticks $pids) $(ticks "$LISTENER")
	u0=$1 s0=$2 l0=$(($3 + $4)) w0=$(switches $pids)
	sleep "$WINDOW"
	set -- $(ticks $pids) $(ticks "$LISTENER")
	u1=$1 s1=$2 l1=$(($3 + $4)) w1=$(switches $pids)
	set -- $(busy_total)
	busy1=$1 total1=$2
	listener_report >"/tmp/window.$tag"
	hwm=$(hwm_kib $pids)
	if [ -n "${DIAG:-}" ] && command -v perf >/dev/null; then
		for pid in $pids; do
			perf record -q -e cpu-clock -F 499 -g -o "/tmp/perf.$pid" -p "$pid" -- sleep 10 >/dev/null 2>&1
			perf report -i "/tmp/perf.$pid" --stdio --children --sort sym -g none 2>/dev/null |
				grep -E '^ +[0-9]' | grep -E 'sys_|softirq|sysvec|schedule|entry_SYSCALL|\[\.\]' | head -30 | sed "s/^/DIAG $tag $pid: /"
			perf report -i "/tmp/perf.$pid" --stdio --no-children --sort dso,sym -g none 2>/dev/null |
				grep -E '^ +[0-9]' | grep -v kernel | head -12 | sed "s/^/DIAG $tag $pid user: /"
		done
	fi
	nproc=$(echo $pids | wc -w)
	: >"/tmp/deaths.$tag"
	: >"/tmp/deaths_end.$tag"
	: >"/tmp/deaths_low.$tag"
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		kill_round "$tag" "$r" || failures="$failures
  $tag: detection round $r"
		r=$((r + 1))
	done
	stop_daemon
	per_min() { awk -v t="$1" -v w="$WINDOW" -v hz=$HZ 'BEGIN { printf "%.2f", t / hz * 60 / w }'; }
	cpu=$(per_min $((u1 - u0 + s1 - s0)))
	ucpu=$(per_min $((u1 - u0)))
	scpu=$(per_min $((s1 - s0)))
	lcpu=$(per_min $((l1 - l0)))
	busy=$(awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) 'BEGIN { printf "%.0f", (t ? 100 * b / t : 0) }')
	arrivals=$(awk '$1 == "arrivals" { print $2 }' "/tmp/window.$tag")
	per_check=$(awk -v t=$((u1 - u0 + s1 - s0)) -v n="${arrivals:-0}" -v hz=$HZ 'BEGIN { printf "%.0f", (n ? t / hz * 1e6 / n : 0) }')
	echo "$name $cpu $ucpu $per_check" >>/tmp/cpu.all
	wake=$(awk -v w=$((w1 - w0)) -v n="${arrivals:-0}" 'BEGIN { printf "%.2f", (n ? w / n : 0) }')
	deaths=$(wc -l <"/tmp/deaths.$tag")
	echo "BENCH   $tag: $nproc process(es)"
	echo "BENCH     CPU        $cpu s per minute of checking (user $ucpu + system $scpu; /proc/PID/stat over $WINDOW s), $per_check us per check arriving at the listener; the VM's 2 CPUs ${busy}% busy, the listener $lcpu s/min"
	echo "BENCH     wake-ups   $((w1 - w0)) context switches in the window, $wake per check"
	echo "BENCH     peak RSS   $hwm KiB (VmHWM)"
	echo "BENCH     detection  p50 $(pct 50 <"/tmp/deaths.$tag") ms, p99 $(pct 99 <"/tmp/deaths.$tag") ms, max $(pct 100 <"/tmp/deaths.$tag") ms from the kill's start; p50 $(pct 50 <"/tmp/deaths_end.$tag"), p99 $(pct 99 <"/tmp/deaths_end.$tag") ms from its end; at least p50 $(pct 50 <"/tmp/deaths_low.$tag"), p99 $(pct 99 <"/tmp/deaths_low.$tag") ms ($deaths deaths)"
	echo "BENCH                (kill $(sed -n 's/^kill *\([0-9.]*\) ms.*/\1/p' "/tmp/watch.$tag.0") ms; $(cat "/tmp/poll.$tag"))"
	sed 's/^/BENCH     at the listener: /' "/tmp/window.$tag"
	# Checks that never arrived, or arrive slower than configured: the
	# emulated CPU did not keep up, and the figures measure the VM.
	rate=$(sed -n 's/^arrivals.*(\([0-9.]*\)\/s)$/\1/p' "/tmp/window.$tag")
	skipped=$(awk '$1 == "skipped" { print $2 }' "/tmp/window.$tag")
	awk -v r="${rate:-0}" -v want=$((COUNT * 1000 / INTERVAL_MS)) -v s="${skipped:-0}" -v n="${arrivals:-0}" \
		'BEGIN { exit !(r < 0.95 * want || s > n / 100) }' &&
		echo "BENCH     WARNING: $rate checks/s arrived (configured: $((COUNT * 1000 / INTERVAL_MS))/s), $skipped rounds missed: the VM did not keep up, these figures measure its overload"
}

# --- main ---------------------------------------------------------------------------------

lab_up || { echo "FAIL the lab could not be built"; exit 1; }
lvsagent_conf >/tmp/lvsagent.conf
keepalived_conf >/tmp/keepalived.conf
: >/tmp/cpu.all
echo "BENCH checks: $COUNT real servers, TCP every $INTERVAL s, timeout $TIMEOUT s, fall $FALL (keepalived: delay_loop $INTERVAL, connect_timeout $TIMEOUT, retry $((FALL - 1)), delay_before_retry $INTERVAL)"
echo "BENCH   detection bound (fall x interval + timeout + 50 ms): $((FALL * INTERVAL_MS + TIMEOUT_MS + 50)) ms; drift bound (5 % of the interval): $((INTERVAL_MS / 20)) ms"
n=0
for name in $ORDER; do
	n=$((n + 1))
	run "$name" "$n"
done

# lvsagent's checker alone (build/tools/checker_load: no daemon around it),
# against the same backend: its own view of the schedule.
if [ "$LOAD" -gt 0 ]; then
	in_ns director checker_load "$COUNT" "$INTERVAL_MS" "$TIMEOUT_MS" "$LOAD" \
		"$(all_addrs | tr '\n' , | sed 's/,$//')" 80 >/tmp/load.out 2>&1 ||
		failures="$failures
  checker_load"
	sed 's/^/BENCH   checker_load alone: /' /tmp/load.out
fi

agent=$(awk '$1 == "lvsagent" { s += $2; n++ } END { if (n) printf "%.2f", s / n }' /tmp/cpu.all)
keep=$(awk '$1 == "keepalived" { s += $2; n++ } END { if (n) printf "%.2f", s / n }' /tmp/cpu.all)
uagent=$(awk '$1 == "lvsagent" { s += $3; n++ } END { if (n) printf "%.2f", s / n }' /tmp/cpu.all)
ukeep=$(awk '$1 == "keepalived" { s += $3; n++ } END { if (n) printf "%.2f", s / n }' /tmp/cpu.all)
cagent=$(awk '$1 == "lvsagent" { s += $4; n++ } END { if (n) printf "%.2f", s / n }' /tmp/cpu.all)
ckeep=$(awk '$1 == "keepalived" { s += $4; n++ } END { if (n) printf "%.2f", s / n }' /tmp/cpu.all)
if [ -n "$agent" ] && [ -n "$keep" ]; then
	echo "BENCH   CPU ratio lvsagent / keepalived: $(ratio "$agent" "$keep") per minute (target <= 0.5), $(ratio "$cagent" "$ckeep") per check; user time alone: $(ratio "$uagent" "$ukeep") per minute"
fi
kill "$LISTENER"
finish vm_checks
