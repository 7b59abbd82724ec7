/* rtnl_msg: encoding of lvsagent's rtnetlink requests and decoding of dump
 * replies. Pure: touches only buffers. */
#include "kernel/rtnl_msg.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_tunnel.h>	/* after net/if.h (rtnl_msg.h), which keeps linux/if.h out */
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#ifndef IFA_PROTO
#define IFA_PROTO 11
#endif

bool rtnl_addr_has_lvsagent_mark(const struct rtnl_addr *addr)
{
	return addr->proto == LVSAGENT_RTPROT || strcmp(addr->label, LVSAGENT_LO_LABEL) == 0;
}

void rtnl_put_link_up(struct nl_batch *batch, int ifindex)
{
	struct nlmsghdr *nlh = nl_batch_put(batch, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
}

void rtnl_put_tunnel_state(struct nl_batch *batch, const char *name, const char *kind, bool up)
{
	struct nlmsghdr *nlh = nl_batch_put(batch, RTM_NEWLINK, up ? NLM_F_CREATE : 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (!up)
		return;
	/* Without NLM_F_EXCL an existing device is only set up: a module's
	 * fallback device, which loading the module created, is found by
	 * its name when the kernel replays the request. */
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, info);
}

void rtnl_put_link_alias(struct nl_batch *batch, int ifindex, const char *text)
{
	struct nlmsghdr *nlh = nl_batch_put(batch, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	/* The kernel takes the attribute's length, not a terminator: an empty
	 * one removes the alias. */
	mnl_attr_put(nlh, IFLA_IFALIAS, strlen(text), text);
}

static void put_ipv6_lifetimes(struct nlmsghdr *nlh)
{
	/* preferred 0: the VIP is deprecated, so source address selection
	 * never picks it for the real server's own connections. */
	struct ifa_cacheinfo lifetimes = {
		.ifa_prefered = 0,
		.ifa_valid = 0xffffffffu,
	};

	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(lifetimes), &lifetimes);
}

/* The host address VIP (/32, /128) on IFINDEX: the request's common part. */
static struct nlmsghdr *put_host_addr(struct nl_batch *batch, bool add, int ifindex,
				      const struct ipaddr *vip)
{
	uint16_t flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct nlmsghdr *nlh = nl_batch_put(batch, add ? RTM_NEWADDR : RTM_DELADDR, flags);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = vip->family;
	ifa->ifa_prefixlen = (uint8_t)ipaddr_host_prefix(vip);
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, ipaddr_len(vip), vip->bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, ipaddr_len(vip), vip->bytes);
	return nlh;
}

void rtnl_put_iface_vip(struct nl_batch *batch, bool add, int ifindex, const char *iface,
			const struct ipaddr *vip)
{
	struct nlmsghdr *nlh = put_host_addr(batch, add, ifindex, vip);
	char label[IFNAMSIZ + 8];

	if (!add)
		return;
	/* The VIP belongs to the cluster: no duplicate detection to wait for.
	 * Deprecated, so that the director's own packets — its health checks,
	 * and the outer header of what IPVS tunnels to a real server, which
	 * takes its source by address selection — leave from its own
	 * address: from the VIP, the real server (which holds it too) would
	 * answer itself, and ip6ip6 drops a tunnel packet from an address of
	 * its own. */
	if (vip->family == AF_INET6) {
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
		((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_flags = IFA_F_NODAD;
		put_ipv6_lifetimes(nlh);
	} else if ((size_t)snprintf(label, sizeof(label), "%s:lvs", iface) < IFNAMSIZ) {
		mnl_attr_put_strz(nlh, IFA_LABEL, label);
	}
	mnl_attr_put_u8(nlh, IFA_PROTO, LVSAGENT_RTPROT);
}

void rtnl_put_vip_addr(struct nl_batch *batch, bool add, int lo_ifindex, const struct ipaddr *vip)
{
	struct nlmsghdr *nlh = put_host_addr(batch, add, lo_ifindex, vip);
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	bool v6 = vip->family == AF_INET6;

	if (!add)
		return;
	if (v6) {
		/* No DAD: lo has no neighbours. No prefix route: the host route
		 * lvsagent adds is the only one, as for IPv4. */
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
		ifa->ifa_flags = IFA_F_NODAD;
		put_ipv6_lifetimes(nlh);
	} else {
		mnl_attr_put_strz(nlh, IFA_LABEL, LVSAGENT_LO_LABEL);
	}
	mnl_attr_put_u8(nlh, IFA_PROTO, LVSAGENT_RTPROT);
}

void rtnl_put_vip_route(struct nl_batch *batch, bool add, int lo_ifindex, const struct ipaddr *vip)
{
	uint16_t flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct nlmsghdr *nlh = nl_batch_put(batch, add ? RTM_NEWROUTE : RTM_DELROUTE, flags);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = vip->family;
	rtm->rtm_dst_len = (uint8_t)ipaddr_host_prefix(vip);
	rtm->rtm_table = RT_TABLE_MAIN;
	/* On delete the protocol makes the kernel remove only our route. */
	rtm->rtm_protocol = LVSAGENT_RTPROT;
	/* What `route add -host VIP dev lo` makes: a link-scope route. */
	rtm->rtm_scope = vip->family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, ipaddr_len(vip), vip->bytes);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)lo_ifindex);
}

