/* ipprefix: addresses with a prefix length. See ipprefix.h. */
#include "lib/ipprefix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Bits [LEN, end) of ADDR cleared, or set (SET). */
static void fill_host_bits(struct ipaddr *addr, unsigned len, bool set)
{
	unsigned total = ipaddr_host_prefix(addr);

	for (unsigned bit = len; bit < total; bit++) {
		uint8_t mask = (uint8_t)(0x80u >> (bit % 8));
		if (set)
			addr->bytes[bit / 8] |= mask;
		else
			addr->bytes[bit / 8] &= (uint8_t)~mask;
	}
}

static int parse_len(const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n;

	if (!*text || strspn(text, "0123456789") != strlen(text) || strlen(text) > 3)
		return -1;
	n = strtoul(text, &end, 10);
	if (n > max)
		return -1;
	*out = (unsigned)n;
	return 0;
}

int ipprefix_parse(const char *text, struct ipprefix *out, const char **why)
{
	char addr_text[IPPREFIX_TEXT_MAX];
	const char *slash = strchr(text, '/');
	size_t addr_len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned len;
	struct ipaddr masked;

	memset(out, 0, sizeof(*out));
	if (addr_len >= sizeof(addr_text)) {
		*why = "not an IP address";
		return -1;
	}
	memcpy(addr_text, text, addr_len);
	addr_text[addr_len] = '\0';
	if (ipaddr_parse(addr_text, &out->addr, why) < 0)
		return -1;
	len = ipaddr_host_prefix(&out->addr);
	if (slash && parse_len(slash + 1, ipaddr_host_prefix(&out->addr), &len) < 0) {
		*why = out->addr.family == AF_INET ? "the prefix length must be 0 to 32"
						   : "the prefix length must be 0 to 128";
		return -1;
	}
	masked = out->addr;
	fill_host_bits(&masked, len, false);
	if (!ipaddr_equal(&masked, &out->addr)) {
		*why = "has bits set past the prefix length (write the block's first address)";
		return -1;
	}
	out->len = (uint8_t)len;
	return 0;
}

bool ipprefix_is_host(const struct ipprefix *prefix)
{
	return prefix->len == ipaddr_host_prefix(&prefix->addr);
}

bool ipprefix_contains(const struct ipprefix *prefix, const struct ipaddr *addr)
{
	struct ipaddr masked = *addr;

	if (addr->family != prefix->addr.family)
		return false;
	fill_host_bits(&masked, prefix->len, false);
	return ipaddr_equal(&masked, &prefix->addr);
}

bool ipprefix_overlap(const struct ipprefix *a, const struct ipprefix *b)
{
	return a->len <= b->len ? ipprefix_contains(a, &b->addr) : ipprefix_contains(b, &a->addr);
}

int ipprefix_compare(const struct ipprefix *a, const struct ipprefix *b)
{
	int c = ipaddr_compare(&a->addr, &b->addr);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

int ipprefix_qsort_cmp(const void *a, const void *b)
{
	return ipprefix_compare(a, b);
}

void ipprefix_last(const struct ipprefix *prefix, struct ipaddr *out)
{
	*out = prefix->addr;
	fill_host_bits(out, prefix->len, true);
}

const char *ipprefix_format(const struct ipprefix *prefix, char *buf)
{
	size_t used;

	ipaddr_format(&prefix->addr, buf);
	used = strlen(buf);
	snprintf(buf + used, IPPREFIX_TEXT_MAX - used, "/%u", prefix->len);
	return buf;
}
