#!/bin/sh
# A crash at every step of `director apply` (runs in the VM): the fault
# build (make faults, include/kernel/fault.h; copied in as
# /usr/local/bin/lvsagent-faults) fails the N-th kernel request of an
# apply of 50 services (100 real servers, 5 VIPs, NAT's ip_forward), or
# exits right after it. After each fault `director status` tells the truth
# (exit 0 exactly when nothing is missing; what "director apply would" do
# is what the table, eth1 and ip_forward lack, read with ipvsadm, ip and
# /proc), the next apply converges (status exit 0), and `director stop`
# leaves the IPVS table (ipvsadm -Sn, a service of someone else's in it),
# eth1's addresses and ip_forward as before the first apply.
#
# Bounded: under TCG an iteration takes seconds (every command starts a
# dynamically linked binary), so not every N runs: all of the first and
# last EDGE requests (the table's reading, the first changes, the VIPs,
# ip_forward, the last changes) and every STRIDE-th between (the batch of
# services and real servers). make check takes every 20th (every 60th under
# ASan, whose commands run three times as long) beside the first and last
# 4, which N of each 20 (60) chosen afresh each run; `make vm-faults
# FAULT_STRIDE=N FAULT_EDGE=E [FAULT_OFFSET=O]` (/tests/fault_steps in the
# VM) any other bound, FAULT_STRIDE=1 every N.
. /tests/lib.sh
FAULTS=/usr/local/bin/lvsagent-faults
STRIDE=20
EDGE=4
if grep -q __asan_init $FAULTS 2>/dev/null; then
	STRIDE=60 EDGE=3
fi
# Which N of each STRIDE: a fresh choice each run, so that successive runs
# (CI's) cover them all; the third word of /tests/fault_steps repeats one.
OFFSET=
if [ -s /tests/fault_steps ]; then
	read -r STRIDE EDGE OFFSET </tests/fault_steps
fi
[ -n "$OFFSET" ] || OFFSET=$(od -An -N2 -tu2 /dev/urandom | awk -v s="$STRIDE" '{ print $1 % s }')
NS=dfault
CONF=/tmp/dfault.conf
STATE=/run/lvsagent-dfault
T=/tmp/dfault
mkdir -p $T

check "the normal binary carries no fault hook" not grep -q LVSAGENT_FAULT /usr/local/bin/lvsagent
[ -x $FAULTS ] || { check "the fault build is in the VM (make faults)" false; finish t_director_faults.sh; }

lab_ns $NS || exit 1
$IP -n $NS link add eth1 type dummy
$IP -n $NS link set eth1 up
$IP -n $NS addr add 10.8.0.2/24 dev eth1
in_ns $NS ipvsadm -A -t 10.7.0.1:99 -s wlc	# someone else's: stop leaves it
{
	printf '[agent]\nstate_dir = %s\n\n[director]\nvip_interface = eth1\n' $STATE
	i=1
	while [ $i -le 50 ]; do
		# Two NAT services (ip_forward goes to 1), 48 DR ones, on 5 VIPs.
		m=dr port=
		[ $i -le 2 ] && m=nat port=:80
		printf '\n[service s%d]\nvirtual = tcp 10.9.0.%d:%d\nscheduler = rr\n' \
			$i $((i % 5 + 1)) $((8000 + i))
		printf 'realserver = 10.8.0.%d%s method=%s\n' $((10 + i % 7)) "$port" $m \
			$((20 + i % 7)) "$port" $m
		i=$((i + 1))
	done
} >$CONF
i=1
while [ $i -le 5 ]; do echo "10.9.0.$i/32"; i=$((i + 1)); done >$T/vips

agent() { in_ns $NS "$FAULTS" -c $CONF "$@"; }
snapshot() {
	in_ns $NS ipvsadm -Sn
	$IP -n $NS -o addr show dev eth1
	echo "ip_forward=$(in_ns $NS cat /proc/sys/net/ipv4/ip_forward)"
}

