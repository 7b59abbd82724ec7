#!/bin/sh
# The health-check benchmark: boots the test VM (this host's kernel has no
# IPVS) and runs tests/bench/vm_checks.sh there, which has lvsagent's
# director daemon and keepalived's checker check the same 1000 real
# servers over TCP, one after the other on the same emulated CPU: CPU per
# minute of checking, peak RSS, detection latency (a dead real server to
# its weight 0), and the schedule's drift as the real servers see it.
# Prints the BENCH lines (the VM is booted by checks_lib.sh).
#   usage: checks.sh LVSAGENT [SETTING=VALUE...]
# SETTINGs (see vm_checks.sh): count, interval_ms, timeout_ms, fall, rise,
# window, settle, rounds, victims, order (comma separated), load; e.g.
# `checks.sh build/lvsagent window=60 order=keepalived,lvsagent`. diag=1
# profiles each daemon for 10 s after its window with perf (when this
# machine has it: it is not declared, make bench never does this) and
# prints the profile's DIAG lines.
set -eu
LVSAGENT=${1:?usage: checks.sh /path/to/lvsagent [SETTING=VALUE...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
. "$here/checks_lib.sh"
vm_checks "$LVSAGENT" vm_checks.sh "check_listener weight_watch checker_load" "$@"