void rtnl_put_local_route(struct nl_batch *batch, bool add, int lo_ifindex,
			  const struct ipaddr *dst, uint8_t len)
{
	uint16_t flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct nlmsghdr *nlh = nl_batch_put(batch, add ? RTM_NEWROUTE : RTM_DELROUTE, flags);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = dst->family;
	rtm->rtm_dst_len = len;
	rtm->rtm_table = RT_TABLE_LOCAL;
	/* On delete, protocol and metric make the kernel remove only ours. */
	rtm->rtm_protocol = LVSAGENT_RTPROT;
	rtm->rtm_scope = RT_SCOPE_HOST;
	rtm->rtm_type = RTN_LOCAL;
	mnl_attr_put(nlh, RTA_DST, ipaddr_len(dst), dst->bytes);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)lo_ifindex);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, LVSAGENT_LOCAL_METRIC);
}

struct nlmsghdr *rtnl_link_dump_request(void *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	nlh->nlmsg_type = RTM_GETLINK;
	ifi->ifi_family = AF_UNSPEC;
	return nlh;
}

struct nlmsghdr *rtnl_addr_dump_request(void *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	nlh->nlmsg_type = RTM_GETADDR;
	ifa->ifa_family = AF_UNSPEC;
	return nlh;
}

struct nlmsghdr *rtnl_route_dump_request(void *buf, int family, uint32_t table)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	nlh->nlmsg_type = RTM_GETROUTE;
	rtm->rtm_family = (uint8_t)family;
	/* With strict checking the kernel dumps only this table. */
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh;
}

/* Collects attributes by type, ignoring types past the table's end. */
#define ATTR_SLOTS 40
struct attr_table {
	const struct nlattr *attr[ATTR_SLOTS];
};

/* The walk mnl_attr_parse does, written out: a dump of 10 000 addresses
 * is 10 000 messages of a dozen attributes, too many for a call apiece.
 * LEFT bytes of attributes at AT. */
static void collect_from(const char *at, size_t left, struct attr_table *table)
{
	memset(table, 0, sizeof(*table));
	while (left >= sizeof(struct nlattr)) {
		const struct nlattr *attr = (const void *)at;
		unsigned type = attr->nla_type & NLA_TYPE_MASK;
		size_t step = MNL_ALIGN(attr->nla_len);
		if (attr->nla_len < sizeof(*attr) || attr->nla_len > left)
			break;		/* truncated: keep what came before */
		if (type < ATTR_SLOTS)
			table->attr[type] = attr;
		if (step >= left)
			break;
		at += step;
		left -= step;
	}
}

static void collect_attrs(const struct nlmsghdr *nlh, size_t header, struct attr_table *table)
{
	size_t offset = NLMSG_HDRLEN + MNL_ALIGN(header);

	collect_from((const char *)nlh + offset, nlh->nlmsg_len > offset ? nlh->nlmsg_len - offset : 0,
		     table);
}

_Static_assert(IFLA_IFNAME < ATTR_SLOTS && IFLA_IFALIAS < ATTR_SLOTS && IFA_PROTO < ATTR_SLOTS &&
	       RTA_TABLE < ATTR_SLOTS, "attribute slots");

/* An attribute's text into DEST (SIZE bytes), terminated, whether or not
 * the kernel counted a terminator. */
static void copy_text(char *dest, size_t size, const struct nlattr *attr)
{
	size_t len = strnlen(mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr));

	if (len >= size)
		len = size - 1;
	memcpy(dest, mnl_attr_get_payload(attr), len);
	dest[len] = '\0';
}

static void copy_name(char *dest, const struct nlattr *attr)
{
	copy_text(dest, IFNAMSIZ, attr);
}

static uint32_t attr_u32(const struct nlattr *attr, uint32_t fallback)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return fallback;
	return mnl_attr_get_u32(attr);
}

static int attr_ipaddr(const struct nlattr *attr, int family, struct ipaddr *out)
{
	if (!attr)
		return -1;
	return ipaddr_from_bytes(out, family, mnl_attr_get_payload(attr),
				 mnl_attr_get_payload_len(attr));
}

