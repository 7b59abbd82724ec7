#!/bin/sh
# Checks that speak the service's protocol, under lvsagent director run:
# http (status, body, Host, a server that never answers), https (verify
# off and on, a CA file, SNI), dns, udp, exec (exit codes, a hung command,
# its user and descriptors), and one probe for two services checking the
# same real servers the same way.
. /tests/lib.sh

dr_lab_up || { echo "the lab could not be built"; exit 1; }
conf=/tmp/checks.conf
log=/tmp/checks.log
state=/run/lvsagent-checks

# --- the real servers' side ------------------------------------------------------

# rs1: a CGI whose answer /tmp/health-rs1 decides: 200, 503, "nobody" (a
# 200 without the wanted text) or "hang"; 400 unless Host is www.example.com.
# Every request is counted in /tmp/requests-rs1.
mkdir -p /tmp/www-rs1/cgi-bin
cat >/tmp/www-rs1/cgi-bin/health <<'EOF'
#!/bin/sh
echo x >>/tmp/requests-rs1
want=$(cat /tmp/health-rs1)
if [ "$HTTP_HOST" != www.example.com ]; then
	printf 'Status: 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nwrong host %s\n' "$HTTP_HOST"
elif [ "$want" = hang ]; then
	sleep 30
elif [ "$want" = nobody ]; then
	printf 'Content-Type: text/plain\r\n\r\nsomething else\n'
else
	printf 'Status: %s X\r\nContent-Type: text/plain\r\n\r\nOK\n' "$want"
fi
EOF
chmod +x /tmp/www-rs1/cgi-bin/health
echo 200 >/tmp/health-rs1
: >/tmp/requests-rs1
in_ns rs1 httpd -p 8080 -h /tmp/www-rs1

# rs2: https (openssl s_server, a self-signed certificate for
# www.example.com), dns (dnsmasq), udp (a responder saying pong).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=www.example.com \
	-addext subjectAltName=DNS:www.example.com -keyout /tmp/key.pem -out /tmp/cert.pem \
	>/dev/null 2>&1
in_ns rs2 openssl s_server -accept 8443 -cert /tmp/cert.pem -key /tmp/key.pem -www -quiet \
	>/tmp/s_server.log 2>&1 &
in_ns rs2 dnsmasq --no-daemon --port=53 --no-resolv --no-hosts --bind-interfaces \
	--listen-address=10.0.0.4 --address=/example.com/10.0.0.3 --user=root --pid-file= \
	>/tmp/dnsmasq.log 2>&1 &
in_ns rs2 socat UDP-RECVFROM:9999,fork SYSTEM:'echo pong' >/dev/null 2>&1 &

# exec: the script tells its user, arguments and descriptors, and exits as
# /tmp/exec-exit says ("hang": never).
mkdir -p /tmp/exec-out
chmod 777 /tmp/exec-out
cat >/tmp/check-exec <<'EOF'
#!/bin/sh
id -u >/tmp/exec-out/uid
echo "$1 $2" >/tmp/exec-out/args
ls /proc/self/fd >/tmp/exec-out/fds
code=$(cat /tmp/exec-exit)
[ "$code" = hang ] && sleep 31
exit "$code"
EOF
chmod 755 /tmp/check-exec
echo 0 >/tmp/exec-exit

cat >"$conf" <<EOF
[agent]
state_dir = $state

[director]
table_check_interval = 1

[service http]
virtual = tcp 10.0.0.100:80
check = http
check_interval = 1
check_timeout = 0.9
rise = 1
fall = 1
http_path = /cgi-bin/health
http_host = www.example.com
http_status = 200-299
http_body = OK
realserver = 10.0.0.3:8080 method=nat

[service http2]
virtual = tcp 10.0.0.101:80
check = http
check_interval = 1
check_timeout = 0.9
rise = 1
fall = 1
http_path = /cgi-bin/health
http_host = www.example.com
http_status = 200-299
http_body = OK
realserver = 10.0.0.3:8080 method=nat

