#!/bin/sh
# The director's table against a real kernel IPVS (runs in the VM):
# config → kernel (ipvsadm -Sn, line for line), save, import, idempotence,
# changes in place, removal, owned versus all, refusals, ip_forward, stop.
# Everything runs in a namespace of its own: IPVS tables are per namespace.
. /tests/lib.sh

NS=dirt
lab_ns $NS || exit 1
D="in_ns $NS"
STATE=/run/lvsagent-dirt
CONF=/tmp/director.conf

# The issue's example, every protocol, fwmark (IPv4 and IPv6), dr/tun/nat,
# tunnel options, persistence with masks, flags, weights and thresholds.
write_config() {
	cat >$CONF <<EOF
[agent]
state_dir = $STATE

[director]
manage = ${MANAGE:-owned}

[service web]
virtual = tcp 192.168.101.168:80
scheduler = rr
flags = flag-1
realserver = 10.10.10.11:80 method=dr weight=${WEB_WEIGHT:-2}
realserver = 10.10.10.12 method=tun tun_type=gue tun_port=6080 tun_csum=remcsum
realserver = 10.10.10.13:8080 method=nat weight=0 u_threshold=100 l_threshold=10

[service dns6]
virtual = udp [2001:db8::10]:53
scheduler = sh
flags = sh-port, sh-fallback, one-packet
persistence = 300
netmask = 64
realserver = [2001:db8::11]:53 method=tun tun_type=gre tun_csum=csum

[service marked]
virtual = fwmark 7
scheduler = mh
persistence = 60
netmask = 255.255.255.0
flags = mh-port
realserver = 10.10.10.11 method=dr

[service marked6]
virtual = fwmark 8 ipv6
scheduler = ${MARKED6_SCHEDULER:-wrr}
realserver = 2001:db8::21 method=tun weight=3
realserver = 2001:db8::22 method=tun tun_type=ipip weight=4

[service diameter]
virtual = sctp 192.0.2.5:3868
realserver = 10.10.10.14:3868 method=nat
EOF
	[ -z "${EXTRA:-}" ] || printf '%s\n' "$EXTRA" >>$CONF
}

# What ipvsadm 1.31 prints for that table (captured from ipvsadm itself).
EXPECTED='-A -t 192.168.101.168:80 -s rr -b flag-1
-a -t 192.168.101.168:80 -r 10.10.10.11:80 -g -w 2
-a -t 192.168.101.168:80 -r 10.10.10.12:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum
-a -t 192.168.101.168:80 -r 10.10.10.13:8080 -m -w 0
-A --sctp-service 192.0.2.5:3868 -s wlc
-a --sctp-service 192.0.2.5:3868 -r 10.10.10.14:3868 -m -w 1
-A -u [2001:db8::10]:53 -s sh -p 300 -M 64 -o -b sh-fallback,sh-port
-a -u [2001:db8::10]:53 -r [2001:db8::11]:53 -i -w 1 --tun-type gre --tun-csum
-A -f 7 -s mh -p 60 -M 255.255.255.0 -b mh-port
-a -f 7 -r 10.10.10.11:0 -g -w 1
-A -f 8 -6 -s wrr
-a -f 8 -6 -r [2001:db8::21]:0 -i -w 3 --tun-type ipip
-a -f 8 -6 -r [2001:db8::22]:0 -i -w 4 --tun-type ipip'

agent() { $D lvsagent -c $CONF "$@"; }
table() { $D ipvsadm -Sn; }
forwarding() { $D cat /proc/sys/net/ipv4/ip_forward; }

