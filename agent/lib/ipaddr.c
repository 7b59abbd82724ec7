/* ipaddr: parsing, classifying and formatting VIP addresses. */
#include "lib/ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Strict dotted quad, as inet_pton reads it (no leading zeros, no
 * shorthand), without its generality: configs and state files carry
 * thousands. */
static bool parse_ipv4(const char *text, uint8_t *octets)
{
	for (int i = 0; i < 4; i++) {
		unsigned value = 0, digits = 0;
		while (*text >= '0' && *text <= '9' && digits < 4) {
			if (digits && value == 0)
				return false;	/* a leading zero */
			value = value * 10 + (unsigned)(*text++ - '0');
			digits++;
		}
		if (!digits || value > 255 || *text != (i < 3 ? '.' : '\0'))
			return false;
		octets[i] = (uint8_t)value;
		text++;
	}
	return true;
}

int ipaddr_parse(const char *text, struct ipaddr *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (strchr(text, '/')) {
		*why = "a VIP is one address, not a prefix (leave out the /length)";
		return -1;
	}
	if (parse_ipv4(text, out->bytes)) {
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

/* Dotted quad by hand: state files and tables of 10 000 VIPs are written
 * often, and inet_ntop goes through sprintf for every octet. */
static char *format_ipv4(const uint8_t *octet, char *buf)
{
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		unsigned v = octet[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	return buf;
}

const char *ipaddr_format(const struct ipaddr *addr, char *buf)
{
	if (addr->family == AF_INET)
		return format_ipv4(addr->bytes, buf);
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

static const struct ipaddr *nth(const void *base, size_t i, size_t stride, size_t offset)
{
	return (const void *)((const char *)base + i * stride + offset);
}

/* The first index in [LO, HI) not below KEY, or HI. */
static size_t search(const void *base, size_t lo, size_t hi, size_t stride, size_t offset,
		     const struct ipaddr *key)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ipaddr_compare(nth(base, mid, stride, offset), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t ipaddr_lower_bound(const void *base, size_t count, size_t stride, size_t offset,
			  const struct ipaddr *key)
{
	return search(base, 0, count, stride, offset, key);
}

size_t ipaddr_lower_bound_near(const void *base, size_t count, size_t stride, size_t offset,
			       const struct ipaddr *key, size_t *hint)
{
	size_t lo = *hint, step = 1;

	/* Everything before the hint must be below KEY for it to help. */
	if (lo > count || (lo > 0 && ipaddr_compare(nth(base, lo - 1, stride, offset), key) >= 0))
		return *hint = search(base, 0, count, stride, offset, key);
	/* Gallop: windows of 1, 2, 4... until one ends at or past KEY. */
	while (lo + step <= count &&
	       ipaddr_compare(nth(base, lo + step - 1, stride, offset), key) < 0) {
		lo += step;
		step *= 2;
	}
	return *hint = search(base, lo, lo + step <= count ? lo + step - 1 : count, stride, offset,
			      key);
}

void sort_unless_sorted(void *base, size_t count, size_t stride,
			int (*compare)(const void *, const void *))
{
	for (size_t i = 1; i < count; i++) {
		const char *prev = (const char *)base + (i - 1) * stride;
		if (compare(prev, prev + stride) > 0) {
			qsort(base, count, stride, compare);
			return;
		}
	}
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
