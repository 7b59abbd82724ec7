#!/bin/bash
# Runs test scripts inside a throw-away qemu VM that boots Debian's cloud
# kernel, for tests that need kernel modules the host lacks (IPVS, IPIP...).
#
#   tests/vm/run.sh [--bin FILE]... [--file SRC:DEST]... SCRIPT...
#
# --bin FILE      copy FILE to /usr/local/bin/<basename> in the VM, with the
#                 shared libraries ldd lists for it
# --file SRC:DEST copy SRC (file or directory) to the absolute path DEST
# SCRIPT          copied to /tests/<basename>; run in order with busybox sh
#                 (tests/vm/lib.sh, their helpers, goes to /tests/lib.sh)
#
# The VM has no network device (-nic none); tests build their networks from
# veth, bridges and namespaces inside it. Exit status: 0 only when every
# script exited 0; 1 when one failed, the VM crashed or timed out; 2 for
# usage or build errors. See tests/vm/README.
#
# Environment: VM_TIMEOUT (seconds, default 600), VM_MEMORY (MiB, 1024),
# VM_SMP (2), VM_KERNEL (a /boot/vmlinuz-*; default: the newest cloud
# kernel), VM_ACCEL (tcg; KVM does not work on the machines this was written
# on), VM_APPEND (extra kernel command line), VM_BUILD (cache directory,
# default build/vm in the repository).
#
# bash, not sh: arrays (argument lists, the qemu command line), local, <<<.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VM_TIMEOUT=${VM_TIMEOUT:-600}
VM_MEMORY=${VM_MEMORY:-1024}
VM_SMP=${VM_SMP:-2}
VM_ACCEL=${VM_ACCEL:-tcg}
VM_APPEND=${VM_APPEND:-}
VM_BUILD=${VM_BUILD:-$ROOT/build/vm}

BINS=()
FILES=()
SCRIPTS=()
TMP=""
VM_PID=""
TAIL_PID=""

die() { echo "vm: $*" >&2; exit 2; }
log() { echo "vm: $*" >&2; }

usage() {
	sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# Stops qemu (through timeout(1), which forwards the signal) and removes the
# temporary directory, whichever way the script ends.
# shellcheck disable=SC2317 # called by the traps
cleanup() {
	if [ -n "$VM_PID" ] && kill -0 "$VM_PID" 2>/dev/null; then
		kill "$VM_PID" 2>/dev/null || true
		wait "$VM_PID" 2>/dev/null || true
	fi
	# tail notices qemu is gone within 0.2 s; wait so it does not complain
	# about the log vanishing.
	[ -z "$TAIL_PID" ] || wait "$TAIL_PID" 2>/dev/null || true
	[ -n "$TMP" ] && rm -rf "$TMP"
	return 0
}
trap cleanup EXIT
trap 'log "interrupted"; exit 1' INT TERM HUP

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--bin) [ $# -ge 2 ] || usage; BINS+=("$2"); shift 2 ;;
		--file) [ $# -ge 2 ] || usage; FILES+=("$2"); shift 2 ;;
		-h | --help) usage ;;
		--) shift; SCRIPTS+=("$@"); break ;;
		-*) usage ;;
		*) SCRIPTS+=("$1"); shift ;;
		esac
	done
	[ ${#SCRIPTS[@]} -gt 0 ] || usage
	case "$VM_TIMEOUT" in '' | *[!0-9]*) die "VM_TIMEOUT must be seconds" ;; esac
}

