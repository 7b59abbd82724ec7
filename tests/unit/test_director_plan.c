/* The director's planner: configuration + the kernel's IPVS table + what
 * lvsagent owns + the host → the services, real servers, VIPs and forwarding
 * sysctls to add, change or remove — and what lvsagent owns afterwards.
 * No root, no kernel: tables and hosts are built by hand. */
#include "fixtures.h"
#include "unit.h"

#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/if_addr.h>
#include <linux/ip_vs.h>

#include "core/config.h"
#include "director/plan.h"
#include "director/state.h"
#include "director/syntax.h"
#include "kernel/ipvs_model.h"
#include "lib/xalloc.h"

#define LO 1
#define ETH1 3

struct world {
	struct config cfg;
	struct ipvs_table kernel;
	struct dir_owned owned;
	struct netdevs net;
	struct dir_host host;
	struct dir_plan plan;
	struct dir_owned after;
	bool planned, have_after;	/* plan and after to free */
};

static const char two_services[] =
	"[service web]\n"
	"virtual = tcp 192.0.2.1:80\n"
	"scheduler = rr\n"
	"realserver = 10.0.0.11:80 weight=2\n"
	"realserver = 10.0.0.12:80\n"
	"\n"
	"[service dns]\n"
	"virtual = udp 192.0.2.1:53\n"
	"persistence = 60\n"
	"netmask = 255.255.255.0\n"
	"realserver = 10.0.0.11:53\n"
	"realserver = 10.0.0.12:53 weight=3\n";

static struct ipvs_service virtual_service(const char *text)
{
	struct ipvs_service svc;
	const char *why;

	memset(&svc, 0, sizeof(svc));
	assert_int_equal(director_parse_virtual(text, &svc, &why), 0);
	strcpy(svc.scheduler, "wlc");
	svc.netmask = svc.af == AF_INET6 ? 128 : 0xffffffffu;
	return svc;
}

static void parse(struct config *cfg, const char *text)
{
	struct diag diag = { 0 };
	int ret = config_parse_text("d.conf", text, strlen(text), test_schema(), cfg, &diag);

	for (size_t i = 0; i < diag.count; i++)
		print_message("%s\n", diag.entries[i].text);
	assert_int_equal(ret, 0);
	diag_free(&diag);
}

/* A world with the configuration TEXT, an empty kernel, nothing owned, no
 * vip_interface, forwarding off. */
static void setup(struct world *w, const char *text)
{
	memset(w, 0, sizeof(*w));
	parse(&w->cfg, text);
	dir_owned_init(&w->owned);
	w->host.net = &w->net;
	w->host.forwarding[0] = w->host.forwarding[1] = 0;
}

/* The kernel holds exactly what the configuration says. */
static void kernel_as_configured(struct world *w)
{
	for (size_t i = 0; i < director_config_of(&w->cfg)->service_count; i++)
		ipvs_table_add(&w->kernel, &director_config_of(&w->cfg)->services[i].svc);
}

static void add_link(struct world *w, int ifindex, const char *name, unsigned flags)
{
	netdevs_add_link(&w->net, ifindex, name, flags);
}

static void add_addr(struct world *w, int ifindex, const char *addr, int prefixlen)
{
	netdevs_add_addr(&w->net, ifindex, addr, prefixlen);
}

/* An IPv4 VIP as the kernel reports one lvsagent added on IFACE: a /32
 * labelled IFACE:lvs, lvsagent's mark. */
static void add_our_vip(struct world *w, int ifindex, const char *addr, const char *iface)
{
	struct rtnl_addr *a = netdevs_add_addr(&w->net, ifindex, addr, 32);

	snprintf(a->label, sizeof(a->label), "%s:lvs", iface);
}

static void own_service(struct world *w, const char *text)
{
	struct ipvs_service svc = virtual_service(text);

	dir_owned_add_service(&w->owned, &svc);
}

/* two_services, applied by lvsagent: in the kernel as configured, owned. */
static void setup_applied(struct world *w)
{
	setup(w, two_services);
	kernel_as_configured(w);
	own_service(w, "tcp 192.0.2.1:80");
	own_service(w, "udp 192.0.2.1:53");
}

static void own_sysctl(struct world *w, enum sysctl_key key, int original, int set)
{
	struct saved_sysctl saved = { .key = key, .original = original, .set = set };

	strcpy(saved.iface, key == IP_FORWARD ? "-" : "all");
	dir_owned_add_sysctl(&w->owned, &saved);
}

static void plan_apply(struct world *w)
{
	netdevs_index(&w->net);
	director_plan_apply(director_config_of(&w->cfg), &w->kernel, &w->owned, &w->host, &w->plan);
	w->planned = true;
}

static void plan_stop(struct world *w)
{
	netdevs_index(&w->net);
	director_plan_stop(director_config_of(&w->cfg), &w->kernel, &w->owned, &w->host, &w->plan);
	w->planned = true;
}

/* What lvsagent owns once the items that changed something are DONE. */
static void owned_after(struct world *w, bool done)
{
	for (size_t i = 0; i < w->plan.count; i++)
		if (w->plan.items[i].action != ACTION_NONE)
			w->plan.items[i].done = done;
	if (w->have_after)
		dir_owned_free(&w->after);
	director_owned_after(&w->plan, &w->owned, &w->after);
	w->have_after = true;
}

/* The plan again from scratch (after changing the world). */
static void replan(struct world *w)
{
	dir_plan_free(&w->plan);
	if (w->have_after)
		dir_owned_free(&w->after);
	w->have_after = false;
	plan_apply(w);
}

static void teardown(struct world *w)
{
	if (w->planned)
		dir_plan_free(&w->plan);
	if (w->have_after)
		dir_owned_free(&w->after);
	dir_owned_free(&w->owned);
	ipvs_table_free(&w->kernel);
	netdevs_free(&w->net);
	config_free(&w->cfg);
}

static void print_plan(const struct dir_plan *plan)
{
	static const char *const kinds[] = { "service", "dest", "vip", "sysctl" };
	static const char *const actions[] = { "none", "add", "remove", "set" };

	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		print_message("  %s %s %s\n", kinds[item->kind], actions[item->action],
			      item->name ? item->name : "");
	}
}

/* The number of changes, with the plan shown when it is not N. */
static void assert_changes(const struct dir_plan *plan, size_t n)
{
	if (dir_plan_changes(plan) != n)
		print_plan(plan);
	assert_int_equal(dir_plan_changes(plan), n);
}

static size_t count_items(const struct dir_plan *plan, enum dir_kind kind, enum item_action action)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->count; i++)
		n += plan->items[i].kind == kind && plan->items[i].action == action;
	return n;
}

