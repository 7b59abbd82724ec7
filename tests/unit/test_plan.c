/* The planner: given a configuration, a kernel picture and what lvsagent
 * owns, the right actions — and only those. No root, no kernel. */
#include "fixtures.h"
#include "unit.h"

#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/xalloc.h"
#include "realserver/describe.h"
#include "realserver/plan.h"
#include "realserver/plan_route.h"

#define LO 1
#define ETH0 2

struct world {
	struct rs_config cfg;
	struct observed obs;
	struct owned owned;
	struct plan plan;
};

static void add_link(struct world *w, int ifindex, const char *name, unsigned flags)
{
	netdevs_add_link(&w->obs.net, ifindex, name, flags);
}

static void add_sysctls(struct world *w, const char *iface, int ignore, int announce)
{
	w->obs.sysctls = xrealloc_array(w->obs.sysctls, w->obs.sysctl_count + 1,
					sizeof(*w->obs.sysctls));
	struct sysctl_value *v = &w->obs.sysctls[w->obs.sysctl_count++];
	memset(v, 0, sizeof(*v));
	strcpy(v->iface, iface);
	v->value[ARP_IGNORE] = ignore;
	v->value[ARP_ANNOUNCE] = announce;
	v->readable = true;
}

static void add_addr(struct world *w, int ifindex, const char *addr, int prefixlen,
		     const char *label)
{
	strcpy(netdevs_add_addr(&w->obs.net, ifindex, addr, prefixlen)->label, label);
}

static void add_route(struct world *w, const char *dst, int protocol)
{
	w->obs.routes = xrealloc_array(w->obs.routes, w->obs.route_count + 1,
				       sizeof(*w->obs.routes));
	struct rtnl_route *r = &w->obs.routes[w->obs.route_count++];
	memset(r, 0, sizeof(*r));
	r->dst = ip(dst);
	r->dst_len = (uint8_t)ipaddr_host_prefix(&r->dst);
	r->protocol = (uint8_t)protocol;
	r->type = RTN_UNICAST;
	r->table = RT_TABLE_MAIN;
	r->oif = LO;
}

static void want_vip(struct world *w, const char *addr)
{
	XGROW(w->cfg.vips, w->cfg.vip_count, w->cfg.vip_capacity);
	w->cfg.vips[w->cfg.vip_count] = (struct vip){ .addr = ip(addr), .line = 1 };
	w->cfg.vips[w->cfg.vip_count].prefix_len = (uint8_t)ipaddr_host_prefix(&w->cfg.vips[w->cfg.vip_count].addr);
	w->cfg.vip_count++;
}

static void save_sysctl(struct world *w, const char *iface, enum sysctl_key key, int original,
			int set)
{
	struct saved_sysctl saved = { .key = key, .original = original, .set = set };

	strcpy(saved.iface, iface);
	owned_add_sysctl(&w->owned, &saved);
}

/* A fresh real server: lo up, eth0, sysctls at kernel defaults. */
static void fresh_host(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->cfg.arp_ignore = 1;
	w->cfg.arp_announce = 2;
	add_link(w, LO, "lo", IFF_UP | IFF_LOOPBACK);
	add_link(w, ETH0, "eth0", IFF_UP);
	add_sysctls(w, "all", 0, 0);
	add_sysctls(w, "lo", 0, 0);
	add_sysctls(w, "eth0", 0, 0);
	add_addr(w, LO, "127.0.0.1", 8, "lo");
	add_addr(w, ETH0, "10.0.0.3", 24, "eth0");
}

static void converge(struct world *w)
{
	observed_index(&w->obs);
	addr_list_sort(&w->owned.addrs);
	addr_list_sort(&w->owned.routes);
	plan_converge(&w->cfg, &w->obs, &w->owned, &w->plan);
}

static void withdraw(struct world *w)
{
	observed_index(&w->obs);
	addr_list_sort(&w->owned.addrs);
	addr_list_sort(&w->owned.routes);
	plan_withdraw(&w->obs, &w->owned, &w->plan);
}

static void release(struct world *w)
{
	free(w->cfg.vips);
	free(w->cfg.interfaces);
	free(w->cfg.tun.directors);
	observed_free(&w->obs);
	owned_free(&w->owned);
	plan_free(&w->plan);
}

static const struct plan_item *find(const struct world *w, enum item_kind kind,
				    const char *target)
{
	for (size_t i = 0; i < w->plan.count; i++) {
		const struct plan_item *item = &w->plan.items[i];
		char text[IPADDR_TEXT_MAX];
		if (item->kind != kind)
			continue;
		if (kind == ITEM_VIP || kind == ITEM_ROUTE) {
			if (strcmp(ipaddr_format(&item->addr, text), target) == 0)
				return item;
		} else if ((kind == ITEM_LINK || kind == ITEM_TUNNEL) &&
			   strcmp(item->setting->iface, target) == 0) {
			return item;
		}
	}
	return NULL;
}

static const struct plan_item *find_sysctl(const struct world *w, const char *iface,
					   enum sysctl_key key)
{
	for (size_t i = 0; i < w->plan.count; i++) {
		const struct plan_item *item = &w->plan.items[i];
		if (item->kind == ITEM_SYSCTL && item->setting->key == key &&
		    strcmp(item->setting->iface, iface) == 0)
			return item;
	}
	return NULL;
}

static void mark_all_done(struct world *w)
{
	for (size_t i = 0; i < w->plan.count; i++)
		w->plan.items[i].done = w->plan.items[i].action != ACTION_NONE;
}

static void test_fresh_host(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "192.168.101.168");
	want_vip(&w, "2001:db8::168");
	converge(&w);
	/* 6 sysctls + 2 VIPs + 2 routes, all to change; lo is already up. */
	assert_int_equal(plan_change_count(&w.plan), 10);
	assert_null(find(&w, ITEM_LINK, "lo"));
	assert_int_equal(find(&w, ITEM_VIP, "192.168.101.168")->action, ACTION_ADD);
	assert_int_equal(find(&w, ITEM_VIP, "2001:db8::168")->action, ACTION_ADD);
	assert_int_equal(find(&w, ITEM_ROUTE, "2001:db8::168")->action, ACTION_ADD);
	const struct plan_item *ignore = find_sysctl(&w, "eth0", ARP_IGNORE);
	assert_int_equal(ignore->action, ACTION_SET);
	assert_int_equal(ignore->before, 0);
	assert_int_equal(ignore->after, 1);
	assert_int_equal(find_sysctl(&w, "all", ARP_ANNOUNCE)->after, 2);
	release(&w);
}

static void test_in_place_is_no_change(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "192.168.101.168");
	w.obs.sysctls[0].value[ARP_IGNORE] = 1;
	w.obs.sysctls[0].value[ARP_ANNOUNCE] = 2;
	w.obs.sysctls[1].value[ARP_IGNORE] = 1;
	w.obs.sysctls[1].value[ARP_ANNOUNCE] = 2;
	w.obs.sysctls[2].value[ARP_IGNORE] = 1;
	w.obs.sysctls[2].value[ARP_ANNOUNCE] = 2;
	add_addr(&w, LO, "192.168.101.168", 32, "lo:lvs");
	add_route(&w, "192.168.101.168", LVSAGENT_RTPROT);
	converge(&w);
	assert_int_equal(plan_change_count(&w.plan), 0);
	assert_true(find(&w, ITEM_VIP, "192.168.101.168")->ours);
	release(&w);
}

/* Stricter values set by someone else are never lowered. */
static void test_sysctls_only_raised(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	w.obs.sysctls[0].value[ARP_IGNORE] = 8;	/* all */
	w.obs.sysctls[2].value[ARP_ANNOUNCE] = 1;	/* eth0 */
	converge(&w);
	assert_int_equal(find_sysctl(&w, "all", ARP_IGNORE)->action, ACTION_NONE);
	assert_int_equal(find_sysctl(&w, "all", ARP_IGNORE)->after, 8);
	assert_int_equal(find_sysctl(&w, "eth0", ARP_ANNOUNCE)->after, 2);
	release(&w);
}

