/* monitor: rtnetlink notifications of links, addresses and routes — how
 * the daemon learns, the moment it happens, that the host moved. */
#ifndef LVSAGENT_MONITOR_H
#define LVSAGENT_MONITOR_H

#include <stdbool.h>

#include "netlink.h"
#include "observe.h"

/* Open a non-blocking socket joined to the link, IPv4/IPv6 address and
 * IPv4/IPv6 route groups. 0 or -errno. */
int monitor_open(struct nl_conn *monitor);

/* Whether one notification can mean something lvsagent manages broke: a
 * deleted address on lo, a deleted host route through lo in main, lo or
 * any link changing or appearing. Changes made by lvsagent's own socket
 * (OWN_PORTID) are not. Pure. */
bool monitor_event_matters(const struct nlmsghdr *nlh, const struct observed *obs,
			   uint32_t own_portid);

struct monitor_news {
	bool matters;			/* at least one notification matters */
	bool overrun;			/* the kernel dropped notifications (ENOBUFS) */
	unsigned count;			/* notifications read */
};

/* Read every pending notification without blocking. 0 or -errno. */
int monitor_drain(struct nl_conn *monitor, const struct observed *obs, uint32_t own_portid,
		  struct monitor_news *news);

#endif
