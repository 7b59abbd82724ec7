/* The director's IPVS settings outside the table — timeout_tcp,
 * timeout_tcpfin, timeout_udp and sysctl.NAME: the configuration's keys
 * and refusals (FILE:LINE), the plan (set exactly, the value found
 * recorded the first time, put back when no longer configured and on stop
 * unless someone changed it since), the records around a change and their
 * lines in the state file. */
#include "fixtures.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "director/config.h"
#include "director/plan.h"
#include "director/state.h"

static const char service[] =
	"[service web]\nvirtual = tcp 192.0.2.1:80\nrealserver = 10.0.0.2:80\n";

static void parse_director(struct parsed *p, const char *director_lines)
{
	char *text;

	assert_true(asprintf(&text, "[director]\n%s%s", director_lines, service) > 0);
	parse_config(p, "d.conf", text);
	free(text);
}

static void test_config_keys(void **state)
{
	struct parsed p;
	const struct dir_tunables *t;

	(void)state;
	parse_director(&p, "timeout_tcp = 1200\ntimeout_udp = 0\nsysctl.expire_nodest_conn = 1\n"
			   "sysctl.conntrack = 0\n");
	assert_int_equal(p.ret, 0);
	t = &director_config_of(&p.cfg)->tunables;
	assert_true(t->set[IPVS_TIMEOUT_TCP]);
	assert_int_equal(t->value[IPVS_TIMEOUT_TCP], 1200);
	/* ipvsadm --set's 0: left to the kernel. */
	assert_false(t->set[IPVS_TIMEOUT_UDP]);
	assert_false(t->set[IPVS_TIMEOUT_TCPFIN]);
	assert_true(t->set[IPVS_SYSCTL_expire_nodest_conn]);
	assert_int_equal(t->value[IPVS_SYSCTL_expire_nodest_conn], 1);
	assert_true(t->set[IPVS_SYSCTL_conntrack]);
	assert_int_equal(t->value[IPVS_SYSCTL_conntrack], 0);
	release_config(&p);
}

static void expect_refused(const char *line, const char *expected)
{
	struct parsed p;

	parse_director(&p, line);
	assert_int_equal(p.ret, -1);
	if (!diag_has(&p.diag, expected)) {
		print_diagnostics(&p.diag);
		fail_msg("expected: %s", expected);
	}
	release_config(&p);
}

static void test_config_refusals(void **state)
{
	(void)state;
	expect_refused("sysctl.no_such_thing = 1\n",
		       "d.conf:2: unknown key \"sysctl.no_such_thing\" in [director]");
	expect_refused("sysctl.conntrack = 2\n",
		       "d.conf:2: sysctl.conntrack must be a number from 0 to 1, not \"2\"");
	expect_refused("sysctl.secure_tcp = -1\n",
		       "d.conf:2: sysctl.secure_tcp must be a number from 0 to 3, not \"-1\"");
	expect_refused("timeout_tcp = 15m\n",
		       "d.conf:2: timeout_tcp must be a number from 0 to 2147483 (seconds; 0 "
		       "leaves the kernel's), not \"15m\"");
	expect_refused("timeout_tcpfin = 99999999\n",
		       "d.conf:2: timeout_tcpfin must be a number from 0 to 2147483 (seconds; 0 "
		       "leaves the kernel's), not \"99999999\"");
	expect_refused("sysctl.ip_forward = 1\n",
		       "d.conf:2: unknown key \"sysctl.ip_forward\" in [director]");
}

/* --- the plan ------------------------------------------------------------------ */

struct world {
	struct director_config cfg;
	struct dir_owned owned;
	struct dir_tunable_values values;
	struct netdevs net;
	struct dir_host host;
	struct ipvs_table kernel;
	struct dir_plan plan;
};

static void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	dir_owned_init(&w->owned);
	w->host.forwarding[0] = w->host.forwarding[1] = -1;
	w->host.tunables = &w->values;
	w->host.net = &w->net;
	netdevs_index(&w->net);
}

static void have(struct world *w, enum ipvs_tunable t, int value)
{
	w->values.known[t] = true;
	w->values.value[t] = value;
}

static void want(struct world *w, enum ipvs_tunable t, int value)
{
	w->cfg.tunables.set[t] = true;
	w->cfg.tunables.value[t] = value;
}

static const struct dir_item *only_item(const struct dir_plan *plan)
{
	const struct dir_item *found = NULL;

	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].kind == DIR_TUNABLE) {
			assert_null(found);
			found = &plan->items[i];
		}
	assert_non_null(found);
	return found;
}