test_config_to_kernel() {
	write_config
	same "ip_forward is 0 in a new namespace" "0" forwarding
	check "apply --check exits 0" agent director apply --check
	same "apply --check changed nothing" "" table
	check "director apply exits 0" agent director apply
	same "ipvsadm -Sn shows exactly the configured table" "$EXPECTED" table
	same "director save prints what ipvsadm -Sn prints" "$(table)" agent director save
	same "ip_forward was set for the NAT real servers" "1" forwarding
	contains "a second apply changes nothing" '"changed":false' agent director apply --json
	same "the table is as it was" "$EXPECTED" table
	check "status: in place (exit 0)" agent director status
	same "status begins with ipvsadm -Ln's listing" "$($D ipvsadm -Ln)" \
		sh -c "$IP netns exec $NS lvsagent -c $CONF director status | head -n $($D ipvsadm -Ln | wc -l)"
	matches "status says which service is managed" '^  \[service web\] +tcp 192.168.101.168:80 +in place$' \
		agent director status
	contains "status --json: in place" '"in_place":true' agent director status --json
}

test_changes_in_place() {
	WEB_WEIGHT=5 write_config
	contains "a weight change is a SET_DEST" \
		'"action":"set","kind":"realserver","target":"tcp 192.168.101.168:80 -> 10.10.10.11:80","before":"method=dr weight=2","after":"method=dr weight=5"' \
		agent director apply --json
	contains "the new weight is in the kernel" "-r 10.10.10.11:80 -g -w 5" table
	WEB_WEIGHT=5 MARKED6_SCHEDULER=lc write_config
	contains "a scheduler change is a SET_SERVICE" '"action":"set","kind":"service","target":"fwmark 8 ipv6"' \
		agent director apply --json
	contains "the new scheduler is in the kernel" "-A -f 8 -6 -s lc" table
	refused "status after an outside change: drifted (exit 1)" 1 \
		sh -c "$IP netns exec $NS ipvsadm -e -t 192.168.101.168:80 -r 10.10.10.11:80 -g -w 9 &&
		       $IP netns exec $NS lvsagent -c $CONF director status"
	contains "apply puts the weight back" "weight=9" agent director apply
}

test_refusals() {
	WEB_WEIGHT=5 MARKED6_SCHEDULER=lc write_config
	before=$(table)
	cp $CONF /tmp/good.conf
	EXTRA='[service broken]
virtual = tcp 192.0.2.9:80
scheduler = nosuch
realserver = 10.10.10.30:80' WEB_WEIGHT=6 MARKED6_SCHEDULER=lc write_config
	refused "a scheduler the kernel lacks: exit 1" 1 agent director apply
	contains "... with the kernel's reason" "scheduler nosuch not found" agent director apply
	same "... and nothing else changed in that run" "$before" table
	# One bad line each, in a service that is otherwise right.
	for bad in "virtual = tcp 192.0.2.9:0|realserver = 10.10.10.30:80" \
		   "virtual = tcp 192.0.2.9:80|realserver = 10.10.10.30:80 weight=70000" \
		   "virtual = tcp 192.0.2.9:80|realserver = [2001:db8::1]:80" \
		   "virtual = tcp 192.0.2.9:80|realserver = 10.10.10.30:80 method=magic" \
		   "virtual = tcp 192.0.2.9:80|realserver = 10.10.10.30:80 method=dr tun_port=5" \
		   "virtual = tcp 192.0.2.9:80|persistence = -1" \
		   "virtual = tcp 192.0.2.9:80|flags = sh-turbo" \
		   "virtual = tcp 192.0.2.9:80|colour = red" \
		   "virtual = tcp 192.168.101.168:80|realserver = 10.10.10.30:80" \
		   "virtual = tcp 192.0.2.9:80|realserver = 0.0.0.0" \
		   "virtual = tcp 192.0.2.9:80|realserver = 10.10.10.30:80 weight=2 weight=3" \
		   "virtual = tcp 192.0.2.9:80|flags = sh-port"; do
		EXTRA="[service bad]
$(echo "$bad" | tr '|' '\n')" WEB_WEIGHT=7 write_config
		refused "refused with exit 2: $(echo "$bad" | sed 's/|/; /')" 2 agent director apply
		matches "... naming file and line" "^$CONF:[0-9]+: " agent director apply
	done
	same "bad input changed nothing" "$before" table
	cp /tmp/good.conf $CONF
}

