/* drain: the operator's drained real servers on disk. See drain.h. */
#include "director/drain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/state_dir.h"
#include "director/syntax.h"
#include "lib/xalloc.h"

#define DRAIN_FILE "director.drained"
/* It says the file ends with STATE_END_LINE (state_dir.h): one cut short
 * is refused, never read as "nothing drained", which would put every
 * drained real server back in rotation. */
#define DRAIN_FIRST_LINE "# lvsagent director drain, last line \"# end\": real servers out " \
	"of rotation until undrained.\n"

static int find_entry(const struct drain_list *list, const char *service,
		      const struct ipaddr *addr, uint16_t port)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct drain_entry *e = &list->items[i];
		if (strcmp(e->service, service) == 0 && ipaddr_equal(&e->addr, addr) &&
		    e->port == port)
			return (int)i;
	}
	return -1;
}

bool drain_has(const struct drain_list *list, const char *service, const struct ipaddr *addr,
	       uint16_t port)
{
	return find_entry(list, service, addr, port) >= 0;
}

bool drain_set(struct drain_list *list, const char *service, const struct ipaddr *addr,
	       uint16_t port, bool drained)
{
	int at = find_entry(list, service, addr, port);
	struct drain_entry *e;

	if ((at >= 0) == drained)
		return false;
	if (!drained) {
		list->items[at] = list->items[--list->count];
		return true;
	}
	XGROW(list->items, list->count, list->capacity);
	e = &list->items[list->count++];
	memset(e, 0, sizeof(*e));
	snprintf(e->service, sizeof(e->service), "%s", service);
	e->addr = *addr;
	e->port = port;
	return true;
}

void drain_free(struct drain_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* "ADDR[:PORT]" as a realserver value reads it. */
static int parse_target(const char *text, struct ipaddr *addr, uint16_t *port, bool *port_given)
{
	struct ipvs_dest dest;
	char why_buf[96];
	const char *why;

	if (strpbrk(text, " \t") ||
	    director_parse_realserver(text, &dest, port_given, &why, why_buf, sizeof(why_buf)) < 0)
		return -1;
	*addr = dest.addr;
	*port = dest.port;
	return 0;
}

static int parse_line(const char *line, struct drain_entry *e)
{
	char service[64], target[128];
	bool port_given;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%63s %127s", service, target) != 2 || strlen(service) >= sizeof(e->service) ||
	    parse_target(target, &e->addr, &e->port, &port_given) < 0 || !port_given)
		return -1;
	strcpy(e->service, service);
	return 0;
}

int drain_load(const char *dir, struct drain_list *list, struct diag *warnings)
{
	char *text = NULL, *save = NULL;
	int line = 0, err = state_read_file(dir, DRAIN_FILE, &text);

	memset(list, 0, sizeof(*list));
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (state_text_cut(text, DRAIN_FIRST_LINE)) {
		free(text);
		return -EBADMSG;
	}
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct drain_entry e;
		line++;
		if (l[0] == '#' || !l[0])
			continue;
		if (parse_line(l, &e) < 0)
			diag_add(warnings, DRAIN_FILE, line, "\"%s\": not a drained real server: ignored",
				 l);
		else
			drain_set(list, e.service, &e.addr, e.port, true);
	}
	free(text);
	return 0;
}

const char *drain_load_problem(const char *dir, int err, char *buf, size_t len)
{
	if (err == -EBADMSG)
		snprintf(buf, len, "%s/%s is cut short (empty, or its last line missing: a write "
			 "was interrupted or the file truncated)", dir, DRAIN_FILE);
	else
		snprintf(buf, len, "cannot read %s/%s: %s", dir, DRAIN_FILE, strerror(-err));
	return buf;
}

