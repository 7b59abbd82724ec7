/* metrics: the real-server daemon's Prometheus text. See metrics.h. */
#include "realserver/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/atomic_file.h"
#include "lib/log.h"
#include "realserver/config.h"
#include "realserver/describe.h"

static void help(FILE *out, const char *name, const char *type, const char *text)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

char *rs_metrics_format(const struct rs_metrics *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	help(out, "lvsagent_realserver_vips_managed", "gauge", "VIPs the configuration names.");
	fprintf(out, "lvsagent_realserver_vips_managed %zu\n", m->vips_managed);
	help(out, "lvsagent_realserver_vips_in_place", "gauge",
	     "Configured VIPs on lo after the last converge.");
	fprintf(out, "lvsagent_realserver_vips_in_place %zu\n", m->vips_in_place);
	help(out, "lvsagent_realserver_repairs_total", "counter",
	     "Drift repaired since the daemon started, by kind of item.");
	/* Every kind from the start: a series that appears only with its
	 * first repair makes rate() miss that repair. */
	for (int k = 0; k < RS_METRICS_KINDS; k++)
		fprintf(out, "lvsagent_realserver_repairs_total{kind=\"%s\"} %lu\n",
			item_kind_name((enum item_kind)k), m->repairs[k]);
	help(out, "lvsagent_realserver_last_repair_latency_seconds", "gauge",
	     "From the kernel's notification to the repair's ACK, for the last repair.");
	fprintf(out, "lvsagent_realserver_last_repair_latency_seconds %.6f\n",
		m->last_repair_seconds);
	help(out, "lvsagent_realserver_start_time_seconds", "gauge",
	     "When the daemon started, in seconds since the Unix epoch.");
	fprintf(out, "lvsagent_realserver_start_time_seconds %lld\n", (long long)m->start_time);
	help(out, "lvsagent_realserver_config_reloads_total", "counter",
	     "Configuration reloads (SIGHUP) since the daemon started, by result.");
	fprintf(out, "lvsagent_realserver_config_reloads_total{result=\"success\"} %lu\n",
		m->reloads_ok);
	fprintf(out, "lvsagent_realserver_config_reloads_total{result=\"failure\"} %lu\n",
		m->reloads_failed);
	help(out, "lvsagent_realserver_config_last_reload_successful", "gauge",
	     "Whether the last reload was taken (1; also before any) or refused (0).");
	fprintf(out, "lvsagent_realserver_config_last_reload_successful %d\n",
		!m->last_reload_failed);
	fclose(out);
	return text;
}

/* FNV-1a of the path and the text: enough to tell whether either changed
 * since the file was written (a reload may name another file). */
static uint64_t text_hash(const char *path, const char *text)
{
	uint64_t h = 14695981039346656037ull;

	for (const unsigned char *c = (const unsigned char *)path; *c; c++)
		h = (h ^ *c) * 1099511628211ull;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		h = (h ^ *c) * 1099511628211ull;
	return h | 1;			/* never 0, which means "nothing written" */
}

/* Written on change only; a failure is logged when it first happens (the
 * next change tries again), not at every repair of a repair storm. */
static void publish(struct rs_metrics *m, const struct config *cfg)
{
	char *text;
	uint64_t h;
	int err;

	if (!cfg->metrics_file)
		return;
	text = rs_metrics_format(m);
	h = text_hash(cfg->metrics_file, text);
	if (h != m->written) {
		err = atomic_file_write(cfg->metrics_file, text);
		if (err && err != m->last_error)
			log_warn("cannot write %s: %s", cfg->metrics_file, strerror(-err));
		m->last_error = err;
		m->written = err ? 0 : h;
	}
	free(text);
}

void rs_metrics_converged(struct rs_metrics *m, const struct config *cfg, const struct plan *plan,
			  const char *verb, uint64_t event_usec, uint64_t applied_usec)
{
	size_t repaired = 0;

	if (!m->start_time)
		m->start_time = (int64_t)time(NULL);
	m->vips_managed = rs_config_of(cfg)->vip_count;
	m->vips_in_place = 0;
	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		bool changed = item->action != ACTION_NONE && item->done;
		if ((item->kind == ITEM_VIP || item->kind == ITEM_LOCAL) && item->wanted &&
		    (item->action == ACTION_NONE ? item->before == 1 : changed && item->after == 1))
			m->vips_in_place++;
		/* Tunnel and fou items have no counter of their own. */
		if (!verb && changed && item->kind < RS_METRICS_KINDS) {
			m->repairs[item->kind]++;
			repaired++;
		}
	}
	if (repaired && event_usec && applied_usec >= event_usec)
		m->last_repair_seconds = (double)(applied_usec - event_usec) / 1e6;
	publish(m, cfg);
}

void rs_metrics_reloaded(struct rs_metrics *m, const struct config *cfg, bool ok)
{
	if (ok)
		m->reloads_ok++;
	else
		m->reloads_failed++;
	m->last_reload_failed = !ok;
	publish(m, cfg);
}
