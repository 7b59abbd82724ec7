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
	{ .name = "tunl0", .kind = "ipip", .type = TUNNEL_IPIP, .family = AF_INET,
	  .carries_ipv4 = true },
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

/* GRE with checksums: a device of lvsagent's own for DIRECTOR, carrying
 * the VIPs of either family (GRE says what is inside). */
static void own_gre_spec(const struct rs_config *cfg, const struct ipaddr *director,
			 struct tunnel_spec *spec)
{
	bool v4 = director->family == AF_INET;

	memset(spec, 0, sizeof(*spec));
	snprintf(spec->name, sizeof(spec->name), v4 ? "lvsgre%08x" : "lvs6gre%08x",
		 v4 ? ntohl(director->v4.s_addr) : address_hash(director));
	spec->kind = v4 ? "gre" : "ip6gre";
	spec->type = TUNNEL_GRE;
	spec->family = director->family;
	spec->carries_ipv4 = has_vip_family(cfg, AF_INET);
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
	spec->family = AF_INET6;
	spec->carries_ipv4 = true;
	spec->own = true;
	spec->remote = *director;
	spec->mode = "any";
}

/* IPv6 VIPs from the IPv4 DIRECTOR (IPv6 inside IPv4, protocol 41, which
 * is the sit module's): a sit device of mode ip6ip, the director as its
 * remote end (a device with a remote end is not checked for 6to4
 * spoofing, and is taken before the fallback sit0, left down). */
static void own_6in4_spec(const struct ipaddr *director, struct tunnel_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	snprintf(spec->name, sizeof(spec->name), "lvs6in4%08x", ntohl(director->v4.s_addr));
	spec->kind = "sit";
	spec->type = TUNNEL_IPIP;
	spec->family = AF_INET;
	spec->own = true;
	spec->remote = *director;
	spec->mode = "ip6ip";
}

static bool has_director_family(const struct rs_config *cfg, int family)
{
	for (size_t i = 0; i < cfg->tun.director_count; i++)
		if (cfg->tun.directors[i].family == family)
			return true;
	return false;
}

static int other_family(int family)
{
	return family == AF_INET ? AF_INET6 : AF_INET;
}

/* Whether CFG's director may send packets of outer FAMILY: for VIPs of
 * that family, or (the mixed case, known only by the directors' own
 * addresses) for the other family's VIPs from a director of FAMILY. */
static bool outer_family_wanted(const struct rs_config *cfg, int family)
{
	return has_vip_family(cfg, family) ||
	       (has_vip_family(cfg, other_family(family)) && has_director_family(cfg, family));
}

/* A GRE fallback hands on whatever GRE says is inside: gre0 an IPv6
 * VIP's packets from an IPv4 director too, ip6gre0 an IPv4 VIP's from an
 * IPv6 one. The ipip fallbacks take their own inner family only. */
static bool fallback_wanted(const struct rs_config *cfg, const struct tunnel_spec *spec,
			    struct tunnel_spec *out)
{
	if (spec->type != device_type(cfg->tun.type))
		return false;
	*out = *spec;
	if (spec->type == TUNNEL_IPIP)
		return has_vip_family(cfg, spec->family);
	out->carries_ipv4 = has_vip_family(cfg, AF_INET) &&
			    (spec->family == AF_INET || has_director_family(cfg, AF_INET6));
	return outer_family_wanted(cfg, spec->family);
}

/* The mixed case for ipip and gue: a device of lvsagent's own per
 * director of the other family than some VIPs. */
static bool own_mixed_spec(const struct rs_config *cfg, const struct ipaddr *director,
			   struct tunnel_spec *out)
{
	if (device_type(cfg->tun.type) != TUNNEL_IPIP ||
	    !has_vip_family(cfg, other_family(director->family)))
		return false;
	if (director->family == AF_INET6)
		own_4in6_spec(director, out);
	else
		own_6in4_spec(director, out);
	return true;
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
	 * which is the VIP's (the fallbacks), or the other one (the mixed
	 * case, known by the directors' addresses). */
	for (size_t i = 0; own_devices(cfg) && i < cfg->tun.director_count; i++)
		if (cfg->vip_count)
			own_gre_spec(cfg, &cfg->tun.directors[i], &(*out)[n++]);
	for (size_t i = 0; !own_devices(cfg) && i < TUNNEL_FALLBACKS; i++)
		n += fallback_wanted(cfg, &specs[i], &(*out)[n]);
	for (size_t i = 0; i < cfg->tun.director_count; i++)
		n += own_mixed_spec(cfg, &cfg->tun.directors[i], &(*out)[n]);
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
	/* fou hands the packet inside on by its protocol, to the devices
	 * of that outer family (the mixed case's too). */
	for (size_t i = 0; i < 2; i++)
		if (outer_family_wanted(cfg, families[i]))
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
		found = wanted[i].carries_ipv4;
	free(wanted);
	return found;
}
