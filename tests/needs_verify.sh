#!/bin/sh
# needs.sh verify [TIER...]: run by `make check` after `make deps`, on a
# machine where everything declared is installed. A declaration that only
# holds because the machine happens to have more than the base image is the
# bug this catches, everywhere and not only on a fresh machine:
#   - each declared package is installed and provides the thing (per dpkg:
#     it owns the file, or a package it depends on does, as python3 does
#     through python3-minimal);
#   - no command is declared twice with two packages;
#   - every absolute command path (/usr/bin/time...) in the tier's host-side
#     scripts names a declared command (a PATH of declared commands alone
#     cannot catch those);
#   - tests/deps.sh installs exactly the packages the tiers declare.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
NEEDS="$HERE/needs.sh"

# problem TEXT: one line of the final report.
problem() { echo "  $*" >>"$TMP/problems"; }

# candidates PATH: "PATH NAME" for each name dpkg may know PATH's file by:
# PATH itself, its twin across /usr merging (/bin/x and /usr/bin/x are one
# file; dpkg knows one name), and the same for the file a symlink resolves
# to (alternatives: awk is mawk's, through /etc/alternatives).
candidates() {
	real=$(readlink -f "$1")
	for p in "$1" "$real"; do
		echo "$1 $p"
		case "$p" in
		/usr/*) echo "$1 ${p#/usr}" ;;
		*) echo "$1 /usr$p" ;;
		esac
	done
}

# Each declaration's file, then one dpkg query for the owners of every name
# they go by and one for the dependencies of every declared package: a
# declaration holds when its package, or a package it depends on (python3
# through python3-minimal), owns the file.
check_declarations() {
	decl=$("$NEEDS" _lines "$@")
	echo "$decl" | while read -r kind name package tier; do
		if path=$("$NEEDS" _path "$kind" "$name"); then
			echo "$kind $name $package $tier $path"
		else
			problem "$tier: $kind $name: not on this machine (run make deps)"
		fi
	done >"$TMP/resolved"
	awk '{ print $5 }' "$TMP/resolved" | sort -u | while read -r path; do
		candidates "$path"
	done | sort -u >"$TMP/names"
	# "pkg1:arch, pkg2: /path" -> "/path pkg1" "/path pkg2"
	# shellcheck disable=SC2046 # one argument per name
	dpkg-query -S $(awk '{ print $2 }' "$TMP/names" | sort -u) 2>/dev/null |
		awk -F': ' '$1 !~ /^diversion/ && NF == 2 {
			n = split($1, pkgs, ", ")
			for (i = 1; i <= n; i++) { sub(/:.*/, "", pkgs[i]); print $2, pkgs[i] }
		}' >"$TMP/owners"
	# shellcheck disable=SC2046
	dpkg-query -W -f='${Package} ${Depends}, ${Pre-Depends}\n' \
		$(awk '{ print $3 }' "$TMP/resolved" | sort -u) 2>/dev/null >"$TMP/depends" || true
	awk 'FILENAME ~ /names$/ { names[$1] = names[$1] " " $2; next }
		FILENAME ~ /owners$/ { owners[$1] = owners[$1] " " $2; next }
		FILENAME ~ /depends$/ {
			line = $0; sub(/^[^ ]* /, "", line); gsub(/\([^)]*\)|:any/, "", line); gsub(/[,|]/, " ", line)
			deps[$1] = " " line " "; next
		}
		{
			kind = $1; name = $2; pkg = $3; tier = $4; path = $5; all = ""
			n = split(names[path], list, " ")
			for (i = 1; i <= n; i++) all = all owners[list[i]]
			m = split(all, own, " "); ok = 0
			for (i = 1; i <= m; i++) if (own[i] == pkg || index(deps[pkg], " " own[i] " ")) ok = 1
			if (!ok) printf "  %s: %s %s: %s is not from package %s (dpkg says:%s)\n", tier, kind, name, path, pkg, (all == "" ? " nobody" : all)
		}' "$TMP/names" "$TMP/owners" "$TMP/depends" "$TMP/resolved" >>"$TMP/problems"
	echo "$decl" | awk '$1 == "command" { print $2, $3 }' | sort -u |
		awk '{ n[$1]++; p[$1] = p[$1] " " $2 } END { for (c in n) if (n[c] > 1) print c ":" p[c] }' |
		while read -r line; do
			problem "command $line: declared with different packages"
		done
}

# The host-side scripts of a tier: those whose absolute command paths run
# on this machine (the VM tier's scripts run in the guest, and so do the
# benchmarks' vm_*.sh).
tier_scripts() {
	case "$1" in
	netns) ls "$HERE"/netns/*.sh "$HERE"/netns/*.py "$HERE"/demo_realserver.sh ;;
	bench)
		for script in "$HERE"/bench/*.sh; do
			case "$script" in */vm_*) ;; *) echo "$script" ;; esac
		done
		;;
	esac
}

check_absolute_paths() {
	for tier in $("$NEEDS" _tiers "$@"); do
		declared=$("$NEEDS" _lines "$tier" | awk '$1 == "command" { print $2 }')
		# The benchmarks run on the netns lab and boot the VM: those tiers' commands count.
		[ "$tier" = bench ] && declared="$declared $("$NEEDS" _lines netns vm | awk '$1 == "command" { print $2 }')"
		for script in $(tier_scripts "$tier"); do
			awk 'FNR == 1 || $0 !~ /^[ \t]*#/' "$script" |
				grep -oE '(^|[^A-Za-z0-9_./-])/(usr/)?s?bin/[A-Za-z0-9_.+-]+' |
				sed 's|.*/||' | sort -u | while read -r name; do
					echo "$declared" | tr ' ' '\n' | grep -qx "$name" ||
						problem "$tier: ${script#"$HERE"/} runs /.../$name, which tests/needs/$tier does not declare"
				done
		done
	done
}

check_deps_script() {
	"$HERE/deps.sh" --print | sort -u >"$TMP/deps"
	"$NEEDS" packages >"$TMP/declared"
	if ! diff -u "$TMP/declared" "$TMP/deps" >"$TMP/deps.diff"; then
		problem "tests/deps.sh --print and the declared packages differ:"
		sed 's/^/    /' "$TMP/deps.diff" >>"$TMP/problems"
	fi
}

TMP=$(mktemp -d)
# set -e ends the script on a failed step: say so rather than stop silently.
reported=""
# shellcheck disable=SC2154 # rc is assigned in the trap itself
trap 'rc=$?; rm -rf "$TMP"; [ -n "$reported" ] || echo "needs: verify stopped at a failed step (exit $rc)" >&2' EXIT
: >"$TMP/problems"
check_declarations "$@"
check_absolute_paths "$@"
check_deps_script
reported=yes
if [ -s "$TMP/problems" ]; then
	echo "needs: the declarations in tests/needs/ do not hold:"
	cat "$TMP/problems"
	exit 1
fi
echo "needs: $("$NEEDS" _lines "$@" | wc -l) declarations, $("$NEEDS" packages "$@" | wc -l) packages, each provided as declared"
