/* ipvs_msg: IPVS generic netlink messages, built and parsed with libnl.
 * Pure: only buffers. The attribute layout is the kernel's UAPI,
 * linux/ip_vs.h. */
#include "kernel/ipvs_msg.h"

#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

/* The kernel reads addresses as a union nf_inet_addr: always 16 bytes. */
#define NF_INET_ADDR_LEN 16

static const uint8_t commands[] = {
	[IPVS_OP_NEW_SERVICE] = IPVS_CMD_NEW_SERVICE,
	[IPVS_OP_SET_SERVICE] = IPVS_CMD_SET_SERVICE,
	[IPVS_OP_DEL_SERVICE] = IPVS_CMD_DEL_SERVICE,
	[IPVS_OP_NEW_DEST] = IPVS_CMD_NEW_DEST,
	[IPVS_OP_SET_DEST] = IPVS_CMD_SET_DEST,
	[IPVS_OP_DEL_DEST] = IPVS_CMD_DEL_DEST,
};

/* NLM_F_REQUEST is set here, not left to libnl's send path (which these
 * messages bypass): without it the kernel acknowledges a message without
 * acting on it. */
static struct nl_msg *new_message(int family, uint8_t command, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_REQUEST | flags, command,
				IPVS_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int put_addr(struct nl_msg *msg, int type, const struct ipaddr *addr)
{
	uint8_t raw[NF_INET_ADDR_LEN] = { 0 };

	memcpy(raw, addr->bytes, ipaddr_len(addr));
	return nla_put(msg, type, sizeof(raw), raw);
}

/* The attributes naming a service: family plus protocol/address/port, or
 * the firewall mark. */
static int put_service_key(struct nl_msg *msg, const struct ipvs_service *svc)
{
	int err = nla_put_u16(msg, IPVS_SVC_ATTR_AF, svc->af);

	if (svc->fwmark)
		return err ? err : nla_put_u32(msg, IPVS_SVC_ATTR_FWMARK, svc->fwmark);
	if (!err)
		err = nla_put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, svc->protocol);
	if (!err)
		err = put_addr(msg, IPVS_SVC_ATTR_ADDR, &svc->addr);
	if (!err)
		err = nla_put_u16(msg, IPVS_SVC_ATTR_PORT, htons(svc->port));
	return err;
}

/* A full service entry, as NEW_SERVICE and SET_SERVICE need it. */
static int put_service_settings(struct nl_msg *msg, const struct ipvs_service *svc)
{
	struct ip_vs_flags flags = { .flags = svc->flags, .mask = ~0u };
	int err = nla_put_string(msg, IPVS_SVC_ATTR_SCHED_NAME, svc->scheduler);

	if (!err)
		err = nla_put(msg, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags);
	if (!err)
		err = nla_put_u32(msg, IPVS_SVC_ATTR_TIMEOUT, svc->timeout);
	if (!err)
		err = nla_put_u32(msg, IPVS_SVC_ATTR_NETMASK, svc->netmask);
	/* Without the attribute the kernel drops the service's engine. */
	if (!err && svc->pe_name[0])
		err = nla_put_string(msg, IPVS_SVC_ATTR_PE_NAME, svc->pe_name);
	return err;
}

/* A nest that cannot start has no room: the same error nla_put gives. */
static struct nlattr *start_nest(struct nl_msg *msg, int type, int *err)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	*err = nest ? 0 : -NLE_NOMEM;
	return nest;
}

static int put_service(struct nl_msg *msg, const struct ipvs_service *svc, bool settings)
{
	int err;
	struct nlattr *nest = start_nest(msg, IPVS_CMD_ATTR_SERVICE, &err);

	if (!err)
		err = put_service_key(msg, svc);
	if (!err && settings)
		err = put_service_settings(msg, svc);
	if (!err)
		nla_nest_end(msg, nest);
	return err;
}

struct u32_attr {
	int type;
	uint32_t value;
};

/* Each attribute in turn; the first failure's error (negative), not a
 * truth value: callers test for < 0. */
static int put_u32s(struct nl_msg *msg, const struct u32_attr *attrs, size_t count)
{
	int err = 0;

	for (size_t i = 0; !err && i < count; i++)
		err = nla_put_u32(msg, attrs[i].type, attrs[i].value);
	return err;
}