/* Our own value follows the config down, but not below the original. */
static void test_own_sysctl_follows_config(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	w.obs.sysctls[0].value[ARP_IGNORE] = 2;
	save_sysctl(&w, "all", ARP_IGNORE, 0, 2);
	converge(&w);
	const struct plan_item *item = find_sysctl(&w, "all", ARP_IGNORE);
	assert_int_equal(item->action, ACTION_SET);
	assert_int_equal(item->after, 1);
	assert_int_equal(item->setting->record.original, 0);
	release(&w);
}

/* A VIP put on lo by an old init script is kept and not claimed. */
static void test_adopts_existing_vip(void **state)
{
	struct world w;
	struct owned after;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "192.168.101.168");
	add_addr(&w, LO, "192.168.101.168", 32, "lo:0");
	add_route(&w, "192.168.101.168", RTPROT_BOOT);
	converge(&w);
	const struct plan_item *vip = find(&w, ITEM_VIP, "192.168.101.168");
	assert_int_equal(vip->action, ACTION_NONE);
	assert_false(vip->ours);
	assert_false(find(&w, ITEM_ROUTE, "192.168.101.168")->ours);
	mark_all_done(&w);
	plan_owned_after(&w.plan, &after);
	assert_int_equal(after.addrs.count, 0);
	assert_int_equal(after.routes.count, 0);
	assert_int_equal(after.adopted.count, 1);
	assert_int_equal(after.sysctl_count, 6);
	owned_free(&after);
	plan_free(&w.plan);
	/* stop keeps it */
	withdraw(&w);
	for (size_t i = 0; i < w.plan.count; i++)
		assert_int_not_equal(w.plan.items[i].kind == ITEM_VIP &&
				     w.plan.items[i].action == ACTION_REMOVE, 1);
	release(&w);
}

static void test_dropped_vip_removed_if_ours(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	add_addr(&w, LO, "10.1.1.1", 32, "lo:lvs");
	add_addr(&w, LO, "10.9.9.9", 32, "lo:lvs");	/* ours by its label */
	add_addr(&w, LO, "10.8.8.8", 32, "lo");		/* not ours */
	add_route(&w, "10.1.1.1", LVSAGENT_RTPROT);
	add_route(&w, "10.9.9.9", LVSAGENT_RTPROT);
	add_route(&w, "10.8.8.8", RTPROT_BOOT);
	converge(&w);
	assert_int_equal(find(&w, ITEM_VIP, "10.9.9.9")->action, ACTION_REMOVE);
	assert_int_equal(find(&w, ITEM_ROUTE, "10.9.9.9")->action, ACTION_REMOVE);
	assert_null(find(&w, ITEM_VIP, "10.8.8.8"));
	assert_null(find(&w, ITEM_ROUTE, "10.8.8.8"));
	assert_int_equal(find(&w, ITEM_VIP, "10.1.1.1")->action, ACTION_NONE);
	release(&w);
}

/* IPv6 carries no label: ownership comes from the state file. */
static void test_ipv6_ownership_from_state(void **state)
{
	struct world w;
	struct ipaddr v6 = ip("2001:db8::9");

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	add_addr(&w, LO, "2001:db8::9", 128, "");
	add_addr(&w, LO, "2001:db8::7", 128, "");
	addr_list_add(&w.owned.addrs, &v6);
	converge(&w);
	assert_int_equal(find(&w, ITEM_VIP, "2001:db8::9")->action, ACTION_REMOVE);
	assert_null(find(&w, ITEM_VIP, "2001:db8::7"));
	release(&w);
}

/* A record the kernel's marks contradict (a forged state, or a VIP someone
 * replaced with their own): stop leaves the address and route alone, says
 * why, and stops recording them. */
static void test_record_contradicted_by_marks(void **state)
{
	struct world w;
	struct ipaddr forged = ip("203.0.113.99"), v6 = ip("2001:db8::9");
	struct owned after;

	(void)state;
	fresh_host(&w);
	add_addr(&w, LO, "203.0.113.99", 32, "lo:keepalived");
	add_route(&w, "203.0.113.99", RTPROT_BOOT);
	add_addr(&w, LO, "2001:db8::9", 128, "");
	w.obs.net.addrs[w.obs.net.addr_count - 1].proto = RTPROT_KERNEL;	/* another's IFA_PROTO */
	addr_list_add(&w.owned.addrs, &forged);
	addr_list_add(&w.owned.routes, &forged);
	addr_list_add(&w.owned.addrs, &v6);
	withdraw(&w);
	const struct plan_item *vip = find(&w, ITEM_VIP, "203.0.113.99");
	assert_int_equal(vip->action, ACTION_NONE);
	assert_false(vip->ours);
	assert_non_null(vip->note);
	assert_int_equal(find(&w, ITEM_ROUTE, "203.0.113.99")->action, ACTION_NONE);
	assert_int_equal(find(&w, ITEM_VIP, "2001:db8::9")->action, ACTION_NONE);
	plan_owned_after(&w.plan, &after);
	assert_int_equal(after.addrs.count, 0);
	assert_int_equal(after.routes.count, 0);
	owned_free(&after);
	release(&w);
}

static void test_withdraw_restores(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	add_addr(&w, LO, "10.1.1.1", 32, "lo:lvs");
	add_route(&w, "10.1.1.1", LVSAGENT_RTPROT);
	w.obs.sysctls[0].value[ARP_IGNORE] = 1;
	w.obs.sysctls[0].value[ARP_ANNOUNCE] = 3;	/* someone changed it since */
	save_sysctl(&w, "all", ARP_IGNORE, 0, 1);
	save_sysctl(&w, "all", ARP_ANNOUNCE, 1, 2);
	save_sysctl(&w, "gone0", ARP_IGNORE, 0, 1);
	withdraw(&w);
	assert_int_equal(find(&w, ITEM_VIP, "10.1.1.1")->action, ACTION_REMOVE);
	assert_int_equal(find(&w, ITEM_ROUTE, "10.1.1.1")->action, ACTION_REMOVE);
	const struct plan_item *ignore = find_sysctl(&w, "all", ARP_IGNORE);
	assert_int_equal(ignore->action, ACTION_SET);
	assert_true(ignore->setting->restore);
	assert_int_equal(ignore->after, 0);
	const struct plan_item *announce = find_sysctl(&w, "all", ARP_ANNOUNCE);
	assert_int_equal(announce->action, ACTION_NONE);
	assert_non_null(announce->note);
	assert_non_null(find_sysctl(&w, "gone0", ARP_IGNORE)->note);
	release(&w);
}

/* A failed change leaves the record as it was, so stop can undo the rest. */
static void test_partial_failure_is_recorded(void **state)
{
	struct world w;
	struct owned after;
	struct ipaddr a = ip("10.1.1.1"), b = ip("10.2.2.2");

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	want_vip(&w, "10.2.2.2");
	converge(&w);
	mark_all_done(&w);
	((struct plan_item *)find(&w, ITEM_VIP, "10.2.2.2"))->done = false;
	((struct plan_item *)find_sysctl(&w, "eth0", ARP_IGNORE))->done = false;
	plan_owned_after(&w.plan, &after);
	assert_true(addr_list_has(&after.addrs, &a));
	assert_false(addr_list_has(&after.addrs, &b));
	assert_true(addr_list_has(&after.routes, &b));
	assert_null(owned_sysctl(&after, "eth0", ARP_IGNORE));
	assert_int_equal(owned_sysctl(&after, "eth0", ARP_ANNOUNCE)->original, 0);
	assert_int_equal(owned_sysctl(&after, "eth0", ARP_ANNOUNCE)->set, 2);
	owned_free(&after);
	release(&w);
}

/* An uplink renamed since its values were raised (found by its index):
 * the record follows it, is restored there once it is no longer managed,
 * and a new interface that took the old name is not given the record. */
