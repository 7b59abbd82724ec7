/* config: the [director] and [service NAME] keys, and the checks
 * that need the whole file (every service has a virtual, real servers of
 * its family, no virtual twice, no real server twice in a service, health
 * check settings that fit together). */
#include "director/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ip_vs.h>

#include "director/config_probe.h"
#include "director/config_sync.h"
#include "director/config_tunable.h"
#include "director/state.h"
#include "director/syntax.h"
#include "lib/hashmap.h"
#include "lib/xalloc.h"

#define DEFAULT_SCHEDULER "wlc"
/* inih keeps section names to 50 bytes: "service " and the name fit. */
#define SERVICE_NAME_MAX 40

/* The defaults of the daemon's timing and of a service's checks. */
#define DEFAULT_TABLE_CHECK_MS 5000
#define DEFAULT_CHECK_INTERVAL_MS 5000
#define DEFAULT_CHECK_TIMEOUT_MS 2000
#define DEFAULT_RISE 2
#define DEFAULT_FALL 3
#define TABLE_CHECK_MAX_S 86400
#define CHECK_INTERVAL_MAX_S 3600
#define RISE_FALL_MAX 1000
#define DEFAULT_EXEC_MAX 8
#define EXEC_MAX_MAX 1000

static struct director_config *dir_of(struct config_parser *p)
{
	return p->data;
}

/* The [service NAME] being read (section_begin set it). */
static struct dir_service *service_of(struct config_parser *p)
{
	return p->section;
}

static void config_dir_manage(struct config_parser *p, const char *value)
{
	if (strcmp(value, "owned") == 0 || strcmp(value, "all") == 0)
		dir_of(p)->manage_all = strcmp(value, "all") == 0;
	else
		ERR(p, "manage must be owned or all, not \"%s\"", value);
}

static void config_dir_vip_interface(struct config_parser *p, const char *value)
{
	const char *problem = director_vip_interface_problem(value);

	if (problem) {
		ERR(p, "vip_interface \"%s\" %s", value, problem);
		return;
	}
	strcpy(dir_of(p)->vip_interface, value);
	dir_of(p)->vip_interface_line = p->line;
}

/* "2", "0.5", "1.25": seconds to the millisecond, above 0 and at most
 * MAX_S, into *MS. A leading digit is required and no sign, exponent or
 * blank is taken (strtod would take all three): the value is what it
 * reads as. */
static bool parse_seconds(const char *text, uint32_t max_s, uint32_t *ms)
{
	uint64_t whole = 0, total;
	uint32_t fraction = 0, scale = 100;
	const char *c = text;

	if (!isdigit((unsigned char)*c))
		return false;
	for (; isdigit((unsigned char)*c); c++)
		if ((whole = whole * 10 + (uint64_t)(*c - '0')) > max_s)
			return false;
	if (*c == '.' && !isdigit((unsigned char)*++c))
		return false;	/* "1." */
	for (; isdigit((unsigned char)*c); c++, scale /= 10) {
		if (!scale)
			return false;	/* finer than a millisecond */
		fraction += (uint32_t)(*c - '0') * scale;
	}
	total = whole * 1000 + fraction;
	if (*c || !total || total > (uint64_t)max_s * 1000)
		return false;
	*ms = (uint32_t)total;
	return true;
}

/* KEY = VALUE in seconds into *MS, or said why not. */
static bool config_seconds(struct config_parser *p, const char *key, const char *value,
			   uint32_t max_s, uint32_t *ms)
{
	if (parse_seconds(value, max_s, ms))
		return true;
	ERR(p, "%s must be seconds, like 2 or 0.5 (above 0, at most %u, to the millisecond), "
	    "not \"%s\"", key, max_s, value);
	return false;
}

/* MS as the file writes seconds: "2", "0.5", "1.25". */
static const char *format_seconds(uint32_t ms, char *buf, size_t len)
{
	char *end;

	snprintf(buf, len, "%u.%03u", ms / 1000, ms % 1000);
	end = buf + strlen(buf);
	while (end[-1] == '0')
		*--end = '\0';
	if (end[-1] == '.')
		end[-1] = '\0';
	return buf;
}

static void config_dir_table_check_interval(struct config_parser *p, const char *value)
{
	config_seconds(p, "table_check_interval", value, TABLE_CHECK_MAX_S,
		       &dir_of(p)->table_check_interval_ms);
}

/* The daemon writes the file anew (see README): a path it cannot climb
 * out of, naming a file, not a directory. */
static void config_dir_metrics_file(struct config_parser *p, const char *value)
{
	size_t len = strlen(value);

	if (value[0] != '/')
		ERR(p, "metrics_file must be an absolute path, not \"%s\"", value);
	else if (value[len - 1] == '/')
		ERR(p, "metrics_file \"%s\" names a directory: name the file", value);
	else if (config_path_has_dot_component(value))
		ERR(p, "metrics_file must not contain \".\" or \"..\" components, not \"%s\"",
		    value);
	else if (len > PATH_MAX - 64)	/* room for a temporary name beside it */
		ERR(p, "metrics_file is too long");
	else
		dir_of(p)->metrics_file = xstrdup(value);
}