# The newest installed cloud kernel, unless VM_KERNEL names one. Its version
# (the file name's suffix) selects /lib/modules/<version>.
find_kernel() {
	if [ -z "${VM_KERNEL:-}" ]; then
		VM_KERNEL=$(printf '%s\n' /boot/vmlinuz-*-cloud-amd64 | sort -V | tail -n 1)
		[ -f "$VM_KERNEL" ] || die "no /boot/vmlinuz-*-cloud-amd64: run make deps"
	fi
	[ -r "$VM_KERNEL" ] || die "cannot read $VM_KERNEL"
	KVER=${VM_KERNEL##*/vmlinuz-}
	[ -f "/lib/modules/$KVER/modules.dep" ] || die "no modules for $KVER"
}

# newc cpio of the current directory (owned by root), compressed with zstd:
# the kernel unpacks concatenated compressed archives one after the other,
# which lets the big module archive be cached and the rest rebuilt per run.
pack() {
	find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | zstd -q -T0 -6
}

# The modules list: kernel/net and kernel/drivers/net whole, plus everything
# they depend on elsewhere (modules.dep lines already list the transitive
# dependencies), e.g. lib/libcrc32c.ko for nf_conntrack.
module_list() {
	local src=/lib/modules/$KVER
	(cd "$src" && find kernel/net kernel/drivers/net -name '*.ko*') >"$TMP/mods.own"
	awk -F': *' 'NR == FNR { own[$1] = 1; next }
		($1 in own) { print $1; n = split($2, d, " "); for (i = 1; i <= n; i++) print d[i] }' \
		"$TMP/mods.own" "$src/modules.dep" | LC_ALL=C sort -u
}

# Builds the module archive under lib/modules/<version> and regenerates
# modules.dep/.alias/... for exactly that subset with depmod, so busybox
# modprobe (used by the kernel's request_module through /sbin/modprobe)
# resolves dependencies and aliases such as rtnl-link-ipip.
build_modules() {
	local out=$1 src=/lib/modules/$KVER stage=$TMP/modstage
	local dst=$stage/lib/modules/$KVER
	mkdir -p "$dst"
	module_list | (cd "$src" && xargs cp --parents -t "$dst")
	cp "$src"/modules.builtin "$src"/modules.builtin.modinfo "$src"/modules.order "$dst"/
	depmod -b "$stage" "$KVER"
	# A file of this run's own, renamed into place: two runs at once (make
	# check's two builds) may both build it, neither reads a half-written one.
	(cd "$stage" && pack) >"$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
	rm -rf "$stage"
}

# Cached in VM_BUILD, keyed by kernel version, the host's modules.dep (changes
# when the kernel package is updated) and this script (which decides the set).
cached_modules() {
	local out=$VM_BUILD/modules-$KVER.cpio.zst key
	key="$KVER $(stat -c %Y:%s "/lib/modules/$KVER/modules.dep") $(cksum <"$0")"
	mkdir -p "$VM_BUILD"
	if [ ! -f "$out" ] || [ "$(cat "$out.key" 2>/dev/null)" != "$key" ]; then
		log "building module archive for $KVER (cached in ${out#"$ROOT"/})"
		build_modules "$out"
		echo "$key" >"$out.key"
	fi
	MODULES_CPIO=$out
}

# copy_elf SRC DEST: copies SRC to $STAGE/DEST and every library ldd lists
# for it (including the dynamic loader) to the same path in the VM. Static
# binaries and scripts have no libraries: ldd fails for them, which is fine.
copy_elf() {
	local src=$1 dest=$2 deps lib
	[ -f "$src" ] || die "no such file: $src"
	mkdir -p "$STAGE$(dirname "$dest")"
	cp -L "$src" "$STAGE$dest"
	chmod 755 "$STAGE$dest"
	deps=$(ldd "$src" 2>/dev/null) || return 0
	if grep -q 'not found' <<<"$deps"; then
		die "$src: missing libraries: $(grep 'not found' <<<"$deps" | tr -s ' \t\n' ' ')"
	fi
	grep -o '/[^ ]*' <<<"$deps" | while read -r lib; do
		[ -e "$STAGE$lib" ] && continue
		mkdir -p "$STAGE$(dirname "$lib")"
		cp -L "$lib" "$STAGE$lib"
	done
}

# A host tool by name: PATH holds the commands tests/needs/vm declares.
host_tool() {
	command -v "$1" || die "$1 is not a command tests/needs/vm declares"
}

# Plain (not usr-merged) directory layout: libraries land on the paths ldd
# reports, which are also in ld.so's default search list.
make_skeleton() {
	mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,lib,lib64,etc}
	mkdir -p "$STAGE"/{dev,proc,sys,run,tmp,root,tests}
	# Lets the kernel hand /dev/console to /init as stdio; needs root, and
	# /init redirects to /dev/console itself anyway.
	mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null || true
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$STAGE/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$STAGE/etc/group"
	printf '127.0.0.1\tlocalhost vmtest\n::1\tlocalhost ip6-localhost\n' >"$STAGE/etc/hosts"
	printf 'passwd: files\ngroup: files\nhosts: files\n' >"$STAGE/etc/nsswitch.conf"
	local f
	for f in /etc/protocols /etc/services; do
		[ -f "$f" ] && cp "$f" "$STAGE$f"
	done
	cp "$HERE/init" "$STAGE/init"
	chmod 755 "$STAGE/init"
}