static void test_renamed_uplink_keeps_its_record(void **state)
{
	struct world w;
	struct saved_sysctl saved = { .iface = "eth0", .key = ARP_IGNORE, .original = 0, .set = 1,
				      .ifindex = ETH0 };

	(void)state;
	fresh_host(&w);
	strcpy(w.obs.net.links[1].name, "wan0");
	strcpy(w.obs.sysctls[2].iface, "wan0");
	w.obs.sysctls[2].value[ARP_IGNORE] = 1;
	add_link(&w, 9, "eth0", IFF_UP);	/* a new eth0 */
	add_sysctls(&w, "eth0", 0, 0);
	owned_add_sysctl(&w.owned, &saved);
	want_vip(&w, "10.1.1.1");
	w.cfg.interfaces_given = true;
	w.cfg.interfaces = xcalloc(1, sizeof(*w.cfg.interfaces));
	strcpy(w.cfg.interfaces[0].name, "eth0");
	w.cfg.interface_count = 1;
	converge(&w);
	const struct plan_item *back = find_sysctl(&w, "wan0", ARP_IGNORE);
	assert_non_null(back);
	assert_int_equal(back->action, ACTION_SET);
	assert_true(back->setting->restore);
	assert_int_equal(back->after, 0);
	assert_string_equal(back->setting->renamed_from, "eth0");
	const struct plan_item *fresh = find_sysctl(&w, "eth0", ARP_IGNORE);
	assert_false(fresh->setting->had_record);
	assert_int_equal(fresh->setting->record.original, 0);
	assert_int_equal(fresh->setting->record.ifindex, 9);
	release(&w);
}

/* A configured uplink that is not there is a difference, said in a note. */
static void test_missing_uplink_differs(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	w.cfg.interfaces_given = true;
	w.cfg.interfaces = xcalloc(1, sizeof(*w.cfg.interfaces));
	strcpy(w.cfg.interfaces[0].name, "eth7");
	w.cfg.interface_count = 1;
	converge(&w);
	const struct plan_item *missing = find_sysctl(&w, "eth7", ARP_IGNORE);
	assert_non_null(missing);
	assert_true(missing->setting->missing);
	assert_int_equal(missing->action, ACTION_NONE);
	assert_non_null(missing->note);
	assert_true(item_differs(missing));
	release(&w);
}

/* The value in force is the larger of all and the interface's own: eth0 at
 * 0 under all at 1 is in force (start still raises it, in case all is
 * lowered later), and a VIP also on eth0 is not in place. */
static void test_value_in_force_and_conflicts(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	w.obs.sysctls[0].value[ARP_IGNORE] = 1;
	w.obs.sysctls[0].value[ARP_ANNOUNCE] = 2;
	want_vip(&w, "10.1.1.1");
	add_addr(&w, LO, "10.1.1.1", 32, "lo:lvs");
	add_addr(&w, ETH0, "10.1.1.1", 32, "eth0");
	add_route(&w, "10.1.1.1", LVSAGENT_RTPROT);
	converge(&w);
	const struct plan_item *eth0 = find_sysctl(&w, "eth0", ARP_IGNORE);
	assert_int_equal(eth0->action, ACTION_SET);
	assert_true(eth0->setting->in_force);
	assert_false(item_differs(eth0));
	assert_false(find_sysctl(&w, "all", ARP_IGNORE)->setting->in_force);
	const struct plan_item *vip = find(&w, ITEM_VIP, "10.1.1.1");
	assert_true(vip->conflict);
	assert_int_equal(vip->action, ACTION_NONE);
	assert_true(item_differs(vip));
	release(&w);
}

/* What is written before the plan runs: every record held now and every
 * one the plan adds, and for a value lvsagent moves, the one it is about
 * to write as pending; afterwards, only what took effect. */
static void test_intent_before_apply(void **state)
{
	struct world w;
	struct owned intent, after;
	struct ipaddr gone = ip("10.9.9.9"), wanted = ip("10.1.1.1");

	(void)state;
	fresh_host(&w);
	w.cfg.arp_announce = 1;		/* follows lvsagent's own value down */
	w.obs.sysctls[0].value[ARP_ANNOUNCE] = 2;
	save_sysctl(&w, "all", ARP_ANNOUNCE, 0, 2);
	want_vip(&w, "10.1.1.1");
	add_addr(&w, LO, "10.9.9.9", 32, "lo:lvs");
	addr_list_add(&w.owned.addrs, &gone);
	converge(&w);
	plan_owned_intent(&w.plan, &intent);
	assert_true(addr_list_has(&intent.addrs, &wanted));
	assert_true(addr_list_has(&intent.addrs, &gone));
	const struct saved_sysctl *announce = owned_sysctl(&intent, "all", ARP_ANNOUNCE);
	assert_int_equal(announce->original, 0);
	assert_int_equal(announce->set, 2);
	assert_int_equal(announce->pending, 1);
	assert_int_equal(owned_sysctl(&intent, "all", ARP_IGNORE)->original, 0);
	assert_int_equal(owned_sysctl(&intent, "eth0", ARP_IGNORE)->set, 1);
	mark_all_done(&w);
	plan_owned_after(&w.plan, &after);
	assert_false(addr_list_has(&after.addrs, &gone));
	assert_int_equal(owned_sysctl(&after, "all", ARP_ANNOUNCE)->set, 1);
	assert_int_equal(owned_sysctl(&after, "all", ARP_ANNOUNCE)->pending, 0);
	owned_free(&intent);
	owned_free(&after);
	release(&w);
}

/* A crash after the pending value was written: it is lvsagent's, stop puts
 * the original back. */
static void test_pending_value_is_ours(void **state)
{
	struct world w;
	struct saved_sysctl saved = { .iface = "all", .key = ARP_ANNOUNCE, .original = 0, .set = 2,
				      .pending = 1 };

	(void)state;
	fresh_host(&w);
	w.obs.sysctls[0].value[ARP_ANNOUNCE] = 1;
	owned_add_sysctl(&w.owned, &saved);
	withdraw(&w);
	const struct plan_item *announce = find_sysctl(&w, "all", ARP_ANNOUNCE);
	assert_int_equal(announce->action, ACTION_SET);
	assert_int_equal(announce->after, 0);
	release(&w);
}

/* While another instance claims the host, lvsagent's marks may be its:
 * only this instance's records count. */
static void test_other_instance_marks_not_ours(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	add_addr(&w, LO, "10.7.7.7", 32, "lo:lvs");
	add_route(&w, "10.7.7.7", LVSAGENT_RTPROT);
	w.obs.other_instance = true;
	converge(&w);
	assert_null(find(&w, ITEM_VIP, "10.7.7.7"));
	assert_null(find(&w, ITEM_ROUTE, "10.7.7.7"));
	plan_free(&w.plan);
	withdraw(&w);
	assert_null(find(&w, ITEM_VIP, "10.7.7.7"));
	release(&w);
}

static void test_lo_down_is_brought_up(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	w.obs.net.links[0].flags = IFF_LOOPBACK;
	want_vip(&w, "10.1.1.1");
	converge(&w);
	assert_int_equal(find(&w, ITEM_LINK, "lo")->action, ACTION_SET);
	release(&w);
}

static void test_vip_with_wider_prefix_left_alone(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	add_addr(&w, LO, "10.1.1.1", 24, "lo");
	converge(&w);
	const struct plan_item *vip = find(&w, ITEM_VIP, "10.1.1.1");
	assert_int_equal(vip->action, ACTION_NONE);
	assert_non_null(vip->note);
	release(&w);
}

static void test_interfaces_given(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	add_link(&w, 3, "eth1", IFF_UP);
	add_sysctls(&w, "eth1", 0, 0);
	want_vip(&w, "10.1.1.1");
	w.cfg.interfaces_given = true;
	w.cfg.interfaces = xcalloc(1, sizeof(*w.cfg.interfaces));
	strcpy(w.cfg.interfaces[0].name, "eth1");
	w.cfg.interface_count = 1;
	converge(&w);
	assert_null(find_sysctl(&w, "eth0", ARP_IGNORE));
	assert_int_equal(find_sysctl(&w, "eth1", ARP_IGNORE)->action, ACTION_SET);
	release(&w);
}

static void test_missing_interface_is_config_error(void **state)
{
	struct world w;
	struct iface_name ifaces[1] = { { .name = "eth9", .line = 7 } };
	struct rs_config rs = { .interfaces = ifaces, .interface_count = 1 };
	void *data[2] = { &rs, NULL };
	struct config cfg = { .file = "x.conf", .schema = test_schema(), .data = data };
	struct diag diag = { 0 };

	(void)state;
	fresh_host(&w);
	observed_index(&w.obs);
	assert_int_equal(config_check_interfaces(&cfg, &w.obs.net, &diag), -1);
	assert_string_equal(diag.entries[0].text, "x.conf:7: interface \"eth9\" does not exist");
	diag_free(&diag);
	release(&w);
}

