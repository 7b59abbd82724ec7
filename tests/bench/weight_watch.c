/* weight_watch: how long a health checker takes to take dead real servers
 * out of rotation, seen from the IPVS table, whoever the checker is. Waits
 * until every ADDRESS is a real server with a weight above 0 (of any
 * service, any port), runs COMMAND (/bin/sh -c: it kills them), then reads
 * the table every POLL_MS until each has weight 0 or is gone. Prints one
 * line per address, "down ADDRESS MS MS_END LOW" (MS: from just before
 * COMMAND started to the end of the first read that saw it down, an upper
 * bound; MS_END the same from COMMAND's end; LOW from COMMAND's start to
 * the start of the read before, which still saw it up: a lower bound),
 * then
 *   kill     COMMAND's milliseconds, and when it started (CLOCK_REALTIME
 *            seconds, to compare with a daemon's log timestamps)
 *   poll     N reads, every P ms on average, each taking D ms
 * Exit 1 when they are not all up within TIMEOUT_S, or not all down within
 * TIMEOUT_S of COMMAND.
 * -f FAST_MS: from FAST_MS after COMMAND started, read again as long after
 * each read as it took (a read of 1000 real servers takes ~25 ms under
 * TCG): the bounds are then two reads apart where the weight 0 is
 * expected, without a CPU spent on reading for the whole of the wait.
 *   usage: weight_watch [-f FAST_MS] POLL_MS TIMEOUT_S COMMAND ADDRESS... */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/ipvs_kernel.h"
#include "lib/xalloc.h"

enum seen { ABSENT, DOWN, UP };

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sleep_until(uint64_t at_us)
{
	struct timespec ts = { .tv_sec = (time_t)(at_us / 1000000u),
			       .tv_nsec = (long)(at_us % 1000000u) * 1000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

/* What the table says of each of the COUNT addresses, in STATE. */
static int read_table(struct ipvs_conn *conn, const struct ipaddr *addrs, size_t count,
		      enum seen *state)
{
	struct ipvs_table table, gone;
	int err = ipvs_dump(conn, &table, &gone);

	if (err) {
		fprintf(stderr, "weight_watch: reading IPVS: %s\n", strerror(-err));
		return -1;
	}
	for (size_t k = 0; k < count; k++)
		state[k] = ABSENT;
	for (size_t i = 0; i < table.count; i++) {
		const struct ipvs_service *svc = &table.services[i];

		for (size_t j = 0; j < svc->dest_count; j++)
			for (size_t k = 0; k < count; k++)
				if (ipaddr_equal(&svc->dests[j].addr, &addrs[k]))
					state[k] = svc->dests[j].weight ? UP : DOWN;
	}
	ipvs_table_free(&table);
	ipvs_table_free(&gone);
	return 0;
}

int main(int argc, char **argv)
{
	struct ipvs_conn conn;
	struct ipaddr *addrs;
	enum seen *state;
	uint64_t *down_at, *low_at, poll_us, timeout_us, fast_us = UINT64_MAX, t0, t1, spent = 0;
	uint64_t last_start;
	size_t count, left, reads = 0;
	bool all_up = false;
	struct timespec wall;
	const char *why;
	int err;

	if (argc > 2 && strcmp(argv[1], "-f") == 0) {
		fast_us = (uint64_t)atoi(argv[2]) * 1000u;
		argv += 2;
		argc -= 2;
	}
	if (argc < 5 || atoi(argv[1]) <= 0 || atoi(argv[2]) <= 0) {
		fputs("usage: weight_watch [-f FAST_MS] POLL_MS TIMEOUT_S COMMAND ADDRESS...\n",
		      stderr);
		return 2;
	}
	poll_us = (uint64_t)atoi(argv[1]) * 1000u;
	timeout_us = (uint64_t)atoi(argv[2]) * 1000000u;
	count = (size_t)argc - 4;
	addrs = xcalloc(count, sizeof(*addrs));
	state = xcalloc(count, sizeof(*state));
	down_at = xcalloc(count, sizeof(*down_at));
	low_at = xcalloc(count, sizeof(*low_at));
	for (size_t k = 0; k < count; k++)
		if (ipaddr_parse(argv[4 + k], &addrs[k], &why) < 0) {
			fprintf(stderr, "weight_watch: %s: %s\n", argv[4 + k], why);
			return 2;
		}
	if ((err = ipvs_open(&conn))) {
		fprintf(stderr, "weight_watch: %s\n", strerror(-err));
		return 1;
	}
	for (uint64_t end = now_us() + timeout_us; !all_up && now_us() < end;) {
		if (read_table(&conn, addrs, count, state) < 0)
			return 1;
		all_up = true;
		for (size_t k = 0; k < count; k++)
			all_up = all_up && state[k] == UP;
		if (!all_up)
			sleep_until(now_us() + 100000u);
	}
	if (!all_up) {
		for (size_t k = 0; k < count; k++)
			if (state[k] != UP)
				fprintf(stderr, "weight_watch: %s is not up\n", argv[4 + k]);
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &wall);
	t0 = now_us();
	if (system(argv[3]) != 0)
		fprintf(stderr, "weight_watch: %s failed\n", argv[3]);
	t1 = now_us();
	left = count;
	last_start = t0;
	for (uint64_t next = t1; left && now_us() < t0 + timeout_us; next += poll_us) {
		uint64_t start, done;

		sleep_until(next);
		start = now_us();
		if (read_table(&conn, addrs, count, state) < 0)
			return 1;
		done = now_us();
		spent += done - start;
		reads++;
		for (size_t k = 0; k < count; k++)
			if (!down_at[k] && state[k] != UP) {
				down_at[k] = done;
				low_at[k] = last_start;
				left--;
			}
		last_start = start;
		if (next < start)	/* a read longer than the period: no burst */
			next = start;
		/* Fast: the next read as long after this one as it took — half a
		 * CPU, not all of one, which would starve the daemon measured. */
		if (done >= t0 + fast_us)
			next = 2 * done - start - poll_us;
	}
	for (size_t k = 0; k < count; k++)
		if (down_at[k])
			printf("down %s %.1f %.1f %.1f\n", argv[4 + k],
			       (double)(down_at[k] - t0) / 1000.0, (double)(down_at[k] - t1) / 1000.0,
			       (double)(low_at[k] - t0) / 1000.0);
		else
			printf("still up %s\n", argv[4 + k]);
	printf("kill     %.1f ms, from %lld.%06ld\n", (double)(t1 - t0) / 1000.0,
	       (long long)wall.tv_sec, wall.tv_nsec / 1000);
	printf("poll     %zu reads, every %.1f ms on average, each taking %.1f ms\n", reads,
	       reads > 1 ? (double)(now_us() - t1) / 1000.0 / (double)reads : 0.0,
	       reads ? (double)spent / 1000.0 / (double)reads : 0.0);
	ipvs_close(&conn);
	free(addrs);
	free(state);
	free(down_at);
	free(low_at);
	return left ? 1 : 0;
}
