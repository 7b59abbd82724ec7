/* fake_kernel: see fake_kernel.h. */
#include "fake_kernel.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static struct {
	const uint8_t *data;
	size_t left;
	uint32_t seq;			/* of the last request sent */
} kernel;

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *sock, const void *buf, size_t len);
ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *sock, void *buf, size_t size);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);

void fake_kernel_conn(struct nl_conn *conn)
{
	static struct nl_conn opened;

	if (!opened.sock && netlink_open(&opened, NETLINK_ROUTE) < 0)
		abort();
	*conn = opened;
}

void fake_kernel_feed(const uint8_t *data, size_t size)
{
	kernel.data = data;
	kernel.left = size;
}

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *sock, const void *buf, size_t len)
{
	(void)sock;
	if (len >= sizeof(struct nlmsghdr))
		kernel.seq = ((const struct nlmsghdr *)buf)->nlmsg_seq;
	return (ssize_t)len;
}

/* The next record into BUF (SIZE bytes), patched; its length, or 0 when
 * the input is spent. */
static size_t next_record(uint32_t portid, void *buf, size_t size)
{
	size_t len;
	uint8_t flags;

	if (kernel.left < 3)
		return 0;
	flags = kernel.data[0];
	len = kernel.data[1] | (size_t)kernel.data[2] << 8;
	kernel.data += 3;
	kernel.left -= 3;
	if (len > kernel.left)
		len = kernel.left;
	if (len > size)
		len = size;
	memcpy(buf, kernel.data, len);
	kernel.data += len;
	kernel.left -= len;
	if (!(flags & 1)) {
		int left = (int)len;
		for (struct nlmsghdr *nlh = buf; netlink_msg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			nlh->nlmsg_seq = kernel.seq;
			nlh->nlmsg_pid = portid;
		}
	}
	if (!len) {
		((uint8_t *)buf)[0] = 0;
		return 1;	/* an empty record: one stray byte, a short read */
	}
	return len;
}

ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *sock, void *buf, size_t size)
{
	uint32_t portid = mnl_socket_get_portid(sock);
	size_t len = next_record(portid, buf, size);
	struct nlmsghdr *done = buf;

	if (len)
		return (ssize_t)len;
	/* Spent: the end of whatever dump or query is running. */
	memset(done, 0, NLMSG_SPACE(sizeof(int)));
	done->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_seq = kernel.seq;
	done->nlmsg_pid = portid;
	return done->nlmsg_len;
}

/* netlink.c drains an aborted dump with recv(MSG_DONTWAIT). */
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
	size_t got = next_record(0, buf, len);

	(void)fd, (void)flags;
	if (!got) {
		errno = EAGAIN;
		return -1;
	}
	return (ssize_t)got;
}
