/* health_view: each real server's health as `director status` shows it —
 * its health, since when, the last check's result and latency, and for a
 * drained one the connections it still has (so an operator knows when it
 * is safe to take it down). Text and JSON. */
#ifndef LVSAGENT_DIRECTOR_HEALTH_VIEW_H
#define LVSAGENT_DIRECTOR_HEALTH_VIEW_H

#include <stdio.h>
#include <sys/types.h>

#include "director/config.h"
#include "director/health.h"
#include "kernel/ipvs_model.h"
#include "lib/json.h"

/* KERNEL (NULL: not read) gives the connection counts. DAEMON: the pid
 * whose checks H holds, or 0 (no daemon: H has only drains). */
void health_view_text(FILE *out, const struct director_config *cfg, const struct health *h,
		      const struct ipvs_table *kernel, pid_t daemon);
/* The array of "health" entries: {"service", "realserver", "health",
 * "since", "last_check", "latency_us", "passed", "active", "inactive"}. */
void health_view_json(struct json *json, const struct director_config *cfg,
		      const struct health *h, const struct ipvs_table *kernel);

#endif
