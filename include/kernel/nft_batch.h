/* nft_batch: the transactions that replace or delete lvsagent's table
 * (nft_objects.h says what it holds). Pure: only buffers. */
#ifndef LVSAGENT_KERNEL_NFT_BATCH_H
#define LVSAGENT_KERNEL_NFT_BATCH_H

#include <stdbool.h>

#include "kernel/netlink.h"
#include "kernel/nft_objects.h"

/* Append one whole transaction (BEGIN ... END) that creates the table as
 * DESIRED — replacing it when it EXISTS — or deletes it. Pure. */
void nft_put_replace(struct nl_batch *batch, const struct nft_desired *desired, bool exists);
void nft_put_delete(struct nl_batch *batch);

#endif
