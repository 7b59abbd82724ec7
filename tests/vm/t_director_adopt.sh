#!/bin/sh
# Adoption without loss (runs in the VM): what the kernel's table holds —
# marks of the upper half, persistence engines, real-server thresholds —
# comes through save, status, import and apply unchanged, the same as
# ipvsadm shows it, and a script's lines import to the table ipvsadm makes
# of them; a table read while another tool deletes a service;
# status without a configuration.
. /tests/lib.sh

NS=adopt
lab_ns $NS || exit 1
D="in_ns $NS"
STATE=/run/lvsagent-adopt

table() { $D ipvsadm -Sn; }
# The first lines of director status: the ipvsadm -Ln listing.
status_listing() {
	$D lvsagent "$@" director status | head -n "$($D ipvsadm -Ln | wc -l)"
}

# Marks above 2147483647: ipvsadm prints them with %d ("-f -1").
test_high_fwmarks() {
	cat >/tmp/marks.conf <<EOF2
[agent]
state_dir = $STATE

[service top]
virtual = fwmark 4294967295
scheduler = rr
realserver = 10.10.10.11 method=dr

[service upper6]
virtual = fwmark 2147483648 ipv6
realserver = 2001:db8::21 method=tun
EOF2
	check "apply of marks 4294967295 and 2147483648" $D lvsagent -c /tmp/marks.conf director apply
	contains "ipvsadm -Sn prints mark 4294967295 as -1" "-A -f -1 -s rr" table
	same "director save prints what ipvsadm -Sn prints" "$(table)" $D lvsagent director save
	same "director status lists what ipvsadm -Ln lists" "$($D ipvsadm -Ln)" \
		status_listing -c /tmp/marks.conf
	table >/tmp/marks.rules
	{ printf '[agent]\nstate_dir = %s\n' $STATE
	  lvsagent director import </tmp/marks.rules; } >/tmp/marks-imported.conf
	check "import reads ipvsadm's -f -1" lvsagent -c /tmp/marks-imported.conf check-config
	check "stop" $D lvsagent -c /tmp/marks.conf director stop
	check "the imported configuration applies" \
		$D lvsagent -c /tmp/marks-imported.conf director apply
	same "... to the same table" "$(cat /tmp/marks.rules)" table
	$D lvsagent -c /tmp/marks-imported.conf director stop >/dev/null
}

# A script's lines, imported, make the table ipvsadm made of them — its
# defaults included (-p alone is 360 s in ipvsadm 1.31, not the manual's 300).
test_script_defaults() {
	cat >/tmp/script.sh <<'EOF2'
ipvsadm -A -t 10.5.5.5:80 -p
ipvsadm -a -t 10.5.5.5:80 -r 10.10.10.11
ipvsadm -A -u 10.5.5.5:53 -s rr -p -o
EOF2
	$D sh -c 'sed "s|^ipvsadm|/usr/sbin/ipvsadm|" /tmp/script.sh | sh -e'
	table >/tmp/script.rules
	$D ipvsadm -C
	contains "ipvsadm -p alone: 360 s" "-A -t 10.5.5.5:80 -s wlc -p 360" cat /tmp/script.rules
	{ printf '[agent]\nstate_dir = %s\n' $STATE
	  lvsagent director import </tmp/script.sh; } >/tmp/script.conf
	check "the script's lines import" lvsagent -c /tmp/script.conf check-config
	check "... and apply" $D lvsagent -c /tmp/script.conf director apply
	same "... to the table ipvsadm made of them" "$(cat /tmp/script.rules)" table
	$D lvsagent -c /tmp/script.conf director stop >/dev/null
}

# The line of the service FIRST (e.g. "-u 10.6.6.6:5060") in ipvsadm -Sn.
service_line() { table | grep -- "^-A $1 "; }

# A persistence engine (ipvsadm --pe sip): listed, saved, compared and kept
# as the kernel has it — a scheduler change through lvsagent once took it.
test_persistence_engine() {
	$D ipvsadm -A -u 10.6.6.6:5060 -s wlc -p 60 --pe sip
	$D ipvsadm -a -u 10.6.6.6:5060 -r 10.10.10.11 -g -w 2
	cat >/tmp/sip.conf <<EOF2
[agent]
state_dir = $STATE

[service sip]
virtual = udp 10.6.6.6:5060
scheduler = wlc
persistence = 60
pe = sip
realserver = 10.10.10.11 method=dr weight=2
EOF2
	same "save prints --pe as ipvsadm -Sn does" "$(table)" $D lvsagent director save
	same "status lists the engine as ipvsadm -Ln does" "$($D ipvsadm -Ln)" \
		status_listing -c /tmp/sip.conf
	check "status of the adopted service with pe = sip: in place (exit 0)" \
		$D lvsagent -c /tmp/sip.conf director status
	contains "apply: nothing to change" "director apply: nothing to change" \
		$D lvsagent -c /tmp/sip.conf director apply
	sed -i 's/^scheduler = wlc/scheduler = rr/' /tmp/sip.conf
	check "a scheduler change" $D lvsagent -c /tmp/sip.conf director apply
	same "... keeps the engine in the kernel" "-A -u 10.6.6.6:5060 -s rr -p 60 --pe sip" \
		service_line "-u 10.6.6.6:5060"
	sed -i '/^pe = sip/d' /tmp/sip.conf
	refused "the engine, no longer configured: status drifted (exit 1)" 1 \
		$D lvsagent -c /tmp/sip.conf director status
	contains "... saying what apply would change" \
		"set service udp 10.6.6.6:5060: scheduler rr persistence 60 (was scheduler rr persistence 60 pe sip)" \
		$D lvsagent -c /tmp/sip.conf director status
	check "apply" $D lvsagent -c /tmp/sip.conf director apply
	same "... took the engine away, as configured" "-A -u 10.6.6.6:5060 -s rr -p 60" \
		service_line "-u 10.6.6.6:5060"
	before=$(table)
	printf '\n[service other]\nvirtual = udp 10.6.6.7:5060\npersistence = 60\npe = nosuch\n' \
		>>/tmp/sip.conf
	refused "an engine the kernel lacks: exit 1" 1 $D lvsagent -c /tmp/sip.conf director apply
	contains "... named" "persistence engine nosuch not found" \
		$D lvsagent -c /tmp/sip.conf director apply
	same "... and nothing changed" "$before" table
	$D ipvsadm -C
}

