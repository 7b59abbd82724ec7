/* ipvs_connections: /proc/net/ip_vs_conn, read as untrusted text. The
 * kernel writes (net/netfilter/ipvs/ip_vs_conn.c, ip_vs_conn_seq_show):
 *   PRO CADDR CPORT VADDR VPORT DADDR DPORT STATE EXPIRES [PENAME PEDATA]
 * an IPv4 address as 8 hex digits (host order), IPv6 in full (%pI6),
 * ports as 4 hex digits, EXPIRES in decimal seconds. */
#include "kernel/ipvs_connections.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS_MAX 11

/* Whether TEXT is 1 to MAX characters, each accepted by OK. */
static bool shaped(const char *text, size_t max, int (*ok)(int))
{
	size_t len = strlen(text);

	if (!len || len > max)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!ok((unsigned char)text[i]))
			return false;
	return true;
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '!';
}

static int is_printable(int c)
{
	return isgraph(c);
}

static int parse_hex(const char *text, size_t digits, uint32_t *out)
{
	if (!shaped(text, digits, isxdigit))
		return -1;
	*out = (uint32_t)strtoul(text, NULL, 16);
	return 0;
}

static int parse_port(const char *text, uint16_t *out)
{
	uint32_t value;

	if (parse_hex(text, 4, &value) < 0)
		return -1;
	*out = (uint16_t)value;
	return 0;
}

/* 8 hex digits (IPv4, host order) or an IPv6 address. */
static int parse_addr(const char *text, struct ipaddr *out)
{
	uint8_t bytes[16];
	uint32_t v4;

	if (strchr(text, ':')) {
		if (strlen(text) >= INET6_ADDRSTRLEN || inet_pton(AF_INET6, text, bytes) != 1)
			return -1;
		return ipaddr_from_bytes(out, AF_INET6, bytes, 16);
	}
	if (strlen(text) != 8 || parse_hex(text, 8, &v4) < 0)
		return -1;
	v4 = htonl(v4);
	return ipaddr_from_bytes(out, AF_INET, &v4, 4);
}

static int parse_seconds(const char *text, uint32_t *out)
{
	unsigned long value;

	if (!shaped(text, 10, isdigit))
		return -1;
	value = strtoul(text, NULL, 10);
	if (value > UINT32_MAX)
		return -1;
	*out = (uint32_t)value;
	return 0;
}

/* Split COPY at blanks into at most FIELDS_MAX fields: their count, or -1
 * when there are more. */
static int split(char *copy, char **fields)
{
	int n = 0;

	for (char *save = NULL, *f = strtok_r(copy, " \t\n", &save); f;
	     f = strtok_r(NULL, " \t\n", &save)) {
		if (n == FIELDS_MAX)
			return -1;
		fields[n++] = f;
	}
	return n;
}

static void copy_field(char *to, size_t size, const char *from)
{
	size_t len = strlen(from);

	if (len >= size)
		len = size - 1;
	memcpy(to, from, len);
	to[len] = '\0';
}

int ipvs_connection_parse(const char *line, struct ipvs_connection *out)
{
	char copy[IPVS_CONN_LINE_MAX + 2], *f[FIELDS_MAX];
	size_t len = strlen(line);
	int n;

	memset(out, 0, sizeof(*out));
	if (len && line[len - 1] == '\n')
		len--;
	if (len > IPVS_CONN_LINE_MAX)
		return -1;
	memcpy(copy, line, len);
	copy[len] = '\0';
	n = split(copy, f);
	if ((n != 9 && n != 11) || !shaped(f[0], sizeof(out->protocol) - 1, is_name_char) ||
	    !shaped(f[7], sizeof(out->state) - 1, is_name_char))
		return -1;
	if (parse_addr(f[1], &out->client) < 0 || parse_port(f[2], &out->cport) < 0 ||
	    parse_addr(f[3], &out->virt) < 0 || parse_port(f[4], &out->vport) < 0 ||
	    parse_addr(f[5], &out->dest) < 0 || parse_port(f[6], &out->dport) < 0 ||
	    parse_seconds(f[8], &out->expires) < 0 || out->client.family != out->virt.family)
		return -1;
	if (n == 11 && (!shaped(f[9], sizeof(out->pe_name) - 1, is_name_char) ||
			!shaped(f[10], sizeof(out->pe_data) - 1, is_printable)))
		return -1;
	copy_field(out->protocol, sizeof(out->protocol), f[0]);
	copy_field(out->state, sizeof(out->state), f[7]);
	if (n == 11) {
		copy_field(out->pe_name, sizeof(out->pe_name), f[9]);
		copy_field(out->pe_data, sizeof(out->pe_data), f[10]);
	}
	return 0;
}

/* The rest of a line longer than the buffer, thrown away. */
static void skip_rest(FILE *in)
{
	int c;

	while ((c = getc(in)) != EOF && c != '\n')
		;
}

int ipvs_connections_scan(FILE *in, ipvs_connection_cb on_entry, void *data, size_t *skipped)
{
	char line[IPVS_CONN_LINE_MAX + 2];
	struct ipvs_connection conn;
	bool header = true;
	int err = 0;

	*skipped = 0;
	while (!err && fgets(line, sizeof(line), in)) {
		size_t len = strlen(line);
		bool whole = len && line[len - 1] == '\n';
		if (!whole && !feof(in)) {
			skip_rest(in);
			++*skipped;
			header = false;
			continue;
		}
		/* The first line names the columns. */
		if (header && strncmp(line, "Pro ", 4) == 0) {
			header = false;
			continue;
		}
		header = false;
		if (ipvs_connection_parse(line, &conn) < 0)
			++*skipped;
		else
			err = on_entry(&conn, data);
	}
	if (!err && ferror(in))
		err = -EIO;
	return err;
}

int ipvs_connections_read(ipvs_connection_cb on_entry, void *data, size_t *skipped)
{
	FILE *in = fopen(IPVS_CONN_FILE, "re");
	int err;

	*skipped = 0;
	if (!in)
		return -errno;
	err = ipvs_connections_scan(in, on_entry, data, skipped);
	fclose(in);
	return err;
}