static void config_dir_on_stop(struct config_parser *p, const char *value)
{
	if (strcmp(value, "keep") == 0 || strcmp(value, "withdraw") == 0)
		dir_of(p)->withdraw_on_stop = strcmp(value, "withdraw") == 0;
	else
		ERR(p, "on_stop must be keep or withdraw, not \"%s\"", value);
}

static void config_dir_exec_max(struct config_parser *p, const char *value)
{
	int n;

	if (!config_small_int(value, &n) || n < 1 || n > EXEC_MAX_MAX) {
		ERR(p, "exec_max must be a number of exec checks from 1 to %d, not \"%s\"",
		    EXEC_MAX_MAX, value);
		return;
	}
	dir_of(p)->exec_max = (unsigned)n;
}

static void defaults(void *data)
{
	struct director_config *dir = data;

	dir->table_check_interval_ms = DEFAULT_TABLE_CHECK_MS;
	dir->exec_max = DEFAULT_EXEC_MAX;
}

static bool valid_service_name(const char *name)
{
	if (!*name || strlen(name) > SERVICE_NAME_MAX)
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("_.-", *c))
			return false;
	return true;
}

static struct dir_service *config_service_begin(struct config_parser *p, const char *name)
{
	struct director_config *dir = dir_of(p);
	struct dir_service *service;

	if (!valid_service_name(name)) {
		ERR(p, "[service %s]: a service name is 1 to %d letters, digits, '_', '.' or '-'",
		    name, SERVICE_NAME_MAX);
		return NULL;
	}
	XGROW(dir->services, dir->service_count, dir->service_capacity);
	service = &dir->services[dir->service_count++];
	memset(service, 0, sizeof(*service));
	strcpy(service->name, name);
	service->line = p->line;
	strcpy(service->svc.scheduler, DEFAULT_SCHEDULER);
	service->check.interval_ms = DEFAULT_CHECK_INTERVAL_MS;
	service->check.timeout_ms = DEFAULT_CHECK_TIMEOUT_MS;	/* settled in finish */
	service->check.rise = DEFAULT_RISE;
	service->check.fall = DEFAULT_FALL;
	config_probe_defaults(&service->check.probe);
	return service;
}

static void config_svc_virtual(struct config_parser *p, const char *value)
{
	struct ipvs_service *svc = &service_of(p)->svc;
	const char *why;

	if (director_parse_virtual(value, svc, &why) < 0) {
		ERR(p, "virtual \"%s\": %s", value, why);
		service_of(p)->virtual_refused = true;
		return;
	}
	service_of(p)->virtual_line = p->line;
}

/* Which schedulers and engines exist is the kernel's to say (apply probes
 * them first); a name must at least be one it could load. */
static void config_svc_scheduler(struct config_parser *p, const char *value)
{
	if (!director_module_name(value, IPVS_SCHED_MAX)) {
		ERR(p, "scheduler \"%s\" is not a scheduler name (wlc, rr, sh, mh, ...)", value);
		return;
	}
	strcpy(service_of(p)->svc.scheduler, value);
}

static void config_svc_pe(struct config_parser *p, const char *value)
{
	if (!director_module_name(value, IPVS_PE_MAX)) {
		ERR(p, "pe \"%s\" is not a persistence engine name (sip, ...)", value);
		return;
	}
	strcpy(service_of(p)->svc.pe_name, value);
}

static void config_svc_persistence(struct config_parser *p, const char *value)
{
	unsigned long seconds;

	if (!director_parse_number(value, 0xffffffffu, &seconds)) {
		ERR(p, "persistence must be a number of seconds (0 for none), not \"%s\"", value);
		return;
	}
	service_of(p)->svc.timeout = (uint32_t)seconds;
}

static void config_svc_netmask(struct config_parser *p, const char *value)
{
	struct dir_service *service = service_of(p);
	struct in_addr mask;
	unsigned long prefix;

	/* The family is known once the virtual is: keep both readings. */
	if (inet_pton(AF_INET, value, &mask) == 1) {
		uint32_t host = ntohl(mask.s_addr);
		if (host && (~host & (~host + 1))) {
			ERR(p, "netmask %s is not a contiguous mask", value);
			return;
		}
		service->svc.netmask = mask.s_addr;
	} else if (director_parse_number(value, 128, &prefix) && prefix >= 1) {
		service->svc.netmask = (uint32_t)prefix;
	} else {
		ERR(p, "netmask must be a dotted mask (IPv4) or a prefix length (IPv6), not \"%s\"",
		    value);
		return;
	}
	service->netmask_given = true;
	service->netmask_line = p->line;
}