int drain_save(const char *dir, const struct drain_list *list)
{
	char addr[IPADDR_TEXT_MAX + 8], *text = NULL;
	size_t len = 0;
	FILE *out;
	int err;

	if (!list->count)
		return state_write_file(dir, DRAIN_FILE, NULL);
	out = open_memstream(&text, &len);
	if (!out)
		abort();
	fputs(DRAIN_FIRST_LINE, out);
	for (size_t i = 0; i < list->count; i++) {
		const struct drain_entry *e = &list->items[i];
		fprintf(out, "%s %s\n", e->service,
			director_format_addrport(&e->addr, e->port, addr, sizeof(addr)));
	}
	fputs(STATE_END_LINE, out);
	fclose(out);
	err = state_write_file(dir, DRAIN_FILE, text);
	free(text);
	return err;
}

/* The service's real servers, for a message: "10.0.0.1:80, 10.0.0.2:80". */
static void list_dests(const struct dir_service *service, char *buf, size_t len)
{
	size_t used = 0;
	char addr[IPADDR_TEXT_MAX + 8];

	buf[0] = '\0';
	for (size_t i = 0; i < service->svc.dest_count && used < len; i++) {
		const struct ipvs_dest *d = &service->svc.dests[i];
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 director_format_addrport(&d->addr, d->port, addr,
								  sizeof(addr)));
	}
}

static void list_services(const struct director_config *cfg, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cfg->service_count && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 cfg->services[i].name);
}

static int find_service(const struct director_config *cfg, const char *name, size_t *svc)
{
	for (size_t i = 0; i < cfg->service_count; i++) {
		if (strcmp(cfg->services[i].name, name) == 0) {
			*svc = i;
			return 0;
		}
	}
	return -1;
}

/* The real server at ADDR (and PORT when given) of SERVICE: its index, or
 * -1 when none or, without a port, more than one matches. */
static int find_dest(const struct dir_service *service, const struct ipaddr *addr,
		     uint16_t port, bool port_given)
{
	int found = -1;

	for (size_t i = 0; i < service->svc.dest_count; i++) {
		const struct ipvs_dest *d = &service->svc.dests[i];
		if (!ipaddr_equal(&d->addr, addr) || (port_given && d->port != port))
			continue;
		if (found >= 0)
			return -1;
		found = (int)i;
	}
	return found;
}

int drain_find(const struct director_config *cfg, const char *service, const char *target,
	       size_t *svc, size_t *dest, char *why, size_t len)
{
	char known[512];
	struct ipaddr addr;
	uint16_t port;
	bool port_given;
	int at;

	if (find_service(cfg, service, svc) < 0) {
		list_services(cfg, known, sizeof(known));
		snprintf(why, len, "no [service %s] in the configuration (it has: %s)", service,
			 known[0] ? known : "none");
		return -1;
	}
	list_dests(&cfg->services[*svc], known, sizeof(known));
	if (parse_target(target, &addr, &port, &port_given) < 0 ||
	    (at = find_dest(&cfg->services[*svc], &addr, port, port_given)) < 0) {
		snprintf(why, len, "[service %s] has no real server %s%s (it has: %s)", service,
			 target, port_given ? "" : " (or several: name the port)",
			 known[0] ? known : "none");
		return -1;
	}
	*dest = (size_t)at;
	return 0;
}

bool drain_apply(const struct drain_list *list, const struct director_config *cfg,
		 struct health *h, uint64_t now_ms)
{
	bool changed = false;

	for (size_t i = 0; i < cfg->service_count && i < h->count; i++) {
		const struct dir_service *service = &cfg->services[i];
		for (size_t j = 0; j < service->svc.dest_count; j++) {
			const struct ipvs_dest *d = &service->svc.dests[j];
			bool drained = drain_has(list, service->name, &d->addr, d->port);
			changed |= health_set_drained(h, i, j, drained, now_ms);
		}
	}
	return changed;
}

void drain_effective(const struct director_config *cfg, const struct drain_list *list,
		     struct director_config *out)
{
	struct health h;

	/* No checks ran: every real server counts as up, as the file says. */
	health_init(&h, cfg, NULL, NULL, NULL, 0);
	for (size_t i = 0; i < h.count; i++)
		for (size_t j = 0; j < h.services[i].count; j++)
			h.services[i].dests[j].up = h.services[i].dests[j].decided = true;
	drain_apply(list, cfg, &h, 0);
	health_effective(cfg, &h, out);
	health_free(&h);
}