[service tls]
virtual = tcp 10.0.0.100:443
check = https
check_interval = 1
check_timeout = 0.5
rise = 1
fall = 1
http_host = www.example.com
realserver = 10.0.0.4:8443 method=nat

[service tlsverify]
virtual = tcp 10.0.0.102:443
check = https
check_interval = 1
check_timeout = 0.5
rise = 1
fall = 1
http_host = www.example.com
https_verify = yes
realserver = 10.0.0.4:8443 method=nat

[service tlsca]
virtual = tcp 10.0.0.103:443
check = https
check_interval = 1
check_timeout = 0.5
rise = 1
fall = 1
http_host = www.example.com
https_verify = yes
https_ca = /tmp/cert.pem
realserver = 10.0.0.4:8443 method=nat

[service dns]
virtual = udp 10.0.0.100:53
check = dns
check_interval = 1
check_timeout = 0.5
rise = 1
fall = 1
dns_name = www.example.com
realserver = 10.0.0.4:53 method=dr

[service dnsunknown]
virtual = udp 10.0.0.101:53
check = dns
check_interval = 1
check_timeout = 0.5
rise = 1
fall = 1
dns_name = nosuch.test
realserver = 10.0.0.4:53 method=dr

[service udp]
virtual = udp 10.0.0.100:9999
check = udp
check_interval = 1
check_timeout = 0.5
rise = 1
fall = 1
udp_send = ping\n
udp_expect = pong
realserver = 10.0.0.4:9999 method=dr

[service exec]
virtual = tcp 10.0.0.100:3306
check = exec
check_interval = 1
check_timeout = 0.5
rise = 1
fall = 1
exec = /tmp/check-exec
exec_user = nobody
realserver = 10.0.0.3:3306 method=dr
EOF

# weight VIP:PORT ADDR:PORT [udp]: the weight ipvsadm lists ("none").
weight() {
	w=$(in_ns director ipvsadm -Ln "-${3:-t}" "$1" 2>/dev/null | awk -v a="$2" '$2 == a { print $4 }')
	echo "${w:-none}"
}
is() { [ "$(weight "$@")" = "$W" ]; }
up() { W=1 is "$@"; }
down() { W=0 is "$@"; }
said() { grep -q -- "$1" "$log"; }
# status_says TEXT: director status shows TEXT (a last check's result).
status_says() { in_ns director lvsagent -c "$conf" director status | grep -q -F -- "$1"; }

in_ns director lvsagent -c "$conf" director run >"$log" 2>&1 &
daemon=$!

check "http: 200 with the body: in rotation" within 6 up 10.0.0.100:80 10.0.0.3:8080
check "... Host is sent (the CGI answers 400 to any other)" up 10.0.0.100:80 10.0.0.3:8080
echo 503 >/tmp/health-rs1
check "http 503: out of rotation" within 4 down 10.0.0.100:80 10.0.0.3:8080
check "... the reason in HTTP's words" within 2 said "10.0.0.3:8080 down after 1 failed check (http 503)"
echo 200 >/tmp/health-rs1
check "http 200 again: back" within 4 up 10.0.0.100:80 10.0.0.3:8080
echo nobody >/tmp/health-rs1
check "a body without http_body: out" within 4 down 10.0.0.100:80 10.0.0.3:8080
check "... saying so" within 2 said 'http body lacks "OK"'
echo 200 >/tmp/health-rs1
within 4 up 10.0.0.100:80 10.0.0.3:8080
echo hang >/tmp/health-rs1
check "a server that never answers: out at the timeout" within 4 down 10.0.0.100:80 10.0.0.3:8080
echo 200 >/tmp/health-rs1
check "... and back" within 6 up 10.0.0.100:80 10.0.0.3:8080

