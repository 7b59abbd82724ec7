/* Which kernel notifications make the daemon look again, and which not. */
#include "unit.h"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "realserver/monitor.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#define LO 1
#define ETH0 2
#define OUR_PORT 4242

static struct rtnl_link links[] = { { .ifindex = LO, .name = "lo" },
				    { .ifindex = ETH0, .name = "eth0" } };
static const struct observed obs = { .net.links = links, .net.link_count = 2, .lo_ifindex = LO };
static const struct monitor_context sysctl_mode = { .obs = &obs, .rtnl_portid = OUR_PORT,
						    .nfnl_portid = OUR_PORT + 1 };
static const struct monitor_context nft_mode = { .obs = &obs, .rtnl_portid = OUR_PORT,
						 .nfnl_portid = OUR_PORT + 1,
						 .uplink_addresses = true };
static char buf[512] __attribute__((aligned(4)));

static struct nlmsghdr *addr_event(uint16_t type, int ifindex, uint32_t pid)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	uint8_t vip[4] = { 10, 0, 0, 1 };

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_pid = pid;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, 4, vip);
	return nlh;
}

static struct nlmsghdr *route_event(uint16_t type, int oif, uint8_t table, uint8_t dst_len)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint8_t dst[4] = { 10, 0, 0, 1 };

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = table;
	mnl_attr_put(nlh, RTA_DST, 4, dst);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	return nlh;
}

static struct nlmsghdr *link_event(uint16_t type, int ifindex, const char *name, unsigned flags)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static void test_addresses(void **state)
{
	(void)state;
	assert_true(monitor_event_matters(addr_event(RTM_DELADDR, LO, 0), &sysctl_mode));
	assert_false(monitor_event_matters(addr_event(RTM_DELADDR, ETH0, 0), &sysctl_mode));
	assert_false(monitor_event_matters(addr_event(RTM_NEWADDR, LO, 0), &sysctl_mode));
	/* lvsagent's own removal (a reload dropping a VIP) */
	assert_false(monitor_event_matters(addr_event(RTM_DELADDR, LO, OUR_PORT), &sysctl_mode));
}

static void test_routes(void **state)
{
	(void)state;
	assert_true(monitor_event_matters(route_event(RTM_DELROUTE, LO, RT_TABLE_MAIN, 32), &sysctl_mode));
	assert_false(monitor_event_matters(route_event(RTM_DELROUTE, LO, RT_TABLE_LOCAL, 32), &sysctl_mode));
	assert_false(monitor_event_matters(route_event(RTM_DELROUTE, ETH0, RT_TABLE_MAIN, 32), &sysctl_mode));
	assert_false(monitor_event_matters(route_event(RTM_DELROUTE, LO, RT_TABLE_MAIN, 24), &sysctl_mode));
	assert_false(monitor_event_matters(route_event(RTM_NEWROUTE, LO, RT_TABLE_MAIN, 32), &sysctl_mode));
}

static void test_links(void **state)
{
	(void)state;
	assert_true(monitor_event_matters(link_event(RTM_NEWLINK, LO, "lo", IFF_LOOPBACK), &sysctl_mode));
	assert_false(monitor_event_matters(link_event(RTM_NEWLINK, LO, "lo", IFF_LOOPBACK | IFF_UP), &sysctl_mode));
	/* a known interface changing its flags: nothing of ours */
	assert_false(monitor_event_matters(link_event(RTM_NEWLINK, ETH0, "eth0", 0), &sysctl_mode));
	/* a new interface: its sysctls start from the defaults */
	assert_true(monitor_event_matters(link_event(RTM_NEWLINK, 7, "eth1", IFF_UP), &sysctl_mode));
	assert_true(monitor_event_matters(link_event(RTM_DELLINK, ETH0, "eth0", 0), &sysctl_mode));
	/* a known interface renamed: its saved sysctls follow it */
	assert_true(monitor_event_matters(link_event(RTM_NEWLINK, ETH0, "wan0", IFF_UP), &sysctl_mode));
	/* lo's alias (the instance's claim) changed, or not */
	struct nlmsghdr *nlh = link_event(RTM_NEWLINK, LO, "lo", IFF_LOOPBACK | IFF_UP);
	mnl_attr_put(nlh, IFLA_IFALIAS, strlen("lvsagent /run/x"), "lvsagent /run/x");
	assert_true(monitor_event_matters(nlh, &sysctl_mode));
	nlh = link_event(RTM_NEWLINK, LO, "lo", IFF_LOOPBACK | IFF_UP);
	mnl_attr_put(nlh, IFLA_IFALIAS, 0, "");
	assert_false(monitor_event_matters(nlh, &sysctl_mode));
}

static struct nlmsghdr *nft_event(uint16_t msg, uint8_t family, const char *table, uint32_t pid)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *gen;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
	nlh->nlmsg_pid = pid;
	gen = mnl_nlmsg_put_extra_header(nlh, sizeof(*gen));
	gen->nfgen_family = family;
	mnl_attr_put_strz(nlh, 1, table);	/* NFTA_TABLE_NAME, NFTA_RULE_TABLE, ... */
	return nlh;
}

static void test_uplink_addresses(void **state)
{
	(void)state;
	/* with nftables, the output chain follows the uplinks' addresses */
	assert_true(monitor_event_matters(addr_event(RTM_NEWADDR, ETH0, 0), &nft_mode));
	assert_true(monitor_event_matters(addr_event(RTM_DELADDR, ETH0, 0), &nft_mode));
	assert_false(monitor_event_matters(addr_event(RTM_NEWADDR, ETH0, 0), &sysctl_mode));
}

static void test_nftables(void **state)
{
	(void)state;
	assert_true(monitor_event_matters(nft_event(NFT_MSG_DELTABLE, NFPROTO_ARP, "lvsagent", 0),
					  &nft_mode));
	assert_true(monitor_event_matters(nft_event(NFT_MSG_NEWRULE, NFPROTO_ARP, "lvsagent", 0),
					  &nft_mode));
	/* LVS-TUN's filter table (table inet lvsagent) too */
	assert_true(monitor_event_matters(nft_event(NFT_MSG_DELTABLE, NFPROTO_INET, "lvsagent", 0),
					  &nft_mode));
	/* someone else's table, or another family's table of that name */
	assert_false(monitor_event_matters(nft_event(NFT_MSG_DELTABLE, NFPROTO_ARP, "filter", 0),
					   &nft_mode));
	assert_false(monitor_event_matters(nft_event(NFT_MSG_DELTABLE, NFPROTO_IPV4, "lvsagent", 0),
					   &nft_mode));
	/* lvsagent's own transaction */
	assert_false(monitor_event_matters(nft_event(NFT_MSG_DELTABLE, NFPROTO_ARP, "lvsagent",
						     OUR_PORT + 1), &nft_mode));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_uplink_addresses),
		cmocka_unit_test(test_nftables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
