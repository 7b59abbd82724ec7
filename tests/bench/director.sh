#!/bin/sh
# The director benchmark: boots the test VM (this host's kernel has no
# IPVS) and runs tests/bench/vm_director.sh there, which times lvsagent
# against ipvsadm on the same emulated CPU. Prints the BENCH lines.
#   usage: director.sh LVSAGENT [SIZES]   (SIZES default "1000 10000")
set -eu
LVSAGENT=${1:?usage: director.sh /path/to/lvsagent [SIZES]}
SIZES=${2:-1000 10000}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
# The VM sees no environment: the sizes travel on the kernel command line.
VM_MEMORY=${VM_MEMORY:-2048} VM_TIMEOUT=${VM_TIMEOUT:-1800} VM_APPEND="lvsbench.sizes=$(echo "$SIZES" | tr ' ' ,)" \
	"$here/../vm/run.sh" --bin "$LVSAGENT" --bin "$(command -v date)" --bin /usr/bin/time \
	"$here/vm_director.sh" >"$out" 2>&1 || rc=$?
grep -E '^(BENCH|FAIL)' "$out" | sed 's/^BENCH //'
[ "$rc" -eq 0 ] || { tail -n 30 "$out"; exit "$rc"; }
