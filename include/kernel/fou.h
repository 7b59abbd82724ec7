/* fou: the kernel's fou generic netlink family — the UDP ports on which
 * it takes GUE (or plain fou) packets apart and hands the packet inside
 * to its protocol (ipip's tunl0, ip6ip6's ip6tnl0). Resolving the family,
 * reading the ports, and the requests that add and remove one. The fou
 * module is never loaded on demand: without it the family is missing. */
#ifndef LVSAGENT_KERNEL_FOU_H
#define LVSAGENT_KERNEL_FOU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/netlink.h"

struct fou_port {
	uint16_t port;			/* host byte order */
	uint8_t family;			/* AF_INET, AF_INET6: the socket's */
	uint8_t type;			/* FOU_ENCAP_GUE, FOU_ENCAP_DIRECT */
};

struct fou_conn {
	struct nl_conn nl;		/* a generic netlink socket */
	uint16_t family_id;		/* 0: the fou family is missing */
};

/* A generic netlink socket, and the fou family's id on it (0 when the
 * kernel has none: fou not loaded). 0 or -errno (opening the socket). */
int fou_open(struct fou_conn *conn);
void fou_close(struct fou_conn *conn);

/* Every fou port of the network namespace, into *PORTS (the caller
 * frees). 0 or -errno (-ENOENT: no fou family). */
int fou_dump(struct fou_conn *conn, struct fou_port **ports, size_t *count);

/* A GUE port PORT added (ADD) or removed, appended to BATCH. */
void fou_put_port(struct nl_batch *batch, uint16_t family_id, bool add, const struct fou_port *port);
/* Parse one FOU_CMD_GET reply: 0, or -1 when it is not a port. Pure. */
int fou_parse_port(const struct nlmsghdr *nlh, struct fou_port *out);

#endif
