/* config: the [realserver] section — VIPs, uplinks, ARP suppression —
 * as one part of the configuration file (core/config.h). */
#include "realserver/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static struct rs_config *rs_of(struct config_parser *p)
{
	return p->data;
}

static void add_vip(struct config_parser *p, const char *item)
{
	struct rs_config *rs = rs_of(p);
	struct ipprefix prefix;
	const char *why;

	/* A prefix is read here and refused in finish() unless vip_mode =
	 * route, which may come later in the section. */
	if (ipprefix_parse(item, &prefix, &why) < 0) {
		ERR(p, "vip \"%s\": %s", item, why);
		return;
	}
	why = ipaddr_vip_refusal(&prefix.addr);
	if (why) {
		ERR(p, "vip \"%s\": %s", item, why);
		return;
	}
	XGROW(rs->vips, rs->vip_count, rs->vip_capacity);
	rs->vips[rs->vip_count++] = (struct vip){ .addr = prefix.addr, .prefix_len = prefix.len,
						  .line = p->line };
}

static void parse_vip(struct config_parser *p, const char *value)
{
	config_for_each_item(p, value, add_vip);
}

/* The kernel's dev_valid_name(), plus the sysctl directories' names. */
static const char *iface_name_problem(const char *name)
{
	if (strlen(name) > IFNAMSIZ - 1)
		return "is longer than 15 characters, the kernel's limit";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strpbrk(name, "/:"))
		return "is not a valid interface name";
	if (strcmp(name, "all") == 0 || strcmp(name, "default") == 0)
		return "names a sysctl directory, not an interface (all is always set)";
	return NULL;
}

static bool iface_listed(const struct rs_config *rs, const char *name)
{
	for (size_t i = 0; i < rs->interface_count; i++)
		if (strcmp(rs->interfaces[i].name, name) == 0)
			return true;
	return false;
}

static void add_interface(struct config_parser *p, const char *item)
{
	struct rs_config *rs = rs_of(p);
	const char *problem = iface_name_problem(item);

	if (problem) {
		ERR(p, "interface \"%s\" %s", item, problem);
		return;
	}
	/* lo always gets the sysctls; naming it again changes nothing. */
	if (strcmp(item, "lo") == 0 || iface_listed(rs, item))
		return;
	XGROW(rs->interfaces, rs->interface_count, rs->interface_capacity);
	struct iface_name *slot = &rs->interfaces[rs->interface_count++];
	memset(slot, 0, sizeof(*slot));
	strcpy(slot->name, item);
	slot->line = p->line;
}

static void parse_interfaces(struct config_parser *p, const char *value)
{
	rs_of(p)->interfaces_given = true;
	config_for_each_item(p, value, add_interface);
}

static void parse_arp_ignore(struct config_parser *p, const char *value)
{
	int n;

	if (!config_small_int(value, &n) || !(n == 1 || n == 2 || n == 3 || n == 8)) {
		ERR(p, "arp_ignore must be 1, 2, 3 or 8, not \"%s\"", value);
		return;
	}
	rs_of(p)->arp_ignore = n;
}

static void parse_arp_announce(struct config_parser *p, const char *value)
{
	int n;

	if (!config_small_int(value, &n) || !(n == 1 || n == 2)) {
		ERR(p, "arp_announce must be 1 or 2, not \"%s\"", value);
		return;
	}
	rs_of(p)->arp_announce = n;
}

static void parse_suppression(struct config_parser *p, const char *value)
{
	for (int i = SUPPRESS_SYSCTL; i <= SUPPRESS_BOTH; i++) {
		if (strcmp(value, suppression_name((enum suppression)i)) == 0) {
			rs_of(p)->suppression = (enum suppression)i;
			return;
		}
	}
	ERR(p, "suppression must be sysctl, nftables or both, not \"%s\"", value);
}

static void parse_vip_mode(struct config_parser *p, const char *value)
{
	if (strcmp(value, "address") == 0 || strcmp(value, "route") == 0)
		rs_of(p)->vip_mode = strcmp(value, "route") == 0 ? VIP_MODE_ROUTE : VIP_MODE_ADDRESS;
	else
		ERR(p, "vip_mode must be address or route, not \"%s\"", value);
}

static void parse_on_stop(struct config_parser *p, const char *value)
{
	if (strcmp(value, "withdraw") == 0 || strcmp(value, "keep") == 0)
		rs_of(p)->keep_on_stop = strcmp(value, "keep") == 0;
	else
		ERR(p, "on_stop must be withdraw or keep, not \"%s\"", value);
}