# busybox-static and a symlink per applet, except where a real tool is
# installed (ip, see README: busybox sh still prefers its own applets).
# /sbin/modprobe is one of the links: the kernel runs it to load modules.
install_busybox() {
	local bb app
	bb=$(host_tool busybox)
	! ldd "$bb" >/dev/null 2>&1 || die "$bb is not static: install busybox-static"
	cp -L "$bb" "$STAGE/bin/busybox"
	for app in $("$STAGE/bin/busybox" --list-full); do
		[ -e "$STAGE/$app" ] || [ -L "$STAGE/$app" ] || ln -s /bin/busybox "$STAGE/$app"
	done
}

install_tools() {
	copy_elf "$(host_tool ip)" /usr/sbin/ip
	copy_elf "$(host_tool ipvsadm)" /usr/sbin/ipvsadm
	# curl's libraries include libcurl.so.4, which lvsagent loads (dlopen)
	# for http checks: ldd of lvsagent does not list it.
	copy_elf "$(host_tool curl)" /usr/bin/curl
	copy_elf "$(host_tool socat)" /usr/bin/socat
	copy_elf "$(host_tool keepalived)" /usr/sbin/keepalived
	copy_elf "$(host_tool setpriv)" /usr/bin/setpriv
	copy_elf "$(host_tool openssl)" /usr/bin/openssl
	copy_elf "$(host_tool dnsmasq)" /usr/sbin/dnsmasq
	# LVS-TUN's filter rules read back (nft) and the client's MSS (ss).
	copy_elf "$(host_tool nft)" /usr/sbin/nft
	copy_elf "$(host_tool ss)" /usr/bin/ss
	# openssl req reads its defaults from here (OPENSSLDIR).
	mkdir -p "$STAGE/usr/lib/ssl"
	cp -L /etc/ssl/openssl.cnf "$STAGE/usr/lib/ssl/openssl.cnf"
	local b
	for b in "${BINS[@]+"${BINS[@]}"}"; do
		copy_elf "$b" "/usr/local/bin/$(basename "$b")"
	done
}

