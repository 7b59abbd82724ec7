/* ipvs_tunable: the IPVS settings outside the table — the connection
 * timeouts ipvsadm --set changes (IPVS_CMD_SET_CONFIG: TCP, TCP FIN, UDP)
 * and the net.ipv4.vs.* sysctls operators set for LVS — each an integer
 * with a range, named as the configuration names it ("timeout_tcp",
 * "sysctl.expire_nodest_conn"). The names and ranges are pure; the
 * sysctls are read and written under /proc/sys/net/ipv4/vs/ (the timeouts
 * go over generic netlink: ipvs_kernel.h). */
#ifndef LVSAGENT_KERNEL_IPVS_TUNABLE_H
#define LVSAGENT_KERNEL_IPVS_TUNABLE_H

#include <stdbool.h>
#include <stddef.h>

/* X(name, min, max): the sysctls, as Documentation/networking/ipvs-sysctl
 * describes them. Left out: those that are not one integer
 * (sync_threshold, est_cpulist), sync_ports (powers of 2 only) and the
 * schedulers' own, present only while their module is loaded. */
#define IPVS_SYSCTLS(X) \
	X(am_droprate, 0, 2147483647) \
	X(amemthresh, 0, 2147483647) \
	X(backup_only, 0, 1) \
	X(cache_bypass, 0, 1) \
	X(conn_reuse_mode, 0, 3) \
	X(conntrack, 0, 1) \
	X(drop_entry, 0, 3) \
	X(drop_packet, 0, 3) \
	X(expire_nodest_conn, 0, 1) \
	X(expire_quiescent_template, 0, 1) \
	X(ignore_tunneled, 0, 1) \
	X(nat_icmp_send, 0, 1) \
	X(pmtu_disc, 0, 1) \
	X(run_estimation, 0, 1) \
	X(schedule_icmp, 0, 1) \
	X(secure_tcp, 0, 3) \
	X(sloppy_sctp, 0, 1) \
	X(sloppy_tcp, 0, 1) \
	X(snat_reroute, 0, 1) \
	X(sync_persist_mode, 0, 1) \
	X(sync_qlen_max, 1, 2147483647) \
	X(sync_refresh_period, 0, 2147483647) \
	X(sync_retries, 0, 3) \
	X(sync_sock_size, 0, 2147483647) \
	X(sync_version, 0, 1)

#define IPVS_TUNABLE_ENUM(name, min, max) IPVS_SYSCTL_##name,
enum ipvs_tunable {
	/* The timeouts first, in IPVS_CMD_SET_CONFIG's order. */
	IPVS_TIMEOUT_TCP, IPVS_TIMEOUT_TCPFIN, IPVS_TIMEOUT_UDP,
	IPVS_SYSCTLS(IPVS_TUNABLE_ENUM)
	IPVS_TUNABLE_COUNT
};
#undef IPVS_TUNABLE_ENUM
#define IPVS_TIMEOUT_COUNT 3

/* The kernel keeps a timeout in jiffies in an int: seconds up to
 * INT_MAX / 1000 hold at any HZ. */
#define IPVS_TIMEOUT_MAX 2147483

static inline bool ipvs_tunable_is_timeout(enum ipvs_tunable t)
{
	return t < IPVS_TIMEOUT_COUNT;
}

/* "timeout_tcp", "sysctl.conntrack": the configuration's key. */
const char *ipvs_tunable_key(enum ipvs_tunable t);
/* "net.ipv4.vs.conntrack"; for a timeout "tcp", "tcpfin", "udp". */
const char *ipvs_tunable_name(enum ipvs_tunable t);
/* The tunable whose key is KEY: 0, or -1. */
int ipvs_tunable_parse(const char *key, enum ipvs_tunable *t);
/* The values it may be set to (a timeout: from 1; 0 is ipvsadm's "leave
 * it as it is", never a value). */
void ipvs_tunable_range(enum ipvs_tunable t, int *min, int *max);

/* A sysctl's value: 0 or -errno (-ENOENT: not in this kernel, or IPVS not
 * loaded). */
int ipvs_sysctl_read(enum ipvs_tunable t, int *value);
int ipvs_sysctl_write(enum ipvs_tunable t, int value);

#endif
