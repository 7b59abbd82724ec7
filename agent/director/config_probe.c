/* config_probe: the keys of the check types, each into its service's
 * struct dir_probe, and, once the section is read, each against the
 * service's check type. https_ca, exec and exec_user are looked up on this
 * host as they are read: a file that names what is not there says so at
 * its line. */
#include "director/config_probe.h"

#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "director/syntax.h"
#include "lib/diag.h"
#include "lib/xalloc.h"

#define STATUS_MIN 100
#define STATUS_MAX 599
#define DNS_LABEL_MAX 63
#define DNS_NAME_MAX 253	/* without the trailing dot */
#define DEFAULT_EXEC_USER "nobody"

#define FERR(p, line, ...) diag_add((p)->diag, (p)->cfg->file, (line), __VA_ARGS__)

static const char *const kind_names[] = {
	[CHECK_NONE] = "none", [CHECK_TCP] = "tcp", [CHECK_HTTP] = "http",
	[CHECK_HTTPS] = "https", [CHECK_DNS] = "dns", [CHECK_UDP] = "udp",
	[CHECK_EXEC] = "exec",
};

#define KIND_COUNT (sizeof(kind_names) / sizeof(kind_names[0]))

bool config_probe_check_kind(const char *name, enum dir_check_kind *kind)
{
	for (size_t i = 0; i < KIND_COUNT; i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*kind = (enum dir_check_kind)i;
			return true;
		}
	}
	return false;
}

const char *config_probe_kind_name(enum dir_check_kind kind)
{
	return (size_t)kind < KIND_COUNT ? kind_names[kind] : "?";
}

/* --- the values -------------------------------------------------------------- */

/* VALUE fits a field of SIZE bytes, or said it does not. */
static bool fits(struct config_parser *p, const char *key, const char *value, size_t size)
{
	if (strlen(value) < size)
		return true;
	ERR(p, "%s is too long (at most %zu bytes)", key, size - 1);
	return false;
}

static bool parse_http_path(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	if (!fits(p, "http_path", value, sizeof(probe->http_path)))
		return false;
	if (value[0] != '/') {
		ERR(p, "http_path must start with \"/\", not \"%s\"", value);
		return false;
	}
	for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
		if (*c <= ' ' || *c == 0x7f) {
			ERR(p, "http_path must have no spaces or control characters (write them "
			    "%%XX), not \"%s\"", value);
			return false;
		}
	}
	strcpy(probe->http_path, value);
	return true;
}

static bool parse_http_host(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	if (!fits(p, "http_host", value, sizeof(probe->http_host)))
		return false;
	for (const char *c = value; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr(".-:[]", *c)) {
			ERR(p, "http_host must be a host name or address (letters, digits, '.', '-', "
			    "':', '[' and ']'), not \"%s\"", value);
			return false;
		}
	}
	strcpy(probe->http_host, value);
	return true;
}

/* "200" or "200-299" (each within STATUS_MIN..STATUS_MAX) into RANGE,
 * which may end below its start (the caller says so). */
static bool parse_status_item(const char *item, struct http_status_range *range)
{
	const char *dash = strchr(item, '-');
	size_t n = dash ? (size_t)(dash - item) : strlen(item);
	unsigned long low, high;
	char text[8];

	if (n >= sizeof(text))
		return false;
	memcpy(text, item, n);
	text[n] = '\0';
	if (!director_parse_number(text, STATUS_MAX, &low) || low < STATUS_MIN)
		return false;
	high = low;
	if (dash && (!director_parse_number(dash + 1, STATUS_MAX, &high) || high < STATUS_MIN))
		return false;
	range->low = (uint16_t)low;
	range->high = (uint16_t)high;
	return true;
}

