/* rtnl_dump: whole link, address and route dumps into arrays. */
#include "kernel/rtnl_dump.h"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>

#include "lib/xalloc.h"

/* One growing array of fixed-size records, filled by a parser. */
struct collector {
	void *items;
	size_t count, capacity, size;
	int (*parse)(const struct nlmsghdr *nlh, void *out);
	uint32_t table;			/* routes: keep only this table (0: all) */
	uint8_t protocol, type;		/* routes: and only these (0: any) */
};

/* Parse into the next slot; returns it, or NULL when the message is not one. */
static void *collect_one(const struct nlmsghdr *nlh, struct collector *c)
{
	void *slot;

	if (c->count == c->capacity) {
		c->capacity = c->capacity ? c->capacity * 2 : 64;
		c->items = xrealloc_array(c->items, c->capacity, c->size);
	}
	slot = (char *)c->items + c->count * c->size;
	if (c->parse(nlh, slot) < 0)
		return NULL;
	c->count++;
	return slot;
}

static int collect(const struct nlmsghdr *nlh, void *data)
{
	collect_one(nlh, data);
	return 0;
}

static void restart(void *data)
{
	((struct collector *)data)->count = 0;
}

static int run_dump(struct nl_conn *conn, struct nlmsghdr *request, nl_msg_cb on_msg,
		    struct collector *c, void **items, size_t *count)
{
	int err = netlink_dump(conn, request, on_msg, restart, c);

	if (err < 0) {
		free(c->items);
		return err;
	}
	*items = c->items;
	*count = c->count;
	return 0;
}

static int parse_link(const struct nlmsghdr *nlh, void *out)
{
	return rtnl_parse_link(nlh, out);
}

static int parse_addr(const struct nlmsghdr *nlh, void *out)
{
	return rtnl_parse_addr(nlh, out);
}

int rtnl_dump_links(struct nl_conn *conn, struct rtnl_link **links, size_t *count)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct collector c = { .size = sizeof(**links), .parse = parse_link };

	return run_dump(conn, rtnl_link_dump_request(buf), collect, &c, (void **)links, count);
}

int rtnl_dump_addrs(struct nl_conn *conn, struct rtnl_addr **addrs, size_t *count)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct collector c = { .size = sizeof(**addrs), .parse = parse_addr };

	return run_dump(conn, rtnl_addr_dump_request(buf), collect, &c, (void **)addrs, count);
}

/* Kernels without strict dump checking return every table: filter here. */
static int collect_route(const struct nlmsghdr *nlh, void *data)
{
	struct collector *c = data;
	const struct rtnl_route *route = collect_one(nlh, c);

	if (route && ((c->table && route->table != c->table) ||
		      (c->protocol && route->protocol != c->protocol) ||
		      (c->type && route->type != c->type)))
		c->count--;	/* not asked for: give the slot back */
	return 0;
}

static int parse_route(const struct nlmsghdr *nlh, void *out)
{
	return rtnl_parse_route(nlh, out);
}

int rtnl_dump_routes(struct nl_conn *conn, int family, uint32_t table,
		     struct rtnl_route **routes, size_t *count)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct collector c = { .size = sizeof(**routes), .parse = parse_route, .table = table };

	return run_dump(conn, rtnl_route_dump_request(buf, family, table), collect_route, &c,
			(void **)routes, count);
}

int rtnl_dump_local_routes(struct nl_conn *conn, int family, uint8_t protocol,
			   struct rtnl_route **routes, size_t *count)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct collector c = { .size = sizeof(**routes), .parse = parse_route,
			       .table = RT_TABLE_LOCAL, .protocol = protocol, .type = RTN_LOCAL };
	struct nlmsghdr *request = rtnl_route_dump_request(buf, family, RT_TABLE_LOCAL);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(request);

	/* Strict checking filters by protocol and type in the kernel: the
	 * local table also holds a route for every address (10 000 in
	 * address mode), none of which need cross to user space. */
	rtm->rtm_protocol = protocol;
	rtm->rtm_type = RTN_LOCAL;
	return run_dump(conn, request, collect_route, &c, (void **)routes, count);
}