static int put_dest_settings(struct nl_msg *msg, const struct ipvs_dest *dest)
{
	const struct u32_attr settings[] = {
		{ IPVS_DEST_ATTR_FWD_METHOD, dest->fwd },
		{ IPVS_DEST_ATTR_WEIGHT, dest->weight },
		{ IPVS_DEST_ATTR_U_THRESH, dest->u_threshold },
		{ IPVS_DEST_ATTR_L_THRESH, dest->l_threshold },
	};
	int err = put_u32s(msg, settings, sizeof(settings) / sizeof(settings[0]));

	/* Tunnel settings only for tunnels: older kernels reject the attributes. */
	if (err || dest->fwd != IP_VS_CONN_F_TUNNEL)
		return err;
	err = nla_put_u8(msg, IPVS_DEST_ATTR_TUN_TYPE, dest->tun_type);
	if (!err)
		err = nla_put_u16(msg, IPVS_DEST_ATTR_TUN_PORT, htons(dest->tun_port));
	if (!err)
		err = nla_put_u16(msg, IPVS_DEST_ATTR_TUN_FLAGS, dest->tun_flags);
	return err;
}

static int put_dest(struct nl_msg *msg, const struct ipvs_dest *dest, bool settings)
{
	int err;
	struct nlattr *nest = start_nest(msg, IPVS_CMD_ATTR_DEST, &err);

	if (!err)
		err = put_addr(msg, IPVS_DEST_ATTR_ADDR, &dest->addr);
	if (!err)
		err = nla_put_u16(msg, IPVS_DEST_ATTR_PORT, htons(dest->port));
	if (!err)
		err = nla_put_u16(msg, IPVS_DEST_ATTR_ADDR_FAMILY, dest->addr.family);
	if (!err && settings)
		err = put_dest_settings(msg, dest);
	if (!err)
		nla_nest_end(msg, nest);
	return err;
}

/* The three at the top level, as the kernel reads them; 0 for one it is
 * to leave. */
static int fill_timeouts(struct nl_msg *msg, int family, const struct ipvs_timeouts *t)
{
	const struct u32_attr values[] = {
		{ IPVS_CMD_ATTR_TIMEOUT_TCP, t->tcp },
		{ IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcpfin },
		{ IPVS_CMD_ATTR_TIMEOUT_UDP, t->udp },
	};

	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_REQUEST | NLM_F_ACK,
			 IPVS_CMD_SET_CONFIG, IPVS_GENL_VERSION))
		return -NLE_NOMEM;
	return put_u32s(msg, values, sizeof(values) / sizeof(values[0]));
}

int ipvs_fill_request(struct nl_msg *msg, int family, const struct ipvs_request *request)
{
	bool dest = request->op >= IPVS_OP_NEW_DEST && request->op <= IPVS_OP_DEL_DEST;
	bool settings = request->op == IPVS_OP_NEW_SERVICE || request->op == IPVS_OP_SET_SERVICE;
	int err;

	if (request->op == IPVS_OP_NEW_DAEMON || request->op == IPVS_OP_DEL_DAEMON)
		return ipvs_fill_daemon(msg, family, request->op == IPVS_OP_NEW_DAEMON,
					request->daemon);
	if (request->op == IPVS_OP_SET_TIMEOUTS)
		return fill_timeouts(msg, family, request->timeouts);
	/* A message's length is where the next attribute goes: resetting it
	 * to the bare header empties the message for reuse. */
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_REQUEST | NLM_F_ACK,
			 commands[request->op], IPVS_GENL_VERSION))
		return -NLE_NOMEM;
	err = put_service(msg, request->service, settings);
	if (!err && dest)
		err = put_dest(msg, request->dest, request->op != IPVS_OP_DEL_DEST);
	return err;
}

