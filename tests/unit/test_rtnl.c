/* rtnetlink encoding: the requests carry exactly what the kernel needs
 * (checked against the UAPI structs), and dump replies parse back. */
#include "fixtures.h"
#include "unit.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/rtnl_msg.h"
#include "kernel/tunnel_msg.h"

#ifndef IFA_PROTO
#define IFA_PROTO 11
#endif

static const struct nlattr *attr(const struct nlmsghdr *nlh, size_t header, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, header)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static const struct nlmsghdr *first(struct nl_batch *batch)
{
	/* The batch closes its last request when sent; here, read it as is. */
	return (const struct nlmsghdr *)batch->buf;
}

static void test_ipv4_vip_add(void **state)
{
	struct nl_batch batch;
	struct ipaddr vip = ip("192.168.101.168");

	(void)state;
	nl_batch_init(&batch);
	rtnl_put_vip_addr(&batch, true, 1, &vip);
	const struct nlmsghdr *nlh = first(&batch);
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWADDR);
	assert_int_equal(nlh->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 32);
	assert_int_equal(ifa->ifa_index, 1);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
	assert_memory_equal(mnl_attr_get_payload(attr(nlh, sizeof(*ifa), IFA_LOCAL)), vip.bytes, 4);
	assert_string_equal(mnl_attr_get_str(attr(nlh, sizeof(*ifa), IFA_LABEL)), "lo:lvs");
	assert_int_equal(mnl_attr_get_u8(attr(nlh, sizeof(*ifa), IFA_PROTO)), LVSAGENT_RTPROT);
	assert_null(attr(nlh, sizeof(*ifa), IFA_CACHEINFO));
	nl_batch_free(&batch);
}

static void test_ipv6_vip_add(void **state)
{
	struct nl_batch batch;
	struct ipaddr vip = ip("2001:db8::168");

	(void)state;
	nl_batch_init(&batch);
	rtnl_put_vip_addr(&batch, true, 1, &vip);
	const struct nlmsghdr *nlh = first(&batch);
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 128);
	assert_int_equal(mnl_attr_get_u32(attr(nlh, sizeof(*ifa), IFA_FLAGS)),
			 IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
	const struct ifa_cacheinfo *life =
		mnl_attr_get_payload(attr(nlh, sizeof(*ifa), IFA_CACHEINFO));
	assert_int_equal(life->ifa_prefered, 0);
	assert_int_equal(life->ifa_valid, 0xffffffffu);
	assert_null(attr(nlh, sizeof(*ifa), IFA_LABEL));
	nl_batch_free(&batch);
}

static void test_route_add_and_delete(void **state)
{
	struct nl_batch batch;
	struct ipaddr vip = ip("192.168.101.168");

	(void)state;
	nl_batch_init(&batch);
	rtnl_put_vip_route(&batch, false, 1, &vip);
	const struct nlmsghdr *nlh = first(&batch);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_DELROUTE);
	assert_int_equal(rtm->rtm_dst_len, 32);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	/* the protocol makes a delete remove only lvsagent's route */
	assert_int_equal(rtm->rtm_protocol, LVSAGENT_RTPROT);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	assert_int_equal(mnl_attr_get_u32(attr(nlh, sizeof(*rtm), RTA_OIF)), 1);
	assert_memory_equal(mnl_attr_get_payload(attr(nlh, sizeof(*rtm), RTA_DST)), vip.bytes, 4);
	nl_batch_free(&batch);
}

static void test_batch_holds_many(void **state)
{
	struct nl_batch batch;
	struct ipaddr vip = ip("10.0.0.1");
	size_t pos = 0;

	(void)state;
	nl_batch_init(&batch);
	for (int i = 0; i < 3000; i++)
		rtnl_put_vip_route(&batch, true, 1, &vip);
	assert_int_equal(batch.count, 3000);
	for (int i = 0; i < 2999; i++) {
		const struct nlmsghdr *nlh = (const void *)(batch.buf + pos);
		assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
		pos += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	nl_batch_free(&batch);
}

static void test_parse_addr_reply(void **state)
{
	char buf[512] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct ipaddr vip = ip("10.1.2.3");
	struct rtnl_addr out;

	(void)state;
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_index = 1;
	mnl_attr_put(nlh, IFA_ADDRESS, 4, vip.bytes);
	mnl_attr_put(nlh, IFA_LOCAL, 4, vip.bytes);
	mnl_attr_put_strz(nlh, IFA_LABEL, "lo:lvs");
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_PERMANENT);
	assert_int_equal(rtnl_parse_addr(nlh, &out), 0);
	assert_true(ipaddr_equal(&out.addr, &vip));
	assert_int_equal(out.prefixlen, 32);
	assert_string_equal(out.label, "lo:lvs");
	assert_int_equal(out.flags, IFA_F_PERMANENT);
	nlh->nlmsg_type = RTM_NEWLINK;
	assert_int_equal(rtnl_parse_addr(nlh, &out), -1);
}

