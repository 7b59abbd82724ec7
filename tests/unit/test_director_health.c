/* The director's health state machine: check results → up, down, drained,
 * kept; min_up and sorry servers; the table the kernel should have. The
 * check settings are set on the parsed configuration by hand. */
#include "fixtures.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "director/config.h"
#include "director/health.h"
#include "kernel/ipvs_model.h"

static const char web[] =
	"[service web]\n"
	"virtual = tcp 192.0.2.1:80\n"
	"realserver = 10.10.10.11:80\n"
	"realserver = 10.10.10.12:80 weight=2\n";

static const char web3[] =
	"[service web]\n"
	"virtual = tcp 192.0.2.1:80\n"
	"realserver = 10.10.10.11:80\n"
	"realserver = 10.10.10.12:80\n"
	"realserver = 10.10.10.13:80\n";

#define REFUSED "connect: Connection refused"

struct bed {
	struct parsed p;
	struct director_config *cfg;
	struct ipvs_table kernel;
	struct health h;
	bool started;
	struct parsed next;		/* a reload's configuration */
	struct director_config *next_cfg;
	struct health after;		/* and health */
	bool reloaded;
	char line[256];			/* health_record's */
	char said[8][256];		/* health_settle's */
	size_t said_count;
};

/* TEXT parsed, each service checked by tcp with rise 2 and fall 3 (the
 * defaults), no min_up, no sorry server; the kernel empty. */
static void setup(struct bed *b, const char *text)
{
	memset(b, 0, sizeof(*b));
	parse_config(&b->p, "d.conf", text);
	print_diagnostics(&b->p.diag);
	assert_int_equal(b->p.ret, 0);
	b->cfg = (struct director_config *)director_config_of(&b->p.cfg);
	for (size_t i = 0; i < b->cfg->service_count; i++) {
		struct dir_check *check = &b->cfg->services[i].check;
		memset(check, 0, sizeof(*check));
		check->kind = CHECK_TCP;
		check->interval_ms = 5000;
		check->timeout_ms = 2000;
		check->rise = 2;
		check->fall = 3;
	}
}

static void teardown(struct bed *b)
{
	if (b->reloaded) {
		health_free(&b->after);
		release_config(&b->next);
	}
	if (b->started)
		health_free(&b->h);
	ipvs_table_free(&b->kernel);
	release_config(&b->p);
}

static struct dir_check *check_of(struct bed *b)
{
	return &b->cfg->services[0].check;
}

/* The kernel's copy of service 0 (added on first use, no real servers). */
static struct ipvs_service *kernel_service(struct bed *b)
{
	struct ipvs_service bare = b->cfg->services[0].svc;

	for (size_t i = 0; i < b->kernel.count; i++)
		if (ipvs_same_service(&b->kernel.services[i], &bare))
			return &b->kernel.services[i];
	bare.dests = NULL;
	bare.dest_count = bare.dest_capacity = 0;
	return ipvs_table_add(&b->kernel, &bare);
}

/* The kernel has real server I of service 0 at WEIGHT. */
static void kernel_has(struct bed *b, size_t i, uint32_t weight)
{
	struct ipvs_dest dest = b->cfg->services[0].svc.dests[i];

	dest.weight = weight;
	ipvs_service_add_dest(kernel_service(b), &dest);
}

static void kernel_has_all(struct bed *b)
{
	for (size_t i = 0; i < b->cfg->services[0].svc.dest_count; i++)
		kernel_has(b, i, 1);
}

static void start(struct bed *b, uint64_t now_ms)
{
	health_init(&b->h, b->cfg, &b->kernel, NULL, NULL, now_ms);
	b->started = true;
}

/* Started at 100 ms with every real server in the kernel at weight 1. */
static void start_all_up(struct bed *b)
{
	kernel_has_all(b);
	start(b, 100);
}

static struct dest_state *state_of(struct bed *b, size_t i)
{
	return &b->h.services[0].dests[i];
}

static bool record(struct bed *b, size_t i, bool passed, uint64_t now_ms)
{
	b->line[0] = '\0';
	return health_record(&b->h, b->cfg, 0, i, passed, passed ? "ok" : REFUSED, 1234, now_ms,
			     b->line, sizeof(b->line));
}

