#!/bin/sh
# The HTTP/HTTPS health-check benchmark, inside the test VM
# (tests/bench/http_checks.sh boots it): lvsagent's director daemon and
# keepalived's checker checking the same real servers, one after the other
# on the same emulated CPU, in the order ORDER (lvsagent keepalived
# lvsagent): COUNT real servers with HTTP checks every INTERVAL_MS
# (service 10.100.0.1:80) and TLS_COUNT of the same addresses with HTTPS
# every TLS_INTERVAL_MS (service 10.100.0.2:443), the issue's 1000 every 2 s
# and 200 every 5 s: 540 checks a second.
#
# The lab (vm_checks_lib.sh): the COUNT addresses on the backend, with
# two listeners (build/tools/check_listener): http on 0.0.0.0:80 and https
# on 0.0.0.0:443, with a self-signed ECDSA P-256 certificate made here
# (ECDSA, not RSA: an RSA-2048 signature per handshake costs the listener
# tens of ms under TCG, and both daemons skip verification anyway). Each
# notes when each check arrives and where, and answers "HTTP/1.0 200 OK".
# lvsagent: check = http / https (libcurl), keepalived: HTTP_GET / SSL_GET
# with status_code 200, the same timeout, retry fall - 1 (as vm_checks.sh
# explains) and inhibit_on_failure.
#
# Each run: the daemon starts; once every real server of both services is
# up and SETTLE seconds have passed, a window of WINDOW seconds: CPU
# (utime + stime of every process in the director namespace), the
# listeners' figures, then the peak RSS (VmHWM, summed). No detection
# rounds: vm_checks.sh measures those, and a dead host is the same for
# every check type.
#
# Settings, from the kernel command line (lvschecks.NAME=VALUE): scale
# (the issue's counts divided by it: 10 unless told, see below), count,
# interval_ms, tls_count, tls_interval_ms, timeout_ms, fall, rise, window,
# settle, order (comma separated), diag (1: a perf profile of each daemon,
# when http_checks.sh could copy perf in). A WARNING line says when the VM
# fell behind (checks arriving slower than configured, or rounds missed).
#
# Why scale 10 (100 real servers over HTTP, 20 over HTTPS, 54 checks/s):
# under TCG an HTTP check costs about 1.5 ms of emulated CPU, an HTTPS one
# tens of ms for either daemon (lvsagent's: libcurl 7.88 makes an OpenSSL
# 3.0 SSL_CTX per connection, see README), and each daemon checks from one
# thread: at scale=1 (540/s) keepalived got 111 checks/s through, 8 ms of
# CPU each, and lvsagent's checks timed out before any real server came
# up. The intervals stay the issue's, so the drift bounds do too.
. /tests/lib.sh
. /tests/vm_checks_lib.sh

SCALE=$(param scale 10)
COUNT=$(param count $((1000 / SCALE)))
INTERVAL_MS=$(param interval_ms 2000)
TLS_COUNT=$(param tls_count $((200 / SCALE)))
TLS_INTERVAL_MS=$(param tls_interval_ms 5000)
TIMEOUT_MS=$(param timeout_ms 1000)
FALL=$(param fall 3)
RISE=$(param rise 2)
WINDOW=$(param window 30)
SETTLE=$(param settle 5)
ORDER=$(param order lvsagent,keepalived,lvsagent)
DIAG=$(param diag "")
VIP=10.100.0.1 TLS_VIP=10.100.0.2
INTERVAL=$(seconds "$INTERVAL_MS")
TLS_INTERVAL=$(seconds "$TLS_INTERVAL_MS")
TIMEOUT=$(seconds "$TIMEOUT_MS")
WANT=$(awk -v a="$COUNT" -v i="$INTERVAL_MS" -v b="$TLS_COUNT" -v j="$TLS_INTERVAL_MS" \
	'BEGIN { printf "%g", a * 1000 / i + b * 1000 / j }')

# --- the lab ------------------------------------------------------------------------

