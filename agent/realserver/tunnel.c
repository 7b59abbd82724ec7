/* tunnel: the fallback devices of LVS-TUN. See tunnel.h. */
#include "realserver/tunnel.h"

#include <linux/fou.h>
#include <string.h>
#include <sys/socket.h>

static const struct tunnel_spec specs[] = {
	{ "tunl0", "ipip", TUNNEL_IPIP, AF_INET },
	{ "ip6tnl0", "ip6tnl", TUNNEL_IPIP, AF_INET6 },
	{ "gre0", "gre", TUNNEL_GRE, AF_INET },
	{ "ip6gre0", "ip6gre", TUNNEL_GRE, AF_INET6 },
};

const struct tunnel_spec *tunnel_spec_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
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

size_t tunnel_specs_wanted(const struct rs_config *cfg, const struct tunnel_spec **out)
{
	size_t n = 0;

	if (cfg->tun.method != METHOD_TUN)
		return 0;
	/* The director encapsulates in the real server's address family,
	 * which the VIP's family is (the mixed cases need devices of
	 * lvsagent's own, not done yet). */
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (specs[i].type == device_type(cfg->tun.type) && has_vip_family(cfg, specs[i].family))
			out[n++] = &specs[i];
	return n;
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
	const struct tunnel_spec *wanted[TUNNEL_SPEC_MAX];
	size_t n = tunnel_specs_wanted(cfg, wanted);

	for (size_t i = 0; i < n; i++)
		if (strcmp(wanted[i]->name, name) == 0)
			return true;
	return false;
}

bool tunnel_wants_ipv4(const struct rs_config *cfg)
{
	const struct tunnel_spec *wanted[TUNNEL_SPEC_MAX];
	size_t n = tunnel_specs_wanted(cfg, wanted);

	for (size_t i = 0; i < n; i++)
		if (wanted[i]->family == AF_INET)
			return true;
	return false;
}