static void world_free(struct world *w)
{
	dir_plan_free(&w->plan);
	dir_owned_free(&w->owned);
	netdevs_free(&w->net);
}

static void own(struct world *w, enum ipvs_tunable t, int original, int set)
{
	struct dir_tunable_record r = { .key = t, .original = original, .set = set, .pending = -1 };

	dir_owned_add_tunable(&w->owned, &r);
}

/* What is owned after the plan, with every change done. */
static const struct dir_tunable_record *after(struct world *w, struct dir_owned *out,
					      enum ipvs_tunable t)
{
	for (size_t i = 0; i < w->plan.count; i++)
		w->plan.items[i].done = w->plan.items[i].action != ACTION_NONE;
	director_owned_after(&w->plan, &w->owned, out);
	return dir_owned_tunable(out, t);
}

static void test_plan_sets_and_records(void **state)
{
	struct world w;
	struct dir_owned intent, done;
	const struct dir_item *item;
	const struct dir_tunable_record *r;

	(void)state;
	world_init(&w);
	have(&w, IPVS_TIMEOUT_TCP, 900);
	want(&w, IPVS_TIMEOUT_TCP, 1200);
	director_plan_apply(&w.cfg, &w.kernel, &w.owned, &w.host, &w.plan);
	item = only_item(&w.plan);
	assert_int_equal(item->action, ACTION_SET);
	assert_int_equal(item->before, 900);
	assert_int_equal(item->after, 1200);
	/* Before the change: both values lvsagent's, the one found kept. */
	director_owned_intent(&w.plan, &w.owned, &intent);
	r = dir_owned_tunable(&intent, IPVS_TIMEOUT_TCP);
	assert_non_null(r);
	assert_int_equal(r->original, 900);
	assert_true(dir_tunable_holds(r, 900) && dir_tunable_holds(r, 1200));
	r = after(&w, &done, IPVS_TIMEOUT_TCP);
	assert_non_null(r);
	assert_int_equal(r->original, 900);
	assert_int_equal(r->set, 1200);
	assert_int_equal(r->pending, -1);
	dir_owned_free(&intent);
	dir_owned_free(&done);
	world_free(&w);
}

/* A value already there is the kernel's: nothing to change or restore. */
static void test_plan_in_place(void **state)
{
	struct world w;
	struct dir_owned done;

	(void)state;
	world_init(&w);
	have(&w, IPVS_SYSCTL_conntrack, 1);
	want(&w, IPVS_SYSCTL_conntrack, 1);
	director_plan_apply(&w.cfg, &w.kernel, &w.owned, &w.host, &w.plan);
	assert_int_equal(only_item(&w.plan)->action, ACTION_NONE);
	assert_null(after(&w, &done, IPVS_SYSCTL_conntrack));
	dir_owned_free(&done);
	world_free(&w);
}

/* Changed again: the first value found stays the one to put back. */
static void test_plan_keeps_first_original(void **state)
{
	struct world w;
	struct dir_owned done;
	const struct dir_tunable_record *r;

	(void)state;
	world_init(&w);
	own(&w, IPVS_TIMEOUT_UDP, 300, 60);
	have(&w, IPVS_TIMEOUT_UDP, 60);
	want(&w, IPVS_TIMEOUT_UDP, 30);
	director_plan_apply(&w.cfg, &w.kernel, &w.owned, &w.host, &w.plan);
	assert_int_equal(only_item(&w.plan)->after, 30);
	r = after(&w, &done, IPVS_TIMEOUT_UDP);
	assert_int_equal(r->original, 300);
	assert_int_equal(r->set, 30);
	dir_owned_free(&done);
	world_free(&w);
}

static void test_stop_restores(void **state)
{
	struct world w;
	struct dir_owned done;
	const struct dir_item *item;

	(void)state;
	world_init(&w);
	own(&w, IPVS_SYSCTL_expire_nodest_conn, 0, 1);
	have(&w, IPVS_SYSCTL_expire_nodest_conn, 1);
	want(&w, IPVS_SYSCTL_expire_nodest_conn, 1);
	director_plan_stop(&w.cfg, &w.kernel, &w.owned, &w.host, &w.plan);
	item = only_item(&w.plan);
	assert_int_equal(item->action, ACTION_SET);
	assert_true(item->restore);
	assert_int_equal(item->after, 0);
	assert_null(after(&w, &done, IPVS_SYSCTL_expire_nodest_conn));
	dir_owned_free(&done);
	world_free(&w);
}

