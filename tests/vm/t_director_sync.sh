#!/bin/sh
# Two directors, keepalived's VRRP for the VIP and the kernel's IPVS sync
# daemons for the connections (issue 16). One bridge:
#   client 10.0.0.1   dirA 10.0.0.2   dirB 10.0.0.5   rs1 10.0.0.3   rs2 10.0.0.4
#   VIP 10.0.0.100: keepalived's (nopreempt, both BACKUP; dirA first);
#   lvsagent director run on both owns the table, the checks and (with
#   sync = master, backup) the sync daemons; DR real servers (lvsagent start).
# A connection through the VIP, a line every 200 ms echoed by the real
# server: without sync daemons a failover breaks it (the control run); with
# them it goes on through dirB with no reset, and a connection made through
# dirB survives dirA's return and a failback to dirA. Prints the failover
# gap and the time until the other director's table held the connection.
. /tests/lib.sh

VIP=10.0.0.100
PORT=7000

lab_ns sw && lab_bridge sw br0 || { echo "the lab could not be built"; exit 1; }
lab_ns client && lab_port client eth0 sw br0 10.0.0.1/24
lab_ns dirA && lab_port dirA eth0 sw br0 10.0.0.2/24
lab_ns dirB && lab_port dirB eth0 sw br0 10.0.0.5/24
for n in 1 2; do
	lab_ns "rs$n" && lab_port "rs$n" eth0 sw br0 "10.0.0.$((n + 2))/24" || exit 1
	printf '[agent]\nstate_dir = /run/lvsagent-rs%s\n\n[realserver]\nvip = %s\n' "$n" "$VIP" \
		>"/tmp/rs$n.conf"
	in_ns "rs$n" lvsagent -c "/tmp/rs$n.conf" start >/dev/null
	in_ns "rs$n" socat TCP-LISTEN:$PORT,fork,reuseaddr EXEC:/bin/cat >/dev/null 2>&1 &
done

now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# --- the directors --------------------------------------------------------------

# director_conf NAME SYNC_LINES: no vip_interface (keepalived owns the VIP).
director_conf() {
	cat >"/tmp/$1.conf" <<EOF
[agent]
state_dir = /run/lvsagent-$1

[director]
table_check_interval = 1
$2

[service echo]
virtual = tcp $VIP:$PORT
scheduler = rr
check = tcp
check_interval = 1
check_timeout = 0.5
realserver = 10.0.0.3:$PORT method=dr
realserver = 10.0.0.4:$PORT method=dr
EOF
}
SYNC_LINES="sync = master, backup
sync_interface = eth0
sync_id = 51"

daemon_pid() { cat "/run/lvsagent-$1/director-daemon.pid" 2>/dev/null; }
start_director() {
	in_ns "$1" lvsagent -c "/tmp/$1.conf" director run >>"/tmp/$1.log" 2>&1 &
	wait_for test -n "$(daemon_pid "$1")"
}
reload_director() { in_ns "$1" lvsagent -c "/tmp/$1.conf" director reload >/dev/null; }

# keepalived, VRRP only, as etc/keepalived/keepalived.conf has it.
ka_start() {
	cat >"/tmp/ka-$1.conf" <<EOF
global_defs {
	router_id $1
	vrrp_garp_master_delay 1
	vrrp_garp_master_repeat 3
}
vrrp_instance VI_LVS {
	state BACKUP
	nopreempt
	interface eth0
	virtual_router_id 51
	priority $2
	advert_int 1
	virtual_ipaddress {
		$VIP/32 dev eth0
	}
}
EOF
	in_ns "$1" keepalived --vrrp -n -l -D -f "/tmp/ka-$1.conf" -p "/run/ka-$1.pid" \
		-r "/run/ka-$1-vrrp.pid" >>"/tmp/ka-$1.log" 2>&1 &
	wait_for test -s "/run/ka-$1.pid"
}
ka_stop() {
	pid=$(cat "/run/ka-$1.pid" 2>/dev/null)
	[ -n "$pid" ] || return 0
	kill "$pid"
	i=0
	while [ $i -lt 50 ] && kill -0 "$pid" 2>/dev/null; do usleep 100000; i=$((i + 1)); done
	rm -f "/run/ka-$1.pid"
}
has_vip() { $IP -n "$1" -o addr show dev eth0 | grep -q " $VIP/"; }

