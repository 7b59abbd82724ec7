/* plan_tunnel: tunnel devices and rp_filter for LVS-TUN. See plan_tunnel.h. */
#include "realserver/plan_tunnel.h"

#include <linux/fou.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/xalloc.h"
#include "realserver/tunnel.h"

/* --- rp_filter ----------------------------------------------------------- */

/* The filtering the host had before lvsagent lowered all: the value it
 * found there, or all's value now. */
static int host_strictness(const struct observed *obs, const struct owned *owned)
{
	const struct saved_sysctl *saved = owned_sysctl(owned, "all", RP_FILTER);
	const struct sysctl_value *all = observed_sysctls(obs, "all");

	if (saved)
		return saved->original;
	return all ? all->value[RP_FILTER] : 0;
}

static void add_want(struct sysctl_want *wants, size_t *n, const char *iface, int value,
		     bool exact, bool before_created)
{
	struct sysctl_want *want = &wants[(*n)++];

	*want = (struct sysctl_want){ .key = RP_FILTER, .value = value, .exact = exact,
				      .before_created = before_created };
	snprintf(want->iface, sizeof(want->iface), "%s", iface);
}

/* Every link but the tunnel devices, and default, at least STRICT: they
 * keep the filtering all gave them. */
static void keep_others_strict(const struct rs_config *cfg, const struct observed *obs,
			       int strict, struct sysctl_want *wants, size_t *n)
{
	for (size_t i = 0; i < obs->net.link_count; i++)
		if (!tunnel_device_wanted(cfg, obs->net.links[i].name) &&
		    !tunnel_alias_is_own(obs->net.links[i].alias))
			add_want(wants, n, obs->net.links[i].name, strict, false, false);
	add_want(wants, n, "default", strict, false, false);
}

size_t plan_rp_filter_wants(const struct rs_config *cfg, const struct observed *obs,
			    const struct owned *owned, struct sysctl_want **out)
{
	struct tunnel_spec *specs;
	size_t count = tunnel_specs_wanted(cfg, &specs), n = 0;
	int strict = host_strictness(obs, owned);
	struct sysctl_want *wants;

	*out = NULL;
	if (!tunnel_wants_ipv4(cfg)) {
		free(specs);
		return 0;
	}
	wants = xcalloc(obs->net.link_count + count + 2, sizeof(*wants));
	if (strict > 0) {
		keep_others_strict(cfg, obs, strict, wants, &n);
		add_want(wants, &n, "all", 0, true, false);
	}
	/* rp_filter is IPv4's: only the devices that carry IPv4 need it off. */
	for (size_t i = 0; i < count; i++)
		if (specs[i].carries_ipv4)
			add_want(wants, &n, specs[i].name, 0, true,
				 !netdev_by_name(&obs->net, specs[i].name));
	free(specs);
	*out = wants;
	return n;
}

/* --- the devices ------------------------------------------------------ */

static struct plan_item *tunnel_item(struct plan *plan, const char *name, const char *kind)
{
	struct plan_item *item = plan_new_item(plan, ITEM_TUNNEL);

	strcpy(item->setting->iface, name);
	item->setting->link_kind = kind;
	return item;
}

/* A device of lvsagent's own: created when missing (ADD), set up when
 * down; a device of that name without lvsagent's mark is someone
 * else's, left alone. */
static void plan_own_tunnel(const struct tunnel_spec *spec, const struct rtnl_link *link,
			    struct plan_item *item)
{
	struct plan_setting *s = item->setting;

	s->own = true;
	s->remote = spec->remote;
	tunnel_own_alias(spec, s->alias, sizeof(s->alias));
	item->after = 1;
	item->before = link && (link->flags & IFF_UP);
	s->missing = !link;
	if (link && strcmp(link->alias, s->alias) != 0) {
		item->after = item->before;
		item->note = "has the name of lvsagent's own device but not its mark (its alias): "
			     "someone else's, left alone";
		return;
	}
	item->ours = true;
	item->action = !link ? ACTION_ADD : item->before ? ACTION_NONE : ACTION_SET;
}

static bool is_director(const struct rs_config *cfg, const struct ipaddr *addr)
{
	for (size_t i = 0; i < cfg->tun.director_count; i++)
		if (ipaddr_equal(&cfg->tun.directors[i], addr))
			return true;
	return false;
}

