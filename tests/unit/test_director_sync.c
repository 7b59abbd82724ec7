/* The director's sync daemons, planned: configuration + the daemons the
 * kernel runs + the ones lvsagent started → start, restart (stop and
 * start: the kernel changes none in place), stop, or leave alone; what
 * is recorded before and after; what apply and status say. Pure. */
#include "fixtures.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/config.h"
#include "director/plan.h"
#include "director/report.h"
#include "director/state.h"

#define SVC "[service web]\nvirtual = tcp 192.0.2.1:80\nrealserver = 10.0.0.11:80\n"
#define PAIR SVC "[director]\nsync = master, backup\nsync_interface = eth1\nsync_id = 7\n"

struct world {
	struct config cfg;
	struct ipvs_table kernel;
	struct ipvs_daemons sync;
	struct dir_owned owned, after;
	struct netdevs net;
	struct dir_host host;
	struct dir_plan plan;
	bool have_after;
};

static void setup(struct world *w, const char *text)
{
	struct diag diag = { 0 };

	memset(w, 0, sizeof(*w));
	assert_int_equal(config_parse_text("d.conf", text, strlen(text), test_schema(), &w->cfg,
					   &diag), 0);
	diag_free(&diag);
	/* The one service in place: only the daemons are planned. */
	ipvs_table_add(&w->kernel, &director_config_of(&w->cfg)->services[0].svc);
	dir_owned_init(&w->owned);
	dir_owned_add_service(&w->owned, &director_config_of(&w->cfg)->services[0].svc);
	netdevs_index(&w->net);
	w->host.net = &w->net;
	w->host.sync = &w->sync;
}

static void teardown(struct world *w)
{
	dir_plan_free(&w->plan);
	if (w->have_after)
		dir_owned_free(&w->after);
	dir_owned_free(&w->owned);
	ipvs_table_free(&w->kernel);
	netdevs_free(&w->net);
	config_free(&w->cfg);
}

/* The kernel runs ROLE on IFACE with ID, reporting its defaults as a 4.3+
 * kernel does. */
static void running(struct world *w, enum ipvs_sync_role role, const char *iface, unsigned id)
{
	struct ipvs_daemon *d = &w->sync.daemon[role];

	memset(d, 0, sizeof(*d));
	d->role = role;
	strcpy(d->ifname, iface);
	d->syncid = id;
	d->port = 8848;
	d->ttl = 1;
	d->maxlen = 1472;	/* 1500 less the IPv4 and UDP headers */
	d->group = ip("224.0.0.81");
	w->sync.running[role] = true;
}

static void own(struct world *w, enum ipvs_sync_role role, const char *iface, unsigned id)
{
	struct ipvs_daemon d = { .role = role, .syncid = id };

	strcpy(d.ifname, iface);
	dir_owned_add_sync(&w->owned, &d);
}

static void plan(struct world *w, bool stop)
{
	if (stop)
		director_plan_stop(director_config_of(&w->cfg), &w->kernel, &w->owned, &w->host,
				   &w->plan);
	else
		director_plan_apply(director_config_of(&w->cfg), &w->kernel, &w->owned, &w->host,
				    &w->plan);
}

static const struct dir_item *sync_item(const struct world *w, enum ipvs_sync_role role)
{
	for (size_t i = 0; i < w->plan.count; i++)
		if (w->plan.items[i].kind == DIR_SYNC && w->plan.items[i].sync_want.role == role)
			return &w->plan.items[i];
	return NULL;
}

static size_t sync_items(const struct world *w)
{
	size_t n = 0;

	for (size_t i = 0; i < w->plan.count; i++)
		n += w->plan.items[i].kind == DIR_SYNC;
	return n;
}

static void done(struct world *w)
{
	for (size_t i = 0; i < w->plan.count; i++)
		w->plan.items[i].done = w->plan.items[i].action != ACTION_NONE;
	director_owned_after(&w->plan, &w->owned, &w->after);
	w->have_after = true;
}

static void expect_change(const struct dir_item *item, const char *expected)
{
	char line[400];

	assert_non_null(item);
	assert_string_equal(dir_item_change(item, line, sizeof(line)), expected);
}

/* The usual pair on a fresh director: both started, recorded first. */
static void test_start_both(void **state)
{
	struct dir_owned intent;
	struct ipvs_daemon master = { .role = IPVS_SYNC_MASTER, .ifname = "eth1", .syncid = 7 };
	struct world w;

	(void)state;
	setup(&w, PAIR);
	plan(&w, false);
	assert_int_equal(dir_plan_changes(&w.plan), 2);
	assert_int_equal(sync_item(&w, IPVS_SYNC_MASTER)->action, ACTION_ADD);
	expect_change(sync_item(&w, IPVS_SYNC_MASTER), "add sync master eth1 id 7");
	expect_change(sync_item(&w, IPVS_SYNC_BACKUP), "add sync backup eth1 id 7");
	director_owned_intent(&w.plan, &w.owned, &intent);
	assert_int_equal(intent.sync_count, 2);
	assert_true(dir_owned_has_sync(&intent, &master));
	dir_owned_free(&intent);
	done(&w);
	assert_int_equal(w.after.sync_count, 2);
	teardown(&w);
}

