/* nft_kernel: lvsagent's nftables table read back from the kernel, and
 * transactions committed. */
#ifndef LVSAGENT_KERNEL_NFT_KERNEL_H
#define LVSAGENT_KERNEL_NFT_KERNEL_H

#include <stdint.h>

#include "kernel/netlink.h"

/* Dump FAMILY's table (NFPROTO_ARP, NFPROTO_INET) from the kernel into
 * *TEXT (NULL when there is none), and into *COUNTED (unless NULL) the
 * packets its counters counted. 0, or -errno (-EPROTONOSUPPORT: the
 * kernel has no nftables). */
int nft_observe(struct nl_conn *conn, uint32_t family, char **text, uint64_t *counted);

/* Send a transaction from nft_put_*. 0 when the kernel committed it;
 * otherwise the first refusal, with the kernel's reason, in *FAILURE. */
int nft_commit(struct nl_conn *conn, struct nl_batch *batch, struct nl_result *failure);

#endif