static void add_flag(struct config_parser *p, const char *name)
{
	uint32_t flag;

	if (director_parse_flag(name, &flag) < 0) {
		ERR(p, "unknown flag \"%s\" (sh-fallback, sh-port, mh-fallback, mh-port, "
		    "flag-1, flag-2, flag-3, one-packet)", name);
		return;
	}
	service_of(p)->svc.flags |= flag;
	/* Whether the scheduler has these flags is known once the section is read. */
	const char *scheduler = director_flag_scheduler(name);
	int *line = !scheduler ? NULL : scheduler[0] == 's' ? &service_of(p)->sh_flag_line
							 : &service_of(p)->mh_flag_line;
	if (line && !*line)
		*line = p->line;
}

static void config_svc_flags(struct config_parser *p, const char *value)
{
	char *copy = xstrdup(value), *save = NULL;

	for (char *flag = strtok_r(copy, ", \t", &save); flag; flag = strtok_r(NULL, ", \t", &save))
		add_flag(p, flag);
	free(copy);
}

static bool parse_check_port(const char *text, uint16_t *port)
{
	unsigned long number;

	if (!director_parse_number(text, 65535, &number) || number == 0)
		return false;
	*port = (uint16_t)number;
	return true;
}

/* One check_port= or check_address= option of a realserver line. */
static int parse_dest_check_option(const char *token, struct dir_dest_check *check,
				   const char **why, char *why_buf, size_t why_len)
{
	bool address = strncmp(token, "check_address=", 14) == 0;
	const char *value = strchr(token, '=') + 1;

	if (address ? check->addr.family != 0 : check->port != 0) {
		snprintf(why_buf, why_len, "%s is given twice",
			 address ? "check_address" : "check_port");
		return *why = why_buf, -1;
	}
	if (!address && !parse_check_port(value, &check->port))
		return *why = "check_port must be a port from 1 to 65535", -1;
	if (address && ipaddr_parse(value, &check->addr, why) < 0) {
		snprintf(why_buf, why_len, "check_address \"%s\": %s", value, *why);
		return *why = why_buf, -1;
	}
	return 0;
}

/* The realserver value without its check options (syntax.c knows the
 * kernel's options only), those parsed into CHECK. A string to free, or
 * NULL with *why set. */
static char *split_dest_check(const char *value, struct dir_dest_check *check, const char **why,
			      char *why_buf, size_t why_len)
{
	char *copy = xstrdup(value), *rest = xmalloc(strlen(value) + 1), *save = NULL;
	char *token = strtok_r(copy, " \t", &save);

	memset(check, 0, sizeof(*check));
	rest[0] = '\0';
	/* The first word is the address, whatever it reads like. */
	for (bool first = true; token; token = strtok_r(NULL, " \t", &save), first = false) {
		bool ours = !first && (strncmp(token, "check_port=", 11) == 0 ||
				       strncmp(token, "check_address=", 14) == 0);
		if (ours && parse_dest_check_option(token, check, why, why_buf, why_len) < 0) {
			free(rest);
			rest = NULL;
			break;
		}
		if (!ours)
			strcat(strcat(rest, first ? "" : " "), token);
	}
	free(copy);
	return rest;
}

/* One more real server in SERVICE, with its line and check settings. */
static void add_dest(struct dir_service *service, const struct ipvs_dest *dest, int line,
		     bool port_given, const struct dir_dest_check *check)
{
	size_t n;

	ipvs_service_add_dest(&service->svc, dest);
	n = service->svc.dest_count;
	service->dest_lines = xrealloc_array(service->dest_lines, n, sizeof(int));
	service->dest_port_given = xrealloc_array(service->dest_port_given, n, sizeof(bool));
	service->dest_checks = xrealloc_array(service->dest_checks, n, sizeof(*check));
	service->dest_lines[n - 1] = line;
	service->dest_port_given[n - 1] = port_given;
	service->dest_checks[n - 1] = *check;
}

static void config_svc_realserver(struct config_parser *p, const char *value)
{
	char why_buf[160], text[IPADDR_TEXT_MAX], *rest;
	struct dir_dest_check check;
	struct ipvs_dest dest;
	const char *why;
	bool port_given;
	int err = -1;

	rest = split_dest_check(value, &check, &why, why_buf, sizeof(why_buf));
	if (rest)
		err = director_parse_realserver(rest, &dest, &port_given, &why, why_buf,
						sizeof(why_buf));
	free(rest);
	if (err == 0 && check.addr.family && check.addr.family != dest.addr.family) {
		snprintf(why_buf, sizeof(why_buf), "check_address %s is not of the real server's "
			 "family", ipaddr_format(&check.addr, text));
		why = why_buf;
		err = -1;
	}
	if (err < 0) {
		ERR(p, "realserver \"%s\": %s", value, why);
		service_of(p)->realserver_refused = true;
		return;
	}
	add_dest(service_of(p), &dest, p->line, port_given, &check);
}

