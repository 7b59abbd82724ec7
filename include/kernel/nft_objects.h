/* nft_objects: ARP suppression with nftables, over netlink (libnftnl on libmnl).
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
 * addresses on the receiving interface.
 *
 * Here: the table lvsagent wants (struct nft_desired), and the table as
 * libnftnl objects — built from the desired state, or parsed from the
 * kernel's dumps — with their canonical text. */
#ifndef LVSAGENT_KERNEL_NFT_OBJECTS_H
#define LVSAGENT_KERNEL_NFT_OBJECTS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ipaddr.h"

#define NFT_TABLE_NAME "lvsagent"
#define NFT_SET_NAME "vips"

struct nft_uplink {
	char name[IFNAMSIZ];
	bool has_addr;
	struct ipaddr addr;		/* its primary IPv4 address */
};

struct nft_desired {
	struct ipaddr *vips;		/* IPv4 only: the set's elements */
	size_t vip_count;
	/* NULL: a plain set of addresses. Otherwise an interval set (route
	 * mode's prefixes), and each element's NFT_SET_ELEM_* flags: a
	 * range is its first address, then the address past its end with
	 * NFT_SET_ELEM_INTERVAL_END. */
	uint32_t *elem_flags;
	struct nft_uplink *uplinks;
	size_t uplink_count;
};

void nft_desired_free(struct nft_desired *desired);

/* The table as canonical text (sets, elements, chains and rules, without
 * handles), so that what the kernel has and what the configuration wants
 * compare as strings. Pure; the caller frees the text. */
char *nft_render_desired(const struct nft_desired *desired);

struct nftnl_table;
struct nftnl_set_elem;

/* DESIRED's element I into ELEM: its key, and its flags in an interval set. */
void nft_elem_fill(struct nftnl_set_elem *elem, const struct nft_desired *desired, size_t i);

struct nftnl_set;
struct nftnl_chain;
struct nftnl_rule;

struct nft_objects {
	struct nftnl_table *table;
	struct nftnl_set **sets;	/* "vips" carries its elements */
	size_t set_count;
	struct nftnl_chain **chains;
	size_t chain_count;
	struct nftnl_rule **rules;	/* in the kernel's (or the build's) order */
	size_t rule_count;
};

/* The objects a DESIRED state is made of; the set's elements only
 * WITH_ELEMENTS (a transaction writes them itself, in chunks). */
void nft_objects_build(struct nft_objects *objects, const struct nft_desired *desired,
		       bool with_elements);
void nft_objects_add_set(struct nft_objects *objects, struct nftnl_set *set);
void nft_objects_add_chain(struct nft_objects *objects, struct nftnl_chain *chain);
void nft_objects_add_rule(struct nft_objects *objects, struct nftnl_rule *rule);
void nft_objects_free(struct nft_objects *objects);

/* Canonical text: table, sets (elements sorted), chains by name, each
 * chain's rules in order as libnftnl prints expressions. */
char *nft_objects_render(const struct nft_objects *objects);

#endif