/* Whether the kernel's lookup gives LINK, someone else's up device of
 * SPEC's kind, the director's packets before SPEC's device: a device
 * whose remote end is a director (any remote end when the directors are
 * not known) comes before the fallback, and so does one with only a
 * local end (the host's address they are sent to); an own device's
 * remote is the director, so only one with both ends comes first. */
static bool takes_first(const struct rs_config *cfg, const struct tunnel_spec *spec,
			const struct rtnl_link *link)
{
	bool remote = link->tun_remote.family != 0, local = link->tun_local.family != 0;

	if (!(link->flags & IFF_UP) || strcmp(link->kind, spec->kind) != 0 ||
	    strcmp(link->name, spec->name) == 0 || tunnel_alias_is_own(link->alias))
		return false;
	if (spec->own)
		return remote && local && ipaddr_equal(&link->tun_remote, &spec->remote);
	if (!remote)
		return local;
	return !cfg->tun.director_count || is_director(cfg, &link->tun_remote);
}

static void find_rival(const struct rs_config *cfg, const struct tunnel_spec *spec,
		       const struct observed *obs, struct plan_item *item)
{
	for (size_t i = 0; i < obs->net.link_count; i++) {
		if (!takes_first(cfg, spec, &obs->net.links[i]))
			continue;
		strcpy(item->setting->rival, obs->net.links[i].name);
		if (!item->note)
			item->note = "another tunnel device of its kind, with ends that match the "
				     "director's packets, is picked first by the kernel's lookup: "
				     "they do not reach this one";
		return;
	}
}

/* A fallback device: brought up (created with its module) unless up. */
static void plan_fallback_tunnel(const struct rtnl_link *link, const struct owned *owned,
				 struct plan_item *item)
{
	item->after = 1;
	item->before = link && (link->flags & IFF_UP);
	item->setting->missing = !link;
	/* Up already, and not by lvsagent (Calico's tunl0): someone else's,
	 * left exactly as it is and never set down. */
	item->ours = !item->before || owned_has_tunnel(owned, item->setting->iface);
	item->action = !link ? ACTION_ADD : item->before ? ACTION_NONE : ACTION_SET;
}

static void plan_wanted_tunnel(const struct rs_config *cfg, const struct tunnel_spec *spec,
			       const struct observed *obs, const struct owned *owned,
			       struct plan *plan)
{
	const struct rtnl_link *link = netdev_by_name(&obs->net, spec->name);
	struct plan_item *item = tunnel_item(plan, spec->name, spec->kind);

	item->wanted = true;
	if (spec->own)
		plan_own_tunnel(spec, link, item);
	else
		plan_fallback_tunnel(link, owned, item);
	find_rival(cfg, spec, obs, item);
}


/* The IPv6 link-local addresses (fe80::/10) the kernel gives a device
 * that comes up, itself. */
static bool kernel_link_local(const struct ipaddr *addr)
{
	return addr->family == AF_INET6 && addr->bytes[0] == 0xfe && (addr->bytes[1] & 0xc0) == 0x80;
}

/* Something else uses the device when it has an address of its own (an
 * overlay network's tunl0): then it stays up. */
static bool tunnel_in_use(const struct observed *obs, int ifindex)
{
	for (size_t i = 0; i < obs->net.addr_count; i++)
		if (obs->net.addrs[i].ifindex == ifindex &&
		    !kernel_link_local(&obs->net.addrs[i].addr))
			return true;
	return false;
}

/* A device lvsagent brought up and no longer needs: down again, unless it
 * is gone, down already, or used by something else (then it is no longer
 * lvsagent's to set down). */
static void plan_unwanted_tunnel(const char *name, const struct observed *obs,
				 struct plan *plan)
{
	const struct tunnel_spec *spec = tunnel_spec_by_name(name);
	const struct rtnl_link *link = netdev_by_name(&obs->net, name);
	struct plan_item *item = tunnel_item(plan, name, spec ? spec->kind : "");

	item->before = link && (link->flags & IFF_UP);
	item->after = 0;
	item->setting->missing = !link;
	if (!item->before)
		return;
	if (tunnel_in_use(obs, link->ifindex)) {
		item->after = 1;
		item->note = "has an address someone else gave it since lvsagent brought it up; "
			     "left up";
		return;
	}
	item->ours = true;
	item->action = ACTION_REMOVE;
}

