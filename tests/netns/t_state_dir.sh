# The state directory, as a local attacker would meet it: a state_dir that
# another user could have made or can write is refused (exit 2, nothing
# changed); symlinks planted in it are never followed; a state file lvsagent
# could not have written is not acted on; reload signals only the process
# that really holds the daemon's lock; status never takes a lock the daemon
# needs; a state_dir that is a file is a configuration error; --wait.
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
chmod 755 "$TMP"
snapshot >"$TMP/before"

# with_state_dir DIR [LINES...]: the lab's config with another state_dir.
with_state_dir() {
	local dir=$1
	shift
	write_config "$conf" "vip = $VIP4" "interfaces = eth0" "$@"
	sed -i "s|^state_dir = .*|state_dir = $dir|" "$conf"
}
refused_dir() {
	local what=$1 why=$2
	run_agent "$TMP/out" "$TMP/err" -c "$conf" start
	expect_eq "$what: exit 2" 2 "$RC"
	check "... with FILE:LINE and why" grep -q "^$conf:2: state_dir .*$why" "$TMP/err"
	expect_same_snapshot "... and nothing changed" "$TMP/before"
}

# --- who may have made the directory ------------------------------------------
mkdir -p "$TMP/open" "$TMP/theirs"
chmod 777 "$TMP/open"			# world-writable, not sticky
chown nobody "$TMP/theirs"
with_state_dir "$TMP/open/lvsx"
refused_dir "state_dir under a world-writable directory" "$TMP/open is writable by others"
with_state_dir "$TMP/theirs/lvsx"
refused_dir "state_dir under another user's directory" "$TMP/theirs is owned by uid"
mkdir -p "$TMP/mine" && chmod 775 "$TMP/mine"
with_state_dir "$TMP/mine"
refused_dir "a group-writable state_dir" "$TMP/mine is writable by its group"
ln -s "$TMP/theirs" "$TMP/link"
with_state_dir "$TMP/link/lvsx"
refused_dir "a symlink to another user's directory" "$TMP/theirs is owned by uid"
touch "$TMP/afile"
with_state_dir "$TMP/afile"
refused_dir "a state_dir that is a regular file" "$TMP/afile is not a directory"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "status refuses it too: exit 2" 2 "$RC"
check "check-config says so" sh -c "ip netns exec $NS_RS $LVSAGENT -c $conf check-config 2>&1 |
	grep -q 'is not a directory'"
mkdir -p "$TMP/dynamic"
chown 61184 "$TMP/dynamic"	# the first uid systemd gives a DynamicUser= service
with_state_dir "$TMP/dynamic"
run_agent "$TMP/out" "$TMP/err" -c "$conf" status
expect_eq "root's status of the daemon's RuntimeDirectory (a dynamic user's): accepted" 3 "$RC"
mkdir -p "$TMP/sticky" && chmod 1777 "$TMP/sticky"
with_state_dir "$TMP/sticky/lvsx"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "under a root-owned sticky directory (like /tmp): accepted" 0 "$RC"
check "created 0755, owned by root" sh -c "[ \"\$(stat -c '%a %u' $TMP/sticky/lvsx)\" = '755 0' ]"
agent -c "$conf" stop >/dev/null

# --- symlinks planted in the directory -------------------------------------------
state=$TMP/state
with_state_dir "$state"
mkdir -p "$state"
echo "root only" >"$TMP/secret" && chmod 600 "$TMP/secret"
ln -s "$TMP/secret" "$state/.state.tmp"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "start with .state.tmp a symlink: exit 0" 0 "$RC"
expect_eq "the symlink's target is untouched" "root only" "$(cat "$TMP/secret")"
check "the state was written" grep -q "^addr $VIP4" "$state/state"
agent -c "$conf" stop >/dev/null
rm -f "$state"/lock "$state"/.state.tmp
ln -s "$TMP/secret" "$state/lock"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "the lock a symlink: refused (exit 1)" 1 "$RC"
expect_eq "... its target untouched" "root only" "$(cat "$TMP/secret")"
rm -f "$state/lock"
ln -s "$TMP/secret" "$state/daemon.pid"
RC=0	# (a daemon that followed the link would run on: time it out)
timeout 5 ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" run >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_eq "daemon.pid a symlink: run refuses (exit 1)" 1 "$RC"
expect_eq "... and does not truncate its target" "root only" "$(cat "$TMP/secret")"
rm -f "$state/daemon.pid"
expect_same_snapshot "nothing was left on the host" "$TMP/before"

