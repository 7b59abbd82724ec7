/* nft_objects: the table as libnftnl objects — built from the desired
 * state, or parsed from the kernel's dumps — and their canonical text.
 * Internal to the nft module. */
#ifndef LVSAGENT_KERNEL_NFT_OBJECTS_H
#define LVSAGENT_KERNEL_NFT_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/nft_batch.h"

struct nftnl_table;
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
