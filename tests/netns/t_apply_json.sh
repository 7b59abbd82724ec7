# apply/stop for automation: --check changes nothing, "changed" is honest,
# --json prints exactly one valid JSON object, --diff shows the VIP lines,
# and the config can come from stdin.
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
write_config "$conf" "vip = $VIP4, $VIP6" "interfaces = eth0"
snapshot >"$TMP/before"

# json_field FILE EXPR: evaluate a Python expression over the JSON in FILE
# (as d); fails unless the file is exactly one JSON object.
json_field() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null ||
		echo "(not one JSON object: $(head -c 200 "$1"))"
}

run_agent "$TMP/out" "$TMP/err" -c "$conf" apply --check --json
expect_eq "apply --check exits 0" 0 "$RC"
expect_eq "apply --check: changed true" True "$(json_field "$TMP/out" 'd["changed"]')"
expect_eq "apply --check lists the 10 changes" 10 "$(json_field "$TMP/out" 'len(d["changes"])')"
expect_same_snapshot "apply --check changes nothing" "$TMP/before"
check "apply --check takes no lock and writes no state" test ! -e "$TMP/state"

run_agent "$TMP/out" "$TMP/err" -c "$conf" apply --check --diff --json
expect_eq "--diff: the after view has the VIP line" True \
	"$(json_field "$TMP/out" "'vip $VIP4/32 dev lo' in d['diff']['after'] and 'vip' not in d['diff']['before']")"
run_agent "$TMP/out" "$TMP/err" -c "$conf" apply --check --diff
check "--diff in text shows +vip lines" grep -qx "+vip $VIP6/128 dev lo" "$TMP/out"
check "and -/+ for sysctls" grep -qx -- "-sysctl net.ipv4.conf.all.arp_ignore = 0" "$TMP/out"

run_agent "$TMP/out" "$TMP/err" -c "$conf" apply --json
expect_eq "apply: changed true" True "$(json_field "$TMP/out" 'd["changed"]')"
expect_eq "apply: failed false" False "$(json_field "$TMP/out" 'd["failed"]')"
expect_eq "apply: one change is the IPv4 VIP" \
	"[{'action': 'add', 'kind': 'vip', 'target': '$VIP4/32', 'before': None, 'after': 'vip $VIP4/32 dev lo'}]" \
	"$(json_field "$TMP/out" "[c for c in d['changes'] if c['kind']=='vip' and '.' in c['target']]")"
expect_eq "apply --json prints exactly one line" 1 "$(wc -l <"$TMP/out")"
snapshot >"$TMP/applied"
run_agent "$TMP/out" "$TMP/err" -c "$conf" apply --json
expect_eq "second apply: changed false" False "$(json_field "$TMP/out" 'd["changed"]')"
expect_eq "second apply: no changes" 0 "$(json_field "$TMP/out" 'len(d["changes"])')"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop --check --json
expect_eq "stop --check: changed true" True "$(json_field "$TMP/out" 'd["changed"]')"
expect_same_snapshot "stop --check changes nothing" "$TMP/applied"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop --json
expect_eq "stop: changed true" True "$(json_field "$TMP/out" 'd["changed"]')"
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop --json
expect_eq "second stop: changed false" False "$(json_field "$TMP/out" 'd["changed"]')"
expect_same_snapshot "the namespace is identical to the start" "$TMP/before"

RC=0
agent -c - apply --json <"$conf" >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_eq "config from stdin (-c -): applied" True "$(json_field "$TMP/out" 'd["changed"]')"
agent -c - stop <"$conf" >/dev/null
printf '[realserver]\nvip = 1.2.3\n' >"$TMP/stdin.conf"
RC=0
agent -c - check-config <"$TMP/stdin.conf" >/dev/null 2>"$TMP/err" || RC=$?
expect_eq "a bad config on stdin: exit 2" 2 "$RC"
check "named <stdin> with its line" grep -q '^<stdin>:2: vip "1.2.3": not an IP address' "$TMP/err"

run_agent "$TMP/out" "$TMP/err" -c "$conf" status --json
expect_eq "status --json: not applied" "not applied 3" \
	"$(json_field "$TMP/out" 'd["status"], d["exit_code"]' | tr -d "(),'")"
expect_eq "status --json exit code 3" 3 "$RC"
finish
