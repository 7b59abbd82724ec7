/* monitor: rtnetlink notifications of links, addresses and routes — how
 * the daemon learns, the moment it happens, that the host moved. */
#ifndef LVSAGENT_REALSERVER_MONITOR_H
#define LVSAGENT_REALSERVER_MONITOR_H

#include <stdbool.h>

#include "kernel/netlink.h"
#include "lib/ipprefix.h"
#include "realserver/observe.h"

/* Open a non-blocking socket joined to the link, IPv4/IPv6 address and
 * IPv4/IPv6 route groups. 0 or -errno. */
int monitor_open(struct nl_conn *monitor);
/* The same for nftables' notifications (NFNLGRP_NFTABLES). */
int monitor_open_nft(struct nl_conn *monitor);

/* What decides whether a notification matters. */
struct monitor_context {
	const struct observed *obs;
	uint32_t rtnl_portid;		/* lvsagent's own sockets: its changes */
	uint32_t nfnl_portid;		/* are not news */
	bool uplink_addresses;		/* nftables rewrites ARP to the uplinks' addresses */
};

/* Whether one notification can mean something lvsagent manages broke: a
 * deleted address on lo, a deleted host route through lo in main, lo or
 * any link changing or appearing, an uplink's IPv4 address changing (with
 * nftables), any change to table arp lvsagent. Pure. */
bool monitor_event_matters(const struct nlmsghdr *nlh, const struct monitor_context *context);

/* Deleted local routes of lvsagent's remembered one by one: with 100 000
 * in place, putting back the few that went is a hundred times cheaper than
 * re-reading them all. More than this and the daemon re-reads. */
#define MONITOR_LOCALS_MAX 16

struct monitor_news {
	bool matters;			/* at least one notification matters */
	bool overrun;			/* the kernel dropped notifications (ENOBUFS) */
	/* One that matters and is not in LOCALS: the whole picture is needed. */
	bool other;
	unsigned count;			/* notifications read */
	struct ipprefix locals[MONITOR_LOCALS_MAX];	/* deleted local routes of lvsagent's */
	unsigned local_count;
};

/* Read every pending notification without blocking. 0 or -errno. */
int monitor_drain(struct nl_conn *monitor, const struct monitor_context *context,
		  struct monitor_news *news);

#endif
