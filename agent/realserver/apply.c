/* apply: plan → kernel. */
#include "realserver/apply.h"

#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/nft_batch.h"
#include "kernel/nft_filter.h"
#include "kernel/nft_kernel.h"
#include "kernel/rtnl_msg.h"
#include "kernel/sysctl.h"
#include "kernel/tunnel_msg.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "realserver/tunnel.h"

static void mark_failed(struct plan_item *item, int error, const char *reason)
{
	item->error = error;
	free(item->reason);
	item->reason = xstrdup(reason);
}

static void mark_result(struct plan_item *item, const struct nl_result *result)
{
	char text[256];

	if (result->error == 0) {
		item->done = true;
		return;
	}
	mark_failed(item, result->error, nl_result_text(result, text, sizeof(text)));
}

/* A sysctl raised for the configuration (before any VIP appears). */
static bool raises_sysctl(const struct plan_item *item)
{
	return item->kind == ITEM_SYSCTL && item->action == ACTION_SET && !item->setting->restore;
}

/* A sysctl put back to the value lvsagent found (after the VIPs are gone). */
static bool restores_sysctl(const struct plan_item *item)
{
	return item->kind == ITEM_SYSCTL && item->action == ACTION_SET && item->setting->restore;
}

static void write_sysctl(struct plan_item *item)
{
	int err = sysctl_write(item->setting->iface, item->setting->key, item->after);

	if (err == 0)
		item->done = true;
	else
		mark_failed(item, err, strerror(-err));
}

static void bring_lo_up(struct nl_conn *conn, int lo_ifindex, struct plan_item *item)
{
	struct nl_batch batch;
	struct nl_result result;
	int err;

	nl_batch_init(&batch);
	rtnl_put_link_up(&batch, lo_ifindex);
	err = nl_batch_send(conn, &batch, &result);
	nl_batch_free(&batch);
	if (err)
		result = (struct nl_result){ .error = err };
	mark_result(item, &result);
}

static bool in_step(const struct plan_item *item, enum item_kind kind, enum item_action action)
{
	return item->kind == kind && item->action == action;
}

static bool brings_tunnel_up(const struct plan_item *item)
{
	return item->kind == ITEM_TUNNEL && (item->action == ACTION_ADD || item->action == ACTION_SET);
}

/* The kernel's words for a missing module are "Unknown device type". */
static void mark_tunnel_result(struct plan_item *item, const struct nl_result *result)
{
	char text[256];

	if (result->error != -EOPNOTSUPP) {
		mark_result(item, result);
		return;
	}
	snprintf(text, sizeof(text), "this kernel has no %s tunnel module (link kind \"%s\"); "
		 "nothing was changed", item->setting->link_kind, item->setting->link_kind);
	mark_failed(item, result->error, text);
}

/* A device of lvsagent's own: created with its mark (the alias goes in a
 * request of its own: a creation takes none), or deleted. */
static void put_own_tunnel(struct nl_batch *batch, const struct plan_item *item, bool up)
{
	const struct plan_setting *s = item->setting;

	if (!up) {
		tunnel_put_delete(batch, s->iface);
		return;
	}
	if (strcmp(s->link_kind, "ip6tnl") == 0)
		tunnel_put_iptun_create(batch, s->iface, "ip6tnl", &s->remote, 0);	/* any */
	else if (strcmp(s->link_kind, "sit") == 0)
		tunnel_put_iptun_create(batch, s->iface, "sit", &s->remote, IPPROTO_IPV6);
	else
		tunnel_put_gre_create(batch, s->iface, s->link_kind, &s->remote);
	tunnel_put_alias(batch, s->iface, s->alias);
}

/* Forwarding off on a device of lvsagent's own (a router's default would
 * give it 1), for both families: GRE and ip6tnl of mode any hand on
 * either, whatever the VIPs are, so that a decapsulated packet for a
 * foreign address is never forwarded. A family the device has no
 * configuration for (no IPv6 on the host: ENOENT) forwards nothing of
 * it. Its own values, gone with it: nothing to record. */
static void own_tunnel_forwarding_off(struct plan_item *item)
{
	const struct plan_setting *s = item->setting;
	int err = sysctl_write(s->iface, IPV4_FORWARDING, 0);
	char text[160];

	if (!err || err == -ENOENT)
		err = sysctl_write(s->iface, IPV6_FORWARDING, 0);
	if (!err || err == -ENOENT)
		return;
	item->done = false;
	snprintf(text, sizeof(text), "created, but forwarding could not be turned off on it: %s",
		 strerror(-err));
	mark_failed(item, err, text);
}

