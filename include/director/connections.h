/* connections: `lvsagent director connections` — the kernel's connection
 * table as `ipvsadm -Lnc` lists it (ipvsadm 1.31's columns), or as JSON,
 * for every service or one: a [service NAME] of the configuration, or
 * PROTO:VIP:PORT ("tcp:192.0.2.1:80", "tcp:[2001:db8::1]:80", or the
 * configuration's "tcp 192.0.2.1:80"). The formatting and the filter are
 * pure; director_connections reads the kernel's file. */
#ifndef LVSAGENT_DIRECTOR_CONNECTIONS_H
#define LVSAGENT_DIRECTOR_CONNECTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "director/config.h"
#include "kernel/ipvs_connections.h"

struct conn_filter {
	bool any;			/* every connection */
	struct ipvs_service svc;	/* else this service's (protocol, VIP, port) */
	const struct ipvs_dest *dest;	/* and, if set, this real server's only */
};

/* The filter SPEC names, looked up in CFG (NULL: no configuration) when it
 * is a name. 0, or -1 with *WHY. */
int director_conn_filter(const struct director_config *cfg, const char *spec,
			 struct conn_filter *filter, const char **why);
bool director_conn_matches(const struct conn_filter *filter, const struct ipvs_connection *c);

/* ipvsadm -Lnc's two header lines, and one connection's line. */
void director_conn_header(FILE *out);
void director_conn_line(FILE *out, const struct ipvs_connection *c);

/* The listing (JSON: an object with a "connections" array) of the
 * connections FILTER passes. 0, or -errno when the table cannot be read. */
int director_connections(FILE *out, const struct conn_filter *filter, bool json);

/* How many entries of the table (connections and persistence templates)
 * go through real server DEST of SVC: -errno when the table cannot be
 * read. For a drained real server's status. */
long director_conn_count(const struct ipvs_service *svc, const struct ipvs_dest *dest);

#endif
