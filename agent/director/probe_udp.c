/* probe_udp: check = udp, and the datagram exchange the dns probe shares.
 * See probe_udp.h. */
#include "director/probe_udp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "director/probe_tcp.h"
#include "director/probe_verdict.h"
#include "lib/xalloc.h"

/* Datagrams read per call: a flood of replies that are not the answer (a
 * DNS server's answers to other IDs) yields to the loop after these, and
 * epoll reports the rest. */
#define READS_PER_CALL 64

/* The largest UDP datagram. One buffer for every check: the daemon runs
 * its checks in one thread, and each datagram is judged before the next
 * one is read. */
static uint8_t datagram[65536];

/* A socket call failed with ERR. ECONNREFUSED on a connected UDP socket is
 * an ICMP port unreachable from the real server: nothing listens there. */
static enum probe_state socket_error(struct probe_result *r, int err, const char *call)
{
	if (err == ECONNREFUSED)
		return probe_verdict(r, false, "udp: port unreachable");
	return probe_verdict(r, false, "udp: %s: %s", call, strerror(err));
}

/* Send X's request, once, then wait for replies (and X's wake-up). A
 * fresh socket has room for one datagram; should it not, EPOLLOUT says
 * when it has. */
static enum probe_state send_request(struct probe_run *run, struct udp_exchange *x,
				     struct probe_result *r)
{
	if (send(run->fd, x->request, x->request_len, MSG_NOSIGNAL) < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return socket_error(r, errno, "send");
		run->events = EPOLLOUT;
		return PROBE_PENDING;
	}
	x->sent = true;
	run->events = EPOLLIN;
	run->wake_us = x->wake_us;
	return PROBE_PENDING;
}

/* Judge the datagrams waiting: PROBE_DONE on a verdict (or an error the
 * kernel queued: an ICMP one), PROBE_PENDING when none of them is the
 * answer. The socket is connected: only the real server's datagrams come. */
static enum probe_state receive(const struct check_spec *spec, struct probe_run *run,
				struct udp_exchange *x, struct probe_result *r)
{
	for (int i = 0; i < READS_PER_CALL; i++) {
		ssize_t n = recv(run->fd, datagram, sizeof(datagram), MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return socket_error(r, errno, "recv");
		if (x->judge(spec, x, datagram, (size_t)n, r) == PROBE_DONE)
			return PROBE_DONE;
	}
	run->wake_us = x->wake_us;
	return PROBE_PENDING;
}

enum probe_state probe_udp_start(const struct check_spec *spec, struct probe_run *run,
				 struct udp_exchange *x, struct probe_result *r)
{
	struct sockaddr_storage to;
	socklen_t len = probe_sockaddr(spec, &to);

	run->state = x;
	run->fd = socket(spec->addr.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (run->fd < 0)
		return socket_error(r, errno, "socket");
	if (connect(run->fd, (struct sockaddr *)&to, len) < 0)
		return socket_error(r, errno, "connect");
	return send_request(run, x, r);
}

enum probe_state probe_udp_ready(const struct check_spec *spec, struct probe_run *run,
				 uint32_t events, struct probe_result *r)
{
	struct udp_exchange *x = run->state;

	(void)events;	/* EPOLLERR too: recv (or send) returns the error */
	if (!x->sent)
		return send_request(run, x, r);
	return receive(spec, run, x, r);
}

void probe_udp_stop(const struct check_spec *spec, struct probe_run *run)
{
	(void)spec;
	if (run->fd >= 0)
		close(run->fd);
	run->fd = -1;
	free(run->state);
	run->state = NULL;
}

/* --- check = udp ------------------------------------------------------------ */

/* A reply of LEN bytes. With udp_expect, a reply without it fails at once
 * rather than waiting for another: the socket is connected and its port
 * fresh, so this is the real server's answer to this very datagram, and a
 * UDP service answers a request once — waiting on would only turn its
 * wrong answer into a timeout that no longer says what was wrong. */
static enum probe_state judge_reply(const struct check_spec *spec, struct udp_exchange *x,
				    const uint8_t *data, size_t len, struct probe_result *r)
{
	const struct dir_probe *p = spec->probe;

	(void)x;
	if (!p || !p->udp_expect_given)
		return probe_verdict(r, true, "udp reply, %zu bytes", len);
	if (!memmem(data, len, p->udp_expect, p->udp_expect_len))
		return probe_verdict(r, false, "udp: reply lacks the expected text");
	return probe_verdict(r, true, "udp reply with the expected text, %zu bytes", len);
}

/* When silence passes (no udp_expect): shortly before the checker's
 * deadline (start + check_timeout, taken a few microseconds before this
 * start), so that the probe concludes and not the checker's timeout. The
 * margin, a tenth of the timeout from 1 to 100 ms, is room for a loop
 * that wakes late; an ICMP error takes a round trip, far less. */
static uint64_t silence_passes_at(const struct check_spec *spec)
{
	uint64_t timeout = spec->timeout_ms * 1000ull;
	uint64_t margin = timeout / 10;

	if (margin < 1000)
		margin = 1000;
	if (margin > 100000)
		margin = 100000;
	if (margin > timeout)
		margin = timeout;
	return probe_now_us() + timeout - margin;
}

static enum probe_state start(const struct check_spec *spec, struct probe_run *run,
			      struct probe_result *r)
{
	static const uint8_t nothing[1];
	const struct dir_probe *p = spec->probe;
	struct udp_exchange *x = xcalloc(1, sizeof(*x));

	x->request = p ? p->udp_send : nothing;
	x->request_len = p ? p->udp_send_len : 0;
	x->judge = judge_reply;
	if (!p || !p->udp_expect_given)
		x->wake_us = silence_passes_at(spec);
	return probe_udp_start(spec, run, x, r);
}

/* Silence until now (no udp_expect): no reply, and no ICMP error either —
 * one queued since the last readiness is read here. */
static enum probe_state tick(const struct check_spec *spec, struct probe_run *run,
			     struct probe_result *r)
{
	struct udp_exchange *x = run->state;

	if (!x->sent) {
		/* Never sent: nothing to pass on; the checker's timeout says so. */
		x->wake_us = run->wake_us = 0;
		return PROBE_PENDING;
	}
	if (receive(spec, run, x, r) == PROBE_DONE)
		return PROBE_DONE;
	return probe_verdict(r, true, "udp: no reply, no ICMP error (passes)");
}

const struct probe_ops probe_udp = { .start = start, .ready = probe_udp_ready, .tick = tick,
				     .stop = probe_udp_stop };