static const struct plan_item *find_nft(const struct world *w)
{
	for (size_t i = 0; i < w->plan.count; i++)
		if (w->plan.items[i].kind == ITEM_NFT)
			return &w->plan.items[i];
	return NULL;
}

/* The NFT item of TABLE, or NULL. */
static const struct plan_item *find_table(const struct world *w, enum nft_table table)
{
	for (size_t i = 0; i < w->plan.count; i++)
		if (w->plan.items[i].kind == ITEM_NFT && w->plan.items[i].table == table)
			return &w->plan.items[i];
	return NULL;
}

static void test_nftables_table(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	want_vip(&w, "2001:db8::1");
	w.cfg.suppression = SUPPRESS_NFTABLES;
	converge(&w);
	assert_int_equal(find_nft(&w)->action, ACTION_ADD);
	/* only the IPv4 VIP goes in the set; eth0 rewrites to its address */
	assert_int_equal(w.plan.nft.vips.count, 1);
	assert_int_equal(w.plan.nft.uplink_count, 1);
	assert_string_equal(w.plan.nft.uplinks[0].name, "eth0");
	assert_true(w.plan.nft.uplinks[0].has_addr);
	assert_string_equal(find_nft(&w)->detail, "1 IPv4 VIP; eth0 -> 10.0.0.3");
	/* nftables alone leaves the arp sysctls alone */
	assert_null(find_sysctl(&w, "all", ARP_IGNORE));

	/* the kernel has exactly this table: nothing to do */
	w.obs.nft_text = nft_render_desired(&w.plan.nft);
	plan_free(&w.plan);
	converge(&w);
	assert_int_equal(find_nft(&w)->action, ACTION_NONE);

	/* someone changed it: replace */
	w.obs.nft_text[0] = 'T';
	plan_free(&w.plan);
	converge(&w);
	assert_int_equal(find_nft(&w)->action, ACTION_SET);

	/* back to sysctl: the table goes */
	w.cfg.suppression = SUPPRESS_SYSCTL;
	plan_free(&w.plan);
	converge(&w);
	assert_int_equal(find_nft(&w)->action, ACTION_REMOVE);
	assert_int_equal(find_sysctl(&w, "all", ARP_IGNORE)->action, ACTION_SET);
	plan_free(&w.plan);
	withdraw(&w);
	assert_int_equal(find_nft(&w)->action, ACTION_REMOVE);
	release(&w);
}

static void test_both(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	w.cfg.suppression = SUPPRESS_BOTH;
	converge(&w);
	assert_int_equal(find_nft(&w)->action, ACTION_ADD);
	assert_int_equal(find_sysctl(&w, "all", ARP_IGNORE)->action, ACTION_SET);
	release(&w);
}

/* --- LVS-TUN ------------------------------------------------------------ */

#define TUNL0 3

static void set_rp_filter(struct world *w, const char *iface, int value)
{
	for (size_t i = 0; i < w->obs.sysctl_count; i++)
		if (strcmp(w->obs.sysctls[i].iface, iface) == 0)
			w->obs.sysctls[i].value[RP_FILTER] = value;
}

/* A fresh host with method = tun (ipip) and default's sysctls. */
static void tun_host(struct world *w, int all_rp_filter)
{
	fresh_host(w);
	add_sysctls(w, "default", 0, 0);
	w->cfg.tun.method = METHOD_TUN;
	w->cfg.tun.type = TUNNEL_IPIP;
	want_vip(w, "192.168.101.168");
	set_rp_filter(w, "all", all_rp_filter);
}

/* The same with the IPv6 VIP6 alone. */
static void tun_host6(struct world *w, const char *vip6)
{
	fresh_host(w);
	add_sysctls(w, "default", 0, 0);
	w->cfg.tun.method = METHOD_TUN;
	want_vip(w, vip6);
}

/* tunl0 is not there: created (its module loaded) and set up; its
 * rp_filter, default's when it appears, goes to 0. all is 0: nothing else. */
static void test_tun_creates_tunl0(void **state)
{
	struct world w;

	(void)state;
	tun_host(&w, 0);
	set_rp_filter(&w, "default", 1);
	converge(&w);
	const struct plan_item *tunnel = find(&w, ITEM_TUNNEL, "tunl0");
	assert_non_null(tunnel);
	assert_int_equal(tunnel->action, ACTION_ADD);
	assert_true(tunnel->setting->missing);
	assert_true(tunnel->ours);
	assert_string_equal(tunnel->setting->link_kind, "ipip");
	const struct plan_item *rp = find_sysctl(&w, "tunl0", RP_FILTER);
	assert_int_equal(rp->before, 1);
	assert_int_equal(rp->after, 0);
	assert_true(rp->setting->before_created);
	assert_null(find_sysctl(&w, "all", RP_FILTER));
	assert_null(find_sysctl(&w, "eth0", RP_FILTER));
	/* Recorded before it is created, so a crash leaves stop its record. */
	struct owned intent;
	plan_owned_intent(&w.plan, &intent);
	assert_true(owned_has_tunnel(&intent, "tunl0"));
	owned_free(&intent);
	release(&w);
}

/* all.rp_filter = 1: every other interface (and default) keeps 1 as its
 * own, then all goes to 0 and tunl0 to 0 — in that order. */
static void test_tun_strict_host(void **state)
{
	struct world w;
	size_t eth0_at = 0, all_at = 0;

	(void)state;
	tun_host(&w, 1);
	add_link(&w, TUNL0, "tunl0", IFF_NOARP);
	add_sysctls(&w, "tunl0", 0, 0);
	converge(&w);
	assert_int_equal(find(&w, ITEM_TUNNEL, "tunl0")->action, ACTION_SET);
	for (size_t i = 0; i < w.plan.count; i++) {
		const struct plan_item *item = &w.plan.items[i];
		if (item->kind != ITEM_SYSCTL || item->setting->key != RP_FILTER)
			continue;
		if (strcmp(item->setting->iface, "eth0") == 0)
			eth0_at = i;
		if (strcmp(item->setting->iface, "all") == 0)
			all_at = i;
	}
	assert_true(eth0_at && all_at && eth0_at < all_at);
	assert_int_equal(find_sysctl(&w, "eth0", RP_FILTER)->after, 1);
	assert_int_equal(find_sysctl(&w, "lo", RP_FILTER)->after, 1);
	assert_int_equal(find_sysctl(&w, "default", RP_FILTER)->after, 1);
	const struct plan_item *all = find_sysctl(&w, "all", RP_FILTER);
	assert_int_equal(all->action, ACTION_SET);
	assert_int_equal(all->after, 0);
	assert_true(all->setting->exact);
	assert_true(all->setting->has_record);
	assert_int_equal(all->setting->record.original, 1);
	/* tunl0 is already 0 on its own; no ARP sysctls for it (no uplink). */
	assert_int_equal(find_sysctl(&w, "tunl0", RP_FILTER)->action, ACTION_NONE);
	assert_null(find_sysctl(&w, "tunl0", ARP_IGNORE));
	release(&w);
}

/* Once applied, the record of all's 1 keeps the others strict: nothing to
 * change (status in place), and stop puts every value back. */
static void test_tun_strict_host_applied(void **state)
{
	struct world w;

	(void)state;
	tun_host(&w, 0);
	add_link(&w, TUNL0, "tunl0", IFF_UP | IFF_NOARP);
	add_sysctls(&w, "tunl0", 0, 0);
	for (size_t i = 0; i < w.obs.sysctl_count; i++) {
		struct sysctl_value *v = &w.obs.sysctls[i];
		v->value[ARP_IGNORE] = 1;
		v->value[ARP_ANNOUNCE] = 2;
		if (strcmp(v->iface, "all") && strcmp(v->iface, "tunl0"))
			v->value[RP_FILTER] = 1;
	}
	add_addr(&w, LO, "192.168.101.168", 32, "lo:lvs");
	add_route(&w, "192.168.101.168", LVSAGENT_RTPROT);
	save_sysctl(&w, "all", RP_FILTER, 1, 0);
	save_sysctl(&w, "eth0", RP_FILTER, 0, 1);
	owned_add_tunnel(&w.owned, "tunl0");
	converge(&w);
	for (size_t i = 0; i < w.plan.count; i++)
		if (w.plan.items[i].action != ACTION_NONE)
			fail_msg("item %zu changes", i);
	assert_true(find(&w, ITEM_TUNNEL, "tunl0")->ours);
	plan_free(&w.plan);
	withdraw(&w);
	const struct plan_item *all = find_sysctl(&w, "all", RP_FILTER);
	assert_int_equal(all->action, ACTION_SET);
	assert_int_equal(all->after, 1);
	assert_int_equal(find_sysctl(&w, "eth0", RP_FILTER)->after, 0);
	assert_int_equal(find(&w, ITEM_TUNNEL, "tunl0")->action, ACTION_REMOVE);
	mark_all_done(&w);
	struct owned after;
	plan_owned_after(&w.plan, &after);
	assert_true(owned_is_empty(&after));
	owned_free(&after);
	release(&w);
}

