/* What the director daemon keeps and publishes beside the table: the
 * drained list (found by name, honoured by apply), the health file status
 * reads, and the Prometheus metrics. */
#include "fixtures.h"
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "director/config.h"
#include "director/drain.h"
#include "director/health.h"
#include "director/health_file.h"
#include "director/metrics.h"

static const char two[] =
	"[service web]\n"
	"virtual = tcp 192.0.2.1:80\n"
	"check = tcp\n"
	"realserver = 10.10.10.11:80 weight=3\n"
	"realserver = 10.10.10.12:80\n";

static const struct director_config *parse_two(struct parsed *p)
{
	parse_config(p, "d.conf", two);
	assert_int_equal(p->ret, 0);
	return director_config_of(&p->cfg);
}

static void test_drain_find(void **state)
{
	struct parsed p;
	const struct director_config *cfg = parse_two(&p);
	char why[256];
	size_t svc, dest;

	(void)state;
	assert_int_equal(drain_find(cfg, "web", "10.10.10.12:80", &svc, &dest, why, sizeof(why)), 0);
	assert_int_equal(svc, 0);
	assert_int_equal(dest, 1);
	assert_int_equal(drain_find(cfg, "web", "10.10.10.11", &svc, &dest, why, sizeof(why)), 0);
	assert_int_equal(dest, 0);
	assert_int_equal(drain_find(cfg, "api", "10.10.10.11", &svc, &dest, why, sizeof(why)), -1);
	assert_string_equal(why, "no [service api] in the configuration (it has: web)");
	assert_int_equal(drain_find(cfg, "web", "10.10.10.99:80", &svc, &dest, why, sizeof(why)), -1);
	assert_string_equal(why, "[service web] has no real server 10.10.10.99:80 (it has: "
			    "10.10.10.11:80, 10.10.10.12:80)");
	release_config(&p);
}

static void test_drain_effective(void **state)
{
	struct parsed p;
	const struct director_config *cfg = parse_two(&p);
	struct drain_list drains = { 0 };
	struct director_config want;

	(void)state;
	assert_true(drain_set(&drains, "web", &cfg->services[0].svc.dests[0].addr, 80, true));
	assert_false(drain_set(&drains, "web", &cfg->services[0].svc.dests[0].addr, 80, true));
	drain_effective(cfg, &drains, &want);
	/* Drained: weight 0, its connections finish; the other as configured,
	 * checked or not (no daemon ran its checks). */
	assert_int_equal(want.services[0].svc.dest_count, 2);
	assert_int_equal(want.services[0].svc.dests[0].weight, 0);
	assert_int_equal(want.services[0].svc.dests[1].weight, 1);
	health_effective_free(&want);
	assert_true(drain_set(&drains, "web", &cfg->services[0].svc.dests[0].addr, 80, false));
	drain_effective(cfg, &drains, &want);
	assert_int_equal(want.services[0].svc.dests[0].weight, 3);
	health_effective_free(&want);
	drain_free(&drains);
	release_config(&p);
}

/* Health as the daemon had it: rs1 up after a check, rs2 down. */
static void some_health(const struct director_config *cfg, struct health *h)
{
	char line[256];

	health_init(h, cfg, NULL, NULL, NULL, 1000);
	health_record(h, cfg, 0, 0, true, "ok", 420, 2000, line, sizeof(line));
	health_record(h, cfg, 0, 1, false, "connect: Connection refused", 310, 2000, line,
		      sizeof(line));
	health_set_drained(h, 0, 1, true, 2500);
	health_settle(h, cfg, 2500, NULL, NULL);
}

static void test_health_file_round_trip(void **state)
{
	struct parsed p;
	const struct director_config *cfg = parse_two(&p);
	struct health h, back;
	char *text, *again;

	(void)state;
	some_health(cfg, &h);
	text = health_file_format(cfg, &h);
	health_file_parse(text, cfg, &back);
	again = health_file_format(cfg, &back);
	assert_string_equal(again, text);
	assert_int_equal(health_of(&back.services[0].dests[0]), HEALTH_UP);
	assert_int_equal(health_of(&back.services[0].dests[1]), HEALTH_DRAINED);
	assert_string_equal(back.services[0].dests[1].last_result, "connect: Connection refused");
	assert_int_equal(back.services[0].dests[0].last_latency_us, 420);
	free(text);
	free(again);
	health_free(&back);
	health_free(&h);
	release_config(&p);
}

static void test_health_file_other_config(void **state)
{
	struct parsed p;
	const struct director_config *cfg = parse_two(&p);
	struct health back;

	(void)state;
	/* A line for a real server the configuration no longer has, and a
	 * damaged one: ignored, the rest known. */
	health_file_parse("realserver web 10.10.10.99:80 up=1 decided=1\n"
			  "realserver web 10.10.10.11:80 up=1 decided=1 drained=0 kept=0 passes=2 "
			  "failures=0 since=5 down_at=0 checked=1 passed=1 latency=7 "
			  "transitions=1 result=ok\n"
			  "realserver web\n", cfg, &back);
	assert_int_equal(back.count, 1);
	assert_int_equal(back.services[0].count, 2);
	assert_true(back.services[0].dests[0].up);
	assert_int_equal(back.services[0].dests[0].since_ms, 5);
	assert_int_equal(back.services[0].dests[1].since_ms, 0);	/* nothing known */
	health_free(&back);
	release_config(&p);
}

/* FILE in DIR cut to every length short of whole, each time LOAD's
 * result; the whole file back at the end. */
