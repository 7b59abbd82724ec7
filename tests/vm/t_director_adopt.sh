#!/bin/sh
# Adoption without loss (runs in the VM): what the kernel's table holds —
# marks of the upper half, persistence engines, real-server thresholds —
# comes through save, status, import and apply unchanged, the same as
# ipvsadm shows it; a table read while another tool deletes a service;
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

test_high_fwmarks
finish t_director_adopt