/* Calico's tunl0 (up, an address, not lvsagent's): left exactly as it is,
 * and stop never sets it down. */
static void test_tun_foreign_tunl0(void **state)
{
	struct world w;

	(void)state;
	tun_host(&w, 0);
	add_link(&w, TUNL0, "tunl0", IFF_UP | IFF_NOARP);
	add_sysctls(&w, "tunl0", 0, 0);
	add_addr(&w, TUNL0, "10.244.1.0", 32, "tunl0");
	converge(&w);
	const struct plan_item *tunnel = find(&w, ITEM_TUNNEL, "tunl0");
	assert_int_equal(tunnel->action, ACTION_NONE);
	assert_false(tunnel->ours);
	mark_all_done(&w);
	struct owned after;
	plan_owned_after(&w.plan, &after);
	assert_false(owned_has_tunnel(&after, "tunl0"));
	owned_free(&after);
	plan_free(&w.plan);
	withdraw(&w);
	assert_null(find(&w, ITEM_TUNNEL, "tunl0"));
	release(&w);
}

/* lvsagent brought it up, and someone gave it an address since: it stays
 * up, and is no longer lvsagent's. */
static void test_tun_withdraw_used_tunl0(void **state)
{
	struct world w;

	(void)state;
	tun_host(&w, 0);
	add_link(&w, TUNL0, "tunl0", IFF_UP | IFF_NOARP);
	add_addr(&w, TUNL0, "10.244.1.0", 32, "tunl0");
	owned_add_tunnel(&w.owned, "tunl0");
	withdraw(&w);
	const struct plan_item *tunnel = find(&w, ITEM_TUNNEL, "tunl0");
	assert_int_equal(tunnel->action, ACTION_NONE);
	assert_non_null(tunnel->note);
	struct owned after;
	plan_owned_after(&w.plan, &after);
	assert_false(owned_has_tunnel(&after, "tunl0"));
	owned_free(&after);
	release(&w);
}

/* IPv6 VIPs: ip6tnl0, and no rp_filter (IPv4's alone); back to dr: the
 * device lvsagent brought up goes down. */
static void test_tun_ipv6_and_back_to_dr(void **state)
{
	struct world w;

	(void)state;
	tun_host6(&w, "2001:db8::168");
	set_rp_filter(&w, "all", 1);
	converge(&w);
	assert_int_equal(find(&w, ITEM_TUNNEL, "ip6tnl0")->action, ACTION_ADD);
	assert_null(find(&w, ITEM_TUNNEL, "tunl0"));
	assert_null(find_sysctl(&w, "all", RP_FILTER));
	plan_free(&w.plan);
	w.cfg.tun.method = METHOD_DR;
	add_link(&w, 4, "ip6tnl0", IFF_UP | IFF_NOARP);
	owned_add_tunnel(&w.owned, "ip6tnl0");
	converge(&w);
	assert_int_equal(find(&w, ITEM_TUNNEL, "ip6tnl0")->action, ACTION_REMOVE);
	release(&w);
}

static void add_fou(struct world *w, uint16_t port, int family)
{
	w->obs.fou_ports = xrealloc_array(w->obs.fou_ports, w->obs.fou_count + 1,
					  sizeof(*w->obs.fou_ports));
	w->obs.fou_ports[w->obs.fou_count++] = (struct fou_port){ .port = port,
		.family = (uint8_t)family, .type = 2 };
}

static const struct plan_item *find_fou(const struct world *w, int family)
{
	for (size_t i = 0; i < w->plan.count; i++)
		if (w->plan.items[i].kind == ITEM_FOU &&
		    w->plan.items[i].setting->fou.family == family)
			return &w->plan.items[i];
	return NULL;
}

/* gue: a GUE port per VIP family on tunnel_port, and the ipip devices that
 * get the packets fou takes apart; a port someone else added is theirs. */
static void test_gue_ports(void **state)
{
	struct world w;

	(void)state;
	tun_host(&w, 0);
	w.cfg.tun.type = TUNNEL_GUE;
	w.cfg.tun.port = 6080;
	want_vip(&w, "2001:db8::168");
	add_fou(&w, 6080, AF_INET6);
	converge(&w);
	assert_int_equal(find(&w, ITEM_TUNNEL, "tunl0")->action, ACTION_ADD);
	assert_int_equal(find(&w, ITEM_TUNNEL, "ip6tnl0")->action, ACTION_ADD);
	const struct plan_item *v4 = find_fou(&w, AF_INET), *v6 = find_fou(&w, AF_INET6);
	assert_int_equal(v4->action, ACTION_ADD);
	assert_int_equal(v4->setting->fou.port, 6080);
	assert_true(v4->ours);
	assert_int_equal(v6->action, ACTION_NONE);
	assert_false(v6->ours);
	mark_all_done(&w);
	struct owned after;
	plan_owned_after(&w.plan, &after);
	assert_int_equal(after.fou_count, 1);
	assert_int_equal(after.fou_ports[0].family, AF_INET);
	plan_free(&w.plan);
	/* stop removes only its own. */
	owned_free(&w.owned);
	w.owned = after;
	add_fou(&w, 6080, AF_INET);
	withdraw(&w);
	assert_int_equal(find_fou(&w, AF_INET)->action, ACTION_REMOVE);
	assert_null(find_fou(&w, AF_INET6));
	release(&w);
}

/* The words for the tunnel pieces, as start, status and the daemon say them. */
static void want_director(struct world *w, const char *addr)
{
	XGROW(w->cfg.tun.directors, w->cfg.tun.director_count, w->cfg.tun.director_capacity);
	w->cfg.tun.directors[w->cfg.tun.director_count++] = ip(addr);
}

/* directors and mss: table inet lvsagent, with the arp table untouched
 * (suppression = sysctl); added, kept, replaced when changed, removed
 * when no longer configured and by stop. */
static void test_tun_filter_table(void **state)
{
	struct world w;
	char target[64];

	(void)state;
	tun_host(&w, 0);
	want_vip(&w, "2001:db8::100");
	want_director(&w, "10.0.0.2");
	w.cfg.tun.mss = 1400;
	converge(&w);
	const struct plan_item *filter = find_table(&w, TABLE_FILTER);
	assert_non_null(filter);
	assert_null(find_table(&w, TABLE_ARP));
	assert_int_equal(filter->action, ACTION_ADD);
	assert_string_equal(item_target(filter, target, sizeof(target)), "table inet lvsagent");
	assert_string_equal(filter->detail, "tunnel packets only from 1 director; TCP MSS "
			    "clamped to 1400");
	/* ipip: IPv4 and IPv6 inside; no IPv6 director (all IPv6 ones dropped) */
	assert_int_equal(w.plan.filter.proto_count, 2);
	assert_int_equal(w.plan.filter.directors[0].count, 1);
	assert_int_equal(w.plan.filter.directors[1].count, 0);
	assert_int_equal(w.plan.filter.vips[0].count, 1);
	assert_int_equal(w.plan.filter.vips[1].count, 1);

	/* the kernel has it: nothing to do; changed by hand: replaced */
	w.obs.filter_text = nft_filter_render(&w.plan.filter);
	plan_free(&w.plan);
	converge(&w);
	assert_int_equal(find_table(&w, TABLE_FILTER)->action, ACTION_NONE);
	w.obs.filter_text[0] = 'T';
	plan_free(&w.plan);
	converge(&w);
	assert_int_equal(find_table(&w, TABLE_FILTER)->action, ACTION_SET);

	/* gue: its UDP port instead of IP protocols */
	w.cfg.tun.type = TUNNEL_GUE;
	w.cfg.tun.port = 6080;
	plan_free(&w.plan);
	converge(&w);
	assert_int_equal(w.plan.filter.proto_count, 0);
	assert_int_equal(w.plan.filter.udp_port, 6080);

	/* neither key any more: the table goes; stop removes it too */
	w.cfg.tun.director_count = 0;
	w.cfg.tun.mss = 0;
	plan_free(&w.plan);
	converge(&w);
	assert_int_equal(find_table(&w, TABLE_FILTER)->action, ACTION_REMOVE);
	plan_free(&w.plan);
	withdraw(&w);
	assert_int_equal(find_table(&w, TABLE_FILTER)->action, ACTION_REMOVE);
	assert_null(find_table(&w, TABLE_ARP));
	release(&w);
}

