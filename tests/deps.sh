#!/bin/sh
# Installs what lvsagent's build and tests need, with apt-get, when run as
# root on Debian; otherwise only says what is missing. With arguments, those
# packages instead (tests/vm/deps.sh names the VM harness's).
set -eu

PACKAGES="$*"
[ -n "$PACKAGES" ] || PACKAGES="gcc make pkg-config libmnl-dev libnftnl-dev libnl-3-dev libnl-genl-3-dev libcap-ng-dev
libinih-dev libcmocka-dev
iproute2 arping socat python3 util-linux procps systemd strace
nftables tcpdump ndisc6 ansible-core"

missing=""
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
	echo "lvsagent needs these Debian packages:$missing" >&2
	echo "install them (as root: apt-get install$missing) and run make again" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be stale or absent on a fresh machine: update once
# if the first attempt cannot find something.
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $missing; then
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi
