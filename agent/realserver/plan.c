/* plan: the pure heart of lvsagent. See plan.h. */
#include "realserver/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "lib/xalloc.h"
#include "realserver/plan_filter.h"
#include "realserver/plan_route.h"
#include "realserver/plan_tunnel.h"
#include "realserver/tunnel.h"

/* Room for about N items at once: growing 20 000 items by doubling would
 * copy them, and fault in fresh pages, a dozen times. */
static void reserve_items(struct plan *plan, size_t n)
{
	if (n > plan->capacity) {
		plan->items = xrealloc_array(plan->items, n, sizeof(*plan->items));
		plan->capacity = n;
	}
}

/* --- ownership --------------------------------------------------------- */

/* lvsagent's own mark on an address: its IPv4 label or address protocol.
 * While another instance claims the host (claim.h) the marks may be its:
 * then only this instance's records count. */
static bool addr_is_marked(const struct rtnl_addr *addr)
{
	return rtnl_addr_has_lvsagent_mark(addr);
}

/* The kernel contradicts a record: every IPv4 address has a label (lvsagent
 * adds its own), and an address protocol other than lvsagent's names
 * another program. Only an IPv6 address on a kernel without IFA_PROTO
 * carries no mark at all, and then the record is all there is. */
static bool addr_marked_foreign(const struct rtnl_addr *addr)
{
	return !addr_is_marked(addr) && (addr->addr.family == AF_INET || addr->proto != 0);
}

static bool addr_is_ours(const struct rtnl_addr *addr, const struct observed *obs,
			 const struct owned *owned)
{
	if (addr_is_marked(addr) && !obs->other_instance)
		return true;
	return !addr_marked_foreign(addr) && addr_list_has(&owned->addrs, &addr->addr);
}

/* lvsagent adds every host route with its protocol: a route with another
 * is someone else's, whatever the state says. */
static bool route_is_ours(const struct rtnl_route *route, const struct observed *obs,
			  const struct owned *owned)
{
	return route->protocol == LVSAGENT_RTPROT &&
	       (!obs->other_instance || addr_list_has(&owned->routes, &route->dst));
}

/* --- the lo link ------------------------------------------------------- */

static void plan_lo_up(const struct observed *obs, struct plan *plan)
{
	struct plan_item *item;

	if (obs->lo_up)
		return;
	/* Nothing routes through a down lo; bringing it up is a repair and is
	 * never undone (no host wants lo down). */
	item = plan_new_item(plan, ITEM_LINK);
	strcpy(item->setting->iface, "lo");
	item->action = ACTION_SET;
	item->after = 1;
	item->wanted = true;
}

/* --- sysctls ----------------------------------------------------------- */

/* A record of the state, with the interface it belongs to now: one renamed
 * since (found by its index) goes by its new name, one whose index is gone
 * is gone even if another interface took its name. */
struct record_view {
	struct saved_sysctl saved;	/* iface: the interface's name now */
	char renamed_from[IFNAMSIZ];	/* "" unless renamed since */
	bool gone;
	bool used;			/* planned as a wanted value */
};

static struct record_view *view_records(const struct owned *owned, const struct observed *obs)
{
	struct record_view *views = xcalloc(owned->sysctl_count + 1, sizeof(*views));

	for (size_t i = 0; i < owned->sysctl_count; i++) {
		struct record_view *v = &views[i];
		const struct rtnl_link *link;
		v->saved = owned->sysctls[i];
		if (!v->saved.ifindex)
			continue;	/* "all", or a state from before indexes: by name */
		link = netdev_by_index(&obs->net, v->saved.ifindex);
		if (!link) {
			v->gone = true;
		} else if (strcmp(link->name, v->saved.iface) != 0) {
			strcpy(v->renamed_from, v->saved.iface);
			strcpy(v->saved.iface, link->name);
		}
	}
	return views;
}

static struct record_view *find_view(struct record_view *views, size_t count, const char *iface,
				     enum sysctl_key key)
{
	for (size_t i = 0; i < count; i++)
		if (!views[i].gone && views[i].saved.key == key &&
		    strcmp(views[i].saved.iface, iface) == 0)
			return &views[i];
	return NULL;
}