static size_t count_kind(const struct dir_plan *plan, enum dir_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->count; i++)
		n += plan->items[i].kind == kind;
	return n;
}

/* The DIR_SERVICE item for the virtual TEXT ("tcp 192.0.2.1:80"), or NULL. */
static struct dir_item *service_item(struct dir_plan *plan, const char *text)
{
	struct ipvs_service svc = virtual_service(text);

	for (size_t i = 0; i < plan->count; i++) {
		struct dir_item *item = &plan->items[i];
		const struct ipvs_service *which = item->want ? item->want : item->have;
		if (item->kind == DIR_SERVICE && ipvs_same_service(which, &svc))
			return item;
	}
	return NULL;
}

/* The DIR_DEST item for real server ADDR:PORT of the service [NAME]. */
static struct dir_item *dest_item(struct dir_plan *plan, const char *name, const char *addr,
				  uint16_t port)
{
	struct ipvs_dest dest = { .addr = ip(addr), .port = port };

	for (size_t i = 0; i < plan->count; i++) {
		struct dir_item *item = &plan->items[i];
		const struct ipvs_dest *which = item->want_dest ? item->want_dest : item->have_dest;
		if (item->kind == DIR_DEST && item->name && strcmp(item->name, name) == 0 &&
		    ipvs_same_dest(which, &dest))
			return item;
	}
	return NULL;
}

static struct dir_item *vip_item(struct dir_plan *plan, const char *addr)
{
	struct ipaddr vip = ip(addr);

	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].kind == DIR_VIP && ipaddr_equal(&plan->items[i].vip, &vip))
			return &plan->items[i];
	return NULL;
}

static struct dir_item *sysctl_item(struct dir_plan *plan, enum sysctl_key key)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].kind == DIR_SYSCTL && plan->items[i].key == key)
			return &plan->items[i];
	return NULL;
}

static bool owns(const struct dir_owned *owned, const char *text)
{
	struct ipvs_service svc = virtual_service(text);

	return dir_owned_has_service(owned, &svc);
}

static struct ipvs_dest *kernel_dest(struct world *w, size_t service, const char *addr)
{
	struct ipaddr want = ip(addr);
	struct ipvs_service *svc = &w->kernel.services[service];

	for (size_t i = 0; i < svc->dest_count; i++)
		if (ipaddr_equal(&svc->dests[i].addr, &want))
			return &svc->dests[i];
	fail_msg("no real server %s in kernel service %zu", addr, service);
	return NULL;
}

/* --- services and real servers ------------------------------------------------ */

static void test_empty_kernel_adds_everything(void **state)
{
	struct world w;

	(void)state;
	setup(&w, two_services);
	plan_apply(&w);
	assert_int_equal(count_items(&w.plan, DIR_SERVICE, ACTION_ADD), 2);
	assert_int_equal(count_items(&w.plan, DIR_DEST, ACTION_ADD), 4);
	assert_changes(&w.plan, 6);
	for (size_t i = 0; i < w.plan.count; i++) {
		const struct dir_item *item = &w.plan.items[i];
		assert_true(item->ours);
		assert_true(item->wanted);
		assert_false(item->adopted);
		assert_null(item->have);
		assert_non_null(item->want);
	}
	struct dir_item *web = service_item(&w.plan, "tcp 192.0.2.1:80");
	assert_non_null(web);
	assert_string_equal(web->name, "web");
	assert_string_equal(web->want->scheduler, "rr");
	struct dir_item *heavy = dest_item(&w.plan, "dns", "10.0.0.12", 53);
	assert_non_null(heavy);
	assert_int_equal(heavy->want_dest->weight, 3);
	/* No NAT, no vip_interface: nothing else. */
	assert_int_equal(count_kind(&w.plan, DIR_SYSCTL), 0);
	assert_int_equal(count_kind(&w.plan, DIR_VIP), 0);
	teardown(&w);
}

/* A service is ours only once its creation took effect. */
static void test_created_recorded_when_done(void **state)
{
	struct world w;

	(void)state;
	setup(&w, two_services);
	plan_apply(&w);
	owned_after(&w, false);
	assert_true(dir_owned_is_empty(&w.after));
	owned_after(&w, true);
	assert_int_equal(w.after.services.count, 2);
	assert_true(owns(&w.after, "tcp 192.0.2.1:80"));
	assert_true(owns(&w.after, "udp 192.0.2.1:53"));
	assert_false(owns(&w.after, "tcp 192.0.2.1:53"));
	/* The records are keys: the real servers are not kept. */
	assert_int_equal(w.after.services.services[0].dest_count, 0);
	teardown(&w);
}

static void test_kernel_as_configured_no_changes(void **state)
{
	struct world w;

	(void)state;
	setup_applied(&w);
	plan_apply(&w);
	assert_changes(&w.plan, 0);
	/* Every service and real server is still listed, in place. */
	assert_int_equal(count_items(&w.plan, DIR_SERVICE, ACTION_NONE), 2);
	assert_int_equal(count_items(&w.plan, DIR_DEST, ACTION_NONE), 4);
	struct dir_item *web = service_item(&w.plan, "tcp 192.0.2.1:80");
	assert_non_null(web->have);
	assert_true(web->ours);
	assert_false(web->adopted);
	/* Nothing to do, and still ours. */
	owned_after(&w, true);
	assert_int_equal(w.after.services.count, 2);
	assert_true(owns(&w.after, "tcp 192.0.2.1:80"));
	teardown(&w);
}

/* A weight is changed in place (SET_DEST): removing and re-adding the real
 * server would drop its connections. */
static void test_weight_is_set_in_place(void **state)
{
	struct world w;

	(void)state;
	setup_applied(&w);
	kernel_dest(&w, 0, "10.0.0.11")->weight = 7;
	plan_apply(&w);
	assert_changes(&w.plan, 1);
	assert_int_equal(count_items(&w.plan, DIR_DEST, ACTION_SET), 1);
	assert_int_equal(count_items(&w.plan, DIR_DEST, ACTION_ADD), 0);
	assert_int_equal(count_items(&w.plan, DIR_DEST, ACTION_REMOVE), 0);
	struct dir_item *item = dest_item(&w.plan, "web", "10.0.0.11", 80);
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_SET);
	assert_int_equal(item->want_dest->weight, 2);
	assert_int_equal(item->have_dest->weight, 7);
	assert_ptr_equal(item->have, &w.kernel.services[0]);
	assert_int_equal(service_item(&w.plan, "tcp 192.0.2.1:80")->action, ACTION_NONE);
	teardown(&w);
}

/* What the daemon plans its next verdicts against without a new read:
 * the table the plan was made against, with its done settings written in
 * and the kernel's counters kept; anything else done (or a failure) means
 * it must read the table again. */
