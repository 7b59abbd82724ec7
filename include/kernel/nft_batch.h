/* nft: ARP suppression with nftables, over netlink (libnftnl on libmnl).
 * lvsagent owns one table, `table arp lvsagent`, always replaced whole in
 * one transaction:
 *
 *   set vips       the IPv4 VIPs (one set: 10 000 VIPs are one rule)
 *   chain input    hook input:  ARP whose target address is a VIP is dropped,
 *                  so the real server never answers ARP for a VIP
 *   chain output   hook output: on each uplink, ARP whose sender address is
 *                  a VIP gets the uplink's primary IPv4 address instead; what
 *                  is left (an uplink without IPv4) is dropped
 *
 * IPv6 needs no rules: Linux answers neighbour solicitations only for
 * addresses on the receiving interface. */
#ifndef LVSAGENT_KERNEL_NFT_BATCH_H
#define LVSAGENT_KERNEL_NFT_BATCH_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/ipaddr.h"
#include "kernel/netlink.h"

#define NFT_TABLE_NAME "lvsagent"
#define NFT_SET_NAME "vips"

struct nft_uplink {
	char name[IFNAMSIZ];
	bool has_addr;
	struct ipaddr addr;		/* its primary IPv4 address */
};

struct nft_desired {
	struct ipaddr *vips;		/* IPv4 only */
	size_t vip_count;
	struct nft_uplink *uplinks;
	size_t uplink_count;
};

void nft_desired_free(struct nft_desired *desired);

/* The table as canonical text (sets, elements, chains and rules, without
 * handles), so that what the kernel has and what the configuration wants
 * compare as strings. Pure; the caller frees the text. */
char *nft_render_desired(const struct nft_desired *desired);

/* Append one whole transaction (BEGIN ... END) that creates the table as
 * DESIRED — replacing it when it EXISTS — or deletes it. Pure. */
void nft_put_replace(struct nl_batch *batch, const struct nft_desired *desired, bool exists);
void nft_put_delete(struct nl_batch *batch);

/* Dump the table from the kernel into *TEXT (NULL when there is none).
 * 0, or -errno (-EPROTONOSUPPORT: the kernel has no nftables). */
int nft_observe(struct nl_conn *conn, char **text);

/* Send a transaction from nft_put_*. 0 when the kernel committed it;
 * otherwise the first refusal, with the kernel's reason, in *FAILURE. */
int nft_commit(struct nl_conn *conn, struct nl_batch *batch, struct nl_result *failure);

#endif
