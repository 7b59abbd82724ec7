#!/bin/sh
# Two VM runs at once, for make check's two builds:
#
#   tests/vm/run_both.sh "RUN.SH ARGUMENTS A" "RUN.SH ARGUMENTS B"
#
# TCG runs each vCPU on a host thread, and one VM's tests, a shell running
# one command after another, mostly kept a single core busy: two VMs side
# by side use both cores, and make check's VM part takes the time of the
# longer run instead of the sum (each VM keeps run.sh's two vCPUs, so a
# daemon and the test beside it both run inside the guest). The runs go
# through tests/side_by_side.sh: each one's output whole once both are done
# (A first); the exit status is non-zero if either failed. The arguments
# are split at blanks (paths here have none).
set -u
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../side_by_side.sh" "$here/run.sh $1" "$here/run.sh $2"
