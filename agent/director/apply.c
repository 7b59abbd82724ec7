/* apply: director plan → kernel. */
#include "director/apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/announce.h"
#include "kernel/ipvs_tunable.h"
#include "kernel/rtnl_msg.h"
#include "kernel/sysctl.h"
#include "lib/log.h"
#include "lib/xalloc.h"

static void fail_item(struct dir_item *item, int error, const char *reason)
{
	item->error = error;
	free(item->reason);
	item->reason = xstrdup(reason);
}

static size_t skip_rest(struct dir_plan *plan, const char *why)
{
	size_t skipped = 0;

	for (size_t i = 0; i < plan->count; i++) {
		struct dir_item *item = &plan->items[i];
		if (item->action == ACTION_NONE || item->done || item->error)
			continue;
		fail_item(item, -ECANCELED, why);
		skipped++;
	}
	return skipped;
}

/* --- 1. schedulers and persistence engines ---------------------------------- */

/* Module names known to load: a handful, whatever the table's size. */
struct name_set {
	char (*names)[IPVS_SCHED_MAX];
	size_t count, capacity;
};

struct module_names {
	struct name_set schedulers, engines;
};

_Static_assert(IPVS_PE_MAX == IPVS_SCHED_MAX, "one name size for both modules");

static bool module_listed(const struct name_set *set, const char *name)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->names[i], name) == 0)
			return true;
	return false;
}

static void module_add(struct name_set *set, const char *name)
{
	if (module_listed(set, name))
		return;
	XGROW(set->names, set->count, set->capacity);
	snprintf(set->names[set->count++], IPVS_SCHED_MAX, "%s", name);
}

static bool mark_used(const struct ipvs_table *kernel, uint32_t mark)
{
	for (size_t i = 0; i < kernel->count; i++)
		if (kernel->services[i].af == AF_INET && kernel->services[i].fwmark == mark)
			return true;
	return false;
}

/* A firewall mark no service uses, for the probe service. */
static uint32_t free_mark(const struct ipvs_table *kernel)
{
	uint32_t mark = 0xffffffffu;

	while (mark_used(kernel, mark))
		mark--;
	return mark;
}

/* Create and delete a throwaway service with SCHEDULER (and persistence
 * engine PE, "" for none): the kernel loads the modules or says it has
 * none, before anything real is changed. */
static int probe_modules(struct ipvs_conn *ipvs, const struct ipvs_table *kernel,
			 const char *scheduler, const char *pe, struct nl_result *failure)
{
	struct ipvs_service probe = { .af = AF_INET, .fwmark = free_mark(kernel),
				      .netmask = 0xffffffffu };
	struct ipvs_request requests[2] = { { .op = IPVS_OP_NEW_SERVICE, .service = &probe },
					    { .op = IPVS_OP_DEL_SERVICE, .service = &probe } };
	struct nl_result results[2];
	size_t sent;
	int err;

	snprintf(probe.scheduler, sizeof(probe.scheduler), "%s", scheduler);
	snprintf(probe.pe_name, sizeof(probe.pe_name), "%s", pe);
	err = ipvs_send(ipvs, requests, 2, results, &sent);
	*failure = err ? (struct nl_result){ .error = err } : results[0];
	/* Created but not deleted (the kernel refused the delete, or the
	 * exchange broke off after the create): the throwaway service must
	 * not stay, as nothing would ever remove it. Once more on its own. */
	if (sent >= 1 && !results[0].error && (err || sent < 2 || results[1].error) &&
	    (ipvs_send(ipvs, &requests[1], 1, results, &sent) || sent < 1 || results[0].error))
		log_warn("could not delete the probe service fwmark %u lvsagent created to load "
			 "IPVS modules: remove it with ipvsadm -D -f %u", probe.fwmark, probe.fwmark);
	return err ? err : failure->error;
}

/* The modules a service needs that nothing in the kernel uses yet: its
 * scheduler, then (with a scheduler known to load) its engine, so that a
 * refusal names the one missing. 0, or the error with REASON set. */
