/* What the dns and udp probes' tests share: the real checker in an epoll
 * loop of the test's, against UDP responders on 127.0.0.1 and ::1 served
 * from the same loop (registered without CHECKER_EPOLL_TAG, as the
 * daemon's own descriptors are). Each test file says how its responders
 * answer (fixture.serve). Static inline: each file uses some of them. */
#ifndef LVSAGENT_TEST_UDP_FIXTURE_H
#define LVSAGENT_TEST_UDP_FIXTURE_H

#include "unit.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "checker_loop.h"
#include "director/checker.h"
#include "director/config.h"

struct result {
	size_t id;
	bool passed;
	char text[96];
	uint32_t latency_us;
};

/* A UDP socket of the test's that answers the checks sent to it. */
struct responder {
	int fd;
	int mode;			/* the test file's: how it answers */
	unsigned requests;		/* datagrams it got */
	struct sockaddr_storage from;	/* the last one's sender */
	socklen_t from_len;
};

struct fixture {
	int epoll_fd;
	struct checker *checker;
	struct result results[16];
	size_t count;
	struct responder responders[8];
	size_t responder_count;
	int fds[8];			/* other sockets, closed at the end */
	size_t fd_count;
	struct dir_probe probe;		/* every spec's settings */
	/* A datagram of LEN bytes came to RS (from rs->from). */
	void (*serve)(struct fixture *f, struct responder *rs, const uint8_t *data, size_t len);
};

static inline void on_done(void *user, size_t id, bool passed, const char *text,
			   uint32_t latency_us)
{
	struct fixture *f = user;
	struct result *r;

	assert_true(f->count < sizeof(f->results) / sizeof(f->results[0]));
	r = &f->results[f->count++];
	*r = (struct result){ .id = id, .passed = passed, .latency_us = latency_us };
	snprintf(r->text, sizeof(r->text), "%s", text);
}

static inline int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	checker_loop_open(&f->epoll_fd, &f->checker, on_done, f);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	checker_free(f->checker);
	for (size_t i = 0; i < f->responder_count; i++)
		close(f->responders[i].fd);
	for (size_t i = 0; i < f->fd_count; i++)
		close(f->fds[i]);
	close(f->epoll_fd);
	free(f);
	return 0;
}

/* Every datagram waiting at RS, to the test's serve. */
static inline void serve_all(struct fixture *f, struct responder *rs)
{
	static uint8_t data[65536];

	for (;;) {
		ssize_t n;

		rs->from_len = sizeof(rs->from);
		n = recvfrom(rs->fd, data, sizeof(data), MSG_DONTWAIT, (struct sockaddr *)&rs->from,
			     &rs->from_len);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		assert_true(n >= 0);
		rs->requests++;
		f->serve(f, rs, data, (size_t)n);
	}
}

/* A responder's datagrams (the loop's events that are not the checker's). */
static inline void serve_event(void *user, const struct epoll_event *event)
{
	struct fixture *f = user;

	serve_all(f, &f->responders[event->data.u64]);
}

/* Dispatch the checker's and the responders' events until WANT results
 * in all, or MS pass. */
static inline void pump(struct fixture *f, size_t want, int ms)
{
	pump_loop(f->epoll_fd, f->checker, &f->count, want, ms, serve_event, f);
}

/* RS answers its last datagram's sender with LEN bytes of DATA. */
static inline void reply(const struct responder *rs, const void *data, size_t len)
{
	assert_int_equal(sendto(rs->fd, data, len, 0, (const struct sockaddr *)&rs->from,
				rs->from_len),
			 (ssize_t)len);
}

/* --- targets ----------------------------------------------------------------- */

/* A UDP socket bound to a free loopback port; its port in *PORT. */
static inline int udp_bound(int family, uint16_t *port)
{
	return loopback_socket(family, SOCK_DGRAM | SOCK_NONBLOCK, port);
}

static inline int keep(struct fixture *f, int fd)
{
	assert_true(f->fd_count < sizeof(f->fds) / sizeof(f->fds[0]));
	f->fds[f->fd_count++] = fd;
	return fd;
}