static void note_rename(struct plan_item *item, const struct record_view *view)
{
	if (!view || !view->renamed_from[0])
		return;
	strcpy(item->setting->renamed_from, view->renamed_from);
	item->note = "is on an interface renamed since lvsagent changed it; the saved value "
		     "follows the interface";
}

/* A configured uplink that is not there (renamed, or removed): said once,
 * under its first key, and counted as a difference by status. */
static void plan_missing_uplink(const char *iface, struct plan *plan)
{
	struct plan_item *item = plan_new_item(plan, ITEM_SYSCTL);

	strcpy(item->setting->iface, iface);
	item->setting->key = ARP_IGNORE;
	item->setting->missing = true;
	item->wanted = true;
	item->note = "is configured, but there is no such interface now (renamed or removed?)";
}

/* The value in force on IFACE is the larger of its own and all's: a value
 * below DESIRED there protects nothing less while all holds it up. */
static bool held_by_all(const char *iface, enum sysctl_key key, int desired,
			const struct observed *obs)
{
	const struct sysctl_value *all = observed_sysctls(obs, "all");

	return strcmp(iface, "all") != 0 && all && all->value[key] >= desired;
}

static void plan_one_sysctl(const struct sysctl_want *want, const struct observed *obs,
			    struct record_view *view, struct plan *plan)
{
	const char *iface = want->iface;
	enum sysctl_key key = want->key;
	int desired = want->value;
	/* A device about to be created starts with default's values. */
	const struct sysctl_value *now = observed_sysctls(obs, want->before_created ? "default"
										    : iface);
	const struct saved_sysctl *saved = view ? &view->saved : NULL;
	const struct rtnl_link *link = netdev_by_name(&obs->net, iface);
	struct plan_item *item;
	struct sysctl_step step;

	if (!now)
		return;		/* an interface without IPv4 settings */
	if (view)
		view->used = true;
	item = plan_new_item(plan, ITEM_SYSCTL);
	strcpy(item->setting->iface, iface);
	item->setting->key = key;
	item->wanted = true;
	item->setting->desired = desired;
	item->before = now->value[key];
	item->setting->exact = want->exact;
	item->setting->before_created = want->before_created;
	item->setting->in_force = !want->exact && held_by_all(iface, key, desired, obs);
	if (want->exact)
		sysctl_step_set(iface, key, item->before, desired, saved, &step);
	else
		sysctl_step_raise(iface, key, item->before, desired, saved, &step);
	item->after = step.after;
	item->action = step.action;
	item->ours = saved != NULL;
	item->setting->had_record = saved != NULL;
	if (saved)
		item->setting->prior = *saved;
	item->setting->has_record = step.has_record;
	item->setting->record = step.record;
	/* Kept with the record, so that a rename does not lose it. */
	if (step.has_record && link && strcmp(iface, "all") != 0)
		item->setting->record.ifindex = link->ifindex;
	note_rename(item, view);
}

/* A value lvsagent replaced and no longer manages: put the original back
 * if it still holds what lvsagent wrote, otherwise leave it and say so. */
static void plan_restore_sysctl(const struct record_view *view, const struct observed *obs,
				struct plan *plan)
{
	const struct saved_sysctl *saved = &view->saved;
	const struct sysctl_value *now = view->gone ? NULL : observed_sysctls(obs, saved->iface);
	struct plan_item *item = plan_new_item(plan, ITEM_SYSCTL);
	struct sysctl_step step;

	strcpy(item->setting->iface, saved->iface);
	item->setting->key = saved->key;
	item->ours = true;
	item->setting->had_record = true;
	item->setting->prior = *saved;
	if (!now) {
		item->note = "belongs to an interface that is gone; its saved value is forgotten";
		return;
	}
	item->before = now->value[saved->key];
	sysctl_step_restore(saved, item->before, &step);
	item->after = step.after;
	item->action = step.action;
	item->setting->restore = step.restore;
	item->note = step.note;
	note_rename(item, view);
}

