/* nft_objects: ARP suppression with nftables, over netlink (libnftnl on libmnl).
 * lvsagent owns the table `table arp lvsagent` (and, for LVS-TUN's filter
 * rules, `table inet lvsagent`: nft_filter.h), each always replaced whole
 * in one transaction:
 *
 *   set vips       the IPv4 VIPs (one set: 10 000 VIPs are one rule)
 *   chain input    hook input:  ARP whose target address is a VIP is dropped,
 *                  so the real server never answers ARP for a VIP
 *   chain output   hook output: on each uplink, ARP whose sender address is
 *                  a VIP gets the uplink's primary IPv4 address instead; what
 *                  is left (an uplink without IPv4) is dropped
 *
 * IPv6 needs no rules: Linux answers neighbour solicitations only for
 * addresses on the receiving interface.
 *
 * Here: the ARP table lvsagent wants (struct nft_desired), and either
 * table as libnftnl objects — built from the desired state, or parsed from
 * the kernel's dumps — with their canonical text. */
#ifndef LVSAGENT_KERNEL_NFT_OBJECTS_H
#define LVSAGENT_KERNEL_NFT_OBJECTS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/nft_expr.h"
#include "lib/ipaddr.h"

#define NFT_SET_NAME "vips"

struct nft_uplink {
	char name[IFNAMSIZ];
	bool has_addr;
	struct ipaddr addr;		/* its primary IPv4 address */
};

struct nft_desired {
	/* IPv4 only: the set's elements; an interval set for route mode's
	 * prefixes. */
	struct nft_elements vips;
	struct nft_uplink *uplinks;
	size_t uplink_count;
};

void nft_desired_free(struct nft_desired *desired);

/* The table as canonical text (sets, elements, chains and rules, without
 * handles), so that what the kernel has and what the configuration wants
 * compare as strings. Pure; the caller frees the text. */
char *nft_render_desired(const struct nft_desired *desired);

struct nft_objects {
	uint32_t family;		/* NFPROTO_ARP, NFPROTO_INET */
	struct nftnl_table *table;
	struct nftnl_set **sets;	/* each carries its elements */
	size_t set_count;
	struct nftnl_chain **chains;
	size_t chain_count;
	struct nftnl_rule **rules;	/* in the kernel's (or the build's) order */
	size_t rule_count;
};

/* The objects of the ARP table DESIRED. */
void nft_objects_build(struct nft_objects *objects, const struct nft_desired *desired);
/* Empty objects of FAMILY's table, for the builders and the dumps. */
void nft_objects_init(struct nft_objects *objects, uint32_t family);
void nft_objects_add_set(struct nft_objects *objects, struct nftnl_set *set);
void nft_objects_add_chain(struct nft_objects *objects, struct nftnl_chain *chain);
void nft_objects_add_rule(struct nft_objects *objects, struct nftnl_rule *rule);
void nft_objects_free(struct nft_objects *objects);

/* Canonical text: table, sets (elements sorted), chains by name, each
 * chain's rules in order as libnftnl prints expressions — counters
 * without their values, which move with the traffic. */
char *nft_objects_render(const struct nft_objects *objects);
/* The text of OBJECTS, which are freed. */
char *nft_objects_text(struct nft_objects *objects);
/* The packets every counter of the table counted. */
uint64_t nft_objects_counted(const struct nft_objects *objects);

#endif