/* The tunnel item whose device's name starts with PREFIX, or NULL. */
static const struct plan_item *find_tunnel_prefix(const struct world *w, const char *prefix)
{
	for (size_t i = 0; i < w->plan.count; i++)
		if (w->plan.items[i].kind == ITEM_TUNNEL &&
		    strncmp(w->plan.items[i].setting->iface, prefix, strlen(prefix)) == 0)
			return &w->plan.items[i];
	return NULL;
}

/* ITEM: a device of lvsagent's own of KIND to REMOTE, to be created. */
static void assert_own_added(const struct plan_item *item, const char *kind, const char *remote)
{
	char view[IPADDR_TEXT_MAX];

	assert_non_null(item);
	assert_int_equal(item->action, ACTION_ADD);
	assert_true(item->setting->own);
	assert_string_equal(item->setting->link_kind, kind);
	assert_string_equal(ipaddr_format(&item->setting->remote, view), remote);
}

/* GRE with checksums: a device of lvsagent's own per director (none of
 * the fallbacks), known by its mark, deleted when no longer wanted. */
static void test_tun_gre_csum_own_devices(void **state)
{
	struct world w;
	char view[128];

	(void)state;
	tun_host(&w, 0);
	want_vip(&w, "2001:db8::100");
	w.cfg.tun.type = TUNNEL_GRE;
	w.cfg.tun.csum = CSUM_CSUM;
	want_director(&w, "10.0.0.2");
	want_director(&w, "2001:db8::2");
	converge(&w);
	assert_null(find(&w, ITEM_TUNNEL, "gre0"));
	assert_null(find(&w, ITEM_TUNNEL, "ip6gre0"));
	assert_own_added(find(&w, ITEM_TUNNEL, "lvsgre0a000002"), "gre", "10.0.0.2");
	const struct plan_item *v6 = find_tunnel_prefix(&w, "lvs6gre");
	assert_non_null(v6);
	assert_string_equal(v6->setting->link_kind, "ip6gre");
	/* rp_filter 0 on the IPv4 device, from default's when it appears */
	assert_true(find_sysctl(&w, "lvsgre0a000002", RP_FILTER)->setting->before_created);
	/* not recorded: its mark says whose it is */
	struct owned intent;
	plan_owned_intent(&w.plan, &intent);
	assert_int_equal(intent.tunnel_count, 0);
	owned_free(&intent);

	/* there with lvsagent's mark: nothing to do; no uplink for ARP */
	add_link(&w, 9, "lvsgre0a000002", IFF_UP | IFF_NOARP);
	strcpy(w.obs.net.links[w.obs.net.link_count - 1].alias,
	       "lvsagent tunnel: gre csum from 10.0.0.2");
	add_sysctls(&w, "lvsgre0a000002", 0, 0);
	plan_free(&w.plan);
	converge(&w);
	assert_int_equal(find(&w, ITEM_TUNNEL, "lvsgre0a000002")->action, ACTION_NONE);
	assert_null(find_sysctl(&w, "lvsgre0a000002", ARP_IGNORE));
	/* without the mark: someone else's, left alone and said */
	strcpy(w.obs.net.links[w.obs.net.link_count - 1].alias, "mine");
	plan_free(&w.plan);
	converge(&w);
	assert_int_equal(find(&w, ITEM_TUNNEL, "lvsgre0a000002")->action, ACTION_NONE);
	assert_non_null(find(&w, ITEM_TUNNEL, "lvsgre0a000002")->note);
	/* back to ipip, then stop: lvsagent's own device is deleted */
	strcpy(w.obs.net.links[w.obs.net.link_count - 1].alias,
	       "lvsagent tunnel: gre csum from 10.0.0.2");
	w.cfg.tun.type = TUNNEL_IPIP;
	w.cfg.tun.csum = CSUM_NONE;
	plan_free(&w.plan);
	converge(&w);
	const struct plan_item *gone = find(&w, ITEM_TUNNEL, "lvsgre0a000002");
	assert_int_equal(gone->action, ACTION_REMOVE);
	assert_string_equal(item_change(gone, view, sizeof(view)),
			    "delete tunnel lvsgre0a000002 (lvsagent's own)");
	plan_free(&w.plan);
	withdraw(&w);
	assert_int_equal(find(&w, ITEM_TUNNEL, "lvsgre0a000002")->action, ACTION_REMOVE);
	release(&w);
}

/* IPv4 VIPs, an IPv6 director (IPv4 inside IPv6): tunl0 for the IPv4
 * directors, and an ip6tnl device of mode any of lvsagent's own for the
 * IPv6 one, with rp_filter 0 (it hands on IPv4); gue the same devices
 * and a port for IPv6 too. */
static void test_tun_4in6_own_device(void **state)
{
	struct world w;

	(void)state;
	tun_host(&w, 0);
	want_director(&w, "10.0.0.2");
	want_director(&w, "2001:db8::2");
	converge(&w);
	assert_non_null(find(&w, ITEM_TUNNEL, "tunl0"));
	assert_null(find(&w, ITEM_TUNNEL, "ip6tnl0"));	/* no IPv6 VIP */
	assert_null(find_tunnel_prefix(&w, "lvs6in4"));	/* no IPv6 VIP */
	const struct plan_item *own = find_tunnel_prefix(&w, "lvs4in6");
	assert_non_null(own);
	assert_int_equal(own->action, ACTION_ADD);
	assert_string_equal(own->setting->link_kind, "ip6tnl");
	assert_string_equal(own->setting->alias, "lvsagent tunnel: ip6tnl any from 2001:db8::2");
	assert_non_null(find_sysctl(&w, own->setting->iface, RP_FILTER));
	/* gue: fou hands protocol 4 on to the same device */
	w.cfg.tun.type = TUNNEL_GUE;
	w.cfg.tun.port = 6080;
	plan_free(&w.plan);
	converge(&w);
	assert_non_null(find_tunnel_prefix(&w, "lvs4in6"));
	assert_non_null(find_fou(&w, AF_INET));
	assert_non_null(find_fou(&w, AF_INET6));
	/* without the IPv6 director: neither */
	w.cfg.tun.director_count = 1;
	plan_free(&w.plan);
	converge(&w);
	assert_null(find_tunnel_prefix(&w, "lvs4in6"));
	assert_null(find_fou(&w, AF_INET6));
	release(&w);
}

/* IPv6 VIPs, an IPv4 director (IPv6 inside IPv4, protocol 41): a sit
 * device of lvsagent's own, mode ip6ip, and no rp_filter (it hands on
 * IPv6 only); gue a port for IPv4 too; none without the IPv4 director. */
static void test_tun_6in4_own_device(void **state)
{
	struct world w;

	(void)state;
	tun_host6(&w, "2001:db8::100");
	want_director(&w, "10.0.0.2");
	converge(&w);
	assert_null(find(&w, ITEM_TUNNEL, "tunl0"));	/* no IPv4 VIP */
	assert_non_null(find(&w, ITEM_TUNNEL, "ip6tnl0"));
	const struct plan_item *own = find(&w, ITEM_TUNNEL, "lvs6in40a000002");
	assert_own_added(own, "sit", "10.0.0.2");
	assert_string_equal(own->setting->alias, "lvsagent tunnel: sit ip6ip from 10.0.0.2");
	assert_null(find_sysctl(&w, "lvs6in40a000002", RP_FILTER));
	assert_null(find_sysctl(&w, "all", RP_FILTER));
	w.cfg.tun.type = TUNNEL_GUE;
	w.cfg.tun.port = 6080;
	plan_free(&w.plan);
	converge(&w);
	assert_non_null(find(&w, ITEM_TUNNEL, "lvs6in40a000002"));
	assert_non_null(find_fou(&w, AF_INET));
	assert_non_null(find_fou(&w, AF_INET6));
	w.cfg.tun.director_count = 0;
	plan_free(&w.plan);
	converge(&w);
	assert_null(find(&w, ITEM_TUNNEL, "lvs6in40a000002"));
	assert_null(find_fou(&w, AF_INET));
	release(&w);
}

