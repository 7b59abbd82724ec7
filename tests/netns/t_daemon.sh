# lvsagent run: converges, then repairs drift the moment the kernel reports
# it; reloads on SIGHUP, withdraws on SIGTERM; one instance per state dir;
# keeps only CAP_NET_ADMIN; speaks systemd's notify protocol.
. "$(dirname "$0")/lib.sh"
lab_rs_only
tools=$(dirname "$LVSAGENT")/tools
conf=$TMP/lvsagent.conf
daemon_config() {
	write_config "$conf" "vip = $VIP4" "vip = $VIP6" "interfaces = eth0" "$@"
	sed -i "s/^\\[agent\\]/[agent]\\nlog_level = debug\\nsysctl_check_interval = ${CHECK_INTERVAL:-1}/" "$conf"
}
daemon_config
snapshot >"$TMP/before"

# A fake systemd: the daemon's notifications land in $TMP/notify.log.
python3 "$(dirname "$0")/notify_listener.py" "$TMP/notify.sock" "$TMP/notify.log" &
listener=$!
until grep -q listening "$TMP/notify.log" 2>/dev/null; do sleep 0.05; done

# start_daemon: lvsagent run in the namespace; $DAEMON is its pid (ip netns
# exec execs, so the pid is lvsagent's own).
start_daemon() {
	local ready_before
	ready_before=$(notified READY=1)
	NOTIFY_SOCKET=$TMP/notify.sock WATCHDOG_USEC=400000 \
		ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" run 2>>"$TMP/daemon.log" &
	DAEMON=$!
	for _ in $(seq 100); do
		[ "$(notified READY=1)" -gt "$ready_before" ] && return 0
		sleep 0.05
	done
	return 1
}
notified() { grep -c "$1" "$TMP/notify.log" 2>/dev/null || true; }
notified_at_least() { [ "$(notified "$1")" -ge "$2" ]; }
vip_count() { ip -n "$NS_RS" addr show dev lo | grep -c "$1/" || true; }
# vip_count_is ADDR N: evaluated each time it runs (for eventually).
vip_count_is() { [ "$(vip_count "$1")" -eq "$2" ]; }
# eventually DESCRIPTION COMMAND...: passes once the command succeeds (2 s).
eventually() {
	local what=$1
	shift
	for _ in $(seq 40); do
		if "$@" >/dev/null 2>&1; then pass "$what"; return 0; fi
		sleep 0.05
	done
	fail "$what"
}

check "run starts and notifies READY=1" start_daemon
check "the first converge put the VIP on lo" vip_count_is "$VIP4" 1
check "READY comes with a STATUS line" grep -q "READY=1|STATUS=2 VIPs, 0 repairs since start" "$TMP/notify.log"
expect_eq "CapEff is CAP_NET_ADMIN alone" "0000000000001000" \
	"$(awk '/^CapEff/ { print $2 }' "/proc/$DAEMON/status")"
expect_eq "CapBnd is CAP_NET_ADMIN alone" "0000000000001000" \
	"$(awk '/^CapBnd/ { print $2 }' "/proc/$DAEMON/status")"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
check "status says the daemon runs" grep -qx "daemon  running (pid $DAEMON)" "$TMP/out"
expect_eq "status exit 0" 0 "$RC"

run_agent "$TMP/out" "$TMP/err" -c "$conf" run
expect_eq "a second run for the same state dir: exit 1" 1 "$RC"
check "and says why" grep -q "lvsagent is already running for $TMP/state (pid $DAEMON)" "$TMP/err"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "a one-shot start while the daemon runs, nothing to change: exit 0" 0 "$RC"
expect_eq "and it says so" "start: nothing to change" "$(cat "$TMP/out")"
write_config "$TMP/other.conf" "vip = 10.77.0.102"
run_agent "$TMP/out" "$TMP/err" -c "$TMP/other.conf" apply --json
expect_eq "apply of another configuration while the daemon runs: exit 1" 1 "$RC"
check "pointing at the daemon, in the JSON too" grep -q "the lvsagent daemon (pid $DAEMON) manages this host" "$TMP/out"
check "and nothing was changed" sh -c "! ip -n $NS_RS addr show dev lo | grep -q 10.77.0.102"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "a one-shot stop while the daemon runs: exit 1" 1 "$RC"
check "pointing at the daemon" grep -q "the lvsagent daemon (pid $DAEMON) manages this host" "$TMP/err"

