/* status: `lvsagent director status` — the IPVS table as
 * `ipvsadm -Ln` lists it, then which services lvsagent manages and how
 * each compares with the configuration, and what apply would change.
 * Exit code as for the real server's status: 0 in place, 3 nothing of the
 * configuration applied, 1 partly applied or drifted. */
#ifndef LVSAGENT_DIRECTOR_STATUS_H
#define LVSAGENT_DIRECTOR_STATUS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/config.h"
#include "director/config.h"
#include "director/health.h"
#include "director/plan.h"
#include "kernel/ipvs_kernel.h"

/* KERNEL is sorted in ipvsadm's order first. IPVS gives the version and
 * connection table size for the header. CFG NULL: there is no
 * configuration (the default file does not exist), nothing is managed. */
/* Health, for status: WANT is the table as it should be now (the
 * configuration with drained real servers at weight 0, and under the
 * daemon those its checks took out), compared with the kernel's; HEALTH
 * what status shows of each real server; DAEMON its pid, or 0. */
struct status_health {
	const struct director_config *want;
	const struct health *health;
	pid_t daemon;
};

/* How status shows the table: as ipvsadm -Ln, -Ln --stats or -Ln --rate
 * (EXACT: --exact), or as JSON (which always carries the counters). */
enum status_counters { STATUS_PLAIN, STATUS_STATS, STATUS_RATE };
struct status_view {
	bool json, exact;
	enum status_counters counters;
};

int director_status(FILE *out, const struct config *cfg, struct ipvs_table *kernel,
		    const struct dir_owned *owned, const struct dir_host *host,
		    struct ipvs_conn *ipvs, const struct status_health *sh,
		    const struct status_view *view);
/* Without privileges, while a daemon runs: the health it last published. */
int director_status_published(FILE *out, const struct config *cfg,
			      const struct status_health *sh, bool json);

#endif