/* The configured uplinks, or every non-loopback link. */
static const char **uplink_names(const struct rs_config *cfg, const struct observed *obs,
				 size_t *count)
{
	const char **names = xcalloc(cfg->interface_count + obs->net.link_count, sizeof(*names));
	size_t n = 0;

	for (size_t i = 0; i < cfg->interface_count; i++)
		names[n++] = cfg->interfaces[i].name;
	/* Not the tunnel devices LVS-TUN brings up: they answer no ARP
	 * (NOARP), and are no uplink. */
	for (size_t i = 0; !cfg->interfaces_given && i < obs->net.link_count; i++)
		if (!(obs->net.links[i].flags & IFF_LOOPBACK) &&
		    !tunnel_device_wanted(cfg, obs->net.links[i].name) &&
		    !tunnel_alias_is_own(obs->net.links[i].alias))
			names[n++] = obs->net.links[i].name;
	*count = n;
	return names;
}

/* "all", "lo", then the uplinks; none with nftables alone, which leaves the
 * arp sysctls as they are. */
static const char **sysctl_ifaces(const struct rs_config *cfg, const struct observed *obs,
				  size_t *count)
{
	size_t uplinks;
	const char **names = uplink_names(cfg, obs, &uplinks);

	if (cfg->suppression == SUPPRESS_NFTABLES) {
		*count = 0;
		return names;
	}
	names = xrealloc_array(names, uplinks + 2, sizeof(*names));
	memmove(names + 2, names, uplinks * sizeof(*names));
	names[0] = "all";
	names[1] = "lo";
	*count = uplinks + 2;
	return names;
}

static bool configured_uplink(const struct rs_config *cfg, const char *iface)
{
	for (size_t i = 0; i < cfg->interface_count; i++)
		if (strcmp(cfg->interfaces[i].name, iface) == 0)
			return true;
	return false;
}

static void plan_sysctls(const struct rs_config *cfg, const struct observed *obs,
			 const struct owned *owned, struct plan *plan)
{
	size_t count, records = owned->sysctl_count;
	const char **ifaces = sysctl_ifaces(cfg, obs, &count);
	const int desired[ARP_KEY_COUNT] = { cfg->arp_ignore, cfg->arp_announce };
	struct record_view *views = view_records(owned, obs);

	struct sysctl_want *rp_wants;
	size_t rp_count = plan_rp_filter_wants(cfg, obs, owned, &rp_wants);

	for (size_t i = 0; i < count; i++) {
		if (!observed_sysctls(obs, ifaces[i]) && configured_uplink(cfg, ifaces[i])) {
			plan_missing_uplink(ifaces[i], plan);
			continue;
		}
		for (int key = 0; key < ARP_KEY_COUNT; key++) {
			struct sysctl_want want = { .key = (enum sysctl_key)key,
						    .value = desired[key] };
			snprintf(want.iface, sizeof(want.iface), "%s", ifaces[i]);
			plan_one_sysctl(&want, obs, find_view(views, records, want.iface, want.key),
					plan);
		}
	}
	for (size_t i = 0; i < rp_count; i++)
		plan_one_sysctl(&rp_wants[i], obs,
				find_view(views, records, rp_wants[i].iface, RP_FILTER), plan);
	free(rp_wants);
	for (size_t i = 0; i < records; i++)
		if (!views[i].used)
			plan_restore_sysctl(&views[i], obs, plan);
	free(views);
	free(ifaces);
}

/* --- VIPs and routes --------------------------------------------------- */

static void plan_wanted_vip(const struct ipaddr *vip, const struct observed *obs,
			    const struct owned *owned, struct plan *plan,
			    struct observed_hint *hint)
{
	const struct rtnl_addr *on_lo = observed_lo_addr(obs, vip, hint), *other;
	struct plan_item *item = plan_new_item(plan, ITEM_VIP);