static void done_all(struct dir_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		plan->items[i].done = plan->items[i].action != ACTION_NONE;
}

static void test_table_after_settings(void **state)
{
	struct world w;

	(void)state;
	setup_applied(&w);
	kernel_dest(&w, 0, "10.0.0.11")->weight = 7;
	kernel_dest(&w, 0, "10.0.0.11")->active = 42;
	plan_apply(&w);
	done_all(&w.plan);
	assert_true(director_table_after(&w.plan, &w.kernel));
	assert_int_equal(kernel_dest(&w, 0, "10.0.0.11")->weight, 2);
	assert_int_equal(kernel_dest(&w, 0, "10.0.0.11")->active, 42);
	/* Planned again against the written table: nothing left to do. */
	replan(&w);
	assert_changes(&w.plan, 0);

	/* A change that failed: the kernel's table is not known. */
	kernel_dest(&w, 0, "10.0.0.11")->weight = 7;
	replan(&w);
	assert_false(director_table_after(&w.plan, &w.kernel));
	assert_int_equal(kernel_dest(&w, 0, "10.0.0.11")->weight, 7);

	/* A real server removed (or added) is not written in. */
	w.kernel.services[1].dest_count = 1;	/* drop 10.0.0.12:53 */
	kernel_dest(&w, 0, "10.0.0.11")->weight = 2;
	replan(&w);
	done_all(&w.plan);
	assert_false(director_table_after(&w.plan, &w.kernel));
	teardown(&w);
}

/* Other real-server settings are converged the same way. */
static void test_dest_settings_are_set(void **state)
{
	struct world w;

	(void)state;
	setup(&w, "[service web]\nvirtual = tcp 192.0.2.1:80\n"
		  "realserver = 10.0.0.11:80 method=tun tun_type=gue tun_port=6080\n"
		  "realserver = 10.0.0.12:8080 method=nat u_threshold=100\n");
	kernel_as_configured(&w);
	kernel_dest(&w, 0, "10.0.0.11")->tun_port = 6081;
	kernel_dest(&w, 0, "10.0.0.12")->u_threshold = 0;
	plan_apply(&w);
	assert_int_equal(count_items(&w.plan, DIR_DEST, ACTION_SET), 2);
	assert_int_equal(count_items(&w.plan, DIR_DEST, ACTION_REMOVE), 0);
	teardown(&w);
}

/* Scheduler, flags and persistence: SET_SERVICE, real servers untouched. */
static void test_service_settings_are_set(void **state)
{
	for (int change = 0; change < 4; change++) {
		struct world w;

		(void)state;
		setup(&w, two_services);
		kernel_as_configured(&w);
		own_service(&w, "tcp 192.0.2.1:80");
		own_service(&w, "udp 192.0.2.1:53");
		struct ipvs_service *dns = &w.kernel.services[1];
		switch (change) {
		case 0: strcpy(dns->scheduler, "wrr"); break;
		case 1: dns->flags |= IP_VS_SVC_F_SCHED_SH_PORT; break;
		case 2: dns->timeout = 300; break;
		case 3: dns->netmask = 0xffffffffu; break;
		}
		plan_apply(&w);
			assert_changes(&w.plan, 1);
		struct dir_item *item = service_item(&w.plan, "udp 192.0.2.1:53");
		assert_non_null(item);
		assert_int_equal(item->action, ACTION_SET);
		assert_ptr_equal(item->have, dns);
		assert_string_equal(item->want->scheduler, "wlc");
		assert_int_equal(item->want->timeout, 60);
		assert_int_equal(count_items(&w.plan, DIR_SERVICE, ACTION_REMOVE), 0);
		assert_int_equal(count_items(&w.plan, DIR_SERVICE, ACTION_ADD), 0);
		teardown(&w);
	}
}

/* A persistence engine is a setting like the scheduler: the kernel's engine
 * and the configuration's are compared, and a change of anything else
 * carries the configured engine (a SET_SERVICE without one removes it). */
static void test_persistence_engine(void **state)
{
	static const char sip[] = "[service sip]\nvirtual = udp 192.0.2.1:5060\npersistence = 60\n"
				  "pe = sip\nrealserver = 10.0.0.11\n";
	struct world w;

	(void)state;
	setup(&w, sip);
	assert_string_equal(director_config_of(&w.cfg)->services[0].svc.pe_name, "sip");
	kernel_as_configured(&w);
	plan_apply(&w);
	assert_changes(&w.plan, 0);
	teardown(&w);

	/* The kernel's engine, not configured: a difference apply removes. */
	setup(&w, "[service sip]\nvirtual = udp 192.0.2.1:5060\npersistence = 60\n"
		  "realserver = 10.0.0.11\n");
	kernel_as_configured(&w);
	strcpy(w.kernel.services[0].pe_name, "sip");
	plan_apply(&w);
	assert_changes(&w.plan, 1);
	assert_int_equal(service_item(&w.plan, "udp 192.0.2.1:5060")->action, ACTION_SET);
	teardown(&w);

	/* A scheduler change keeps the engine: the wanted service has it. */
	setup(&w, sip);
	kernel_as_configured(&w);
	strcpy(w.kernel.services[0].scheduler, "rr");
	plan_apply(&w);
	assert_changes(&w.plan, 1);
	struct dir_item *item = service_item(&w.plan, "udp 192.0.2.1:5060");
	assert_int_equal(item->action, ACTION_SET);
	assert_string_equal(item->want->pe_name, "sip");
	teardown(&w);
}

/* A managed service's real servers are the configuration's: others go, the
 * missing come. */
static void test_real_servers_converge(void **state)
{
	struct world w;
	struct ipvs_dest extra = { .addr = ip("10.0.0.99"), .port = 80,
				   .fwd = IP_VS_CONN_F_DROUTE, .weight = 1 };

	(void)state;
	setup_applied(&w);
	ipvs_service_add_dest(&w.kernel.services[0], &extra);
	plan_apply(&w);
	assert_changes(&w.plan, 1);
	struct dir_item *item = dest_item(&w.plan, "web", "10.0.0.99", 80);
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_REMOVE);
	assert_null(item->want_dest);
	assert_false(item->wanted);
	assert_true(item->ours);
	assert_ptr_equal(item->have, &w.kernel.services[0]);

	/* And a configured one missing from the kernel is added. */
	w.kernel.services[1].dest_count = 1;	/* drop 10.0.0.12:53 */
	replan(&w);
	item = dest_item(&w.plan, "dns", "10.0.0.12", 53);
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_ADD);
	assert_null(item->have_dest);
	assert_changes(&w.plan, 2);
	teardown(&w);
}