static bool parse_http_status(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	struct http_status_range ranges[HTTP_STATUS_RANGES];
	char *copy = xstrdup(value), *save = NULL;
	size_t count = 0;
	bool ok = true;

	for (char *item = strtok_r(copy, ", \t", &save); item && ok;
	     item = strtok_r(NULL, ", \t", &save)) {
		struct http_status_range range;
		if (!parse_status_item(item, &range)) {
			ERR(p, "http_status: \"%s\" is not a status code (%d to %d) or a range of "
			    "them (200-299)", item, STATUS_MIN, STATUS_MAX);
			ok = false;
		} else if (range.low > range.high) {
			ERR(p, "http_status: the range \"%s\" ends below its start", item);
			ok = false;
		} else if (count == HTTP_STATUS_RANGES) {
			ERR(p, "http_status has more than %d codes or ranges", HTTP_STATUS_RANGES);
			ok = false;
		} else {
			ranges[count++] = range;
		}
	}
	free(copy);
	if (ok && !count) {
		ERR(p, "http_status names no status code");
		ok = false;
	}
	if (ok) {
		memcpy(probe->http_status, ranges, count * sizeof(ranges[0]));
		probe->http_status_count = count;
	}
	return ok;
}

static bool parse_http_body(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	if (!fits(p, "http_body", value, sizeof(probe->http_body)))
		return false;
	strcpy(probe->http_body, value);
	return true;
}

static bool parse_https_verify(struct config_parser *p, struct dir_probe *probe,
			       const char *value)
{
	if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
		ERR(p, "https_verify must be yes or no, not \"%s\"", value);
		return false;
	}
	probe->https_verify = value[0] == 'y';
	return true;
}

/* Read now, as the probe will: a regular file that opens. O_NONBLOCK: a
 * FIFO does not hang the reader. */
static bool parse_https_ca(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	struct stat st;
	int fd;

	if (value[0] != '/') {
		ERR(p, "https_ca must be an absolute path, not \"%s\"", value);
		return false;
	}
	if (!fits(p, "https_ca", value, sizeof(probe->https_ca)))
		return false;
	fd = open(value, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		ERR(p, "https_ca %s: %s", value, strerror(errno));
		return false;
	}
	bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	if (!regular) {
		ERR(p, "https_ca %s is not a regular file", value);
		return false;
	}
	strcpy(probe->https_ca, value);
	return true;
}

enum dns_name_problem { DNS_NAME_OK, DNS_NAME_LONG, DNS_LABEL_LONG, DNS_NAME_BAD };

/* Labels of letters, digits, '-' and '_', a trailing dot allowed; "." is
 * the root. */
static enum dns_name_problem dns_name_problem(const char *name)
{
	size_t len = strlen(name), label = 0;

	if (strcmp(name, ".") == 0)
		return DNS_NAME_OK;
	if (len && name[len - 1] == '.')
		len--;
	if (len > DNS_NAME_MAX)
		return DNS_NAME_LONG;
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '.' && !label)
			return DNS_NAME_BAD;	/* an empty label */
		if (name[i] == '.') {
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
			return DNS_NAME_BAD;
		if (++label > DNS_LABEL_MAX)
			return DNS_LABEL_LONG;
	}
	return label ? DNS_NAME_OK : DNS_NAME_BAD;
}

static bool parse_dns_name(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	switch (dns_name_problem(value)) {
	case DNS_NAME_OK:
		strcpy(probe->dns_name, value);	/* 253 bytes and a dot at most */
		return true;
	case DNS_NAME_LONG:
		ERR(p, "dns_name is longer than %d bytes", DNS_NAME_MAX);
		return false;
	case DNS_LABEL_LONG:
		ERR(p, "dns_name \"%s\" has a label longer than %d bytes", value, DNS_LABEL_MAX);
		return false;
	case DNS_NAME_BAD:
		break;
	}
	ERR(p, "dns_name must be a domain name (labels of letters, digits, '-' and '_' between "
	    "dots), not \"%s\"", value);
	return false;
}

struct named_number {
	const char *name;
	unsigned number;
};