/* A start the kernel refused is not recorded as lvsagent's. */
static void test_failed_start_not_recorded(void **state)
{
	struct world w;

	(void)state;
	setup(&w, PAIR);
	plan(&w, false);
	director_owned_after(&w.plan, &w.owned, &w.after);	/* nothing done */
	w.have_after = true;
	assert_int_equal(w.after.sync_count, 0);
	teardown(&w);
}

/* Running as configured: nothing to do; the kernel's defaults are the
 * unset keys'; lvsagent's stay recorded, someone else's are adopted. */
static void test_in_place_and_adopted(void **state)
{
	struct world w;

	(void)state;
	setup(&w, PAIR);
	running(&w, IPVS_SYNC_MASTER, "eth1", 7);
	running(&w, IPVS_SYNC_BACKUP, "eth1", 7);
	own(&w, IPVS_SYNC_MASTER, "eth1", 7);
	plan(&w, false);
	assert_int_equal(dir_plan_changes(&w.plan), 0);
	assert_int_equal(sync_items(&w), 2);
	assert_true(sync_item(&w, IPVS_SYNC_MASTER)->ours);
	assert_false(sync_item(&w, IPVS_SYNC_MASTER)->adopted);
	assert_true(sync_item(&w, IPVS_SYNC_BACKUP)->adopted);
	done(&w);
	assert_int_equal(w.after.sync_count, 1);
	assert_int_equal(w.after.syncs[0].role, IPVS_SYNC_MASTER);
	dir_plan_free(&w.plan);
	/* stop: only the one lvsagent started. */
	plan(&w, true);
	assert_int_equal(sync_items(&w), 1);
	expect_change(sync_item(&w, IPVS_SYNC_MASTER),
		      "remove sync master eth1 id 7 port 8848 ttl 1 group 224.0.0.81 maxlen 1472");
	teardown(&w);
}

/* Other settings: stopped and started again, both records held meanwhile. */
static void test_restart_ours(void **state)
{
	struct ipvs_daemon old = { .role = IPVS_SYNC_BACKUP, .ifname = "eth2", .syncid = 7 };
	struct ipvs_daemon new = { .role = IPVS_SYNC_BACKUP, .ifname = "eth1", .syncid = 7 };
	struct dir_owned intent;
	struct world w;

	(void)state;
	setup(&w, SVC "[director]\nsync = backup\nsync_interface = eth1\nsync_id = 7\n");
	running(&w, IPVS_SYNC_BACKUP, "eth2", 7);
	own(&w, IPVS_SYNC_BACKUP, "eth2", 7);
	plan(&w, false);
	assert_int_equal(sync_item(&w, IPVS_SYNC_BACKUP)->action, ACTION_SET);
	expect_change(sync_item(&w, IPVS_SYNC_BACKUP),
		      "set sync backup: eth1 id 7 (was eth2 id 7 port 8848 ttl 1 group 224.0.0.81 "
		      "maxlen 1472)");
	director_owned_intent(&w.plan, &w.owned, &intent);
	assert_true(dir_owned_has_sync(&intent, &old));
	assert_true(dir_owned_has_sync(&intent, &new));
	dir_owned_free(&intent);
	done(&w);
	assert_false(dir_owned_has_sync(&w.after, &old));
	assert_true(dir_owned_has_sync(&w.after, &new));
	teardown(&w);

	/* A port, TTL, group or maxlen of its own is a difference too. */
	setup(&w, PAIR "sync_port = 9000\n");
	running(&w, IPVS_SYNC_MASTER, "eth1", 7);
	own(&w, IPVS_SYNC_MASTER, "eth1", 7);
	plan(&w, false);
	assert_int_equal(sync_item(&w, IPVS_SYNC_MASTER)->action, ACTION_SET);
	teardown(&w);
}