install_files() {
	local spec src dest
	for spec in "${FILES[@]+"${FILES[@]}"}"; do
		src=${spec%%:*}
		dest=${spec#*:}
		if [ "$src" = "$spec" ] || [ "${dest#/}" = "$dest" ]; then
			die "--file wants SRC:/absolute/dest, got $spec"
		fi
		[ -e "$src" ] || die "no such file: $src"
		mkdir -p "$STAGE$(dirname "$dest")"
		cp -RpL "$src" "$STAGE$dest"
	done
}

# The scripts, and tests/vm/lib.sh (their shared helpers) beside them.
install_scripts() {
	local s name
	: >"$STAGE/tests/.order"
	cp "$HERE/lib.sh" "$STAGE/tests/lib.sh"
	for s in "${SCRIPTS[@]}"; do
		[ -f "$s" ] || die "no such script: $s"
		name=$(basename "$s")
		[ -e "$STAGE/tests/$name" ] && die "two scripts named $name"
		cp "$s" "$STAGE/tests/$name"
		chmod 755 "$STAGE/tests/$name"
		echo "$name" >>"$STAGE/tests/.order"
	done
}

# Everything but the modules, rebuilt each run (well under a second).
build_initrd() {
	STAGE=$TMP/stage
	make_skeleton
	install_tools
	install_busybox
	install_files
	install_scripts
	# A cache for ld.so naming the directories the libraries were copied to.
	printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n/usr/local/lib\n' \
		>"$STAGE/etc/ld.so.conf"
	ldconfig -X -r "$STAGE"
	(cd "$STAGE" && pack) >"$TMP/run.cpio.zst"
	cat "$MODULES_CPIO" "$TMP/run.cpio.zst" >"$TMP/initrd"
	INITRD_SIZE=$(stat -c %s "$TMP/initrd")
	log "initramfs $((INITRD_SIZE / 1024)) KiB (modules $(($(stat -c %s "$MODULES_CPIO") / 1024)) KiB)"
}

# qemu runs in the background under timeout(1), writing the console to a
# log that tail streams to stdout; the log is parsed afterwards. Both run in
# the background because bash only runs a trap (SIGTERM from a CI job, say)
# once the foreground command is over, while "wait" returns at once.
run_vm() {
	local qemu=(qemu-system-x86_64 -accel "$VM_ACCEL" -cpu max
		-m "$VM_MEMORY" -smp "$VM_SMP" -nographic
		# A guest panic (oops=panic too) reboots at once and qemu exits.
		-no-reboot
		# No network device: the guest cannot send packets anywhere.
		-nic none
		# Silences SeaBIOS on the serial port: its output and terminal
		# escapes were unterminated lines (qemu warns about the name).
		-fw_cfg "name=etc/sercon-port,string=0"
		-kernel "$VM_KERNEL" -initrd "$TMP/initrd"
		-append "console=ttyS0 quiet panic=-1 oops=panic $VM_APPEND")
	: >"$TMP/console.log" # before tail starts: qemu's redirect may come later
	timeout -k 5 "$VM_TIMEOUT" "${qemu[@]}" </dev/null >"$TMP/console.log" 2>&1 &
	VM_PID=$!
	# sed drops the serial line's CRs and any terminal escapes left.
	tail -n +1 -s 0.2 -f --pid="$VM_PID" "$TMP/console.log" |
		sed -u 's/\x1bc//g; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r$//' &
	TAIL_PID=$!
	VM_RC=0
	wait "$VM_PID" || VM_RC=$?
	VM_PID=""
	wait "$TAIL_PID" || true
	TAIL_PID=""
	# The last console line ("reboot: Power down") has no newline.
	[ -z "$(tail -c 1 "$TMP/console.log" | tr -d '\r\n')" ] || echo
}

# Pass only if every script has an "END name rc=0" marker and init reached
# DONE; prints one line per script.
check_results() {
	local log=$TMP/console.clean s name rc=0 line
	tr -d '\r' <"$TMP/console.log" >"$log"
	for s in "${SCRIPTS[@]}"; do
		name=$(basename "$s")
		line=$(grep -a -m 1 "^VMTEST END $name rc=" "$log" || true)
		if [ "$line" = "VMTEST END $name rc=0" ]; then
			log "PASS $name"
		elif [ -n "$line" ]; then
			log "FAIL $name (${line##* })"
			rc=1
		else
			log "FAIL $name (did not finish)"
			rc=1
		fi
	done
	if [ "$VM_RC" -eq 124 ] || [ "$VM_RC" -eq 137 ]; then
		log "FAIL: timed out after ${VM_TIMEOUT}s (VM_TIMEOUT)"
		rc=1
	elif ! grep -aq '^VMTEST DONE ' "$log"; then
		log "FAIL: the VM stopped before the end (qemu exit $VM_RC): crash or panic?"
		rc=1
	fi
	return "$rc"
}

# Everything tests/needs/vm declares must be here (or run.sh says what to
# install and stops); then PATH holds those commands alone, so the harness
# cannot come to depend on one nobody declared.
restrict_path() {
	"$HERE/../needs.sh" check vm || exit 2
	"$HERE/../needs.sh" bin "$TMP/bin" vm || exit 2
	PATH=$TMP/bin
}

main() {
	parse_args "$@"
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/lvsagent-vm.XXXXXX")
	restrict_path
	find_kernel
	cached_modules
	build_initrd
	local t0=$SECONDS
	run_vm
	local rc=0
	check_results || rc=$?
	log "VM ran $((SECONDS - t0))s"
	exit "$rc"
}

main "$@"