# --- long-lived connections -----------------------------------------------------

# stream NAME SPORT: from the client's port SPORT through the VIP, "line N"
# every 200 ms until /tmp/stop-NAME exists; each echo timestamped (ms since
# boot) in /tmp/NAME.out; socat's exit status in /tmp/NAME.rc once it ends.
stream() {
	rm -f "/tmp/stop-$1" "/tmp/$1.out" "/tmp/$1.rc" "/tmp/$1.err"
	(i=0; while [ ! -e "/tmp/stop-$1" ] && [ ! -e "/tmp/$1.rc" ]; do
		echo "line $i"; i=$((i + 1)); usleep 200000; done) |
		(in_ns client socat -t 2 - "TCP:$VIP:$PORT,sourceport=$2,reuseaddr" 2>"/tmp/$1.err"
		 echo $? >"/tmp/$1.rc") |
		awk '{ getline t < "/proc/uptime"; close("/proc/uptime"); split(t, a, " ")
		       printf "%d %s\n", a[1] * 1000, $0; fflush() }' >"/tmp/$1.out" &
}
stream_end() {
	touch "/tmp/stop-$1"
	wait_for test -e "/tmp/$1.rc"
}
lines() { wc -l <"/tmp/$1.out" 2>/dev/null || echo 0; }
# lines_after NAME MS: echoes received after MS.
lines_after() { awk -v t="$2" '$1 > t' "/tmp/$1.out" | wc -l; }
alive() { [ ! -e "/tmp/$1.rc" ]; }
# in_order NAME: every line came back, in order, none twice.
in_order() { awk '$3 != NR - 1 { print "line " NR ": " $0; bad = 1 } END { exit bad }' "/tmp/$1.out"; }
# gap NAME FROM: the longest wait between two echoes after FROM (ms), the
# one before FROM included.
gap() {
	awk -v t="$2" '{ if (p && $1 > t && $1 - p > m) m = $1 - p; p = $1 } END { print m + 0 }' \
		"/tmp/$1.out"
}
# held NS SPORT: NS's connection table has the client's connection from
# SPORT (/proc/net/ip_vs_conn: addresses and ports in hex).
held() {
	hexport=$(printf '%04X' "$2")
	in_ns "$1" cat /proc/net/ip_vs_conn | grep -q "0A000001 $hexport 0A000064 1B58"
}
# held_after NS SPORT START: ms from START until NS holds it (up to 20 s), or "never".
held_after() {
	i=0
	while [ $i -lt 200 ]; do
		if held "$1" "$2"; then echo $(($(now_ms) - $3)); return 0; fi
		usleep 100000
		i=$((i + 1))
	done
	echo never
}
at_least() { [ "$(lines "$1")" -ge "$2" ]; }
# after_at_least NAME MS N: at least N echoes after MS.
after_at_least() { [ "$(lines_after "$1" "$2")" -ge "$3" ]; }
# rs_of NS SPORT: the real server NS's table sends the client's SPORT to (hex).
rs_of() {
	hexport=$(printf '%04X' "$2")
	in_ns "$1" cat /proc/net/ip_vs_conn | awk -v p="$hexport" '$3 == p { print $6 }'
}
weights_up() {
	in_ns "$1" ipvsadm -Ln | grep -q '10.0.0.3:7000 .*Route *1 ' &&
		in_ns "$1" ipvsadm -Ln | grep -q '10.0.0.4:7000 .*Route *1 '
}
vip_nowhere() { ! has_vip dirA && ! has_vip dirB; }
echo_once() { echo "$1" | in_ns client socat -t 1 - "TCP:$VIP:$PORT" 2>&1; }

# --- 1. the control run: no sync daemons ----------------------------------------------

director_conf dirA ""
director_conf dirB ""
start_director dirA
start_director dirB
check "dirA has the table, both real servers up" within 10 weights_up dirA
check "dirB has it too" within 10 weights_up dirB
ka_start dirA 150
check "keepalived gives dirA the VIP" within 15 has_vip dirA
ka_start dirB 100
usleep 1500000
check "the VIP stays on dirA when dirB's keepalived starts" has_vip dirA
same "no sync daemon runs without sync = ..." "" in_ns dirB ipvsadm -L --daemon

