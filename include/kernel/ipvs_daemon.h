/* ipvs_daemon: the kernel's IPVS connection synchronisation daemons — a
 * master that multicasts the connection table, a backup that receives
 * it; the kernel runs at most one of each per network namespace — in
 * memory, and their generic netlink messages (IPVS_CMD_NEW_DAEMON,
 * _DEL_DAEMON, _GET_DAEMON). Pure: only buffers. */
#ifndef LVSAGENT_KERNEL_IPVS_DAEMON_H
#define LVSAGENT_KERNEL_IPVS_DAEMON_H

#include <linux/netlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/ipaddr.h"

/* The two roles, as indexes; the kernel's IP_VS_STATE_* through
 * ipvs_sync_state. */
enum ipvs_sync_role { IPVS_SYNC_MASTER, IPVS_SYNC_BACKUP, IPVS_SYNC_ROLES };

/* The kernel's defaults, what it reports for a daemon started without
 * them (linux/net/netfilter/ipvs/ip_vs_sync.c). */
#define IPVS_SYNC_DEFAULT_PORT 8848
#define IPVS_SYNC_DEFAULT_TTL 1
#define IPVS_SYNC_DEFAULT_GROUP "224.0.0.81"

struct ipvs_daemon {
	enum ipvs_sync_role role;
	char ifname[IFNAMSIZ];		/* the multicast interface */
	uint32_t syncid;		/* 0..255: the messages carry 8 bits */
	/* Optional: 0 (family 0 for the group) is the kernel's default when
	 * starting one, and "not reported" (kernels before 4.3) when read. */
	uint16_t maxlen;		/* UDP payload size */
	uint16_t port;			/* the base port: thread N uses port + N */
	uint8_t ttl;
	struct ipaddr group;		/* IPv4 or IPv6 multicast group */
};

/* What runs: at most one daemon of each role. */
struct ipvs_daemons {
	bool running[IPVS_SYNC_ROLES];
	struct ipvs_daemon daemon[IPVS_SYNC_ROLES];
};

uint32_t ipvs_sync_state(enum ipvs_sync_role role);
const char *ipvs_sync_role_name(enum ipvs_sync_role role);	/* "master", "backup" */

/* Whether HAVE (read from the kernel) runs as WANT asks. An optional
 * setting WANT leaves at 0 matches the kernel's default (port, TTL,
 * group) or anything (maxlen: its default follows the interface's MTU);
 * one the kernel does not report matches anything. */
bool ipvs_daemon_matches(const struct ipvs_daemon *want, const struct ipvs_daemon *have);
/* "master eth1 id 5 port 8848 ttl 1 group 224.0.0.81 maxlen 1472", with
 * only the settings DAEMON has (non-zero). */
const char *ipvs_daemon_format(const struct ipvs_daemon *daemon, char *buf, size_t len);

struct nl_msg;
/* NEW_DAEMON (START true: every setting DAEMON has) or DEL_DAEMON (its
 * role alone) into MSG, emptied first, with NLM_F_ACK: 0 or a negative
 * libnl error. */
int ipvs_fill_daemon(struct nl_msg *msg, int family, bool start, const struct ipvs_daemon *daemon);
/* The GET_DAEMON dump request; the caller frees it with nlmsg_free. */
struct nl_msg *ipvs_build_daemon_dump(int family);
/* One reply of that dump: 0, or -1 when it is not a daemon. */
int ipvs_parse_daemon(struct nlmsghdr *nlh, struct ipvs_daemon *out);

#endif
