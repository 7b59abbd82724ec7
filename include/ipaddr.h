/* ipaddr: one IPv4 or IPv6 address, as a VIP is written in the config and
 * as the kernel reports it. Pure: no syscalls. */
#ifndef LVSAGENT_IPADDR_H
#define LVSAGENT_IPADDR_H

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
/* Total order (IPv4 before IPv6, then bytes) for qsort and bsearch. */
int ipaddr_compare(const struct ipaddr *a, const struct ipaddr *b);
int ipaddr_qsort_cmp(const void *a, const void *b);

/* Fill from raw bytes as netlink carries them; -1 if len does not fit family. */
int ipaddr_from_bytes(struct ipaddr *out, int family, const void *bytes, unsigned len);

#endif
