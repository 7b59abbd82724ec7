/* ipvs_connections: the kernel's IPVS connection table, as
 * /proc/net/ip_vs_conn shows it (generic netlink has no dump of it): one
 * line per connection, and per persistence template. The text is treated
 * as untrusted: a line too long, or with a field out of shape, is counted
 * and skipped, never half-read. */
#ifndef LVSAGENT_KERNEL_IPVS_CONNECTIONS_H
#define LVSAGENT_KERNEL_IPVS_CONNECTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/ipaddr.h"

#define IPVS_CONN_FILE "/proc/net/ip_vs_conn"
/* The longest line taken: three IPv6 addresses, a persistence engine's
 * name and its data (the kernel's IP_VS_PEDATA_MAXLEN is 255) fit. */
#define IPVS_CONN_LINE_MAX 512

struct ipvs_connection {
	char protocol[8];		/* "TCP", "UDP", "SCTP", ... as the kernel names it */
	struct ipaddr client, virt, dest;
	uint16_t cport, vport, dport;
	char state[16];			/* "ESTABLISHED", "FIN_WAIT", "NONE", ... */
	uint32_t expires;		/* seconds left */
	char pe_name[16];		/* persistence engine ("sip"), or "" */
	char pe_data[256];
};

/* One line of the file (without or with its "\n"): 0, or -1 when it is
 * not a connection line. Pure. */
int ipvs_connection_parse(const char *line, struct ipvs_connection *out);

/* Each connection line of IN (the header skipped) given to ON_ENTRY, which
 * returns 0 to go on. *SKIPPED counts the lines refused. 0, ON_ENTRY's
 * non-zero, or -errno when IN cannot be read. */
typedef int (*ipvs_connection_cb)(const struct ipvs_connection *conn, void *data);
int ipvs_connections_scan(FILE *in, ipvs_connection_cb on_entry, void *data, size_t *skipped);
/* The same over IPVS_CONN_FILE: -ENOENT when the kernel has no IPVS. */
int ipvs_connections_read(ipvs_connection_cb on_entry, void *data, size_t *skipped);

#endif