/* --- [service NAME]: health checks ------------------------------------------ */

/* Each type's own keys are config_probe.c's. */
static void config_svc_check(struct config_parser *p, const char *value)
{
	struct dir_check *check = &service_of(p)->check;

	if (!config_probe_check_kind(value, &check->kind)) {
		ERR(p, "unknown check \"%s\" (" CHECK_KINDS_TEXT ")", value);
		service_of(p)->check_refused = true;
		return;
	}
	check->line = p->line;
}

static void config_svc_check_interval(struct config_parser *p, const char *value)
{
	if (config_seconds(p, "check_interval", value, CHECK_INTERVAL_MAX_S,
			   &service_of(p)->check.interval_ms))
		service_of(p)->check_interval_line = p->line;
}

static void config_svc_check_timeout(struct config_parser *p, const char *value)
{
	if (config_seconds(p, "check_timeout", value, CHECK_INTERVAL_MAX_S,
			   &service_of(p)->check.timeout_ms))
		service_of(p)->check_timeout_line = p->line;
}

/* rise = N, fall = N: consecutive results, 1 to RISE_FALL_MAX. */
static void config_count(struct config_parser *p, const char *key, const char *value,
			 unsigned *out)
{
	int n;

	if (!config_small_int(value, &n) || n < 1 || n > RISE_FALL_MAX) {
		ERR(p, "%s must be a number of checks from 1 to %d, not \"%s\"", key, RISE_FALL_MAX,
		    value);
		return;
	}
	*out = (unsigned)n;
}

static void config_svc_rise(struct config_parser *p, const char *value)
{
	config_count(p, "rise", value, &service_of(p)->check.rise);
}

static void config_svc_fall(struct config_parser *p, const char *value)
{
	config_count(p, "fall", value, &service_of(p)->check.fall);
}

static void config_svc_check_port(struct config_parser *p, const char *value)
{
	if (!parse_check_port(value, &service_of(p)->check.port))
		ERR(p, "check_port must be a port from 1 to 65535, not \"%s\"", value);
}

static void config_svc_on_failure(struct config_parser *p, const char *value)
{
	struct dir_check *check = &service_of(p)->check;

	if (strcmp(value, "quiesce") == 0 || strcmp(value, "remove") == 0)
		check->remove_on_failure = strcmp(value, "remove") == 0;
	else
		ERR(p, "on_failure must be quiesce or remove, not \"%s\"", value);
}

/* min_up = N (real servers) or N% (of them). */
static bool parse_min_up(const char *value, unsigned *n, bool *percent)
{
	size_t len = strlen(value);
	unsigned long number;
	char digits[8];

	*percent = len > 1 && value[len - 1] == '%';
	if (*percent)
		len--;
	if (len >= sizeof(digits))
		return false;
	memcpy(digits, value, len);
	digits[len] = '\0';
	if (!director_parse_number(digits, *percent ? 100 : 65535, &number))
		return false;
	*n = (unsigned)number;
	return true;
}

static void config_svc_min_up(struct config_parser *p, const char *value)
{
	struct dir_service *service = service_of(p);

	if (!parse_min_up(value, &service->check.min_up, &service->check.min_up_percent)) {
		ERR(p, "min_up must be a number of real servers (0 to 65535) or a percentage of "
		    "them (0%% to 100%%), not \"%s\"", value);
		return;
	}
	service->min_up_line = p->line;
}

static void config_svc_sorry_server(struct config_parser *p, const char *value)
{
	struct dir_service *service = service_of(p);
	char why_buf[128];
	const char *why;

	if (director_parse_realserver(value, &service->check.sorry, &service->sorry_port_given,
				      &why, why_buf, sizeof(why_buf)) < 0) {
		ERR(p, "sorry_server \"%s\": %s", value, why);
		return;
	}
	service->check.has_sorry = true;
	service->sorry_line = p->line;
}

/* Each check type's own keys: config_probe.c's, into this service's probe. */
#define PROBE_KEY(function, key) \
	static void function(struct config_parser *p, const char *value) \
	{ \
		struct dir_service *service = service_of(p); \
		config_probe_key(p, key, &service->check.probe, &service->probe_keys, value); \
	}

PROBE_KEY(config_svc_http_path, PROBE_HTTP_PATH)
PROBE_KEY(config_svc_http_host, PROBE_HTTP_HOST)
PROBE_KEY(config_svc_http_status, PROBE_HTTP_STATUS)
PROBE_KEY(config_svc_http_body, PROBE_HTTP_BODY)
PROBE_KEY(config_svc_https_verify, PROBE_HTTPS_VERIFY)
PROBE_KEY(config_svc_https_ca, PROBE_HTTPS_CA)
PROBE_KEY(config_svc_dns_name, PROBE_DNS_NAME)
PROBE_KEY(config_svc_dns_type, PROBE_DNS_TYPE)
PROBE_KEY(config_svc_dns_rcode, PROBE_DNS_RCODE)
PROBE_KEY(config_svc_udp_send, PROBE_UDP_SEND)
PROBE_KEY(config_svc_udp_expect, PROBE_UDP_EXPECT)
PROBE_KEY(config_svc_exec, PROBE_EXEC)
PROBE_KEY(config_svc_exec_user, PROBE_EXEC_USER)

