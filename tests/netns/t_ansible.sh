# The Ansible way: the example playbook (etc/ansible) run for real with
# Debian's ansible-core, connection local, inside the real server's
# namespace: the first run changes, the second does not, --check reports
# and changes nothing, --diff shows the VIP lines, a running daemon is
# reloaded, state=absent withdraws, a bad configuration fails the play.
. "$(dirname "$0")/lib.sh"
lab_rs_only
here=$(cd "$(dirname "$0")/../../etc/ansible" && pwd)
export HOME=$TMP ANSIBLE_LOCAL_TEMP=$TMP/ansible-tmp ANSIBLE_LIBRARY=$here/library \
	ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0 \
	ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
conf=$TMP/lvsagent.conf
snapshot >"$TMP/before"

# play [VIPS-JSON] [ARGS...]: runs the playbook; the recap's counts in
# $CHANGED / $FAILED, its exit code in $RC, its output in $TMP/play.out.
play() {
	local vips=$1
	shift
	RC=0
	ip netns exec "$NS_RS" ansible-playbook -i localhost, -c local "$here/playbook.yml" \
		-e lvsagent_hosts=localhost -e lvsagent_become=false \
		-e "lvsagent_binary=$LVSAGENT" -e "lvsagent_config=$conf" \
		-e "lvsagent_state_dir=$TMP/state" -e "{\"lvsagent_vips\": $vips}" \
		-e '{"lvsagent_interfaces": ["eth0"]}' "$@" >"$TMP/play.out" 2>&1 || RC=$?
	CHANGED=$(sed -n 's/^localhost *:.* changed=\([0-9]*\).*/\1/p' "$TMP/play.out")
	FAILED=$(sed -n 's/^localhost *:.* failed=\([0-9]*\).*/\1/p' "$TMP/play.out")
}
show_play() { sed 's/^/        | /' "$TMP/play.out" | tail -25; }

two="[\"$VIP4\", \"$VIP6\"]"
three="[\"$VIP4\", \"$VIP6\", \"10.77.0.101\"]"

play "$two" --check
check "--check on a clean host: the play reports changes" test "${CHANGED:-0}" -gt 0
expect_same_snapshot "--check changed nothing" "$TMP/before"
check "and wrote no configuration" test ! -e "$conf"

play "$two"
expect_eq "first run: exit 0" 0 "$RC"
check "first run: changed" test "${CHANGED:-0}" -ge 2 || show_play
check "the VIPs are on lo" sh -c "ip -n $NS_RS addr show dev lo | grep -q '$VIP4/32' &&
	ip -n $NS_RS addr show dev lo | grep -q '$VIP6/128'"
check "the module reported lvsagent's changes" grep -q "Converge the real server" "$TMP/play.out"

play "$two"
expect_eq "second run: nothing changed (ok only)" "0 0" "$CHANGED $FAILED"
[ "$CHANGED" = 0 ] || show_play

snapshot >"$TMP/applied"
play "$three" --check --diff
check "--check with a new VIP reports the change" test "${CHANGED:-0}" -gt 0
check "--diff shows the new VIP line" grep -q "^+vip 10.77.0.101/32 dev lo" "$TMP/play.out"
check "--diff shows the template's line too" grep -q "^+vip = 10.77.0.101" "$TMP/play.out"
expect_same_snapshot "--check changed nothing on the host" "$TMP/applied"
check "nor the configuration file" sh -c "! grep -q 10.77.0.101 $conf"

play "$three"
check "a run with the new VIP adds it" sh -c "ip -n $NS_RS addr show dev lo | grep -q '10.77.0.101/32'"
play "$three"
expect_eq "and the next run is unchanged" "0 0" "$CHANGED $FAILED"

# Under the daemon: the template changes, the handler reloads the daemon,
# the module finds the host converged.
ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" run >/dev/null 2>"$TMP/daemon.log" &
daemon=$!
for _ in $(seq 50); do grep -q "running:" "$TMP/daemon.log" && break; sleep 0.1; done
play "$two"
expect_eq "with the daemon: the play succeeds" "0 0" "$RC ${FAILED:-x}"
check "the handler reloaded the daemon" grep -q "RUNNING HANDLER \[Reload lvsagent\]" "$TMP/play.out"
check "the daemon removed the dropped VIP" sh -c "! ip -n $NS_RS addr show dev lo | grep -q '10.77.0.101'"
play "$two"
expect_eq "with the daemon, the next run is unchanged" "0 0" "$CHANGED $FAILED"
kill -TERM "$daemon"
wait "$daemon" || true

play "$two"
play "$two" -e lvsagent_state=absent
check "state=absent: changed" test "${CHANGED:-0}" -gt 0
expect_same_snapshot "state=absent: the host is as before" "$TMP/before"

# The plain ansible.builtin.command pattern from the README.
command_play() {
	RC=0
	ip netns exec "$NS_RS" ansible-playbook -i localhost, -c local "$here/playbook-command.yml" \
		-e lvsagent_hosts=localhost -e lvsagent_become=false \
		-e "lvsagent_binary=$LVSAGENT" -e "lvsagent_config=$conf" "$@" >"$TMP/play.out" 2>&1 || RC=$?
	CHANGED=$(sed -n 's/^localhost *:.* changed=\([0-9]*\).*/\1/p' "$TMP/play.out")
}
command_play --check
check "command pattern, --check: changed reported" test "${CHANGED:-0}" -eq 1
expect_same_snapshot "and nothing changed" "$TMP/before"
command_play
check "command pattern: changed" test "${CHANGED:-0}" -eq 1
command_play
expect_eq "command pattern, second run: unchanged" "0 0" "$RC $CHANGED"
agent -c "$conf" stop >/dev/null
check "the module's documentation is valid for ansible-doc" \
	ansible-doc -M "$here/library" lvsagent

play '["10.77.0.300"]'
check "a bad VIP fails the play" test "$RC" -ne 0 -a "${FAILED:-0}" -gt 0
check "with lvsagent's file:line message" grep -q 'vip \\"10.77.0.300\\": not an IP address' "$TMP/play.out"
expect_same_snapshot "and the host is untouched" "$TMP/before"
finish