# --- repairs -------------------------------------------------------------
check "the VIP deleted 20 times comes back each time (within 1 s)" \
	ip netns exec "$NS_RS" "$tools/repair_latency" "$VIP4" 20 1000
sed 's/^/        /' "$TMP/check.out"
check "each repair is logged with what was found and put back" \
	grep -q "repair: vip $VIP4/32 was missing from lo; added it back" "$TMP/daemon.log"
# A repair storm (another program deleting the VIP over and over): the log
# keeps 50 lines per 5 s, the rest are counted and the count is said.
check "a storm of 100 more deletions is repaired too" \
	ip netns exec "$NS_RS" "$tools/repair_latency" "$VIP4" 100 1000
expect_eq "the log keeps 50 repair lines in the window" 50 \
	"$(grep -c "repair: vip $VIP4/32" "$TMP/daemon.log")"
eventually "all 120 repairs are counted in STATUS=" grep -q "STATUS=2 VIPs, 120 repairs since start" "$TMP/notify.log"
for _ in $(seq 80); do grep -q "not logged" "$TMP/daemon.log" && break; sleep 0.1; done
check "once the 5 s window ends the log says how many it left out" \
	grep -q "70 more repair messages were not logged (at most 50 per 5 s): if this repeats" "$TMP/daemon.log"

in_rs ip route del "$VIP4/32" dev lo table main
eventually "a deleted host route comes back" \
	sh -c "ip -n $NS_RS route show table main | grep -q '^$VIP4 dev lo proto 176'"
in_rs ip -6 route del "$VIP6/128" dev lo table main
eventually "a deleted IPv6 host route comes back" \
	sh -c "ip -n $NS_RS -6 route show table main | grep -q '^$VIP6 dev lo proto 176'"
# ip flushes in rounds; the daemon may put the VIPs back before its last
# ("Flush remains incomplete", exit 1): what counts is that they come back.
in_rs ip addr flush dev lo 2>/dev/null || true
eventually "ip addr flush dev lo: both VIPs come back" \
	sh -c "[ \$(ip -n $NS_RS addr show dev lo | grep -c -e '$VIP4/32' -e '$VIP6/128') -eq 2 ]"
in_rs ip link set lo down
eventually "lo set down: lo comes back up" \
	sh -c "ip -n $NS_RS link show lo | grep -q 'UP,LOWER_UP'"
eventually "and the IPv6 VIP the kernel dropped with it" \
	sh -c "ip -n $NS_RS -6 addr show dev lo | grep -q '$VIP6/128'"
eventually "and the IPv4 route the kernel flushed" \
	sh -c "ip -n $NS_RS route show table main | grep -q '^$VIP4 dev lo'"

rs_sysctl_set all arp_ignore 0
rs_sysctl_set eth0 arp_announce 0
for _ in $(seq 30); do
	[ "$(rs_sysctl_get all arp_ignore)$(rs_sysctl_get eth0 arp_announce)" = 12 ] && break
	sleep 0.1
done
expect_eq "sysctls set back to 0 are raised again within the 1 s interval" 12 \
	"$(rs_sysctl_get all arp_ignore)$(rs_sysctl_get eth0 arp_announce)"
check "and the repair is logged" \
	grep -q "repair: net.ipv4.conf.all.arp_ignore was 0; set it to 1" "$TMP/daemon.log"
ip link add eth1 netns "$NS_RS" type veth peer name r1 netns "$NS_SWITCH"
sleep 0.3
expect_eq "a new interface is left alone when interfaces = eth0" 0 "$(rs_sysctl_get eth1 arp_ignore)"
check "no repair failed so far" sh -c "! grep -q 'repair failed' $TMP/daemon.log"

