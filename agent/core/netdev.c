/* netdev: links and addresses, and the lookups over them. See netdev.h. */
#include "core/netdev.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/rtnl_dump.h"

static int by_addr(const void *a, const void *b)
{
	const struct rtnl_addr *x = a, *y = b;
	int c = ipaddr_compare(&x->addr, &y->addr);

	return c ? c : x->ifindex - y->ifindex;
}

void netdevs_index(struct netdevs *net)
{
	sort_unless_sorted(net->addrs, net->addr_count, sizeof(*net->addrs), by_addr);
}

int netdevs_read(struct nl_conn *conn, struct netdevs *net, const char **failed)
{
	int err;

	*failed = "links";
	err = rtnl_dump_links(conn, &net->links, &net->link_count);
	if (!err) {
		*failed = "addresses";
		err = rtnl_dump_addrs(conn, &net->addrs, &net->addr_count);
	}
	if (err < 0)
		return err;
	/* The kernel's order decides which address is primary; sorting loses it. */
	for (size_t i = 0; i < net->addr_count; i++)
		net->addrs[i].order = (unsigned)i;
	netdevs_index(net);
	return 0;
}

void netdevs_free(struct netdevs *net)
{
	free(net->links);
	free(net->addrs);
	memset(net, 0, sizeof(*net));
}

const struct rtnl_link *netdev_by_name(const struct netdevs *net, const char *name)
{
	for (size_t i = 0; i < net->link_count; i++)
		if (strcmp(net->links[i].name, name) == 0)
			return &net->links[i];
	return NULL;
}

const struct rtnl_link *netdev_by_index(const struct netdevs *net, int ifindex)
{
	for (size_t i = 0; i < net->link_count; i++)
		if (net->links[i].ifindex == ifindex)
			return &net->links[i];
	return NULL;
}

size_t netdev_addr_position(const struct netdevs *net, const struct ipaddr *addr, size_t *hint)
{
	size_t none = 0;

	return ipaddr_lower_bound_near(net->addrs, net->addr_count, sizeof(*net->addrs),
				       offsetof(struct rtnl_addr, addr), addr, hint ? hint : &none);
}

const struct rtnl_addr *netdev_addr_on(const struct netdevs *net, int ifindex,
				       const struct ipaddr *addr)
{
	size_t i = netdev_addr_position(net, addr, NULL);

	for (; i < net->addr_count && ipaddr_equal(&net->addrs[i].addr, addr); i++)
		if (net->addrs[i].ifindex == ifindex)
			return &net->addrs[i];
	return NULL;
}

const struct rtnl_addr *netdev_primary_ipv4(const struct netdevs *net, int ifindex)
{
	const struct rtnl_addr *primary = NULL;

	for (size_t i = 0; i < net->addr_count; i++) {
		const struct rtnl_addr *a = &net->addrs[i];
		if (a->ifindex != ifindex || a->addr.family != AF_INET ||
		    (a->flags & IFA_F_SECONDARY) || a->scope == RT_SCOPE_HOST)
			continue;
		if (!primary || a->order < primary->order)
			primary = a;
	}
	return primary;
}
