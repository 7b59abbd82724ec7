#!/bin/sh
# The health-check benchmark, inside the test VM (tests/bench/checks.sh
# boots it): lvsagent's director daemon and keepalived's checker checking
# the same COUNT real servers over TCP, one after the other on the same
# emulated CPU, in the order ORDER (lvsagent keepalived lvsagent).
#
# The lab (vm_checks_lib.sh): the COUNT addresses 10.200.x.y/32 on the
# backend and one listener on 0.0.0.0:80 (build/tools/check_listener, which
# notes when each check arrives, and where). One IPVS service,
# 10.100.0.1:80, with the COUNT real servers (DR, no traffic).
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
. /tests/vm_checks_lib.sh

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
INTERVAL=$(seconds "$INTERVAL_MS")
FAST_MS=$(((FALL - 1) * INTERVAL_MS + TIMEOUT_MS - 300))
[ "$FAST_MS" -gt 0 ] || FAST_MS=0
TIMEOUT=$(seconds "$TIMEOUT_MS")

# --- the lab ----------------------------------------------------------------------

checks_lab() {
	lab_up "$COUNT" || return 1
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
	all_addrs "$COUNT" | sed 's/.*/realserver = &:80 method=dr/'
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
	all_addrs "$COUNT" | awk -v t="$TIMEOUT" -v r="$((FALL - 1))" -v d="$INTERVAL" '{
		printf "    real_server %s 80 {\n        weight 1\n        inhibit_on_failure\n", $1
		printf "        TCP_CHECK {\n            connect_timeout %s\n", t
		printf "            retry %s\n            delay_before_retry %s\n        }\n    }\n", r, d
	}'
	printf '}\n'
}

every_up() { [ "$(up_count "$VIP:80")" -eq "$COUNT" ]; }

# --- measuring --------------------------------------------------------------------------

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

# run NAME N: one measured run of daemon NAME, the N-th run.
run() {
	name=$1 tag=$1.$2
	start_daemon "$name" "$2"
	if ! wait_for 90 every_up; then
		echo "FAIL $tag: $(up_count "$VIP:80") of $COUNT real servers up after 90 s; its log ends:"
		tail -n 20 "/tmp/$tag.log" | sed 's/^/     | /'
		failures="$failures
  $tag: not all up"
		stop_daemon
		return 1
	fi
	sleep "$SETTLE"
	pids=$(daemon_pids)
	measure "$pids" "$LISTENER"
	listener_report "$LISTENER" /tmp/listener.out >"/tmp/window.$tag"
	hwm=$(hwm_kib $pids)
	profile "$tag" $pids
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
	cpu=$(per_min $((U + S)))
	ucpu=$(per_min "$U")
	scpu=$(per_min "$S")
	lcpu=$(per_min "$L")
	busy=$BUSY
	arrivals=$(awk '$1 == "arrivals" { print $2 }' "/tmp/window.$tag")
	per_check=$(awk -v t=$((U + S)) -v n="${arrivals:-0}" -v hz=$HZ 'BEGIN { printf "%.0f", (n ? t / hz * 1e6 / n : 0) }')
	echo "$name $cpu $ucpu $per_check" >>/tmp/cpu.all
	wake=$(awk -v w="$W" -v n="${arrivals:-0}" 'BEGIN { printf "%.2f", (n ? w / n : 0) }')
	deaths=$(wc -l <"/tmp/deaths.$tag")
	echo "BENCH   $tag: $nproc process(es)"
	echo "BENCH     CPU        $cpu s per minute of checking (user $ucpu + system $scpu; /proc/PID/stat over $WINDOW s), $per_check us per check arriving at the listener; the VM's 2 CPUs ${busy}% busy, the listener $lcpu s/min"
	echo "BENCH     wake-ups   $W context switches in the window, $wake per check"
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

checks_lab || { echo "FAIL the lab could not be built"; exit 1; }
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
		"$(all_addrs "$COUNT" | tr '\n' , | sed 's/,$//')" 80 >/tmp/load.out 2>&1 ||
		failures="$failures
  checker_load"
	sed 's/^/BENCH   checker_load alone: /' /tmp/load.out
fi

agent=$(mean_of lvsagent 2) keep=$(mean_of keepalived 2)
uagent=$(mean_of lvsagent 3) ukeep=$(mean_of keepalived 3)
cagent=$(mean_of lvsagent 4) ckeep=$(mean_of keepalived 4)
if [ -n "$agent" ] && [ -n "$keep" ]; then
	echo "BENCH   CPU ratio lvsagent / keepalived: $(ratio "$agent" "$keep") per minute (target <= 0.5), $(ratio "$cagent" "$ckeep") per check; user time alone: $(ratio "$uagent" "$ukeep") per minute"
fi
kill "$LISTENER"
finish vm_checks
