/* fuzz_rtnl: rtnetlink link, address and route dumps as the kernel answers
 * them, through rtnl_dump_* (agent/kernel/rtnl_dump.c → netlink.c's
 * netlink_dump → rtnl_msg.c's parsers), the socket played by fake_kernel.
 * The first byte picks the dump (and a route dump's family and table);
 * the rest is the replies (fake_kernel.h). */
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "fake_kernel.h"
#include "kernel/rtnl_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nl_conn conn;
	void *items = NULL;
	size_t count = 0;
	uint8_t pick;

	if (size < 1)
		return 0;
	pick = data[0];
	fake_kernel_conn(&conn);
	fake_kernel_feed(data + 1, size - 1);
	switch (pick % 3) {
	case 0:
		rtnl_dump_links(&conn, (struct rtnl_link **)&items, &count);
		break;
	case 1:
		rtnl_dump_addrs(&conn, (struct rtnl_addr **)&items, &count);
		break;
	default:
		/* As observe asks: both families, the main table or all. */
		rtnl_dump_routes(&conn, pick & 4 ? AF_INET6 : AF_INET, pick & 8 ? 0 : RT_TABLE_MAIN,
				 (struct rtnl_route **)&items, &count);
		break;
	}
	free(items);
	return 0;
}