	item->addr = *vip;
	item->wanted = true;
	item->after = 1;
	other = observed_addr_elsewhere(obs, vip, hint);
	if (on_lo) {
		item->before = 1;
		item->ours = addr_is_ours(on_lo, obs, owned);
		/* On lo as it should be, but an uplink holding it too takes it
		 * for its own address: not in place, and not lvsagent's to remove. */
		if (other && other->ifindex != obs->lo_ifindex) {
			item->conflict = true;
			item->note = "is also on another interface, which takes it for its own "
				     "address (and with sysctl suppression answers ARP for it): "
				     "remove it there";
		}
		return;
	}
	if (other && other->ifindex == obs->lo_ifindex) {
		/* Someone else's address with a wider prefix: not ours to fix. */
		item->note = "is on lo with another prefix length; left as it is";
		return;
	}
	if (other)
		item->note = "is also on another interface, which answers ARP for it";
	item->action = ACTION_ADD;
	item->ours = true;
}

static void plan_wanted_route(const struct ipaddr *vip, const struct observed *obs,
			      const struct owned *owned, struct plan *plan,
			      struct observed_hint *hint)
{
	const struct rtnl_route *route = observed_lo_route(obs, vip, hint);
	struct plan_item *item = plan_new_item(plan, ITEM_ROUTE);

	item->addr = *vip;
	item->wanted = true;
	item->after = 1;
	item->before = route != NULL;
	item->ours = route ? route_is_ours(route, obs, owned) : true;
	item->action = route ? ACTION_NONE : ACTION_ADD;
}

/* An address or route lvsagent owns but no longer wants: remove it, or
 * forget it when it is already gone. */
static void plan_unwanted(enum item_kind kind, const struct ipaddr *addr, bool present,
			  struct plan *plan)
{
	struct plan_item *item = plan_new_item(plan, kind);

	item->addr = *addr;
	item->ours = true;
	item->before = present;
	item->action = present ? ACTION_REMOVE : ACTION_NONE;
}

/* A recorded VIP the kernel marks as another program's (someone replaced
 * it, or the record is forged): left alone, and no longer recorded. */
static void plan_not_ours(const struct ipaddr *addr, struct plan *plan)
{
	struct plan_item *item = plan_new_item(plan, ITEM_VIP);

	item->addr = *addr;
	item->before = item->after = 1;
	item->note = "is recorded as lvsagent's, but the kernel's mark on it (its label) says "
		     "another program's; left alone";
}

/* A sorted list walked alongside ascending queries: membership for a whole
 * pass costs one walk, not a binary search per address. */
struct cursor {
	const struct addr_list *list;
	size_t at;
};

static bool cursor_has(struct cursor *cursor, const struct ipaddr *addr)
{
	const struct addr_list *list = cursor->list;

	while (cursor->at < list->count && ipaddr_compare(&list->items[cursor->at], addr) < 0)
		cursor->at++;
	return cursor->at < list->count && ipaddr_equal(&list->items[cursor->at], addr);
}

/* RECORDED plus the kernel-marked STRAYS, both sorted: one sorted list
 * without duplicates. */
static void merge_sorted(const struct addr_list *recorded, const struct addr_list *strays,
			 struct addr_list *out)
{
	size_t i = 0, j = 0;

	while (i < recorded->count || j < strays->count) {
		const struct ipaddr *next;
		if (j == strays->count ||
		    (i < recorded->count && ipaddr_compare(&recorded->items[i], &strays->items[j]) <= 0))
			next = &recorded->items[i++];
		else
			next = &strays->items[j++];
		if (!out->count || !ipaddr_equal(&out->items[out->count - 1], next))
			addr_list_add(out, next);
	}
}

/* Owned things: from the state file and from the kernel's own marks (so a
 * lost state file does not orphan them). The observed arrays are sorted by
 * address, so the strays come out sorted too. */
static void collect_owned_addrs(const struct observed *obs, const struct owned *owned,
				struct addr_list *addrs, struct addr_list *routes)
{
	struct addr_list stray_addrs = { 0 }, stray_routes = { 0 };
	struct cursor recorded_addrs = { &owned->addrs, 0 }, recorded_routes = { &owned->routes, 0 };

