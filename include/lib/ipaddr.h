/* ipaddr: one IPv4 or IPv6 address, as a VIP is written in the config and
 * as the kernel reports it. Pure: no syscalls. */
#ifndef LVSAGENT_LIB_IPADDR_H
#define LVSAGENT_LIB_IPADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct ipaddr {
	uint8_t family;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	};
};

/* Room for any formatted address, with a "/128" suffix. */
#define IPADDR_TEXT_MAX (INET6_ADDRSTRLEN + 4)

/* Parse a single address. Returns 0, or -1 with *why set to a static
 * sentence saying what is wrong ("not an IP address", "a prefix, not a
 * single address", ...). Does not judge whether it may be a VIP. */
int ipaddr_parse(const char *text, struct ipaddr *out, const char **why);

/* Why this address can never be a VIP (unspecified, multicast, loopback,
 * limited broadcast, link-local, IPv4-mapped), or NULL when it can. */
const char *ipaddr_vip_refusal(const struct ipaddr *addr);

/* Address length in bytes (4 or 16) and host prefix length (32 or 128). */
unsigned ipaddr_len(const struct ipaddr *addr);
unsigned ipaddr_host_prefix(const struct ipaddr *addr);

/* Canonical text (inet_ntop) into buf, which holds IPADDR_TEXT_MAX. */
const char *ipaddr_format(const struct ipaddr *addr, char *buf);
/* Canonical text with the host prefix: "192.0.2.1/32". */
const char *ipaddr_format_host(const struct ipaddr *addr, char *buf);

bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);

/* Total order (IPv4 before IPv6, then bytes) for sorting and searching.
 * Inline: it is the inner loop of every sort and lookup of 10 000 VIPs. */
static inline int ipaddr_compare(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	if (a->family == AF_INET) {
		uint32_t x = __builtin_bswap32(a->v4.s_addr), y = __builtin_bswap32(b->v4.s_addr);
		return (x > y) - (x < y);
	}
	return __builtin_memcmp(a->bytes, b->bytes, 16);
}
int ipaddr_qsort_cmp(const void *a, const void *b);

/* Index of the first of COUNT sorted addresses not below KEY (COUNT if
 * none): the one binary search behind every lookup. */
size_t ipaddr_lower_bound(const void *base, size_t count, size_t stride, size_t offset,
			  const struct ipaddr *key);
/* The same, starting from *HINT (the previous answer, updated): a run of
 * ascending keys, as configurations usually list VIPs, costs O(1) a key
 * instead of O(log COUNT); any other key falls back to the whole search. */
size_t ipaddr_lower_bound_near(const void *base, size_t count, size_t stride, size_t offset,
			       const struct ipaddr *key, size_t *hint);

/* qsort, unless the array already is in order (dumps and state files
 * usually are): one pass instead of n log n comparisons. */
void sort_unless_sorted(void *base, size_t count, size_t stride,
			int (*compare)(const void *, const void *));

/* Fill from raw bytes as netlink carries them; -1 if len does not fit family. */
int ipaddr_from_bytes(struct ipaddr *out, int family, const void *bytes, unsigned len);

#endif