/* Someone else's with other settings is left alone, unless manage = all. */
static void test_foreign_differs(void **state)
{
	struct world w;

	(void)state;
	setup(&w, PAIR);
	running(&w, IPVS_SYNC_MASTER, "eth1", 9);
	plan(&w, false);
	assert_int_equal(sync_item(&w, IPVS_SYNC_MASTER)->action, ACTION_NONE);
	assert_true(sync_item(&w, IPVS_SYNC_MASTER)->differs);
	assert_non_null(sync_item(&w, IPVS_SYNC_MASTER)->note);
	assert_int_equal(sync_item(&w, IPVS_SYNC_BACKUP)->action, ACTION_ADD);
	done(&w);
	assert_int_equal(w.after.sync_count, 1);	/* the backup it started */
	teardown(&w);

	setup(&w, "[director]\nmanage = all\nsync = master\nsync_interface = eth1\nsync_id = 7\n" SVC);
	running(&w, IPVS_SYNC_MASTER, "eth1", 9);
	plan(&w, false);
	assert_int_equal(sync_item(&w, IPVS_SYNC_MASTER)->action, ACTION_SET);
	done(&w);
	assert_int_equal(w.after.sync_count, 1);
	teardown(&w);
}

/* Not configured any more: lvsagent's is stopped, another's stays. */
static void test_unconfigured(void **state)
{
	struct world w;

	(void)state;
	setup(&w, SVC);
	running(&w, IPVS_SYNC_MASTER, "eth1", 7);
	running(&w, IPVS_SYNC_BACKUP, "eth1", 7);
	own(&w, IPVS_SYNC_BACKUP, "eth1", 7);
	plan(&w, false);
	assert_int_equal(sync_items(&w), 1);
	assert_int_equal(sync_item(&w, IPVS_SYNC_BACKUP)->action, ACTION_REMOVE);
	done(&w);
	assert_int_equal(w.after.sync_count, 0);
	teardown(&w);

	/* A record of a daemon that is gone is dropped. */
	setup(&w, SVC);
	own(&w, IPVS_SYNC_BACKUP, "eth1", 7);
	plan(&w, false);
	assert_int_equal(sync_items(&w), 0);
	done(&w);
	assert_int_equal(w.after.sync_count, 0);
	teardown(&w);
}

/* Someone stopped it: started again (the daemon's repair). */
static void test_stopped_by_someone(void **state)
{
	struct world w;

	(void)state;
	setup(&w, PAIR);
	running(&w, IPVS_SYNC_MASTER, "eth1", 7);
	own(&w, IPVS_SYNC_MASTER, "eth1", 7);
	own(&w, IPVS_SYNC_BACKUP, "eth1", 7);
	plan(&w, false);
	assert_int_equal(dir_plan_changes(&w.plan), 1);
	assert_int_equal(sync_item(&w, IPVS_SYNC_BACKUP)->action, ACTION_ADD);
	/* The kernel's table needs a new read after it. */
	done(&w);
	assert_false(director_table_after(&w.plan, &w.kernel));
	teardown(&w);
}

/* Daemons not read: nothing planned, the records stand. */
static void test_not_read(void **state)
{
	struct world w;

	(void)state;
	setup(&w, PAIR);
	own(&w, IPVS_SYNC_MASTER, "eth1", 7);
	w.host.sync = NULL;
	plan(&w, false);
	assert_int_equal(sync_items(&w), 0);
	done(&w);
	assert_int_equal(w.after.sync_count, 1);
	teardown(&w);
}

/* The state file's sync records: written, read back, forged ones refused. */
static void test_state_records(void **state)
{
	struct dir_owned owned, back;
	struct ipvs_daemon d = { .role = IPVS_SYNC_BACKUP, .ifname = "eth1", .syncid = 255 };
	struct diag warnings = { 0 };
	char *text;

	(void)state;
	dir_owned_init(&owned);
	dir_owned_add_sync(&owned, &d);
	dir_owned_add_sync(&owned, &d);		/* once */
	text = dir_state_format(&owned);
	assert_non_null(strstr(text, "\nsync backup eth1 255\n"));
	dir_state_parse(text, "director", &back, &warnings);
	assert_int_equal(warnings.count, 0);
	assert_true(dir_owned_same(&owned, &back));
	free(text);
	dir_owned_free(&back);
	dir_state_parse("sync primary eth1 7\nsync master eth1 256\nsync master a/b 1\n"
			"sync master eth1\nsync master eth1 7 x\nsync master eth1 7\n",
			"director", &back, &warnings);
	assert_int_equal(warnings.count, 5);
	assert_int_equal(back.sync_count, 1);
	diag_free(&warnings);
	dir_owned_free(&back);
	dir_owned_free(&owned);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_both),
		cmocka_unit_test(test_failed_start_not_recorded),
		cmocka_unit_test(test_in_place_and_adopted),
		cmocka_unit_test(test_restart_ours),
		cmocka_unit_test(test_foreign_differs),
		cmocka_unit_test(test_unconfigured),
		cmocka_unit_test(test_stopped_by_someone),
		cmocka_unit_test(test_not_read),
		cmocka_unit_test(test_state_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
