/* nft_expr: the pieces lvsagent's nftables tables are built of, for any
 * family — the table, address sets with their elements, base chains, and
 * the expressions of a rule — so that the ARP table (nft_objects) and the
 * LVS-TUN filter table (nft_filter) are built, sent and read back alike.
 * Every expression loads into or reads register 1. Pure. */
#ifndef LVSAGENT_KERNEL_NFT_EXPR_H
#define LVSAGENT_KERNEL_NFT_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ipaddr.h"

struct nftnl_table;
struct nftnl_set;
struct nftnl_set_elem;
struct nftnl_chain;
struct nftnl_rule;

/* The name of each of lvsagent's tables (one per family it uses). */
#define NFT_TABLE_NAME "lvsagent"

/* nftables' key types (what `type ipv4_addr` and `type ipv6_addr` mean). */
#define NFT_TYPE_IPV4_ADDR 7
#define NFT_TYPE_IPV6_ADDR 8

/* The elements of one address set: KEYS of one family; FLAGS NULL for a
 * plain set, otherwise an interval set and each element's NFT_SET_ELEM_*
 * flags (a range is its first address, then the address past its end
 * with NFT_SET_ELEM_INTERVAL_END). */
struct nft_elements {
	struct ipaddr *keys;
	uint32_t *flags;
	size_t count;
};

void nft_elements_free(struct nft_elements *elements);

/* lvsagent's table NFT_TABLE_NAME of FAMILY (NFPROTO_ARP, NFPROTO_INET). */
struct nftnl_table *nft_table_new(uint32_t family);

/* The set NAME of FAMILY with keys of KEY_FAMILY (AF_INET, AF_INET6),
 * ID tying the lookups of the same transaction to it, and the ELEMENTS
 * as its own. */
struct nftnl_set *nft_set_new(uint32_t family, const char *name, int key_family, uint32_t id,
			      const struct nft_elements *elements);
/* ELEMENTS' element I into ELEM: its key, and its flags in an interval set. */
void nft_elem_fill(struct nftnl_set_elem *elem, const struct nft_elements *elements, size_t i);
/* A copy of ELEM's key and flags (what a set's elements are made of). */
struct nftnl_set_elem *nft_elem_copy(struct nftnl_set_elem *elem);

/* A base chain NAME of type filter on HOOK, priority 0, policy accept. */
struct nftnl_chain *nft_chain_new(uint32_t family, const char *name, unsigned hook);

struct nftnl_rule *nft_rule_new(uint32_t family, const char *chain);
/* LEN bytes at OFFSET from the header BASE (NFT_PAYLOAD_*) into reg 1. */
void nft_rule_payload(struct nftnl_rule *rule, uint32_t base, uint32_t offset, uint32_t len);
/* meta KEY (NFT_META_*) into reg 1. */
void nft_rule_meta(struct nftnl_rule *rule, uint32_t key);
/* reg 1 OP (NFT_CMP_*) the LEN bytes of DATA, as the packet holds them. */
void nft_rule_cmp(struct nftnl_rule *rule, uint32_t op, const void *data, uint32_t len);
/* reg 1 in the set NAME (ID), or not in it when INVERTED. */
void nft_rule_lookup(struct nftnl_rule *rule, const char *name, uint32_t id, bool inverted);
/* reg 1 = reg 1 & MASK (LEN bytes). */
void nft_rule_and(struct nftnl_rule *rule, const void *mask, uint32_t len);
/* reg 1 = the LEN bytes of DATA. */
void nft_rule_immediate(struct nftnl_rule *rule, const void *data, uint32_t len);
/* The TCP option TYPE's LEN bytes at OFFSET into reg 1 (WRITE: from
 * reg 1 into the packet, the checksum kept right by the kernel). */
void nft_rule_tcp_option(struct nftnl_rule *rule, uint8_t type, uint32_t offset, uint32_t len,
			 bool write);
void nft_rule_counter(struct nftnl_rule *rule);
void nft_rule_drop(struct nftnl_rule *rule);

#endif
