/* director_cpu: the user-space part of `lvsagent director apply`, without a
 * kernel: read the configuration, plan it against an empty IPVS table,
 * encode every request, report the changes (to /dev/null), record what is
 * owned. Prints the milliseconds of each step, for profiling on a host
 * without IPVS (valgrind --tool=callgrind works on it too).
 *   usage: director_cpu CONFIG [ROUNDS] */
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/config.h"
#include "director/config.h"
#include "director/plan.h"
#include "director/report.h"
#include "director/state.h"
#include "kernel/ipvs_kernel.h"

/* The director's part alone: the benchmark's files have nothing else. */
static const struct config_part *const parts[] = { &director_config_part };
static const struct config_schema schema = { parts, 1 };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Encode every IPVS request of PLAN into one reused message. */
static size_t encode(const struct dir_plan *plan)
{
	struct nl_msg *msg = nlmsg_alloc();
	size_t bytes = 0;

	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		struct ipvs_request request = {
			.op = item->kind == DIR_SERVICE ? IPVS_OP_NEW_SERVICE : IPVS_OP_NEW_DEST,
			.service = item->want, .dest = item->want_dest,
		};
		if ((item->kind == DIR_SERVICE || item->kind == DIR_DEST) &&
		    ipvs_fill_request(msg, 1, &request) == 0)
			bytes += nlmsg_hdr(msg)->nlmsg_len;
	}
	nlmsg_free(msg);
	return bytes;
}

static void one_round(const char *path, FILE *sink)
{
	struct report_options report = { .verb = "director apply" };
	struct netdevs net = { 0 };
	struct dir_host host = { .net = &net, .forwarding = { 0, 0 } };
	struct ipvs_table empty = { 0 };
	struct dir_owned owned, after;
	struct diag diag = { 0 };
	struct dir_plan plan;
	struct config cfg;
	double t[6];
	size_t bytes;

	dir_owned_init(&owned);
	t[0] = now_ms();
	if (config_load(path, &schema, &cfg, &diag) < 0) {
		diag_print(&diag);
		exit(2);
	}
	t[1] = now_ms();
	director_plan_apply(director_config_of(&cfg), &empty, &owned, &host, &plan);
	t[2] = now_ms();
	bytes = encode(&plan);
	t[3] = now_ms();
	for (size_t i = 0; i < plan.count; i++)
		plan.items[i].done = true;
	director_report(sink, &plan, &report);
	t[4] = now_ms();
	director_owned_after(&plan, &owned, &after);
	free(dir_state_format(&after));
	t[5] = now_ms();
	printf("config %.2f  plan %.2f  encode %.2f (%zu bytes)  report %.2f  state %.2f  "
	       "total %.2f ms\n", t[1] - t[0], t[2] - t[1], t[3] - t[2], bytes, t[4] - t[3],
	       t[5] - t[4], t[5] - t[0]);
	dir_plan_free(&plan);
	dir_owned_free(&after);
	dir_owned_free(&owned);
	config_free(&cfg);
	diag_free(&diag);
}

int main(int argc, char **argv)
{
	FILE *sink = fopen("/dev/null", "w");
	int rounds = argc > 2 ? atoi(argv[2]) : 1;

	if (argc < 2 || !sink) {
		fputs("usage: director_cpu CONFIG [ROUNDS]\n", stderr);
		return 2;
	}
	for (int i = 0; i < rounds; i++)
		one_round(argv[1], sink);
	fclose(sink);
	return 0;
}
