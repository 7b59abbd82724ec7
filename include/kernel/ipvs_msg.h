/* ipvs_msg: IPVS generic netlink messages, built and parsed with libnl.
 * Pure: only buffers. */
#ifndef LVSAGENT_KERNEL_IPVS_MSG_H
#define LVSAGENT_KERNEL_IPVS_MSG_H

#include <linux/netlink.h>
#include <stdint.h>

#include "kernel/ipvs_daemon.h"
#include "kernel/ipvs_model.h"

enum ipvs_op {
	IPVS_OP_NEW_SERVICE, IPVS_OP_SET_SERVICE, IPVS_OP_DEL_SERVICE,
	IPVS_OP_NEW_DEST, IPVS_OP_SET_DEST, IPVS_OP_DEL_DEST,
	/* Sync daemons: started, stopped (the kernel changes none in place). */
	IPVS_OP_NEW_DAEMON, IPVS_OP_DEL_DAEMON,
	/* The connection timeouts (IPVS_CMD_SET_CONFIG); a 0 leaves one as it is. */
	IPVS_OP_SET_TIMEOUTS,
};

/* Seconds, as ipvsadm --set and -L --timeout give them. */
struct ipvs_timeouts {
	uint32_t tcp, tcpfin, udp;
};

struct ipvs_request {
	enum ipvs_op op;
	const struct ipvs_service *service;	/* the service, or the dest's service */
	const struct ipvs_dest *dest;		/* *_DEST only */
	const struct ipvs_daemon *daemon;	/* *_DAEMON only (no service) */
	const struct ipvs_timeouts *timeouts;	/* SET_TIMEOUTS only */
};

struct nl_msg;
/* The generic netlink message for REQUEST (NLM_F_ACK set), for the IPVS
 * family id FAMILY; the caller frees it with nlmsg_free. */
struct nl_msg *ipvs_build_request(int family, const struct ipvs_request *request);
/* The same into MSG, emptied first (one message reused for a whole batch):
 * 0, or a negative libnl error when MSG is too small. */
int ipvs_fill_request(struct nl_msg *msg, int family, const struct ipvs_request *request);
/* Dump requests: every service; every destination of SERVICE; the info.
 * And the query for one SERVICE (the kernel answers ESRCH if it has none). */
struct nl_msg *ipvs_build_service_dump(int family);
struct nl_msg *ipvs_build_service_get(int family, const struct ipvs_service *service);
struct nl_msg *ipvs_build_dest_dump(int family, const struct ipvs_service *service);
struct nl_msg *ipvs_build_info_request(int family);
/* IPVS_CMD_GET_CONFIG: the timeouts. */
struct nl_msg *ipvs_build_timeouts_request(int family);

/* Parse one reply. 0, or -1 when it is not one of these. */
int ipvs_parse_service(struct nlmsghdr *nlh, struct ipvs_service *out);
int ipvs_parse_dest(struct nlmsghdr *nlh, uint16_t af, struct ipvs_dest *out);
int ipvs_parse_info(struct nlmsghdr *nlh, struct ipvs_info *out);
int ipvs_parse_timeouts(struct nlmsghdr *nlh, struct ipvs_timeouts *out);

#endif