# Two services checking 10.0.0.3:8080 the same way: one probe per second.
: >/tmp/requests-rs1
sleep 5
requests=$(wc -l </tmp/requests-rs1)
echo "     (requests in 5 s for two services: $requests)"
check "one probe serves both services (about 5 requests in 5 s, not 10)" \
	sh -c "[ $requests -ge 3 ] && [ $requests -le 7 ]"
check "... and both services have the real server" up 10.0.0.101:80 10.0.0.3:8080

check "https, verify off: a self-signed certificate passes" within 6 up 10.0.0.100:443 10.0.0.4:8443
check "https_verify = yes: it fails" within 4 down 10.0.0.102:443 10.0.0.4:8443
check "... the reason names the certificate" within 3 status_says "last check tls: "
check "https_ca naming it: passes" within 4 up 10.0.0.103:443 10.0.0.4:8443

check "dns: an answer passes" within 6 up 10.0.0.100:53 10.0.0.4:53 u
check "a name the server does not know: out" within 4 down 10.0.0.101:53 10.0.0.4:53 u
check "udp: a responder passes" within 6 up 10.0.0.100:9999 10.0.0.4:9999 u
for p in $($IP netns pids rs2); do
	grep -q -e dnsmasq -e socat "/proc/$p/cmdline" 2>/dev/null && kill "$p"
done
check "dns server stopped: out" within 4 down 10.0.0.100:53 10.0.0.4:53 u
check "udp responder stopped: out (port unreachable)" within 4 down 10.0.0.100:9999 10.0.0.4:9999 u
check "... saying so" within 3 status_says "udp: port unreachable"

check "exec: exit 0 passes" within 6 up 10.0.0.100:3306 10.0.0.3:3306
check "... run as exec_user (nobody)" sh -c '[ "$(cat /tmp/exec-out/uid)" = 65534 ]'
check "... with the real server's address and port" \
	sh -c '[ "$(cat /tmp/exec-out/args)" = "10.0.0.3 3306" ]'
check "... and no descriptor of the daemon's" \
	sh -c '[ "$(tr "\n" " " </tmp/exec-out/fds)" = "0 1 2 3 " ]'
echo 1 >/tmp/exec-exit
check "exit 1: out" within 4 down 10.0.0.100:3306 10.0.0.3:3306
check "... saying so" said "exec: exit 1"
echo hang >/tmp/exec-exit
check "a hung command is killed at the timeout" within 4 status_says "exec: killed after"
echo 0 >/tmp/exec-exit
usleep 1500000
check "... with what it started: no process left behind" sh -c '! ps | grep -q "[s]leep 31"'

# $daemon is the subshell in_ns ran in: the daemon itself is in the pid file.
pid=$(cat "$state/director-daemon.pid")
kill "$pid"
i=0
while [ $i -lt 50 ] && kill -0 "$pid" 2>/dev/null; do usleep 100000; i=$((i + 1)); done
wait "$daemon" 2>/dev/null
check "the daemon stopped on SIGTERM" sh -c "! kill -0 $pid 2>/dev/null"
[ -z "$failures" ] || sed 's/^/     daemon| /' "$log"
[ -z "$failures" ] || in_ns director lvsagent -c "$conf" director status | sed 's/^/     status| /'

# libcurl is loaded at run time: without it the daemon does not start (an
# http check that always failed would take every real server out).
in_ns director ipvsadm -C
libcurl=$(ls /lib/x86_64-linux-gnu/libcurl.so.4 /usr/lib/x86_64-linux-gnu/libcurl.so.4 2>/dev/null | head -n 1)
mv "$libcurl" "$libcurl.away"
in_ns director lvsagent -c "$conf" director run >/tmp/nocurl.out 2>&1
check "without libcurl.so.4 the daemon refuses to start: exit 1" [ $? -eq 1 ]
contains "... saying why" "service http checks http: cannot load libcurl: libcurl.so.4" \
	cat /tmp/nocurl.out
check "... with nothing changed: no service in the table" \
	sh -c "[ -z \"\$($IP netns exec director ipvsadm -Sn)\" ]"
mv "$libcurl.away" "$libcurl"

finish