/* The sync daemons' keys: config_sync.c's, into [director]'s sync settings. */
#define SYNC_KEY(function, key) \
	static void function(struct config_parser *p, const char *value) \
	{ \
		config_sync_key(p, key, &dir_of(p)->sync, value); \
	}

SYNC_KEY(config_dir_sync, SYNC_ROLES)
SYNC_KEY(config_dir_sync_interface, SYNC_INTERFACE)
SYNC_KEY(config_dir_sync_id, SYNC_ID)
SYNC_KEY(config_dir_sync_port, SYNC_PORT)
SYNC_KEY(config_dir_sync_ttl, SYNC_TTL)
SYNC_KEY(config_dir_sync_group, SYNC_GROUP)
SYNC_KEY(config_dir_sync_maxlen, SYNC_MAXLEN)

/* One parser per tunable key: the table below names each. */
#define TUNABLE_KEY(fn, key) \
	static void fn(struct config_parser *p, const char *value) \
	{ \
		config_tunable_key(p, key, &dir_of(p)->tunables, value); \
	}
TUNABLE_KEY(config_dir_timeout_tcp, IPVS_TIMEOUT_TCP)
TUNABLE_KEY(config_dir_timeout_tcpfin, IPVS_TIMEOUT_TCPFIN)
TUNABLE_KEY(config_dir_timeout_udp, IPVS_TIMEOUT_UDP)
#define SYSCTL_PARSER(name, lo, hi) TUNABLE_KEY(config_dir_sysctl_##name, IPVS_SYSCTL_##name)
IPVS_SYSCTLS(SYSCTL_PARSER)
#undef SYSCTL_PARSER

/* --- whole-file checks ---------------------------------------------------------- */

#define FERR(p, line, ...) diag_add((p)->diag, (p)->cfg->file, (line), __VA_ARGS__)

/* Persistence and its granularity, once the family is known. */
static void settle_persistence(struct config_parser *p, struct dir_service *service)
{
	struct ipvs_service *svc = &service->svc;
	bool v6 = svc->af == AF_INET6;

	if (service->netmask_given && !svc->timeout)
		FERR(p, service->netmask_line, "netmask is the granularity of persistence: set "
		     "persistence too");
	else if (service->netmask_given && v6 && (svc->netmask < 1 || svc->netmask > 128))
		FERR(p, service->netmask_line, "an IPv6 service's netmask is a prefix length");
	else if (service->netmask_given && !v6 && svc->netmask <= 128)
		FERR(p, service->netmask_line, "an IPv4 service's netmask is a dotted mask");
	if (!service->netmask_given)
		svc->netmask = v6 ? 128 : 0xffffffffu;
	if (svc->timeout)
		svc->flags |= IP_VS_SVC_F_PERSISTENT;
	if (!svc->timeout && !svc->fwmark && svc->port == 0)
		FERR(p, service->virtual_line, "port 0 serves every port and needs persistence");
}

/* Direct routing and tunnelling leave the packet's destination port as the
 * client sent it: such a real server serves the virtual's port (the kernel
 * and ipvsadm silently use it). Another port there is a mistake to name.
 * KEY: "realserver" or "sorry_server". */
static void check_dest_port(struct config_parser *p, const struct ipvs_service *svc,
			    const char *key, const struct ipvs_dest *dest, bool port_given,
			    int line)
{
	char text[IPADDR_TEXT_MAX + 10];

	if (dest->fwd == IP_VS_CONN_F_MASQ || !port_given || dest->port == svc->port)
		return;
	if (svc->fwmark)
		FERR(p, line, "%s %s: method=%s takes no port in a fwmark service (only method=nat "
		     "maps ports)", key,
		     director_format_addrport(&dest->addr, dest->port, text, sizeof(text)),
		     director_method_name(dest->fwd));
	else
		FERR(p, line, "%s %s: method=%s serves the virtual's port %u (only method=nat maps "
		     "ports)", key,
		     director_format_addrport(&dest->addr, dest->port, text, sizeof(text)),
		     director_method_name(dest->fwd), svc->port);
}

/* As ipvsadm: without a port, or when it cannot map ports, a real server
 * serves the service's port. */
static void settle_dest_port(const struct ipvs_service *svc, struct ipvs_dest *dest,
			     bool port_given)
{
	if (!port_given || dest->fwd != IP_VS_CONN_F_MASQ)
		dest->port = svc->port;
}

