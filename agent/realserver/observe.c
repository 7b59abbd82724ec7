/* observe: kernel → struct observed, and the lookups over it. */
#include "realserver/observe.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/nft_kernel.h"
#include "kernel/rtnl_dump.h"
#include "lib/xalloc.h"

static int by_dst(const void *a, const void *b)
{
	const struct rtnl_route *x = a, *y = b;
	int c = ipaddr_compare(&x->dst, &y->dst);

	/* Ours sort first among equal destinations. */
	if (!c)
		c = (y->protocol == LVSAGENT_RTPROT) - (x->protocol == LVSAGENT_RTPROT);
	return c;
}

static int by_dst_len(const void *a, const void *b)
{
	const struct rtnl_route *x = a, *y = b;
	int c = ipaddr_compare(&x->dst, &y->dst);

	return c ? c : (x->dst_len > y->dst_len) - (x->dst_len < y->dst_len);
}

void observed_index(struct observed *obs)
{
	/* IPv4 routes come sorted from the kernel; a check is cheaper. */
	netdevs_index(&obs->net);
	sort_unless_sorted(obs->routes, obs->route_count, sizeof(*obs->routes), by_dst);
	sort_unless_sorted(obs->locals, obs->local_count, sizeof(*obs->locals), by_dst_len);
	obs->lo_alias = "";
	for (size_t i = 0; i < obs->net.link_count; i++) {
		if (obs->net.links[i].flags & IFF_LOOPBACK && strcmp(obs->net.links[i].name, "lo") == 0) {
			obs->lo_ifindex = obs->net.links[i].ifindex;
			obs->lo_up = obs->net.links[i].flags & IFF_UP;
			obs->lo_alias = obs->net.links[i].alias;
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

static int dump_local_routes(struct nl_conn *conn, struct observed *obs)
{
	int families[] = { AF_INET, AF_INET6 };

	for (int i = 0; i < 2; i++) {
		struct rtnl_route *routes;
		size_t count;
		int err = rtnl_dump_local_routes(conn, families[i], LVSAGENT_RTPROT, &routes, &count);
		if (err == -ENOENT)
			continue;
		if (err < 0)
			return err;
		/* None: routes may be NULL, and memcpy from NULL is undefined
		 * even for 0 bytes (UBSan aborts the daemon). */
		if (!count) {
			free(routes);
			continue;
		}
		obs->locals = xrealloc_array(obs->locals, obs->local_count + count,
					     sizeof(*routes));
		memcpy(obs->locals + obs->local_count, routes, count * sizeof(*routes));
		obs->local_count += count;
		free(routes);
	}
	return 0;
}

static void read_sysctls(struct sysctl_value *out, const char *iface)
{
	memset(out, 0, sizeof(*out));
	strcpy(out->iface, iface);
	out->readable = sysctl_read(iface, ARP_IGNORE, &out->value[ARP_IGNORE]) == 0 &&
			sysctl_read(iface, ARP_ANNOUNCE, &out->value[ARP_ANNOUNCE]) == 0 &&
			sysctl_read(iface, RP_FILTER, &out->value[RP_FILTER]) == 0;
}

void observed_refresh_sysctls(struct observed *obs)
{
	free(obs->sysctls);
	obs->sysctls = xcalloc(obs->net.link_count + 2, sizeof(*obs->sysctls));
	read_sysctls(&obs->sysctls[0], "all");
	/* A tunnel device about to be created starts with default's values. */
	read_sysctls(&obs->sysctls[1], "default");
	for (size_t i = 0; i < obs->net.link_count; i++)
		read_sysctls(&obs->sysctls[i + 2], obs->net.links[i].name);
	obs->sysctl_count = obs->net.link_count + 2;
}

void observed_refresh_nft(struct nl_conn *nfnl, struct observed *obs)
{
	free(obs->nft_text);
	obs->nft_text = NULL;
	obs->nft_error = nft_observe(nfnl, NFPROTO_ARP, &obs->nft_text, NULL);
	free(obs->filter_text);
	obs->filter_text = NULL;
	obs->filter_error = nft_observe(nfnl, NFPROTO_INET, &obs->filter_text,
					&obs->filter_dropped);
}

int observe_host(struct nl_conn *conn, struct nl_conn *nfnl, struct observed *obs,
		 const char **failed)
{
	int err;

	memset(obs, 0, sizeof(*obs));
	err = netdevs_read(conn, &obs->net, failed);
	if (!err) {
		*failed = "routes";
		err = dump_main_routes(conn, obs);
	}
	if (!err) {
		*failed = "local routes";
		err = dump_local_routes(conn, obs);
	}
	if (err < 0)
		return err;
	observed_refresh_sysctls(obs);
	observed_index(obs);
	/* No nfnetlink socket at all: a kernel without nf_tables either. */
	if (nfnl)
		observed_refresh_nft(nfnl, obs);
	else
		obs->nft_error = obs->filter_error = -EPROTONOSUPPORT;
	return 0;
}

void observed_refresh_fou(struct fou_conn *fou, struct observed *obs)
{
	free(obs->fou_ports);
	obs->fou_error = fou_dump(fou, &obs->fou_ports, &obs->fou_count);
}

const struct fou_port *observed_fou(const struct observed *obs, const struct fou_port *port)
{
	for (size_t i = 0; i < obs->fou_count; i++)
		if (obs->fou_ports[i].port == port->port && obs->fou_ports[i].family == port->family)
			return &obs->fou_ports[i];
	return NULL;
}

void observed_free(struct observed *obs)
{
	netdevs_free(&obs->net);
	free(obs->routes);
	free(obs->locals);
	free(obs->sysctls);
	free(obs->nft_text);
	free(obs->filter_text);
	free(obs->fou_ports);
	memset(obs, 0, sizeof(*obs));
}

/* The first address equal to ADDR on lo with the host prefix (ON_LO) or
 * anywhere else (!ON_LO). */
static const struct rtnl_addr *find_addr(const struct observed *obs, const struct ipaddr *addr,
					 bool on_lo, struct observed_hint *hint)
{
	size_t i = netdev_addr_position(&obs->net, addr, hint ? &hint->addr : NULL);

	for (; i < obs->net.addr_count && ipaddr_equal(&obs->net.addrs[i].addr, addr); i++) {
		const struct rtnl_addr *a = &obs->net.addrs[i];
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

const struct rtnl_route *observed_local_route(const struct observed *obs,
					      const struct ipaddr *dst, uint8_t len,
					      struct observed_hint *hint)
{
	size_t none = 0;
	size_t i = ipaddr_lower_bound_near(obs->locals, obs->local_count, sizeof(*obs->locals),
					   offsetof(struct rtnl_route, dst), dst,
					   hint ? &hint->local : &none);

	for (; i < obs->local_count && ipaddr_equal(&obs->locals[i].dst, dst); i++)
		if (obs->locals[i].dst_len == len && obs->locals[i].oif == obs->lo_ifindex)
			return &obs->locals[i];
	return NULL;
}

const struct sysctl_value *observed_sysctls(const struct observed *obs, const char *iface)
{
	for (size_t i = 0; i < obs->sysctl_count; i++)
		if (strcmp(obs->sysctls[i].iface, iface) == 0)
			return obs->sysctls[i].readable ? &obs->sysctls[i] : NULL;
	return NULL;
}


