/* fuzz_ipvs_conn: /proc/net/ip_vs_conn as the director reads it
 * (agent/kernel/ipvs_connections.c), whatever the bytes: every line either
 * refused whole or parsed into fields of their shape — printable names
 * within their arrays, a family for each address — and the entries listed
 * as `director connections` lists them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "director/connections.h"
#include "kernel/ipvs_connections.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void shaped(const char *field, size_t size, const char *what)
{
	size_t len = strnlen(field, size);

	if (len == size) {
		fprintf(stderr, "fuzz_ipvs_conn: %s not terminated\n", what);
		abort();
	}
	for (size_t i = 0; i < len; i++)
		if (field[i] <= ' ' || field[i] > '~') {
			fprintf(stderr, "fuzz_ipvs_conn: %s has byte %#x\n", what,
				(unsigned char)field[i]);
			abort();
		}
}

static int on_entry(const struct ipvs_connection *c, void *data)
{
	FILE *out = data;

	shaped(c->protocol, sizeof(c->protocol), "protocol");
	shaped(c->state, sizeof(c->state), "state");
	if (c->pe_name[0]) {
		shaped(c->pe_name, sizeof(c->pe_name), "pe name");
		shaped(c->pe_data, sizeof(c->pe_data), "pe data");
	}
	if ((c->client.family != AF_INET && c->client.family != AF_INET6) ||
	    c->client.family != c->virt.family ||
	    (c->dest.family != AF_INET && c->dest.family != AF_INET6)) {
		fprintf(stderr, "fuzz_ipvs_conn: an address without its family\n");
		abort();
	}
	director_conn_line(out, c);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in = size ? fmemopen((void *)data, size, "r") : NULL;
	FILE *out = fopen("/dev/null", "w");
	size_t skipped;

	if (in && out)
		ipvs_connections_scan(in, on_entry, out, &skipped);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	return 0;
}
