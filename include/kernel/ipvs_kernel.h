/* ipvs_kernel: the kernel's IP Virtual Server table over generic netlink
 * (libnl-genl-3): the services and real servers, read with one service
 * dump and one destination dump per service, changed with many requests
 * per sendmsg and every ACK matched by sequence number. */
#ifndef LVSAGENT_KERNEL_IPVS_KERNEL_H
#define LVSAGENT_KERNEL_IPVS_KERNEL_H

#include <stddef.h>

#include "kernel/ipvs_daemon.h"
#include "kernel/ipvs_model.h"
#include "kernel/ipvs_msg.h"
#include "kernel/netlink.h"

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
/* The connection timeouts (ipvsadm -L --timeout). 0 or -errno. */
int ipvs_get_timeouts(struct ipvs_conn *conn, struct ipvs_timeouts *timeouts);
/* The services, without their real servers: one dump. 0 or -errno. */
int ipvs_dump_services(struct ipvs_conn *conn, struct ipvs_table *table);
/* The real servers of each service in TABLE: one dump per service. A
 * service another program deleted since the service dump is taken out of
 * TABLE and added to GONE (keys and settings, no real servers). 0 or -errno;
 * on error TABLE is freed. */
int ipvs_dump_dests(struct ipvs_conn *conn, struct ipvs_table *table, struct ipvs_table *gone);
/* The whole table: both of the above. */
int ipvs_dump(struct ipvs_conn *conn, struct ipvs_table *table, struct ipvs_table *gone);

/* The sync daemons the kernel runs: one dump. 0 or -errno. */
int ipvs_dump_daemons(struct ipvs_conn *conn, struct ipvs_daemons *daemons);

/* Send REQUESTS, many per sendmsg, and match every ACK; results[i] is
 * request i's outcome. Stops after the first chunk that had an error:
 * *sent tells how many were sent (and answered). 0 or -errno. */
int ipvs_send(struct ipvs_conn *conn, const struct ipvs_request *requests, size_t count,
	      struct nl_result *results, size_t *sent);

#endif
