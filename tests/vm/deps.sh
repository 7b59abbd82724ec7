#!/bin/sh
# Installs what the qemu VM harness (tests/vm/run.sh) needs: the packages
# tests/needs/vm declares (see tests/deps.sh; `make deps` installs every
# tier's).
exec "$(dirname "$0")/../deps.sh" vm
