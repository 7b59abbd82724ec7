/* config_director: the [director] and [service NAME] keys, and the checks
 * that need the whole file (every service has a virtual, real servers of
 * its family, no virtual twice, no real server twice in a service). */
#include "core/config_parser.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ip_vs.h>

#include "director/state.h"
#include "director/syntax.h"
#include "lib/hashmap.h"
#include "lib/xalloc.h"

#define DEFAULT_SCHEDULER "wlc"
/* inih keeps section names to 50 bytes: "service " and the name fit. */
#define SERVICE_NAME_MAX 40

void config_dir_manage(struct config_parser *p, const char *value)
{
	if (strcmp(value, "owned") == 0 || strcmp(value, "all") == 0)
		p->cfg->dir.manage_all = strcmp(value, "all") == 0;
	else
		ERR(p, "manage must be owned or all, not \"%s\"", value);
}

void config_dir_vip_interface(struct config_parser *p, const char *value)
{
	const char *problem = director_vip_interface_problem(value);

	if (problem) {
		ERR(p, "vip_interface \"%s\" %s", value, problem);
		return;
	}
	strcpy(p->cfg->dir.vip_interface, value);
	p->cfg->dir.vip_interface_line = p->line;
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

struct dir_service *config_service_begin(struct config_parser *p, const char *name)
{
	struct director_config *dir = &p->cfg->dir;
	struct dir_service *service;

	dir->present = true;
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
	return service;
}

void config_svc_virtual(struct config_parser *p, const char *value)
{
	struct ipvs_service *svc = &p->service->svc;
	const char *why;

	if (director_parse_virtual(value, svc, &why) < 0) {
		ERR(p, "virtual \"%s\": %s", value, why);
		p->service->virtual_refused = true;
		return;
	}
	p->service->virtual_line = p->line;
}

/* Which schedulers and engines exist is the kernel's to say (apply probes
 * them first); a name must at least be one it could load. */
void config_svc_scheduler(struct config_parser *p, const char *value)
{
	if (!director_module_name(value, IPVS_SCHED_MAX)) {
		ERR(p, "scheduler \"%s\" is not a scheduler name (wlc, rr, sh, mh, ...)", value);
		return;
	}
	strcpy(p->service->svc.scheduler, value);
}

void config_svc_pe(struct config_parser *p, const char *value)
{
	if (!director_module_name(value, IPVS_PE_MAX)) {
		ERR(p, "pe \"%s\" is not a persistence engine name (sip, ...)", value);
		return;
	}
	strcpy(p->service->svc.pe_name, value);
}

void config_svc_persistence(struct config_parser *p, const char *value)
{
	unsigned long seconds;

	if (!director_parse_number(value, 0xffffffffu, &seconds)) {
		ERR(p, "persistence must be a number of seconds (0 for none), not \"%s\"", value);
		return;
	}
	p->service->svc.timeout = (uint32_t)seconds;
}

void config_svc_netmask(struct config_parser *p, const char *value)
{
	struct dir_service *service = p->service;
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
	p->service->svc.flags |= flag;
	/* Whether the scheduler has these flags is known once the section is read. */
	const char *scheduler = director_flag_scheduler(name);
	int *line = !scheduler ? NULL : scheduler[0] == 's' ? &p->service->sh_flag_line
							 : &p->service->mh_flag_line;
	if (line && !*line)
		*line = p->line;
}

void config_svc_flags(struct config_parser *p, const char *value)
{
	char *copy = xstrdup(value), *save = NULL;

	for (char *flag = strtok_r(copy, ", \t", &save); flag; flag = strtok_r(NULL, ", \t", &save))
		add_flag(p, flag);
	free(copy);
}

void config_svc_realserver(struct config_parser *p, const char *value)
{
	struct dir_service *service = p->service;
	struct ipvs_dest dest;
	char why_buf[128];
	const char *why;
	bool port_given;

	if (director_parse_realserver(value, &dest, &port_given, &why, why_buf,
				      sizeof(why_buf)) < 0) {
		ERR(p, "realserver \"%s\": %s", value, why);
		return;
	}
	ipvs_service_add_dest(&service->svc, &dest);
	service->dest_lines = xrealloc_array(service->dest_lines, service->svc.dest_count,
					     sizeof(int));
	service->dest_port_given = xrealloc_array(service->dest_port_given,
						  service->svc.dest_count, sizeof(bool));
	service->dest_lines[service->svc.dest_count - 1] = p->line;
	service->dest_port_given[service->svc.dest_count - 1] = port_given;
}

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
 * and ipvsadm silently use it). Another port there is a mistake to name. */
static void check_dest_port(struct config_parser *p, const struct dir_service *service, size_t i)
{
	const struct ipvs_dest *dest = &service->svc.dests[i];
	char text[IPADDR_TEXT_MAX + 10];

	if (dest->fwd == IP_VS_CONN_F_MASQ || !service->dest_port_given[i] ||
	    dest->port == service->svc.port)
		return;
	if (service->svc.fwmark)
		FERR(p, service->dest_lines[i], "realserver %s: method=%s takes no port in a fwmark "
		     "service (only method=nat maps ports)",
		     director_format_addrport(&dest->addr, dest->port, text, sizeof(text)),
		     director_method_name(dest->fwd));
	else
		FERR(p, service->dest_lines[i], "realserver %s: method=%s serves the virtual's "
		     "port %u (only method=nat maps ports)",
		     director_format_addrport(&dest->addr, dest->port, text, sizeof(text)),
		     director_method_name(dest->fwd), service->svc.port);
}

static void settle_dests(struct config_parser *p, struct dir_service *service)
{
	struct ipvs_service *svc = &service->svc;
	char text[IPADDR_TEXT_MAX + 10];

	for (size_t i = 0; i < svc->dest_count; i++) {
		struct ipvs_dest *dest = &svc->dests[i];
		check_dest_port(p, service, i);
		if (!service->dest_port_given[i] || dest->fwd != IP_VS_CONN_F_MASQ)
			dest->port = svc->port;	/* as ipvsadm: the service's port */
		if (dest->addr.family != svc->af)
			FERR(p, service->dest_lines[i], "realserver %s is not of the virtual's "
			     "address family", ipaddr_format(&dest->addr, text));
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
	struct director_config *dir = &p->cfg->dir;
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

void config_director_finish(struct config_parser *p)
{
	struct director_config *dir = &p->cfg->dir;

	for (size_t i = 0; i < dir->service_count; i++) {
		struct dir_service *service = &dir->services[i];
		if (service->virtual_refused)
			continue;	/* said already; what depends on it cannot be judged */
		if (!service->virtual_line) {
			FERR(p, service->line, "[service %s] has no virtual = ...", service->name);
			continue;
		}
		settle_persistence(p, service);
		settle_dests(p, service);
		check_one_packet(p, service);
		check_scheduler_flags(p, service);
	}
	check_duplicates(p);
}
