/* ipprefix: an address with a prefix length — a VIP of route mode, which
 * may be a whole block (198.51.100.0/24) served through one local route.
 * Pure: no syscalls. */
#ifndef LVSAGENT_LIB_IPPREFIX_H
#define LVSAGENT_LIB_IPPREFIX_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/ipaddr.h"

struct ipprefix {
	struct ipaddr addr;		/* host bits zero */
	uint8_t len;			/* 0..32 or 0..128 */
};

/* Room for "ADDRESS/LEN". */
#define IPPREFIX_TEXT_MAX IPADDR_TEXT_MAX

/* "ADDRESS" (the host prefix) or "ADDRESS/LEN". Host bits must be zero: a
 * typo there would otherwise serve another block than the one written.
 * 0, or -1 with *why a static sentence. */
int ipprefix_parse(const char *text, struct ipprefix *out, const char **why);

bool ipprefix_is_host(const struct ipprefix *prefix);
/* Whether ADDR lies inside PREFIX. */
bool ipprefix_contains(const struct ipprefix *prefix, const struct ipaddr *addr);
/* Whether the two share an address: aligned prefixes are either nested
 * or apart, so this is containment one way or the other. */
bool ipprefix_overlap(const struct ipprefix *a, const struct ipprefix *b);
/* By address, then by length (the wider first). */
int ipprefix_compare(const struct ipprefix *a, const struct ipprefix *b);
int ipprefix_qsort_cmp(const void *a, const void *b);
/* The last address of PREFIX. */
void ipprefix_last(const struct ipprefix *prefix, struct ipaddr *out);
/* "198.51.100.0/24"; "192.0.2.1/32" for a host. */
const char *ipprefix_format(const struct ipprefix *prefix, char *buf);

#endif