/* A tunnel device's kind and ends, from IFLA_LINKINFO (the wildcard is
 * no end); and the GRE devices' own attribute numbers. */
static void test_parse_tunnel_link(void **state)
{
	static const uint8_t any[16];
	char buf[512] __attribute__((aligned(4)));
	struct ipaddr remote = ip("10.0.0.2"), local = ip("2001:db8:1::3");
	const char *kinds[] = { "ipip", "gre" };
	struct rtnl_link out;
	char text[IPADDR_TEXT_MAX];

	(void)state;
	for (int k = 0; k < 2; k++) {
		bool gre = k == 1;
		memset(buf, 0, sizeof(buf));
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		nlh->nlmsg_type = RTM_NEWLINK;
		ifi->ifi_index = 7;
		mnl_attr_put_strz(nlh, IFLA_IFNAME, "rival");
		struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kinds[k]);
		struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put(nlh, gre ? 7 : 3, 4, remote.bytes);	/* IFLA_{GRE,IPTUN}_REMOTE */
		mnl_attr_put(nlh, gre ? 6 : 2, gre ? 16 : 4, gre ? local.bytes : any);	/* _LOCAL */
		mnl_attr_nest_end(nlh, data);
		mnl_attr_nest_end(nlh, info);
		assert_int_equal(rtnl_parse_link(nlh, &out), 0);
		assert_string_equal(out.kind, kinds[k]);
		assert_string_equal(ipaddr_format(&out.tun_remote, text), "10.0.0.2");
		if (gre)
			assert_string_equal(ipaddr_format(&out.tun_local, text), "2001:db8:1::3");
		else
			assert_int_equal(out.tun_local.family, 0);
	}
}

static void test_parse_route_reply(void **state)
{
	char buf[512] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct ipaddr dst = ip("2001:db8::1");
	struct rtnl_route out;

	(void)state;
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 128;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = LVSAGENT_RTPROT;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, 16, dst.bytes);
	mnl_attr_put_u32(nlh, RTA_OIF, 1);
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	assert_int_equal(rtnl_parse_route(nlh, &out), 0);
	assert_true(ipaddr_equal(&out.dst, &dst));
	assert_int_equal(out.oif, 1);
	assert_int_equal(out.protocol, LVSAGENT_RTPROT);
	assert_int_equal(out.table, RT_TABLE_MAIN);
}

/* A sit device of lvsagent's own (IPv6 inside IPv4): created up, never
 * over an existing one, kind sit, the director's 4-byte address as its
 * remote end and protocol 41 alone (mode ip6ip). */
static void test_sit_create(void **state)
{
	struct nl_batch batch;
	struct ipaddr director = ip("10.0.0.2");
	const struct nlattr *info, *data;

	(void)state;
	nl_batch_init(&batch);
	tunnel_put_iptun_create(&batch, "lvs6in40a000002", "sit", &director, IPPROTO_IPV6);
	const struct nlmsghdr *nlh = first(&batch);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(ifi->ifi_flags & IFF_UP, IFF_UP);
	assert_string_equal(mnl_attr_get_str(attr(nlh, sizeof(*ifi), IFLA_IFNAME)), "lvs6in40a000002");
	info = attr(nlh, sizeof(*ifi), IFLA_LINKINFO);
	assert_non_null(info);
	mnl_attr_for_each_nested(data, info)
		if (mnl_attr_get_type(data) == IFLA_INFO_KIND)
			assert_string_equal(mnl_attr_get_str(data), "sit");
		else if (mnl_attr_get_type(data) == IFLA_INFO_DATA)
			break;
	assert_int_equal(mnl_attr_get_type(data), IFLA_INFO_DATA);
	const struct nlattr *a;
	size_t seen = 0;
	mnl_attr_for_each_nested(a, data) {
		if (mnl_attr_get_type(a) == IFLA_IPTUN_REMOTE) {
			assert_int_equal(mnl_attr_get_payload_len(a), 4);
			assert_memory_equal(mnl_attr_get_payload(a), director.bytes, 4);
			seen++;
		} else if (mnl_attr_get_type(a) == IFLA_IPTUN_PROTO) {
			assert_int_equal(mnl_attr_get_u8(a), IPPROTO_IPV6);
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	nl_batch_free(&batch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_vip_add),
		cmocka_unit_test(test_ipv6_vip_add),
		cmocka_unit_test(test_route_add_and_delete),
		cmocka_unit_test(test_batch_holds_many),
		cmocka_unit_test(test_parse_addr_reply),
		cmocka_unit_test(test_parse_route_reply),
		cmocka_unit_test(test_parse_tunnel_link),
		cmocka_unit_test(test_sit_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
