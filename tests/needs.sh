#!/bin/sh
# What each tier of the build and tests needs from the machine, declared in
# tests/needs/TIER, one thing per line with the Debian package providing it:
#
#   command NAME PACKAGE      a program, looked up in /usr/sbin /usr/bin /sbin /bin
#   pkg-config MODULE PACKAGE a library the build compiles against
#   file GLOB PACKAGE         a file (a kernel image, say)
#
#   needs.sh packages TIER...  the packages those tiers name, one per line
#   needs.sh check TIER...     exit 0 when all is there; else name each missing
#                              thing and its package, say `make deps`, exit 1
#   needs.sh bin DIR TIER...   DIR gets a symlink per declared command: a PATH
#                              of DIR alone runs only what is declared
#   needs.sh verify [TIER...]  (after make deps) every package provides what
#                              its lines say, per dpkg; every absolute command
#                              path in the tier's scripts is declared; deps.sh
#                              installs exactly the declared packages
#
# TIER is a file name in tests/needs; with none, every tier. Debian's own
# directories only: a command from /usr/local or ~/.pyenv is not what the
# package named provides, and a test must not pass because of it.
set -eu

# LVSAGENT_NEEDS_DIR: another directory of tiers (tests/needs_test.sh uses it).
NEEDS_DIR=${LVSAGENT_NEEDS_DIR:-$(cd "$(dirname "$0")/needs" && pwd)}
SEARCH_DIRS="/usr/sbin /usr/bin /sbin /bin"
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

die() { echo "needs.sh: $*" >&2; exit 2; }

tiers_or_all() {
	if [ $# -gt 0 ]; then
		echo "$@"
	else
		(cd "$NEEDS_DIR" && ls)
	fi
}

# lines TIER...: "KIND NAME PACKAGE TIER" per declaration, comments dropped;
# a malformed line is an error naming the file and line.
lines() {
	for tier in $(tiers_or_all "$@"); do
		file=$NEEDS_DIR/$tier
		[ -f "$file" ] || die "no such tier: $tier (no file $file)"
		awk -v file="$file" -v tier="$tier" '
			{ sub(/#.*/, "") }
			NF == 0 { next }
			NF != 3 || $1 !~ /^(command|pkg-config|file)$/ {
				printf "%s:%d: want \"command|pkg-config|file NAME PACKAGE\"\n", file, FNR > "/dev/stderr"
				bad = 1; next
			}
			{ print $1, $2, $3, tier }
			END { exit bad }' "$file" || exit 2
	done
}

# find_command NAME: its path in Debian's directories, or nothing.
find_command() {
	for dir in $SEARCH_DIRS; do
		if [ -x "$dir/$1" ] && [ ! -d "$dir/$1" ]; then
			echo "$dir/$1"
			return 0
		fi
	done
	return 1
}

# find_file GLOB: the first existing file the glob names, or nothing.
find_file() {
	for path in $1; do
		[ -e "$path" ] && { echo "$path"; return 0; }
	done
	return 1
}

# path KIND NAME: the file a declaration stands for, if it is there.
path() {
	case "$1" in
	command) find_command "$2" ;;
	file) find_file "$2" ;;
	pkg-config) "$PKG_CONFIG" --path "$2" 2>/dev/null ;;
	esac
}

package_installed() {
	case "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" in
	*"install ok installed"*) return 0 ;;
	*) return 1 ;;
	esac
}

# present KIND NAME PACKAGE: is the thing there? Without pkg-config, a
# library counts as there when its -dev package is installed.
present() {
	case "$1" in
	command | file) path "$1" "$2" >/dev/null ;;
	pkg-config)
		if command -v "$PKG_CONFIG" >/dev/null; then
			"$PKG_CONFIG" --exists "$2"
		else
			package_installed "$3"
		fi
		;;
	esac
}

cmd_packages() {
	decl=$(lines "$@")
	echo "$decl" | awk 'NF { print $3 }' | sort -u
}

cmd_check() {
	decl=$(lines "$@")
	missing=$(echo "$decl" | while read -r kind name package tier; do
		present "$kind" "$name" "$package" || printf '%s %s %s %s\n' "$tier" "$kind" "$name" "$package"
	done)
	[ -z "$missing" ] && return 0
	echo "missing from this machine (tests/needs/TIER declares each):" >&2
	echo "$missing" | awk '{ printf "  %-6s %-10s %-28s Debian package %s\n", $1, $2, $3, $4 }' >&2
	packages=$(echo "$missing" | awk '{ print $4 }' | sort -u | tr '\n' ' ')
	echo "install them with \`make deps\` (as root), or: apt-get install $packages" >&2
	return 1
}

cmd_bin() {
	[ $# -ge 1 ] || die "usage: needs.sh bin DIR TIER..."
	dir=$1
	shift
	decl=$(lines "$@")
	mkdir -p "$dir"
	echo "$decl" | while read -r kind name package tier; do
		[ "$kind" = command ] || continue
		path=$(find_command "$name") || die "$name (Debian package $package) is missing: run needs.sh check first"
		ln -sf "$path" "$dir/$name"
	done
}

case "${1:-}" in
packages) shift; cmd_packages "$@" ;;
check) shift; cmd_check "$@" ;;
bin) shift; cmd_bin "$@" ;;
verify) shift; exec "$(dirname "$0")/needs_verify.sh" "$@" ;;
# For needs_verify.sh: the parsed lines, the tier names, a declaration's file.
_lines) shift; lines "$@" ;;
_tiers) shift; tiers_or_all "$@" ;;
_path) shift; path "$@" ;;
*) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