struct nl_msg *ipvs_build_request(int family, const struct ipvs_request *request)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && ipvs_fill_request(msg, family, request) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *ipvs_build_service_dump(int family)
{
	return new_message(family, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
}

/* A query about SERVICE (its key alone) with COMMAND and FLAGS. */
static struct nl_msg *service_query(int family, uint8_t command, int flags,
				    const struct ipvs_service *service)
{
	struct nl_msg *msg = new_message(family, command, flags);

	if (msg && put_service(msg, service, false)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *ipvs_build_dest_dump(int family, const struct ipvs_service *service)
{
	return service_query(family, IPVS_CMD_GET_DEST, NLM_F_DUMP, service);
}

struct nl_msg *ipvs_build_service_get(int family, const struct ipvs_service *service)
{
	return service_query(family, IPVS_CMD_GET_SERVICE, 0, service);
}

struct nl_msg *ipvs_build_info_request(int family)
{
	return new_message(family, IPVS_CMD_GET_INFO, 0);
}

struct nl_msg *ipvs_build_timeouts_request(int family)
{
	return new_message(family, IPVS_CMD_GET_CONFIG, 0);
}

/* --- parsing ------------------------------------------------------------------ */

static uint32_t get_u32(struct nlattr *attr, uint32_t fallback)
{
	return attr && nla_len(attr) >= 4 ? nla_get_u32(attr) : fallback;
}

static uint16_t get_u16(struct nlattr *attr, uint16_t fallback)
{
	return attr && nla_len(attr) >= 2 ? nla_get_u16(attr) : fallback;
}

static int get_addr(struct nlattr *attr, uint16_t af, struct ipaddr *out)
{
	unsigned len = af == AF_INET ? 4 : 16;

	if (!attr || (unsigned)nla_len(attr) < len)
		return -1;
	return ipaddr_from_bytes(out, af, nla_data(attr), len);
}

static uint64_t get_u64(struct nlattr *attr)
{
	return attr && nla_len(attr) >= 8 ? nla_get_u64(attr) : 0;
}

/* The counters: the 64-bit nest (Linux 4.1 and later), else the older one,
 * whose counts and rates are 32 bits (its byte counts are 64 already).
 * Missing, or damaged: zeros, as a table without counters reads. */
static void get_stats(struct nlattr *stats64, struct nlattr *stats32, struct ipvs_stats *out)
{
	struct nlattr *a[IPVS_STATS_ATTR_MAX + 1];
	bool wide = stats64 != NULL;

	memset(out, 0, sizeof(*out));
	if ((!stats64 && !stats32) ||
	    nla_parse_nested(a, IPVS_STATS_ATTR_MAX, wide ? stats64 : stats32, NULL) < 0)
		return;
	uint64_t *counts[] = {
		[IPVS_STATS_ATTR_CONNS] = &out->conns, [IPVS_STATS_ATTR_INPKTS] = &out->inpkts,
		[IPVS_STATS_ATTR_OUTPKTS] = &out->outpkts, [IPVS_STATS_ATTR_INBYTES] = &out->inbytes,
		[IPVS_STATS_ATTR_OUTBYTES] = &out->outbytes, [IPVS_STATS_ATTR_CPS] = &out->cps,
		[IPVS_STATS_ATTR_INPPS] = &out->inpps, [IPVS_STATS_ATTR_OUTPPS] = &out->outpps,
		[IPVS_STATS_ATTR_INBPS] = &out->inbps, [IPVS_STATS_ATTR_OUTBPS] = &out->outbps,
	};
	for (int i = IPVS_STATS_ATTR_CONNS; i <= IPVS_STATS_ATTR_OUTBPS; i++) {
		bool bytes = i == IPVS_STATS_ATTR_INBYTES || i == IPVS_STATS_ATTR_OUTBYTES;
		*counts[i] = wide || bytes ? get_u64(a[i]) : get_u32(a[i], 0);
	}
}

/* The nested attributes under TOP (IPVS_CMD_ATTR_SERVICE, _DEST). */
static int parse_nested(struct nlmsghdr *nlh, int top, struct nlattr **inner, int max)
{
	struct nlattr *attrs[IPVS_CMD_ATTR_MAX + 1];

	if (genlmsg_parse(nlh, 0, attrs, IPVS_CMD_ATTR_MAX, NULL) < 0 || !attrs[top])
		return -1;
	return nla_parse_nested(inner, max, attrs[top], NULL) < 0 ? -1 : 0;
}

int ipvs_parse_service(struct nlmsghdr *nlh, struct ipvs_service *out)
{
	struct nlattr *a[IPVS_SVC_ATTR_MAX + 1];
	struct ip_vs_flags flags = { 0 };

	memset(out, 0, sizeof(*out));
	if (parse_nested(nlh, IPVS_CMD_ATTR_SERVICE, a, IPVS_SVC_ATTR_MAX) < 0)
		return -1;
	out->af = get_u16(a[IPVS_SVC_ATTR_AF], 0);
	if (out->af != AF_INET && out->af != AF_INET6)
		return -1;
	out->fwmark = get_u32(a[IPVS_SVC_ATTR_FWMARK], 0);
	if (!out->fwmark) {
		out->protocol = get_u16(a[IPVS_SVC_ATTR_PROTOCOL], 0);
		out->port = ntohs(get_u16(a[IPVS_SVC_ATTR_PORT], 0));
		if (get_addr(a[IPVS_SVC_ATTR_ADDR], out->af, &out->addr) < 0)
			return -1;
	}
	if (a[IPVS_SVC_ATTR_SCHED_NAME])
		nla_strlcpy(out->scheduler, a[IPVS_SVC_ATTR_SCHED_NAME], sizeof(out->scheduler));
	if (a[IPVS_SVC_ATTR_PE_NAME])
		nla_strlcpy(out->pe_name, a[IPVS_SVC_ATTR_PE_NAME], sizeof(out->pe_name));
	if (a[IPVS_SVC_ATTR_FLAGS] && nla_len(a[IPVS_SVC_ATTR_FLAGS]) >= (int)sizeof(flags))
		memcpy(&flags, nla_data(a[IPVS_SVC_ATTR_FLAGS]), sizeof(flags));
	out->flags = flags.flags & ~IP_VS_SVC_F_HASHED;	/* the kernel's own bookkeeping */
	out->timeout = get_u32(a[IPVS_SVC_ATTR_TIMEOUT], 0);
	out->netmask = get_u32(a[IPVS_SVC_ATTR_NETMASK], 0);
	get_stats(a[IPVS_SVC_ATTR_STATS64], a[IPVS_SVC_ATTR_STATS], &out->stats);
	return 0;
}

int ipvs_parse_dest(struct nlmsghdr *nlh, uint16_t af, struct ipvs_dest *out)
{
	struct nlattr *a[IPVS_DEST_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (parse_nested(nlh, IPVS_CMD_ATTR_DEST, a, IPVS_DEST_ATTR_MAX) < 0)
		return -1;
	/* A destination may differ in family from its service (tunnels). */
	af = get_u16(a[IPVS_DEST_ATTR_ADDR_FAMILY], af);
	if (get_addr(a[IPVS_DEST_ATTR_ADDR], af, &out->addr) < 0)
		return -1;
	out->port = ntohs(get_u16(a[IPVS_DEST_ATTR_PORT], 0));
	out->fwd = get_u32(a[IPVS_DEST_ATTR_FWD_METHOD], 0) & IP_VS_CONN_F_FWD_MASK;
	out->weight = get_u32(a[IPVS_DEST_ATTR_WEIGHT], 0);
	out->u_threshold = get_u32(a[IPVS_DEST_ATTR_U_THRESH], 0);
	out->l_threshold = get_u32(a[IPVS_DEST_ATTR_L_THRESH], 0);
	out->active = get_u32(a[IPVS_DEST_ATTR_ACTIVE_CONNS], 0);
	out->inactive = get_u32(a[IPVS_DEST_ATTR_INACT_CONNS], 0);
	out->persistent = get_u32(a[IPVS_DEST_ATTR_PERSIST_CONNS], 0);
	if (a[IPVS_DEST_ATTR_TUN_TYPE] && nla_len(a[IPVS_DEST_ATTR_TUN_TYPE]) >= 1)
		out->tun_type = nla_get_u8(a[IPVS_DEST_ATTR_TUN_TYPE]);
	out->tun_port = ntohs(get_u16(a[IPVS_DEST_ATTR_TUN_PORT], 0));
	out->tun_flags = get_u16(a[IPVS_DEST_ATTR_TUN_FLAGS], 0);
	get_stats(a[IPVS_DEST_ATTR_STATS64], a[IPVS_DEST_ATTR_STATS], &out->stats);
	return 0;
}

int ipvs_parse_info(struct nlmsghdr *nlh, struct ipvs_info *out)
{
	struct nlattr *a[IPVS_INFO_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (genlmsg_parse(nlh, 0, a, IPVS_INFO_ATTR_MAX, NULL) < 0)
		return -1;
	out->version = get_u32(a[IPVS_INFO_ATTR_VERSION], 0);
	out->conn_tab_size = get_u32(a[IPVS_INFO_ATTR_CONN_TAB_SIZE], 0);
	return 0;
}

int ipvs_parse_timeouts(struct nlmsghdr *nlh, struct ipvs_timeouts *out)
{
	struct nlattr *a[IPVS_CMD_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (genlmsg_parse(nlh, 0, a, IPVS_CMD_ATTR_MAX, NULL) < 0)
		return -1;
	out->tcp = get_u32(a[IPVS_CMD_ATTR_TIMEOUT_TCP], 0);
	out->tcpfin = get_u32(a[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN], 0);
	out->udp = get_u32(a[IPVS_CMD_ATTR_TIMEOUT_UDP], 0);
	return 0;
}