stream control 40000
check "control: the connection runs through dirA" within 10 at_least control 5
t_fail=$(now_ms)
$IP -n dirA link set eth0 down
check "control: the VIP moves to dirB" within 15 has_vip dirB
check "control: without sync daemons the failover breaks the connection" \
	within 20 not alive control
# dirB has no entry for it: its stack answers the next segment with a reset,
# which socat's next write reports (EPIPE) or its read (ECONNRESET).
matches "control: ... reset by dirB" "Connection reset by peer|Broken pipe" \
	cat /tmp/control.err
echo "control: $(lines_after control "$t_fail") echoes after the failover, socat:" \
	"$(cat /tmp/control.err 2>/dev/null)"
stream_end control

# Back to the start: dirA up, the VIP on dirA again, both with sync.
ka_stop dirB
ka_stop dirA
$IP -n dirA link set eth0 up
check "nobody holds the VIP between the runs" within 10 vip_nowhere
check "dirA's real servers are back in rotation (its checks pass again)" within 10 weights_up dirA

# --- 2. sync = master, backup on both ---------------------------------------------------

# dirB's backup daemon is started by hand first, as configured: adopted,
# and left running by director stop.
in_ns dirB ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 51
director_conf dirA "$SYNC_LINES"
director_conf dirB "$SYNC_LINES"
reload_director dirA
reload_director dirB
# ipvsadm 1.31: "master sync daemon (mcast=eth0, syncid=51, maxlen=1472, ...)".
daemons_running() {
	out=$(in_ns "$1" ipvsadm -L --daemon)
	echo "$out" | grep -q 'master sync daemon (mcast=eth0, syncid=51,' &&
		echo "$out" | grep -q 'backup sync daemon (mcast=eth0, syncid=51,'
}
check "dirA's director daemon starts a master and a backup sync daemon" within 10 daemons_running dirA
check "dirB's starts the master, adopts the backup" within 10 daemons_running dirB
matches "the state file records what lvsagent started (dirB: the master only)" \
	'^sync master eth0 51$' cat /run/lvsagent-dirB/director
check "... and not the backup it found" not grep -q '^sync backup' /run/lvsagent-dirB/director
contains "apply --check on dirA: nothing to change" "nothing to change" \
	in_ns dirA lvsagent -c /tmp/dirA.conf director apply --check

ka_start dirA 150
check "keepalived gives dirA the VIP" within 15 has_vip dirA
ka_start dirB 100
usleep 1500000
check "the VIP stays on dirA" has_vip dirA

t_start=$(now_ms)
stream one 40001
check "the connection runs through dirA" within 10 at_least one 3
synced_b=$(held_after dirB 40001 "$t_start")
check "dirB's table holds the connection (sync from dirA's master)" [ "$synced_b" != never ]
usleep 2000000
rs_of_one=$(rs_of dirA 40001)

t_fail=$(now_ms)
$IP -n dirA link set eth0 down
check "dirA fails (link down): the VIP moves to dirB" within 15 has_vip dirB
t_moved=$(now_ms)
vip_moved=$((t_moved - t_fail))
usleep 5000000
check "the connection keeps going through dirB" after_at_least one "$t_moved" 10
check "... with no reset" alive one
check "... every line echoed, in order" in_order one
failover_gap=$(gap one "$t_fail")
check "... a gap of a VRRP failover at most (under 10 s)" [ "$failover_gap" -lt 10000 ]
same "... to the same real server" "$rs_of_one" rs_of dirB 40001
same "new connections work through dirB" "hello" echo_once hello

# A connection made through dirB; dirA comes back and must not take the
# VIP (nopreempt) while its table would lack it.
t_two=$(now_ms)
stream two 40002
check "a second connection runs through dirB" within 10 at_least two 3
$IP -n dirA link set eth0 up
t_back=$(now_ms)
synced_a=$(held_after dirA 40002 "$t_two")
check "dirA back: its table holds the connection made through dirB" [ "$synced_a" != never ]
usleep 4000000
check "... and the VIP stays on dirB (nopreempt: no failback by itself)" has_vip dirB
check "... both connections go on" after_at_least one "$t_back" 10
check "... both of them" after_at_least two "$t_back" 10