/* The same address with another port is another real server. */
static void test_port_change_is_remove_and_add(void **state)
{
	struct world w;

	(void)state;
	setup(&w, "[service web]\nvirtual = tcp 192.0.2.1:80\n"
		  "realserver = 10.0.0.11:8080 method=nat\n");
	kernel_as_configured(&w);
	w.kernel.services[0].dests[0].port = 8081;
	plan_apply(&w);
	assert_int_equal(count_items(&w.plan, DIR_DEST, ACTION_ADD), 1);
	assert_int_equal(count_items(&w.plan, DIR_DEST, ACTION_REMOVE), 1);
	assert_int_equal(dest_item(&w.plan, "web", "10.0.0.11", 8080)->action, ACTION_ADD);
	assert_int_equal(dest_item(&w.plan, "web", "10.0.0.11", 8081)->action, ACTION_REMOVE);
	teardown(&w);
}

/* Kernel services the configuration does not name: lvsagent's own go, the
 * others stay — unless manage = all. */
static void test_unnamed_services(void **state)
{
	struct world w;
	struct ipvs_service mine = virtual_service("tcp 192.0.2.7:80");
	struct ipvs_service theirs = virtual_service("tcp 192.0.2.8:80");
	struct ipvs_dest dest = { .addr = ip("10.0.0.1"), .port = 80, .fwd = IP_VS_CONN_F_DROUTE,
				  .weight = 1 };

	(void)state;
	ipvs_service_add_dest(&theirs, &dest);
	setup(&w, two_services);
	kernel_as_configured(&w);
	ipvs_table_add(&w.kernel, &mine);
	ipvs_table_add(&w.kernel, &theirs);
	own_service(&w, "tcp 192.0.2.1:80");
	own_service(&w, "udp 192.0.2.1:53");
	own_service(&w, "tcp 192.0.2.7:80");
	plan_apply(&w);
	assert_changes(&w.plan, 1);
	struct dir_item *item = service_item(&w.plan, "tcp 192.0.2.7:80");
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_REMOVE);
	assert_true(item->ours);
	assert_false(item->wanted);
	assert_null(item->want);
	assert_ptr_equal(item->have, &w.kernel.services[2]);
	assert_null(service_item(&w.plan, "tcp 192.0.2.8:80"));
	/* Removed: no longer ours; the removal failed: still ours. */
	owned_after(&w, true);
	assert_false(owns(&w.after, "tcp 192.0.2.7:80"));
	assert_true(owns(&w.after, "tcp 192.0.2.1:80"));
	owned_after(&w, false);
	assert_true(owns(&w.after, "tcp 192.0.2.7:80"));
	assert_false(owns(&w.after, "tcp 192.0.2.8:80"));
	teardown(&w);

	/* manage = all: the whole table is the configuration's. */
	setup(&w, "[director]\nmanage = all\n\n" "[service web]\nvirtual = tcp 192.0.2.1:80\n");
	ipvs_table_add(&w.kernel, &mine);
	ipvs_table_add(&w.kernel, &theirs);
	plan_apply(&w);
	assert_int_equal(service_item(&w.plan, "tcp 192.0.2.7:80")->action, ACTION_REMOVE);
	assert_int_equal(service_item(&w.plan, "tcp 192.0.2.8:80")->action, ACTION_REMOVE);
	assert_int_equal(service_item(&w.plan, "tcp 192.0.2.1:80")->action, ACTION_ADD);
	/* A removed service's real servers go with it: no DEST items for them. */
	assert_int_equal(count_kind(&w.plan, DIR_DEST), 0);
	assert_changes(&w.plan, 3);
	teardown(&w);
	ipvs_service_free(&theirs);
}

/* A configured service lvsagent did not create is adopted: converged like
 * its own, but never recorded as created (stop leaves it). */
static void test_adopted_service(void **state)
{
	struct world w;

	(void)state;
	setup(&w, two_services);
	kernel_as_configured(&w);
	own_service(&w, "udp 192.0.2.1:53");
	strcpy(w.kernel.services[0].scheduler, "wlc");	/* web wants rr */
	kernel_dest(&w, 0, "10.0.0.12")->weight = 9;
	plan_apply(&w);
	struct dir_item *web = service_item(&w.plan, "tcp 192.0.2.1:80");
	assert_non_null(web);
	assert_true(web->adopted);
	assert_false(web->ours);
	assert_true(web->wanted);
	assert_int_equal(web->action, ACTION_SET);
	assert_int_equal(dest_item(&w.plan, "web", "10.0.0.12", 80)->action, ACTION_SET);
	struct dir_item *dns = service_item(&w.plan, "udp 192.0.2.1:53");
	assert_false(dns->adopted);
	assert_true(dns->ours);
	owned_after(&w, true);
	assert_false(owns(&w.after, "tcp 192.0.2.1:80"));
	assert_true(owns(&w.after, "udp 192.0.2.1:53"));
	assert_int_equal(w.after.services.count, 1);
	teardown(&w);

	/* manage = all: the whole table is lvsagent's, nothing is adopted. */
	setup(&w, "[director]\nmanage = all\n\n" "[service web]\nvirtual = tcp 192.0.2.1:80\n");
	kernel_as_configured(&w);
	plan_apply(&w);
	web = service_item(&w.plan, "tcp 192.0.2.1:80");
	assert_false(web->adopted);
	assert_true(web->ours);
	assert_int_equal(web->action, ACTION_NONE);
	owned_after(&w, true);
	assert_true(owns(&w.after, "tcp 192.0.2.1:80"));
	teardown(&w);
}

/* stop: lvsagent's services go, adopted and foreign ones stay. */
static void test_stop_removes_only_owned(void **state)
{
	struct world w;
	struct ipvs_service theirs = virtual_service("tcp 192.0.2.8:80");

	(void)state;
	setup(&w, two_services);
	kernel_as_configured(&w);		/* web adopted, dns ours */
	ipvs_table_add(&w.kernel, &theirs);
	own_service(&w, "udp 192.0.2.1:53");
	plan_stop(&w);
	assert_int_equal(w.plan.count, 1);
	assert_changes(&w.plan, 1);
	struct dir_item *dns = service_item(&w.plan, "udp 192.0.2.1:53");
	assert_non_null(dns);
	assert_int_equal(dns->action, ACTION_REMOVE);
	assert_ptr_equal(dns->have, &w.kernel.services[1]);
	owned_after(&w, true);
	assert_true(dir_owned_is_empty(&w.after));
	owned_after(&w, false);
	assert_true(owns(&w.after, "udp 192.0.2.1:53"));
	teardown(&w);

	/* manage = all: everything goes. */
	setup(&w, "[director]\nmanage = all\n");
	ipvs_table_add(&w.kernel, &theirs);
	ipvs_table_add(&w.kernel, &(struct ipvs_service){ .af = AF_INET, .fwmark = 5,
							   .scheduler = "wlc" });
	plan_stop(&w);
	assert_int_equal(count_items(&w.plan, DIR_SERVICE, ACTION_REMOVE), 2);
	assert_changes(&w.plan, 2);
	teardown(&w);
}

