/* observe: kernel → struct observed, and the lookups over it. */
#include "realserver/observe.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/nft_batch.h"
#include "lib/xalloc.h"

static int by_addr(const void *a, const void *b)
{
	const struct rtnl_addr *x = a, *y = b;
	int c = ipaddr_compare(&x->addr, &y->addr);

	return c ? c : x->ifindex - y->ifindex;
}

static int by_dst(const void *a, const void *b)
{
	const struct rtnl_route *x = a, *y = b;
	int c = ipaddr_compare(&x->dst, &y->dst);

	/* Ours sort first among equal destinations. */
	if (!c)
		c = (y->protocol == LVSAGENT_RTPROT) - (x->protocol == LVSAGENT_RTPROT);
	return c;
}

void observed_index(struct observed *obs)
{
	/* IPv4 routes come sorted from the kernel; a check is cheaper. */
	sort_unless_sorted(obs->addrs, obs->addr_count, sizeof(*obs->addrs), by_addr);
	sort_unless_sorted(obs->routes, obs->route_count, sizeof(*obs->routes), by_dst);
	obs->lo_alias = "";
	for (size_t i = 0; i < obs->link_count; i++) {
		if (obs->links[i].flags & IFF_LOOPBACK && strcmp(obs->links[i].name, "lo") == 0) {
			obs->lo_ifindex = obs->links[i].ifindex;
			obs->lo_up = obs->links[i].flags & IFF_UP;
			obs->lo_alias = obs->links[i].alias;
		}
	}
}

static bool is_host_route(const struct rtnl_route *route)
{
	return route->dst_len == ipaddr_host_prefix(&route->dst) &&
	       (route->type == RTN_UNICAST || route->type == RTN_LOCAL ||
		route->type == RTN_UNREACHABLE);
}

/* Keep only host routes: a main table may hold thousands of others. */
static void keep_host_routes(struct rtnl_route *routes, size_t *count)
{
	size_t kept = 0;

	for (size_t i = 0; i < *count; i++)
		if (is_host_route(&routes[i]))
			routes[kept++] = routes[i];
	*count = kept;
}

static int dump_main_routes(struct nl_conn *conn, struct observed *obs)
{
	int families[] = { AF_INET, AF_INET6 };

	for (int i = 0; i < 2; i++) {
		struct rtnl_route *routes;
		size_t count;
		int err = rtnl_dump_routes(conn, families[i], RT_TABLE_MAIN, &routes, &count);
		/* A namespace that never had a route has no main table yet. */
		if (err == -ENOENT)
			continue;
		if (err < 0)
			return err;
		keep_host_routes(routes, &count);
		if (!count) {
			free(routes);
			continue;
		}
		obs->routes = xrealloc_array(obs->routes, obs->route_count + count, sizeof(*routes));
		memcpy(obs->routes + obs->route_count, routes, count * sizeof(*routes));
		obs->route_count += count;
		free(routes);
	}
	return 0;
}

static void read_sysctls(struct sysctl_value *out, const char *iface)
{
	memset(out, 0, sizeof(*out));
	strcpy(out->iface, iface);
	out->readable = sysctl_read(iface, ARP_IGNORE, &out->value[ARP_IGNORE]) == 0 &&
			sysctl_read(iface, ARP_ANNOUNCE, &out->value[ARP_ANNOUNCE]) == 0;
}

void observed_refresh_sysctls(struct observed *obs)
{
	free(obs->sysctls);
	obs->sysctls = xcalloc(obs->link_count + 1, sizeof(*obs->sysctls));
	read_sysctls(&obs->sysctls[0], "all");
	for (size_t i = 0; i < obs->link_count; i++)
		read_sysctls(&obs->sysctls[i + 1], obs->links[i].name);
	obs->sysctl_count = obs->link_count + 1;
}

void observed_refresh_nft(struct nl_conn *nfnl, struct observed *obs)
{
	free(obs->nft_text);
	obs->nft_text = NULL;
	obs->nft_error = nft_observe(nfnl, &obs->nft_text);
}

int observe_host(struct nl_conn *conn, struct nl_conn *nfnl, struct observed *obs,
		 const char **failed)
{
	int err;

	memset(obs, 0, sizeof(*obs));
	*failed = "links";
	err = rtnl_dump_links(conn, &obs->links, &obs->link_count);
	if (!err) {
		*failed = "addresses";
		err = rtnl_dump_addrs(conn, &obs->addrs, &obs->addr_count);
	}
	if (!err) {
		*failed = "routes";
		err = dump_main_routes(conn, obs);
	}
	if (err < 0)
		return err;
	for (size_t i = 0; i < obs->addr_count; i++)
		obs->addrs[i].order = (unsigned)i;
	observed_refresh_sysctls(obs);
	observed_index(obs);
	/* No nfnetlink socket at all: a kernel without nf_tables either. */
	if (nfnl)
		observed_refresh_nft(nfnl, obs);
	else
		obs->nft_error = -EPROTONOSUPPORT;
	return 0;
}