static void change_tunnel(struct nl_conn *conn, struct plan_item *item, bool up)
{
	bool create_own = item->setting->own && item->action == ACTION_ADD;
	struct nl_batch batch;
	struct nl_result results[2] = { 0 };
	int err;

	nl_batch_init(&batch);
	if (create_own || (item->setting->own && !up))
		put_own_tunnel(&batch, item, up);
	else
		rtnl_put_tunnel_state(&batch, item->setting->iface, item->setting->link_kind, up);
	err = nl_batch_send(conn, &batch, results);
	nl_batch_free(&batch);
	if (err)
		results[0] = (struct nl_result){ .error = err };
	else if (!results[0].error && results[1].error)
		results[0] = results[1];	/* created, but not marked */
	mark_tunnel_result(item, &results[0]);
	if (create_own && item->done)
		own_tunnel_forwarding_off(item);
}

static void change_fou(struct fou_conn *fou, struct plan_item *item, bool add)
{
	struct nl_batch batch;
	struct nl_result result;
	int err;

	if (!fou->family_id) {
		mark_failed(item, -ENOENT, "the kernel has no fou family (load the fou module)");
		return;
	}
	nl_batch_init(&batch);
	fou_put_port(&batch, fou->family_id, add, &item->setting->fou);
	err = nl_batch_send(&fou->nl, &batch, &result);
	nl_batch_free(&batch);
	if (err)
		result = (struct nl_result){ .error = err };
	mark_result(item, &result);
}

size_t apply_tunnels(struct nl_conn *conn, struct fou_conn *fou, struct plan *plan)
{
	size_t failed = 0;

	for (size_t i = 0; i < plan->count; i++) {
		struct plan_item *item = &plan->items[i];
		if (!brings_tunnel_up(item) || item->done)
			continue;
		change_tunnel(conn, item, true);
		failed += !item->done;
	}
	/* The ports after the devices: a GUE port hands its packets on to
	 * them at once. */
	for (size_t i = 0; !failed && i < plan->count; i++) {
		struct plan_item *item = &plan->items[i];
		if (!in_step(item, ITEM_FOU, ACTION_ADD) || item->done)
			continue;
		change_fou(fou, item, true);
		failed += !item->done;
	}
	return failed;
}

bool apply_created_tunnel(const struct plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].kind == ITEM_TUNNEL && plan->items[i].action == ACTION_ADD &&
		    plan->items[i].done)
			return true;
	return false;
}

/* The objects of the table ITEM adds or replaces. */
static void table_objects(const struct plan *plan, const struct plan_item *item,
			  struct nft_objects *objects)
{
	if (item->table == TABLE_FILTER)
		nft_filter_build(objects, &plan->filter);
	else
		nft_objects_build(objects, &plan->nft);
}

/* A table replaced (or deleted) in one transaction: all or nothing.
 * While a LISTENER of ours is in nftables' group the kernel builds a
 * notification of every set element for it, a third of the time a
 * 10 000-VIP table takes: it leaves the group meanwhile, and its owner
 * re-reads the table afterwards for anything it missed. */
static void change_nft(struct nl_conn *nfnl, struct nl_conn *listener, const struct plan *plan,
		       struct plan_item *item)
{
	struct nl_batch batch;
	struct nl_result failure;
	bool muted;
	int err;

	if (!nfnl->sock) {
		mark_failed(item, -EPROTONOSUPPORT, "this kernel has no nftables");
		return;
	}
	nl_batch_init(&batch);
	if (item->action == ACTION_REMOVE) {
		nft_put_delete(&batch, item->table == TABLE_FILTER ? NFPROTO_INET : NFPROTO_ARP);
	} else {
		struct nft_objects objects;
		table_objects(plan, item, &objects);
		nft_put_replace(&batch, &objects, item->before != 0);
		nft_objects_free(&objects);
	}
	muted = listener && netlink_membership(listener, NFNLGRP_NFTABLES, false) == 0;
	if (nft_commit(nfnl, &batch, &failure) == 0)
		item->done = true;
	else
		mark_result(item, &failure);
	if (muted && (err = netlink_membership(listener, NFNLGRP_NFTABLES, true)) < 0)
		log_error("cannot listen to nftables again (%s): changes to the table will go "
			  "unnoticed until the next check", strerror(-err));
	nl_batch_free(&batch);
}