/* The LVS-TUN keys, handed to config_tun with the section's values. */
#define TUN_KEY(name, parser)							\
	static void parse_##name(struct config_parser *p, const char *value)	\
	{									\
		parser(p, &rs_of(p)->tun, value);				\
	}
TUN_KEY(method, tun_parse_method)
TUN_KEY(tunnel, tun_parse_tunnel)
TUN_KEY(tunnel_port, tun_parse_port)
TUN_KEY(tunnel_csum, tun_parse_csum)
TUN_KEY(directors, tun_parse_directors)
TUN_KEY(mss, tun_parse_mss)

static const struct config_key keys[] = {
	{ "realserver", "vip", true, parse_vip },
	{ "realserver", "interfaces", true, parse_interfaces },
	{ "realserver", "arp_ignore", false, parse_arp_ignore },
	{ "realserver", "arp_announce", false, parse_arp_announce },
	{ "realserver", "suppression", false, parse_suppression },
	{ "realserver", "on_stop", false, parse_on_stop },
	{ "realserver", "vip_mode", false, parse_vip_mode },
	{ "realserver", "method", false, parse_method },
	{ "realserver", "tunnel", false, parse_tunnel },
	{ "realserver", "tunnel_port", false, parse_tunnel_port },
	{ "realserver", "tunnel_csum", false, parse_tunnel_csum },
	{ "realserver", "directors", true, parse_directors },
	{ "realserver", "mss", false, parse_mss },
};

static void defaults(void *data)
{
	struct rs_config *rs = data;

	rs->arp_ignore = 1;
	rs->arp_announce = 2;
	rs->suppression = SUPPRESS_SYSCTL;
}

static int compare_vips(const void *a, const void *b)
{
	const struct vip *va = a, *vb = b;
	int by_addr = ipaddr_compare(&va->addr, &vb->addr);

	if (!by_addr)
		by_addr = (va->prefix_len > vb->prefix_len) - (va->prefix_len < vb->prefix_len);
	return by_addr ? by_addr : va->line - vb->line;
}

struct ipprefix vip_prefix(const struct vip *vip)
{
	return (struct ipprefix){ .addr = vip->addr, .len = vip->prefix_len };
}

bool rs_config_has_prefix(const struct rs_config *rs)
{
	for (size_t i = 0; i < rs->vip_count; i++)
		if (rs->vips[i].prefix_len != ipaddr_host_prefix(&rs->vips[i].addr))
			return true;
	return false;
}

/* Sorted by address then the wider first, a VIP overlaps an earlier one
 * exactly when the last one not inside another (COVER) contains it:
 * aligned prefixes are nested or apart. */
static void report_overlap(struct config_parser *p, const struct vip *vip, const struct vip *cover)
{
	char text[IPPREFIX_TEXT_MAX], other[IPPREFIX_TEXT_MAX];
	struct ipprefix a = vip_prefix(vip), b = vip_prefix(cover);

	if (ipaddr_equal(&vip->addr, &cover->addr) && vip->prefix_len == cover->prefix_len)
		diag_add(p->diag, p->cfg->file, vip->line, "duplicate VIP %s (also on line %d)",
			 ipprefix_is_host(&a) ? ipaddr_format(&vip->addr, text)
					      : ipprefix_format(&a, text), cover->line);
	else
		diag_add(p->diag, p->cfg->file, vip->line,
			 "VIP %s overlaps %s (line %d): each address may be in one VIP only",
			 ipprefix_format(&a, text), ipprefix_format(&b, other), cover->line);
}

static void check_prefix_modes(struct config_parser *p)
{
	struct rs_config *rs = rs_of(p);
	char text[IPPREFIX_TEXT_MAX];

	if (rs->vip_mode == VIP_MODE_ROUTE)
		return;
	for (size_t i = 0; i < rs->vip_count; i++) {
		struct ipprefix prefix = vip_prefix(&rs->vips[i]);
		if (!ipprefix_is_host(&prefix))
			diag_add(p->diag, p->cfg->file, rs->vips[i].line,
				 "vip \"%s\": a VIP is one address, not a prefix, unless "
				 "vip_mode = route (leave out the /length)",
				 ipprefix_format(&prefix, text));
	}
}

/* Sorting keeps the duplicate check O(n log n) for 10 000 VIPs; the list is
 * put back in file order afterwards so output follows the config. */