/* A port served by a responder answering as MODE says. */
static inline uint16_t responder(struct fixture *f, int family, int mode)
{
	struct responder *rs;
	struct epoll_event event = { .events = EPOLLIN };
	uint16_t port;

	assert_true(f->responder_count < sizeof(f->responders) / sizeof(f->responders[0]));
	event.data.u64 = f->responder_count;
	rs = &f->responders[f->responder_count++];
	*rs = (struct responder){ .fd = udp_bound(family, &port), .mode = mode };
	assert_int_equal(epoll_ctl(f->epoll_fd, EPOLL_CTL_ADD, rs->fd, &event), 0);
	return port;
}

/* A port that takes datagrams and never answers. */
static inline uint16_t silent_port(struct fixture *f, int family)
{
	uint16_t port;

	keep(f, udp_bound(family, &port));
	return port;
}

/* A port nothing listens on, for others than itself: a socket bound to it
 * and connected to itself takes only its own datagrams, so the kernel
 * answers the checks' with an ICMP port unreachable (and the port stays
 * ours: no other test can take it meanwhile). */
static inline uint16_t closed_port(struct fixture *f, int family)
{
	uint16_t port;
	int fd = keep(f, udp_bound(family, &port));
	struct sockaddr_storage self;
	socklen_t len = sockaddr_of(family, port, &self);

	assert_int_equal(connect(fd, (struct sockaddr *)&self, len), 0);
	return port;
}

static inline struct check_spec probe_spec(struct fixture *f, enum dir_check_kind kind,
					   int family, uint16_t port, uint32_t timeout_ms)
{
	return (struct check_spec){ .kind = kind, .addr = loopback(family), .port = port,
				    .interval_ms = 10000, .timeout_ms = timeout_ms,
				    .probe = &f->probe };
}

/* --- verdicts ------------------------------------------------------------------- */

/* The first result of check ID, or NULL. */
static inline const struct result *first_of(const struct fixture *f, size_t id)
{
	for (size_t i = 0; i < f->count; i++)
		if (f->results[i].id == id)
			return &f->results[i];
	return NULL;
}

/* Checks 0 .. COUNT-1 of SPECS (at most 8) each report PASSED and TEXT,
 * with a latency from MIN_US to MAX_US; no socket is left open. Each is
 * given an interval of its own, so that all are due at once (the checks
 * of one interval are spread over it). */
static inline void expect_verdicts(struct fixture *f, const struct check_spec *specs,
				   size_t count, bool passed, const char *text, uint32_t min_us,
				   uint32_t max_us)
{
	struct check_spec own[8];

	assert_true(count <= sizeof(own) / sizeof(own[0]));
	for (size_t id = 0; id < count; id++) {
		own[id] = specs[id];
		own[id].interval_ms = 10000 - 1000 * (uint32_t)id;
	}
	checker_set(f->checker, own, count);
	pump(f, count, 1000);
	assert_int_equal(f->count, count);
	for (size_t id = 0; id < count; id++) {
		const struct result *r = first_of(f, id);

		assert_non_null(r);
		assert_string_equal(r->text, text);
		assert_int_equal(r->passed, passed);
		assert_in_range(r->latency_us, min_us, max_us);
	}
	assert_int_equal(checker_in_flight(f->checker), 0);
}

/* The same for a check on 127.0.0.1's PORT4 and one on ::1's PORT6. */
static inline void expect_both(struct fixture *f, enum dir_check_kind kind, uint16_t port4,
			       uint16_t port6, uint32_t timeout_ms, bool passed, const char *text,
			       uint32_t min_us, uint32_t max_us)
{
	struct check_spec specs[] = { probe_spec(f, kind, AF_INET, port4, timeout_ms),
				      probe_spec(f, kind, AF_INET6, port6, timeout_ms) };

	expect_verdicts(f, specs, 2, passed, text, min_us, max_us);
}

#endif