# A monitor overrun: freeze the daemon, flood notifications, delete the VIP.
kill -STOP "$DAEMON"
for i in $(seq 1 3000); do echo "addr add 10.99.$((i / 250)).$((i % 250 + 1))/32 dev eth1"; done >"$TMP/flood"
for i in $(seq 1 3000); do echo "addr del 10.99.$((i / 250)).$((i % 250 + 1))/32 dev eth1"; done >>"$TMP/flood"
ip netns exec "$NS_RS" ip -batch "$TMP/flood"
in_rs ip addr del "$VIP4/32" dev lo
kill -CONT "$DAEMON"
eventually "after a notification overrun the daemon re-reads everything: VIP back" \
	vip_count_is "$VIP4" 1
check "and says notifications were lost" grep -q "kernel notifications were lost" "$TMP/daemon.log"
check "the daemon survived it" kill -0 "$DAEMON"

# --- reload ----------------------------------------------------------------
daemon_config "vip = 10.77.0.101"
kill -HUP "$DAEMON"
eventually "SIGHUP with a VIP added: it appears" vip_count_is 10.77.0.101 1
check "RELOADING=1 with MONOTONIC_USEC was notified" grep -q "^RELOADING=1|MONOTONIC_USEC=[0-9]" "$TMP/notify.log"
printf 'vip = 300.1.1.1\nbogus = 1\n' >>"$conf"
kill -HUP "$DAEMON"
eventually "SIGHUP with a broken config: the errors are logged with file:line" \
	grep -q "^$conf:11: vip \"300.1.1.1\": not an IP address" "$TMP/daemon.log"
check "every error" grep -q "^$conf:12: unknown key \"bogus\"" "$TMP/daemon.log"
check "the daemon is alive" kill -0 "$DAEMON"
check "and kept the old configuration's VIPs" vip_count_is 10.77.0.101 1
in_rs ip addr del 10.77.0.101/32 dev lo
eventually "and still repairs under the old configuration" vip_count_is 10.77.0.101 1
daemon_config
run_agent "$TMP/out" "$TMP/err" -c "$conf" reload
expect_eq "lvsagent reload: exit 0" 0 "$RC"
eventually "reload dropping a VIP removes it (it was lvsagent's)" vip_count_is 10.77.0.101 0
eventually "WATCHDOG=1 pings arrive" notified_at_least WATCHDOG=1 2

# --- kill -9, then run again ------------------------------------------------------
kill -9 "$DAEMON"
wait "$DAEMON" 2>/dev/null || true
check "kill -9 leaves the VIPs and the state" grep -q "addr $VIP4" "$TMP/state/state"
mv "$TMP/daemon.log" "$TMP/daemon.log.1"
check "run again after kill -9" start_daemon
check "no errors or warnings on the way up" sh -c "! grep -E 'error|warning' $TMP/daemon.log"
check "no change was needed" sh -c "! grep -q 'start: ' $TMP/daemon.log"
expect_eq "no duplicate VIP" 1 "$(vip_count "$VIP4")"
check "no duplicate line in the state" sh -c "[ -z \"\$(sort $TMP/state/state | uniq -d)\" ]"

# --- SIGTERM -----------------------------------------------------------------------
kill -TERM "$DAEMON"
RC=0
wait "$DAEMON" || RC=$?
expect_eq "SIGTERM: the daemon exits 0" 0 "$RC"
check "STOPPING=1 was notified" grep -q "^STOPPING=1" "$TMP/notify.log"
ip -n "$NS_RS" link del eth1
expect_same_snapshot "after SIGTERM the host is as before" "$TMP/before"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
check "status says no daemon runs" grep -qx "daemon  not running" "$TMP/out"

check "SIGINT withdraws as SIGTERM does: the daemon comes up" start_daemon
kill -INT "$DAEMON"
RC=0
wait "$DAEMON" || RC=$?
expect_eq "SIGINT: exit 0" 0 "$RC"
expect_same_snapshot "and the host is as before" "$TMP/before"

