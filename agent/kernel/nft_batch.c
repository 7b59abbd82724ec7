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

static struct nlmsghdr *put_header(struct nl_batch *batch, uint16_t type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(nl_batch_put_raw(batch, MESSAGE_ROOM), type, NFPROTO_ARP,
				     NLM_F_ACK | flags, 0);
}

static void put_table(struct nl_batch *batch, uint16_t type, const struct nftnl_table *table)
{
	nftnl_table_nlmsg_build_payload(put_header(batch, type, NLM_F_CREATE), table);
}

/* The VIPs go in messages of their own, ELEMENTS_PER_MESSAGE at a time. */
static void put_elements(struct nl_batch *batch, const struct nftnl_set *set,
			 const struct nft_desired *desired)
{
	for (size_t from = 0; from < desired->vip_count; from += ELEMENTS_PER_MESSAGE) {
		struct nftnl_set *chunk = nftnl_set_alloc();
		nftnl_set_set_str(chunk, NFTNL_SET_TABLE, NFT_TABLE_NAME);
		nftnl_set_set_str(chunk, NFTNL_SET_NAME, NFT_SET_NAME);
		nftnl_set_set_u32(chunk, NFTNL_SET_ID, nftnl_set_get_u32(set, NFTNL_SET_ID));
		for (size_t i = from; i < desired->vip_count && i < from + ELEMENTS_PER_MESSAGE; i++) {
			struct nftnl_set_elem *elem = nftnl_set_elem_alloc();
			nft_elem_fill(elem, desired, i);
			nftnl_set_elem_add(chunk, elem);
		}
		nftnl_set_elems_nlmsg_build_payload(put_header(batch, NFT_MSG_NEWSETELEM,
							       NLM_F_CREATE), chunk);
		nftnl_set_free(chunk);
	}
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
static void put_clear(struct nl_batch *batch, const struct nftnl_table *table)
{
	put_table(batch, NFT_MSG_NEWTABLE, table);
	put_table(batch, NFT_MSG_DELTABLE, table);
}

void nft_put_replace(struct nl_batch *batch, const struct nft_desired *desired, bool exists)
{
	struct nft_objects objects;

	nft_objects_build(&objects, desired, false);
	put_begin(batch);
	/* Deleting costs the kernel an RCU grace period when the socket closes
	 * (the old table is freed then): only when there is one to replace. */
	if (exists)
		put_clear(batch, objects.table);
	put_table(batch, NFT_MSG_NEWTABLE, objects.table);
	for (size_t i = 0; i < objects.set_count; i++) {
		nftnl_set_nlmsg_build_payload(put_header(batch, NFT_MSG_NEWSET, NLM_F_CREATE),
					      objects.sets[i]);
		put_elements(batch, objects.sets[i], desired);
	}
	for (size_t i = 0; i < objects.chain_count; i++)
		nftnl_chain_nlmsg_build_payload(put_header(batch, NFT_MSG_NEWCHAIN, NLM_F_CREATE),
						objects.chains[i]);
	for (size_t i = 0; i < objects.rule_count; i++)
		nftnl_rule_nlmsg_build_payload(put_header(batch, NFT_MSG_NEWRULE,
							  NLM_F_CREATE | NLM_F_APPEND),
					       objects.rules[i]);
	put_end(batch);
	nft_objects_free(&objects);
}

void nft_put_delete(struct nl_batch *batch)
{
	struct nft_desired nothing = { 0 };
	struct nft_objects objects;

	nft_objects_build(&objects, &nothing, false);
	put_begin(batch);
	put_clear(batch, objects.table);
	put_end(batch);
	nft_objects_free(&objects);
}
