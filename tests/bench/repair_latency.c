/* repair_latency: how fast a running lvsagent daemon puts a VIP back, seen
 * from outside. Deletes VIP from lo over rtnetlink COUNT times and waits
 * each time for the kernel's notification that it is back; prints the
 * distribution. Run it inside the daemon's network namespace. VIP with a
 * /LEN is route mode's: the local route DST/LEN in table local is deleted.
 *   usage: repair_latency VIP[/LEN] COUNT [TIMEOUT_MS]
 * Exit 1 if the VIP did not come back within the timeout (default 1000 ms). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/netlink.h"
#include "kernel/rtnl_msg.h"
#include "realserver/monitor.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Route mode's VIP (LOCAL_LEN > 0): a local route; else an address. */
static int local_len;

static int delete_vip(struct nl_conn *conn, int lo, const struct ipaddr *vip)
{
	struct nl_batch batch;
	struct nl_result result;
	int err;

	nl_batch_init(&batch);
	if (local_len)
		rtnl_put_local_route(&batch, false, lo, vip, (uint8_t)local_len);
	else
		rtnl_put_vip_addr(&batch, false, lo, vip);
	err = nl_batch_send(conn, &batch, &result);
	nl_batch_free(&batch);
	return err ? err : result.error;
}

/* Whether one notification says VIP is on lo again. */
static bool is_back(const struct nlmsghdr *nlh, int lo, const struct ipaddr *vip)
{
	struct rtnl_addr addr;
	struct rtnl_route route;

	if (local_len)
		return nlh->nlmsg_type == RTM_NEWROUTE && rtnl_parse_route(nlh, &route) == 0 &&
		       route.table == RT_TABLE_LOCAL && route.dst_len == local_len &&
		       ipaddr_equal(&route.dst, vip);
	return nlh->nlmsg_type == RTM_NEWADDR && rtnl_parse_addr(nlh, &addr) == 0 &&
	       addr.ifindex == lo && ipaddr_equal(&addr.addr, vip);
}

static int wait_back(struct nl_conn *monitor, int lo, const struct ipaddr *vip, int timeout_ms)
{
	char buf[NL_DUMP_BUFFER] __attribute__((aligned(4)));
	double deadline = now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = netlink_fd(monitor), .events = POLLIN };

	while (now_ms() < deadline) {
		if (poll(&pfd, 1, (int)(deadline - now_ms()) + 1) <= 0)
			continue;
		ssize_t n = recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT);
		int left = (int)n;
		for (const struct nlmsghdr *nlh = (void *)buf; n > 0 && mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left))
			if (is_back(nlh, lo, vip))
				return 0;
	}
	return -ETIMEDOUT;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double percentile(const double *sorted, int count, double p)
{
	int index = (int)(p / 100.0 * (count - 1) + 0.5);

	return sorted[index];
}

int main(int argc, char **argv)
{
	struct nl_conn conn, monitor;
	struct ipaddr vip;
	const char *why;
	int count, timeout_ms, lo = (int)if_nametoindex("lo");
	double *samples;

	char *slash = argc > 1 ? strchr(argv[1], '/') : NULL;

	if (slash) {
		*slash = '\0';
		local_len = atoi(slash + 1);
	}
	if (argc < 3 || ipaddr_parse(argv[1], &vip, &why) < 0 || (count = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: repair_latency VIP[/LEN] COUNT [TIMEOUT_MS]\n");
		return 2;
	}
	timeout_ms = argc > 3 ? atoi(argv[3]) : 1000;
	if (netlink_open(&conn, NETLINK_ROUTE) || monitor_open(&monitor)) {
		perror("netlink");
		return 2;
	}
	samples = calloc((size_t)count, sizeof(*samples));
	for (int i = 0; i < count; i++) {
		double start = now_ms();
		int err = delete_vip(&conn, lo, &vip);
		if (err) {
			fprintf(stderr, "deleting %s: %s\n", argv[1], strerror(-err));
			return 1;
		}
		if (wait_back(&monitor, lo, &vip, timeout_ms)) {
			fprintf(stderr, "deletion %d: %s not back within %d ms\n", i + 1, argv[1],
				timeout_ms);
			return 1;
		}
		samples[i] = now_ms() - start;
		/* Let the daemon finish its bookkeeping before the next deletion. */
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	}
	qsort(samples, (size_t)count, sizeof(*samples), by_value);
	printf("%d deletions, all repaired: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	       count, percentile(samples, count, 50), percentile(samples, count, 90),
	       percentile(samples, count, 99), samples[count - 1]);
	free(samples);
	netlink_close(&monitor);
	netlink_close(&conn);
	return 0;
}
