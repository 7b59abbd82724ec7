#!/bin/sh
# tests/deb_check.sh DIR (make deb-check, after make deb): lintian finds no
# error in DIR's .changes; the .deb installs into this machine (dpkg -i) with
# its files where they belong and its units neither enabled nor started; a
# changed /etc/lvsagent/lvsagent.conf survives a reinstall (a conffile);
# purge leaves nothing behind. It refuses to run where lvsagent is already
# installed some other way, rather than overwrite or purge someone's files.
set -eu
dir=${1:?usage: deb_check.sh DIR}
deb=$(ls "$dir"/lvsagent_*.deb)
changes=$(ls "$dir"/lvsagent_*.changes)
fail=0
problem() { echo "deb_check: $*" >&2; fail=1; }

files="/usr/sbin/lvsagent /lib/systemd/system/lvsagent.service
/lib/systemd/system/lvsagent-director.service /usr/share/man/man8/lvsagent.8.gz
/usr/share/man/man5/lvsagent.conf.5.gz /usr/share/bash-completion/completions/lvsagent
/etc/lvsagent/lvsagent.conf /etc/iproute2/rt_protos.d/lvsagent.conf
/usr/share/lvsagent/director.conf.example /usr/share/lvsagent/ansible/library/lvsagent.py"

# Errors fail; the accepted warnings are listed in the README (Install).
lintian --fail-on error "$changes" >"$dir/lintian.txt" 2>&1 || problem "lintian: $(grep '^E:' "$dir/lintian.txt")"
sed 's/^/  lintian: /' "$dir/lintian.txt" | grep -v 'root privileges' || true

if dpkg-query -W lvsagent >/dev/null 2>&1 || [ -e /etc/lvsagent ] || [ -e /usr/sbin/lvsagent ]; then
	echo "deb_check: lvsagent is already on this machine (package or make install): not touching it" >&2
	exit 1
fi
trap 'dpkg --purge lvsagent >/dev/null 2>&1 || true' EXIT INT TERM
dpkg -i "$deb" >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
for f in $files; do
	[ -e "$f" ] || problem "$f not installed"
done
# Not enabled: no symlink to the units in any .wants directory; not
# started: no lvsagent process.
if ls /etc/systemd/system/*.wants/lvsagent*.service >/dev/null 2>&1; then
	problem "a unit was enabled: $(ls /etc/systemd/system/*.wants/lvsagent*.service)"
fi
for comm in /proc/[0-9]*/comm; do
	[ "$(cat "$comm" 2>/dev/null)" = lvsagent ] && problem "an lvsagent process runs (${comm%/comm})"
done
/usr/sbin/lvsagent --version >/dev/null || problem "the installed binary does not run"
grep -q '^/etc/lvsagent/lvsagent.conf$' /var/lib/dpkg/info/lvsagent.conffiles ||
	problem "/etc/lvsagent/lvsagent.conf is not a conffile"
# The operator's configuration is kept over a reinstall.
echo "; the operator's" >>/etc/lvsagent/lvsagent.conf
dpkg -i --force-confold "$deb" >>"$dir/install.log" 2>&1 || problem "reinstall failed"
grep -q "the operator's" /etc/lvsagent/lvsagent.conf || problem "a reinstall overwrote lvsagent.conf"

dpkg --purge lvsagent >"$dir/purge.log" 2>&1 || problem "purge failed: $(cat "$dir/purge.log")"
trap - EXIT INT TERM
for f in $files /etc/lvsagent /usr/share/lvsagent; do
	[ ! -e "$f" ] || problem "$f is still there after purge"
done
dpkg-query -W lvsagent >/dev/null 2>&1 && problem "dpkg still knows lvsagent after purge"
[ "$fail" = 0 ] && echo "deb_check: lintian clean of errors; installed, $(echo $files | wc -w) files in place, units not enabled or started, conffile kept, purged clean"
exit "$fail"