void observed_free(struct observed *obs)
{
	free(obs->links);
	free(obs->addrs);
	free(obs->routes);
	free(obs->sysctls);
	free(obs->nft_text);
	memset(obs, 0, sizeof(*obs));
}

const struct rtnl_link *observed_link(const struct observed *obs, const char *name)
{
	for (size_t i = 0; i < obs->link_count; i++)
		if (strcmp(obs->links[i].name, name) == 0)
			return &obs->links[i];
	return NULL;
}

const struct rtnl_link *observed_link_by_index(const struct observed *obs, int ifindex)
{
	for (size_t i = 0; i < obs->link_count; i++)
		if (obs->links[i].ifindex == ifindex)
			return &obs->links[i];
	return NULL;
}

/* The first index of ADDR in the addresses (or where it would be). */
static size_t addr_index(const struct observed *obs, const struct ipaddr *addr,
			 struct observed_hint *hint)
{
	size_t none = 0;

	return ipaddr_lower_bound_near(obs->addrs, obs->addr_count, sizeof(*obs->addrs),
				       offsetof(struct rtnl_addr, addr), addr,
				       hint ? &hint->addr : &none);
}

/* The first address equal to ADDR on lo with the host prefix (ON_LO) or
 * anywhere else (!ON_LO). */
static const struct rtnl_addr *find_addr(const struct observed *obs, const struct ipaddr *addr,
					 bool on_lo, struct observed_hint *hint)
{
	size_t i = addr_index(obs, addr, hint);

	for (; i < obs->addr_count && ipaddr_equal(&obs->addrs[i].addr, addr); i++) {
		const struct rtnl_addr *a = &obs->addrs[i];
		bool is_vip_on_lo = a->ifindex == obs->lo_ifindex &&
				    a->prefixlen == ipaddr_host_prefix(addr);
		if (is_vip_on_lo == on_lo)
			return a;
	}
	return NULL;
}

const struct rtnl_addr *observed_lo_addr(const struct observed *obs, const struct ipaddr *addr,
				       struct observed_hint *hint)
{
	return find_addr(obs, addr, true, hint);
}

const struct rtnl_addr *observed_addr_elsewhere(const struct observed *obs,
						const struct ipaddr *addr,
						struct observed_hint *hint)
{
	return find_addr(obs, addr, false, hint);
}

const struct rtnl_addr *observed_addr_on(const struct observed *obs, int ifindex,
					 const struct ipaddr *addr)
{
	size_t i = addr_index(obs, addr, NULL);

	for (; i < obs->addr_count && ipaddr_equal(&obs->addrs[i].addr, addr); i++)
		if (obs->addrs[i].ifindex == ifindex)
			return &obs->addrs[i];
	return NULL;
}

const struct rtnl_route *observed_lo_route(const struct observed *obs, const struct ipaddr *addr,
					  struct observed_hint *hint)
{
	size_t none = 0;
	size_t i = ipaddr_lower_bound_near(obs->routes, obs->route_count, sizeof(*obs->routes),
					   offsetof(struct rtnl_route, dst), addr,
					   hint ? &hint->route : &none);

	for (; i < obs->route_count && ipaddr_equal(&obs->routes[i].dst, addr); i++)
		if (obs->routes[i].oif == obs->lo_ifindex)
			return &obs->routes[i];
	return NULL;
}

const struct rtnl_addr *observed_primary_ipv4(const struct observed *obs, int ifindex)
{
	const struct rtnl_addr *primary = NULL;

	for (size_t i = 0; i < obs->addr_count; i++) {
		const struct rtnl_addr *a = &obs->addrs[i];
		if (a->ifindex != ifindex || a->addr.family != AF_INET ||
		    (a->flags & IFA_F_SECONDARY) || a->scope == RT_SCOPE_HOST)
			continue;
		if (!primary || a->order < primary->order)
			primary = a;
	}
	return primary;
}

const struct sysctl_value *observed_sysctls(const struct observed *obs, const char *iface)
{
	for (size_t i = 0; i < obs->sysctl_count; i++)
		if (strcmp(obs->sysctls[i].iface, iface) == 0)
			return obs->sysctls[i].readable ? &obs->sysctls[i] : NULL;
	return NULL;
}


