#!/bin/sh
# Installs the Debian packages tests/needs/TIER declare (every tier, or the
# tiers given), with apt-get, when run as root on Debian; otherwise says
# which are missing. `make deps` runs it. --print lists the packages and
# changes nothing (needs.sh verify compares that list with the tiers').
set -eu
here=$(cd "$(dirname "$0")" && pwd)

print=0
if [ "${1:-}" = --print ]; then
	print=1
	shift
fi
PACKAGES=$("$here/needs.sh" packages "$@")
if [ "$print" -eq 1 ]; then
	echo "$PACKAGES"
	exit 0
fi

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
