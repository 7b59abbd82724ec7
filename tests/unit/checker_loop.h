/* What the checker's and the probes' tests share: the clock, loopback
 * sockets and a loop dispatching the checker's events (and the test's). Static inline: each test file uses
 * some of them. */
#ifndef LVSAGENT_TEST_CHECKER_LOOP_H
#define LVSAGENT_TEST_CHECKER_LOOP_H

#include "unit.h"

#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#include "director/checker.h"
#include "lib/ipaddr.h"

static inline uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

static inline struct ipaddr loopback(int family)
{
	struct ipaddr addr = { .family = (uint8_t)family };

	if (family == AF_INET)
		addr.v4.s_addr = htonl(INADDR_LOOPBACK);
	else
		addr.v6 = in6addr_loopback;
	return addr;
}

/* 127.0.0.1 or ::1, port PORT, into OUT; its length. */
static inline socklen_t sockaddr_of(int family, uint16_t port, struct sockaddr_storage *out)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
	struct sockaddr_in *in = (struct sockaddr_in *)out;

	memset(out, 0, sizeof(*out));
	if (family == AF_INET6) {
		*in6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_port = htons(port),
					      .sin6_addr = in6addr_loopback };
		return sizeof(*in6);
	}
	*in = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return sizeof(*in);
}

/* A socket of TYPE (SOCK_STREAM, SOCK_DGRAM) bound to a free loopback
 * port, its port in *PORT. */
static inline int loopback_socket(int family, int type, uint16_t *port)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	struct sockaddr_storage addr;
	socklen_t len = sockaddr_of(family, 0, &addr);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, len), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	*port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
					 : ((struct sockaddr_in *)&addr)->sin_port);
	return fd;
}

/* A TCP socket bound to a free loopback port; BACKLOG < 0: not listening,
 * so connecting to it is refused. Its port in *PORT. */
static inline int loopback_bound(int family, int backlog, uint16_t *port)
{
	int fd = loopback_socket(family, SOCK_STREAM, port);

	if (backlog >= 0)
		assert_int_equal(listen(fd, backlog), 0);
	return fd;
}

/* A new epoll instance in *EPOLL_FD and a checker on it reporting to
 * DONE(USER, ...); the test fails if either cannot be made. */
static inline void checker_loop_open(int *epoll_fd, struct checker **checker, check_done done,
				     void *user)
{
	*epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(*epoll_fd >= 0);
	*checker = checker_new(*epoll_fd, done, user);
	assert_non_null(*checker);
}

/* An event of the test's own descriptors (registered without
 * CHECKER_EPOLL_TAG, as the daemon's are), for USER. */
typedef void (*loop_other)(void *user, const struct epoll_event *event);

/* Dispatch C's events on EPOLL_FD — and the test's own to OTHER (NULL:
 * there must be none) — until *COUNT (the results so far, as the test's
 * check_done counts them) reaches WANT, or MS pass. */
static inline void pump_loop(int epoll_fd, struct checker *c, const size_t *count, size_t want,
			     int ms, loop_other other, void *user)
{
	uint64_t end = now_us() + (uint64_t)ms * 1000u;

	for (uint64_t now = now_us(); *count < want && now < end; now = now_us()) {
		struct epoll_event events[16];
		int n = epoll_wait(epoll_fd, events, 16, (int)((end - now + 999) / 1000));

		for (int i = 0; i < n; i++) {
			if (events[i].data.u64 & CHECKER_EPOLL_TAG)
				checker_handle(c, &events[i]);
			else if (other)
				other(user, &events[i]);
			else
				fail_msg("an event that is not the checker's");
		}
	}
}

static inline void pump_checker(int epoll_fd, struct checker *c, const size_t *count,
				size_t want, int ms)
{
	pump_loop(epoll_fd, c, count, want, ms, NULL, NULL);
}

#endif