http_lab() {
	[ "$TLS_COUNT" -le "$COUNT" ] || { echo "FAIL tls_count above count"; return 1; }
	lab_up "$COUNT" || return 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=bench -keyout /tmp/bench.key -out /tmp/bench.crt >/tmp/openssl.out 2>&1 ||
		{ cat /tmp/openssl.out; return 1; }
	# Not in_ns: a function in the background is a subshell, and $! its pid.
	$IP netns exec backend check_listener 80 "$INTERVAL_MS" http >/tmp/http.out 2>&1 &
	HTTP_LISTENER=$!
	$IP netns exec backend check_listener 443 "$TLS_INTERVAL_MS" https /tmp/bench.crt \
		/tmp/bench.key >/tmp/https.out 2>&1 &
	HTTPS_LISTENER=$!
}

# --- the two configurations ----------------------------------------------------------

# lvsagent_service NAME CHECK VIP PORT INTERVAL N
lvsagent_service() {
	printf '\n[service %s]\nvirtual = tcp %s:%s\nscheduler = wlc\ncheck = %s\n' "$1" "$3" "$4" "$2"
	printf 'check_interval = %s\ncheck_timeout = %s\nrise = %s\nfall = %s\n' \
		"$5" "$TIMEOUT" "$RISE" "$FALL"
	all_addrs "$6" | sed "s/.*/realserver = &:$4 method=dr/"
}
lvsagent_conf() {
	printf '[agent]\nstate_dir = /run/lvsagent-checks\n'
	lvsagent_service web http "$VIP" 80 "$INTERVAL" "$COUNT"
	lvsagent_service tls https "$TLS_VIP" 443 "$TLS_INTERVAL" "$TLS_COUNT"
}

# keepalived_service CHECKER VIP PORT INTERVAL N: HTTP_GET or SSL_GET.
keepalived_service() {
	printf 'virtual_server %s %s {\n    delay_loop %s\n    lb_algo wlc\n' "$2" "$3" "$4"
	printf '    lb_kind DR\n    protocol TCP\n'
	all_addrs "$5" | awk -v c="$1" -v p="$3" -v t="$TIMEOUT" -v r="$((FALL - 1))" -v d="$4" '{
		printf "    real_server %s %s {\n        weight 1\n        inhibit_on_failure\n", $1, p
		printf "        %s {\n            url {\n                path /\n", c
		printf "                status_code 200\n            }\n"
		printf "            connect_timeout %s\n", t
		printf "            retry %s\n            delay_before_retry %s\n        }\n    }\n", r, d
	}'
	printf '}\n'
}
keepalived_conf() {
	printf 'global_defs {\n    router_id bench\n}\n'
	keepalived_service HTTP_GET "$VIP" 80 "$INTERVAL" "$COUNT"
	keepalived_service SSL_GET "$TLS_VIP" 443 "$TLS_INTERVAL" "$TLS_COUNT"
}

every_up() {
	[ "$(up_count "$VIP:80")" -eq "$COUNT" ] && [ "$(up_count "$TLS_VIP:443")" -eq "$TLS_COUNT" ]
}

# --- one run --------------------------------------------------------------------------

# service_lines TAG KIND FILE WANT INTERVAL_MS: the BENCH lines of one
# listener's window; appends "TAG KIND RATE GAP_P99" to /tmp/drift.all.
service_lines() {
	sed "s/^/BENCH     $2 at the listener: /" "$3"
	rate=$(sed -n 's/^arrivals.*(\([0-9.]*\)\/s)$/\1/p' "$3")
	p99=$(sed -n 's/^gap .* p99 \([-0-9.]*\) ms.*/\1/p' "$3")
	skipped=$(awk '$1 == "skipped" { print $2 }' "$3")
	got=$(awk '$1 == "arrivals" { print $2 }' "$3")
	echo "$1 $2 ${rate:-0} ${p99:--}" >>/tmp/drift.all
	echo "BENCH     $2: ${rate:-0} checks/s arrived, $4/s configured; interval p99 ${p99:--} ms from $5 ms (bound $(($5 / 20)) ms)"
	# Checks that never arrived, or arrive slower than configured: the
	# emulated CPU did not keep up, and the figures measure the VM.
	awk -v r="${rate:-0}" -v want="$4" -v s="${skipped:-0}" -v n="${got:-0}" \
		'BEGIN { exit !(r < 0.95 * want || s > n / 100) }' &&
		echo "BENCH     WARNING: $2: ${rate:-0} checks/s arrived (configured: $4/s), ${skipped:-0} rounds missed: the VM did not keep up, these figures measure its overload"
	return 0
}

