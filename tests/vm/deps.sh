#!/bin/sh
# Installs what the qemu VM harness (tests/vm/run.sh) needs, with apt-get,
# when run as root on Debian; otherwise only says what is missing.
# tests/deps.sh does it: query dpkg, install only what is absent.
set -eu

# qemu-system-x86      : the emulator (TCG; KVM is not relied upon)
# linux-image-cloud-amd64: a kernel with IPVS/IPIP as modules, for the guest
# busybox-static       : /init's shell and coreutils inside the guest
# ipvsadm iproute2 curl: real tools copied into the guest (with their libs)
# cpio zstd kmod       : packing and compressing the initramfs, depmod
# libc-bin             : ldd, to find the shared libraries to copy
# time                 : GNU time, for the director benchmark's peak RSS
PACKAGES="qemu-system-x86 linux-image-cloud-amd64 busybox-static ipvsadm
iproute2 curl cpio zstd kmod libc-bin time"

# shellcheck disable=SC2086 # one argument per package
exec "$(dirname "$0")/../deps.sh" $PACKAGES