# The README's migration: a hand-made table imported from the kernel is
# the configuration of what is there — thresholds (which ipvsadm -Sn leaves
# out), engines, flags, tunnels, a local real server — so apply has nothing
# to change.
test_import_from_kernel() {
	$D ipvsadm -A -t 10.7.7.7:80 -s wlc
	$D sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'	# a NAT director forwards
	$D ipvsadm -a -t 10.7.7.7:80 -r 10.10.10.11 -g -w 2 -x 100 -y 10
	$D ipvsadm -a -t 10.7.7.7:80 -r 127.0.0.1 -g
	$D ipvsadm -A -u 10.7.7.7:5060 -s sh -b sh-port -p 60 -M 255.255.255.0 --pe sip
	$D ipvsadm -a -u 10.7.7.7:5060 -r 10.10.10.12:5070 -m -w 0 -x 5
	$D ipvsadm -A -f 4294967295 -6 -s mh -b mh-fallback
	$D ipvsadm -a -f 4294967295 -6 -r 2001:db8::21 -i --tun-type gue --tun-port 6080 --tun-csum
	before=$(table)
	thresholds=$($D ipvsadm -Ln --thresholds)
	{ printf '[agent]\nstate_dir = %s\n' $STATE
	  $D lvsagent director import --from-kernel; } >/tmp/kernel.conf
	check "import --from-kernel makes a configuration lvsagent accepts" \
		lvsagent -c /tmp/kernel.conf check-config
	contains "... with the thresholds ipvsadm -Sn leaves out" \
		"realserver = 10.10.10.11:80 method=dr weight=2 u_threshold=100 l_threshold=10" \
		cat /tmp/kernel.conf
	contains "apply --check: nothing to change" "director apply: nothing to change" \
		$D lvsagent -c /tmp/kernel.conf director apply --check
	check "status: in place (exit 0)" $D lvsagent -c /tmp/kernel.conf director status
	contains "apply: nothing to change" "director apply: nothing to change" \
		$D lvsagent -c /tmp/kernel.conf director apply
	same "the table is as it was" "$before" table
	same "... its thresholds too" "$thresholds" $D ipvsadm -Ln --thresholds
	# Why the recipe reads the kernel: ipvsadm -Sn has no -x/-y to import.
	{ printf '[agent]\nstate_dir = %s\n' $STATE
	  table | lvsagent director import; } >/tmp/text.conf
	contains "(from the -Sn text, apply --check would reset the thresholds)" \
		"would set realserver tcp 10.7.7.7:80 -> 10.10.10.11:80" \
		$D lvsagent -c /tmp/text.conf director apply --check
	$D ipvsadm -C
	$D sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'
}

# Another program deletes a service while the table is read: the read goes
# on without it and names it. ipvs_vanish (tests/bench/) reads the table as
# lvsagent does and deletes fwmark 72 itself between the service dump and
# the destination dumps, the moment that cannot be hit by timing alone.
test_service_deleted_while_read() {
	for mark in 71 72 73; do
		$D ipvsadm -A -f $mark -s rr
		$D ipvsadm -a -f $mark -r 10.10.10.$mark -g
	done
	check "the read with fwmark 72 deleted half-way succeeds" \
		sh -c "$IP netns exec $NS ipvs_vanish 72 >/tmp/vanish.out"
	same "what it read is the kernel's table, without the deleted service" "$(table)" \
		sed '/^gone: /d' /tmp/vanish.out
	same "... which it names" "gone: fwmark 72" grep '^gone: ' /tmp/vanish.out
	$D ipvsadm -C
}

# Like ipvsadm -Ln and director save, status shows the table without a
# configuration: the default file missing, nothing is managed. A file
# named with -c that is missing stays an error.
test_status_without_configuration() {
	$D ipvsadm -A -t 10.9.9.9:80 -s rr
	$D ipvsadm -a -t 10.9.9.9:80 -r 10.10.10.11 -g
	check "(the default configuration does not exist here)" \
		sh -c '! test -e /etc/lvsagent/lvsagent.conf'
	check "director status without a configuration: exit 0" $D lvsagent director status
	same "... listing the table as ipvsadm -Ln does" "$($D ipvsadm -Ln)" status_listing
	matches "... every service not managed" '^  - +tcp 10.9.9.9:80 +not managed$' \
		$D lvsagent director status
	contains "... and saying why" "no configuration (/etc/lvsagent/lvsagent.conf does not exist): nothing is managed" \
		$D lvsagent director status
	contains "--json too" '"configuration":null' $D lvsagent director status --json
	refused "a missing file named with -c: exit 2" 2 $D lvsagent -c /tmp/nosuch.conf director status
	contains "... naming it" "/tmp/nosuch.conf: cannot read the configuration" \
		$D lvsagent -c /tmp/nosuch.conf director status
	refused "apply without a configuration: still exit 2" 2 $D lvsagent director apply
	$D ipvsadm -C
}

test_high_fwmarks
test_script_defaults
test_status_without_configuration
test_service_deleted_while_read
test_persistence_engine
test_import_from_kernel
finish t_director_adopt