static bool failed(struct bed *b, size_t i, uint64_t now_ms)
{
	return record(b, i, false, now_ms);
}

static bool passed(struct bed *b, size_t i, uint64_t now_ms)
{
	return record(b, i, true, now_ms);
}

/* Fails real server I until it is down (FALL checks), the last at NOW_MS. */
static void take_down(struct bed *b, size_t i, uint64_t now_ms)
{
	for (unsigned n = 1; n < check_of(b)->fall; n++)
		assert_false(failed(b, i, now_ms));
	assert_true(failed(b, i, now_ms));
}

/* Passes a down (decided) real server I until it is up (RISE checks), the
 * last at NOW_MS. */
static void bring_up(struct bed *b, size_t i, uint64_t now_ms)
{
	for (unsigned n = 1; n < check_of(b)->rise; n++)
		assert_false(passed(b, i, now_ms));
	assert_true(passed(b, i, now_ms));
}

static void collect(void *user, const char *line)
{
	struct bed *b = user;

	assert_true(b->said_count < sizeof(b->said) / sizeof(b->said[0]));
	snprintf(b->said[b->said_count++], sizeof(b->said[0]), "%s", line);
}

static bool settle(struct bed *b, uint64_t now_ms)
{
	b->said_count = 0;
	return health_settle(&b->h, b->cfg, now_ms, collect, b);
}

static void assert_said(const struct bed *b, size_t count, const char *first)
{
	for (size_t i = 0; i < b->said_count; i++)
		print_message("said: %s\n", b->said[i]);
	assert_int_equal(b->said_count, count);
	if (first)
		assert_string_equal(b->said[0], first);
}

static void assert_health(struct bed *b, size_t i, enum dest_health health)
{
	assert_string_equal(health_name(health_of(state_of(b, i))), health_name(health));
}

/* The weight real server ADDR:80 has in the effective table; -1: left out. */
static long effective_weight(const struct director_config *out, const char *addr)
{
	const struct ipvs_service *svc = &out->services[0].svc;
	struct ipaddr want = ip(addr);

	for (size_t i = 0; i < svc->dest_count; i++)
		if (ipaddr_equal(&svc->dests[i].addr, &want) && svc->dests[i].port == 80)
			return svc->dests[i].weight;
	return -1;
}

/* A sorry server 10.10.10.99:80 for service 0. */
static void give_sorry(struct bed *b)
{
	struct dir_check *check = check_of(b);

	check->has_sorry = true;
	check->sorry = b->cfg->services[0].svc.dests[0];
	check->sorry.addr = ip("10.10.10.99");
	check->sorry.weight = 1;
}

/* --- names ---------------------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(health_name(HEALTH_UP), "up");
	assert_string_equal(health_name(HEALTH_DOWN), "down");
	assert_string_equal(health_name(HEALTH_DRAINED), "drained");
	assert_string_equal(health_name(HEALTH_KEPT), "kept");
}

static void test_shown_health_order(void **state)
{
	struct dest_state s = { 0 };

	(void)state;
	assert_int_equal(health_of(&s), HEALTH_DOWN);
	s.kept = true;
	assert_int_equal(health_of(&s), HEALTH_KEPT);
	s.up = true;
	assert_int_equal(health_of(&s), HEALTH_UP);
	s.drained = true;
	assert_int_equal(health_of(&s), HEALTH_DRAINED);
}

/* --- check = none --------------------------------------------------------------- */

static void test_no_check_all_up(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	check_of(&b)->kind = CHECK_NONE;
	start(&b, 100);
	for (size_t i = 0; i < 2; i++) {
		assert_true(state_of(&b, i)->up);
		assert_true(state_of(&b, i)->decided);
	}
	for (int n = 0; n < 10; n++)
		assert_false(failed(&b, 1, 200));
	assert_true(state_of(&b, 1)->up);
	assert_int_equal(state_of(&b, 1)->transitions, 0);
	assert_false(settle(&b, 200));
	teardown(&b);
}

/* --- fall and rise --------------------------------------------------------------- */

static void test_fall_exactly(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	start_all_up(&b);
	assert_true(state_of(&b, 1)->up);
	assert_false(failed(&b, 1, 200));
	assert_false(failed(&b, 1, 300));
	assert_true(state_of(&b, 1)->up);
	assert_int_equal(state_of(&b, 1)->failures, 2);
	assert_true(failed(&b, 1, 400));
	assert_false(state_of(&b, 1)->up);
	assert_string_equal(b.line, "web 10.10.10.12:80 down after 3 failed checks "
				    "(connect: Connection refused); 1 of 2 up");
	assert_int_equal(state_of(&b, 1)->since_ms, 400);
	assert_int_equal(state_of(&b, 1)->down_at_ms, 400);
	assert_int_equal(state_of(&b, 1)->transitions, 1);
	/* Further failures change nothing. */
	assert_false(failed(&b, 1, 500));
	assert_int_equal(state_of(&b, 1)->since_ms, 400);
	teardown(&b);
}

static void test_fall_one_says_check(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	check_of(&b)->fall = 1;
	start_all_up(&b);
	assert_true(failed(&b, 0, 200));
	assert_string_equal(b.line, "web 10.10.10.11:80 down after 1 failed check "
				    "(connect: Connection refused); 1 of 2 up");
	teardown(&b);
}

static void test_pass_resets_failures(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	start_all_up(&b);
	assert_false(failed(&b, 1, 200));
	assert_false(failed(&b, 1, 300));
	assert_false(passed(&b, 1, 400));
	assert_int_equal(state_of(&b, 1)->failures, 0);
	assert_int_equal(state_of(&b, 1)->passes, 1);
	assert_false(failed(&b, 1, 500));
	assert_false(failed(&b, 1, 600));
	assert_true(state_of(&b, 1)->up);
	assert_true(failed(&b, 1, 700));
	teardown(&b);
}

static void test_rise_exactly(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	check_of(&b)->rise = 3;
	start_all_up(&b);
	take_down(&b, 1, 400);
	assert_false(passed(&b, 1, 500));
	assert_false(passed(&b, 1, 600));
	/* A failure resets the passes. */
	assert_false(failed(&b, 1, 700));
	assert_int_equal(state_of(&b, 1)->passes, 0);
	assert_false(passed(&b, 1, 800));
	assert_false(passed(&b, 1, 900));
	assert_false(state_of(&b, 1)->up);
	assert_true(passed(&b, 1, 1000));
	assert_true(state_of(&b, 1)->up);
	assert_string_equal(b.line, "web 10.10.10.12:80 up after 3 passed checks; 2 of 2 up");
	assert_int_equal(state_of(&b, 1)->since_ms, 1000);
	assert_int_equal(state_of(&b, 1)->transitions, 2);
	teardown(&b);
}

static void test_result_recorded(void **state)
{
	char longer[300];
	struct bed b;

	(void)state;
	setup(&b, web);
	start(&b, 100);
	assert_false(state_of(&b, 0)->checked);
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	health_record(&b.h, b.cfg, 0, 0, false, longer, 777, 200, b.line, sizeof(b.line));
	assert_true(state_of(&b, 0)->checked);
	assert_false(state_of(&b, 0)->last_passed);
	assert_int_equal(state_of(&b, 0)->last_latency_us, 777);
	assert_int_equal(strlen(state_of(&b, 0)->last_result),
			 sizeof(state_of(&b, 0)->last_result) - 1);
	assert_true(passed(&b, 0, 300));
	assert_true(state_of(&b, 0)->last_passed);
	assert_string_equal(state_of(&b, 0)->last_result, "ok");
	assert_int_equal(state_of(&b, 0)->last_latency_us, 1234);
	teardown(&b);
}

/* --- start-up from the kernel's table ------------------------------------------ */

static void test_start_absent_first_pass(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	kernel_has(&b, 0, 1);		/* 10.10.10.12 absent */
	start(&b, 100);
	assert_true(state_of(&b, 0)->up);
	assert_false(state_of(&b, 0)->decided);
	assert_false(state_of(&b, 1)->up);
	assert_false(state_of(&b, 1)->decided);
	assert_int_equal(state_of(&b, 1)->since_ms, 100);
	/* Not rise (2): its first pass. */
	assert_true(passed(&b, 1, 200));
	assert_string_equal(b.line, "web 10.10.10.12:80 up: its first check passed; 2 of 2 up");
	assert_true(state_of(&b, 1)->decided);
	/* Decided now: down after fall, back after rise. */
	take_down(&b, 1, 500);
	bring_up(&b, 1, 700);
	teardown(&b);
}