static const struct named_number dns_types[] = {
	{ "A", ns_t_a }, { "AAAA", ns_t_aaaa }, { "SOA", ns_t_soa }, { "NS", ns_t_ns },
	{ "MX", ns_t_mx }, { "TXT", ns_t_txt }, { "CNAME", ns_t_cname }, { "PTR", ns_t_ptr },
	{ "SRV", ns_t_srv }, { "ANY", ns_t_any },
};

static const struct named_number dns_rcodes[] = {
	{ "NOERROR", ns_r_noerror }, { "NXDOMAIN", ns_r_nxdomain }, { "SERVFAIL", ns_r_servfail },
	{ "REFUSED", ns_r_refused }, { "FORMERR", ns_r_formerr }, { "NOTIMP", ns_r_notimpl },
};

/* KEY = VALUE, one of TABLE's N names in any case, into *NUMBER; or said
 * which names there are. */
static bool parse_named(struct config_parser *p, const char *key,
			const struct named_number *table, size_t n, const char *value,
			unsigned *number)
{
	char names[128];
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(value, table[i].name) == 0) {
			*number = table[i].number;
			return true;
		}
	}
	for (size_t i = 0; i < n && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
					 i == 0 ? "" : i + 1 == n ? " or " : ", ", table[i].name);
	ERR(p, "%s must be %s, not \"%s\"", key, names, value);
	return false;
}

static bool parse_dns_type(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	unsigned type = 0;

	if (!parse_named(p, "dns_type", dns_types, sizeof(dns_types) / sizeof(dns_types[0]), value,
			 &type))
		return false;
	probe->dns_type = (uint16_t)type;
	return true;
}

static bool parse_dns_rcode(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	unsigned rcode = 0;

	if (!parse_named(p, "dns_rcode", dns_rcodes, sizeof(dns_rcodes) / sizeof(dns_rcodes[0]),
			 value, &rcode))
		return false;
	probe->dns_rcode = (uint8_t)rcode;
	return true;
}

