/* metrics: Prometheus text for the textfile collector. See metrics.h. */
#include "director/metrics.h"

#include <stdio.h>
#include <stdlib.h>

#include "director/syntax.h"
#include "lib/atomic_file.h"
#include "lib/xalloc.h"

/* The labels of one real server: service, virtual, realserver. Service
 * names are [A-Za-z0-9_.-] and addresses need no escaping. */
static void labels(const struct dir_service *service, const struct ipvs_dest *d, char *buf,
		   size_t len)
{
	char virt[80], addr[IPADDR_TEXT_MAX + 8];

	snprintf(buf, len, "service=\"%s\",virtual=\"%s\",realserver=\"%s\"", service->name,
		 director_format_virtual(&service->svc, virt, sizeof(virt)),
		 director_format_addrport(&d->addr, d->port, addr, sizeof(addr)));
}

static bool in_rotation(const struct dest_state *s)
{
	return !s->drained && (s->up || s->kept);
}

static void help(FILE *out, const char *name, const char *type, const char *text)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* One metric for every real server, its value from VALUE. */
static void per_dest(FILE *out, const struct director_config *cfg, const struct health *h,
		     const char *name, void (*value)(FILE *, const struct ipvs_dest *,
						     const struct dest_state *))
{
	char l[256];

	for (size_t i = 0; i < cfg->service_count && i < h->count; i++) {
		const struct dir_service *service = &cfg->services[i];
		for (size_t j = 0; j < service->svc.dest_count && j < h->services[i].count; j++) {
			labels(service, &service->svc.dests[j], l, sizeof(l));
			fprintf(out, "%s{%s} ", name, l);
			value(out, &service->svc.dests[j], &h->services[i].dests[j]);
			fputc('\n', out);
		}
	}
}

static void up_value(FILE *out, const struct ipvs_dest *d, const struct dest_state *s)
{
	(void)d;
	fprintf(out, "%d", in_rotation(s));
}

static void weight_value(FILE *out, const struct ipvs_dest *d, const struct dest_state *s)
{
	fprintf(out, "%u", in_rotation(s) ? d->weight : 0);
}

static void duration_value(FILE *out, const struct ipvs_dest *d, const struct dest_state *s)
{
	(void)d;
	fprintf(out, "%.6f", s->last_latency_us / 1e6);
}

static void transitions_value(FILE *out, const struct ipvs_dest *d, const struct dest_state *s)
{
	(void)d;
	fprintf(out, "%lu", s->transitions);
}

/* The health as a label: one series per real server with value 1. */
static void health_series(FILE *out, const struct director_config *cfg, const struct health *h)
{
	const char *name = "lvsagent_director_realserver_health";
	char l[256];

	help(out, name, "gauge", "The real server's health (the health label), always 1.");
	for (size_t i = 0; i < cfg->service_count && i < h->count; i++) {
		const struct dir_service *service = &cfg->services[i];
		for (size_t j = 0; j < service->svc.dest_count && j < h->services[i].count; j++) {
			labels(service, &service->svc.dests[j], l, sizeof(l));
			fprintf(out, "%s{%s,health=\"%s\"} 1\n", name, l,
				health_name(health_of(&h->services[i].dests[j])));
		}
	}
}

static void per_service(FILE *out, const struct director_config *cfg, const struct health *h)
{
	const char *name = "lvsagent_director_service_realservers_up";
	char virt[80];

	help(out, name, "gauge", "Real servers of the service whose checks say up.");
	for (size_t i = 0; i < cfg->service_count && i < h->count; i++)
		fprintf(out, "%s{service=\"%s\",virtual=\"%s\"} %zu\n", name, cfg->services[i].name,
			director_format_virtual(&cfg->services[i].svc, virt, sizeof(virt)),
			health_up(&h->services[i]));
}

char *metrics_format(const struct director_config *cfg, const struct health *h)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	help(out, "lvsagent_director_realserver_up", "gauge",
	     "Whether the real server is in rotation (1) or not (0).");
	per_dest(out, cfg, h, "lvsagent_director_realserver_up", up_value);
	health_series(out, cfg, h);
	help(out, "lvsagent_director_realserver_weight", "gauge",
	     "The weight lvsagent gives the real server now.");
	per_dest(out, cfg, h, "lvsagent_director_realserver_weight", weight_value);
	help(out, "lvsagent_director_realserver_check_duration_seconds", "gauge",
	     "How long the last check took.");
	per_dest(out, cfg, h, "lvsagent_director_realserver_check_duration_seconds",
		 duration_value);
	help(out, "lvsagent_director_realserver_transitions_total", "counter",
	     "Changes of the real server's health since the daemon started.");
	per_dest(out, cfg, h, "lvsagent_director_realserver_transitions_total", transitions_value);
	per_service(out, cfg, h);
	fclose(out);
	return text;
}

/* The shared atomic replacement (lib/atomic_file.h): the collector reads
 * the old file or the new one, never a part. */
int metrics_write(const char *path, const struct director_config *cfg, const struct health *h)
{
	char *text = metrics_format(cfg, h);
	int err = atomic_file_write(path, text);

	free(text);
	return err;
}