/* stop with a configuration that still names the service: it goes anyway
 * when ours. */
static void test_stop_ignores_configuration(void **state)
{
	struct world w;

	(void)state;
	setup_applied(&w);
	plan_stop(&w);
	assert_int_equal(count_items(&w.plan, DIR_SERVICE, ACTION_REMOVE), 2);
	assert_int_equal(count_kind(&w.plan, DIR_DEST), 0);
	teardown(&w);
}

/* --- forwarding for NAT --------------------------------------------------------- */

static const char nat_service[] =
	"[service web]\nvirtual = tcp 192.0.2.1:80\nrealserver = 10.0.0.11:8080 method=nat\n";

/* What lvsagent records of ip_forward once the plan took effect (or not):
 * the value it found and the value it wrote. */
static void expect_forwarding_record(struct world *w, int original, int set)
{
	const struct saved_sysctl *saved = dir_owned_sysctl(&w->after, IP_FORWARD);

	assert_non_null(saved);
	assert_int_equal(saved->original, original);
	assert_int_equal(saved->set, set);
}

static void test_nat_turns_forwarding_on(void **state)
{
	struct world w;

	(void)state;
	setup(&w, nat_service);
	assert_true(director_needs_forwarding(director_config_of(&w.cfg), AF_INET));
	assert_false(director_needs_forwarding(director_config_of(&w.cfg), AF_INET6));
	plan_apply(&w);
	struct dir_item *item = sysctl_item(&w.plan, IP_FORWARD);
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_SET);
	assert_int_equal(item->before, 0);
	assert_int_equal(item->after, 1);
	assert_true(item->wanted);
	assert_false(item->restore);
	assert_null(sysctl_item(&w.plan, IPV6_FORWARDING));
	/* Done: the value found is kept, to put back on stop. */
	owned_after(&w, true);
	expect_forwarding_record(&w, 0, 1);
	/* Not done: nothing was changed, nothing to remember. */
	owned_after(&w, false);
	assert_null(dir_owned_sysctl(&w.after, IP_FORWARD));
	teardown(&w);
}

/* Before apply, the record of what the plan may leave owned: the new
 * service and the forwarding sysctl's original, written before either
 * changes (a crash in between leaves what director stop needs). */
static void test_intent_before_apply(void **state)
{
	struct world w;
	struct dir_owned intent;

	(void)state;
	setup(&w, nat_service);
	plan_apply(&w);
	director_owned_intent(&w.plan, &w.owned, &intent);
	assert_int_equal(intent.services.count, 1);
	const struct saved_sysctl *saved = dir_owned_sysctl(&intent, IP_FORWARD);
	assert_non_null(saved);
	assert_int_equal(saved->original, 0);
	assert_int_equal(saved->set, 1);
	dir_owned_free(&intent);
	teardown(&w);
}

/* Someone raised ip_forward above lvsagent's value while NAT still needs
 * it: left as it is, and the record still says what lvsagent wrote, so a
 * later stop leaves the other writer's value alone. */
static void test_forwarding_raised_by_someone_else(void **state)
{
	struct world w;

	(void)state;
	setup(&w, nat_service);
	own_sysctl(&w, IP_FORWARD, 0, 1);
	w.host.forwarding[0] = 2;
	plan_apply(&w);
	struct dir_item *item = sysctl_item(&w.plan, IP_FORWARD);
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_NONE);
	owned_after(&w, true);
	expect_forwarding_record(&w, 0, 1);
	teardown(&w);
}

static void test_forwarding_already_on(void **state)
{
	struct world w;

	(void)state;
	setup(&w, nat_service);
	w.host.forwarding[0] = 1;
	plan_apply(&w);
	struct dir_item *item = sysctl_item(&w.plan, IP_FORWARD);
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_NONE);
	assert_changes(&w.plan, 2);	/* the service and its server */
	owned_after(&w, true);
	assert_null(dir_owned_sysctl(&w.after, IP_FORWARD));	/* not lvsagent's doing */
	teardown(&w);

	/* Set by lvsagent before: the record and its original survive. */
	setup(&w, nat_service);
	w.host.forwarding[0] = 1;
	own_sysctl(&w, IP_FORWARD, 0, 1);
	plan_apply(&w);
	assert_int_equal(sysctl_item(&w.plan, IP_FORWARD)->action, ACTION_NONE);
	owned_after(&w, true);
	expect_forwarding_record(&w, 0, 1);
	teardown(&w);

	/* Unknown (unreadable): left alone. */
	setup(&w, nat_service);
	w.host.forwarding[0] = -1;
	plan_apply(&w);
	assert_null(sysctl_item(&w.plan, IP_FORWARD));
	teardown(&w);
}

static void test_ipv6_nat_forwarding(void **state)
{
	struct world w;

	(void)state;
	setup(&w, "[service v6]\nvirtual = tcp [2001:db8::1]:80\n"
		  "realserver = [2001:db8::11]:80 method=nat\n");
	plan_apply(&w);
	assert_null(sysctl_item(&w.plan, IP_FORWARD));
	struct dir_item *item = sysctl_item(&w.plan, IPV6_FORWARDING);
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_SET);
	assert_int_equal(item->after, 1);
	assert_string_equal(item->iface, "all");
	teardown(&w);
}

/* stop puts back the value lvsagent found, if nobody changed it since. */
static void test_stop_restores_forwarding(void **state)
{
	struct world w;

	(void)state;
	setup(&w, nat_service);
	own_sysctl(&w, IP_FORWARD, 0, 1);
	w.host.forwarding[0] = 1;
	plan_stop(&w);
	struct dir_item *item = sysctl_item(&w.plan, IP_FORWARD);
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_SET);
	assert_int_equal(item->before, 1);
	assert_int_equal(item->after, 0);
	assert_true(item->restore);
	assert_null(item->note);
	owned_after(&w, true);
	assert_null(dir_owned_sysctl(&w.after, IP_FORWARD));
	/* The restore failed: the record stays for the next try. */
	owned_after(&w, false);
	expect_forwarding_record(&w, 0, 1);
	teardown(&w);
}

static void test_stop_leaves_changed_forwarding(void **state)
{
	struct world w;

	(void)state;
	setup(&w, nat_service);
	own_sysctl(&w, IP_FORWARD, 0, 1);
	w.host.forwarding[0] = 2;	/* someone else wrote it */
	plan_stop(&w);
	struct dir_item *item = sysctl_item(&w.plan, IP_FORWARD);
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_NONE);
	assert_non_null(item->note);
	assert_int_equal(item->after, 2);
	assert_changes(&w.plan, 0);
	teardown(&w);
}

