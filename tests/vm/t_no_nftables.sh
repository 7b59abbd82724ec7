#!/bin/sh
# A kernel without nf_tables (runs in the VM, first: nothing has loaded the
# module yet). The kernel's module loader is pointed at /bin/false, so
# nfnetlink and nf_tables cannot appear. suppression = nftables or both must
# say what is missing, exit 1 and change nothing — not even the sysctls
# alone; suppression = sysctl still works.
. /tests/lib.sh

module_loaded() { grep -q "^$1 " /proc/modules; }
realserver() { in_ns rs lvsagent -c /tmp/nonft.conf "$@"; }
sysctls() { in_ns rs cat /proc/sys/net/ipv4/conf/all/arp_ignore /proc/sys/net/ipv4/conf/all/arp_announce | tr '\n' ' '; }
vip_on_lo() { $IP -n rs -o addr show dev lo | grep -q " 10.0.0.100/32 "; }

nonft_config() {
	cat >/tmp/nonft.conf <<EOF2
[agent]
state_dir = /run/lvsagent-nonft

[realserver]
vip = 10.0.0.100
suppression = $1
EOF2
}

# The lab first: veth is a module too.
lab_ns rs
$IP -n rs link add eth0 type veth peer name peer0
$IP -n rs addr add 10.0.0.3/24 dev eth0
loader=$(cat /proc/sys/kernel/modprobe)
echo /bin/false >/proc/sys/kernel/modprobe
check "nf_tables is not loaded (this test runs first)" not module_loaded nf_tables

for mode in nftables both; do
	nonft_config $mode
	refused "suppression = $mode without nf_tables: exit 1" 1 realserver start
	contains "... saying what is missing" \
		"suppression = $mode needs nftables, and this kernel has no nf_tables" realserver start
	check "... no VIP on lo" not vip_on_lo
	same "... the arp sysctls untouched" "0 0 " sysctls
	check "... no state recorded" not test -s /run/lvsagent-nonft/state
	refused "... check-config says so too" 1 realserver check-config
done

nonft_config sysctl
check "suppression = sysctl needs no nftables: start works" realserver start
check "... the VIP is on lo" vip_on_lo
same "... the arp sysctls raised" "1 2 " sysctls
check "... and stop" realserver stop
same "... puts them back" "0 0 " sysctls

echo "$loader" >/proc/sys/kernel/modprobe
check "nf_tables never loaded" not module_loaded nf_tables
lab_cleanup
finish t_no_nftables
