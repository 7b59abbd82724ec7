/* nft_batch: the transactions that replace or delete lvsagent's table
 * (nft_objects.h says what it holds). Pure: only buffers. */
#ifndef LVSAGENT_KERNEL_NFT_BATCH_H
#define LVSAGENT_KERNEL_NFT_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/netlink.h"
#include "kernel/nft_objects.h"

/* Append one whole transaction (BEGIN ... END) that creates the table of
 * OBJECTS (the ARP table or the filter table, nft_filter.h) — replacing
 * it when it EXISTS — or deletes FAMILY's table. Pure. */
void nft_put_replace(struct nl_batch *batch, const struct nft_objects *objects, bool exists);
void nft_put_delete(struct nl_batch *batch, uint32_t family);

#endif