/* apply without NAT any more: the same restore. */
static void test_apply_restores_forwarding_without_nat(void **state)
{
	struct world w;

	(void)state;
	setup(&w, two_services);
	own_sysctl(&w, IP_FORWARD, 0, 1);
	w.host.forwarding[0] = 1;
	plan_apply(&w);
	struct dir_item *item = sysctl_item(&w.plan, IP_FORWARD);
	assert_non_null(item);
	assert_false(item->wanted);
	assert_int_equal(item->action, ACTION_SET);
	assert_int_equal(item->after, 0);
	assert_true(item->restore);
	teardown(&w);
}

/* --- VIPs on vip_interface --------------------------------------------------------- */

static const char vip_services[] =
	"[director]\nvip_interface = eth1\n\n"
	"[service web]\nvirtual = tcp 192.0.2.1:80\nrealserver = 10.0.0.11:80\n\n"
	"[service dns]\nvirtual = udp 192.0.2.1:53\nrealserver = 10.0.0.11:53\n\n"
	"[service marked]\nvirtual = fwmark 7\npersistence = 60\nrealserver = 10.0.0.11\n";

static void vip_host(struct world *w)
{
	add_link(w, LO, "lo", IFF_UP | IFF_LOOPBACK);
	add_link(w, 2, "eth0", IFF_UP);
	add_link(w, ETH1, "eth1", IFF_UP);
	add_addr(w, LO, "127.0.0.1", 8);
	add_addr(w, ETH1, "10.0.0.1", 24);
	w->host.vip_ifindex = ETH1;
}

static void test_vip_added(void **state)
{
	struct world w;

	(void)state;
	setup(&w, vip_services);
	vip_host(&w);
	add_addr(&w, 2, "192.0.2.1", 32);	/* on another link: not there */
	plan_apply(&w);
	/* One address for both services, none for the mark. */
	assert_int_equal(count_kind(&w.plan, DIR_VIP), 1);
	struct dir_item *item = vip_item(&w.plan, "192.0.2.1");
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_ADD);
	assert_int_equal(item->ifindex, ETH1);
	assert_string_equal(item->iface, "eth1");
	assert_true(item->ours);
	assert_true(item->wanted);
	owned_after(&w, false);
	assert_int_equal(w.after.vip_count, 0);
	owned_after(&w, true);
	assert_int_equal(w.after.vip_count, 1);
	assert_true(dir_owned_has_vip(&w.after, &item->vip));
	assert_string_equal(w.after.vips[0].iface, "eth1");
	teardown(&w);
}

static void test_vip_already_there(void **state)
{
	struct world w;
	struct ipaddr vip = ip("192.0.2.1");

	(void)state;
	setup(&w, vip_services);
	vip_host(&w);
	add_addr(&w, ETH1, "192.0.2.1", 32);
	plan_apply(&w);
	struct dir_item *item = vip_item(&w.plan, "192.0.2.1");
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_NONE);
	assert_false(item->ours);
	owned_after(&w, true);
	assert_false(dir_owned_has_vip(&w.after, &vip));
	teardown(&w);

	/* lvsagent's own from before: still its own. */
	setup(&w, vip_services);
	vip_host(&w);
	add_our_vip(&w, ETH1, "192.0.2.1", "eth1");
	dir_owned_add_vip(&w.owned, &vip, "eth1");
	plan_apply(&w);
	item = vip_item(&w.plan, "192.0.2.1");
	assert_int_equal(item->action, ACTION_NONE);
	assert_true(item->ours);
	owned_after(&w, true);
	assert_true(dir_owned_has_vip(&w.after, &vip));
	teardown(&w);
}

static void test_vip_no_longer_configured(void **state)
{
	struct world w;
	struct ipaddr old = ip("192.0.2.99");

	(void)state;
	setup(&w, vip_services);
	vip_host(&w);
	add_addr(&w, ETH1, "192.0.2.1", 32);
	add_our_vip(&w, ETH1, "192.0.2.99", "eth1");
	dir_owned_add_vip(&w.owned, &old, "eth1");
	plan_apply(&w);
	struct dir_item *item = vip_item(&w.plan, "192.0.2.99");
	assert_non_null(item);
	assert_int_equal(item->action, ACTION_REMOVE);
	assert_int_equal(item->ifindex, ETH1);
	assert_true(item->ours);
	assert_false(item->wanted);
	owned_after(&w, true);
	assert_false(dir_owned_has_vip(&w.after, &old));
	owned_after(&w, false);
	assert_true(dir_owned_has_vip(&w.after, &old));

	/* Gone already (someone removed it): nothing to do, forgotten. */
	w.net.addr_count--;	/* 192.0.2.99, the last added (sorted: the highest address last) */
	assert_true(ipaddr_equal(&w.net.addrs[w.net.addr_count].addr, &old));
	replan(&w);
	item = vip_item(&w.plan, "192.0.2.99");
	assert_int_equal(item->action, ACTION_NONE);
	owned_after(&w, true);
	assert_false(dir_owned_has_vip(&w.after, &old));
	teardown(&w);
}

/* vip_interface changed from eth0 to eth1: the VIP moves — added on eth1,
 * removed from eth0 — and both are recorded until both are done. */
static void test_vip_moves_with_vip_interface(void **state)
{
	struct world w;
	struct ipaddr vip = ip("192.0.2.1");

	(void)state;
	setup(&w, vip_services);
	vip_host(&w);
	add_our_vip(&w, 2, "192.0.2.1", "eth0");
	dir_owned_add_vip(&w.owned, &vip, "eth0");
	plan_apply(&w);
	assert_int_equal(count_kind(&w.plan, DIR_VIP), 2);
	for (size_t i = 0; i < w.plan.count; i++) {
		const struct dir_item *item = &w.plan.items[i];
		if (item->kind != DIR_VIP)
			continue;
		bool on_eth1 = strcmp(item->iface, "eth1") == 0;
		assert_int_equal(item->action, on_eth1 ? ACTION_ADD : ACTION_REMOVE);
		assert_int_equal(item->ifindex, on_eth1 ? ETH1 : 2);
		assert_true(item->ours);
	}
	owned_after(&w, true);
	assert_int_equal(w.after.vip_count, 1);
	assert_true(dir_owned_has_vip_on(&w.after, &vip, "eth1"));
	assert_false(dir_owned_has_vip_on(&w.after, &vip, "eth0"));
	owned_after(&w, false);
	assert_true(dir_owned_has_vip_on(&w.after, &vip, "eth0"));
	teardown(&w);
}

