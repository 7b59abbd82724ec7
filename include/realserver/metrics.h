/* metrics: the real-server daemon's counters in Prometheus' text format,
 * for node_exporter's textfile collector ([agent] metrics_file): the VIPs
 * configured and in place, repairs by kind, the last repair's latency,
 * the daemon's start time, the configuration reloads and whether the last
 * one took. daemon.c tells it what each converge and reload did; the file
 * is rewritten (atomically, lib/atomic_file.h) only when its text changed,
 * so a quiet host costs no writes and there is no timer. */
#ifndef LVSAGENT_REALSERVER_METRICS_H
#define LVSAGENT_REALSERVER_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "realserver/plan.h"

#define RS_METRICS_KINDS (ITEM_NFT + 1)

struct rs_metrics {
	int64_t start_time;		/* Unix seconds; 0 until the first converge */
	unsigned long repairs[RS_METRICS_KINDS];	/* by enum item_kind */
	double last_repair_seconds;	/* kernel event to ACK; 0: none yet */
	unsigned long reloads_ok, reloads_failed;
	bool last_reload_failed;
	size_t vips_managed, vips_in_place;
	uint64_t written;		/* a hash of the text last written; 0: none */
	int last_error;			/* of the last write, so it is logged once */
};

/* A converge's PLAN has been applied: VERB "start" or "reload", or NULL
 * for a repair of what the notification at EVENT_USEC (CLOCK_MONOTONIC;
 * 0: none) reported, acked at APPLIED_USEC. Then the file is written
 * if CFG names one. */
void rs_metrics_converged(struct rs_metrics *m, const struct config *cfg, const struct plan *plan,
			  const char *verb, uint64_t event_usec, uint64_t applied_usec);
/* A SIGHUP: the configuration was taken (OK) or refused; the file follows. */
void rs_metrics_reloaded(struct rs_metrics *m, const struct config *cfg, bool ok);

/* The text (pure); the caller frees it. */
char *rs_metrics_format(const struct rs_metrics *m);

#endif
