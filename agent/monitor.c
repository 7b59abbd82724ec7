/* monitor: the rtnetlink notification socket and what matters in it. */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "rtnl.h"

int monitor_open(struct nl_conn *monitor)
{
	static const int groups[] = { RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
				      RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE };
	int err = nl_open(monitor, NETLINK_ROUTE), fd;

	if (err)
		return err;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		int group = groups[i];
		if (mnl_socket_setsockopt(monitor->sock, NETLINK_ADD_MEMBERSHIP, &group,
					  sizeof(group)) < 0) {
			err = -errno;
			nl_close(monitor);
			return err;
		}
	}
	fd = mnl_socket_get_fd(monitor->sock);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		err = -errno;
		nl_close(monitor);
		return err;
	}
	return 0;
}

static bool link_matters(const struct nlmsghdr *nlh, const struct observed *obs)
{
	struct rtnl_link link;

	if (rtnl_parse_link(nlh, &link) < 0)
		return false;
	if (nlh->nlmsg_type == RTM_DELLINK)
		return true;	/* its saved sysctl values are to be forgotten */
	if (link.ifindex == obs->lo_ifindex)
		return !(link.flags & IFF_UP);
	/* A new interface starts with default sysctls. */
	for (size_t i = 0; i < obs->link_count; i++)
		if (obs->links[i].ifindex == link.ifindex)
			return false;
	return true;
}

static bool route_matters(const struct nlmsghdr *nlh, const struct observed *obs)
{
	struct rtnl_route route;

	if (rtnl_parse_route(nlh, &route) < 0)
		return false;
	return route.table == RT_TABLE_MAIN && route.oif == obs->lo_ifindex &&
	       route.dst_len == ipaddr_host_prefix(&route.dst);
}

bool monitor_event_matters(const struct nlmsghdr *nlh, const struct observed *obs,
			   uint32_t own_portid)
{
	struct rtnl_addr addr;

	if (nlh->nlmsg_pid == own_portid && own_portid)
		return false;	/* lvsagent's own change */
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return link_matters(nlh, obs);
	case RTM_DELADDR:
		return rtnl_parse_addr(nlh, &addr) == 0 && addr.ifindex == obs->lo_ifindex;
	case RTM_DELROUTE:
		return route_matters(nlh, obs);
	default:
		return false;	/* additions never take anything away */
	}
}

int monitor_drain(struct nl_conn *monitor, const struct observed *obs, uint32_t own_portid,
		  struct monitor_news *news)
{
	char buf[NL_DUMP_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));

	memset(news, 0, sizeof(*news));
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(monitor->sock), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			news->overrun = news->matters = true;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0)
			return -errno;
		int left = (int)n;
		for (const struct nlmsghdr *nlh = (void *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			news->count++;
			if (!news->matters && monitor_event_matters(nlh, obs, own_portid))
				news->matters = true;
		}
	}
}
