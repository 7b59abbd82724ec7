/* checker_load: what the director's TCP checks cost. Checks COUNT targets
 * every INTERVAL_MS for SECONDS with the agent's checker and one epoll
 * loop, as the daemon would, then prints the results a second, the CPU
 * seconds and peak RSS of the whole process, the checks' latency and the
 * schedule's drift: how late each check started (its result's arrival
 * less its latency) after its place on the grid. The grid is the one
 * checker_set promises for checks of one interval: the K-th of COUNT due
 * at K * INTERVAL / COUNT from the start, then every INTERVAL; a round
 * that never started counts as skipped.
 *   usage: checker_load COUNT INTERVAL_MS TIMEOUT_MS SECONDS HOST PORT...
 * HOST is the first target's address, the next ones counting up from it
 * (10.1.0.1, 10.1.0.2, ...), or a comma-separated list used in turn; the
 * targets take the PORTs in turn too. Against loopback: 127.0.0.1 and
 * COUNT up to 16 million all reach this host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "director/checker.h"
#include "lib/xalloc.h"

struct load {
	struct checker *checker;
	uint64_t start_us, interval_us;
	size_t count;
	size_t *rounds;			/* per target: rounds counted so far */
	int64_t *drifts, *latencies;	/* one per result, in microseconds */
	size_t results, capacity, latency_capacity, passed, skipped;
	char first_failure[128];
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Check ID's round ROUND of the grid, as checker_set spreads it. */
static uint64_t planned(const struct load *l, size_t id, uint64_t round)
{
	return l->start_us + l->interval_us * id / l->count + round * l->interval_us;
}

/* The round nearest to START, and how far from it START is. */
static int64_t drift_of(const struct load *l, size_t id, uint64_t start, uint64_t *round)
{
	uint64_t first = planned(l, id, 0);

	*round = start > first ? (start - first + l->interval_us / 2) / l->interval_us : 0;
	return (int64_t)start - (int64_t)planned(l, id, *round);
}

static void on_done(void *user, size_t id, bool passed, const char *text, uint32_t latency_us)
{
	struct load *l = user;
	uint64_t round;
	int64_t drift = drift_of(l, id, now_us() - latency_us, &round);

	if (round > l->rounds[id])
		l->skipped += round - l->rounds[id];
	l->rounds[id] = round + 1;
	XGROW(l->drifts, l->results, l->capacity);
	l->drifts[l->results] = drift;
	XGROW(l->latencies, l->results, l->latency_capacity);
	l->latencies[l->results++] = latency_us;
	if (passed)
		l->passed++;
	else if (!l->first_failure[0])
		snprintf(l->first_failure, sizeof(l->first_failure), "%s", text);
}

/* --- targets ----------------------------------------------------------------- */

/* BASE plus N, the address read as one big-endian number. */
static struct ipaddr address_plus(const struct ipaddr *base, size_t n)
{
	struct ipaddr addr = *base;
	unsigned len = ipaddr_len(base);

	for (unsigned i = len; i-- > 0 && n;) {
		n += addr.bytes[i];
		addr.bytes[i] = (uint8_t)n;
		n >>= 8;
	}
	return addr;
}

static void parse_address(const char *text, struct ipaddr *out)
{
	const char *why;

	if (ipaddr_parse(text, out, &why) < 0) {
		fprintf(stderr, "checker_load: %s: %s\n", text, why);
		exit(2);
	}
}

/* The addresses of HOSTS (see the usage), in *COUNT. */
static struct ipaddr *parse_hosts(const char *hosts, size_t *count)
{
	char *list = xstrdup(hosts), *save = NULL;
	struct ipaddr *addrs = NULL;
	size_t capacity = 0;

	*count = 0;
	for (char *one = strtok_r(list, ",", &save); one; one = strtok_r(NULL, ",", &save)) {
		XGROW(addrs, *count, capacity);
		parse_address(one, &addrs[(*count)++]);
	}
	free(list);
	return addrs;
}

