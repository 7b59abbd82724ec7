/* ipvs_daemon: the sync daemons' model and messages. See ipvs_daemon.h.
 * The attributes are linux/ip_vs.h's IPVS_DAEMON_ATTR_*, nested in
 * IPVS_CMD_ATTR_DAEMON, in the byte orders ip_vs_ctl.c reads them: the
 * port in host order (unlike a service's), the IPv4 group as an address. */
#include "kernel/ipvs_daemon.h"

#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "lib/text.h"

uint32_t ipvs_sync_state(enum ipvs_sync_role role)
{
	return role == IPVS_SYNC_MASTER ? IP_VS_STATE_MASTER : IP_VS_STATE_BACKUP;
}

const char *ipvs_sync_role_name(enum ipvs_sync_role role)
{
	return role == IPVS_SYNC_MASTER ? "master" : "backup";
}

/* An optional number: unset in WANT means DEFAULT; unreported in HAVE
 * (0) means anything. */
static bool same_or_default(uint32_t want, uint32_t have, uint32_t fallback)
{
	return !have || have == (want ? want : fallback);
}

static bool same_group(const struct ipaddr *want, const struct ipaddr *have)
{
	struct ipaddr fallback = { .family = AF_INET };

	if (!have->family)
		return true;
	if (want->family)
		return ipaddr_equal(want, have);
	inet_pton(AF_INET, IPVS_SYNC_DEFAULT_GROUP, &fallback.v4);
	return ipaddr_equal(&fallback, have);
}

bool ipvs_daemon_matches(const struct ipvs_daemon *want, const struct ipvs_daemon *have)
{
	return want->role == have->role && strcmp(want->ifname, have->ifname) == 0 &&
	       want->syncid == have->syncid &&
	       same_or_default(want->port, have->port, IPVS_SYNC_DEFAULT_PORT) &&
	       same_or_default(want->ttl, have->ttl, IPVS_SYNC_DEFAULT_TTL) &&
	       (!want->maxlen || !have->maxlen || want->maxlen == have->maxlen) &&
	       same_group(&want->group, &have->group);
}

const char *ipvs_daemon_format(const struct ipvs_daemon *daemon, char *buf, size_t len)
{
	char group[IPADDR_TEXT_MAX];
	struct text t;

	text_init(&t, buf, len);
	text_str(&t, ipvs_sync_role_name(daemon->role));
	text_char(&t, ' ');
	text_str(&t, daemon->ifname);
	text_str(&t, " id ");
	text_u32(&t, daemon->syncid);
	if (daemon->port) {
		text_str(&t, " port ");
		text_u32(&t, daemon->port);
	}
	if (daemon->ttl) {
		text_str(&t, " ttl ");
		text_u32(&t, daemon->ttl);
	}
	if (daemon->group.family) {
		text_str(&t, " group ");
		text_str(&t, ipaddr_format(&daemon->group, group));
	}
	if (daemon->maxlen) {
		text_str(&t, " maxlen ");
		text_u32(&t, daemon->maxlen);
	}
	return buf;
}

/* --- messages --------------------------------------------------------------------- */

static int put_group(struct nl_msg *msg, const struct ipaddr *group)
{
	if (group->family == AF_INET)
		return nla_put(msg, IPVS_DAEMON_ATTR_MCAST_GROUP, 4, group->bytes);
	if (group->family == AF_INET6)
		return nla_put(msg, IPVS_DAEMON_ATTR_MCAST_GROUP6, 16, group->bytes);
	return 0;
}

/* What ip_vs_genl_new_daemon requires (state, interface, id), then the
 * optional settings DAEMON has: an absent one is the kernel's default. */
static int put_settings(struct nl_msg *msg, const struct ipvs_daemon *daemon)
{
	int err = nla_put_string(msg, IPVS_DAEMON_ATTR_MCAST_IFN, daemon->ifname);

	if (!err)
		err = nla_put_u32(msg, IPVS_DAEMON_ATTR_SYNC_ID, daemon->syncid);
	if (!err && daemon->maxlen)
		err = nla_put_u16(msg, IPVS_DAEMON_ATTR_SYNC_MAXLEN, daemon->maxlen);
	if (!err && daemon->port)
		err = nla_put_u16(msg, IPVS_DAEMON_ATTR_MCAST_PORT, daemon->port);
	if (!err && daemon->ttl)
		err = nla_put_u8(msg, IPVS_DAEMON_ATTR_MCAST_TTL, daemon->ttl);
	if (!err)
		err = put_group(msg, &daemon->group);
	return err;
}

