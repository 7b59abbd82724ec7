/* probe_tcp: check = tcp — a non-blocking connect(2); passes once the
 * handshake completes. See probe_tcp.h. */
#include "director/probe_tcp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Close a connected check's socket with a RST (SO_LINGER 0), not a FIN.
 * keepalived's TCP_CHECK closes normally, but the side closing first
 * keeps the TIME_WAIT, here the director: 60 s of a socket per passed
 * check, 60 000 of them at 1000 checks a second — memory, the kernel's
 * "time wait bucket table overflow" past tcp_max_tw_buckets, and tuples
 * the next connects' port search must step over. The real server sees a
 * connection that carried no data reset, which any server handles. */
void probe_close_with_reset(int fd)
{
	struct linger linger = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger));
	close(fd);
}

socklen_t probe_sockaddr(const struct check_spec *spec, struct sockaddr_storage *out)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
	struct sockaddr_in *in = (struct sockaddr_in *)out;

	memset(out, 0, sizeof(*out));
	if (spec->addr.family == AF_INET6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(spec->port);
		in6->sin6_addr = spec->addr.v6;
		return sizeof(*in6);
	}
	in->sin_family = AF_INET;
	in->sin_port = htons(spec->port);
	in->sin_addr = spec->addr.v4;
	return sizeof(*in);
}

/* What went wrong, if anything, with a connect in progress. */
static int so_error(int fd)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

static enum probe_state verdict(struct probe_run *run, int err, const char *call,
				struct probe_result *r)
{
	r->passed = !err;
	if (err)
		snprintf(r->text, sizeof(r->text), "%s: %s", call, strerror(err));
	else
		strcpy(r->text, "ok");
	if (run->fd >= 0 && err)
		close(run->fd);
	else if (run->fd >= 0)
		probe_close_with_reset(run->fd);
	run->fd = -1;
	return PROBE_DONE;
}

static enum probe_state start(const struct check_spec *spec, struct probe_run *run,
			      struct probe_result *r)
{
	struct sockaddr_storage to;
	socklen_t len = probe_sockaddr(spec, &to);

	run->fd = socket(spec->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (run->fd < 0)
		return verdict(run, errno, "socket", r);
	if (connect(run->fd, (struct sockaddr *)&to, len) == 0)
		return verdict(run, 0, "connect", r);
	if (errno != EINPROGRESS)
		return verdict(run, errno, "connect", r);
	run->events = EPOLLOUT;
	return PROBE_PENDING;
}

/* Linux reports a TCP socket writable only once it is connected, and a
 * connect that failed (or a reset since) with EPOLLERR: only then is
 * SO_ERROR worth a system call, for the reason. */
static enum probe_state ready(const struct check_spec *spec, struct probe_run *run,
			      uint32_t events, struct probe_result *r)
{
	int err = 0;

	(void)spec;
	if (!(events & EPOLLOUT) || (events & (EPOLLERR | EPOLLHUP)))
		err = so_error(run->fd);
	if (!err && !(events & EPOLLOUT))
		err = ECONNRESET;	/* hung up, and nothing recorded why */
	return verdict(run, err, "connect", r);
}

static void stop(const struct check_spec *spec, struct probe_run *run)
{
	(void)spec;
	if (run->fd >= 0)
		close(run->fd);
	run->fd = -1;
}

const struct probe_ops probe_tcp = { .start = start, .ready = ready, .stop = stop };