static int hex_digit(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/* The escape at *C (a backslash) into *BYTE, *C moved past it; false when
 * it is none of \n, \r, \t, \\, \xNN. */
static bool decode_escape(const char **c, uint8_t *byte)
{
	const char *e = *c;

	switch (e[1]) {
	case 'n': *byte = '\n'; break;
	case 'r': *byte = '\r'; break;
	case 't': *byte = '\t'; break;
	case '\\': *byte = '\\'; break;
	case 'x':
		if (!isxdigit((unsigned char)e[2]) || !isxdigit((unsigned char)e[3]))
			return false;
		*byte = (uint8_t)(hex_digit(e[2]) << 4 | hex_digit(e[3]));
		*c += 4;
		return true;
	default:
		return false;
	}
	*c += 2;
	return true;
}

/* udp_send, udp_expect: TEXT with its escapes decoded into OUT
 * (CHECK_PAYLOAD_MAX bytes), its length in *LEN. */
static bool parse_payload(struct config_parser *p, const char *key, const char *text,
			  uint8_t *out, size_t *len)
{
	size_t n = 0;

	for (const char *c = text; *c;) {
		uint8_t byte = (uint8_t)*c;
		if (*c != '\\') {
			c++;
		} else if (!decode_escape(&c, &byte)) {
			/* The backslash and what it was taken to start. */
			int shown = (int)strnlen(c, c[1] == 'x' ? 4 : 2);
			ERR(p, "%s: \"%.*s\" is not an escape (\\n, \\r, \\t, \\\\, \\xNN)", key, shown,
			    c);
			return false;
		}
		if (n == CHECK_PAYLOAD_MAX) {
			ERR(p, "%s is longer than %d bytes (escapes decoded)", key, CHECK_PAYLOAD_MAX);
			return false;
		}
		out[n++] = byte;
	}
	*len = n;
	return true;
}

static bool parse_udp_send(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	return parse_payload(p, "udp_send", value, probe->udp_send, &probe->udp_send_len);
}

static bool parse_udp_expect(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	probe->udp_expect_given = parse_payload(p, "udp_expect", value, probe->udp_expect,
						&probe->udp_expect_len);
	return probe->udp_expect_given;
}

/* The program must be there to run now: an executable regular file. */
static bool parse_exec(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	struct stat st;

	if (value[0] != '/') {
		ERR(p, "exec must be an absolute path, not \"%s\"", value);
		return false;
	}
	if (!fits(p, "exec", value, sizeof(probe->exec)))
		return false;
	if (stat(value, &st) < 0) {
		ERR(p, "exec %s: %s", value, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		ERR(p, "exec %s is not a regular file", value);
		return false;
	}
	if (access(value, X_OK) < 0) {
		ERR(p, "exec %s is not executable: %s", value, strerror(errno));
		return false;
	}
	strcpy(probe->exec, value);
	return true;
}

/* NAME's uid and gid into PROBE: 0, ENOENT when there is no such user, or
 * the error that kept it from being looked up. */
static int lookup_user(const char *name, struct dir_probe *probe)
{
	struct passwd pw, *found = NULL;
	size_t size = 1024;
	char *buf = NULL;
	int err;

	do {
		buf = xrealloc_array(buf, size *= 2, 1);
		err = getpwnam_r(name, &pw, buf, size, &found);
	} while (err == ERANGE && size < (1u << 20));
	if (!err && found) {
		probe->exec_uid = (uint32_t)pw.pw_uid;
		probe->exec_gid = (uint32_t)pw.pw_gid;
	}
	free(buf);
	/* "Not found" comes as 0 or as one of these, by the NSS module. */
	if ((!err && !found) || err == ENOENT || err == ESRCH || err == EBADF || err == EPERM)
		return ENOENT;
	return err;
}

/* "root" is taken when named: the default is never root. */
static bool parse_exec_user(struct config_parser *p, struct dir_probe *probe, const char *value)
{
	int err;

	if (!fits(p, "exec_user", value, sizeof(probe->exec_user)))
		return false;
	err = lookup_user(value, probe);
	if (err == ENOENT)
		ERR(p, "exec_user \"%s\": no such user", value);
	else if (err)
		ERR(p, "exec_user \"%s\": %s", value, strerror(err));
	else
		strcpy(probe->exec_user, value);
	return !err;
}

/* --- the keys ---------------------------------------------------------------- */

_Static_assert(PROBE_KEY_COUNT == DIR_PROBE_KEYS, "DIR_PROBE_KEYS counts enum probe_key");

#define KIND(kind) (1u << (kind))
#define HTTP_KINDS (KIND(CHECK_HTTP) | KIND(CHECK_HTTPS))

static const struct probe_key_info {
	const char *name;
	unsigned kinds;		/* the check types it is for */
	bool (*parse)(struct config_parser *p, struct dir_probe *probe, const char *value);
} probe_keys[PROBE_KEY_COUNT] = {
	[PROBE_HTTP_PATH] = { "http_path", HTTP_KINDS, parse_http_path },
	[PROBE_HTTP_HOST] = { "http_host", HTTP_KINDS, parse_http_host },
	[PROBE_HTTP_STATUS] = { "http_status", HTTP_KINDS, parse_http_status },
	[PROBE_HTTP_BODY] = { "http_body", HTTP_KINDS, parse_http_body },
	[PROBE_HTTPS_VERIFY] = { "https_verify", KIND(CHECK_HTTPS), parse_https_verify },
	[PROBE_HTTPS_CA] = { "https_ca", KIND(CHECK_HTTPS), parse_https_ca },
	[PROBE_DNS_NAME] = { "dns_name", KIND(CHECK_DNS), parse_dns_name },
	[PROBE_DNS_TYPE] = { "dns_type", KIND(CHECK_DNS), parse_dns_type },
	[PROBE_DNS_RCODE] = { "dns_rcode", KIND(CHECK_DNS), parse_dns_rcode },
	[PROBE_UDP_SEND] = { "udp_send", KIND(CHECK_UDP), parse_udp_send },
	[PROBE_UDP_EXPECT] = { "udp_expect", KIND(CHECK_UDP), parse_udp_expect },
	[PROBE_EXEC] = { "exec", KIND(CHECK_EXEC), parse_exec },
	[PROBE_EXEC_USER] = { "exec_user", KIND(CHECK_EXEC), parse_exec_user },
};

void config_probe_key(struct config_parser *p, enum probe_key key, struct dir_probe *probe,
		      struct dir_probe_keys *keys, const char *value)
{
	keys->line[key] = p->line;
	if (!probe_keys[key].parse(p, probe, value))
		keys->refused |= 1u << key;
}

void config_probe_defaults(struct dir_probe *probe)
{
	strcpy(probe->http_path, "/");
	probe->http_status[0] = (struct http_status_range){ .low = 200, .high = 299 };
	probe->http_status_count = 1;
	probe->dns_type = ns_t_a;
	probe->dns_rcode = ns_r_noerror;
	strcpy(probe->exec_user, DEFAULT_EXEC_USER);
}

/* "http or https": the check types of KINDS. */
static const char *kinds_text(unsigned kinds, char *buf, size_t len)
{
	size_t used = 0, left = (size_t)__builtin_popcount(kinds);

	buf[0] = '\0';
	for (size_t i = 0; i < KIND_COUNT && used < len; i++)
		if (kinds & KIND(i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s", kind_names[i],
						 --left == 0 ? "" : left == 1 ? " or " : ", ");
	return buf;
}

/* Each key given is one of check type KIND (the section read, since keys
 * may come before the check line). */
static void check_key_kinds(struct config_parser *p, enum dir_check_kind kind,
			    const struct dir_probe_keys *keys)
{
	char kinds[64];

	for (size_t k = 0; k < PROBE_KEY_COUNT; k++) {
		const struct probe_key_info *key = &probe_keys[k];
		if (!keys->line[k] || (keys->refused & (1u << k)) || (key->kinds & KIND(kind)))
			continue;
		kinds_text(key->kinds, kinds, sizeof(kinds));
		if (kind == CHECK_NONE)
			FERR(p, keys->line[k], "%s is for check = %s (this service has no check)",
			     key->name, kinds);
		else
			FERR(p, keys->line[k], "%s is for check = %s, not %s", key->name, kinds,
			     kind_names[kind]);
	}
}

void config_probe_finish(struct config_parser *p, enum dir_check_kind kind, int check_line,
			 struct dir_probe *probe, const struct dir_probe_keys *keys)
{
	static const struct { enum dir_check_kind kind; enum probe_key key; } needs[] = {
		{ CHECK_DNS, PROBE_DNS_NAME }, { CHECK_UDP, PROBE_UDP_SEND }, { CHECK_EXEC, PROBE_EXEC },
	};
	int err;

	check_key_kinds(p, kind, keys);
	/* A refused key was given: said already, not also missing. */
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
		if (kind == needs[i].kind && !keys->line[needs[i].key])
			FERR(p, check_line, "check = %s needs %s", kind_names[kind],
			     probe_keys[needs[i].key].name);
	if (kind != CHECK_EXEC || keys->line[PROBE_EXEC_USER])
		return;
	err = lookup_user(DEFAULT_EXEC_USER, probe);
	if (err == ENOENT)
		FERR(p, check_line, "check = exec runs as exec_user \"%s\" by default: no such "
		     "user (set exec_user)", DEFAULT_EXEC_USER);
	else if (err)
		FERR(p, check_line, "check = exec runs as exec_user \"%s\" by default: %s",
		     DEFAULT_EXEC_USER, strerror(err));
}
