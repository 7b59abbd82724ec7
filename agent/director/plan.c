/* plan: the pure heart of the director. See plan.h. */
#include "director/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/ip_vs.h>

#include "director/sync.h"
#include "director/syntax.h"

#include "lib/xalloc.h"

struct dir_item *dir_plan_new_item(struct dir_plan *plan, enum dir_kind kind)
{
	struct dir_item *item;

	XGROW(plan->items, plan->count, plan->capacity);
	item = &plan->items[plan->count++];
	memset(item, 0, sizeof(*item));
	item->kind = kind;
	return item;
}

/* --- matching through hash maps -------------------------------------------- */

static void index_services(const struct ipvs_table *table, struct hashmap *map)
{
	struct ipvs_service_key key;

	hashmap_init(map, sizeof(key), table->count);
	for (size_t i = 0; i < table->count; i++) {
		ipvs_service_key(&table->services[i], &key);
		hashmap_put(map, &key, i);
	}
}

static const struct ipvs_service *find_service(const struct ipvs_table *table,
					       const struct hashmap *map,
					       const struct ipvs_service *svc)
{
	struct ipvs_service_key key;
	size_t at;

	ipvs_service_key(svc, &key);
	return hashmap_get(map, &key, &at) ? &table->services[at] : NULL;
}

/* --- services and their real servers ---------------------------------------- */

static struct dir_item *dest_item(struct dir_plan *plan, const char *name,
				  const struct ipvs_service *want, const struct ipvs_service *have)
{
	struct dir_item *item = dir_plan_new_item(plan, DIR_DEST);

	item->name = name;
	item->want = want;
	item->have = have;
	item->ours = true;
	return item;
}

/* A managed service's real servers are the configuration's, all of them. */
static void plan_dests(struct dir_plan *plan, const char *name, const struct ipvs_service *want,
		       const struct ipvs_service *have)
{
	size_t have_count = have ? have->dest_count : 0;
	bool *matched = xcalloc(have_count, sizeof(*matched));
	struct hashmap map;
	struct ipvs_dest_key key;

	hashmap_init(&map, sizeof(key), have_count);
	for (size_t i = 0; i < have_count; i++) {
		ipvs_dest_key(&have->dests[i], &key);
		hashmap_put(&map, &key, i);
	}
	for (size_t i = 0; i < want->dest_count; i++) {
		struct dir_item *item = dest_item(plan, name, want, have);
		size_t at;
		item->want_dest = &want->dests[i];
		item->wanted = true;
		ipvs_dest_key(item->want_dest, &key);
		if (!hashmap_get(&map, &key, &at)) {
			item->action = ACTION_ADD;
			continue;
		}
		matched[at] = true;
		item->have_dest = &have->dests[at];
		item->action = ipvs_dest_differs(item->want_dest, item->have_dest) ? ACTION_SET
										   : ACTION_NONE;
	}
	for (size_t i = 0; i < have_count; i++) {
		if (matched[i])
			continue;
		struct dir_item *item = dest_item(plan, name, want, have);
		item->have_dest = &have->dests[i];
		item->action = ACTION_REMOVE;
	}
	hashmap_free(&map);
	free(matched);
}

static void plan_service(struct dir_plan *plan, const struct dir_service *configured,
			 const struct ipvs_table *kernel, const struct hashmap *kernel_map,
			 const struct dir_owned *owned, bool manage_all)
{
	const struct ipvs_service *want = &configured->svc;
	const struct ipvs_service *have = find_service(kernel, kernel_map, want);
	struct dir_item *item = dir_plan_new_item(plan, DIR_SERVICE);

	item->name = configured->name;
	item->want = want;
	item->have = have;
	item->wanted = true;
	if (!have) {
		item->action = ACTION_ADD;
		item->ours = true;
	} else {
		item->ours = manage_all || dir_owned_has_service(owned, have);
		item->adopted = !item->ours;
		item->action = ipvs_service_differs(want, have) ? ACTION_SET : ACTION_NONE;
	}
	plan_dests(plan, configured->name, want, have);
}

/* Services in the kernel the configuration does not name: removed when
 * lvsagent owns them (manage = all: always). */
