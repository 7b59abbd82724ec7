#!/bin/sh
# lvsagent director run in the DR lab: a dead real server stops getting
# new connections within fall x check_interval + check_timeout and comes
# back after rise passes; the table is put back after ipvsadm -C or a
# weight changed by hand; drain and undrain; reload keeps an unchanged
# real server's state; status and metrics show the health; bad input.
. /tests/lib.sh

dr_lab_up || { echo "the lab could not be built"; exit 1; }
for n in 1 2; do
	in_ns "rs$n" lvsagent -c "/tmp/rs$n.conf" start >/dev/null
done
conf=/tmp/daemon.conf
write_conf() {
	cat >"$conf" <<EOF
[agent]
state_dir = /run/lvsagent-director

[director]
vip_interface = eth0
table_check_interval = ${TABLE_CHECK:-1}
metrics_file = /tmp/metrics/lvsagent-director.prom

[service web]
virtual = tcp $DR_VIP:80
scheduler = rr
check = tcp
check_interval = 1
check_timeout = 0.5
rise = 2
fall = 2
$1
realserver = 10.0.0.3:80 method=dr weight=${2:-1}
realserver = 10.0.0.4:80 method=dr
$3

[service echo]
virtual = tcp $DR_VIP:7000
scheduler = rr
check = tcp
check_interval = 1
check_timeout = 0.5
realserver = 10.0.0.3:7000 method=dr
realserver = 10.0.0.4:7000 method=dr
EOF
}
write_conf
mkdir -p /tmp/metrics
log=/tmp/daemon.log

