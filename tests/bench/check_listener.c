/* check_listener: the real servers' side of a health-check benchmark. One
 * listener on 0.0.0.0:PORT (every address of the host) accepts and closes
 * each connection at once, noting when it came (CLOCK_MONOTONIC, at the
 * accept) and to which of the host's addresses (getsockname). Whoever
 * checks, lvsagent or keepalived, is seen the same way: from the arrivals
 * at each address, how far apart a checker's consecutive checks of it
 * really are, against the configured INTERVAL_MS.
 *   usage: check_listener PORT INTERVAL_MS
 * SIGUSR1 starts a window (forgets what came before), SIGUSR2 prints the
 * window's figures on stdout (and starts a new one), SIGTERM or SIGINT
 * ends it. Printed, for the arrivals of the window:
 *   arrivals N at A addresses in S s (R/s)
 *   gap      actual interval minus INTERVAL_MS over every pair of
 *            consecutive arrivals at one address: p1, p50, p99, max (ms)
 *   skipped  gaps over 1.5 intervals (a round missed, or a check failed)
 *   slip     per address, (last - first) - (arrivals - 1) * INTERVAL_MS
 *            divided by (arrivals - 1): how much later than the grid each
 *            round comes on average, p50 and p99 over the addresses (ms)
 * The time is taken when accept(2) returns, a little after the handshake
 * completed: the listener's own wake-up latency is in every figure, for
 * every checker alike. IPv4 only (the benchmark's addresses are). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

struct arrival {
	uint32_t addr;			/* host order */
	uint64_t at_us;
};

static volatile sig_atomic_t got_start, got_report, got_stop;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_start = 1;
	else if (sig == SIGUSR2)
		got_report = 1;
	else
		got_stop = 1;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int cmp_arrival(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->at_us > y->at_us) - (x->at_us < y->at_us);
}

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The P-th percentile (nearest rank) of V's COUNT values, sorted. */
static double pct_ms(const int64_t *v, size_t count, unsigned p)
{
	size_t rank;

	if (!count)
		return 0;
	rank = (count * p + 99) / 100;
	return (double)v[rank ? rank - 1 : 0] / 1000.0;
}

static void report(struct arrival *a, size_t n, uint64_t since, uint64_t interval_us)
{
	int64_t *gaps = xcalloc(n ? n : 1, sizeof(*gaps));
	int64_t *slips = xcalloc(n ? n : 1, sizeof(*slips));
	size_t gap_count = 0, slip_count = 0, skipped = 0, addresses = 0;
	double seconds = (double)(now_us() - since) / 1e6;

	qsort(a, n, sizeof(*a), cmp_arrival);
	for (size_t first = 0, end; first < n; first = end) {
		size_t counted = 0;

		for (end = first; end < n && a[end].addr == a[first].addr;)
			end++;
		addresses++;
		for (size_t i = first + 1; i < end; i++) {
			int64_t gap = (int64_t)(a[i].at_us - a[i - 1].at_us);

			if ((uint64_t)gap * 2 > interval_us * 3) {
				skipped++;
				continue;
			}
			gaps[gap_count++] = gap - (int64_t)interval_us;
			counted++;
		}
		if (counted && counted == end - first - 1)
			slips[slip_count++] = ((int64_t)(a[end - 1].at_us - a[first].at_us) -
					       (int64_t)(counted * interval_us)) / (int64_t)counted;
	}
	qsort(gaps, gap_count, sizeof(*gaps), cmp_int64);
	qsort(slips, slip_count, sizeof(*slips), cmp_int64);
	printf("arrivals %zu at %zu addresses in %.1f s (%.1f/s)\n", n, addresses, seconds,
	       seconds > 0 ? (double)n / seconds : 0.0);
	printf("gap      p1 %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu gaps)\n",
	       pct_ms(gaps, gap_count, 1), pct_ms(gaps, gap_count, 50),
	       pct_ms(gaps, gap_count, 99), pct_ms(gaps, gap_count, 100), gap_count);
	printf("skipped  %zu\n", skipped);
	printf("slip     p50 %.2f ms, p99 %.2f ms per round (%zu addresses)\n",
	       pct_ms(slips, slip_count, 50), pct_ms(slips, slip_count, 99), slip_count);
	fflush(stdout);
	free(gaps);
	free(slips);
}

static int listen_on(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				   .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 4096) < 0) {
		perror("check_listener");
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct arrival *arrivals = NULL;
	size_t count = 0, capacity = 0;
	sigset_t block, during_poll;
	uint64_t since, interval_us;
	int fd;

	if (argc != 3 || atoi(argv[1]) <= 0 || atol(argv[2]) <= 0) {
		fputs("usage: check_listener PORT INTERVAL_MS\n", stderr);
		return 2;
	}
	interval_us = (uint64_t)atol(argv[2]) * 1000u;
	fd = listen_on(atoi(argv[1]));
	/* The signals are let in only while ppoll waits: none is lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &during_poll);
	sigdelset(&during_poll, SIGUSR1);
	sigdelset(&during_poll, SIGUSR2);
	sigdelset(&during_poll, SIGTERM);
	sigdelset(&during_poll, SIGINT);
	for (int i = 0; i < 4; i++)
		sigaction(i == 0 ? SIGUSR1 : i == 1 ? SIGUSR2 : i == 2 ? SIGTERM : SIGINT, &sa,
			  NULL);
	since = now_us();
	while (!got_stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_in local;
		socklen_t len;
		int conn;

		if (ppoll(&pfd, 1, NULL, &during_poll) < 0 && errno != EINTR) {
			perror("check_listener: ppoll");
			return 1;
		}
		while ((conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
			uint64_t at = now_us();

			len = sizeof(local);
			if (getsockname(conn, (struct sockaddr *)&local, &len) == 0 &&
			    local.sin_family == AF_INET) {
				XGROW(arrivals, count, capacity);
				arrivals[count++] = (struct arrival){ ntohl(local.sin_addr.s_addr),
								      at };
			}
			close(conn);
		}
		if (got_report) {
			got_report = 0;
			report(arrivals, count, since, interval_us);
			got_start = 1;
		}
		if (got_start) {
			got_start = 0;
			count = 0;
			since = now_us();
		}
	}
	free(arrivals);
	return 0;
}