static void check_duplicate_vips(struct config_parser *p)
{
	struct rs_config *rs = rs_of(p);
	struct vip *sorted;

	if (rs->vip_count < 2)
		return;
	sorted = xcalloc(rs->vip_count, sizeof(*sorted));
	memcpy(sorted, rs->vips, rs->vip_count * sizeof(*sorted));
	sort_unless_sorted(sorted, rs->vip_count, sizeof(*sorted), compare_vips);
	for (size_t i = 1, cover = 0; i < rs->vip_count; i++) {
		struct ipprefix outer = vip_prefix(&sorted[cover]);
		if (ipprefix_contains(&outer, &sorted[i].addr))
			report_overlap(p, &sorted[i], &sorted[cover]);
		else
			cover = i;
	}
	free(sorted);
}

/* Checks that need the whole file: prefixes outside route mode, duplicate
 * and overlapping VIPs, the tunnel's keys. */
static void finish(struct config_parser *p)
{
	check_prefix_modes(p);
	check_duplicate_vips(p);
	tun_finish(p, &rs_of(p)->tun);
}

static void free_values(void *data)
{
	struct rs_config *rs = data;

	free(rs->vips);
	free(rs->interfaces);
	free(rs->tun.directors);
}

static void summary(const void *data, char *buf, size_t len)
{
	const struct rs_config *rs = data;

	snprintf(buf, len, "%zu VIP%s", rs->vip_count, rs->vip_count == 1 ? "" : "s");
}

const struct config_part rs_config_part = {
	.name = "realserver",
	.keys = keys,
	.key_count = sizeof(keys) / sizeof(keys[0]),
	.size = sizeof(struct rs_config),
	.defaults = defaults,
	.finish = finish,
	.free = free_values,
	.check_links = config_check_interfaces,
	.summary = summary,
};

const struct rs_config *rs_config_of(const struct config *cfg)
{
	return config_part_data(cfg, &rs_config_part);
}

int config_require_realserver(const struct config *cfg, struct diag *diag)
{
	if (rs_config_of(cfg)->vip_count)
		return 0;
	diag_add(diag, cfg->file, 0, "no VIP configured (add \"vip = ADDRESS\" under [realserver])");
	return -1;
}

/* A prefix VIP holding an address the host has (other than a VIP address
 * lvsagent put on lo, which route mode replaces): that address, and with
 * it the host's neighbours' if it is an uplink's, would become local. */
static int check_prefixes_cover(const struct config *cfg, const struct netdevs *net,
				struct diag *diag)
{
	const struct rs_config *rs = rs_config_of(cfg);
	int errors = 0;

	for (size_t i = 0; i < rs->vip_count; i++) {
		struct ipprefix prefix = vip_prefix(&rs->vips[i]);
		char text[IPPREFIX_TEXT_MAX], addr[IPADDR_TEXT_MAX];
		const struct rtnl_addr *own = NULL;
		if (ipprefix_is_host(&prefix))
			continue;
		for (size_t a = 0; !own && a < net->addr_count; a++)
			if (ipprefix_contains(&prefix, &net->addrs[a].addr) &&
			    !rtnl_addr_has_lvsagent_mark(&net->addrs[a]))
				own = &net->addrs[a];
		if (!own)
			continue;
		const struct rtnl_link *link = netdev_by_index(net, own->ifindex);
		diag_add(diag, cfg->file, rs->vips[i].line,
			 "vip %s covers %s, an address of %s (the host's own): a local route "
			 "would take it, and its neighbours, for this host",
			 ipprefix_format(&prefix, text), ipaddr_format(&own->addr, addr),
			 link ? link->name : "another interface");
		errors++;
	}
	return errors;
}

int config_check_interfaces(const struct config *cfg, const struct netdevs *net, struct diag *diag)
{
	const struct rs_config *rs = rs_config_of(cfg);
	int errors = 0;

	for (size_t i = 0; i < rs->interface_count; i++) {
		const struct iface_name *iface = &rs->interfaces[i];
		if (netdev_by_name(net, iface->name))
			continue;
		diag_add(diag, cfg->file, iface->line, "interface \"%s\" does not exist",
			 iface->name);
		errors++;
	}
	errors += check_prefixes_cover(cfg, net, diag);
	return errors ? -1 : 0;
}

const char *suppression_name(enum suppression suppression)
{
	static const char *const names[] = { "sysctl", "nftables", "both" };

	return names[suppression];
}