	for (size_t i = 0; !obs->other_instance && i < obs->net.addr_count; i++) {
		const struct rtnl_addr *a = &obs->net.addrs[i];
		if (a->ifindex == obs->lo_ifindex && a->prefixlen == ipaddr_host_prefix(&a->addr) &&
		    addr_is_marked(a) && !cursor_has(&recorded_addrs, &a->addr))
			addr_list_add(&stray_addrs, &a->addr);
	}
	for (size_t i = 0; !obs->other_instance && i < obs->route_count; i++) {
		const struct rtnl_route *r = &obs->routes[i];
		if (r->oif == obs->lo_ifindex && r->protocol == LVSAGENT_RTPROT &&
		    !cursor_has(&recorded_routes, &r->dst))
			addr_list_add(&stray_routes, &r->dst);
	}
	merge_sorted(&owned->addrs, &stray_addrs, addrs);
	merge_sorted(&owned->routes, &stray_routes, routes);
	free(stray_addrs.items);
	free(stray_routes.items);
}

static void plan_unwanted_owned(const struct addr_list *wanted, const struct observed *obs,
				const struct owned *owned, struct plan *plan)
{
	struct addr_list addrs = { 0 }, routes = { 0 };
	struct cursor wanted_routes = { wanted, 0 }, wanted_addrs = { wanted, 0 };
	struct observed_hint hint = { 0 };

	collect_owned_addrs(obs, owned, &addrs, &routes);
	for (size_t i = 0; i < routes.count; i++) {
		const struct ipaddr *a = &routes.items[i];
		const struct rtnl_route *r;
		if (cursor_has(&wanted_routes, a))
			continue;
		r = observed_lo_route(obs, a, &hint);
		plan_unwanted(ITEM_ROUTE, a, r && route_is_ours(r, obs, owned), plan);
	}
	for (size_t i = 0; i < addrs.count; i++) {
		const struct ipaddr *a = &addrs.items[i];
		const struct rtnl_addr *on_lo;
		if (cursor_has(&wanted_addrs, a))
			continue;
		on_lo = observed_lo_addr(obs, a, &hint);
		if (on_lo && !addr_is_ours(on_lo, obs, owned))
			plan_not_ours(a, plan);
		else
			plan_unwanted(ITEM_VIP, a, on_lo != NULL, plan);
	}
	free(addrs.items);
	free(routes.items);
}

static void plan_vips(const struct rs_config *cfg, const struct observed *obs,
		      const struct owned *owned, struct plan *plan)
{
	struct addr_list wanted = { 0 };
	struct observed_hint hint = { 0 };
	/* Route mode wants no address and no main-table route: those of
	 * address mode go, after the local routes are added (apply.c). */
	size_t addresses = cfg->vip_mode == VIP_MODE_ADDRESS ? cfg->vip_count : 0;

	for (size_t i = 0; i < addresses; i++) {
		addr_list_add(&wanted, &cfg->vips[i].addr);
		plan_wanted_vip(&cfg->vips[i].addr, obs, owned, plan, &hint);
	}
	for (size_t i = 0; i < addresses; i++)
		plan_wanted_route(&cfg->vips[i].addr, obs, owned, plan, &hint);
	addr_list_sort(&wanted);
	plan_unwanted_owned(&wanted, obs, owned, plan);
	free(wanted.items);
	plan_local_routes(cfg, obs, owned, plan);
}

/* --- the nftables table ------------------------------------------------- */

static bool wants_nft(const struct rs_config *cfg)
{
	return cfg->suppression == SUPPRESS_NFTABLES || cfg->suppression == SUPPRESS_BOTH;
}

/* The uplinks the output chain rewrites on, with their primary IPv4. */
static void nft_uplinks(const struct rs_config *cfg, const struct observed *obs,
			struct nft_desired *nft)
{
	size_t count;
	const char **names = uplink_names(cfg, obs, &count);

	nft->uplinks = xcalloc(count, sizeof(*nft->uplinks));
	for (size_t i = 0; i < count; i++) {
		const struct rtnl_link *link = netdev_by_name(&obs->net, names[i]);
		const struct rtnl_addr *primary = link ? netdev_primary_ipv4(&obs->net, link->ifindex) : NULL;
		struct nft_uplink *uplink = &nft->uplinks[nft->uplink_count++];
		strcpy(uplink->name, names[i]);
		uplink->has_addr = primary != NULL;
		if (primary)
			uplink->addr = primary->addr;
	}
	free(names);
}

