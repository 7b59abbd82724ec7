/* config: the [director] and [service NAME] keys, and the checks
 * that need the whole file (every service has a virtual, real servers of
 * its family, no virtual twice, no real server twice in a service). */
#include "director/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
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

static void config_svc_realserver(struct config_parser *p, const char *value)
{
	struct dir_service *service = service_of(p);
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

static const struct config_key keys[] = {
	{ "director", "manage", false, config_dir_manage },
	{ "director", "vip_interface", false, config_dir_vip_interface },
	/* "service" stands for every [service NAME] section. */
	{ "service", "virtual", false, config_svc_virtual },
	{ "service", "scheduler", false, config_svc_scheduler },
	{ "service", "persistence", false, config_svc_persistence },
	{ "service", "pe", false, config_svc_pe },
	{ "service", "netmask", false, config_svc_netmask },
	{ "service", "flags", true, config_svc_flags },
	{ "service", "realserver", true, config_svc_realserver },
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
	}
	free(dir->services);
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

const struct config_part director_config_part = {
	.name = "director",
	.keys = keys,
	.key_count = sizeof(keys) / sizeof(keys[0]),
	.named_kind = "service",
	.size = sizeof(struct director_config),
	.section_begin = section_begin,
	.finish = config_director_finish,
	.free = free_values,
	.check_links = director_check_vip_interface,
	.summary = summary,
};

const struct director_config *director_config_of(const struct config *cfg)
{
	return config_part_data(cfg, &director_config_part);
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
