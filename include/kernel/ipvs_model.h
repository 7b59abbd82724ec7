/* ipvs_model: the kernel's IP Virtual Server table in memory — services
 * and their real servers, as generic netlink carries them — with keys,
 * comparisons and ownership of arrays. Pure. */
#ifndef LVSAGENT_KERNEL_IPVS_MODEL_H
#define LVSAGENT_KERNEL_IPVS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ipaddr.h"

#define IPVS_SCHED_MAX 16		/* IP_VS_SCHEDNAME_MAXLEN */
#define IPVS_PE_MAX 16			/* IP_VS_PENAME_MAXLEN */

/* What the kernel counts for a service or a real server (ipvsadm --stats
 * and --rate): totals since it was added, and rates per second the kernel
 * estimates (every 2 seconds, averaged). Reported only. */
struct ipvs_stats {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;
};

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
	struct ipvs_stats stats;
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
	struct ipvs_stats stats;	/* reported by the kernel only */
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

#endif