int ipvs_fill_daemon(struct nl_msg *msg, int family, bool start, const struct ipvs_daemon *daemon)
{
	struct nlattr *nest;
	int err;

	/* The bare header again: the message is reused for a whole batch. */
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_REQUEST | NLM_F_ACK,
			 start ? IPVS_CMD_NEW_DAEMON : IPVS_CMD_DEL_DAEMON, IPVS_GENL_VERSION))
		return -NLE_NOMEM;
	nest = nla_nest_start(msg, IPVS_CMD_ATTR_DAEMON);
	if (!nest)
		return -NLE_NOMEM;
	/* DEL_DAEMON reads the state alone: one daemon of each runs. */
	err = nla_put_u32(msg, IPVS_DAEMON_ATTR_STATE, ipvs_sync_state(daemon->role));
	if (!err && start)
		err = put_settings(msg, daemon);
	if (!err)
		nla_nest_end(msg, nest);
	return err;
}

struct nl_msg *ipvs_build_daemon_dump(int family)
{
	struct nl_msg *msg = nlmsg_alloc();

	/* NLM_F_REQUEST set here: libnl's send path, which would add it, is
	 * bypassed. */
	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				NLM_F_REQUEST | NLM_F_DUMP, IPVS_CMD_GET_DAEMON, IPVS_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int get_group(struct nlattr **a, struct ipaddr *out)
{
	struct nlattr *v4 = a[IPVS_DAEMON_ATTR_MCAST_GROUP], *v6 = a[IPVS_DAEMON_ATTR_MCAST_GROUP6];

	memset(out, 0, sizeof(*out));
	if (v6 && nla_len(v6) >= 16)
		return ipaddr_from_bytes(out, AF_INET6, nla_data(v6), 16);
	if (v4 && nla_len(v4) >= 4)
		return ipaddr_from_bytes(out, AF_INET, nla_data(v4), 4);
	return 0;
}

static int parse_role(struct nlattr *state, enum ipvs_sync_role *role)
{
	uint32_t value = state && nla_len(state) >= 4 ? nla_get_u32(state) : 0;

	if (value != IP_VS_STATE_MASTER && value != IP_VS_STATE_BACKUP)
		return -1;
	*role = value == IP_VS_STATE_MASTER ? IPVS_SYNC_MASTER : IPVS_SYNC_BACKUP;
	return 0;
}

int ipvs_parse_daemon(struct nlmsghdr *nlh, struct ipvs_daemon *out)
{
	struct nlattr *top[IPVS_CMD_ATTR_MAX + 1], *a[IPVS_DAEMON_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (genlmsg_parse(nlh, 0, top, IPVS_CMD_ATTR_MAX, NULL) < 0 || !top[IPVS_CMD_ATTR_DAEMON] ||
	    nla_parse_nested(a, IPVS_DAEMON_ATTR_MAX, top[IPVS_CMD_ATTR_DAEMON], NULL) < 0)
		return -1;
	if (parse_role(a[IPVS_DAEMON_ATTR_STATE], &out->role) < 0 || !a[IPVS_DAEMON_ATTR_MCAST_IFN])
		return -1;
	nla_strlcpy(out->ifname, a[IPVS_DAEMON_ATTR_MCAST_IFN], sizeof(out->ifname));
	if (a[IPVS_DAEMON_ATTR_SYNC_ID] && nla_len(a[IPVS_DAEMON_ATTR_SYNC_ID]) >= 4)
		out->syncid = nla_get_u32(a[IPVS_DAEMON_ATTR_SYNC_ID]);
	if (a[IPVS_DAEMON_ATTR_SYNC_MAXLEN] && nla_len(a[IPVS_DAEMON_ATTR_SYNC_MAXLEN]) >= 2)
		out->maxlen = nla_get_u16(a[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (a[IPVS_DAEMON_ATTR_MCAST_PORT] && nla_len(a[IPVS_DAEMON_ATTR_MCAST_PORT]) >= 2)
		out->port = nla_get_u16(a[IPVS_DAEMON_ATTR_MCAST_PORT]);
	if (a[IPVS_DAEMON_ATTR_MCAST_TTL] && nla_len(a[IPVS_DAEMON_ATTR_MCAST_TTL]) >= 1)
		out->ttl = nla_get_u8(a[IPVS_DAEMON_ATTR_MCAST_TTL]);
	return get_group(a, &out->group);
}