/* Each device with lvsagent's mark that CFG (NULL: nothing) does not
 * want: deleted. */
static void plan_unwanted_own(const struct rs_config *cfg, const struct observed *obs,
			      struct plan *plan)
{
	for (size_t i = 0; i < obs->net.link_count; i++) {
		const struct rtnl_link *link = &obs->net.links[i];
		struct plan_item *item;
		if (!tunnel_alias_is_own(link->alias) || (cfg && tunnel_device_wanted(cfg, link->name)))
			continue;
		item = tunnel_item(plan, link->name, "");
		item->setting->own = true;
		item->before = (link->flags & IFF_UP) != 0;
		item->ours = true;
		item->action = ACTION_REMOVE;
	}
}

void plan_tunnels(const struct rs_config *cfg, const struct observed *obs,
		  const struct owned *owned, struct plan *plan)
{
	struct tunnel_spec *specs;
	size_t count = tunnel_specs_wanted(cfg, &specs);

	for (size_t i = 0; i < count; i++)
		plan_wanted_tunnel(cfg, &specs[i], obs, owned, plan);
	free(specs);
	for (size_t i = 0; i < owned->tunnel_count; i++)
		if (!tunnel_device_wanted(cfg, owned->tunnels[i].name))
			plan_unwanted_tunnel(owned->tunnels[i].name, obs, plan);
	plan_unwanted_own(cfg, obs, plan);
}

void plan_tunnels_withdraw(const struct observed *obs, const struct owned *owned,
			   struct plan *plan)
{
	for (size_t i = 0; i < owned->tunnel_count; i++)
		plan_unwanted_tunnel(owned->tunnels[i].name, obs, plan);
	plan_unwanted_own(NULL, obs, plan);
}

/* --- GUE ports ---------------------------------------------------------- */

static struct plan_item *fou_item(struct plan *plan, const struct fou_port *port,
				  const struct observed *obs)
{
	struct plan_item *item = plan_new_item(plan, ITEM_FOU);

	item->setting->fou = *port;
	item->before = observed_fou(obs, port) != NULL;
	return item;
}

static void plan_wanted_fou(const struct fou_port *port, const struct observed *obs,
			    const struct owned *owned, struct plan *plan)
{
	struct plan_item *item = fou_item(plan, port, obs);
	const struct fou_port *found = observed_fou(obs, port);

	item->wanted = true;
	item->after = 1;
	/* A port someone else added is theirs: left alone, never removed. */
	item->ours = !found || owned_has_fou(owned, port);
	item->action = found ? ACTION_NONE : ACTION_ADD;
	if (found && found->type != FOU_ENCAP_GUE)
		item->note = "is a fou port of another type (direct fou, not gue): the director's "
			     "gue packets are not taken apart there; left as it is";
}

/* A port lvsagent added and no longer wants: removed, or forgotten when
 * it is gone already. */
static void plan_unwanted_fou(const struct fou_port *port, const struct observed *obs,
			      struct plan *plan)
{
	struct plan_item *item = fou_item(plan, port, obs);

	item->ours = true;
	item->action = item->before ? ACTION_REMOVE : ACTION_NONE;
}

static bool fou_listed(const struct fou_port *ports, size_t count, const struct fou_port *port)
{
	for (size_t i = 0; i < count; i++)
		if (ports[i].port == port->port && ports[i].family == port->family)
			return true;
	return false;
}

void plan_fou(const struct rs_config *cfg, const struct observed *obs,
	      const struct owned *owned, struct plan *plan)
{
	struct fou_port wanted[2];
	size_t count = tunnel_fou_wanted(cfg, wanted);

	for (size_t i = 0; i < count; i++)
		plan_wanted_fou(&wanted[i], obs, owned, plan);
	for (size_t i = 0; i < owned->fou_count; i++)
		if (!fou_listed(wanted, count, &owned->fou_ports[i]))
			plan_unwanted_fou(&owned->fou_ports[i], obs, plan);
}

void plan_fou_withdraw(const struct observed *obs, const struct owned *owned,
		       struct plan *plan)
{
	for (size_t i = 0; i < owned->fou_count; i++)
		plan_unwanted_fou(&owned->fou_ports[i], obs, plan);
}
