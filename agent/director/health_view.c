/* health_view: health for status. See health_view.h. */
#include "director/health_view.h"

#include <string.h>
#include <time.h>

#include "director/connections.h"
#include "director/syntax.h"

/* The kernel's real server for configured DEST of SERVICE, or NULL. */
static const struct ipvs_dest *kernel_dest(const struct ipvs_table *kernel,
					   const struct dir_service *service,
					   const struct ipvs_dest *dest)
{
	for (size_t i = 0; kernel && i < kernel->count; i++) {
		const struct ipvs_service *svc = &kernel->services[i];
		if (!ipvs_same_service(svc, &service->svc))
			continue;
		for (size_t j = 0; j < svc->dest_count; j++)
			if (ipvs_same_dest(&svc->dests[j], dest))
				return &svc->dests[j];
	}
	return NULL;
}

/* "2026-12-01 12:01:05" in local time; "-" when unknown. */
static const char *since_text(uint64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000u);
	struct tm tm;

	if (!ms || !localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

/* A drained real server's entries in the connection table, templates
 * included (what `director connections --service` lists): the kernel's
 * counts above leave out persistence, which keeps a client on it until its
 * template expires. One read of the table per drained real server: drains
 * are few. */
static long table_entries(const struct dir_service *service, const struct ipvs_dest *d)
{
	return director_conn_count(&service->svc, d);
}

static void text_table_entries(FILE *out, const struct dir_service *service,
			       const struct ipvs_dest *d)
{
	long entries = table_entries(service, d);

	if (entries >= 0)
		fprintf(out, "; %ld in the connection table", entries);
}

static void text_line(FILE *out, const struct dir_service *service, const struct ipvs_dest *d,
		      const struct dest_state *s, const struct ipvs_dest *in_kernel)
{
	char addr[IPADDR_TEXT_MAX + 8], since[32];
	enum dest_health health = health_of(s);

	fprintf(out, "  %-20s %-24s %-7s since %s", service->name,
		director_format_addrport(&d->addr, d->port, addr, sizeof(addr)), health_name(health),
		since_text(s->since_ms, since, sizeof(since)));
	if (s->checked)
		fprintf(out, ", last check %s (%.1f ms)", s->last_result, s->last_latency_us / 1000.0);
	if (health == HEALTH_DRAINED && in_kernel)
		fprintf(out, "; %u active, %u inactive connections left", in_kernel->active,
			in_kernel->inactive);
	if (health == HEALTH_DRAINED)
		text_table_entries(out, service, d);
	fputc('\n', out);
}

void health_view_text(FILE *out, const struct director_config *cfg, const struct health *h,
		      const struct ipvs_table *kernel, pid_t daemon)
{
	if (daemon > 0)
		fprintf(out, "health (checked by the lvsagent director daemon, pid %d):\n",
			(int)daemon);
	else
		fputs("health (no lvsagent director daemon runs: no checks; drains only):\n", out);
	for (size_t i = 0; i < cfg->service_count && i < h->count; i++) {
		const struct dir_service *service = &cfg->services[i];
		for (size_t j = 0; j < service->svc.dest_count && j < h->services[i].count; j++) {
			const struct ipvs_dest *d = &service->svc.dests[j];
			text_line(out, service, d, &h->services[i].dests[j],
				  kernel_dest(kernel, service, d));
		}
		if (h->services[i].sorry_in)
			fprintf(out, "  %-20s sorry server in the table: no real server in rotation\n",
				service->name);
	}
}

static void json_entry(struct json *json, const struct dir_service *service,
		       const struct ipvs_dest *d, const struct dest_state *s,
		       const struct ipvs_dest *in_kernel)
{
	char addr[IPADDR_TEXT_MAX + 8], since[32];

	json_object_begin(json);
	json_field_string(json, "service", service->name);
	json_field_string(json, "realserver",
			  director_format_addrport(&d->addr, d->port, addr, sizeof(addr)));
	json_field_string(json, "health", health_name(health_of(s)));
	json_field_string(json, "since", s->since_ms ? since_text(s->since_ms, since,
								   sizeof(since)) : NULL);
	json_field_string(json, "last_check", s->checked ? s->last_result : NULL);
	json_key(json, "latency_us");
	if (s->checked)
		json_int(json, s->last_latency_us);
	else
		json_null(json);
	json_field_bool(json, "passed", s->checked && s->last_passed);
	if (in_kernel) {
		json_field_int(json, "active", in_kernel->active);
		json_field_int(json, "inactive", in_kernel->inactive);
	}
	if (health_of(s) == HEALTH_DRAINED) {
		long entries = table_entries(service, d);
		json_key(json, "connection_table_entries");
		if (entries >= 0)
			json_int(json, entries);
		else
			json_null(json);
	}
	json_object_end(json);
}

void health_view_json(struct json *json, const struct director_config *cfg,
		      const struct health *h, const struct ipvs_table *kernel)
{
	json_key(json, "health");
	json_array_begin(json);
	for (size_t i = 0; i < cfg->service_count && i < h->count; i++) {
		const struct dir_service *service = &cfg->services[i];
		for (size_t j = 0; j < service->svc.dest_count && j < h->services[i].count; j++) {
			const struct ipvs_dest *d = &service->svc.dests[j];
			json_entry(json, service, d, &h->services[i].dests[j],
				   kernel_dest(kernel, service, d));
		}
	}
	json_array_end(json);
}
