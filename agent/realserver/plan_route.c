/* plan_route: route mode's local routes. See plan_route.h. */
#include "realserver/plan_route.h"

#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* Only lvsagent's protocol is dumped (observe.c), so every observed local
 * route is lvsagent's mark; while another instance claims the host
 * (claim.h) only this instance's records count. */
static bool local_is_ours(const struct ipprefix *prefix, const struct observed *obs,
			  const struct owned *owned)
{
	return !obs->other_instance || prefix_list_has(&owned->locals, prefix);
}

static struct plan_item *new_local(const struct ipprefix *prefix, struct plan *plan)
{
	struct plan_item *item = plan_new_item(plan, ITEM_LOCAL);

	item->addr = prefix->addr;
	item->prefix_len = prefix->len;
	return item;
}

static void plan_wanted_local(const struct ipprefix *prefix, const struct observed *obs,
			      const struct owned *owned, struct plan *plan,
			      struct observed_hint *hint)
{
	const struct rtnl_route *route = observed_local_route(obs, &prefix->addr, prefix->len, hint);
	struct plan_item *item = new_local(prefix, plan);

	item->wanted = true;
	item->after = 1;
	item->before = route != NULL;
	item->ours = !route || local_is_ours(prefix, obs, owned);
	item->action = route ? ACTION_NONE : ACTION_ADD;
	if (!item->ours)
		item->note = "carries lvsagent's mark but is another instance's; left as it is";
}

/* The recorded routes plus the marked ones the kernel shows (a lost state
 * file orphans none), sorted and without duplicates. */
static void collect_owned_locals(const struct observed *obs, const struct owned *owned,
				 struct prefix_list *out)
{
	for (size_t i = 0; i < owned->locals.count; i++)
		prefix_list_add(out, &owned->locals.items[i]);
	for (size_t i = 0; !obs->other_instance && i < obs->local_count; i++) {
		const struct rtnl_route *r = &obs->locals[i];
		if (r->oif == obs->lo_ifindex)
			prefix_list_add(out, &(struct ipprefix){ r->dst, r->dst_len });
	}
	prefix_list_sort(out);
	size_t kept = 0;
	for (size_t i = 0; i < out->count; i++)
		if (!kept || ipprefix_compare(&out->items[kept - 1], &out->items[i]) != 0)
			out->items[kept++] = out->items[i];
	out->count = kept;
}

static void plan_unwanted_locals(const struct prefix_list *wanted, const struct observed *obs,
				 const struct owned *owned, struct plan *plan)
{
	struct prefix_list mine = { 0 };
	struct observed_hint hint = { 0 };

	collect_owned_locals(obs, owned, &mine);
	for (size_t i = 0; i < mine.count; i++) {
		const struct ipprefix *p = &mine.items[i];
		const struct rtnl_route *route;
		struct plan_item *item;
		if (prefix_list_has(wanted, p))
			continue;
		route = observed_local_route(obs, &p->addr, p->len, &hint);
		item = new_local(p, plan);
		item->ours = true;
		item->before = route != NULL;
		item->action = route ? ACTION_REMOVE : ACTION_NONE;
	}
	free(mine.items);
}

void plan_local_routes(const struct rs_config *cfg, const struct observed *obs,
		       const struct owned *owned, struct plan *plan)
{
	struct prefix_list wanted = { 0 };
	struct observed_hint hint = { 0 };

	for (size_t i = 0; cfg->vip_mode == VIP_MODE_ROUTE && i < cfg->vip_count; i++) {
		struct ipprefix prefix = vip_prefix(&cfg->vips[i]);
		prefix_list_add(&wanted, &prefix);
		plan_wanted_local(&prefix, obs, owned, plan, &hint);
	}
	prefix_list_sort(&wanted);
	plan_unwanted_locals(&wanted, obs, owned, plan);
	free(wanted.items);
}

/* A scan, not a search: 100 000 comparisons cost less than sorting a copy
 * of the configuration for each repair. */
static bool wanted_local(const struct rs_config *cfg, const struct ipprefix *prefix)
{
	for (size_t i = 0; i < cfg->vip_count; i++)
		if (cfg->vips[i].prefix_len == prefix->len &&
		    ipaddr_equal(&cfg->vips[i].addr, &prefix->addr))
			return true;
	return false;
}

bool plan_local_repair(const struct rs_config *cfg, const struct observed *obs,
		       const struct ipprefix *deleted, size_t count, struct plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (cfg->vip_mode != VIP_MODE_ROUTE || obs->other_instance)
		return false;
	for (size_t i = 0; i < count; i++) {
		struct plan_item *item;
		if (!wanted_local(cfg, &deleted[i]))
			return false;
		item = new_local(&deleted[i], plan);
		item->wanted = item->ours = true;
		item->after = 1;
		item->action = ACTION_ADD;
	}
	return true;
}

void plan_local_routes_withdraw(const struct observed *obs, const struct owned *owned,
				struct plan *plan)
{
	struct prefix_list nothing = { 0 };

	plan_unwanted_locals(&nothing, obs, owned, plan);
}

static void add_element(struct nft_elements *set, const struct ipaddr *key, uint32_t flags)
{
	set->keys[set->count] = *key;
	set->flags[set->count++] = flags;
}

/* ADDR + 1; false when it wraps past the family's last address. */
static bool next_address(struct ipaddr *addr)
{
	for (int i = (int)ipaddr_len(addr) - 1; i >= 0; i--)
		if (++addr->bytes[i] != 0)
			return true;
	return false;
}

/* Route mode's prefixes of FAMILY as an interval set: each range its
 * first address and, flagged as the end, the one past its last. Ranges
 * that touch are merged (the kernel takes no end and start on one key),
 * and one reaching the family's last address has no end. The
 * configuration has no overlaps (config.c), so sorted ranges only ever
 * touch. */
void plan_nft_intervals(const struct rs_config *cfg, int family, struct nft_elements *set)
{
	struct ipprefix *ranges = xcalloc(cfg->vip_count + 1, sizeof(*ranges));
	size_t count = 0;

	for (size_t i = 0; i < cfg->vip_count; i++)
		if (cfg->vips[i].addr.family == family)
			ranges[count++] = vip_prefix(&cfg->vips[i]);
	sort_unless_sorted(ranges, count, sizeof(*ranges), ipprefix_qsort_cmp);
	set->keys = xcalloc(2 * count + 1, sizeof(*set->keys));
	set->flags = xcalloc(2 * count + 1, sizeof(*set->flags));
	set->count = 0;
	for (size_t i = 0; i < count; i++) {
		struct ipaddr past;
		ipprefix_last(&ranges[i], &past);
		bool has_end = next_address(&past);
		bool touches_last = set->count && ipaddr_equal(&set->keys[set->count - 1],
							      &ranges[i].addr);
		if (touches_last)
			set->count--;	/* the previous end: one range goes on */
		else
			add_element(set, &ranges[i].addr, 0);
		if (has_end)
			add_element(set, &past, NFT_SET_ELEM_INTERVAL_END);
	}
	free(ranges);
}

void plan_vip_elements(const struct rs_config *cfg, int family, struct nft_elements *set)
{
	if (rs_config_has_prefix(cfg)) {
		plan_nft_intervals(cfg, family, set);
		return;
	}
	memset(set, 0, sizeof(*set));
	set->keys = xcalloc(cfg->vip_count + 1, sizeof(*set->keys));
	for (size_t i = 0; i < cfg->vip_count; i++)
		if (cfg->vips[i].addr.family == family)
			set->keys[set->count++] = cfg->vips[i].addr;
}