static void nft_wanted(const struct rs_config *cfg, const struct observed *obs,
		       struct nft_desired *nft)
{
	memset(nft, 0, sizeof(*nft));
	plan_vip_elements(cfg, AF_INET, &nft->vips);
	nft_uplinks(cfg, obs, nft);
}

/* "2 VIPs; eth0 -> 192.0.2.3" for people reading a plan. */
static void describe_nft(const struct nft_desired *nft, char *buf, size_t len)
{
	char addr[IPADDR_TEXT_MAX];
	size_t count = nft->vips.count;
	size_t used = nft->vips.flags
			      ? (size_t)snprintf(buf, len, "IPv4 VIPs as %zu interval element%s",
						 count, count == 1 ? "" : "s")
			      : (size_t)snprintf(buf, len, "%zu IPv4 VIP%s", count,
						 count == 1 ? "" : "s");

	for (size_t i = 0; i < nft->uplink_count && used < len; i++) {
		const struct nft_uplink *up = &nft->uplinks[i];
		used += (size_t)snprintf(buf + used, len - used, "; %s -> %s", up->name,
					 up->has_addr ? ipaddr_format(&up->addr, addr) : "drop");
	}
}

/* 1: the table is there as configured; 2: there, but different; 0: absent. */
static int nft_state(const struct plan *plan, const struct observed *obs)
{
	char *wanted;
	int state;

	if (!obs->nft_text)
		return 0;
	wanted = nft_render_desired(&plan->nft);
	state = plan_table_state(wanted, obs->nft_text);
	free(wanted);
	return state;
}

static void plan_nft(const struct rs_config *cfg, const struct observed *obs, struct plan *plan)
{
	struct plan_item *item;

	if (!wants_nft(cfg)) {
		if (obs->nft_text)
			plan_unwanted_table(plan, TABLE_ARP);
		return;
	}
	nft_wanted(cfg, obs, &plan->nft);
	item = plan_wanted_table(plan, TABLE_ARP, nft_state(plan, obs));
	char detail[128];
	describe_nft(&plan->nft, detail, sizeof(detail));
	item->detail = xstrdup(detail);
}

/* --- entry points ------------------------------------------------------- */

/* Every VIP and route wanted or owned, and the lo, table and sysctl items. */
static size_t expected_items(const struct rs_config *cfg, const struct observed *obs,
			     const struct owned *owned)
{
	return 2 * cfg->vip_count + owned->addrs.count + owned->routes.count + owned->locals.count +
	       3 * (obs->net.link_count + 3) + owned->sysctl_count + owned->tunnel_count +
	       cfg->tun.director_count + obs->net.link_count + 7;
}

void plan_converge(const struct rs_config *cfg, const struct observed *obs,
		   const struct owned *owned, struct plan *plan)
{
	plan_converge_sysctls(cfg, obs, owned, plan);
	reserve_items(plan, expected_items(cfg, obs, owned));
	plan_vips(cfg, obs, owned, plan);
}

void plan_converge_sysctls(const struct rs_config *cfg, const struct observed *obs,
			   const struct owned *owned, struct plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan_lo_up(obs, plan);
	plan_tunnels(cfg, obs, owned, plan);
	plan_fou(cfg, obs, owned, plan);
	plan_nft(cfg, obs, plan);
	plan_filter(cfg, obs, plan);
	plan_sysctls(cfg, obs, owned, plan);
}

static void plan_keep_adopted(const struct observed *obs, const struct owned *owned,
			      struct plan *plan)
{
	struct observed_hint hint = { 0 };

	for (size_t i = 0; i < owned->adopted.count; i++) {
		const struct ipaddr *a = &owned->adopted.items[i];
		struct plan_item *item;
		if (!observed_lo_addr(obs, a, &hint))
			continue;
		item = plan_new_item(plan, ITEM_VIP);
		item->addr = *a;
		item->before = item->after = 1;
	}
}

