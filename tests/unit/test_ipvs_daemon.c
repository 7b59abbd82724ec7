/* IPVS sync daemon messages: what ip_vs_genl_new_daemon and _del_daemon
 * read (linux/ip_vs.h, in the kernel's byte orders), the dump request,
 * replies parsed back, and when a running daemon is the configured one. */
#include "fixtures.h"
#include "unit.h"

#include <netinet/in.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "kernel/ipvs_daemon.h"
#include "kernel/ipvs_msg.h"

#define FAMILY 42

static struct nl_msg *build(const struct ipvs_daemon *daemon, bool start)
{
	struct ipvs_request req = { .op = start ? IPVS_OP_NEW_DAEMON : IPVS_OP_DEL_DAEMON,
				    .daemon = daemon };
	struct nl_msg *msg = ipvs_build_request(FAMILY, &req);

	assert_non_null(msg);
	return msg;
}

static void daemon_attrs(struct nl_msg *msg, uint8_t cmd, struct nlattr **a)
{
	struct nlattr *top[IPVS_CMD_ATTR_MAX + 1];
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));

	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, FAMILY);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(gnlh->cmd, cmd);
	assert_int_equal(gnlh->version, IPVS_GENL_VERSION);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, top, IPVS_CMD_ATTR_MAX, NULL), 0);
	assert_non_null(top[IPVS_CMD_ATTR_DAEMON]);
	assert_null(top[IPVS_CMD_ATTR_SERVICE]);
	assert_int_equal(nla_parse_nested(a, IPVS_DAEMON_ATTR_MAX, top[IPVS_CMD_ATTR_DAEMON], NULL), 0);
}