static void plan_unnamed(struct dir_plan *plan, const struct ipvs_table *kernel,
			 const struct hashmap *wanted, const struct dir_owned *owned, bool all,
			 bool everything)
{
	struct ipvs_service_key key;
	size_t at;

	for (size_t i = 0; i < kernel->count; i++) {
		const struct ipvs_service *have = &kernel->services[i];
		ipvs_service_key(have, &key);
		if ((!everything && hashmap_get(wanted, &key, &at)) ||
		    !(all || dir_owned_has_service(owned, have)))
			continue;
		struct dir_item *item = dir_plan_new_item(plan, DIR_SERVICE);
		item->have = have;
		item->ours = true;
		item->action = ACTION_REMOVE;
	}
}

/* --- forwarding for NAT ------------------------------------------------------ */

bool director_needs_forwarding(const struct director_config *cfg, int af)
{
	for (size_t i = 0; i < cfg->service_count; i++) {
		const struct ipvs_service *svc = &cfg->services[i].svc;
		for (size_t j = 0; j < svc->dest_count; j++)
			if (svc->dests[j].fwd == IP_VS_CONN_F_MASQ && svc->dests[j].addr.family == af)
				return true;
	}
	return false;
}

static struct dir_item *sysctl_item(struct dir_plan *plan, enum sysctl_key key, int current)
{
	struct dir_item *item = dir_plan_new_item(plan, DIR_SYSCTL);

	item->key = key;
	strcpy(item->iface, key == IP_FORWARD ? "-" : "all");
	item->before = item->after = current;
	return item;
}

/* Forwarding on when a NAT real server needs it; the found value recorded
 * and put back when none does (unless someone changed it since). */
static void plan_forwarding(struct dir_plan *plan, enum sysctl_key key, bool needed,
			    int current, const struct dir_owned *owned)
{
	const struct saved_sysctl *saved = dir_owned_sysctl(owned, key);
	struct sysctl_step step;
	struct dir_item *item;

	if (current < 0 || (!needed && !saved))
		return;
	item = sysctl_item(plan, key, current);
	item->wanted = needed;
	item->ours = saved != NULL;
	if (needed)
		sysctl_step_raise(item->iface, key, current, 1, saved, &step);
	else
		sysctl_step_restore(saved, current, &step);
	item->after = step.after;
	item->action = step.action;
	item->restore = step.restore;
	item->note = step.note;
	item->keep_record = step.has_record;
	item->record = step.record;
}

/* --- VIPs on vip_interface ----------------------------------------------------- */

struct vip_key {
	uint8_t family, addr[16];
};

static void vip_key(const struct ipaddr *addr, struct vip_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = addr->family;
	memcpy(key->addr, addr->bytes, ipaddr_len(addr));
}

/* Whether the kernel keeps address protocols (Linux 6.3 and later): then
 * it reports its own (::1 on lo, link-local addresses), and an address
 * lvsagent added carries 176. */
static bool kernel_keeps_address_protocols(const struct netdevs *net)
{
	for (size_t i = 0; i < net->addr_count; i++)
		if (net->addrs[i].proto)
			return true;
	return false;
}

/* Why the address A, which the state file says lvsagent bound on IFACE, is
 * not to be taken for lvsagent's, or NULL when it carries lvsagent's mark:
 * address protocol 176, or the IPv4 label IFACE:lvs. An IPv6 address has
 * no label; where the kernel keeps no protocols, the shape lvsagent gives
 * it (a /128 without duplicate address detection) is all there is to go
 * by. A record alone proves nothing: the state file may be forged. */
static const char *vip_unmarked(const struct rtnl_addr *a, const char *iface, bool protocols)
{
	char label[IFNAMSIZ + 8];

	if (a->proto == LVSAGENT_RTPROT)
		return NULL;
	if (a->proto)
		return "is in the state file, but the address carries another owner's protocol: "
		       "not lvsagent's, left alone";
	if (a->addr.family == AF_INET) {
		snprintf(label, sizeof(label), "%s%s", iface, DIRECTOR_VIP_LABEL_SUFFIX);
		return strcmp(a->label, label) == 0
			       ? NULL
			       : "is in the state file, but the address has no label IFACE:lvs: "
				 "not lvsagent's, left alone";
	}
	if (protocols)
		return "is in the state file, but the address has no protocol 176: not "
		       "lvsagent's, left alone";
	return a->prefixlen == 128 && (a->flags & IFA_F_NODAD)
		       ? NULL
		       : "is in the state file, but the address is not the /128 without "
			 "duplicate address detection lvsagent adds: not lvsagent's, left alone";
}

