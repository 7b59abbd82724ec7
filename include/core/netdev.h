/* netdev: the host's interfaces and their addresses as one rtnetlink
 * dump found them, with the lookups both parts make: the real server
 * (its uplinks, lo) and the director (vip_interface). */
#ifndef LVSAGENT_CORE_NETDEV_H
#define LVSAGENT_CORE_NETDEV_H

#include <stddef.h>

#include "kernel/netlink.h"
#include "kernel/rtnl_msg.h"
#include "lib/ipaddr.h"

struct netdevs {
	struct rtnl_link *links;
	size_t link_count;
	struct rtnl_addr *addrs;	/* every address, sorted by address */
	size_t addr_count;
};

/* Dump links and addresses into NET (each address numbered in the
 * kernel's order, then sorted). 0 or -errno; *failed names the dump
 * that failed ("links", "addresses"). */
int netdevs_read(struct nl_conn *conn, struct netdevs *net, const char **failed);
/* Sort the addresses for the lookups; netdevs_read does this itself,
 * tests that build NET by hand call it. */
void netdevs_index(struct netdevs *net);
void netdevs_free(struct netdevs *net);

const struct rtnl_link *netdev_by_name(const struct netdevs *net, const char *name);
const struct rtnl_link *netdev_by_index(const struct netdevs *net, int ifindex);
/* ADDR on interface IFINDEX, with any prefix length, or NULL. */
const struct rtnl_addr *netdev_addr_on(const struct netdevs *net, int ifindex,
				       const struct ipaddr *addr);
/* The first position of ADDR in the sorted addresses (or where it would
 * be), starting the search near *HINT (see ipaddr_lower_bound_near). */
size_t netdev_addr_position(const struct netdevs *net, const struct ipaddr *addr, size_t *hint);
/* The primary IPv4 address of IFINDEX (the first in the kernel's order that
 * is not secondary and not host-scoped), or NULL. */
const struct rtnl_addr *netdev_primary_ipv4(const struct netdevs *net, int ifindex);

#endif