/* The three the kernel requires, and nothing it would take for a setting. */
static void test_new_daemon_minimal(void **state)
{
	struct ipvs_daemon d = { .role = IPVS_SYNC_BACKUP, .ifname = "eth1", .syncid = 7 };
	struct nl_msg *msg = build(&d, true);
	struct nlattr *a[IPVS_DAEMON_ATTR_MAX + 1];

	(void)state;
	daemon_attrs(msg, IPVS_CMD_NEW_DAEMON, a);
	assert_int_equal(nla_get_u32(a[IPVS_DAEMON_ATTR_STATE]), IP_VS_STATE_BACKUP);
	assert_string_equal(nla_get_string(a[IPVS_DAEMON_ATTR_MCAST_IFN]), "eth1");
	assert_int_equal(nla_get_u32(a[IPVS_DAEMON_ATTR_SYNC_ID]), 7);
	assert_null(a[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	assert_null(a[IPVS_DAEMON_ATTR_MCAST_PORT]);
	assert_null(a[IPVS_DAEMON_ATTR_MCAST_TTL]);
	assert_null(a[IPVS_DAEMON_ATTR_MCAST_GROUP]);
	assert_null(a[IPVS_DAEMON_ATTR_MCAST_GROUP6]);
	nlmsg_free(msg);
}

static void test_new_daemon_settings(void **state)
{
	struct ipvs_daemon d = { .role = IPVS_SYNC_MASTER, .ifname = "bond0", .syncid = 255,
				 .maxlen = 1400, .port = 9000, .ttl = 3 };
	struct nlattr *a[IPVS_DAEMON_ATTR_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	d.group = ip("239.1.2.3");
	msg = build(&d, true);
	daemon_attrs(msg, IPVS_CMD_NEW_DAEMON, a);
	assert_int_equal(nla_get_u32(a[IPVS_DAEMON_ATTR_STATE]), IP_VS_STATE_MASTER);
	assert_int_equal(nla_get_u16(a[IPVS_DAEMON_ATTR_SYNC_MAXLEN]), 1400);
	/* Host order: ip_vs_sync.c does the htons(port + thread id) itself. */
	assert_int_equal(nla_get_u16(a[IPVS_DAEMON_ATTR_MCAST_PORT]), 9000);
	assert_int_equal(nla_get_u8(a[IPVS_DAEMON_ATTR_MCAST_TTL]), 3);
	/* nla_get_in_addr: four bytes in network order. */
	assert_int_equal(nla_len(a[IPVS_DAEMON_ATTR_MCAST_GROUP]), 4);
	assert_memory_equal(nla_data(a[IPVS_DAEMON_ATTR_MCAST_GROUP]), d.group.bytes, 4);
	assert_null(a[IPVS_DAEMON_ATTR_MCAST_GROUP6]);
	nlmsg_free(msg);

	d.group = ip("ff02::1:81");
	msg = build(&d, true);
	daemon_attrs(msg, IPVS_CMD_NEW_DAEMON, a);
	assert_null(a[IPVS_DAEMON_ATTR_MCAST_GROUP]);
	assert_int_equal(nla_len(a[IPVS_DAEMON_ATTR_MCAST_GROUP6]), 16);
	assert_memory_equal(nla_data(a[IPVS_DAEMON_ATTR_MCAST_GROUP6]), d.group.bytes, 16);
	nlmsg_free(msg);
}

/* stop_sync_thread takes the state alone. */
static void test_del_daemon(void **state)
{
	struct ipvs_daemon d = { .role = IPVS_SYNC_MASTER, .ifname = "eth1", .syncid = 7,
				 .port = 9000 };
	struct nl_msg *msg = build(&d, false);
	struct nlattr *a[IPVS_DAEMON_ATTR_MAX + 1];

	(void)state;
	daemon_attrs(msg, IPVS_CMD_DEL_DAEMON, a);
	assert_int_equal(nla_get_u32(a[IPVS_DAEMON_ATTR_STATE]), IP_VS_STATE_MASTER);
	assert_null(a[IPVS_DAEMON_ATTR_MCAST_IFN]);
	assert_null(a[IPVS_DAEMON_ATTR_MCAST_PORT]);
	nlmsg_free(msg);
}

static void test_dump_request(void **state)
{
	struct nl_msg *msg = ipvs_build_daemon_dump(FAMILY);
	struct genlmsghdr *gnlh;

	(void)state;
	assert_non_null(msg);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	gnlh = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(gnlh->cmd, IPVS_CMD_GET_DAEMON);
	nlmsg_free(msg);
}

/* The dump answers with NEW_DAEMON messages of the same attributes. */
static void test_parse_back(void **state)
{
	struct ipvs_daemon d = { .role = IPVS_SYNC_BACKUP, .ifname = "eth1", .syncid = 9,
				 .maxlen = 1472, .port = 8848, .ttl = 1 }, out;
	struct nl_msg *msg;

	(void)state;
	d.group = ip("224.0.0.81");
	msg = build(&d, true);
	assert_int_equal(ipvs_parse_daemon(nlmsg_hdr(msg), &out), 0);
	assert_memory_equal(&out, &d, sizeof(d));
	nlmsg_free(msg);

	d.group = ip("ff05::81");
	msg = build(&d, true);
	assert_int_equal(ipvs_parse_daemon(nlmsg_hdr(msg), &out), 0);
	assert_true(ipaddr_equal(&out.group, &d.group));
	nlmsg_free(msg);

	/* DEL has no interface: not a daemon's description. */
	msg = build(&d, false);
	assert_int_equal(ipvs_parse_daemon(nlmsg_hdr(msg), &out), -1);
	nlmsg_free(msg);
}

static void test_too_small_message(void **state)
{
	struct ipvs_daemon d = { .role = IPVS_SYNC_MASTER, .ifname = "eth1", .syncid = 1 };
	struct ipvs_request req = { .op = IPVS_OP_NEW_DAEMON, .daemon = &d };
	struct nl_msg *msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + 8);

	(void)state;
	assert_true(ipvs_fill_request(msg, FAMILY, &req) < 0);
	nlmsg_free(msg);
}

/* Unset settings are the kernel's defaults (maxlen: any, it follows the
 * MTU); settings an old kernel does not report match anything. */
static void test_matches(void **state)
{
	struct ipvs_daemon want = { .role = IPVS_SYNC_MASTER, .ifname = "eth1", .syncid = 7 };
	struct ipvs_daemon have = want;
	char text[160];

	(void)state;
	assert_true(ipvs_daemon_matches(&want, &have));		/* nothing reported */
	have.port = 8848, have.ttl = 1, have.maxlen = 1472, have.group = ip("224.0.0.81");
	assert_true(ipvs_daemon_matches(&want, &have));		/* the defaults */
	assert_string_equal(ipvs_daemon_format(&have, text, sizeof(text)),
			    "master eth1 id 7 port 8848 ttl 1 group 224.0.0.81 maxlen 1472");
	have.port = 9000;
	assert_false(ipvs_daemon_matches(&want, &have));
	want.port = 9000;
	assert_true(ipvs_daemon_matches(&want, &have));
	have.group = ip("239.0.0.1");
	assert_false(ipvs_daemon_matches(&want, &have));
	have.group = ip("224.0.0.81");
	want.maxlen = 1400;
	assert_false(ipvs_daemon_matches(&want, &have));
	want.maxlen = 1472;
	assert_true(ipvs_daemon_matches(&want, &have));
	have.syncid = 8;
	assert_false(ipvs_daemon_matches(&want, &have));
	have.syncid = 7;
	strcpy(have.ifname, "eth2");
	assert_false(ipvs_daemon_matches(&want, &have));
	strcpy(have.ifname, "eth1");
	have.role = IPVS_SYNC_BACKUP;
	assert_false(ipvs_daemon_matches(&want, &have));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_daemon_minimal),
		cmocka_unit_test(test_new_daemon_settings),
		cmocka_unit_test(test_del_daemon),
		cmocka_unit_test(test_dump_request),
		cmocka_unit_test(test_parse_back),
		cmocka_unit_test(test_too_small_message),
		cmocka_unit_test(test_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