test_ownership() {
	$D ipvsadm -A -t 10.9.9.9:80 -s rr
	$D ipvsadm -a -t 10.9.9.9:80 -r 10.10.10.99:80 -g
	$D ipvsadm -A -t 10.8.8.8:80 -s wlc
	EXTRA='[service adopted]
virtual = tcp 10.8.8.8:80
scheduler = wlc
realserver = 10.10.10.88:80' WEB_WEIGHT=5 MARKED6_SCHEDULER=lc write_config
	check "apply with hand-made services present" agent director apply
	contains "manage = owned: a hand-made service survives" "-A -t 10.9.9.9:80 -s rr" table
	matches "status shows it as not managed" '^  - +tcp 10.9.9.9:80 +not managed$' \
		agent director status
	contains "a hand-made service the config names is adopted" \
		"-a -t 10.8.8.8:80 -r 10.10.10.88:80 -g -w 1" table
	WEB_WEIGHT=5 MARKED6_SCHEDULER=lc write_config
	check "apply with [service diameter] dropped from the config" sh -c \
		"sed -i '/\[service diameter\]/,\$d' $CONF && $IP netns exec $NS lvsagent -c $CONF director apply"
	check "a service dropped from the config is removed" sh -c \
		"! $IP netns exec $NS ipvsadm -Sn | grep -q sctp"
	check "the adopted service, no longer named, is left alone" sh -c \
		"$IP netns exec $NS ipvsadm -Sn | grep -q -- '-A -t 10.8.8.8:80'"
	check "stop" agent director stop
	same "stop removed only what lvsagent created" "-A -t 10.8.8.8:80 -s wlc
-a -t 10.8.8.8:80 -r 10.10.10.88:80 -g -w 1
-A -t 10.9.9.9:80 -s rr
-a -t 10.9.9.9:80 -r 10.10.10.99:80 -g -w 1" table
	same "stop restored ip_forward" "0" forwarding
	check "stop left no state behind" sh -c "[ ! -e $STATE/director ]"
	MANAGE=all write_config
	check "manage = all" agent director apply
	same "manage = all: the whole table is the configuration's" "$EXPECTED" table
	check "stop under manage = all" agent director stop
	same "... empties the table" "" table
}

test_forwarding_kept() {
	$D sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
	write_config
	check "apply with ip_forward already on" agent director apply
	check "stop" agent director stop
	same "ip_forward, on before lvsagent, stays on" "1" forwarding
	$D sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'
}

test_import() {
	write_config
	agent director apply >/dev/null
	$D ipvsadm -Sn >/tmp/rules-Sn
	$D ipvsadm -S >/tmp/rules-S
	agent director stop >/dev/null
	contains "ipvsadm -S writes port names (the form import resolves)" ":http " cat /tmp/rules-S
	for form in -Sn -S; do
		{ printf '[agent]\nstate_dir = %s\n' $STATE
		  lvsagent director import </tmp/rules$form; } >/tmp/imported.conf
		check "import of ipvsadm $form output exits 0" \
			lvsagent -c /tmp/imported.conf check-config
		check "the imported config applies" $D lvsagent -c /tmp/imported.conf director apply
		same "... to the same table" "$(cat /tmp/rules-Sn)" table
		contains "... and a second apply changes nothing" '"changed":false' \
			$D lvsagent -c /tmp/imported.conf director apply --json
		$D lvsagent -c /tmp/imported.conf director stop >/dev/null
	done
	contains "import names the line it cannot read" "<stdin>:2:" \
		sh -c "printf -- '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.2:80 -r 10.0.0.3\n' |
		       lvsagent director import"
}

test_config_to_kernel
test_changes_in_place
test_refusals
test_ownership
test_forwarding_kept
test_import
finish t_director