static void settle_dests(struct config_parser *p, struct dir_service *service)
{
	struct ipvs_service *svc = &service->svc;
	char text[IPADDR_TEXT_MAX + 10];

	for (size_t i = 0; i < svc->dest_count; i++) {
		struct ipvs_dest *dest = &svc->dests[i];
		check_dest_port(p, svc, "realserver", dest, service->dest_port_given[i],
				service->dest_lines[i]);
		settle_dest_port(svc, dest, service->dest_port_given[i]);
		/* IPVS mixes families in tunnel mode only (IPv4 inside IPv6,
		 * IPv6 inside IPv4): dr and nat keep the virtual's. */
		if (dest->addr.family != svc->af && dest->fwd != IP_VS_CONN_F_TUNNEL)
			FERR(p, service->dest_lines[i], "realserver %s is not of the virtual's "
			     "address family (only method=tun may mix them)",
			     ipaddr_format(&dest->addr, text));
		/* A handful per service, compared pairwise. */
		for (size_t j = 0; j < i; j++)
			if (ipvs_same_dest(&svc->dests[j], dest))
				FERR(p, service->dest_lines[i], "realserver %s is listed twice "
				     "(first on line %d)",
				     director_format_addrport(&dest->addr, dest->port, text,
							      sizeof(text)),
				     service->dest_lines[j]);
	}
}

/* The sorry server takes its port as a real server does; it stands in
 * for the real servers, so it is none of them. */
static void settle_sorry(struct config_parser *p, struct dir_service *service)
{
	struct ipvs_dest *sorry = &service->check.sorry;
	char text[IPADDR_TEXT_MAX + 10];

	if (!service->check.has_sorry)
		return;
	check_dest_port(p, &service->svc, "sorry_server", sorry, service->sorry_port_given,
			service->sorry_line);
	settle_dest_port(&service->svc, sorry, service->sorry_port_given);
	if (sorry->addr.family != service->svc.af) {
		FERR(p, service->sorry_line, "sorry_server %s is not of the virtual's family",
		     ipaddr_format(&sorry->addr, text));
		return;
	}
	director_format_addrport(&sorry->addr, sorry->port, text, sizeof(text));
	for (size_t i = 0; i < service->svc.dest_count; i++)
		if (ipvs_same_dest(&service->svc.dests[i], sorry))
			FERR(p, service->sorry_line, "sorry_server %s is also a realserver "
			     "(line %d)", text, service->dest_lines[i]);
}

/* A check over the network needs a port to go to: a fwmark service's real
 * servers (and a port 0 service's) have none unless check_port gives one.
 * An exec check is the program's to aim. */
static void check_ports(struct config_parser *p, const struct dir_service *service)
{
	enum dir_check_kind kind = service->check.kind;
	struct ipaddr addr;
	uint16_t port;

	if (kind == CHECK_NONE || kind == CHECK_EXEC)
		return;
	for (size_t i = 0; i < service->svc.dest_count; i++) {
		director_check_target(service, i, &addr, &port);
		if (port)
			continue;
		FERR(p, service->check.line, "check = %s needs check_port (%s have no port)",
		     config_probe_kind_name(kind),
		     service->svc.fwmark ? "a fwmark service's real servers"
					 : "the real servers of a port 0 service");
		return;
	}
}

/* The settings that are judged together, whether or not check is set (a
 * check added later finds them right). The timeout's default is 2 s, or
 * half the interval when that is shorter. */
static void settle_check(struct config_parser *p, struct dir_service *service)
{
	struct dir_check *check = &service->check;
	size_t count = service->svc.dest_count;
	char timeout[16], interval[16];

	if (!service->check_timeout_line)
		check->timeout_ms = check->interval_ms / 2 < DEFAULT_CHECK_TIMEOUT_MS ?
				    check->interval_ms / 2 : DEFAULT_CHECK_TIMEOUT_MS;
	format_seconds(check->interval_ms, interval, sizeof(interval));
	format_seconds(check->timeout_ms, timeout, sizeof(timeout));
	if (!check->timeout_ms)
		FERR(p, service->check_interval_line, "check_interval = %s leaves no time for a "
		     "check_timeout below it", interval);
	else if (check->timeout_ms >= check->interval_ms)
		FERR(p, service->check_timeout_line, "check_timeout (%s s) must be below "
		     "check_interval (%s s)", timeout, interval);
	/* Not counted against real servers refused already. */
	if (!check->min_up_percent && check->min_up > count && !service->realserver_refused)
		FERR(p, service->min_up_line, "min_up = %u is more than the %zu real server%s of "
		     "[service %s]", check->min_up, count, count == 1 ? "" : "s", service->name);
	check_ports(p, service);
}

/* One-packet scheduling schedules each datagram on its own: ipvsadm allows
 * it for UDP and firewall-mark services only. */