static void test_start_weight_zero_is_down(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	kernel_has(&b, 0, 1);
	kernel_has(&b, 1, 0);
	start(&b, 100);
	assert_false(state_of(&b, 1)->up);
	assert_false(state_of(&b, 1)->decided);
	assert_true(passed(&b, 1, 200));
	assert_string_equal(b.line, "web 10.10.10.12:80 up: its first check passed; 2 of 2 up");
	teardown(&b);
}

/* Never up yet, failing: its first pass still brings it up, in words that
 * do not claim it is its first check. */
static void test_first_pass_after_failures(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	start(&b, 100);
	for (int n = 0; n < 5; n++)
		assert_false(failed(&b, 0, 200 + n));
	assert_false(state_of(&b, 0)->decided);
	assert_true(passed(&b, 0, 300));
	assert_string_equal(b.line, "web 10.10.10.11:80 up: its first passed check; 1 of 2 up");
	teardown(&b);
}

static void test_start_kernel_up_checks_decide(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	start_all_up(&b);
	assert_true(state_of(&b, 0)->up);
	assert_false(state_of(&b, 0)->decided);
	/* A pass confirms it: no change of verdict, no line. */
	assert_false(passed(&b, 0, 200));
	assert_true(state_of(&b, 0)->decided);
	assert_int_equal(state_of(&b, 0)->transitions, 0);
	/* The other goes down after fall failures, undecided or not. */
	take_down(&b, 1, 300);
	assert_true(state_of(&b, 1)->decided);
	teardown(&b);
}

/* A real server in another service of the kernel, or at another port, is
 * not this one. */
static void test_start_matches_service_and_port(void **state)
{
	struct ipvs_service other;
	struct ipvs_dest dest;
	struct bed b;

	(void)state;
	setup(&b, web);
	other = b.cfg->services[0].svc;
	other.port = 8080;
	other.dests = NULL;
	other.dest_count = other.dest_capacity = 0;
	dest = b.cfg->services[0].svc.dests[0];
	dest.weight = 5;
	ipvs_service_add_dest(ipvs_table_add(&b.kernel, &other), &dest);
	dest.port = 81;
	dest.addr = b.cfg->services[0].svc.dests[1].addr;
	ipvs_service_add_dest(kernel_service(&b), &dest);
	start(&b, 100);
	assert_false(state_of(&b, 0)->up);
	assert_false(state_of(&b, 1)->up);
	teardown(&b);
}

/* --- reload ------------------------------------------------------------------------ */

/* The configuration TEXT read (service 0 checked as B's), its health from
 * B's at 900 ms: B's next_cfg, after. */
static void reload(struct bed *b, const char *text)
{
	parse_config(&b->next, "d.conf", text);
	print_diagnostics(&b->next.diag);
	assert_int_equal(b->next.ret, 0);
	b->next_cfg = (struct director_config *)director_config_of(&b->next.cfg);
	b->next_cfg->services[0].check = *check_of(b);
	health_init(&b->after, b->next_cfg, &b->kernel, &b->h, b->cfg, 900);
	b->reloaded = true;
}

static struct dest_state *after_of(struct bed *b, size_t i)
{
	return &b->after.services[0].dests[i];
}

static void test_reload_keeps_state(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	start_all_up(&b);
	take_down(&b, 1, 400);
	assert_false(passed(&b, 1, 500));
	assert_true(health_set_drained(&b.h, 0, 0, true, 550));
	/* 10.10.10.11 dropped, 10.10.10.13 new (absent from the kernel). */
	reload(&b, "[service web]\n"
		   "virtual = tcp 192.0.2.1:80\n"
		   "realserver = 10.10.10.13:80\n"
		   "realserver = 10.10.10.12:80 weight=2\n");
	assert_int_equal(b.after.count, 1);
	assert_int_equal(b.after.services[0].count, 2);
	assert_false(after_of(&b, 1)->up);
	assert_true(after_of(&b, 1)->decided);
	assert_int_equal(after_of(&b, 1)->passes, 1);
	assert_int_equal(after_of(&b, 1)->since_ms, 400);
	assert_int_equal(after_of(&b, 1)->down_at_ms, 400);
	assert_int_equal(after_of(&b, 1)->transitions, 1);
	assert_string_equal(after_of(&b, 1)->last_result, "ok");
	/* One more pass: up after rise, the counts went on. */
	assert_true(health_record(&b.after, b.next_cfg, 0, 1, true, "ok", 1, 1000, b.line,
				  sizeof(b.line)));
	assert_string_equal(b.line, "web 10.10.10.12:80 up after 2 passed checks; 1 of 2 up");
	assert_false(after_of(&b, 0)->up);
	assert_false(after_of(&b, 0)->decided);
	assert_false(after_of(&b, 0)->drained);
	assert_int_equal(after_of(&b, 0)->since_ms, 900);
	teardown(&b);
}

