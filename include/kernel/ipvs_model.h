/* ipvs: the kernel's IP Virtual Server table over generic netlink
 * (libnl-genl-3): the services and real servers, read with one service
 * dump and one destination dump per service, changed with many requests
 * per sendmsg and every ACK matched by sequence number. */
#ifndef LVSAGENT_KERNEL_IPVS_MODEL_H
#define LVSAGENT_KERNEL_IPVS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ipaddr.h"
#include "kernel/netlink.h"

#define IPVS_SCHED_MAX 16		/* IP_VS_SCHEDNAME_MAXLEN */
#define IPVS_PE_MAX 16			/* IP_VS_PENAME_MAXLEN */

/* A real server ("destination" to the kernel). */
struct ipvs_dest {
	struct ipaddr addr;
	uint16_t port;
	uint32_t fwd;			/* IP_VS_CONN_F_DROUTE, _TUNNEL, _MASQ */
	uint32_t weight;
	uint32_t u_threshold, l_threshold;
	uint8_t tun_type;		/* IP_VS_CONN_F_TUNNEL_TYPE_* */
	uint16_t tun_port;
	uint16_t tun_flags;		/* IP_VS_TUNNEL_ENCAP_FLAG_* */
	/* Reported by the kernel only: */
	uint32_t active, inactive, persistent;
};

/* A virtual service: (af, protocol, addr, port) or (af, fwmark). */
struct ipvs_service {
	uint16_t af;
	uint16_t protocol;		/* IPPROTO_TCP/UDP/SCTP; 0 for fwmark */
	struct ipaddr addr;
	uint16_t port;
	uint32_t fwmark;
	char scheduler[IPVS_SCHED_MAX];
	char pe_name[IPVS_PE_MAX];	/* persistence engine ("sip"); "" for none */
	uint32_t flags;			/* IP_VS_SVC_F_* without HASHED */
	uint32_t timeout;		/* persistence, seconds */
	uint32_t netmask;		/* IPv4: the mask in network order; IPv6: prefix length */
	struct ipvs_dest *dests;
	size_t dest_count, dest_capacity;
};

struct ipvs_table {
	struct ipvs_service *services;
	size_t count, capacity;
};

struct ipvs_info {
	uint32_t version;		/* e.g. 0x010201 = 1.2.1 */
	uint32_t conn_tab_size;
};

/* --- keys and comparisons (pure) -------------------------------------------- */

bool ipvs_same_service(const struct ipvs_service *a, const struct ipvs_service *b);
bool ipvs_same_dest(const struct ipvs_dest *a, const struct ipvs_dest *b);
/* Whether the settings (scheduler, persistence engine, flags, persistence)
 * differ: every setting a service has, so that a difference in any is
 * planned, and a SET_SERVICE (which replaces them all) strips none. */
bool ipvs_service_differs(const struct ipvs_service *want, const struct ipvs_service *have);
bool ipvs_dest_differs(const struct ipvs_dest *want, const struct ipvs_dest *have);
/* ipvsadm's listing order (fwmark, family, protocol, address, port). */
int ipvs_service_order(const struct ipvs_service *a, const struct ipvs_service *b);
int ipvs_dest_order(const struct ipvs_dest *a, const struct ipvs_dest *b);

void ipvs_service_add_dest(struct ipvs_service *service, const struct ipvs_dest *dest);
struct ipvs_service *ipvs_table_add(struct ipvs_table *table, const struct ipvs_service *service);
void ipvs_service_free(struct ipvs_service *service);
void ipvs_table_free(struct ipvs_table *table);

/* --- requests (encoding is pure, see ipvs_msg.c) ------------------------------ */

enum ipvs_op {
	IPVS_OP_NEW_SERVICE, IPVS_OP_SET_SERVICE, IPVS_OP_DEL_SERVICE,
	IPVS_OP_NEW_DEST, IPVS_OP_SET_DEST, IPVS_OP_DEL_DEST,
};

struct ipvs_request {
	enum ipvs_op op;
	const struct ipvs_service *service;	/* the service, or the dest's service */
	const struct ipvs_dest *dest;		/* *_DEST only */
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

/* Parse one reply. 0, or -1 when it is not one of these. */
int ipvs_parse_service(struct nlmsghdr *nlh, struct ipvs_service *out);
int ipvs_parse_dest(struct nlmsghdr *nlh, uint16_t af, struct ipvs_dest *out);
int ipvs_parse_info(struct nlmsghdr *nlh, struct ipvs_info *out);

/* --- the kernel ------------------------------------------------------------------ */

struct nl_sock;
struct ipvs_conn {
	struct nl_sock *sock;		/* libnl-genl's socket */
	struct nl_conn nl;		/* the same socket, for batches and dumps */
	int family;			/* the "IPVS" generic netlink family id */
};

/* Connect and resolve the family once. -ENOENT: the kernel has no IPVS. */
int ipvs_open(struct ipvs_conn *conn);
void ipvs_close(struct ipvs_conn *conn);

int ipvs_get_info(struct ipvs_conn *conn, struct ipvs_info *info);
/* The services, without their real servers: one dump. 0 or -errno. */
int ipvs_dump_services(struct ipvs_conn *conn, struct ipvs_table *table);
/* The real servers of each service in TABLE: one dump per service. A
 * service another program deleted since the service dump is taken out of
 * TABLE and added to GONE (keys and settings, no real servers). 0 or -errno;
 * on error TABLE is freed. */
int ipvs_dump_dests(struct ipvs_conn *conn, struct ipvs_table *table, struct ipvs_table *gone);
/* The whole table: both of the above. */
int ipvs_dump(struct ipvs_conn *conn, struct ipvs_table *table, struct ipvs_table *gone);

/* Send REQUESTS, many per sendmsg, and match every ACK; results[i] is
 * request i's outcome. Stops after the first chunk that had an error:
 * *sent tells how many were sent (and answered). 0 or -errno. */
int ipvs_send(struct ipvs_conn *conn, const struct ipvs_request *requests, size_t count,
	      struct nl_result *results, size_t *sent);

#endif