/* stop takes lvsagent's VIPs off, and only those. */
static void test_stop_removes_owned_vips(void **state)
{
	struct world w;
	struct ipaddr vip = ip("192.0.2.1");

	(void)state;
	setup(&w, vip_services);
	vip_host(&w);
	add_our_vip(&w, ETH1, "192.0.2.1", "eth1");
	add_addr(&w, ETH1, "192.0.2.2", 32);
	dir_owned_add_vip(&w.owned, &vip, "eth1");
	plan_stop(&w);
	assert_int_equal(count_kind(&w.plan, DIR_VIP), 1);
	assert_int_equal(vip_item(&w.plan, "192.0.2.1")->action, ACTION_REMOVE);
	assert_null(vip_item(&w.plan, "192.0.2.2"));
	teardown(&w);
}

/* Without vip_interface (or with it missing: vip_ifindex 0) no VIP is bound. */
static void test_no_vip_interface(void **state)
{
	struct world w;

	(void)state;
	setup(&w, vip_services);
	vip_host(&w);
	w.host.vip_ifindex = 0;
	plan_apply(&w);
	assert_int_equal(count_kind(&w.plan, DIR_VIP), 0);
	teardown(&w);
}

static void test_check_vip_interface(void **state)
{
	struct world w;
	struct diag diag = { 0 };

	(void)state;
	setup(&w, "[director]\nvip_interface = eth9\n");
	vip_host(&w);
	assert_int_equal(director_check_vip_interface(&w.cfg, &w.net, &diag), -1);
	assert_int_equal(diag.count, 1);
	assert_string_equal(diag.entries[0].text, "d.conf:2: vip_interface \"eth9\" does not exist");
	diag_free(&diag);
	teardown(&w);

	setup(&w, "[director]\nvip_interface = eth1\n");
	vip_host(&w);
	assert_int_equal(director_check_vip_interface(&w.cfg, &w.net, &diag), 0);
	assert_int_equal(diag.count, 0);
	teardown(&w);

	setup(&w, "[director]\nmanage = owned\n");
	assert_int_equal(director_check_vip_interface(&w.cfg, &w.net, &diag), 0);
	assert_int_equal(diag.count, 0);
	teardown(&w);
}

/* A VIP record is acted on only if the address carries lvsagent's mark in
 * the kernel: the label IFACE:lvs (IPv4), or address protocol 176 where
 * the kernel keeps one; on kernels that keep none (before 6.3), an IPv6 VIP
 * has no label, and is believed in the shape lvsagent gives it: a /128
 * without duplicate address detection. A forged "vip ADDR eth0" must not
 * make stop delete eth0's own address. */
static struct rtnl_addr *vip_on(struct world *w, int ifindex, const char *addr, int prefixlen,
				const char *label)
{
	struct rtnl_addr *a = netdevs_add_addr(&w->net, ifindex, addr, prefixlen);

	if (label)
		strcpy(a->label, label);
	return a;
}

static void own_vip(struct world *w, const char *addr, const char *iface)
{
	struct ipaddr vip = ip(addr);

	dir_owned_add_vip(&w->owned, &vip, iface);
}

static void assert_left_alone(struct world *w, const char *addr)
{
	struct ipaddr vip = ip(addr);
	struct dir_item *item = vip_item(&w->plan, addr);

	assert_non_null(item);
	assert_int_equal(item->action, ACTION_NONE);
	assert_false(item->ours);
	assert_non_null(item->note);
	owned_after(w, true);
	assert_false(dir_owned_has_vip(&w->after, &vip));	/* the record goes */
}

static void test_vip_record_needs_mark(void **state)
{
	struct world w;

	(void)state;
	/* eth1's own address, unlabelled: left, and said. */
	setup(&w, vip_services);
	vip_host(&w);
	vip_on(&w, ETH1, "192.0.2.50", 24, "eth1");
	own_vip(&w, "192.0.2.50", "eth1");
	plan_stop(&w);
	assert_left_alone(&w, "192.0.2.50");
	teardown(&w);

	/* Labelled eth1:lvs: lvsagent's. */
	setup(&w, vip_services);
	vip_host(&w);
	vip_on(&w, ETH1, "192.0.2.1", 32, "eth1:lvs");
	own_vip(&w, "192.0.2.1", "eth1");
	plan_stop(&w);
	assert_int_equal(vip_item(&w.plan, "192.0.2.1")->action, ACTION_REMOVE);
	teardown(&w);

	/* Address protocol 176 marks it too; another protocol marks another owner. */
	setup(&w, vip_services);
	vip_host(&w);
	vip_on(&w, ETH1, "192.0.2.1", 32, "eth1")->proto = LVSAGENT_RTPROT;
	vip_on(&w, ETH1, "192.0.2.2", 32, "eth1:lvs")->proto = 12;
	own_vip(&w, "192.0.2.1", "eth1");
	own_vip(&w, "192.0.2.2", "eth1");
	plan_stop(&w);
	assert_int_equal(vip_item(&w.plan, "192.0.2.1")->action, ACTION_REMOVE);
	assert_left_alone(&w, "192.0.2.2");
	teardown(&w);

	/* IPv6 where the kernel keeps no protocol: lvsagent's shape or not. */
	setup(&w, vip_services);
	vip_host(&w);
	vip_on(&w, ETH1, "2001:db8::1", 128, NULL)->flags = IFA_F_NODAD | IFA_F_PERMANENT;
	vip_on(&w, ETH1, "2001:db8::2", 64, NULL)->flags = IFA_F_NODAD | IFA_F_PERMANENT;
	vip_on(&w, ETH1, "2001:db8::3", 128, NULL)->flags = IFA_F_PERMANENT;
	own_vip(&w, "2001:db8::1", "eth1");
	own_vip(&w, "2001:db8::2", "eth1");
	own_vip(&w, "2001:db8::3", "eth1");
	plan_stop(&w);
	assert_int_equal(vip_item(&w.plan, "2001:db8::1")->action, ACTION_REMOVE);
	assert_left_alone(&w, "2001:db8::2");
	assert_left_alone(&w, "2001:db8::3");
	teardown(&w);

	/* A kernel that keeps protocols (::1 on lo has its own): only 176 counts. */
	setup(&w, vip_services);
	vip_host(&w);
	vip_on(&w, LO, "::1", 128, NULL)->proto = 1;
	vip_on(&w, ETH1, "2001:db8::1", 128, NULL)->flags = IFA_F_NODAD | IFA_F_PERMANENT;
	vip_on(&w, ETH1, "2001:db8::4", 128, NULL)->proto = LVSAGENT_RTPROT;
	own_vip(&w, "2001:db8::1", "eth1");
	own_vip(&w, "2001:db8::4", "eth1");
	plan_stop(&w);
	assert_left_alone(&w, "2001:db8::1");
	assert_int_equal(vip_item(&w.plan, "2001:db8::4")->action, ACTION_REMOVE);
	teardown(&w);
}