/* Another virtual is another service: its real servers start afresh. */
static void test_reload_other_virtual_starts_afresh(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	start_all_up(&b);
	take_down(&b, 1, 400);
	reload(&b, "[service web]\n"
		   "virtual = tcp 192.0.2.2:80\n"
		   "realserver = 10.10.10.11:80\n"
		   "realserver = 10.10.10.12:80 weight=2\n");
	/* Neither is in the kernel's 192.0.2.2:80. */
	assert_false(after_of(&b, 0)->up);
	assert_false(after_of(&b, 1)->up);
	assert_int_equal(after_of(&b, 1)->failures, 0);
	assert_int_equal(after_of(&b, 1)->since_ms, 900);
	teardown(&b);
}

/* check = none since the reload: down ones are up. */
static void test_reload_to_no_check(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	start_all_up(&b);
	take_down(&b, 1, 400);
	check_of(&b)->kind = CHECK_NONE;
	reload(&b, web);
	assert_true(after_of(&b, 1)->up);
	assert_int_equal(after_of(&b, 1)->since_ms, 900);
	assert_int_equal(after_of(&b, 1)->transitions, 2);
	teardown(&b);
}

/* --- drain ---------------------------------------------------------------------------- */

static void test_drain_and_undrain(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	start_all_up(&b);
	assert_true(health_set_drained(&b.h, 0, 1, true, 200));
	assert_false(health_set_drained(&b.h, 0, 1, true, 250));
	assert_health(&b, 1, HEALTH_DRAINED);
	assert_int_equal(state_of(&b, 1)->since_ms, 200);
	assert_int_equal(state_of(&b, 1)->transitions, 1);
	assert_int_equal(health_up(&b.h.services[0]), 1);
	assert_int_equal(health_in_rotation(&b.h.services[0]), 1);
	/* The checks go on while drained; the shown health stays. */
	take_down(&b, 1, 300);
	assert_string_equal(b.line, "web 10.10.10.12:80 down after 3 failed checks "
				    "(connect: Connection refused); 1 of 2 up");
	assert_health(&b, 1, HEALTH_DRAINED);
	assert_int_equal(state_of(&b, 1)->since_ms, 200);
	bring_up(&b, 1, 500);
	assert_health(&b, 1, HEALTH_DRAINED);
	/* Undrained: back at once, its verdict being up. */
	assert_true(health_set_drained(&b.h, 0, 1, false, 600));
	assert_health(&b, 1, HEALTH_UP);
	assert_int_equal(state_of(&b, 1)->since_ms, 600);
	assert_int_equal(state_of(&b, 1)->transitions, 2);
	teardown(&b);
}

static void test_undrain_down_stays_down(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	start_all_up(&b);
	assert_true(health_set_drained(&b.h, 0, 0, true, 200));
	take_down(&b, 0, 300);
	assert_true(health_set_drained(&b.h, 0, 0, false, 400));
	assert_health(&b, 0, HEALTH_DOWN);
	assert_int_equal(state_of(&b, 0)->since_ms, 400);
	teardown(&b);
}

/* --- min_up --------------------------------------------------------------------------- */

