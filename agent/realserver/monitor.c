/* monitor: the rtnetlink notification socket and what matters in it. */
#include "realserver/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/fault.h"
#include "kernel/nft_objects.h"
#include "kernel/rtnl_msg.h"
#include "realserver/tunnel.h"

/* The test build's tiny receive buffer (kernel/fault.h): notifications
 * overrun it, and the daemon's resync after ENOBUFS is seen to work. */
static void shrink_for_test(int fd)
{
	int bytes = fault_monitor_rcvbuf();

	if (bytes > 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
}

static int open_joined(struct nl_conn *monitor, int bus, const int *groups, size_t count)
{
	int err = netlink_open(monitor, bus), fd;

	if (err)
		return err;
	for (size_t i = 0; i < count; i++) {
		int group = groups[i];
		if (mnl_socket_setsockopt(monitor->sock, NETLINK_ADD_MEMBERSHIP, &group,
					  sizeof(group)) < 0) {
			err = -errno;
			netlink_close(monitor);
			return err;
		}
	}
	fd = mnl_socket_get_fd(monitor->sock);
	shrink_for_test(fd);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		err = -errno;
		netlink_close(monitor);
		return err;
	}
	return 0;
}

int monitor_open(struct nl_conn *monitor)
{
	static const int groups[] = { RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
				      RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE };

	return open_joined(monitor, NETLINK_ROUTE, groups, sizeof(groups) / sizeof(groups[0]));
}

int monitor_open_nft(struct nl_conn *monitor)
{
	static const int groups[] = { NFNLGRP_NFTABLES };

	return open_joined(monitor, NETLINK_NETFILTER, groups, 1);
}

static bool link_matters(const struct nlmsghdr *nlh, const struct observed *obs)
{
	const struct rtnl_link *known;
	struct rtnl_link link;

	if (rtnl_parse_link(nlh, &link) < 0)
		return false;
	if (nlh->nlmsg_type == RTM_DELLINK)
		return true;	/* its saved sysctl values are to be forgotten */
	known = netdev_by_index(&obs->net, link.ifindex);
	/* lo down, or its alias (the instance's claim, claim.h) changed. */
	if (link.ifindex == obs->lo_ifindex)
		return !(link.flags & IFF_UP) || (known && strcmp(link.alias, known->alias) != 0);
	/* A new interface starts with default sysctls; a renamed one takes its
	 * saved values with it (plan.c's record views). */
	/* A tunnel device of LVS-TUN set down stops receiving the director's
	 * packets. */
	if (known && (known->flags & IFF_UP) && !(link.flags & IFF_UP) &&
	    (tunnel_spec_by_name(link.name) || tunnel_alias_is_own(link.alias)))
		return true;
	return !known || strcmp(known->name, link.name) != 0;
}

static bool route_matters(const struct nlmsghdr *nlh, const struct observed *obs)
{
	struct rtnl_route route;

	if (rtnl_parse_route(nlh, &route) < 0)
		return false;
	/* Route mode's VIPs: lvsagent's local routes, of any length. */
	if (route.table == RT_TABLE_LOCAL)
		return route.protocol == LVSAGENT_RTPROT && route.oif == obs->lo_ifindex;
	return route.table == RT_TABLE_MAIN && route.oif == obs->lo_ifindex &&
	       route.dst_len == ipaddr_host_prefix(&route.dst);
}

/* Any object of table arp lvsagent or table inet lvsagent: every nftables
 * message carries the table's name as its first attribute
 * (NFTA_*_TABLE == 1). */
static bool nft_matters(const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *gen = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if ((nlh->nlmsg_type & 0xff) == NFT_MSG_NEWGEN ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*gen) ||
	    (gen->nfgen_family != NFPROTO_ARP && gen->nfgen_family != NFPROTO_INET))
		return false;
	mnl_attr_for_each(attr, nlh, sizeof(*gen)) {
		if (mnl_attr_get_type(attr) == 1 && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			return strcmp(mnl_attr_get_str(attr), NFT_TABLE_NAME) == 0;
	}
	return false;
}

static bool addr_matters(const struct nlmsghdr *nlh, const struct monitor_context *context)
{
	struct rtnl_addr addr;

	if (rtnl_parse_addr(nlh, &addr) < 0)
		return false;
	if (addr.ifindex == context->obs->lo_ifindex)
		return nlh->nlmsg_type == RTM_DELADDR;	/* additions take nothing away */
	/* The output chain rewrites ARP to each uplink's primary address. */
	return context->uplink_addresses && addr.addr.family == AF_INET;
}

bool monitor_event_matters(const struct nlmsghdr *nlh, const struct monitor_context *context)
{
	if ((nlh->nlmsg_type >> 8) == NFNL_SUBSYS_NFTABLES)
		return nlh->nlmsg_pid != context->nfnl_portid && nft_matters(nlh);
	if (nlh->nlmsg_pid == context->rtnl_portid && context->rtnl_portid)
		return false;	/* lvsagent's own change */
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return link_matters(nlh, context->obs);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return addr_matters(nlh, context);
	case RTM_DELROUTE:
		return route_matters(nlh, context->obs);
	default:
		return false;
	}
}

/* A notification that matters, sorted: a deleted local route of
 * lvsagent's is kept (while there is room), anything else calls for the
 * whole picture. */
static void note_news(const struct nlmsghdr *nlh, struct monitor_news *news)
{
	struct rtnl_route route;

	news->matters = true;
	if (nlh->nlmsg_type == RTM_DELROUTE && rtnl_parse_route(nlh, &route) == 0 &&
	    route.table == RT_TABLE_LOCAL && news->local_count < MONITOR_LOCALS_MAX) {
		news->locals[news->local_count++] = (struct ipprefix){ route.dst, route.dst_len };
		return;
	}
	news->other = true;
}

int monitor_drain(struct nl_conn *monitor, const struct monitor_context *context,
		  struct monitor_news *news)
{
	char buf[NL_DUMP_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));

	memset(news, 0, sizeof(*news));
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(monitor->sock), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			news->overrun = news->matters = news->other = true;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0)
			return -errno;
		int left = (int)n;
		for (const struct nlmsghdr *nlh = (void *)buf; netlink_msg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			news->count++;
			if ((!news->matters || !news->other) && monitor_event_matters(nlh, context))
				note_news(nlh, news);
		}
	}
}
