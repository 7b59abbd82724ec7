/* tunnel: the fallback devices of LVS-TUN. See tunnel.h. */
#include "realserver/tunnel.h"

#include <arpa/inet.h>
#include <linux/fou.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/xalloc.h"

static const struct tunnel_spec specs[] = {
	{ .name = "tunl0", .kind = "ipip", .type = TUNNEL_IPIP, .family = AF_INET },
	{ .name = "ip6tnl0", .kind = "ip6tnl", .type = TUNNEL_IPIP, .family = AF_INET6 },
	{ .name = "gre0", .kind = "gre", .type = TUNNEL_GRE, .family = AF_INET },
	{ .name = "ip6gre0", .kind = "ip6gre", .type = TUNNEL_GRE, .family = AF_INET6 },
};
#define TUNNEL_FALLBACKS (sizeof(specs) / sizeof(specs[0]))

const struct tunnel_spec *tunnel_spec_by_name(const char *name)
{
	for (size_t i = 0; i < TUNNEL_FALLBACKS; i++)
		if (strcmp(specs[i].name, name) == 0)
			return &specs[i];
	return NULL;
}

static bool has_vip_family(const struct rs_config *cfg, int family)
{
	for (size_t i = 0; i < cfg->vip_count; i++)
		if (cfg->vips[i].addr.family == family)
			return true;
	return false;
}

/* GUE carries the packet as ipip does once fou has taken the UDP header
 * off: the ipip devices receive it. */
static enum tunnel_type device_type(enum tunnel_type type)
{
	return type == TUNNEL_GUE ? TUNNEL_IPIP : type;
}

/* 32 bits of an IPv6 address for a name (FNV-1a). */
static uint32_t address_hash(const struct ipaddr *addr)
{
	uint32_t hash = 2166136261u;

	for (unsigned i = 0; i < ipaddr_len(addr); i++)
		hash = (hash ^ addr->bytes[i]) * 16777619u;
	return hash;
}

/* GRE with checksums: a device of lvsagent's own for DIRECTOR. */
static void own_gre_spec(const struct ipaddr *director, struct tunnel_spec *spec)
{
	bool v4 = director->family == AF_INET;

	memset(spec, 0, sizeof(*spec));
	snprintf(spec->name, sizeof(spec->name), v4 ? "lvsgre%08x" : "lvs6gre%08x",
		 v4 ? ntohl(director->v4.s_addr) : address_hash(director));
	spec->kind = v4 ? "gre" : "ip6gre";
	spec->type = TUNNEL_GRE;
	spec->family = director->family;
	spec->own = true;
	spec->remote = *director;
	spec->mode = "csum";
}

/* IPv4 VIPs from the IPv6 DIRECTOR: an ip6tnl device of mode any. Not
 * ipip6: the lookup gives it the director's ip6ip6 packets too (for IPv6
 * VIPs), before ip6tnl0, and a device of another mode drops them. */
static void own_4in6_spec(const struct ipaddr *director, struct tunnel_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	snprintf(spec->name, sizeof(spec->name), "lvs4in6%08x", address_hash(director));
	spec->kind = "ip6tnl";
	spec->type = TUNNEL_IPIP;
	spec->family = AF_INET;
	spec->own = true;
	spec->remote = *director;
	spec->mode = "any";
}

static bool own_devices(const struct rs_config *cfg)
{
	return cfg->tun.type == TUNNEL_GRE && cfg->tun.csum != CSUM_NONE;
}

size_t tunnel_specs_wanted(const struct rs_config *cfg, struct tunnel_spec **out)
{
	size_t n = 0;

	*out = NULL;
	if (cfg->tun.method != METHOD_TUN)
		return 0;
	*out = xcalloc(2 * cfg->tun.director_count + TUNNEL_FALLBACKS, sizeof(**out));
	/* The director encapsulates in the real server's address family,
	 * which is the VIP's (the fallbacks), or IPv6 for an IPv4 VIP (the
	 * mixed case, by the IPv6 directors). */
	for (size_t i = 0; own_devices(cfg) && i < cfg->tun.director_count; i++)
		if (has_vip_family(cfg, cfg->tun.directors[i].family))
			own_gre_spec(&cfg->tun.directors[i], &(*out)[n++]);
	for (size_t i = 0; !own_devices(cfg) && i < TUNNEL_FALLBACKS; i++)
		if (specs[i].type == device_type(cfg->tun.type) && has_vip_family(cfg, specs[i].family))
			(*out)[n++] = specs[i];
	for (size_t i = 0; cfg->tun.type == TUNNEL_IPIP && i < cfg->tun.director_count; i++)
		if (cfg->tun.directors[i].family == AF_INET6 && has_vip_family(cfg, AF_INET))
			own_4in6_spec(&cfg->tun.directors[i], &(*out)[n++]);
	return n;
}

const char *tunnel_own_alias(const struct tunnel_spec *spec, char *buf, size_t len)
{
	char remote[IPADDR_TEXT_MAX];

	snprintf(buf, len, TUNNEL_OWN_ALIAS_PREFIX "%s %s from %s", spec->kind, spec->mode,
		 ipaddr_format(&spec->remote, remote));
	return buf;
}

bool tunnel_alias_is_own(const char *alias)
{
	return strncmp(alias, TUNNEL_OWN_ALIAS_PREFIX, strlen(TUNNEL_OWN_ALIAS_PREFIX)) == 0;
}

size_t tunnel_fou_wanted(const struct rs_config *cfg, struct fou_port *out)
{
	static const int families[] = { AF_INET, AF_INET6 };
	size_t n = 0;

	if (cfg->tun.method != METHOD_TUN || cfg->tun.type != TUNNEL_GUE)
		return 0;
	for (size_t i = 0; i < 2; i++)
		if (has_vip_family(cfg, families[i]))
			out[n++] = (struct fou_port){ .port = (uint16_t)cfg->tun.port,
						      .family = (uint8_t)families[i],
						      .type = FOU_ENCAP_GUE };
	return n;
}

bool tunnel_device_wanted(const struct rs_config *cfg, const char *name)
{
	struct tunnel_spec *wanted;
	size_t n = tunnel_specs_wanted(cfg, &wanted);
	bool found = false;

	for (size_t i = 0; i < n && !found; i++)
		found = strcmp(wanted[i].name, name) == 0;
	free(wanted);
	return found;
}

bool tunnel_wants_ipv4(const struct rs_config *cfg)
{
	struct tunnel_spec *wanted;
	size_t n = tunnel_specs_wanted(cfg, &wanted);
	bool found = false;

	for (size_t i = 0; i < n && !found; i++)
		found = wanted[i].family == AF_INET;
	free(wanted);
	return found;
}