void plan_withdraw(const struct observed *obs, const struct owned *owned, struct plan *plan)
{
	struct addr_list nothing = { 0 };

	memset(plan, 0, sizeof(*plan));
	reserve_items(plan, owned->addrs.count + owned->routes.count + owned->adopted.count +
			    owned->locals.count + obs->local_count +
			    owned->sysctl_count + owned->tunnel_count + owned->fou_count +
			    obs->net.link_count + 2);
	plan_unwanted_owned(&nothing, obs, owned, plan);
	plan_local_routes_withdraw(obs, owned, plan);
	plan_keep_adopted(obs, owned, plan);
	struct record_view *views = view_records(owned, obs);
	for (size_t i = 0; i < owned->sysctl_count; i++)
		plan_restore_sysctl(&views[i], obs, plan);
	free(views);
	plan_tunnels_withdraw(obs, owned, plan);
	plan_fou_withdraw(obs, owned, plan);
	if (obs->nft_text)
		plan_unwanted_table(plan, TABLE_ARP);
	if (obs->filter_text)
		plan_unwanted_table(plan, TABLE_FILTER);
}


/* --- the state the plan leaves ------------------------------------------ */

/* The address or route of ITEM, PRESENT then, into the records. */
static void record_addr(const struct plan_item *item, bool present, struct owned *owned)
{
	if (!present)
		return;
	if (item->kind == ITEM_LOCAL) {
		if (item->ours)
			prefix_list_add(&owned->locals,
					&(struct ipprefix){ item->addr, item->prefix_len });
	} else if (item->kind == ITEM_ROUTE) {
		if (item->ours)
			addr_list_add(&owned->routes, &item->addr);
	} else if (item->ours) {
		addr_list_add(&owned->addrs, &item->addr);
	} else if (item->wanted) {
		addr_list_add(&owned->adopted, &item->addr);
	}
}

static void record_sysctl(const struct plan_item *item, enum own_moment moment,
			  struct owned *owned)
{
	const struct plan_setting *s = item->setting;
	struct saved_sysctl record;

	if (sysctl_record_at(s->had_record ? &s->prior : NULL, s->has_record ? &s->record : NULL,
			     change_took_effect(item->action, item->done), moment, &record))
		owned_add_sysctl(owned, &record);
}

/* A device lvsagent brings up is its own to set down while it is up. A
 * device of its own is known by its mark (tunnel.h), not recorded. */
static void record_tunnel(const struct plan_item *item, enum own_moment moment,
			  struct owned *owned)
{
	if (item->ours && !item->setting->own && change_present(item->action, item->done, item->before, item->after,
					 moment))
		owned_add_tunnel(owned, item->setting->iface);
}

/* A GUE port lvsagent adds is its own to remove while it is there. */
static void record_fou(const struct plan_item *item, enum own_moment moment, struct owned *owned)
{
	if (item->ours && change_present(item->action, item->done, item->before, item->after,
					 moment))
		owned_add_fou(owned, &item->setting->fou);
}

static void collect_owned(const struct plan *plan, enum own_moment moment, struct owned *owned)
{
	memset(owned, 0, sizeof(*owned));
	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		if (item->kind == ITEM_SYSCTL)
			record_sysctl(item, moment, owned);
		else if (item->kind == ITEM_TUNNEL)
			record_tunnel(item, moment, owned);
		else if (item->kind == ITEM_FOU)
			record_fou(item, moment, owned);
		else if (item->kind == ITEM_VIP || item->kind == ITEM_ROUTE ||
			 item->kind == ITEM_LOCAL)
			record_addr(item, change_present(item->action, item->done, item->before,
							 item->after, moment), owned);
	}
	addr_list_sort(&owned->addrs);
	addr_list_sort(&owned->routes);
	addr_list_sort(&owned->adopted);
	prefix_list_sort(&owned->locals);
}

void plan_owned_intent(const struct plan *plan, struct owned *owned)
{
	collect_owned(plan, OWN_DURING, owned);
}

void plan_owned_after(const struct plan *plan, struct owned *owned)
{
	collect_owned(plan, OWN_AFTER, owned);
}