static bool nft_step(const struct plan_item *item, bool removal)
{
	return item->kind == ITEM_NFT && item->action != ACTION_NONE &&
	       (item->action == ACTION_REMOVE) == removal;
}

/* Every table the plan adds or replaces, each in its own transaction:
 * the number that failed. */
static size_t change_tables(struct nl_conn *nfnl, struct nl_conn *listener, struct plan *plan)
{
	size_t failed = 0;

	for (size_t i = 0; i < plan->count; i++) {
		if (!nft_step(&plan->items[i], false))
			continue;
		change_nft(nfnl, listener, plan, &plan->items[i]);
		failed += !plan->items[i].done;
	}
	return failed;
}

/* Everything after a failed table waits: with `both`, the sysctls alone
 * are not what the user asked for. */
static size_t skip_protection(struct plan *plan, const char *reason)
{
	size_t skipped = 0;

	for (size_t i = 0; i < plan->count; i++) {
		struct plan_item *item = &plan->items[i];
		bool protective = (item->kind == ITEM_LINK && item->action == ACTION_SET) ||
				  raises_sysctl(item);
		if (!protective)
			continue;
		mark_failed(item, -ECANCELED, reason);
		skipped++;
	}
	return skipped;
}

/* Step 1: everything that must hold before a VIP appears. */
static size_t protect(struct nl_conn *conn, struct nl_conn *nfnl, struct nl_conn *listener,
		      struct fou_conn *fou, int lo_ifindex, struct plan *plan)
{
	size_t failed = apply_tunnels(conn, fou, plan);

	if (failed)
		return failed + skip_protection(plan, "not attempted: a tunnel device could not "
						"be brought up first");
	failed = change_tables(nfnl, listener, plan);
	if (failed)
		return failed + skip_protection(plan, "not attempted: the nftables table failed "
						"first");
	for (size_t i = 0; i < plan->count; i++) {
		struct plan_item *item = &plan->items[i];
		if (item->kind == ITEM_LINK && item->action == ACTION_SET) {
			bring_lo_up(conn, lo_ifindex, item);
		} else if (raises_sysctl(item)) {
			write_sysctl(item);
		} else {
			continue;
		}
		failed += !item->done;
	}
	return failed;
}

/* Step 2, in the order the kernel should see them, in one batch: the new
 * form of a VIP before the old goes, so switching vip_mode either way
 * leaves no moment when it is not local. */
static const struct { enum item_kind kind; enum item_action action; } address_steps[] = {
	{ ITEM_LOCAL, ACTION_ADD },
	{ ITEM_VIP, ACTION_ADD },
	{ ITEM_ROUTE, ACTION_ADD },
	{ ITEM_ROUTE, ACTION_REMOVE },
	{ ITEM_VIP, ACTION_REMOVE },
	{ ITEM_LOCAL, ACTION_REMOVE },
};

static void put_request(struct nl_batch *batch, int lo_ifindex, const struct plan_item *item)
{
	bool add = item->action == ACTION_ADD;

	if (item->kind == ITEM_VIP)
		rtnl_put_vip_addr(batch, add, lo_ifindex, &item->addr);
	else if (item->kind == ITEM_LOCAL)
		rtnl_put_local_route(batch, add, lo_ifindex, &item->addr, item->prefix_len);
	else
		rtnl_put_vip_route(batch, add, lo_ifindex, &item->addr);
}

static size_t collect_address_items(struct plan *plan, bool additions, struct plan_item **out)
{
	size_t n = 0;

	for (size_t s = 0; s < sizeof(address_steps) / sizeof(address_steps[0]); s++) {
		if (address_steps[s].action == ACTION_ADD && !additions)
			continue;
		for (size_t i = 0; i < plan->count; i++)
			if (in_step(&plan->items[i], address_steps[s].kind, address_steps[s].action))
				out[n++] = &plan->items[i];
	}
	return n;
}

static size_t skip_additions(struct plan *plan)
{
	size_t skipped = 0;

	for (size_t i = 0; i < plan->count; i++) {
		if (plan->items[i].action != ACTION_ADD)
			continue;
		mark_failed(&plan->items[i], -ECANCELED,
			    "not attempted: ARP suppression could not be set first");
		skipped++;
	}
	return skipped;
}