# on_stop = keep: SIGTERM leaves everything in place.
daemon_config "on_stop = keep"
start_daemon
kill -TERM "$DAEMON"
wait "$DAEMON" || true
check "on_stop = keep: the VIP stays after SIGTERM" vip_count_is "$VIP4" 1
agent -c "$conf" stop >/dev/null
expect_same_snapshot "and a later stop withdraws it" "$TMP/before"

# --- a failed observation is tried again -------------------------------------------
# strace fails the daemon's dump reads on purpose (recvmsg: the dumps read
# with it, the notifications with recv), with EAGAIN as the kernel's after
# a dump that kept being interrupted (an event storm), or with a real error.
# fail_dumps ERRNO WHEN: strace attached to the daemon ($INJECT its pid).
fail_dumps() {
	: >"$TMP/strace.err"
	strace -p "$DAEMON" -e trace=recvmsg -e inject=recvmsg:error="$1":when="$2" \
		-o /dev/null 2>"$TMP/strace.err" &
	INJECT=$!
	for _ in $(seq 100); do grep -q attached "$TMP/strace.err" && return 0; sleep 0.05; done
	return 1
}
stop_failing() { kill "$INJECT"; wait "$INJECT" 2>/dev/null || true; }
mv "$TMP/daemon.log" "$TMP/daemon.log.2"
CHECK_INTERVAL=0 daemon_config
check "a daemon without the sysctl timer (sysctl_check_interval = 0) comes up" start_daemon
check "strace can fail its next two dumps with EAGAIN" fail_dumps EAGAIN 1..2
in_rs ip addr del "$VIP4/32" dev lo
eventually_within 10 "the repair's observation failed twice, was tried again, and the VIP is back" \
	vip_count_is "$VIP4" 1
stop_failing
check "a dump the kernel kept interrupting is a warning" \
	grep -q "warning: cannot read links from the kernel yet: it kept changing while read (Resource temporarily unavailable); trying again" "$TMP/daemon.log"
check "not an error" sh -c "! grep -q 'error' $TMP/daemon.log"
check "and the recovery is logged" grep -q "read the kernel again after 2 failed attempts" "$TMP/daemon.log"

check "strace can fail two dumps with EPERM" fail_dumps EPERM 1..2
in_rs ip addr del "$VIP4/32" dev lo
eventually_within 10 "a failure that is not transient is tried again too: VIP back" \
	vip_count_is "$VIP4" 1
stop_failing
check "and it is logged as an error" \
	grep -q "error: cannot read links from the kernel: Operation not permitted" "$TMP/daemon.log"

check "strace can fail every dump with EAGAIN" fail_dumps EAGAIN 1+
in_rs ip addr del "$VIP4/32" dev lo
eventually_within 20 "EAGAIN for more than 5 s is an error" \
	grep -q "error: cannot read links from the kernel: Resource temporarily unavailable" "$TMP/daemon.log"
expect_eq "the VIP stayed missing meanwhile" 0 "$(vip_count "$VIP4")"
stop_failing
in_rs ip addr del "$VIP6/128" dev lo
eventually_within 10 "once dumps work again the next event repairs both VIPs" \
	sh -c "[ \$(ip -n $NS_RS addr show dev lo | grep -c -e '$VIP4/32' -e '$VIP6/128') -eq 2 ]"
check "the daemon is alive" kill -0 "$DAEMON"
kill -TERM "$DAEMON"
wait "$DAEMON" || true
expect_same_snapshot "after SIGTERM the host is as before" "$TMP/before"
kill "$listener"
if [ "$FAILURES" -ne 0 ]; then
	echo "        daemon log (last 60 lines before kill -9, last 20 after):"
	tail -60 "$TMP/daemon.log.1" | sed 's/^/        | /'
	tail -20 "$TMP/daemon.log" | sed 's/^/        | /'
fi
finish