static void check_one_packet(struct config_parser *p, const struct dir_service *service)
{
	const struct ipvs_service *svc = &service->svc;

	if ((svc->flags & IP_VS_SVC_F_ONEPACKET) && !svc->fwmark && svc->protocol != IPPROTO_UDP)
		FERR(p, service->virtual_line, "flag one-packet is for udp and fwmark services only");
}

/* sh-port and the like name the bits the sh scheduler reads; with another
 * scheduler they mean something else (ipvsadm refuses them too). */
static void check_scheduler_flags(struct config_parser *p, const struct dir_service *service)
{
	static const char *const schedulers[] = { "sh", "mh" };
	const int lines[] = { service->sh_flag_line, service->mh_flag_line };

	for (size_t i = 0; i < 2; i++)
		if (lines[i] && strcmp(service->svc.scheduler, schedulers[i]) != 0)
			FERR(p, lines[i], "flags %s-fallback and %s-port are for scheduler = %s, not %s "
			     "(flag-1 and flag-2 set the same bits for any scheduler)", schedulers[i],
			     schedulers[i], schedulers[i], service->svc.scheduler);
}

/* Names and virtuals are unique; a hash map keeps 10 000 services cheap. */
static void check_duplicates(struct config_parser *p)
{
	struct director_config *dir = dir_of(p);
	struct hashmap names, virtuals;
	struct ipvs_service_key key;
	char text[80];
	size_t at;

	hashmap_init(&names, sizeof(dir->services[0].name), dir->service_count);
	hashmap_init(&virtuals, sizeof(key), dir->service_count);
	for (size_t i = 0; i < dir->service_count; i++) {
		const struct dir_service *a = &dir->services[i];
		if (!hashmap_put(&names, a->name, i) && hashmap_get(&names, a->name, &at))
			FERR(p, a->line, "[service %s] appears twice (first on line %d)", a->name,
			     dir->services[at].line);
		if (!a->virtual_line)
			continue;
		ipvs_service_key(&a->svc, &key);
		if (!hashmap_put(&virtuals, &key, i) && hashmap_get(&virtuals, &key, &at))
			FERR(p, a->virtual_line, "virtual %s is already [service %s] (line %d)",
			     director_format_virtual(&a->svc, text, sizeof(text)),
			     dir->services[at].name, dir->services[at].virtual_line);
	}
	hashmap_free(&names);
	hashmap_free(&virtuals);
}

static void config_director_finish(struct config_parser *p)
{
	struct director_config *dir = dir_of(p);

	for (size_t i = 0; i < dir->service_count; i++) {
		struct dir_service *service = &dir->services[i];
		if (!service->check_refused)	/* else its type is not known */
			config_probe_finish(p, service->check.kind, service->check.line,
					    &service->check.probe, &service->probe_keys);
		if (service->virtual_refused)
			continue;	/* said already; what depends on it cannot be judged */
		if (!service->virtual_line) {
			FERR(p, service->line, "[service %s] has no virtual = ...", service->name);
			continue;
		}
		settle_persistence(p, service);
		settle_dests(p, service);
		settle_sorry(p, service);
		settle_check(p, service);
		check_one_packet(p, service);
		check_scheduler_flags(p, service);
	}
	check_duplicates(p);
	config_sync_finish(p, &dir->sync);
}

