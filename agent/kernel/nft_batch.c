/* nft_batch: the transactions that replace or delete the lvsagent table. */
#include "kernel/nft_batch.h"

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "kernel/nft_objects.h"

/* Elements per NEWSETELEM message: well under a nested attribute's 64 KiB. */
#define ELEMENTS_PER_MESSAGE 1024
/* Room for one message: a set-element message is the largest. */
#define MESSAGE_ROOM (ELEMENTS_PER_MESSAGE * 48 + 1024)

static struct nlmsghdr *put_header(struct nl_batch *batch, uint32_t family, uint16_t type,
				   uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(nl_batch_put_raw(batch, MESSAGE_ROOM), type, (uint16_t)family,
				     NLM_F_ACK | flags, 0);
}

static void put_table(struct nl_batch *batch, uint32_t family, uint16_t type,
		      const struct nftnl_table *table)
{
	nftnl_table_nlmsg_build_payload(put_header(batch, family, type, NLM_F_CREATE), table);
}

/* A set's elements go in messages of their own, ELEMENTS_PER_MESSAGE at
 * a time: copies gathered into a chunk, sent when it is full. */
struct chunker {
	struct nl_batch *batch;
	uint32_t family;
	const struct nftnl_set *set;
	struct nftnl_set *chunk;
	size_t count;
};

static void flush_chunk(struct chunker *c)
{
	if (!c->chunk)
		return;
	nftnl_set_elems_nlmsg_build_payload(put_header(c->batch, c->family, NFT_MSG_NEWSETELEM,
						       NLM_F_CREATE), c->chunk);
	nftnl_set_free(c->chunk);
	c->chunk = NULL;
	c->count = 0;
}

static int chunk_element(struct nftnl_set_elem *elem, void *data)
{
	struct chunker *c = data;

	if (!c->chunk) {
		c->chunk = nftnl_set_alloc();
		nftnl_set_set_str(c->chunk, NFTNL_SET_TABLE, NFT_TABLE_NAME);
		nftnl_set_set_str(c->chunk, NFTNL_SET_NAME, nftnl_set_get_str(c->set, NFTNL_SET_NAME));
		nftnl_set_set_u32(c->chunk, NFTNL_SET_ID, nftnl_set_get_u32(c->set, NFTNL_SET_ID));
	}
	nftnl_set_elem_add(c->chunk, nft_elem_copy(elem));
	if (++c->count == ELEMENTS_PER_MESSAGE)
		flush_chunk(c);
	return 0;
}

static void put_elements(struct nl_batch *batch, uint32_t family, struct nftnl_set *set)
{
	struct chunker c = { .batch = batch, .family = family, .set = set };

	nftnl_set_elem_foreach(set, chunk_element, &c);
	flush_chunk(&c);
}

static void put_begin(struct nl_batch *batch)
{
	nftnl_batch_begin(nl_batch_put_raw(batch, MNL_NLMSG_HDRLEN + 64), 0);
}

static void put_end(struct nl_batch *batch)
{
	nftnl_batch_end(nl_batch_put_raw(batch, MNL_NLMSG_HDRLEN + 64), 0);
}

/* Create the table if missing and delete it, so the delete never fails:
 * the transaction then starts from nothing, whatever was there. */
static void put_clear(struct nl_batch *batch, uint32_t family, const struct nftnl_table *table)
{
	put_table(batch, family, NFT_MSG_NEWTABLE, table);
	put_table(batch, family, NFT_MSG_DELTABLE, table);
}

void nft_put_replace(struct nl_batch *batch, const struct nft_objects *objects, bool exists)
{
	uint32_t family = objects->family;

	put_begin(batch);
	/* Deleting costs the kernel an RCU grace period when the socket closes
	 * (the old table is freed then): only when there is one to replace. */
	if (exists)
		put_clear(batch, family, objects->table);
	put_table(batch, family, NFT_MSG_NEWTABLE, objects->table);
	for (size_t i = 0; i < objects->set_count; i++) {
		nftnl_set_nlmsg_build_payload(put_header(batch, family, NFT_MSG_NEWSET, NLM_F_CREATE),
					      objects->sets[i]);
		put_elements(batch, family, objects->sets[i]);
	}
	for (size_t i = 0; i < objects->chain_count; i++)
		nftnl_chain_nlmsg_build_payload(put_header(batch, family, NFT_MSG_NEWCHAIN,
							   NLM_F_CREATE), objects->chains[i]);
	for (size_t i = 0; i < objects->rule_count; i++)
		nftnl_rule_nlmsg_build_payload(put_header(batch, family, NFT_MSG_NEWRULE,
							  NLM_F_CREATE | NLM_F_APPEND),
					       objects->rules[i]);
	put_end(batch);
}

void nft_put_delete(struct nl_batch *batch, uint32_t family)
{
	struct nftnl_table *table = nft_table_new(family);

	put_begin(batch);
	put_clear(batch, family, table);
	put_end(batch);
	nftnl_table_free(table);
}
