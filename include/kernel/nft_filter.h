/* nft_filter: LVS-TUN's filter rules, in lvsagent's table of family inet
 * (`table inet lvsagent`), built, sent and read back like the ARP table
 * (nft_objects.h, nft_batch.h, nft_kernel.h) and replaced whole in one
 * transaction:
 *
 *   set directors4/6  the directors' addresses        (with directors)
 *   set vips4/6       the VIPs (intervals in route mode) (with mss)
 *   chain input   hook input
 *     for each encapsulation the real server takes (IP protocol 4, 41, 47,
 *     or GUE's UDP port) and each outer family:
 *       meta l4proto P  ip saddr != @directors4  counter drop
 *     so that only the directors reach the tunnel devices (the counter
 *     tells how many others tried); then, with mss, the client's SYN:
 *       ip daddr @vips4  tcp flags syn  tcp option maxseg size > MSS
 *                                       tcp option maxseg size set MSS
 *   chain output  hook output (with mss): the same for the real server's
 *     SYN-ACK from a VIP (ip saddr @vips4), which sets what the client
 *     sends through the tunnel.
 * Pure. */
#ifndef LVSAGENT_KERNEL_NFT_FILTER_H
#define LVSAGENT_KERNEL_NFT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/nft_expr.h"
#include "kernel/nft_objects.h"

#define NFT_FILTER_PROTO_MAX 3

struct nft_filter_desired {
	bool directors_given;		/* the directors' rules at all */
	struct nft_elements directors[2];	/* [0] IPv4, [1] IPv6 */
	uint8_t protos[NFT_FILTER_PROTO_MAX];	/* IP protocols of the encapsulation */
	size_t proto_count;
	uint16_t udp_port;		/* GUE's port (host order); 0: none */
	uint16_t mss;			/* 0: no clamping */
	struct nft_elements vips[2];	/* [0] IPv4, [1] IPv6: for mss */
};

/* The objects of the table DESIRED. */
void nft_filter_build(struct nft_objects *objects, const struct nft_filter_desired *desired);
/* Its canonical text (nft_objects_render's). */
char *nft_filter_render(const struct nft_filter_desired *desired);
void nft_filter_free(struct nft_filter_desired *desired);

#endif