/* Each service address once on vip_interface; WANTED collects them. */
static void plan_wanted_vips(struct dir_plan *plan, const struct director_config *cfg,
			     const struct dir_owned *owned, const struct dir_host *host,
			     struct hashmap *wanted)
{
	bool protocols = kernel_keeps_address_protocols(host->net);
	struct vip_key key;

	for (size_t i = 0; host->vip_ifindex && i < cfg->service_count; i++) {
		const struct ipvs_service *svc = &cfg->services[i].svc;
		if (svc->fwmark)
			continue;	/* a mark names no address to bind */
		vip_key(&svc->addr, &key);
		if (!hashmap_put(wanted, &key, i))
			continue;	/* several services on one VIP */
		struct dir_item *item = dir_plan_new_item(plan, DIR_VIP);
		item->vip = svc->addr;
		item->ifindex = host->vip_ifindex;
		strcpy(item->iface, cfg->vip_interface);
		item->wanted = true;
		const struct rtnl_addr *there = netdev_addr_on(host->net, host->vip_ifindex,
								 &svc->addr);
		item->before = there != NULL;
		item->after = 1;
		item->ours = !there;
		if (there && dir_owned_has_vip_on(owned, &svc->addr, cfg->vip_interface)) {
			item->note = vip_unmarked(there, cfg->vip_interface, protocols);
			item->ours = !item->note;
		}
		item->action = item->before ? ACTION_NONE : ACTION_ADD;
	}
}

/* Owned VIPs not wanted where they are — no longer configured, or bound to
 * an interface that is not vip_interface any more — are removed. */
static void plan_unwanted_vips(struct dir_plan *plan, const struct dir_owned *owned,
			       const struct dir_host *host, const struct hashmap *wanted,
			       const char *vip_interface)
{
	bool protocols = kernel_keeps_address_protocols(host->net);
	struct vip_key key;
	size_t at;

	for (size_t i = 0; i < owned->vip_count; i++) {
		const struct dir_vip *vip = &owned->vips[i];
		const struct rtnl_link *link = netdev_by_name(host->net, vip->iface);
		const struct rtnl_addr *there = link ? netdev_addr_on(host->net, link->ifindex,
									 &vip->addr)
						     : NULL;
		vip_key(&vip->addr, &key);
		if (hashmap_get(wanted, &key, &at) && strcmp(vip->iface, vip_interface) == 0)
			continue;
		struct dir_item *item = dir_plan_new_item(plan, DIR_VIP);
		item->vip = vip->addr;
		strcpy(item->iface, vip->iface);
		item->ifindex = link ? link->ifindex : 0;
		item->ours = true;
		item->before = there != NULL;
		item->note = there ? vip_unmarked(there, vip->iface, protocols) : NULL;
		if (item->note)
			item->ours = false;	/* and its record is dropped */
		item->action = item->before && item->ours ? ACTION_REMOVE : ACTION_NONE;
	}
}

/* --- sync daemons --------------------------------------------------------------- */

static void plan_sync(struct dir_plan *plan, const struct director_config *cfg,
		      const struct dir_owned *owned, const struct dir_host *host, bool stop)
{
	struct sync_decision decision;

	plan->sync_read = host->sync != NULL;
	for (int role = 0; role < IPVS_SYNC_ROLES; role++) {
		sync_decide(&cfg->sync, host->sync, owned, cfg->manage_all, stop, role, &decision);
		if (!decision.planned)
			continue;
		*dir_plan_new_item(plan, DIR_SYNC) = (struct dir_item){
			.kind = DIR_SYNC, .action = decision.action, .wanted = decision.wanted,
			.ours = decision.ours, .adopted = decision.adopted,
			.differs = decision.differs, .note = decision.note,
			/* Whether one runs, whether one is wanted. */
			.before = decision.running, .after = decision.wanted,
			.sync_want = decision.want, .sync_have = decision.have,
		};
	}
}

/* --- entry points -------------------------------------------------------------- */