# --- a state file lvsagent could not have written ----------------------------------
in_rs ip addr add 203.0.113.99/32 dev lo label lo:keepalived
snapshot >"$TMP/keepalived"
printf 'addr 203.0.113.99\nroute 203.0.113.99\nsysctl all arp_ignore 8 1\nsysctl ../../../kernel arp_ignore 0 1\n' \
	>"$state/state"
rs_sysctl_set all arp_ignore 1
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop
expect_eq "stop with a forged state: exit 0" 0 "$RC"
check "the address labelled lo:keepalived stays" \
	sh -c "ip -n $NS_RS addr show dev lo | grep -q '203.0.113.99/32 scope global lo:keepalived'"
expect_eq "all.arp_ignore is not set to the forged 8" 1 "$(rs_sysctl_get all arp_ignore)"
check "stop says it ignored what lvsagent could not have written" \
	grep -q "ignored 2 lines lvsagent could not have written" "$TMP/err"
rs_sysctl_set all arp_ignore 0
in_rs ip addr del 203.0.113.99/32 dev lo
rm -f "$state/state"

# --- reload and the daemon's pid ------------------------------------------------------
sleep 30 &
victim=$!
flock "$state/daemon.pid" sleep 30 &
holder=$!
for _ in $(seq 50); do grep -q "FLOCK  ADVISORY  WRITE $holder " /proc/locks && break; sleep 0.05; done
echo "$victim" >"$state/daemon.pid"
run_agent "$TMP/out" "$TMP/err" -c "$conf" reload
expect_eq "reload with daemon.pid naming another process than the lock's holder: exit 1" 1 "$RC"
check "... says no daemon runs" grep -q "no lvsagent daemon is running" "$TMP/err"
check "... and signalled nobody" kill -0 "$victim"
check "... (the holder neither)" kill -0 "$holder"
kill "$victim" "$holder" 2>/dev/null
wait "$victim" "$holder" 2>/dev/null || true
rm -f "$state/daemon.pid"

# --- status never locks what the daemon needs ---------------------------------------------
flock -s "$state/daemon.pid" sleep 0.6 &
sharer=$!
sleep 0.1
ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" run >/dev/null 2>"$TMP/daemon.log" &
daemon=$!
for _ in $(seq 100); do grep -q "running:" "$TMP/daemon.log" && break; sleep 0.05; done
check "run waits out a process that only shares daemon.pid's lock" grep -q "running:" "$TMP/daemon.log"
check "... instead of 'already running (pid 0)'" sh -c "! grep -q 'already running' $TMP/daemon.log"
wait "$sharer" 2>/dev/null || true
in_rs strace -f -qq -e trace=flock -o "$TMP/status.trace" "$LVSAGENT" -c "$conf" status >/dev/null || true
check "status takes no lock at all" sh -c "! grep -q flock $TMP/status.trace"
check "and still sees the daemon" sh -c "ip netns exec $NS_RS $LVSAGENT -c $conf status |
	grep -qx 'daemon  running (pid $daemon)'"
kill -TERM "$daemon"
wait "$daemon" 2>/dev/null || true

# --- --wait -------------------------------------------------------------------------------
flock "$state/lock" sleep 1 &
locker=$!
for _ in $(seq 50); do grep -q "FLOCK  ADVISORY  WRITE $locker " /proc/locks && break; sleep 0.05; done
run_agent "$TMP/out" "$TMP/err" -c "$conf" start
expect_eq "another run holds the lock: start fails at once (exit 1)" 1 "$RC"
check "... and says so" grep -q "another lvsagent is changing this host" "$TMP/err"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start --wait=0.2
expect_eq "--wait=0.2 gives up (exit 1)" 1 "$RC"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start --wait=5
expect_eq "--wait=5 waits for it and starts (exit 0)" 0 "$RC"
check "... the VIP is there" sh -c "ip -n $NS_RS addr show dev lo | grep -q '$VIP4/32'"
wait "$locker" 2>/dev/null || true
run_agent "$TMP/out" "$TMP/err" -c "$conf" stop --wait
expect_eq "--wait without a limit (nothing to wait for)" 0 "$RC"
run_agent "$TMP/out" "$TMP/err" -c "$conf" start --wait=soon
expect_eq "--wait=soon is a usage error (exit 2)" 2 "$RC"
expect_same_snapshot "the host is as before" "$TMP/before"
finish