static size_t change_addresses(struct nl_conn *conn, int lo_ifindex, struct plan *plan,
			       bool additions)
{
	struct plan_item **items = xcalloc(plan->count, sizeof(*items));
	size_t count = collect_address_items(plan, additions, items), failed = 0;
	struct nl_result *results = xcalloc(count, sizeof(*results));
	struct nl_batch batch;
	int err;

	nl_batch_init(&batch);
	for (size_t i = 0; i < count; i++)
		put_request(&batch, lo_ifindex, items[i]);
	err = count ? nl_batch_send(conn, &batch, results) : 0;
	for (size_t i = 0; i < count; i++) {
		if (err)
			results[i] = (struct nl_result){ .error = err };
		mark_result(items[i], &results[i]);
		failed += !items[i]->done;
	}
	nl_batch_free(&batch);
	free(results);
	free(items);
	return failed;
}

static bool vip_removal_failed(const struct plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		if ((in_step(&plan->items[i], ITEM_VIP, ACTION_REMOVE) ||
		     in_step(&plan->items[i], ITEM_LOCAL, ACTION_REMOVE)) && !plan->items[i].done)
			return true;
	return false;
}

/* The values put back: ALL_FIRST those of "all" (rp_filter raised back
 * before any interface's own is lowered back), else the others. */
static size_t restore_sysctls(struct plan *plan, bool blocked, bool all_first)
{
	size_t failed = 0;

	for (size_t i = 0; i < plan->count; i++) {
		struct plan_item *item = &plan->items[i];
		if (!restores_sysctl(item) || (strcmp(item->setting->iface, "all") == 0) != all_first)
			continue;
		if (blocked)
			mark_failed(item, -ECANCELED, "not attempted: a VIP could not be removed");
		else
			write_sysctl(item);
		failed += !item->done;
	}
	return failed;
}

/* Step 3: values put back and the table deleted only once no VIP of ours
 * is left behind. */
static size_t restore(struct nl_conn *conn, struct nl_conn *nfnl, struct nl_conn *listener,
		      struct fou_conn *fou, struct plan *plan)
{
	bool blocked = vip_removal_failed(plan);
	size_t failed = 0;

	for (size_t i = 0; i < plan->count; i++) {
		struct plan_item *table = &plan->items[i];
		if (!nft_step(table, true))
			continue;
		if (blocked)
			mark_failed(table, -ECANCELED, "not attempted: a VIP could not be removed");
		else
			change_nft(nfnl, listener, plan, table);
		failed += !table->done;
	}

	for (int pass = 0; pass < 2; pass++)
		failed += restore_sysctls(plan, blocked, pass == 0);
	for (size_t i = 0; i < plan->count; i++) {
		struct plan_item *item = &plan->items[i];
		bool port = in_step(item, ITEM_FOU, ACTION_REMOVE);
		if (!port && !in_step(item, ITEM_TUNNEL, ACTION_REMOVE))
			continue;
		if (blocked)
			mark_failed(item, -ECANCELED, "not attempted: a VIP could not be removed");
		else if (port)
			change_fou(fou, item, false);
		else
			change_tunnel(conn, item, false);
		failed += !item->done;
	}
	return failed;
}

int apply_claim(struct nl_conn *conn, int lo_ifindex, const char *text, struct nl_result *result)
{
	struct nl_batch batch;
	int err;

	nl_batch_init(&batch);
	rtnl_put_link_alias(&batch, lo_ifindex, text);
	err = nl_batch_send(conn, &batch, result);
	nl_batch_free(&batch);
	if (err)
		*result = (struct nl_result){ .error = err };
	return result->error;
}

void apply_skip_rest(struct plan *plan, const char *reason)
{
	for (size_t i = 0; i < plan->count; i++) {
		struct plan_item *item = &plan->items[i];
		if (item->action != ACTION_NONE && !item->done && !item->error)
			mark_failed(item, -ECANCELED, reason);
	}
}

void apply_skip_all(struct plan *plan, const char *reason)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].action != ACTION_NONE)
			mark_failed(&plan->items[i], -ECANCELED, reason);
}

size_t apply_plan(struct nl_conn *conn, struct nl_conn *nfnl, struct nl_conn *listener,
		  struct fou_conn *fou, int lo_ifindex, struct plan *plan)
{
	size_t failed = protect(conn, nfnl, listener, fou, lo_ifindex, plan);
	bool protected = failed == 0;

	if (!protected)
		failed += skip_additions(plan);
	failed += change_addresses(conn, lo_ifindex, plan, protected);
	failed += restore(conn, nfnl, listener, fou, plan);
	return failed;
}