static int check_service_modules(struct ipvs_conn *ipvs, const struct ipvs_table *kernel,
				 const struct ipvs_service *want, struct module_names *known,
				 char *reason, size_t len)
{
	struct nl_result failure;
	char text[200];
	int err;

	if (!module_listed(&known->schedulers, want->scheduler)) {
		err = probe_modules(ipvs, kernel, want->scheduler, "", &failure);
		if (err) {
			snprintf(reason, len, "scheduler %s not found: %s", want->scheduler,
				 nl_result_text(&failure, text, sizeof(text)));
			return err;
		}
		module_add(&known->schedulers, want->scheduler);
	}
	if (!want->pe_name[0] || module_listed(&known->engines, want->pe_name))
		return 0;
	err = probe_modules(ipvs, kernel, want->scheduler, want->pe_name, &failure);
	if (err) {
		snprintf(reason, len, "persistence engine %s not found: %s", want->pe_name,
			 nl_result_text(&failure, text, sizeof(text)));
		return err;
	}
	module_add(&known->engines, want->pe_name);
	return 0;
}

/* Probes for what no service in the kernel uses yet. */
static size_t check_modules(struct ipvs_conn *ipvs, const struct ipvs_table *kernel,
			    struct dir_plan *plan)
{
	struct module_names known = { 0 };
	size_t failed = 0;
	char reason[256];

	for (size_t i = 0; i < kernel->count; i++) {
		module_add(&known.schedulers, kernel->services[i].scheduler);
		if (kernel->services[i].pe_name[0])
			module_add(&known.engines, kernel->services[i].pe_name);
	}
	for (size_t i = 0; i < plan->count && !failed; i++) {
		struct dir_item *item = &plan->items[i];
		if (item->kind != DIR_SERVICE || !item->want ||
		    (item->action != ACTION_ADD && item->action != ACTION_SET))
			continue;
		int err = check_service_modules(ipvs, kernel, item->want, &known, reason,
						sizeof(reason));
		if (!err)
			continue;
		fail_item(item, err, reason);
		failed = 1 + skip_rest(plan, "not attempted: a scheduler or persistence engine "
					     "is missing");
	}
	free(known.schedulers.names);
	free(known.engines.names);
	return failed;
}

/* --- 2., 6. forwarding ---------------------------------------------------------- */

static size_t write_forwarding(struct dir_plan *plan, bool restoring)
{
	size_t failed = 0;

	for (size_t i = 0; i < plan->count; i++) {
		struct dir_item *item = &plan->items[i];
		if (item->kind != DIR_SYSCTL || item->action != ACTION_SET ||
		    item->restore != restoring || item->error)
			continue;
		int err = sysctl_write(item->iface, item->key, item->after);
		if (err) {
			fail_item(item, err, strerror(-err));
			failed++;
		} else {
			item->done = true;
		}
	}
	return failed;
}

/* --- 2b. IPVS timeouts and sysctls ----------------------------------------------- */

/* One timeout over IPVS_CMD_SET_CONFIG: the others 0, which the kernel
 * leaves as they are. */
static int write_timeout(struct ipvs_conn *ipvs, enum ipvs_tunable t, int value,
			 struct nl_result *result)
{
	uint32_t values[IPVS_TIMEOUT_COUNT] = { 0 };
	struct ipvs_timeouts timeouts;
	struct ipvs_request request = { .op = IPVS_OP_SET_TIMEOUTS, .timeouts = &timeouts };
	size_t sent;
	int err;

	values[t] = (uint32_t)value;
	timeouts = (struct ipvs_timeouts){ values[0], values[1], values[2] };
	err = ipvs_send(ipvs, &request, 1, result, &sent);
	return err ? err : result->error;
}