# What the kernel lacks of the configuration, as the keys status_lacks
# gives: services and real servers against the table a clean apply made
# ($T/want), the VIPs on eth1, ip_forward.
host_lacks() {
	in_ns $NS ipvsadm -Sn >$T/table
	$IP -n $NS -o addr show dev eth1 >$T/addrs
	awk -v table=$T/table -v addrs=$T/addrs -v vips=$T/vips '
		BEGIN {
			while ((getline line < table) > 0) { have[line] = 1; split(line, f, " ");
				if (f[1] == "-A") svc[f[3]] = 1 }
			while ((getline < addrs) > 0) if ($3 == "inet") bound[$4] = 1
			while ((getline vip < vips) > 0) if (!(vip in bound)) print "vip " vip
		}
		$0 in have { next }
		$1 == "-A" { print ($3 in svc ? "set-service " : "service ") $3 }
		$1 == "-a" { print "realserver " $3 ">" $5 }' $T/want
	[ "$(in_ns $NS cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || echo "sysctl net.ipv4.ip_forward"
}

# What status says apply would do, as keys: "add service tcp V ...",
# "add realserver tcp V -> R ...", "add vip X dev eth1", "set sysctl K: ..."
# become "service V", "realserver V>R", "vip X", "sysctl K"; anything else
# is kept whole, so it shows up as a difference.
status_lacks() {
	awk '/^director apply would:/ { on = 1; next } /^status:/ { on = 0 } !on { next }
		$1 == "add" && $2 == "service" { print "service " $4; next }
		$1 == "add" && $2 == "realserver" { print "realserver " $4 ">" $6; next }
		$1 == "add" && $2 == "vip" { print "vip " $3; next }
		$1 == "set" && $2 == "sysctl" { sub(":", "", $3); print "sysctl " $3; next }
		{ print "other " $0 }' "$1"
}

bad=0
fault() {
	bad=$((bad + 1))
	echo "FAIL $kind:$n: $1"
	[ -z "${2:-}" ] || [ $bad -gt 6 ] || sed 's/^/     | /' "$2" | head -20
}

snapshot >$T/before
agent director apply >/dev/null 2>&1
in_ns $NS ipvsadm -Sn | grep -v ' 10\.7\.0\.1:99' >$T/want
LVSAGENT_FAULT=count agent director stop >/dev/null 2>&1
LVSAGENT_FAULT=count agent director apply 2>&1 >/dev/null |
	sed -n 's/^LVSAGENT_FAULT: \([0-9]*\) requests$/\1/p' >$T/count
agent director stop >/dev/null 2>&1
requests=$(cat $T/count)
check "a clean apply makes at least one request per service and real server ($requests)" \
	test "${requests:-0}" -ge 150
check "the clean apply's table has the 50 services" test "$(grep -c '^-A' $T/want)" -eq 50

# The N the bound picks, in order.
steps() {
	n=1
	while [ $n -le "$requests" ]; do
		if [ $n -le $EDGE ] || [ $n -gt $((requests - EDGE)) ] ||
			[ $(((n + OFFSET) % STRIDE)) -eq 0 ]; then
			echo $n
		fi
		n=$((n + 1))
	done
}
started=$(cut -d' ' -f1 /proc/uptime)
ran=0
for kind in fail exit; do
	for n in $(steps); do
		ran=$((ran + 1))
		LVSAGENT_FAULT=$kind:$n agent director apply >$T/fault.out 2>&1
		rc=$?
		grep -qE "^LVSAGENT_FAULT: .* $n( |\$)" $T/fault.out || fault "the fault did not fire" $T/fault.out
		[ $kind = fail ] || [ $rc -eq 99 ] || fault "apply exited $rc, not the fault's 99" $T/fault.out
		host_lacks | sort >$T/lacks.host
		agent director status >$T/status.out 2>&1
		rc=$?
		status_lacks $T/status.out | sort >$T/lacks.status
		if ! cmp -s $T/lacks.host $T/lacks.status; then
			diff $T/lacks.host $T/lacks.status >$T/lacks.diff
			fault "status says other than the kernel lacks (< kernel, > status)" $T/lacks.diff
		elif [ -s $T/lacks.host ] && [ $rc -eq 0 ]; then
			fault "status exits 0 with $(wc -l <$T/lacks.host) items missing" $T/status.out
		elif [ ! -s $T/lacks.host ] && [ $rc -ne 0 ]; then
			fault "status exits $rc with everything in place" $T/status.out
		fi
		agent director apply >$T/apply.out 2>&1 || fault "the next apply exits $?" $T/apply.out
		agent director status >$T/status.out 2>&1 || fault "status after it exits $?" $T/status.out
		agent director stop >$T/stop.out 2>&1 || fault "director stop exits $?" $T/stop.out
		snapshot >$T/after
		if ! cmp -s $T/before $T/after; then
			diff $T/before $T/after >$T/after.diff
			fault "director stop did not put the host back" $T/after.diff
		fi
	done
done
took=$(awk -v a="$started" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%d", b - a }')
echo "     $ran faulted applies of $requests requests (every N <= $EDGE, > $((requests - EDGE)), and every ${STRIDE}th from $((STRIDE - OFFSET)); fail and exit) in ${took}s"
echo "     (this run's sample again: make vm-faults FAULT_STRIDE=$STRIDE FAULT_EDGE=$EDGE FAULT_OFFSET=$OFFSET)"
check "every fault: status true, the next apply converges, stop restores ($bad failures)" test $bad -eq 0

# The director's state file cut short (to 0 bytes, to half): refused by
# status, apply and stop with the reason, nothing changed; moved away,
# stop would leave what lvsagent created (recorded only there).
agent director apply >/dev/null 2>&1
cp $STATE/director $T/whole
snapshot >$T/applied
size=$(wc -c <$T/whole)
for cut in 0 $((size / 2)); do
	head -c $cut $T/whole >$STATE/director
	for command in status apply stop; do
		refused "state cut to $cut of $size bytes: director $command exits 1" 1 \
			agent director $command
		contains "... saying why, and that nothing changed" \
			"director is cut short (empty, or its last line missing" agent director $command
	done
	snapshot >$T/now
	check "... and the host is as it was" cmp -s $T/applied $T/now
done
rm $STATE/director
check "the file moved away: director stop exits 0" agent director stop
services() { in_ns $NS ipvsadm -Sn | grep -c '^-A -t 10\.9'; }
same "... and leaves the 50 services lvsagent created, as the message says" 50 services
cp $T/whole $STATE/director
check "the whole file back: director stop exits 0" agent director stop
snapshot >$T/after
check "... and the host is as before the first apply" cmp -s $T/before $T/after
# The drained list cut short: never read as "nothing drained", which would
# put the drained real server back in rotation. apply, drain and the daemon
# refuse it (exit 1, the table unchanged); status says so and goes on.
weight_of() {	# SERVICE number, real server: its weight in ipvsadm -Ln
	in_ns $NS ipvsadm -Ln -t 10.9.0.$(($1 % 5 + 1)):$((8000 + $1)) |
		awk -v rs="$2" '$2 == rs { print $4 }'
}
drained_is_cut_to() { head -c "$1" $T/drained | cmp -s $STATE/director.drained -; }
agent director apply >/dev/null 2>&1
check "drain s3 10.8.0.13: exit 0" agent director drain s3 10.8.0.13
same "... weight 0 in the table" 0 weight_of 3 10.8.0.13:8003
cp $STATE/director.drained $T/drained
size=$(wc -c <$T/drained)
for cut in 0 $((size / 2)) $((size - 6)); do
	head -c $cut $T/drained >$STATE/director.drained
	refused "drained list cut to $cut of $size bytes: director apply exits 1" 1 \
		agent director apply
	contains "... saying why" "director.drained is cut short" agent director apply
	same "... and the drained real server keeps weight 0" 0 weight_of 3 10.8.0.13:8003
	refused "... director drain of another exits 1" 1 agent director drain s4 10.8.0.14
	check "... and leaves the file as it was" drained_is_cut_to $cut
	refused "... director run does not start (exit 1)" 1 \
		in_ns $NS timeout 60 $FAULTS -c $CONF director run
	same "... and the drained real server keeps weight 0" 0 weight_of 3 10.8.0.13:8003
	contains "... director status says so" "director.drained is cut short" \
		agent director status
done
cp $T/drained $STATE/director.drained
check "the whole list back: undrain s3 10.8.0.13 exits 0" agent director undrain s3 10.8.0.13
same "... weight 1 again" 1 weight_of 3 10.8.0.13:8003
agent director stop >/dev/null 2>&1
finish t_director_faults.sh