static void cut_at_every_length(const char *dir, const char *file, void (*load)(const char *dir,
				int want_err, void *arg), void *arg)
{
	char path[256], *whole = NULL;
	FILE *in;
	long size;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	in = fopen(path, "r");
	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	size = ftell(in);
	rewind(in);
	whole = malloc((size_t)size + 1);
	assert_int_equal(fread(whole, 1, (size_t)size, in), (size_t)size);
	fclose(in);
	for (long cut = 0; cut < size; cut++) {
		FILE *out = fopen(path, "w");
		assert_int_equal(fwrite(whole, 1, (size_t)cut, out), (size_t)cut);
		fclose(out);
		load(dir, -EBADMSG, arg);
	}
	in = fopen(path, "w");
	fwrite(whole, 1, (size_t)size, in);
	fclose(in);
	load(dir, 0, arg);
	free(whole);
}

static void load_drains(const char *dir, int want_err, void *arg)
{
	struct drain_list list;
	struct diag warnings = { 0 };

	(void)arg;
	assert_int_equal(drain_load(dir, &list, &warnings), want_err);
	assert_int_equal(list.count, want_err ? 0 : 2);
	assert_int_equal(warnings.count, 0);
	drain_free(&list);
}

/* A drained list cut short is refused (-EBADMSG), never read as nothing
 * drained, which would put the drained real servers back in rotation. */
static void test_drain_file_cut_short(void **state)
{
	struct parsed p;
	const struct director_config *cfg = parse_two(&p);
	struct drain_list drains = { 0 };
	char dir[] = "/tmp/lvsagent-unit-drain.XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	drain_set(&drains, "web", &cfg->services[0].svc.dests[0].addr, 80, true);
	drain_set(&drains, "web", &cfg->services[0].svc.dests[1].addr, 80, true);
	assert_int_equal(drain_save(dir, &drains), 0);
	cut_at_every_length(dir, "director.drained", load_drains, NULL);
	/* An older lvsagent's file (no end line promised) still reads. */
	{
		char path[300];
		FILE *out;
		snprintf(path, sizeof(path), "%s/director.drained", dir);
		out = fopen(path, "w");
		fputs("# lvsagent director drain: real servers out of rotation until undrained.\n"
		      "web 10.10.10.11:80\nweb 10.10.10.12:80\n", out);
		fclose(out);
		load_drains(dir, 0, NULL);
	}
	drain_set(&drains, "web", &cfg->services[0].svc.dests[0].addr, 80, false);
	drain_set(&drains, "web", &cfg->services[0].svc.dests[1].addr, 80, false);
	assert_int_equal(drain_save(dir, &drains), 0);	/* none left: the file goes */
	assert_int_equal(rmdir(dir), 0);
	drain_free(&drains);
	release_config(&p);
}

static void load_health(const char *dir, int want_err, void *arg)
{
	const struct director_config *cfg = arg;
	struct health back = { 0 };

	assert_int_equal(health_file_load(dir, cfg, &back), want_err);
	if (want_err) {
		assert_null(back.services);
		return;
	}
	assert_int_equal(health_of(&back.services[0].dests[1]), HEALTH_DRAINED);
	health_free(&back);
}

/* The published health cut short: refused, status falls back. */
static void test_health_file_cut_short(void **state)
{
	struct parsed p;
	const struct director_config *cfg = parse_two(&p);
	char dir[] = "/tmp/lvsagent-unit-health.XXXXXX", path[300];
	struct health h;

	(void)state;
	assert_non_null(mkdtemp(dir));
	some_health(cfg, &h);
	assert_int_equal(health_file_save(dir, cfg, &h), 0);
	cut_at_every_length(dir, "director.health", load_health, (void *)cfg);
	snprintf(path, sizeof(path), "%s/director.health", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	health_free(&h);
	release_config(&p);
}

static void test_metrics(void **state)
{
	struct parsed p;
	const struct director_config *cfg = parse_two(&p);
	struct health h;
	char *text;

	(void)state;
	some_health(cfg, &h);
	text = metrics_format(cfg, &h);
	assert_non_null(strstr(text, "# TYPE lvsagent_director_realserver_up gauge\n"));
	assert_non_null(strstr(text, "lvsagent_director_realserver_up{service=\"web\","
				     "virtual=\"tcp 192.0.2.1:80\",realserver=\"10.10.10.11:80\"} 1\n"));
	assert_non_null(strstr(text, "lvsagent_director_realserver_up{service=\"web\","
				     "virtual=\"tcp 192.0.2.1:80\",realserver=\"10.10.10.12:80\"} 0\n"));
	assert_non_null(strstr(text, "realserver=\"10.10.10.12:80\",health=\"drained\"} 1\n"));
	assert_non_null(strstr(text, "lvsagent_director_realserver_weight{service=\"web\","
				     "virtual=\"tcp 192.0.2.1:80\",realserver=\"10.10.10.11:80\"} 3\n"));
	assert_non_null(strstr(text, "realserver=\"10.10.10.11:80\"} 0.000420\n"));
	assert_non_null(strstr(text, "lvsagent_director_service_realservers_up{service=\"web\","
				     "virtual=\"tcp 192.0.2.1:80\"} 1\n"));
	free(text);
	health_free(&h);
	release_config(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drain_find),
		cmocka_unit_test(test_drain_effective),
		cmocka_unit_test(test_health_file_round_trip),
		cmocka_unit_test(test_health_file_other_config),
		cmocka_unit_test(test_drain_file_cut_short),
		cmocka_unit_test(test_health_file_cut_short),
		cmocka_unit_test(test_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
