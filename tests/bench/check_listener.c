/* check_listener: the real servers' side of a health-check benchmark. One
 * listener on 0.0.0.0:PORT (every address of the host) notes when each
 * connection came (CLOCK_MONOTONIC, at the accept) and to which of the
 * host's addresses (getsockname). Whoever checks, lvsagent or keepalived,
 * is seen the same way: from the arrivals at each address, how far apart a
 * checker's consecutive checks of it really are, against the configured
 * INTERVAL_MS.
 *   usage: check_listener PORT INTERVAL_MS [http | https CERT KEY]
 * Without a protocol each connection is closed at once (a TCP check). With
 * http it reads the request (to its empty line) and answers
 * "HTTP/1.0 200 OK" with a 3-byte body, then closes; https does the same
 * inside TLS (OpenSSL, the certificate and key in PEM files), ending with
 * a close_notify. The answers are served from one epoll loop, every
 * connection non-blocking, so a slow client does not delay the arrivals
 * of the others.
 * SIGUSR1 starts a window (forgets what came before), SIGUSR2 prints the
 * window's figures on stdout (and starts a new one), SIGTERM or SIGINT
 * ends it. Printed, for the arrivals of the window:
 *   arrivals N at A addresses in S s (R/s)
 *   gap      actual interval minus INTERVAL_MS over every pair of
 *            consecutive arrivals at one address: p1, p50, p99, max (ms)
 *   skipped  gaps over 1.5 intervals (a round missed, or a check failed)
 *   answered (http, https) responses sent whole, and connections that
 *            ended before theirs (the client gave up, or TLS failed)
 *   slip     per address, (last - first) - (arrivals - 1) * INTERVAL_MS
 *            divided by (arrivals - 1): how much later than the grid each
 *            round comes on average, p50 and p99 over the addresses (ms)
 * The time is taken when accept(2) returns, a little after the handshake
 * completed: the listener's own wake-up latency is in every figure, for
 * every checker alike. IPv4 only (the benchmark's addresses are). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

struct arrival {
	uint32_t addr;			/* host order */
	uint64_t at_us;
};

/* One connection being answered (http, https). */
struct conn {
	int fd;
	SSL *ssl;			/* https */
	uint32_t last4;			/* the request's last 4 bytes: its end is \r\n\r\n */
	bool requested;			/* the request came whole */
	size_t sent;			/* of the answer (http) */
	uint32_t events;		/* what epoll waits for */
};

/* The window's answers: sent whole, and connections that ended first. */
struct tally {
	size_t answered, dropped;
};

static const char answer[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
			     "Content-Length: 3\r\nConnection: close\r\n\r\nOK\n";

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

static void report(struct arrival *a, size_t n, uint64_t since, uint64_t interval_us,
		   const struct tally *tally)
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
	if (tally)
		printf("answered %zu, %zu ended before their answer\n", tally->answered,
		       tally->dropped);
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

static SSL_CTX *tls_context(const char *cert, const char *key)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		fputs("check_listener: cannot load the certificate and key:\n", stderr);
		ERR_print_errors_fp(stderr);
		exit(1);
	}
	return ctx;
}

static void conn_end(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	SSL_free(c->ssl);
	close(c->fd);
	free(c);
}

/* What a read or write that did not complete means: wait for EVENTS (>0),
 * or the connection is over (0). */
static uint32_t would_block(struct conn *c, int n)
{
	if (c->ssl) {
		int err = SSL_get_error(c->ssl, n);

		return err == SSL_ERROR_WANT_READ    ? EPOLLIN
		       : err == SSL_ERROR_WANT_WRITE ? EPOLLOUT
						     : 0;
	}
	return n < 0 && (errno == EAGAIN || errno == EINTR) ? (uint32_t)EPOLLIN : 0;
}

/* One step of answering C, as far as its socket lets it go: the request
 * read to its empty line (over TLS the first read does the handshake),
 * then the answer. Returns true when C is over (answered or not). */
