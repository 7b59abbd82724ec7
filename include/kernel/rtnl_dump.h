/* rtnl_dump: whole link, address and route dumps into growing arrays. */
#ifndef LVSAGENT_KERNEL_RTNL_DUMP_H
#define LVSAGENT_KERNEL_RTNL_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/netlink.h"
#include "kernel/rtnl_msg.h"

/* Whole dumps into growing arrays (freed by the caller). 0 or -errno. */
int rtnl_dump_links(struct nl_conn *conn, struct rtnl_link **links, size_t *count);
int rtnl_dump_addrs(struct nl_conn *conn, struct rtnl_addr **addrs, size_t *count);
int rtnl_dump_routes(struct nl_conn *conn, int family, uint32_t table,
		     struct rtnl_route **routes, size_t *count);
/* The local routes (type local) of PROTOCOL in table local. 0 or -errno. */
int rtnl_dump_local_routes(struct nl_conn *conn, int family, uint8_t protocol,
			   struct rtnl_route **routes, size_t *count);

#endif