/* GRE says what it carries: the fallback of the director's family takes
 * the other family's VIPs too — ip6gre0 for IPv4 VIPs from an IPv6
 * director (rp_filter 0 on it then), gre0 for IPv6 VIPs from an IPv4
 * one; with checksums, each director's own device. */
static void converge_gre_both_fallbacks(struct world *w, const char *director)
{
	w->cfg.tun.type = TUNNEL_GRE;
	want_director(w, director);
	converge(w);
	assert_non_null(find(w, ITEM_TUNNEL, "gre0"));
	assert_non_null(find(w, ITEM_TUNNEL, "ip6gre0"));
}

static void test_tun_gre_mixed(void **state)
{
	struct world w;

	(void)state;
	tun_host(&w, 0);
	converge_gre_both_fallbacks(&w, "2001:db8::2");
	assert_non_null(find_sysctl(&w, "ip6gre0", RP_FILTER));
	for (size_t i = 0; i < w.plan.count; i++)
		assert_false(w.plan.items[i].kind == ITEM_TUNNEL && w.plan.items[i].setting->own);
	/* checksums: the IPv6 director's own ip6gre device carries IPv4 */
	w.cfg.tun.csum = CSUM_CSUM;
	plan_free(&w.plan);
	converge(&w);
	assert_null(find(&w, ITEM_TUNNEL, "ip6gre0"));
	const struct plan_item *own = find_tunnel_prefix(&w, "lvs6gre");
	assert_non_null(own);
	assert_non_null(find_sysctl(&w, own->setting->iface, RP_FILTER));
	/* IPv6 VIPs only, an IPv4 director: gre0, no rp_filter */
	release(&w);
	tun_host6(&w, "2001:db8::100");
	converge_gre_both_fallbacks(&w, "10.0.0.2");
	assert_null(find_sysctl(&w, "gre0", RP_FILTER));
	w.cfg.tun.csum = CSUM_CSUM;
	plan_free(&w.plan);
	converge(&w);
	assert_non_null(find(&w, ITEM_TUNNEL, "lvsgre0a000002"));
	assert_null(find_sysctl(&w, "lvsgre0a000002", RP_FILTER));
	release(&w);
}

/* Someone else's ipip device whose remote end is the director takes its
 * packets before tunl0: said, with its name; not when it is another host's. */
static void test_tun_rival(void **state)
{
	struct world w;
	struct rtnl_link *rival;

	(void)state;
	tun_host(&w, 0);
	want_director(&w, "10.0.0.2");
	add_link(&w, 7, "rival", IFF_UP | IFF_NOARP);
	rival = &w.obs.net.links[w.obs.net.link_count - 1];
	strcpy(rival->kind, "ipip");
	rival->tun_remote = ip("10.0.0.2");
	converge(&w);
	const struct plan_item *tunl0 = find(&w, ITEM_TUNNEL, "tunl0");
	assert_string_equal(tunl0->setting->rival, "rival");
	assert_non_null(tunl0->note);
	/* to another host, or down, or of another kind: no matter */
	rival->tun_remote = ip("10.9.9.9");
	plan_free(&w.plan);
	converge(&w);
	assert_string_equal(find(&w, ITEM_TUNNEL, "tunl0")->setting->rival, "");
	rival->tun_remote = ip("10.0.0.2");
	strcpy(rival->kind, "gre");
	plan_free(&w.plan);
	converge(&w);
	assert_null(find(&w, ITEM_TUNNEL, "tunl0")->note);
	/* only a local end (the host's address): before the fallback too */
	strcpy(rival->kind, "ipip");
	memset(&rival->tun_remote, 0, sizeof(rival->tun_remote));
	rival->tun_local = ip("10.0.0.3");
	plan_free(&w.plan);
	converge(&w);
	assert_string_equal(find(&w, ITEM_TUNNEL, "tunl0")->setting->rival, "rival");
	release(&w);
}

/* Route mode's prefixes: the mss sets are interval sets, IPv6 too. */
static void test_tun_filter_prefixes(void **state)
{
	struct world w;

	(void)state;
	tun_host(&w, 0);
	w.cfg.vip_mode = VIP_MODE_ROUTE;
	want_vip(&w, "2001:db8:5::");
	w.cfg.vips[w.cfg.vip_count - 1].prefix_len = 64;
	w.cfg.tun.mss = 1300;
	converge(&w);
	const struct nft_elements *v6 = &w.plan.filter.vips[1];
	char text[IPADDR_TEXT_MAX];
	assert_non_null(v6->flags);
	assert_int_equal(v6->count, 2);
	assert_string_equal(ipaddr_format(&v6->keys[0], text), "2001:db8:5::");
	assert_string_equal(ipaddr_format(&v6->keys[1], text), "2001:db8:5:1::");
	assert_int_equal(v6->flags[1], NFT_SET_ELEM_INTERVAL_END);
	assert_false(w.plan.filter.directors_given);
	release(&w);
}

static void test_tun_words(void **state)
{
	struct world w;
	char buf[160];

	(void)state;
	tun_host(&w, 1);
	w.cfg.tun.type = TUNNEL_GUE;
	w.cfg.tun.port = 6080;
	converge(&w);
	const struct plan_item *tunnel = find(&w, ITEM_TUNNEL, "tunl0");
	assert_string_equal(item_change(tunnel, buf, sizeof(buf)), "create tunnel tunl0 (ipip) up");
	assert_string_equal(item_repair(tunnel, buf, sizeof(buf)),
			    "tunnel tunl0 was missing; created it and set it up");
	assert_null(item_view(tunnel, true, buf, sizeof(buf)));
	assert_string_equal(item_view(tunnel, false, buf, sizeof(buf)), "tunnel tunl0 (ipip) up");
	const struct plan_item *port = find_fou(&w, AF_INET);
	assert_string_equal(item_change(port, buf, sizeof(buf)), "add fou port 6080/ipv4 (gue)");
	assert_string_equal(item_repair(port, buf, sizeof(buf)),
			    "fou port 6080/ipv4 was missing; added it back");
	const struct plan_item *all = find_sysctl(&w, "all", RP_FILTER);
	assert_string_equal(item_change(all, buf, sizeof(buf)),
			    "set sysctl net.ipv4.conf.all.rp_filter = 0 (was 1)");
	assert_true(item_differs(tunnel) && item_differs(port) && item_differs(all));
	release(&w);
}


/* --- route mode (vip_mode = route) ------------------------------------------- */

static void want_prefix(struct world *w, const char *addr, int len)
{
	want_vip(w, addr);
	w->cfg.vips[w->cfg.vip_count - 1].prefix_len = (uint8_t)len;
}

static void want_route_mode(struct world *w)
{
	w->cfg.vip_mode = VIP_MODE_ROUTE;
}

static void add_local(struct world *w, const char *dst, int len)
{
	w->obs.locals = xrealloc_array(w->obs.locals, w->obs.local_count + 1,
				       sizeof(*w->obs.locals));
	struct rtnl_route *r = &w->obs.locals[w->obs.local_count++];
	memset(r, 0, sizeof(*r));
	r->dst = ip(dst);
	r->dst_len = (uint8_t)len;
	r->protocol = LVSAGENT_RTPROT;
	r->type = RTN_LOCAL;
	r->table = RT_TABLE_LOCAL;
	r->oif = LO;
}

static const struct plan_item *find_local(const struct world *w, const char *dst, int len)
{
	for (size_t i = 0; i < w->plan.count; i++) {
		const struct plan_item *item = &w->plan.items[i];
		char text[IPADDR_TEXT_MAX];
		if (item->kind == ITEM_LOCAL && item->prefix_len == len &&
		    strcmp(ipaddr_format(&item->addr, text), dst) == 0)
			return item;
	}
	return NULL;
}

static size_t count_kind(const struct world *w, enum item_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < w->plan.count; i++)
		n += w->plan.items[i].kind == kind;
	return n;
}