static struct check_spec *make_specs(size_t count, uint32_t interval_ms, uint32_t timeout_ms,
				     const char *hosts, char **ports, size_t port_count)
{
	struct check_spec *specs = xcalloc(count, sizeof(*specs));
	size_t host_count;
	struct ipaddr *addrs = parse_hosts(hosts, &host_count);

	for (size_t i = 0; i < count; i++) {
		specs[i] = (struct check_spec){
			.kind = CHECK_TCP, .port = (uint16_t)atoi(ports[i % port_count]),
			.interval_ms = interval_ms, .timeout_ms = timeout_ms,
			.addr = host_count == 1 ? address_plus(&addrs[0], i)
						: addrs[i % host_count],
		};
	}
	free(addrs);
	return specs;
}

/* --- the run --------------------------------------------------------------------- */

/* Room for a socket per target and more: the soft limit is often 1024. */
static void raise_fd_limit(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}

static void run(struct load *l, int epoll_fd, uint64_t seconds)
{
	uint64_t end = l->start_us + seconds * 1000000u;

	for (uint64_t now = now_us(); now < end; now = now_us()) {
		struct epoll_event events[64];
		int n = epoll_wait(epoll_fd, events, 64, (int)((end - now + 999) / 1000));

		if (n < 0 && errno != EINTR) {
			perror("checker_load: epoll_wait");
			exit(1);
		}
		for (int i = 0; i < n; i++)
			checker_handle(l->checker, &events[i]);
	}
}

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The P-th percentile of the COUNT values of V, sorted here. */
static int64_t percentile(int64_t *v, size_t count, unsigned p)
{
	if (!count)
		return 0;
	qsort(v, count, sizeof(*v), cmp_int64);
	return v[count * p / 100 < count ? count * p / 100 : count - 1];
}

static void print_spread(const char *what, int64_t *v, size_t count)
{
	long long p50 = percentile(v, count, 50), p99 = percentile(v, count, 99);

	printf("%-8s p50 %lld us, p99 %lld us, max %lld us\n", what, p50, p99,
	       count ? (long long)v[count - 1] : 0);
}

static void print(struct load *l, double seconds)
{
	struct rusage usage;
	size_t n = l->results;

	getrusage(RUSAGE_SELF, &usage);
	printf("results  %zu in %.2f s: %.1f/s, %zu passed, %zu skipped rounds\n", n, seconds,
	       (double)n / seconds, l->passed, l->skipped);
	if (l->first_failure[0])
		printf("failure  %s (the first)\n", l->first_failure);
	printf("cpu      %.3f s (user %.3f, sys %.3f)\n",
	       (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
	       (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6,
	       (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6,
	       (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6);
	printf("rss      %ld KiB at the peak\n", usage.ru_maxrss);
	print_spread("latency", l->latencies, n);
	print_spread("drift", l->drifts, n);
}

int main(int argc, char **argv)
{
	struct load l = { 0 };
	struct check_spec *specs;
	int epoll_fd = epoll_create1(EPOLL_CLOEXEC);

	if (argc < 7 || atol(argv[1]) <= 0 || atol(argv[2]) <= 0 || atol(argv[4]) <= 0) {
		fputs("usage: checker_load COUNT INTERVAL_MS TIMEOUT_MS SECONDS HOST PORT...\n",
		      stderr);
		return 2;
	}
	raise_fd_limit();
	l.count = (size_t)atol(argv[1]);
	l.interval_us = (uint64_t)atol(argv[2]) * 1000u;
	l.rounds = xcalloc(l.count, sizeof(*l.rounds));
	specs = make_specs(l.count, (uint32_t)atol(argv[2]), (uint32_t)atol(argv[3]), argv[5],
			   argv + 6, (size_t)(argc - 6));
	l.checker = checker_new(epoll_fd, on_done, &l);
	if (!l.checker) {
		perror("checker_load: checker_new");
		return 1;
	}
	l.start_us = now_us();
	checker_set(l.checker, specs, l.count);
	run(&l, epoll_fd, (uint64_t)atol(argv[4]));
	print(&l, (double)(now_us() - l.start_us) / 1e6);
	checker_free(l.checker);
	free(specs);
	free(l.rounds);
	free(l.drifts);
	free(l.latencies);
	return 0;
}
