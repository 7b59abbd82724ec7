/* tunnel_msg: the rtnetlink requests for the tunnel devices of lvsagent's
 * own (LVS-TUN: GRE with checksums, IPv4 inside IPv6, IPv6 inside IPv4):
 * created up with a remote end, their alias set (the mark of ownership),
 * and deleted.
 * Pure: only buffers. */
#ifndef LVSAGENT_KERNEL_TUNNEL_MSG_H
#define LVSAGENT_KERNEL_TUNNEL_MSG_H

#include <stdint.h>

#include "kernel/netlink.h"
#include "lib/ipaddr.h"

/* NAME of KIND ("gre", "ip6gre") to REMOTE, icsum and ocsum, created up
 * (NLM_F_EXCL: never someone else's device of that name). */
void tunnel_put_gre_create(struct nl_batch *batch, const char *name, const char *kind,
			   const struct ipaddr *remote);
/* NAME of KIND "ip6tnl" or "sit" (an ip tunnel: IFLA_IPTUN_*) to REMOTE,
 * taking the inner protocol PROTO (0: any; IPPROTO_IPV6: sit's ip6ip),
 * created up. */
void tunnel_put_iptun_create(struct nl_batch *batch, const char *name, const char *kind,
			     const struct ipaddr *remote, uint8_t proto);
/* The alias TEXT of the device NAME. */
void tunnel_put_alias(struct nl_batch *batch, const char *name, const char *text);
/* The device NAME deleted. */
void tunnel_put_delete(struct nl_batch *batch, const char *name);

#endif
