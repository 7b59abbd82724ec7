#!/bin/sh
# lvsagent director run on a hostile director (runs in the VM): for
# SOAK_SECONDS (120 in make check; make soak SOAK_SECONDS=N puts N in
# /tests/soak_seconds) ipvsadm -C and random -e / -d / -a of
# strangers as fast as a loop can, while rs2's web server dies and comes
# back every second (a third service has 60 real servers: each -C takes
# more put-back lines than the log's budget allows). Pass: the daemon stays
# up, its RSS at the end within a few hundred KiB of the first round's, its
# repair lines within the log budget (50 per 5 s), the rest counted in
# summaries, the other lines in proportion, and once
# the storm stops (rs2 up) the table is exactly the configured one again.
. /tests/lib.sh

SOAK_SECONDS=$(cat /tests/soak_seconds 2>/dev/null || echo 120)
SLACK_KIB=512

dr_lab_up || { echo "the lab could not be built"; exit 1; }
for n in 1 2; do
	in_ns "rs$n" lvsagent -c "/tmp/rs$n.conf" start >/dev/null
done
conf=/tmp/soak.conf
cat >"$conf" <<EOF
[agent]
state_dir = /run/lvsagent-director

[director]
vip_interface = eth0
table_check_interval = 1

[service web]
virtual = tcp $DR_VIP:80
scheduler = rr
check = tcp
check_interval = 1
check_timeout = 0.5
rise = 1
fall = 1
realserver = 10.0.0.3:80 method=dr weight=2
realserver = 10.0.0.4:80 method=dr

[service echo]
virtual = tcp $DR_VIP:7000
scheduler = wlc
realserver = 10.0.0.3:7000 method=dr
realserver = 10.0.0.4:7000 method=dr weight=3

[service many]
virtual = tcp $DR_VIP:9000
scheduler = rr
$(i=1; while [ $i -le 60 ]; do echo "realserver = 10.0.1.$i:9000 method=dr"; i=$((i + 1)); done)
EOF
log=/tmp/soak.log
ipvs() { in_ns director ipvsadm "$@"; }
web_pid() { $IP netns pids "$1" | while read -r p; do
	grep -q httpd "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
# A number from 0 to 9 (busybox sh has no $RANDOM).
random_digit() { od -An -N1 -tu1 /dev/urandom | awk '{ print $1 % 10 }'; }

in_ns director lvsagent -c "$conf" director run >"$log" 2>&1 &
converged() { in_ns director lvsagent -c "$conf" director status >/dev/null 2>&1; }
check "the daemon converged (status exit 0)" within 20 converged
daemon=$(cat /run/lvsagent-director/director-daemon.pid)
# The configured table, both real servers up (rs2 at weight 1 once checked).
rs2_up() { ipvs -Sn | grep -q -- "-r 10.0.0.4:80 -g -w 1$"; }
check "... rs2 in rotation once checked" within 20 rs2_up
ipvs -Sn >/tmp/soak.right
rss_start=$(rss_kib "$daemon")

# One round of the storm: the table cleared, weights changed, real servers
# deleted, a stranger added to a service the daemon owns.
storm_round() {
	ipvs -C
	ipvs -e -t "$DR_VIP:80" -r 10.0.0.3:80 -g -w "$(random_digit)" 2>/dev/null
	ipvs -d -t "$DR_VIP:7000" -r 10.0.0.4:7000 2>/dev/null
	ipvs -a -t "$DR_VIP:7000" -r "10.0.0.$((50 + $(random_digit))):7000" -g 2>/dev/null
	ipvs -e -t "$DR_VIP:7000" -r 10.0.0.3:7000 -g -w "$(random_digit)" 2>/dev/null
}
# rs2's web server dies and comes back, once a second, until /tmp/soak.calm.
flap() {
	while [ ! -e /tmp/soak.calm ]; do
		kill $(web_pid rs2) 2>/dev/null
		sleep 1
		web rs2 rs2
		sleep 1
	done
}
rm -f /tmp/soak.calm
flap &
flapper=$!
storm_round
sleep 2
rss_warm=$(rss_kib "$daemon")
rounds=1
end=$(($(date +%s) + SOAK_SECONDS))
while [ "$(date +%s)" -lt "$end" ]; do
	storm_round
	rounds=$((rounds + 1))
done
touch /tmp/soak.calm
wait "$flapper"
[ -n "$(web_pid rs2)" ] || web rs2 rs2

check "the daemon is still running after $rounds rounds in ${SOAK_SECONDS}s" kill -0 "$daemon"
rss_end=$(rss_kib "$daemon")
echo "     RSS: ${rss_start} KiB at start, ${rss_warm} KiB after the first round, ${rss_end} KiB at the end"
if grep -q __asan_init "$(command -v lvsagent)"; then
	echo "     (an ASan build: RSS reported, not judged: its quarantine keeps freed memory)"
else
	check "RSS at the end within $SLACK_KIB KiB of the first round's" \
		test -n "$rss_end" -a -n "$rss_warm" -a $((${rss_end:-0} - ${rss_warm:-0})) -le "$SLACK_KIB"
fi
# When the storm stops, the next table check puts everything back; rs2 up
# again counts after rise (1) passed check.
table_right() { [ "$(ipvs -Sn)" = "$(cat /tmp/soak.right)" ]; }
check "after the storm the table is the configured one again" within 20 table_right
same "... and stays so" "$(cat /tmp/soak.right)" in_ns director sh -c 'sleep 3; ipvsadm -Sn'
check "... status exit 0" converged
lines=$(wc -l <"$log")
repairs=$(grep -c -e "put back: " -e "could not " "$log")
summaries=$(grep -c "more repair messages\? .* not logged" "$log")
windows=$(((SOAK_SECONDS + 30) / 5 + 2))
echo "     log: $lines lines ($repairs about repairs, $summaries summaries of more) for $rounds rounds"
check "repair lines within the budget (50 per 5 s window): $repairs <= $((50 * windows))" \
	test "$repairs" -le $((50 * windows))
# Each ipvsadm -C takes service many's 60 real servers: more put-back lines
# than a window allows, every round.
check "... the rest counted, in summaries ($summaries)" test "$summaries" -ge 1
# The rest: rs2's transitions (a flap takes two seconds), the summaries,
# the start's and stop's lines.
check "the other lines in proportion: $((lines - repairs)) <= 60 + 4 per round" \
	test $((lines - repairs)) -le $((60 + 4 * rounds))
kill "$daemon"
while kill -0 "$daemon" 2>/dev/null; do usleep 100000; done
check "stop after the soak" in_ns director lvsagent -c "$conf" director stop
same "... leaves no table" "" ipvs -Sn
for n in 1 2; do
	in_ns "rs$n" lvsagent -c "/tmp/rs$n.conf" stop >/dev/null
done
finish t_director_soak
