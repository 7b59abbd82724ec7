/* tunnel_msg: requests for lvsagent's own GRE devices. See tunnel_msg.h. */
#include "kernel/tunnel_msg.h"

/* net/if.h before the kernel's headers, whose linux/if.h it then keeps out. */
#include <net/if.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>
#include <string.h>

static struct nlmsghdr *put_link(struct nl_batch *batch, uint16_t type, uint16_t flags,
				 const char *name)
{
	struct nlmsghdr *nlh = nl_batch_put(batch, type, flags);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* A device NAME of KIND created up (NLM_F_EXCL: never someone else's
 * device of that name); its IFLA_INFO_DATA nest open for the caller to
 * fill and close. */
static struct nlmsghdr *put_create(struct nl_batch *batch, const char *name, const char *kind,
				   struct nlattr **info, struct nlattr **data)
{
	struct nlmsghdr *nlh = put_link(batch, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	*info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	*data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	return nlh;
}

void tunnel_put_iptun_create(struct nl_batch *batch, const char *name, const char *kind,
			     const struct ipaddr *remote, uint8_t proto)
{
	struct nlattr *info, *data;
	struct nlmsghdr *nlh = put_create(batch, name, kind, &info, &data);

	mnl_attr_put(nlh, IFLA_IPTUN_REMOTE, ipaddr_len(remote), remote->bytes);
	mnl_attr_put_u8(nlh, IFLA_IPTUN_PROTO, proto);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

void tunnel_put_gre_create(struct nl_batch *batch, const char *name, const char *kind,
			   const struct ipaddr *remote)
{
	struct nlattr *info, *data;
	struct nlmsghdr *nlh = put_create(batch, name, kind, &info, &data);

	mnl_attr_put(nlh, IFLA_GRE_REMOTE, ipaddr_len(remote), remote->bytes);
	/* icsum: the director's checksummed packets are taken (a device
	 * without it counts them as CRC errors); ocsum for symmetry, though
	 * nothing is sent through it. */
	mnl_attr_put_u16(nlh, IFLA_GRE_IFLAGS, GRE_CSUM);	/* big-endian already */
	mnl_attr_put_u16(nlh, IFLA_GRE_OFLAGS, GRE_CSUM);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

void tunnel_put_alias(struct nl_batch *batch, const char *name, const char *text)
{
	struct nlmsghdr *nlh = put_link(batch, RTM_NEWLINK, 0, name);

	mnl_attr_put(nlh, IFLA_IFALIAS, strlen(text), text);
}

void tunnel_put_delete(struct nl_batch *batch, const char *name)
{
	put_link(batch, RTM_DELLINK, 0, name);
}