static void test_min_up_keeps_most_recently_down(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web3);
	check_of(&b)->min_up = 1;
	start_all_up(&b);
	take_down(&b, 0, 1000);
	assert_false(settle(&b, 1000));
	take_down(&b, 2, 2000);
	assert_false(settle(&b, 2000));
	take_down(&b, 1, 3000);
	assert_true(settle(&b, 3000));
	assert_said(&b, 1, "web 10.10.10.12:80 kept in rotation although down (min_up = 1)");
	assert_health(&b, 1, HEALTH_KEPT);
	assert_health(&b, 0, HEALTH_DOWN);
	assert_health(&b, 2, HEALTH_DOWN);
	assert_int_equal(state_of(&b, 1)->since_ms, 3000);
	assert_int_equal(health_in_rotation(&b.h.services[0]), 1);
	assert_int_equal(health_up(&b.h.services[0]), 0);
	/* Settled already: nothing more. */
	assert_false(settle(&b, 3100));
	assert_said(&b, 0, NULL);
	/* Another comes up: the kept one is let go. */
	bring_up(&b, 0, 4100);
	assert_true(settle(&b, 4100));
	assert_said(&b, 1, "web 10.10.10.12:80 no longer kept: 1 of 3 in rotation");
	assert_health(&b, 1, HEALTH_DOWN);
	teardown(&b);
}

/* A kept one that comes up itself is up: no line. */
static void test_min_up_kept_comes_up(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	check_of(&b)->min_up = 1;
	start_all_up(&b);
	take_down(&b, 0, 1000);
	take_down(&b, 1, 2000);
	assert_true(settle(&b, 2000));
	assert_health(&b, 1, HEALTH_KEPT);
	bring_up(&b, 1, 3100);
	assert_health(&b, 1, HEALTH_UP);
	assert_false(state_of(&b, 1)->kept);
	assert_false(settle(&b, 3100));
	assert_said(&b, 0, NULL);
	teardown(&b);
}

static void test_min_up_percent_rounds_up(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web3);
	check_of(&b)->min_up = 50;		/* of 3: 2 */
	check_of(&b)->min_up_percent = true;
	start_all_up(&b);
	take_down(&b, 1, 1000);
	assert_false(settle(&b, 1000));		/* 2 of 3 up */
	take_down(&b, 0, 2000);
	assert_true(settle(&b, 2000));
	assert_said(&b, 1, "web 10.10.10.11:80 kept in rotation although down (min_up = 50%)");
	take_down(&b, 2, 3000);
	assert_true(settle(&b, 3000));
	assert_said(&b, 1, "web 10.10.10.13:80 kept in rotation although down (min_up = 50%)");
	assert_health(&b, 0, HEALTH_KEPT);
	assert_health(&b, 1, HEALTH_DOWN);
	assert_health(&b, 2, HEALTH_KEPT);
	/* .12 comes up: one kept is enough, the one down the longest goes. */
	bring_up(&b, 1, 4100);
	assert_true(settle(&b, 4100));
	assert_said(&b, 1, "web 10.10.10.11:80 no longer kept: 2 of 3 in rotation");
	assert_health(&b, 2, HEALTH_KEPT);
	teardown(&b);
}

/* Drained ones are out of rotation and never kept; nor is one no check has
 * passed since it appeared. */
static void test_min_up_never_keeps_drained_or_unproven(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web3);
	check_of(&b)->min_up = 3;
	kernel_has(&b, 0, 1);
	kernel_has(&b, 1, 1);		/* 10.10.10.13 absent: never up */
	start(&b, 100);
	take_down(&b, 0, 1000);
	assert_true(health_set_drained(&b.h, 0, 1, true, 1100));
	assert_true(settle(&b, 1100));
	assert_said(&b, 1, "web 10.10.10.11:80 kept in rotation although down (min_up = 3)");
	assert_health(&b, 1, HEALTH_DRAINED);
	assert_health(&b, 2, HEALTH_DOWN);
	/* Draining the kept one lets it go. */
	assert_true(health_set_drained(&b.h, 0, 0, true, 1200));
	assert_health(&b, 0, HEALTH_DRAINED);
	assert_false(state_of(&b, 0)->kept);
	assert_false(settle(&b, 1200));
	teardown(&b);
}

/* --- sorry servers -------------------------------------------------------------------- */

