#!/bin/sh
# The HTTP/HTTPS health-check benchmark (issue 14): boots the test VM and
# runs tests/bench/vm_http_checks.sh there, which has lvsagent's director
# daemon (check = http, https: libcurl) and keepalived's checker (HTTP_GET,
# SSL_GET) check the same real servers, one after the other on the same
# emulated CPU — 1000 over HTTP every 2 s and 200 of them over HTTPS every
# 5 s — and reports CPU per minute, peak RSS, the interval each real server
# sees (drift) and the checks arriving per second against the configured.
# Prints the BENCH lines (the VM is booted by checks_lib.sh).
#   usage: http_checks.sh LVSAGENT [SETTING=VALUE...]
# SETTINGs (see vm_http_checks.sh): scale (default 10: a tenth of the
# issue's 1000 and 200 real servers; scale=1 is the issue's figures, which
# overload the emulated CPU), count, interval_ms, tls_count,
# tls_interval_ms, timeout_ms, fall, rise, window, settle, order (comma
# separated); e.g. `http_checks.sh build/lvsagent count=500 window=60`.
# diag=1 profiles each daemon for 10 s after its window with perf (when
# this machine has it) and prints the profile's DIAG lines.
set -eu
LVSAGENT=${1:?usage: http_checks.sh /path/to/lvsagent [SETTING=VALUE...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
. "$here/checks_lib.sh"
vm_checks "$LVSAGENT" vm_http_checks.sh check_listener "$@"
