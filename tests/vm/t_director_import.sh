#!/bin/sh
# director import of real director scripts (runs in the VM): each script
# is run by the shell with ipvsadm, its table saved, the table cleared;
# then the script is imported and applied by lvsagent: the two tables must
# be the same. First the lab write-ups' own DR director script
# (tests/fixtures/lab_director_dr.sh) as `start` runs it, then scripts with
# variables, functions, loops, here-documents and ipvsadm's edits (-E, -e,
# -d, -D, -C), whose defaults are ipvsadm 1.31's own.
. /tests/lib.sh

NS=import
lab_ns $NS || exit 1
D="in_ns $NS"
STATE=/run/lvsagent-import

table() { $D ipvsadm -Sn; }

# The lab script calls /sbin/ipvsadm; the VM has it elsewhere.
[ -x /sbin/ipvsadm ] || { mkdir -p /sbin && ln -s "$(command -v ipvsadm)" /sbin/ipvsadm; }

# run_then_import NAME SCRIPT [ARG]: SCRIPT run by sh in the namespace (its
# other commands fail harmlessly there: no eth1, no iptables), the table it
# made kept in /tmp/NAME.rules; then imported (notes in /tmp/NAME.notes)
# and applied by lvsagent from an empty table.
run_then_import() {
	name=$1 script=$2
	$D ipvsadm -C
	$D sh "$script" ${3:+"$3"} >/dev/null 2>&1
	table >"/tmp/$name.rules"
	$D ipvsadm -C
	{ printf '[agent]\nstate_dir = %s\n' $STATE
	  lvsagent director import <"$script" 2>"/tmp/$name.notes"; } >"/tmp/$name.conf"
	check "$name: the script imports" lvsagent -c "/tmp/$name.conf" check-config
	check "$name: ... and applies" $D lvsagent -c "/tmp/$name.conf" director apply
	same "$name: ... to the table the script's start makes" "$(cat "/tmp/$name.rules")" table
}

test_lab_script() {
	rm -f /var/lock/subsys/ipvsadm.lock
	run_then_import lab /tests/fixtures/lab_director_dr.sh start
	contains "lab: the script made a table" "-A -t 192.168.101.168:80 -s wlc" cat /tmp/lab.rules
	contains "lab: ... with its real servers" "-a -t 192.168.101.168:80 -r 10.10.10.11:80 -g -w 2" \
		cat /tmp/lab.rules
	contains "lab: import names each line it skipped (ifconfig)" \
		"<stdin>:25: skipped: /sbin/ifconfig eth1" cat /tmp/lab.notes
	contains "lab: ... the stop branch" \
		"<stdin>:44: skipped lines 44-54: the stop) branch, which start does not take" \
		cat /tmp/lab.notes
	contains "lab: ... the listing" "<stdin>:41: skipped: ipvsadm -L: a listing" cat /tmp/lab.notes
	check "lab: director stop empties the table" $D lvsagent -c /tmp/lab.conf director stop
	same "lab: ... nothing left" "" table
	rm -f /var/lock/subsys/ipvsadm.lock
}

# -E and -e send every setting again in ipvsadm 1.31: one a rule leaves
# out goes back to its default (here: the persistence, the weight).
test_edits() {
	cat >/tmp/edits.sh <<'EOF2'
VIP=10.7.7.7
ipvsadm -A -t 10.7.7.8:80 -s rr
ipvsadm -a -t 10.7.7.8:80 -r 10.10.10.19
ipvsadm -C
ipvsadm -A -t $VIP:80 -s rr -p 60
ipvsadm -a -t $VIP:80 -r 10.10.10.11 -w 5
ipvsadm -a -t $VIP:80 -r 10.10.10.12 -w 5
ipvsadm -a -t $VIP:80 -r 10.10.10.13:8080 -m -w 4
ipvsadm -A -u $VIP:53 -s sh
ipvsadm -a -u $VIP:53 -r 10.10.10.11 -w 2
ipvsadm -E -t $VIP:80 -s wrr
ipvsadm -e -t $VIP:80 -r 10.10.10.11 -i
ipvsadm -d -t $VIP:80 -r 10.10.10.12
ipvsadm -d -t $VIP:80 -r 10.10.10.13:8080
ipvsadm -D -u $VIP:53
ipvsadm -A -f 9 -s lc
ipvsadm -a -f 9 -r 10.10.10.14 -w 7
EOF2
	run_then_import edits /tmp/edits.sh
	contains "edits: -E dropped the persistence, as ipvsadm does" "-A -t 10.7.7.7:80 -s wrr" \
		cat /tmp/edits.rules
}

test_constructs() {
	cat >/tmp/constructs.sh <<'EOF2'
#!/bin/sh
IPVSADM=ipvsadm
VIP="10.8.8.8"
PORT=${PORT:-443}
RIPS='10.10.10.11 10.10.10.12 10.10.10.13'

start() {
	$IPVSADM -C
	$IPVSADM -A -t "$VIP:$PORT" -s wlc -p 120
	for rip in $RIPS; do
		$IPVSADM -a -t "$VIP:$PORT" -r $rip -g \
			-w 3 >/dev/null 2>&1
	done
	$IPVSADM -R <<EOF
-A -u $VIP:53 -s rr
-a -u $VIP:53 -r 10.10.10.11:53 -g -w 1
EOF
	echo 1 >/proc/sys/net/ipv4/ip_forward
}

stop() {
	$IPVSADM -C
}

case "$1" in
	start|restart)
		start
		;;
	stop)
		stop
		;;
esac
EOF2
	run_then_import constructs /tmp/constructs.sh start
	contains "constructs: the loop added every real server" \
		"-a -t 10.8.8.8:443 -r 10.10.10.13:443 -g -w 3" cat /tmp/constructs.rules
	contains "constructs: the here-document's rules" "-A -u 10.8.8.8:53 -s rr" \
		cat /tmp/constructs.rules
	contains "constructs: the stop function is named as skipped" \
		"skipped lines 21-23: function stop, which start does not call" cat /tmp/constructs.notes
}

# A script whose table import cannot know: exit 2, its line named, nothing
# written.
test_unknowable() {
	printf 'VIP=$(hostname -i)\nipvsadm -A -t $VIP:80\n' >/tmp/unknown.sh
	refused "a VIP from a command: exit 2" 2 lvsagent director import </tmp/unknown.sh
	contains "... saying which line and why" \
		"<stdin>:2: \$VIP is set on line 1 by a command, which import does not run" \
		lvsagent director import </tmp/unknown.sh
	same "... and writing nothing" "" sh -c 'lvsagent director import </tmp/unknown.sh 2>/dev/null; true'
}

test_lab_script
test_edits
test_constructs
test_unknowable
$D ipvsadm -C
finish t_director_import