# run NAME N: one measured run of daemon NAME, the N-th run.
run() {
	name=$1 tag=$1.$2
	start_daemon "$name" "$2"
	if ! wait_for 90 every_up; then
		echo "FAIL $tag: $(up_count "$VIP:80") of $COUNT http and $(up_count "$TLS_VIP:443") of $TLS_COUNT https real servers up after 90 s; its log ends:"
		tail -n 20 "/tmp/$tag.log" | sed 's/^/     | /'
		failures="$failures
  $tag: not all up"
		stop_daemon
		return 1
	fi
	sleep "$SETTLE"
	pids=$(daemon_pids)
	measure "$pids" "$HTTP_LISTENER $HTTPS_LISTENER"
	listener_report "$HTTP_LISTENER" /tmp/http.out >"/tmp/http.$tag"
	listener_report "$HTTPS_LISTENER" /tmp/https.out >"/tmp/https.$tag"
	hwm=$(hwm_kib $pids)
	profile "$tag" $pids
	nproc=$(echo $pids | wc -w)
	stop_daemon
	arrivals=$(cat "/tmp/http.$tag" "/tmp/https.$tag" | awk '$1 == "arrivals" { n += $2 } END { print n + 0 }')
	rate=$(cat "/tmp/http.$tag" "/tmp/https.$tag" | sed -n 's/^arrivals.*(\([0-9.]*\)\/s)$/\1/p' | awk '{ r += $1 } END { printf "%.1f", r }')
	cpu=$(per_min $((U + S)))
	per_check=$(awk -v t=$((U + S)) -v n="$arrivals" -v hz=$HZ 'BEGIN { printf "%.0f", (n ? t / hz * 1e6 / n : 0) }')
	wake=$(awk -v w="$W" -v n="$arrivals" 'BEGIN { printf "%.2f", (n ? w / n : 0) }')
	echo "$name $cpu $(per_min "$U") $per_check $hwm" >>/tmp/cpu.all
	echo "BENCH   $tag: $nproc process(es)"
	echo "BENCH     CPU        $cpu s per minute of checking (user $(per_min "$U") + system $(per_min "$S"); /proc/PID/stat over $WINDOW s), $per_check us per check arriving at the listeners; the VM's 2 CPUs ${BUSY}% busy, the listeners $(per_min "$L") s/min"
	echo "BENCH     wake-ups   $W context switches in the window, $wake per check"
	echo "BENCH     peak RSS   $hwm KiB (VmHWM, summed; target: under 32768)"
	echo "BENCH     probes     $rate/s at the listeners, $WANT/s configured"
	service_lines "$tag" http "/tmp/http.$tag" "$((COUNT * 1000 / INTERVAL_MS))" "$INTERVAL_MS"
	service_lines "$tag" https "/tmp/https.$tag" \
		"$(awk -v n="$TLS_COUNT" -v i="$TLS_INTERVAL_MS" 'BEGIN { printf "%g", n * 1000 / i }')" "$TLS_INTERVAL_MS"
}

# --- main ---------------------------------------------------------------------------------

http_lab || { echo "FAIL the lab could not be built"; exit 1; }
lvsagent_conf >/tmp/lvsagent.conf
keepalived_conf >/tmp/keepalived.conf
: >/tmp/cpu.all
: >/tmp/drift.all
echo "BENCH http checks: $COUNT real servers, HTTP every $INTERVAL s; $TLS_COUNT of them, HTTPS every $TLS_INTERVAL s; timeout $TIMEOUT s, fall $FALL ($WANT checks/s; keepalived: HTTP_GET and SSL_GET, status_code 200, delay_loop as the interval, retry $((FALL - 1)))"
echo "BENCH   drift bound (5 % of the interval): $((INTERVAL_MS / 20)) ms (http), $((TLS_INTERVAL_MS / 20)) ms (https)"
n=0
for name in $ORDER; do
	n=$((n + 1))
	run "$name" "$n"
done

agent=$(mean_of lvsagent 2) keep=$(mean_of keepalived 2)
cagent=$(mean_of lvsagent 4) ckeep=$(mean_of keepalived 4)
if [ -n "$agent" ] && [ -n "$keep" ]; then
	echo "BENCH   CPU ratio lvsagent / keepalived: $(ratio "$agent" "$keep") per minute (target <= 0.5), $(ratio "$cagent" "$ckeep") per check"
fi
kill "$HTTP_LISTENER" "$HTTPS_LISTENER"
finish vm_http_checks
