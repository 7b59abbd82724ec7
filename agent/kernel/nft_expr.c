/* nft_expr: the pieces of lvsagent's nftables tables. See nft_expr.h. */
#include "kernel/nft_expr.h"

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

void nft_elements_free(struct nft_elements *elements)
{
	free(elements->keys);
	free(elements->flags);
	memset(elements, 0, sizeof(*elements));
}

struct nftnl_table *nft_table_new(uint32_t family)
{
	struct nftnl_table *table = nftnl_table_alloc();

	nftnl_table_set_str(table, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
	nftnl_table_set_u32(table, NFTNL_TABLE_FAMILY, family);
	nftnl_table_set_u32(table, NFTNL_TABLE_FLAGS, 0);
	return table;
}

void nft_elem_fill(struct nftnl_set_elem *elem, const struct nft_elements *elements, size_t i)
{
	const struct ipaddr *key = &elements->keys[i];

	nftnl_set_elem_set(elem, NFTNL_SET_ELEM_KEY, key->bytes, key->family == AF_INET ? 4 : 16);
	if (elements->flags && elements->flags[i])
		nftnl_set_elem_set_u32(elem, NFTNL_SET_ELEM_FLAGS, elements->flags[i]);
}

struct nftnl_set_elem *nft_elem_copy(struct nftnl_set_elem *elem)
{
	struct nftnl_set_elem *copy = nftnl_set_elem_alloc();
	uint32_t len;
	const void *key = nftnl_set_elem_get(elem, NFTNL_SET_ELEM_KEY, &len);

	nftnl_set_elem_set(copy, NFTNL_SET_ELEM_KEY, key, len);
	/* An interval set's end markers are told apart by their flags. */
	if (nftnl_set_elem_is_set(elem, NFTNL_SET_ELEM_FLAGS))
		nftnl_set_elem_set_u32(copy, NFTNL_SET_ELEM_FLAGS,
				       nftnl_set_elem_get_u32(elem, NFTNL_SET_ELEM_FLAGS));
	return copy;
}

struct nftnl_set *nft_set_new(uint32_t family, const char *name, int key_family, uint32_t id,
			      const struct nft_elements *elements)
{
	struct nftnl_set *set = nftnl_set_alloc();
	bool v4 = key_family == AF_INET;

	nftnl_set_set_str(set, NFTNL_SET_TABLE, NFT_TABLE_NAME);
	nftnl_set_set_str(set, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(set, NFTNL_SET_FAMILY, family);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_TYPE, v4 ? NFT_TYPE_IPV4_ADDR : NFT_TYPE_IPV6_ADDR);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_LEN, v4 ? 4 : 16);
	nftnl_set_set_u32(set, NFTNL_SET_FLAGS, elements->flags ? NFT_SET_INTERVAL : 0);
	nftnl_set_set_u32(set, NFTNL_SET_ID, id);
	/* Sized up front, the kernel's hash never has to grow while filling. */
	if (elements->count)
		nftnl_set_set_u32(set, NFTNL_SET_DESC_SIZE, (uint32_t)elements->count);
	for (size_t i = 0; i < elements->count; i++) {
		struct nftnl_set_elem *elem = nftnl_set_elem_alloc();
		nft_elem_fill(elem, elements, i);
		nftnl_set_elem_add(set, elem);
	}
	return set;
}

struct nftnl_chain *nft_chain_new(uint32_t family, const char *name, unsigned hook)
{
	struct nftnl_chain *chain = nftnl_chain_alloc();

	nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_FAMILY, family);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(chain, NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	return chain;
}

struct nftnl_rule *nft_rule_new(uint32_t family, const char *chain)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();

	nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
	nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(rule, NFTNL_RULE_FAMILY, family);
	return rule;
}

void nft_rule_payload(struct nftnl_rule *rule, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(rule, e);
}

void nft_rule_meta(struct nftnl_rule *rule, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(rule, e);
}

void nft_rule_cmp(struct nftnl_rule *rule, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(rule, e);
}

void nft_rule_lookup(struct nftnl_rule *rule, const char *name, uint32_t id, bool inverted)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, name);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
	/* The kernel reports the flags (0 too); set them so the texts compare. */
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, inverted ? NFT_LOOKUP_F_INV : 0);
	nftnl_rule_add_expr(rule, e);
}

void nft_rule_and(struct nftnl_rule *rule, const void *mask, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	static const uint8_t zero[16];

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	nftnl_rule_add_expr(rule, e);
}

void nft_rule_immediate(struct nftnl_rule *rule, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	nftnl_rule_add_expr(rule, e);
}

void nft_rule_tcp_option(struct nftnl_rule *rule, uint8_t type, uint32_t offset, uint32_t len,
			 bool write)
{
	struct nftnl_expr *e = nftnl_expr_alloc("exthdr");

	nftnl_expr_set_u32(e, write ? NFTNL_EXPR_EXTHDR_SREG : NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, len);
	/* A load's flags the kernel reports (0): set so that the texts
	 * compare. A write takes none (EINVAL). */
	if (!write)
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_FLAGS, 0);
	nftnl_rule_add_expr(rule, e);
}

void nft_rule_counter(struct nftnl_rule *rule)
{
	nftnl_rule_add_expr(rule, nftnl_expr_alloc("counter"));
}

void nft_rule_drop(struct nftnl_rule *rule)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	nftnl_rule_add_expr(rule, e);
}