/* apply: a configured VIP already there under a record but without the
 * mark is someone else's (kept, never removed later), and said. */
static void test_wanted_vip_record_needs_mark(void **state)
{
	struct world w;
	struct ipaddr vip = ip("192.0.2.1");

	(void)state;
	setup(&w, vip_services);
	vip_host(&w);
	vip_on(&w, ETH1, "192.0.2.1", 32, "eth1");
	dir_owned_add_vip(&w.owned, &vip, "eth1");
	plan_apply(&w);
	struct dir_item *item = vip_item(&w.plan, "192.0.2.1");
	assert_int_equal(item->action, ACTION_NONE);
	assert_false(item->ours);
	assert_non_null(item->note);
	owned_after(&w, true);
	assert_false(dir_owned_has_vip(&w.after, &vip));
	teardown(&w);
}

/* --- scale ---------------------------------------------------------------------------- */

#define SCALE_SERVICES 10000

/* 10 000 services of 4 real servers each, as the kernel already has them:
 * nothing to do, found through hash maps (a quadratic match would take
 * seconds). */
static void test_scale_no_changes(void **state)
{
	struct world w;
	struct timespec start, end;
	size_t len = 0;
	char *text = NULL;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	for (unsigned i = 0; i < SCALE_SERVICES; i++) {
		fprintf(out, "[service s%u]\nvirtual = tcp 10.%u.%u.1:80\n", i, 1 + i / 256, i % 256);
		for (unsigned j = 0; j < 4; j++)
			fprintf(out, "realserver = 172.16.%u.%u:80 weight=%u\n", j, 1 + i % 250, j + 1);
	}
	fclose(out);
	setup(&w, text);
	free(text);
	assert_int_equal(director_config_of(&w.cfg)->service_count, SCALE_SERVICES);
	kernel_as_configured(&w);
	/* The kernel lists them in its own order. */
	for (size_t i = 0; i < w.kernel.count / 2; i++) {
		struct ipvs_service swap = w.kernel.services[i];
		w.kernel.services[i] = w.kernel.services[w.kernel.count - 1 - i];
		w.kernel.services[w.kernel.count - 1 - i] = swap;
	}
	for (size_t i = 0; i < director_config_of(&w.cfg)->service_count; i++)
		dir_owned_add_service(&w.owned, &director_config_of(&w.cfg)->services[i].svc);
	clock_gettime(CLOCK_MONOTONIC, &start);
	plan_apply(&w);
	clock_gettime(CLOCK_MONOTONIC, &end);
	double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	print_message("planned %zu items in %.3f s\n", w.plan.count, seconds);
	assert_int_equal(w.plan.count, SCALE_SERVICES * 5);
	assert_changes(&w.plan, 0);
	assert_true(seconds < 1.0);
	teardown(&w);
}

/* The same with every service's VIP bound on vip_interface and owned: the
 * VIP matching must not be quadratic either. */
static void test_scale_vips_no_changes(void **state)
{
	struct world w;
	struct timespec start, end;
	size_t len = 0;
	char *text = NULL;
	FILE *out = open_memstream(&text, &len);
	char addr[32];

	(void)state;
	assert_non_null(out);
	fputs("[director]\nvip_interface = eth1\n", out);
	for (unsigned i = 0; i < SCALE_SERVICES; i++)
		fprintf(out, "[service s%u]\nvirtual = tcp 10.%u.%u.1:80\nrealserver = 172.16.0.1:80\n",
			i, 1 + i / 256, i % 256);
	fclose(out);
	setup(&w, text);
	free(text);
	kernel_as_configured(&w);
	vip_host(&w);
	for (unsigned i = 0; i < SCALE_SERVICES; i++) {
		snprintf(addr, sizeof(addr), "10.%u.%u.1", 1 + i / 256, i % 256);
		add_our_vip(&w, ETH1, addr, "eth1");
		struct ipaddr vip = ip(addr);
		dir_owned_add_vip(&w.owned, &vip, "eth1");
		dir_owned_add_service(&w.owned, &director_config_of(&w.cfg)->services[i].svc);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	plan_apply(&w);
	owned_after(&w, true);
	clock_gettime(CLOCK_MONOTONIC, &end);
	double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	print_message("planned %zu items with VIPs in %.3f s\n", w.plan.count, seconds);
	assert_int_equal(count_kind(&w.plan, DIR_VIP), SCALE_SERVICES);
	assert_changes(&w.plan, 0);
	assert_int_equal(w.after.vip_count, SCALE_SERVICES);
	assert_true(seconds < 1.0);
	teardown(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_kernel_adds_everything),
		cmocka_unit_test(test_created_recorded_when_done),
		cmocka_unit_test(test_kernel_as_configured_no_changes),
		cmocka_unit_test(test_weight_is_set_in_place),
		cmocka_unit_test(test_table_after_settings),
		cmocka_unit_test(test_dest_settings_are_set),
		cmocka_unit_test(test_service_settings_are_set),
		cmocka_unit_test(test_persistence_engine),
		cmocka_unit_test(test_real_servers_converge),
		cmocka_unit_test(test_port_change_is_remove_and_add),
		cmocka_unit_test(test_unnamed_services),
		cmocka_unit_test(test_adopted_service),
		cmocka_unit_test(test_stop_removes_only_owned),
		cmocka_unit_test(test_stop_ignores_configuration),
		cmocka_unit_test(test_nat_turns_forwarding_on),
		cmocka_unit_test(test_intent_before_apply),
		cmocka_unit_test(test_forwarding_already_on),
		cmocka_unit_test(test_forwarding_raised_by_someone_else),
		cmocka_unit_test(test_ipv6_nat_forwarding),
		cmocka_unit_test(test_stop_restores_forwarding),
		cmocka_unit_test(test_stop_leaves_changed_forwarding),
		cmocka_unit_test(test_apply_restores_forwarding_without_nat),
		cmocka_unit_test(test_vip_added),
		cmocka_unit_test(test_vip_already_there),
		cmocka_unit_test(test_vip_no_longer_configured),
		cmocka_unit_test(test_vip_moves_with_vip_interface),
		cmocka_unit_test(test_stop_removes_owned_vips),
		cmocka_unit_test(test_no_vip_interface),
		cmocka_unit_test(test_check_vip_interface),
		cmocka_unit_test(test_vip_record_needs_mark),
		cmocka_unit_test(test_wanted_vip_record_needs_mark),
		cmocka_unit_test(test_scale_no_changes),
		cmocka_unit_test(test_scale_vips_no_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