daemon_pid() { cat /run/lvsagent-director/director-daemon.pid 2>/dev/null; }
start_daemon() {
	in_ns director lvsagent -c "$conf" director run >>"$log" 2>&1 &
	wait_for test -n "$(daemon_pid)"
}
stop_daemon() {
	pid=$(daemon_pid)
	[ -n "$pid" ] && kill "$pid"
	i=0
	while [ $i -lt 50 ] && kill -0 "$pid" 2>/dev/null; do usleep 100000; i=$((i + 1)); done
}
# weight_of ADDR: the weight ipvsadm lists for real server ADDR:80 ("none").
weight_of() {
	w=$(in_ns director ipvsadm -Ln -t "$DR_VIP:80" 2>/dev/null |
		awk -v a="$1:80" '$2 == a { print $4 }')
	echo "${w:-none}"
}
weight_is() { [ "$(weight_of "$1")" = "$2" ]; }
web_pid() { $IP netns pids "$1" | while read -r p; do
	grep -q httpd "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done; }
all_rs1() { [ "$(fetch_n client "http://$DR_VIP/" 10)" = "rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1 rs1" ]; }
log_count() { grep -c -- "$1" "$log"; }

# An echo service on each real server, for a connection that lasts.
for n in 1 2; do
	in_ns "rs$n" socat TCP-LISTEN:7000,fork,reuseaddr EXEC:/bin/cat >/dev/null 2>&1 &
done
start_daemon
check "the daemon runs and says where its pid is" test -n "$(daemon_pid)"
check "both real servers are in rotation" within 5 weight_is 10.0.0.4 1
check "... and answer" both_answer client "http://$DR_VIP/"

# A connection through the director survives a reload and a restart of
# the daemon: 40 lines over 8 s, each echoed back.
(i=0; while [ $i -lt 40 ]; do echo "line $i"; i=$((i + 1)); usleep 200000; done) |
	in_ns client socat -t 2 - TCP:$DR_VIP:7000 >/tmp/echo.out 2>&1 &
writer=$!
within 5 weight_is 10.0.0.4 1 >/dev/null
usleep 1500000
in_ns director lvsagent -c "$conf" director reload >/dev/null
usleep 1500000
stop_daemon
start_daemon
wait $writer
check "a connection through the director survived a reload and a daemon restart" \
	sh -c "[ \$(grep -c '^line ' /tmp/echo.out) = 40 ]"

# A dead real server: fall (2) x interval (1 s) + timeout (0.5 s), and a
# margin for the emulated CPU.
kill "$(web_pid rs2)"
check "rs2's web server stopped: weight 0 within fall x interval + timeout" \
	within 6 weight_is 10.0.0.4 0
check "ten fetches all answer rs1" all_rs1
check "the transition is logged once, with the reason" \
	sh -c "[ \$(grep -c 'web 10.0.0.4:80 down after 2 failed checks (connect: Connection refused); 1 of 2 up' $log) = 1 ]"
contains "status shows rs2 down with the last check's result" "connect: Connection refused" \
	in_ns director lvsagent -c "$conf" director status
matches "status --json has the health fields" '"health":\[.*"realserver":"10.0.0.4:80","health":"down"' \
	in_ns director lvsagent -c "$conf" director status --json
check "status exits 0 (the table is as health wants it)" \
	in_ns director lvsagent -c "$conf" director status
contains "status works without privileges while the daemon runs" "10.0.0.4:80" \
	in_ns director setpriv --reuid=65534 --regid=65534 --clear-groups \
	lvsagent -c "$conf" director status
matches "... and --json, with the health" '"health":"down"' \
	in_ns director setpriv --reuid=65534 --regid=65534 --clear-groups \
	lvsagent -c "$conf" director status --json
web rs2 rs2
check "rs2 back: weight 1 after rise (2) passes" within 6 weight_is 10.0.0.4 1
check "... logged once" sh -c "[ \$(grep -c 'web 10.0.0.4:80 up after 2 passed checks' $log) = 1 ]"

# The metrics file parses as Prometheus text: comments, or NAME{LABELS} VALUE.
check "the metrics file exists" test -s /tmp/metrics/lvsagent-director.prom
check "every line of it is Prometheus text" awk '
	/^# (HELP|TYPE) / { next }
	/^[a-z_]+\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\} [0-9.e+-]+$/ { n++; next }
	{ print "bad line: " $0; bad = 1 }
	END { exit bad || !n }' /tmp/metrics/lvsagent-director.prom
contains "it has rs1's up series" 'lvsagent_director_realserver_up{service="web",virtual="tcp 10.0.0.100:80",realserver="10.0.0.3:80"} 1' \
	cat /tmp/metrics/lvsagent-director.prom

# Someone else's changes are put back within table_check_interval.
in_ns director ipvsadm -C
check "ipvsadm -C: the service is back within 1 s (+ margin)" within 4 weight_is 10.0.0.3 1
in_ns director ipvsadm -e -t "$DR_VIP:80" -r 10.0.0.3:80 -g -w 7
check "a weight changed by hand is put back" within 4 weight_is 10.0.0.3 1
check "... and logged" grep -q "put back" "$log"

# Drain: weight 0 within a second, across a daemon restart, until undrain.
check "drain exits 0" in_ns director lvsagent -c "$conf" director drain web 10.0.0.3:80
check "drained: weight 0 within 1 s" within 1 weight_is 10.0.0.3 0
contains "status shows it drained, with its connections" "connections left" \
	in_ns director lvsagent -c "$conf" director status
stop_daemon
check "the daemon stopped on SIGTERM, leaving the table (on_stop = keep)" weight_is 10.0.0.4 1
start_daemon
check "after a restart the drain holds" within 3 weight_is 10.0.0.3 0
usleep 1500000
check "... and still does a check later" weight_is 10.0.0.3 0
check "undrain exits 0" in_ns director lvsagent -c "$conf" director undrain web 10.0.0.3
check "undrained: back in rotation" within 4 weight_is 10.0.0.3 1

# Reload: rs1's weight changes, a new real server is added; rs2 keeps its
# state (it stays up: no new rise period), the new one enters only after
# its first passing check (10.0.0.9 has no host: never).
write_conf "" 3 "realserver = 10.0.0.9:80 method=dr"
check "reload exits 0" in_ns director lvsagent -c "$conf" director reload
check "rs1 gets its new weight" within 4 weight_is 10.0.0.3 3
check "rs2 kept its state across the reload" weight_is 10.0.0.4 1
check "the new, dead real server is not in rotation" not weight_is 10.0.0.9 1
check "the reload is logged" grep -q "reloaded $conf" "$log"
# A reload of a file with errors changes nothing, not even the VIPs.
sed -i 's/^vip_interface = eth0/vip_interface = nosuch0/' "$conf"
refused "director reload checks the file first: exit 2" 2 \
	in_ns director lvsagent -c "$conf" director reload
kill -HUP "$(daemon_pid)"	# what systemctl reload does (ExecReload=)
usleep 2500000
check "the daemon refuses a file with errors on SIGHUP, and says so" \
	grep -q "reload: the configuration has errors" "$log"
check "... the VIP stays on eth0" sh -c "$IP -n director addr show dev eth0 | grep -q $DR_VIP/32"
check "... and the table as it was" weight_is 10.0.0.3 3
write_conf "" 3 "realserver = 10.0.0.9:80 method=dr"

# Bad input: exit 2 with the names the configuration has, nothing changed.
refused "drain of an unknown service: exit 2" 2 \
	in_ns director lvsagent -c "$conf" director drain nosuch 10.0.0.3
contains "... naming the services there are" "it has: web" \
	in_ns director lvsagent -c "$conf" director drain nosuch 10.0.0.3
refused "drain of an unknown real server: exit 2" 2 \
	in_ns director lvsagent -c "$conf" director drain web 10.0.0.77:80
refused "a second daemon is refused" 1 in_ns director lvsagent -c "$conf" director run
refused "director apply while the daemon runs is refused" 1 \
	in_ns director lvsagent -c "$conf" director apply
write_conf "check = http"
refused "check = http is not supported yet: exit 2" 2 \
	in_ns director lvsagent -c "$conf" check-config
write_conf "rise = 0"
refused "rise = 0: exit 2" 2 in_ns director lvsagent -c "$conf" check-config
write_conf "check_timeout = 1"
refused "a timeout not below the interval: exit 2" 2 \
	in_ns director lvsagent -c "$conf" check-config
write_conf "min_up = 3"
refused "min_up above the number of real servers: exit 2" 2 \
	in_ns director lvsagent -c "$conf" check-config
write_conf "sorry_server = 2001:db8::9"
refused "a sorry server of the other family: exit 2" 2 \
	in_ns director lvsagent -c "$conf" check-config
write_conf "check_port = 0"
refused "check_port 0: exit 2" 2 in_ns director lvsagent -c "$conf" check-config

# min_up = 1 with both down keeps one in as kept; sorry_server with min_up 0.
write_conf "min_up = 1"
in_ns director lvsagent -c "$conf" director reload >/dev/null
kill "$(web_pid rs1)" "$(web_pid rs2)"
check "min_up = 1, both down: one stays in rotation" \
	within 8 sh -c "grep -q 'kept in rotation although down (min_up = 1)' $log"
contains "status shows it kept" " kept " in_ns director lvsagent -c "$conf" director status
both_in() { weight_is 10.0.0.3 1 && weight_is 10.0.0.4 1; }
web rs1 rs1
web rs2 rs2
check "both back up" within 8 both_in

# on_failure = remove: the destination goes, and comes back.
write_conf "on_failure = remove"
in_ns director lvsagent -c "$conf" director reload >/dev/null
usleep 500000
kill "$(web_pid rs2)"
check "on_failure = remove: rs2's destination is deleted" within 6 weight_is 10.0.0.4 none
web rs2 rs2
check "... and comes back once it passes" within 6 weight_is 10.0.0.4 1

# A verdict is planned against the table as the daemon last left it (no
# read of the whole table first); when someone else changed it since —
# rs2 deleted by hand, long before the next table check — the change fails
# and is made again against a fresh read at once: rs2 back, at weight 0.
TABLE_CHECK=60 write_conf
in_ns director lvsagent -c "$conf" director reload >/dev/null
usleep 1500000
put_back=$(log_count "put back")
in_ns director ipvsadm -d -t "$DR_VIP:80" -r 10.0.0.4:80
kill "$(web_pid rs2)"
check "rs2 deleted by hand, then dead: back in the table at weight 0 at its verdict" \
	within 6 weight_is 10.0.0.4 0
check "... the deletion is logged as put back" \
	sh -c "[ \$(grep -c 'put back' $log) -gt $put_back ]"
web rs2 rs2
check "... and rs2 comes back" within 6 weight_is 10.0.0.4 1
write_conf
in_ns director lvsagent -c "$conf" director reload >/dev/null

# sorry_server: a third host with the VIP on lo, serving its own page.
lab_ns sorry && lab_port sorry eth0 sw br0 10.0.0.5/24 && web sorry sorry
rs_config sorry >/tmp/sorry.conf
in_ns sorry lvsagent -c /tmp/sorry.conf start >/dev/null
write_conf "sorry_server = 10.0.0.5:80 method=dr"
in_ns director lvsagent -c "$conf" director reload >/dev/null
usleep 500000
check "the sorry server is not in the table while real servers are up" weight_is 10.0.0.5 none
kill "$(web_pid rs1)" "$(web_pid rs2)"
check "no real server up: the sorry server is added" within 8 weight_is 10.0.0.5 1
client_gets_sorry() { [ "$(fetch client "http://$DR_VIP/")" = sorry ]; }
check "... and the client gets its page" within 3 client_gets_sorry
web rs1 rs1
check "one real server back: the sorry server is gone" within 6 weight_is 10.0.0.5 none
check "... logged both ways" grep -q "sorry server 10.0.0.5:80 removed" "$log"

# on_stop = withdraw: SIGTERM removes what lvsagent created.
printf '\n[director]\non_stop = withdraw\n' >>"$conf"
in_ns director lvsagent -c "$conf" director reload >/dev/null
usleep 500000
stop_daemon
check "on_stop = withdraw: SIGTERM removed the services" \
	sh -c "! $IP netns exec director ipvsadm -Ln | grep -q $DR_VIP"
finish