static void test_sorry_in_and_out(void **state)
{
	struct director_config out;
	struct bed b;

	(void)state;
	setup(&b, web);
	give_sorry(&b);
	start_all_up(&b);
	assert_false(settle(&b, 100));
	take_down(&b, 0, 1000);
	take_down(&b, 1, 1000);
	assert_true(settle(&b, 1000));
	assert_said(&b, 1, "web: no real server in rotation: "
			   "sorry server 10.10.10.99:80 gets the traffic");
	assert_true(b.h.services[0].sorry_in);
	health_effective(b.cfg, &b.h, &out);
	assert_int_equal(out.services[0].svc.dest_count, 3);
	assert_int_equal(effective_weight(&out, "10.10.10.99"), 1);
	assert_true(ipaddr_equal(&out.services[0].svc.dests[2].addr, &check_of(&b)->sorry.addr));
	health_effective_free(&out);
	assert_false(settle(&b, 1100));
	bring_up(&b, 1, 2100);
	assert_true(settle(&b, 2100));
	assert_said(&b, 1, "web: a real server is back: sorry server 10.10.10.99:80 removed");
	assert_false(b.h.services[0].sorry_in);
	teardown(&b);
}

/* A kept real server is in rotation: no sorry server. A drained one is
 * not. */
static void test_sorry_and_kept_and_drained(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	give_sorry(&b);
	check_of(&b)->min_up = 1;
	start_all_up(&b);
	take_down(&b, 0, 1000);
	take_down(&b, 1, 2000);
	assert_true(settle(&b, 2000));
	assert_said(&b, 1, "web 10.10.10.12:80 kept in rotation although down (min_up = 1)");
	assert_false(b.h.services[0].sorry_in);
	assert_true(health_set_drained(&b.h, 0, 1, true, 3000));
	assert_true(settle(&b, 3000));
	/* .11 is kept in its place (the latest down not drained). */
	assert_said(&b, 1, "web 10.10.10.11:80 kept in rotation although down (min_up = 1)");
	assert_true(health_set_drained(&b.h, 0, 0, true, 4000));
	assert_true(settle(&b, 4000));
	assert_said(&b, 1, "web: no real server in rotation: "
			   "sorry server 10.10.10.99:80 gets the traffic");
	teardown(&b);
}

/* A daemon that starts with the sorry server in the kernel knows it is in. */
static void test_sorry_in_kernel_at_start(void **state)
{
	struct bed b;

	(void)state;
	setup(&b, web);
	give_sorry(&b);
	kernel_has(&b, 0, 0);
	kernel_has(&b, 1, 0);
	ipvs_service_add_dest(kernel_service(&b), &check_of(&b)->sorry);
	start(&b, 100);
	assert_true(b.h.services[0].sorry_in);
	assert_false(settle(&b, 100));
	assert_true(passed(&b, 0, 200));
	assert_true(settle(&b, 200));
	assert_said(&b, 1, "web: a real server is back: sorry server 10.10.10.99:80 removed");
	teardown(&b);
}

/* --- the effective table --------------------------------------------------------------- */

static void test_effective_quiesce(void **state)
{
	struct director_config out;
	struct bed b;

	(void)state;
	setup(&b, web3);
	kernel_has_all(&b);
	b.cfg->services[0].svc.dests[1].weight = 2;
	start(&b, 100);
	take_down(&b, 0, 1000);
	assert_true(health_set_drained(&b.h, 0, 2, true, 1000));
	health_effective(b.cfg, &b.h, &out);
	assert_int_equal(out.services[0].svc.dest_count, 3);
	assert_int_equal(effective_weight(&out, "10.10.10.11"), 0);
	assert_int_equal(effective_weight(&out, "10.10.10.12"), 2);
	assert_int_equal(effective_weight(&out, "10.10.10.13"), 0);
	health_effective_free(&out);
	teardown(&b);
}

static void test_effective_remove(void **state)
{
	struct director_config out;
	struct bed b;

	(void)state;
	setup(&b, web3);
	check_of(&b)->remove_on_failure = true;
	start_all_up(&b);
	take_down(&b, 0, 1000);
	assert_true(health_set_drained(&b.h, 0, 2, true, 1000));
	health_effective(b.cfg, &b.h, &out);
	assert_int_equal(out.services[0].svc.dest_count, 2);
	assert_int_equal(effective_weight(&out, "10.10.10.11"), -1);
	assert_int_equal(effective_weight(&out, "10.10.10.12"), 1);
	/* Drained stays at 0: its connections finish. */
	assert_int_equal(effective_weight(&out, "10.10.10.13"), 0);
	health_effective_free(&out);
	teardown(&b);
}

