/* ipaddr: parsing, classifying and formatting VIP addresses. */
#include "ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int ipaddr_parse(const char *text, struct ipaddr *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (strchr(text, '/')) {
		*why = "a VIP is one address, not a prefix (leave out the /length)";
		return -1;
	}
	if (inet_pton(AF_INET, text, &out->v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &out->v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	*why = "not an IP address";
	return -1;
}

static const char *ipv4_refusal(uint32_t host_order)
{
	if (host_order == 0)
		return "the unspecified address 0.0.0.0 cannot be a VIP";
	if (host_order == 0xffffffffu)
		return "the limited broadcast address cannot be a VIP";
	if ((host_order >> 24) == 127)
		return "a loopback address (127.0.0.0/8) cannot be a VIP";
	if ((host_order >> 28) == 0xe)
		return "a multicast address (224.0.0.0/4) cannot be a VIP";
	return NULL;
}

static const char *ipv6_refusal(const struct in6_addr *a)
{
	if (IN6_IS_ADDR_UNSPECIFIED(a))
		return "the unspecified address :: cannot be a VIP";
	if (IN6_IS_ADDR_LOOPBACK(a))
		return "the loopback address ::1 cannot be a VIP";
	if (IN6_IS_ADDR_MULTICAST(a))
		return "a multicast address (ff00::/8) cannot be a VIP";
	/* A link-local /128 on lo is unreachable from any other link. */
	if (IN6_IS_ADDR_LINKLOCAL(a))
		return "a link-local address (fe80::/10) cannot be a VIP";
	if (IN6_IS_ADDR_V4MAPPED(a))
		return "an IPv4-mapped address cannot be a VIP (write the IPv4 address)";
	return NULL;
}

const char *ipaddr_vip_refusal(const struct ipaddr *addr)
{
	if (addr->family == AF_INET)
		return ipv4_refusal(ntohl(addr->v4.s_addr));
	return ipv6_refusal(&addr->v6);
}

unsigned ipaddr_len(const struct ipaddr *addr)
{
	return addr->family == AF_INET ? 4 : 16;
}

unsigned ipaddr_host_prefix(const struct ipaddr *addr)
{
	return ipaddr_len(addr) * 8;
}

const char *ipaddr_format(const struct ipaddr *addr, char *buf)
{
	if (!inet_ntop(addr->family, addr->bytes, buf, IPADDR_TEXT_MAX))
		snprintf(buf, IPADDR_TEXT_MAX, "?");
	return buf;
}

const char *ipaddr_format_host(const struct ipaddr *addr, char *buf)
{
	size_t used;

	ipaddr_format(addr, buf);
	used = strlen(buf);
	snprintf(buf + used, IPADDR_TEXT_MAX - used, "/%u", ipaddr_host_prefix(addr));
	return buf;
}

bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	return ipaddr_compare(a, b) == 0;
}

int ipaddr_compare(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	/* The hot comparison of every sort and lookup: IPv4 without memcmp. */
	if (a->family == AF_INET) {
		uint32_t x = ntohl(a->v4.s_addr), y = ntohl(b->v4.s_addr);
		return (x > y) - (x < y);
	}
	return memcmp(a->bytes, b->bytes, 16);
}

int ipaddr_qsort_cmp(const void *a, const void *b)
{
	return ipaddr_compare(a, b);
}

int ipaddr_from_bytes(struct ipaddr *out, int family, const void *bytes, unsigned len)
{
	memset(out, 0, sizeof(*out));
	if ((family == AF_INET && len != 4) || (family == AF_INET6 && len != 16))
		return -1;
	if (family != AF_INET && family != AF_INET6)
		return -1;
	out->family = (uint8_t)family;
	memcpy(out->bytes, bytes, len);
	return 0;
}