static const struct config_key keys[] = {
	{ "director", "manage", false, config_dir_manage },
	{ "director", "vip_interface", false, config_dir_vip_interface },
	{ "director", "table_check_interval", false, config_dir_table_check_interval },
	{ "director", "metrics_file", false, config_dir_metrics_file },
	{ "director", "on_stop", false, config_dir_on_stop },
	{ "director", "exec_max", false, config_dir_exec_max },
	{ "director", "sync", false, config_dir_sync },
	{ "director", "sync_interface", false, config_dir_sync_interface },
	{ "director", "sync_id", false, config_dir_sync_id },
	{ "director", "sync_port", false, config_dir_sync_port },
	{ "director", "sync_ttl", false, config_dir_sync_ttl },
	{ "director", "sync_group", false, config_dir_sync_group },
	{ "director", "sync_maxlen", false, config_dir_sync_maxlen },
	{ "director", "timeout_tcp", false, config_dir_timeout_tcp },
	{ "director", "timeout_tcpfin", false, config_dir_timeout_tcpfin },
	{ "director", "timeout_udp", false, config_dir_timeout_udp },
#define SYSCTL_ENTRY(name, lo, hi) { "director", "sysctl." #name, false, config_dir_sysctl_##name },
	IPVS_SYSCTLS(SYSCTL_ENTRY)
#undef SYSCTL_ENTRY
	/* "service" stands for every [service NAME] section. */
	{ "service", "virtual", false, config_svc_virtual },
	{ "service", "scheduler", false, config_svc_scheduler },
	{ "service", "persistence", false, config_svc_persistence },
	{ "service", "pe", false, config_svc_pe },
	{ "service", "netmask", false, config_svc_netmask },
	{ "service", "flags", true, config_svc_flags },
	{ "service", "realserver", true, config_svc_realserver },
	/* Health checks: none by default. Their settings are taken with
	 * check = none too (they wait for a check). check_timeout defaults
	 * to 2 s, or half of check_interval when that is shorter. */
	{ "service", "check", false, config_svc_check },
	{ "service", "check_interval", false, config_svc_check_interval },
	{ "service", "check_timeout", false, config_svc_check_timeout },
	{ "service", "rise", false, config_svc_rise },
	{ "service", "fall", false, config_svc_fall },
	{ "service", "check_port", false, config_svc_check_port },
	{ "service", "on_failure", false, config_svc_on_failure },
	{ "service", "min_up", false, config_svc_min_up },
	{ "service", "sorry_server", false, config_svc_sorry_server },
	/* Each check type's own keys, refused on a service of another type. */
	{ "service", "http_path", false, config_svc_http_path },
	{ "service", "http_host", false, config_svc_http_host },
	{ "service", "http_status", false, config_svc_http_status },
	{ "service", "http_body", false, config_svc_http_body },
	{ "service", "https_verify", false, config_svc_https_verify },
	{ "service", "https_ca", false, config_svc_https_ca },
	{ "service", "dns_name", false, config_svc_dns_name },
	{ "service", "dns_type", false, config_svc_dns_type },
	{ "service", "dns_rcode", false, config_svc_dns_rcode },
	{ "service", "udp_send", false, config_svc_udp_send },
	{ "service", "udp_expect", false, config_svc_udp_expect },
	{ "service", "exec", false, config_svc_exec },
	{ "service", "exec_user", false, config_svc_exec_user },
};

/* [director] needs nothing; [service NAME] starts a service, unless the
 * name is bad or taken (said so: its keys are skipped). */
static bool section_begin(struct config_parser *p, const char *kind, const char *name)
{
	if (strcmp(kind, "service") != 0)
		return true;
	p->section = config_service_begin(p, name);
	return p->section != NULL;
}

static void free_values(void *data)
{
	struct director_config *dir = data;

	for (size_t i = 0; i < dir->service_count; i++) {
		ipvs_service_free(&dir->services[i].svc);
		free(dir->services[i].dest_lines);
		free(dir->services[i].dest_port_given);
		free(dir->services[i].dest_checks);
	}
	free(dir->services);
	free(dir->metrics_file);
}

static void summary(const void *data, char *buf, size_t len)
{
	const struct director_config *dir = data;

	snprintf(buf, len, "%zu director service%s", dir->service_count,
		 dir->service_count == 1 ? "" : "s");
}

int director_check_vip_interface(const struct config *cfg, const struct netdevs *net,
				 struct diag *diag)
{
	const struct director_config *dir = director_config_of(cfg);
	const char *name = dir->vip_interface;

	if (!name[0] || netdev_by_name(net, name))
		return 0;
	diag_add(diag, cfg->file, dir->vip_interface_line, "vip_interface \"%s\" does not exist",
		 name);
	return -1;
}

int director_check_links(const struct config *cfg, const struct netdevs *net, struct diag *diag)
{
	int vip = director_check_vip_interface(cfg, net, diag);
	int sync = dir_sync_check_interface(&director_config_of(cfg)->sync, cfg->file, net, diag);

	return vip < 0 || sync < 0 ? -1 : 0;
}

const struct config_part director_config_part = {
	.name = "director",
	.keys = keys,
	.key_count = sizeof(keys) / sizeof(keys[0]),
	.named_kind = "service",
	.size = sizeof(struct director_config),
	.defaults = defaults,
	.section_begin = section_begin,
	.finish = config_director_finish,
	.free = free_values,
	.check_links = director_check_links,
	.summary = summary,
};

const struct director_config *director_config_of(const struct config *cfg)
{
	return config_part_data(cfg, &director_config_part);
}

void director_check_target(const struct dir_service *service, size_t i, struct ipaddr *addr,
			   uint16_t *port)
{
	const struct dir_dest_check *own = service->dest_checks ? &service->dest_checks[i] : NULL;
	const struct ipvs_dest *dest = &service->svc.dests[i];

	*addr = own && own->addr.family ? own->addr : dest->addr;
	if (own && own->port)
		*port = own->port;
	else
		*port = service->check.port ? service->check.port : dest->port;
}

int config_require_director(const struct config *cfg, struct diag *diag)
{
	const struct director_config *dir = director_config_of(cfg);

	if (dir->service_count || dir->manage_all)
		return 0;
	diag_add(diag, cfg->file, 0, "no service configured (add a [service NAME] section with "
		 "virtual = ...)");
	return -1;
}