# Failback by hand (dirB's keepalived stopped: it gives the VIP up at once).
t_failback=$(now_ms)
ka_stop dirB
check "failback: the VIP moves to dirA" within 15 has_vip dirA
t_moved=$(now_ms)
usleep 5000000
check "failback: the connection made through dirB goes on through dirA" \
	after_at_least two "$t_moved" 10
check "... with no reset" alive two
check "... every line echoed, in order" in_order two
check "failback: the first connection goes on too" after_at_least one "$t_moved" 10
check "... with no reset" alive one
failback_gap=$(gap two "$t_failback")

# --- status and repair --------------------------------------------------------------

for d in dirA dirB; do
	contains "$d: status shows the master sync daemon in place" \
		"master eth0 id 51 port 8848 ttl 1 group 224.0.0.81" \
		in_ns "$d" lvsagent -c "/tmp/$d.conf" director status
	matches "$d: status --json lists the sync daemons" \
		'"sync_daemons":\[\{"role":"master","running":true,"state":"in place"' \
		in_ns "$d" lvsagent -c "/tmp/$d.conf" director status --json
	contains "$d: status shows the table" "10.0.0.3:7000" \
		in_ns "$d" lvsagent -c "/tmp/$d.conf" director status
done
contains "dirB's status says the backup is adopted" "in place (adopted: kept on stop)" \
	in_ns dirB lvsagent -c /tmp/dirB.conf director status

in_ns dirA ipvsadm --stop-daemon backup
check "dirA's backup stopped by hand is started again at the table check" \
	within 5 daemons_running dirA
contains "... and the repair is logged" "put back: add sync backup eth0 id 51" cat /tmp/dirA.log

# Other settings: the kernel changes no running daemon, so both are stopped
# and started again (DEL + NEW) with the new port.
director_conf dirA "$SYNC_LINES
sync_port = 8850"
reload_director dirA
restarted() { [ "$(in_ns dirA ipvsadm -L --daemon | grep -c 'port=8850')" = 2 ]; }
check "dirA: a new sync_port restarts both daemons with it" within 10 restarted
matches "... still recorded as lvsagent's" '^sync backup eth0 51$' cat /run/lvsagent-dirA/director
check "... and the connections go on" after_at_least two "$(($(now_ms) - 1000))" 3

# Bad input: exit 2, the file and line, nothing changed.
director_conf bad "sync = master, backup
sync_interface = nosuch0
sync_id = 51"
refused "an unknown sync_interface is a configuration error" 2 \
	in_ns dirA lvsagent -c /tmp/bad.conf director apply
contains "... naming its line" '/tmp/bad.conf:7: sync_interface "nosuch0" does not exist' \
	in_ns dirA lvsagent -c /tmp/bad.conf director apply
director_conf bad "sync = master
sync_interface = eth0
sync_id = 51
sync_group = 10.0.0.9"
contains "a sync_group that is not multicast is refused at its line" \
	'/tmp/bad.conf:9: sync_group 10.0.0.9 is not a multicast address' \
	in_ns dirA lvsagent -c /tmp/bad.conf director apply

stream_end one
stream_end two
same "the first connection ended cleanly" 0 cat /tmp/one.rc
same "the second connection ended cleanly" 0 cat /tmp/two.rc
check "... every line echoed, in order" in_order one

# stop stops only what lvsagent started: dirB's adopted backup stays.
kill "$(daemon_pid dirB)"
wait_for test -z "$(daemon_pid dirB)"
in_ns dirB lvsagent -c /tmp/dirB.conf director stop >/tmp/dirB.stop 2>&1
contains "director stop stops the master lvsagent started" "remove sync master eth0 id 51" \
	cat /tmp/dirB.stop
contains "... and leaves the backup it found" "backup sync daemon (mcast=eth0, syncid=51," \
	in_ns dirB ipvsadm -L --daemon
check "... alone" not sh -c "$IP netns exec dirB ipvsadm -L --daemon | grep -q master"

echo "measured: failover gap ${failover_gap} ms (the VIP on dirB ${vip_moved} ms after dirA's" \
	"link went down); dirB's table held the connection ${synced_b} ms after it was opened;" \
	"dirA's held the one opened through dirB ${synced_a} ms after it was opened;" \
	"failback gap ${failback_gap} ms"
ka_stop dirA
finish t_director_sync
