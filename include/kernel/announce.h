/* announce: tell a segment that an address now lives here — a gratuitous
 * ARP for IPv4, an unsolicited neighbour advertisement for IPv6 — so that
 * routers and clients move a VIP to this director at once. Needs
 * CAP_NET_RAW. */
#ifndef LVSAGENT_KERNEL_ANNOUNCE_H
#define LVSAGENT_KERNEL_ANNOUNCE_H

#include "kernel/rtnl_msg.h"
#include "lib/ipaddr.h"

/* Announce ADDR on LINK (which needs an Ethernet address). 0 or -errno. */
int announce_address(const struct rtnl_link *link, const struct ipaddr *addr);

#endif