void director_plan_apply(const struct director_config *cfg, const struct ipvs_table *kernel,
			 const struct dir_owned *owned, const struct dir_host *host,
			 struct dir_plan *plan)
{
	struct hashmap kernel_map, wanted;
	struct ipvs_service_key key;

	memset(plan, 0, sizeof(*plan));
	plan_forwarding(plan, IP_FORWARD, director_needs_forwarding(cfg, AF_INET), host->forwarding[0],
			owned);
	plan_forwarding(plan, IPV6_FORWARDING, director_needs_forwarding(cfg, AF_INET6),
			host->forwarding[1], owned);
	index_services(kernel, &kernel_map);
	hashmap_init(&wanted, sizeof(key), cfg->service_count);
	for (size_t i = 0; i < cfg->service_count; i++) {
		ipvs_service_key(&cfg->services[i].svc, &key);
		hashmap_put(&wanted, &key, i);
		plan_service(plan, &cfg->services[i], kernel, &kernel_map, owned, cfg->manage_all);
	}
	plan_unnamed(plan, kernel, &wanted, owned, cfg->manage_all, false);
	hashmap_free(&wanted);
	hashmap_init(&wanted, sizeof(struct vip_key), cfg->service_count);
	plan_wanted_vips(plan, cfg, owned, host, &wanted);
	plan_unwanted_vips(plan, owned, host, &wanted, cfg->vip_interface);
	plan_sync(plan, cfg, owned, host, false);
	director_plan_tunables(plan, &cfg->tunables, host, owned);
	hashmap_free(&kernel_map);
	hashmap_free(&wanted);
}

void director_plan_stop(const struct director_config *cfg, const struct ipvs_table *kernel,
			const struct dir_owned *owned, const struct dir_host *host,
			struct dir_plan *plan)
{
	struct hashmap none;

	memset(plan, 0, sizeof(*plan));
	hashmap_init(&none, sizeof(struct ipvs_service_key), 0);
	plan_unnamed(plan, kernel, &none, owned, cfg->manage_all, true);
	hashmap_free(&none);
	hashmap_init(&none, sizeof(struct vip_key), 0);
	plan_unwanted_vips(plan, owned, host, &none, cfg->vip_interface);
	plan_sync(plan, cfg, owned, host, true);
	director_plan_tunables(plan, NULL, host, owned);
	plan_forwarding(plan, IP_FORWARD, false, host->forwarding[0], owned);
	plan_forwarding(plan, IPV6_FORWARDING, false, host->forwarding[1], owned);
	hashmap_free(&none);
}

size_t dir_plan_changes(const struct dir_plan *plan)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->count; i++)
		n += plan->items[i].action != ACTION_NONE;
	return n;
}

/* KERNEL's copy of ITEM's real server, found by its keys: KERNEL is the
 * table the plan was made against. */
static struct ipvs_dest *kernel_dest(struct ipvs_table *kernel, const struct dir_item *item)
{
	for (size_t s = 0; s < kernel->count; s++) {
		struct ipvs_service *service = &kernel->services[s];
		if (!ipvs_same_service(service, item->have))
			continue;
		for (size_t d = 0; d < service->dest_count; d++)
			if (ipvs_same_dest(&service->dests[d], item->have_dest))
				return &service->dests[d];
	}
	return NULL;
}

bool director_table_after(const struct dir_plan *plan, struct ipvs_table *kernel)
{
	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		struct ipvs_dest *dest, now;
		/* A sync daemon started or stopped falls through to "false" below,
		 * as an added service does: the next turn reads them again. */
		if (item->action == ACTION_NONE || item->kind == DIR_VIP || item->kind == DIR_SYSCTL ||
		    item->kind == DIR_TUNABLE)
			continue;
		if (!item->done || item->kind != DIR_DEST || item->action != ACTION_SET ||
		    !item->have || !item->have_dest || !item->want_dest)
			return false;
		if (!(dest = kernel_dest(kernel, item)))
			return false;
		/* What the kernel counts stays; what was set is the configured. */
		now = *item->want_dest;
		now.active = dest->active;
		now.inactive = dest->inactive;
		now.persistent = dest->persistent;
		now.stats = dest->stats;
		*dest = now;
	}
	return true;
}

void dir_plan_free(struct dir_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		free(plan->items[i].reason);
	free(plan->items);
	memset(plan, 0, sizeof(*plan));
}