static size_t write_tunables(struct ipvs_conn *ipvs, struct dir_plan *plan)
{
	size_t failed = 0;
	char text[256];

	for (size_t i = 0; i < plan->count; i++) {
		struct dir_item *item = &plan->items[i];
		struct nl_result result = { 0 };
		int err;
		if (item->kind != DIR_TUNABLE || item->action != ACTION_SET || item->error)
			continue;
		if (item->before < 0) {
			fail_item(item, -ENOENT, "it cannot be read (not in this kernel?): not set");
			failed++;
			continue;
		}
		if (ipvs_tunable_is_timeout(item->tunable)) {
			err = write_timeout(ipvs, item->tunable, item->after, &result);
			if (err)
				fail_item(item, err, result.error ? nl_result_text(&result, text,
									    sizeof(text))
								  : strerror(-err));
		} else if ((err = ipvs_sysctl_write(item->tunable, item->after))) {
			fail_item(item, err, strerror(-err));
		}
		failed += err != 0;
		item->done = !err;
	}
	return failed;
}

/* --- 3. services and real servers ------------------------------------------------ */

static bool ipvs_change(const struct dir_item *item, struct ipvs_request *request)
{
	static const enum ipvs_op service_ops[] = {
		[ACTION_ADD] = IPVS_OP_NEW_SERVICE, [ACTION_SET] = IPVS_OP_SET_SERVICE,
		[ACTION_REMOVE] = IPVS_OP_DEL_SERVICE,
	};
	static const enum ipvs_op dest_ops[] = {
		[ACTION_ADD] = IPVS_OP_NEW_DEST, [ACTION_SET] = IPVS_OP_SET_DEST,
		[ACTION_REMOVE] = IPVS_OP_DEL_DEST,
	};

	if (item->action == ACTION_NONE || item->error ||
	    (item->kind != DIR_SERVICE && item->kind != DIR_DEST))
		return false;
	/* The configured settings for adds and changes, the kernel's key for
	 * removals. */
	request->service = item->want ? item->want : item->have;
	if (item->kind == DIR_SERVICE) {
		request->op = service_ops[item->action];
		request->dest = NULL;
	} else {
		request->op = dest_ops[item->action];
		request->dest = item->want_dest ? item->want_dest : item->have_dest;
	}
	return true;
}

static size_t change_ipvs(struct ipvs_conn *ipvs, struct dir_plan *plan)
{
	struct ipvs_request *requests = xcalloc(plan->count, sizeof(*requests));
	struct dir_item **items = xcalloc(plan->count, sizeof(*items));
	struct nl_result *results;
	size_t count = 0, sent = 0, failed = 0;
	char text[256];
	int err;

	for (size_t i = 0; i < plan->count; i++)
		if (ipvs_change(&plan->items[i], &requests[count]))
			items[count++] = &plan->items[i];
	results = xcalloc(count, sizeof(*results));
	err = count ? ipvs_send(ipvs, requests, count, results, &sent) : 0;
	for (size_t i = 0; i < sent; i++) {
		if (results[i].error) {
			fail_item(items[i], results[i].error,
				  nl_result_text(&results[i], text, sizeof(text)));
			failed++;
		} else {
			items[i]->done = true;
		}
	}
	for (size_t i = sent; i < count; i++) {
		fail_item(items[i], err ? err : -ECANCELED,
			  err ? strerror(-err) : "not attempted: an earlier change failed");
		failed++;
	}
	free(results);
	free(items);
	free(requests);
	return failed;
}

/* --- 4. VIPs ----------------------------------------------------------------------- */

static size_t change_vips(struct nl_conn *rtnl, const struct dir_host *host, struct dir_plan *plan)
{
	struct dir_item **items = xcalloc(plan->count, sizeof(*items));
	struct nl_result *results = xcalloc(plan->count, sizeof(*results));
	struct nl_batch batch;
	size_t count = 0, failed = 0;
	char text[256];
	int err;

	nl_batch_init(&batch);
	for (size_t i = 0; i < plan->count; i++) {
		struct dir_item *item = &plan->items[i];
		if (item->kind != DIR_VIP || item->action == ACTION_NONE || item->error)
			continue;
		rtnl_put_iface_vip(&batch, item->action == ACTION_ADD, item->ifindex, item->iface,
				   &item->vip);
		items[count++] = item;
	}
	err = count ? nl_batch_send(rtnl, &batch, results) : 0;
	for (size_t i = 0; i < count; i++) {
		struct dir_item *item = items[i];
		if (err || results[i].error) {
			if (err)
				results[i].error = err;
			fail_item(item, results[i].error,
				  nl_result_text(&results[i], text, sizeof(text)));
			failed++;
			continue;
		}
		item->done = true;
		const struct rtnl_link *link = netdev_by_name(host->net, item->iface);
		if (item->action == ACTION_ADD && link && announce_address(link, &item->vip) < 0)
			item->note = "bound, but the announcement could not be sent";
	}
	nl_batch_free(&batch);
	free(results);
	free(items);
	return failed;
}