static void test_effective_kept_has_its_weight(void **state)
{
	struct director_config out;
	struct bed b;

	(void)state;
	setup(&b, web);
	check_of(&b)->remove_on_failure = true;
	check_of(&b)->min_up = 1;
	start_all_up(&b);
	take_down(&b, 0, 1000);
	take_down(&b, 1, 2000);
	assert_true(settle(&b, 2000));
	health_effective(b.cfg, &b.h, &out);
	assert_int_equal(effective_weight(&out, "10.10.10.11"), -1);
	assert_int_equal(effective_weight(&out, "10.10.10.12"), 2);
	health_effective_free(&out);
	teardown(&b);
}

/* A copy of its own, with the director's settings. */
static void test_effective_is_a_copy(void **state)
{
	struct director_config out;
	struct bed b;

	(void)state;
	setup(&b,
	      "[director]\n"
	      "manage = all\n"
	      "\n"
	      "[service web]\n"
	      "virtual = tcp 192.0.2.1:80\n"
	      "scheduler = rr\n"
	      "realserver = 10.10.10.11:80\n"
	      "\n"
	      "[service dns]\n"
	      "virtual = udp 192.0.2.1:53\n"
	      "realserver = 10.10.10.11:53\n");
	b.cfg->metrics_file = xstrdup("/run/lvsagent/metrics");
	start(&b, 100);
	assert_true(passed(&b, 0, 200));
	health_effective(b.cfg, &b.h, &out);
	assert_true(out.manage_all);
	assert_int_equal(out.service_count, 2);
	assert_string_equal(out.services[0].name, "web");
	assert_string_equal(out.services[0].svc.scheduler, "rr");
	assert_string_equal(out.services[1].name, "dns");
	assert_ptr_not_equal(out.services, b.cfg->services);
	assert_ptr_not_equal(out.services[0].svc.dests, b.cfg->services[0].svc.dests);
	assert_null(out.services[0].dest_lines);
	assert_string_equal(out.metrics_file, "/run/lvsagent/metrics");
	assert_ptr_not_equal(out.metrics_file, b.cfg->metrics_file);
	assert_int_equal(effective_weight(&out, "10.10.10.11"), 1);
	assert_int_equal(out.services[1].svc.dest_count, 1);
	assert_int_equal(out.services[1].svc.dests[0].weight, 0);	/* never checked yet */
	health_effective_free(&out);
	free(b.cfg->metrics_file);
	b.cfg->metrics_file = NULL;
	teardown(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_shown_health_order),
		cmocka_unit_test(test_no_check_all_up),
		cmocka_unit_test(test_fall_exactly),
		cmocka_unit_test(test_fall_one_says_check),
		cmocka_unit_test(test_pass_resets_failures),
		cmocka_unit_test(test_rise_exactly),
		cmocka_unit_test(test_result_recorded),
		cmocka_unit_test(test_start_absent_first_pass),
		cmocka_unit_test(test_start_weight_zero_is_down),
		cmocka_unit_test(test_first_pass_after_failures),
		cmocka_unit_test(test_start_kernel_up_checks_decide),
		cmocka_unit_test(test_start_matches_service_and_port),
		cmocka_unit_test(test_reload_keeps_state),
		cmocka_unit_test(test_reload_other_virtual_starts_afresh),
		cmocka_unit_test(test_reload_to_no_check),
		cmocka_unit_test(test_drain_and_undrain),
		cmocka_unit_test(test_undrain_down_stays_down),
		cmocka_unit_test(test_min_up_keeps_most_recently_down),
		cmocka_unit_test(test_min_up_kept_comes_up),
		cmocka_unit_test(test_min_up_percent_rounds_up),
		cmocka_unit_test(test_min_up_never_keeps_drained_or_unproven),
		cmocka_unit_test(test_sorry_in_and_out),
		cmocka_unit_test(test_sorry_and_kept_and_drained),
		cmocka_unit_test(test_sorry_in_kernel_at_start),
		cmocka_unit_test(test_effective_quiesce),
		cmocka_unit_test(test_effective_remove),
		cmocka_unit_test(test_effective_kept_has_its_weight),
		cmocka_unit_test(test_effective_is_a_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