static bool serve(int ep, struct conn *c, struct tally *tally)
{
	char buf[2048];
	uint32_t want;
	int n;

	while (!c->requested) {
		n = c->ssl ? SSL_read(c->ssl, buf, sizeof(buf)) : (int)read(c->fd, buf, sizeof(buf));
		if (n <= 0)
			goto blocked;
		for (int i = 0; i < n && !c->requested; i++) {
			c->last4 = c->last4 << 8 | (unsigned char)buf[i];
			c->requested = c->last4 == 0x0d0a0d0a;
		}
	}
	if (c->ssl) {
		/* SSL_write sends the whole answer or, blocked, is repeated. */
		n = SSL_write(c->ssl, answer, sizeof(answer) - 1);
		if (n <= 0)
			goto blocked;
		SSL_shutdown(c->ssl);	/* our close_notify; theirs is not awaited */
	} else {
		while (c->sent < sizeof(answer) - 1) {
			n = (int)write(c->fd, answer + c->sent, sizeof(answer) - 1 - c->sent);
			if (n <= 0) {
				want = n < 0 && errno == EAGAIN ? EPOLLOUT : 0;
				goto wait;
			}
			c->sent += (size_t)n;
		}
	}
	tally->answered++;
	return true;
blocked:
	want = would_block(c, n);
wait:
	if (!want) {
		ERR_clear_error();
		tally->dropped++;
		return true;
	}
	if (want != c->events) {
		struct epoll_event ev = { .events = want, .data.ptr = c };

		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
		c->events = want;
	}
	return false;
}

/* Every connection waiting on the listener: noted, then closed (TCP) or
 * answered as far as it goes now. */
static void accept_all(int fd, int ep, SSL_CTX *tls, bool answering, struct arrival **arrivals,
		       size_t *count, size_t *capacity, struct tally *tally)
{
	struct sockaddr_in local;
	socklen_t len;
	int conn;

	while ((conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		uint64_t at = now_us();
		struct conn *c;
		struct epoll_event ev;

		len = sizeof(local);
		if (getsockname(conn, (struct sockaddr *)&local, &len) == 0 &&
		    local.sin_family == AF_INET) {
			XGROW(*arrivals, *count, *capacity);
			(*arrivals)[(*count)++] = (struct arrival){ ntohl(local.sin_addr.s_addr),
								    at };
		}
		if (!answering) {
			close(conn);
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->fd = conn;
		c->events = EPOLLIN;
		if (tls && (!(c->ssl = SSL_new(tls)) || SSL_set_fd(c->ssl, conn) != 1)) {
			fputs("check_listener: SSL_new failed\n", stderr);
			exit(1);
		}
		if (tls)
			SSL_set_accept_state(c->ssl);
		ev = (struct epoll_event){ .events = EPOLLIN, .data.ptr = c };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, conn, &ev) < 0) {
			perror("check_listener: epoll_ctl");
			exit(1);
		}
		if (serve(ep, c, tally))
			conn_end(ep, c);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct arrival *arrivals = NULL;
	size_t count = 0, capacity = 0;
	struct tally tally = { 0 };
	sigset_t block, during_poll;
	uint64_t since, interval_us;
	bool answering = argc >= 4;
	SSL_CTX *tls = NULL;
	int fd, ep;

	if ((argc != 3 && !(argc == 4 && strcmp(argv[3], "http") == 0) &&
	     !(argc == 6 && strcmp(argv[3], "https") == 0)) ||
	    atoi(argv[1]) <= 0 || atol(argv[2]) <= 0) {
		fputs("usage: check_listener PORT INTERVAL_MS [http | https CERT KEY]\n", stderr);
		return 2;
	}
	interval_us = (uint64_t)atol(argv[2]) * 1000u;
	if (argc == 6)
		tls = tls_context(argv[4], argv[5]);
	/* A client's reset must not kill the listener mid-write. */
	signal(SIGPIPE, SIG_IGN);
	fd = listen_on(atoi(argv[1]));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd,
				&(struct epoll_event){ .events = EPOLLIN, .data.ptr = NULL }) < 0) {
		perror("check_listener: epoll");
		return 1;
	}
	/* The signals are let in only while epoll waits: none is lost. */
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
		struct epoll_event events[64];
		int n = epoll_pwait(ep, events, 64, -1, &during_poll);

		if (n < 0 && errno != EINTR) {
			perror("check_listener: epoll_pwait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;

			if (!c)
				accept_all(fd, ep, tls, answering, &arrivals, &count, &capacity,
					   &tally);
			else if (serve(ep, c, &tally))
				conn_end(ep, c);
		}
		if (got_report) {
			got_report = 0;
			report(arrivals, count, since, interval_us, answering ? &tally : NULL);
			got_start = 1;
		}
		if (got_start) {
			got_start = 0;
			count = 0;
			tally = (struct tally){ 0 };
			since = now_us();
		}
	}
	free(arrivals);
	SSL_CTX_free(tls);
	return 0;
}