/* --- 5. sync daemons -------------------------------------------------------------- */

/* The kernel's refusals a user can act on, in words. */
static const char *sync_reason(const struct dir_item *item, const struct nl_result *result,
			       char *buf, size_t len)
{
	char text[200];

	if (result->error == -ENODEV)
		snprintf(buf, len, "the kernel has no interface %s", item->sync_want.ifname);
	else if (result->error == -EEXIST)
		snprintf(buf, len, "a sync %s already runs (started by someone else meanwhile)",
			 ipvs_sync_role_name(item->sync_want.role));
	else
		snprintf(buf, len, "%s", nl_result_text(result, text, sizeof(text)));
	return buf;
}

/* An item's requests: stop (the running one), start (the configured
 * one), or both in that order: the kernel changes no running daemon. */
static size_t sync_requests(const struct dir_item *item, struct ipvs_request *requests)
{
	size_t n = 0;

	if (item->action == ACTION_REMOVE || item->action == ACTION_SET)
		requests[n++] = (struct ipvs_request){ .op = IPVS_OP_DEL_DAEMON,
						       .daemon = &item->sync_have };
	if (item->action == ACTION_ADD || item->action == ACTION_SET)
		requests[n++] = (struct ipvs_request){ .op = IPVS_OP_NEW_DAEMON,
						       .daemon = &item->sync_want };
	return n;
}

/* One item at a time (two at most): each is one or two requests whose
 * outcome is the item's. */
static size_t change_sync(struct ipvs_conn *ipvs, struct dir_plan *plan)
{
	size_t failed = 0;
	char reason[256];

	for (size_t i = 0; i < plan->count; i++) {
		struct dir_item *item = &plan->items[i];
		struct ipvs_request requests[2];
		struct nl_result results[2] = { { 0 }, { 0 } };
		size_t sent = 0, count;
		if (item->kind != DIR_SYNC || item->action == ACTION_NONE || item->error)
			continue;
		count = sync_requests(item, requests);
		int err = ipvs_send(ipvs, requests, count, results, &sent);
		struct nl_result bad = err ? (struct nl_result){ .error = err }
				       : results[0].error ? results[0] : results[1];
		if (!err && sent == count && !bad.error) {
			item->done = true;
			continue;
		}
		fail_item(item, bad.error ? bad.error : -ECANCELED,
			  sync_reason(item, &bad, reason, sizeof(reason)));
		failed++;
	}
	return failed;
}

size_t director_apply(struct ipvs_conn *ipvs, struct nl_conn *rtnl, const struct ipvs_table *kernel,
		      const struct dir_host *host, struct dir_plan *plan)
{
	size_t failed = check_modules(ipvs, kernel, plan);

	if (failed)
		return failed;
	failed = write_forwarding(plan, false);
	/* Before the services: a sysctl such as conntrack holds for their
	 * first connections. */
	if (!failed)
		failed = write_tunables(ipvs, plan);
	if (!failed)
		failed = change_ipvs(ipvs, plan);
	if (!failed)
		failed = change_vips(rtnl, host, plan);
	if (!failed)
		failed = change_sync(ipvs, plan);
	if (!failed)
		failed = write_forwarding(plan, true);
	if (failed)
		failed += skip_rest(plan, "not attempted: an earlier change failed");
	return failed;
}
