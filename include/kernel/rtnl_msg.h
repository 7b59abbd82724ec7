/* rtnl_msg: rtnetlink messages for links, addresses and routes — building
 * the requests lvsagent sends and parsing the kernel's replies. Pure. */
#ifndef LVSAGENT_KERNEL_RTNL_MSG_H
#define LVSAGENT_KERNEL_RTNL_MSG_H

#include <linux/netlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/netlink.h"
#include "lib/ipaddr.h"

/* Route protocol marking lvsagent's host routes ("proto lvsagent" once
 * /etc/iproute2/rt_protos.d/lvsagent.conf is installed). Also set as the
 * address protocol (IFA_PROTO) where the kernel keeps one (>= 6.3). */
#define LVSAGENT_RTPROT 176
/* IPv4 label of the VIPs lvsagent adds to lo: ownership visible in
 * `ip addr` and kept without the state file. */
#define LVSAGENT_LO_LABEL "lo:lvs"
/* The metric of route mode's local routes. Not 0, the kernel's own for an
 * address's local route: the two then coexist (IPv6 refuses a second
 * route with the same metric and device), so switching from address mode
 * adds the route before the address, and its local route, goes. */
#define LVSAGENT_LOCAL_METRIC 1024

#define RTNL_ALIAS_MAX 256		/* IFALIASZ */

struct rtnl_link {
	int ifindex;
	unsigned flags;			/* IFF_UP, IFF_LOOPBACK, ... */
	char name[IFNAMSIZ];
	char alias[RTNL_ALIAS_MAX];	/* IFLA_IFALIAS, "" when none */
	uint8_t hwaddr[6];		/* Ethernet address, when it has one */
	bool has_hwaddr;
	char kind[16];			/* IFLA_INFO_KIND ("ipip", "gre"), "" when none */
	/* A tunnel device's ends (ipip, sit, ip6tnl, gre, ip6gre); family 0
	 * when not given or any. */
	struct ipaddr tun_local, tun_remote;
};

struct rtnl_addr {
	int ifindex;
	struct ipaddr addr;
	uint8_t prefixlen;
	uint8_t scope;			/* RT_SCOPE_* */
	uint8_t proto;			/* IFA_PROTO, 0 when not reported */
	unsigned order;			/* position in the kernel's dump */
	uint32_t flags;			/* IFA_F_* */
	char label[IFNAMSIZ];		/* IPv4 only */
};

struct rtnl_route {
	struct ipaddr dst;
	uint8_t dst_len;
	uint8_t protocol;
	uint8_t type;
	uint32_t table;
	int oif;
	uint32_t priority;
};

/* Whether ADDR carries lvsagent's mark: its lo label or address protocol. */
bool rtnl_addr_has_lvsagent_mark(const struct rtnl_addr *addr);

/* Requests, appended to a batch. */
void rtnl_put_link_up(struct nl_batch *batch, int ifindex);
/* The tunnel device NAME of link kind KIND up (created if missing: the
 * kernel loads the kind's module on demand, and a module's fallback
 * device, tunl0 say, appears with it), or down (UP false). */
void rtnl_put_tunnel_state(struct nl_batch *batch, const char *name, const char *kind, bool up);
/* IFINDEX's alias set to TEXT ("" removes it). */
void rtnl_put_link_alias(struct nl_batch *batch, int ifindex, const char *text);
void rtnl_put_vip_addr(struct nl_batch *batch, bool add, int lo_ifindex, const struct ipaddr *vip);
/* The director's VIP on a real interface: labelled IFACE:lvs where that
 * fits, IPv6 without duplicate address detection. */
void rtnl_put_iface_vip(struct nl_batch *batch, bool add, int ifindex, const char *iface,
			const struct ipaddr *vip);
void rtnl_put_vip_route(struct nl_batch *batch, bool add, int lo_ifindex, const struct ipaddr *vip);
/* Route mode's VIP: `local DST/LEN dev lo table local proto lvsagent
 * scope host metric LVSAGENT_LOCAL_METRIC`. */
void rtnl_put_local_route(struct nl_batch *batch, bool add, int lo_ifindex,
			  const struct ipaddr *dst, uint8_t len);

/* Dump requests, built in a caller's buffer of NL_REQUEST_BUFFER. */
struct nlmsghdr *rtnl_link_dump_request(void *buf);
struct nlmsghdr *rtnl_addr_dump_request(void *buf);
struct nlmsghdr *rtnl_route_dump_request(void *buf, int family, uint32_t table);

/* Parsers for one dump reply or notification (RTM_NEW* and RTM_DEL*): 0
 * when filled, -1 when the message is not one lvsagent can use (no
 * address, an unknown family, ...). */
int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *out);
int rtnl_parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr *out);
int rtnl_parse_route(const struct nlmsghdr *nlh, struct rtnl_route *out);

#endif