/* The attributes nested in ATTR, as collect_attrs takes a message's. */
static void collect_nested(const struct nlattr *attr, struct attr_table *table)
{
	collect_from(mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr), table);
}

/* An end given as 4 or 16 bytes; the wildcard (all zero) is no end. */
static void tunnel_end(const struct nlattr *attr, struct ipaddr *out)
{
	static const uint8_t any[16];
	size_t len = attr ? mnl_attr_get_payload_len(attr) : 0;

	if ((len == 4 || len == 16) && memcmp(mnl_attr_get_payload(attr), any, len) != 0)
		attr_ipaddr(attr, len == 4 ? AF_INET : AF_INET6, out);
}

/* The kind of a link, and a tunnel's ends (the kernel's lookup matches
 * the packets' against them). */
static void parse_linkinfo(const struct nlattr *linkinfo, struct rtnl_link *out)
{
	struct attr_table info, data;
	bool gre;

	collect_nested(linkinfo, &info);
	if (!info.attr[IFLA_INFO_KIND])
		return;
	copy_text(out->kind, sizeof(out->kind), info.attr[IFLA_INFO_KIND]);
	if (!info.attr[IFLA_INFO_DATA])
		return;
	collect_nested(info.attr[IFLA_INFO_DATA], &data);
	gre = strcmp(out->kind, "gre") == 0 || strcmp(out->kind, "ip6gre") == 0;
	tunnel_end(data.attr[gre ? IFLA_GRE_LOCAL : IFLA_IPTUN_LOCAL], &out->tun_local);
	tunnel_end(data.attr[gre ? IFLA_GRE_REMOTE : IFLA_IPTUN_REMOTE], &out->tun_remote);
}

int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *out)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct attr_table tb;

	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -1;
	collect_attrs(nlh, sizeof(*ifi), &tb);
	if (!tb.attr[IFLA_IFNAME])
		return -1;
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	copy_name(out->name, tb.attr[IFLA_IFNAME]);
	if (tb.attr[IFLA_IFALIAS])
		copy_text(out->alias, sizeof(out->alias), tb.attr[IFLA_IFALIAS]);
	if (tb.attr[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb.attr[IFLA_ADDRESS]) == 6) {
		memcpy(out->hwaddr, mnl_attr_get_payload(tb.attr[IFLA_ADDRESS]), 6);
		out->has_hwaddr = true;
	}
	if (tb.attr[IFLA_LINKINFO])
		parse_linkinfo(tb.attr[IFLA_LINKINFO], out);
	return 0;
}

int rtnl_parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr *out)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct attr_table tb;
	const struct nlattr *local;

	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return -1;
	collect_attrs(nlh, sizeof(*ifa), &tb);
	memset(out, 0, sizeof(*out));
	/* IFA_LOCAL is the address itself; IFA_ADDRESS may be a peer. */
	local = tb.attr[IFA_LOCAL] ? tb.attr[IFA_LOCAL] : tb.attr[IFA_ADDRESS];
	if (attr_ipaddr(local, ifa->ifa_family, &out->addr) < 0)
		return -1;
	out->ifindex = (int)ifa->ifa_index;
	out->prefixlen = ifa->ifa_prefixlen;
	out->scope = ifa->ifa_scope;
	out->flags = attr_u32(tb.attr[IFA_FLAGS], ifa->ifa_flags);
	if (tb.attr[IFA_PROTO] && mnl_attr_validate(tb.attr[IFA_PROTO], MNL_TYPE_U8) == 0)
		out->proto = mnl_attr_get_u8(tb.attr[IFA_PROTO]);
	if (tb.attr[IFA_LABEL])
		copy_name(out->label, tb.attr[IFA_LABEL]);
	return 0;
}

int rtnl_parse_route(const struct nlmsghdr *nlh, struct rtnl_route *out)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct attr_table tb;

	if ((nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -1;
	collect_attrs(nlh, sizeof(*rtm), &tb);
	memset(out, 0, sizeof(*out));
	if (attr_ipaddr(tb.attr[RTA_DST], rtm->rtm_family, &out->dst) < 0)
		return -1;	/* default routes have no RTA_DST: not a host route */
	out->dst_len = rtm->rtm_dst_len;
	out->protocol = rtm->rtm_protocol;
	out->type = rtm->rtm_type;
	out->table = attr_u32(tb.attr[RTA_TABLE], rtm->rtm_table);
	out->oif = (int)attr_u32(tb.attr[RTA_OIF], 0);
	out->priority = attr_u32(tb.attr[RTA_PRIORITY], 0);
	return 0;
}