/* Route mode adds one local route a VIP or prefix, and no address or
 * main-table route. */
static void test_route_mode_fresh(void **state)
{
	struct world w;
	char text[96];

	(void)state;
	fresh_host(&w);
	want_route_mode(&w);
	want_prefix(&w, "198.51.100.0", 24);
	want_prefix(&w, "192.0.2.1", 32);
	want_prefix(&w, "2001:db8:5::", 64);
	converge(&w);
	assert_int_equal(find_local(&w, "198.51.100.0", 24)->action, ACTION_ADD);
	assert_int_equal(find_local(&w, "192.0.2.1", 32)->action, ACTION_ADD);
	assert_int_equal(find_local(&w, "2001:db8:5::", 64)->action, ACTION_ADD);
	assert_int_equal(count_kind(&w, ITEM_VIP), 0);
	assert_int_equal(count_kind(&w, ITEM_ROUTE), 0);
	assert_string_equal(item_change(find_local(&w, "198.51.100.0", 24), text, sizeof(text)),
			    "add local 198.51.100.0/24 dev lo table local");
	mark_all_done(&w);
	struct owned after;
	plan_owned_after(&w.plan, &after);
	assert_int_equal(after.locals.count, 3);
	assert_true(prefix_list_has(&after.locals, &(struct ipprefix){ ip("198.51.100.0"), 24 }));
	owned_free(&after);
	release(&w);
}

static void test_route_mode_in_place(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_route_mode(&w);
	want_prefix(&w, "198.51.100.0", 24);
	add_local(&w, "198.51.100.0", 24);
	add_local(&w, "198.51.100.0", 25);	/* ours by its mark, no longer wanted */
	converge(&w);
	assert_int_equal(find_local(&w, "198.51.100.0", 24)->action, ACTION_NONE);
	assert_true(find_local(&w, "198.51.100.0", 24)->ours);
	assert_int_equal(find_local(&w, "198.51.100.0", 25)->action, ACTION_REMOVE);
	release(&w);
}

/* address -> route: the local route added, the address and its host
 * route removed; the intent records both, so a crash between leaves
 * nothing unowned. */
static void test_switch_address_to_route(void **state)
{
	struct world w;
	struct owned intent;

	(void)state;
	fresh_host(&w);
	want_route_mode(&w);
	want_prefix(&w, "10.1.1.1", 32);
	add_addr(&w, LO, "10.1.1.1", 32, "lo:lvs");
	add_route(&w, "10.1.1.1", LVSAGENT_RTPROT);
	converge(&w);
	assert_int_equal(find_local(&w, "10.1.1.1", 32)->action, ACTION_ADD);
	assert_int_equal(find(&w, ITEM_VIP, "10.1.1.1")->action, ACTION_REMOVE);
	assert_int_equal(find(&w, ITEM_ROUTE, "10.1.1.1")->action, ACTION_REMOVE);
	plan_owned_intent(&w.plan, &intent);
	assert_int_equal(intent.addrs.count, 1);
	assert_int_equal(intent.locals.count, 1);
	owned_free(&intent);
	release(&w);
}

static void test_switch_route_to_address(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	want_vip(&w, "10.1.1.1");
	add_local(&w, "10.1.1.1", 32);
	converge(&w);
	assert_int_equal(find(&w, ITEM_VIP, "10.1.1.1")->action, ACTION_ADD);
	assert_int_equal(find(&w, ITEM_ROUTE, "10.1.1.1")->action, ACTION_ADD);
	assert_int_equal(find_local(&w, "10.1.1.1", 32)->action, ACTION_REMOVE);
	release(&w);
}

/* The daemon's repair from events alone: wanted routes come back; one no
 * longer wanted, or address mode, needs the whole converge. */
static void test_local_repair(void **state)
{
	struct world w;
	struct ipprefix gone[2] = { { ip("198.51.100.0"), 24 }, { ip("192.0.2.1"), 32 } };

	(void)state;
	fresh_host(&w);
	want_route_mode(&w);
	want_prefix(&w, "198.51.100.0", 24);
	want_prefix(&w, "192.0.2.1", 32);
	assert_true(plan_local_repair(&w.cfg, &w.obs, gone, 2, &w.plan));
	assert_int_equal(w.plan.count, 2);
	assert_int_equal(find_local(&w, "198.51.100.0", 24)->action, ACTION_ADD);
	assert_true(find_local(&w, "192.0.2.1", 32)->ours);
	plan_free(&w.plan);
	struct ipprefix unwanted = { ip("198.51.100.0"), 25 };
	assert_false(plan_local_repair(&w.cfg, &w.obs, &unwanted, 1, &w.plan));
	plan_free(&w.plan);
	w.cfg.vip_mode = VIP_MODE_ADDRESS;
	assert_false(plan_local_repair(&w.cfg, &w.obs, gone, 1, &w.plan));
	release(&w);
}

/* stop removes the local routes by their mark, state file or not; another
 * instance's marked routes are left unless recorded here. */
static void test_route_mode_withdraw(void **state)
{
	struct world w;

	(void)state;
	fresh_host(&w);
	add_local(&w, "198.51.100.0", 24);
	withdraw(&w);
	assert_int_equal(find_local(&w, "198.51.100.0", 24)->action, ACTION_REMOVE);
	release(&w);

	fresh_host(&w);
	w.obs.other_instance = true;
	add_local(&w, "198.51.100.0", 24);
	add_local(&w, "203.0.113.0", 24);
	prefix_list_add(&w.owned.locals, &(struct ipprefix){ ip("203.0.113.0"), 24 });
	withdraw(&w);
	assert_null(find_local(&w, "198.51.100.0", 24));
	assert_int_equal(find_local(&w, "203.0.113.0", 24)->action, ACTION_REMOVE);
	release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_host),
		cmocka_unit_test(test_route_mode_fresh),
		cmocka_unit_test(test_route_mode_in_place),
		cmocka_unit_test(test_switch_address_to_route),
		cmocka_unit_test(test_switch_route_to_address),
		cmocka_unit_test(test_route_mode_withdraw),
		cmocka_unit_test(test_local_repair),
		cmocka_unit_test(test_in_place_is_no_change),
		cmocka_unit_test(test_sysctls_only_raised),
		cmocka_unit_test(test_own_sysctl_follows_config),
		cmocka_unit_test(test_adopts_existing_vip),
		cmocka_unit_test(test_dropped_vip_removed_if_ours),
		cmocka_unit_test(test_ipv6_ownership_from_state),
		cmocka_unit_test(test_record_contradicted_by_marks),
		cmocka_unit_test(test_withdraw_restores),
		cmocka_unit_test(test_partial_failure_is_recorded),
		cmocka_unit_test(test_renamed_uplink_keeps_its_record),
		cmocka_unit_test(test_missing_uplink_differs),
		cmocka_unit_test(test_value_in_force_and_conflicts),
		cmocka_unit_test(test_intent_before_apply),
		cmocka_unit_test(test_pending_value_is_ours),
		cmocka_unit_test(test_other_instance_marks_not_ours),
		cmocka_unit_test(test_lo_down_is_brought_up),
		cmocka_unit_test(test_vip_with_wider_prefix_left_alone),
		cmocka_unit_test(test_interfaces_given),
		cmocka_unit_test(test_missing_interface_is_config_error),
		cmocka_unit_test(test_nftables_table),
		cmocka_unit_test(test_both),
		cmocka_unit_test(test_tun_creates_tunl0),
		cmocka_unit_test(test_tun_strict_host),
		cmocka_unit_test(test_tun_strict_host_applied),
		cmocka_unit_test(test_tun_foreign_tunl0),
		cmocka_unit_test(test_tun_withdraw_used_tunl0),
		cmocka_unit_test(test_tun_ipv6_and_back_to_dr),
		cmocka_unit_test(test_gue_ports),
		cmocka_unit_test(test_tun_words),
		cmocka_unit_test(test_tun_filter_table),
		cmocka_unit_test(test_tun_filter_prefixes),
		cmocka_unit_test(test_tun_gre_csum_own_devices),
		cmocka_unit_test(test_tun_4in6_own_device),
		cmocka_unit_test(test_tun_6in4_own_device),
		cmocka_unit_test(test_tun_gre_mixed),
		cmocka_unit_test(test_tun_rival),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
