/* health_file: the published health. See health_file.h. */
#include "director/health_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/state_dir.h"
#include "director/syntax.h"
#include "lib/xalloc.h"

#define HEALTH_FILE "director.health"
/* It says the file ends with STATE_END_LINE (state_dir.h): status must not
 * show a file cut short as real servers with nothing known. */
#define HEALTH_FIRST_LINE "# lvsagent director health, last line \"# end\": the real " \
	"servers' health, for director status.\n"

static void format_dest(FILE *out, const char *name, const struct ipvs_dest *d,
			const struct dest_state *s)
{
	char addr[IPADDR_TEXT_MAX + 8];

	fprintf(out, "realserver %s %s up=%d decided=%d drained=%d kept=%d passes=%u failures=%u "
		"since=%llu down_at=%llu checked=%d passed=%d latency=%u transitions=%lu "
		"result=%s\n", name, director_format_addrport(&d->addr, d->port, addr, sizeof(addr)),
		s->up, s->decided, s->drained, s->kept, s->passes, s->failures,
		(unsigned long long)s->since_ms, (unsigned long long)s->down_at_ms, s->checked,
		s->last_passed, s->last_latency_us, s->transitions, s->last_result);
}

char *health_file_format(const struct director_config *cfg, const struct health *h)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	fputs(HEALTH_FIRST_LINE, out);
	for (size_t i = 0; i < cfg->service_count && i < h->count; i++) {
		const struct dir_service *service = &cfg->services[i];
		for (size_t j = 0; j < service->svc.dest_count && j < h->services[i].count; j++)
			format_dest(out, service->name, &service->svc.dests[j],
				    &h->services[i].dests[j]);
		if (h->services[i].sorry_in)
			fprintf(out, "sorry %s 1\n", service->name);
	}
	fputs(STATE_END_LINE, out);
	fclose(out);
	return text;
}

static void shape(const struct director_config *cfg, struct health *h)
{
	h->count = cfg->service_count;
	h->services = xcalloc(h->count ? h->count : 1, sizeof(*h->services));
	for (size_t i = 0; i < h->count; i++) {
		size_t n = cfg->services[i].svc.dest_count;
		h->services[i].count = n;
		h->services[i].dests = xcalloc(n ? n : 1, sizeof(struct dest_state));
	}
}

static int service_index(const struct director_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->service_count; i++)
		if (strcmp(cfg->services[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int dest_index(const struct dir_service *service, const char *addrport)
{
	char addr[IPADDR_TEXT_MAX + 8];

	for (size_t j = 0; j < service->svc.dest_count; j++) {
		const struct ipvs_dest *d = &service->svc.dests[j];
		if (strcmp(director_format_addrport(&d->addr, d->port, addr, sizeof(addr)),
			   addrport) == 0)
			return (int)j;
	}
	return -1;
}

static void parse_state(const char *fields, struct dest_state *s)
{
	int up, decided, drained, kept, checked, passed;
	unsigned long long since, down_at;
	const char *result = strstr(fields, " result=");

	if (sscanf(fields, " up=%d decided=%d drained=%d kept=%d passes=%u failures=%u since=%llu "
		   "down_at=%llu checked=%d passed=%d latency=%u transitions=%lu", &up, &decided,
		   &drained, &kept, &s->passes, &s->failures, &since, &down_at, &checked, &passed,
		   &s->last_latency_us, &s->transitions) != 12)
		return;
	s->up = up;
	s->decided = decided;
	s->drained = drained;
	s->kept = kept;
	s->since_ms = since;
	s->down_at_ms = down_at;
	s->checked = checked;
	s->last_passed = passed;
	if (result)
		snprintf(s->last_result, sizeof(s->last_result), "%s", result + 8);
}

static void parse_line(char *line, const struct director_config *cfg, struct health *h)
{
	char name[64], addrport[128];
	int used = 0, svc, dest, on;

	if (sscanf(line, "sorry %63s %d", name, &on) == 2 && (svc = service_index(cfg, name)) >= 0) {
		h->services[svc].sorry_in = on;
		return;
	}
	if (sscanf(line, "realserver %63s %127s%n", name, addrport, &used) != 2 ||
	    (svc = service_index(cfg, name)) < 0 ||
	    (dest = dest_index(&cfg->services[svc], addrport)) < 0)
		return;
	parse_state(line + used, &h->services[svc].dests[dest]);
}

void health_file_parse(const char *text, const struct director_config *cfg, struct health *h)
{
	char *copy = xstrdup(text), *save = NULL;

	shape(cfg, h);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		parse_line(line, cfg, h);
	free(copy);
}

int health_file_save(const char *dir, const struct director_config *cfg, const struct health *h)
{
	char *text = health_file_format(cfg, h);
	int err = state_write_file(dir, HEALTH_FILE, text);

	free(text);
	return err;
}

int health_file_load(const char *dir, const struct director_config *cfg, struct health *h)
{
	char *text = NULL;
	int err = state_read_file(dir, HEALTH_FILE, &text);

	if (err)
		return err;
	if (state_text_cut(text, HEALTH_FIRST_LINE)) {
		free(text);
		return -EBADMSG;
	}
	health_file_parse(text, cfg, h);
	free(text);
	return 0;
}