/* Someone else's value since: left, and the record dropped. */
static void test_stop_leaves_changed(void **state)
{
	struct world w;
	struct dir_owned done;
	const struct dir_item *item;

	(void)state;
	world_init(&w);
	own(&w, IPVS_TIMEOUT_TCP, 900, 1200);
	have(&w, IPVS_TIMEOUT_TCP, 600);
	director_plan_stop(&w.cfg, &w.kernel, &w.owned, &w.host, &w.plan);
	item = only_item(&w.plan);
	assert_int_equal(item->action, ACTION_NONE);
	assert_non_null(item->note);
	assert_null(after(&w, &done, IPVS_TIMEOUT_TCP));
	dir_owned_free(&done);
	world_free(&w);
}

/* No longer configured: apply puts it back as stop would. */
static void test_unconfigured_restored_by_apply(void **state)
{
	struct world w;

	(void)state;
	world_init(&w);
	own(&w, IPVS_SYSCTL_sloppy_tcp, 0, 1);
	have(&w, IPVS_SYSCTL_sloppy_tcp, 1);
	director_plan_apply(&w.cfg, &w.kernel, &w.owned, &w.host, &w.plan);
	assert_int_equal(only_item(&w.plan)->action, ACTION_SET);
	assert_int_equal(only_item(&w.plan)->after, 0);
	world_free(&w);
}

/* Unreadable: a record stands; a configured value is tried (and apply
 * refuses it, saying why). */
static void test_unreadable(void **state)
{
	struct world w;
	struct dir_owned done;

	(void)state;
	world_init(&w);
	own(&w, IPVS_SYSCTL_backup_only, 0, 1);
	want(&w, IPVS_SYSCTL_schedule_icmp, 1);
	director_plan_apply(&w.cfg, &w.kernel, &w.owned, &w.host, &w.plan);
	for (size_t i = 0; i < w.plan.count; i++) {
		const struct dir_item *item = &w.plan.items[i];
		if (item->tunable == IPVS_SYSCTL_backup_only)
			assert_int_equal(item->action, ACTION_NONE);
		else
			assert_int_equal(item->before, -1);
	}
	director_owned_after(&w.plan, &w.owned, &done);
	assert_non_null(dir_owned_tunable(&done, IPVS_SYSCTL_backup_only));
	dir_owned_free(&done);
	world_free(&w);
}

/* --- the state file --------------------------------------------------------------- */

static void test_state_lines(void **state)
{
	struct dir_owned owned, back;
	struct dir_tunable_record r = { .key = IPVS_TIMEOUT_TCPFIN, .original = 120, .set = 30,
					.pending = 60 };
	struct diag warnings = { 0 };
	char *text;

	(void)state;
	dir_owned_init(&owned);
	dir_owned_add_tunable(&owned, &r);
	r = (struct dir_tunable_record){ .key = IPVS_SYSCTL_conntrack, .original = 0, .set = 1,
					 .pending = -1 };
	dir_owned_add_tunable(&owned, &r);
	text = dir_state_format(&owned);
	assert_non_null(strstr(text, "\ntunable timeout_tcpfin 120 30 pending 60\n"
				     "tunable sysctl.conntrack 0 1\n"));
	dir_state_parse(text, "director", &back, &warnings);
	assert_int_equal(warnings.count, 0);
	assert_true(dir_owned_same(&owned, &back));
	free(text);
	dir_owned_free(&back);
	dir_state_parse("tunable sysctl.conntrack 0 7\ntunable sysctl.nope 0 1\n"
			"tunable timeout_tcp 900 0\ntunable timeout_tcp -5 100\n"
			"tunable sysctl.conntrack 0 1 pending\n", "director", &back, &warnings);
	assert_int_equal(warnings.count, 5);
	assert_int_equal(back.tunable_count, 0);
	dir_owned_free(&back);
	dir_owned_free(&owned);
	diag_free(&warnings);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_config_refusals),
		cmocka_unit_test(test_plan_sets_and_records),
		cmocka_unit_test(test_plan_in_place),
		cmocka_unit_test(test_plan_keeps_first_original),
		cmocka_unit_test(test_stop_restores),
		cmocka_unit_test(test_stop_leaves_changed),
		cmocka_unit_test(test_unconfigured_restored_by_apply),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_state_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
