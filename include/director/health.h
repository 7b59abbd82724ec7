/* health: what the checks' results make of each real server — up, down,
 * drained (by an operator), kept (down, but kept in rotation by min_up) —
 * and the table the kernel should have because of it: the configuration
 * with each real server's weight as its health says, and sorry servers
 * where no real server is in rotation. Pure: no syscalls, no clock (the
 * caller passes the time); unit-tested.
 *
 * A real server's checks decide with hysteresis: an up one goes down
 * after `fall` consecutive failures, a down one comes up after `rise`
 * consecutive passes. One that never had a verdict (new, or absent from
 * the kernel when the daemon started) comes up on its first pass; one the
 * kernel already had with a weight above 0 starts up (its traffic is not
 * cut because the daemon restarted). Drained is an overlay: the checks go
 * on, and undrain puts the server back as soon as its checks say up. */
#ifndef LVSAGENT_DIRECTOR_HEALTH_H
#define LVSAGENT_DIRECTOR_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "director/config.h"
#include "kernel/ipvs_model.h"

enum dest_health { HEALTH_UP, HEALTH_DOWN, HEALTH_DRAINED, HEALTH_KEPT };

struct dest_state {
	bool up;			/* the checks' verdict (with rise/fall) */
	bool decided;			/* up is a verdict, not the start-up guess */
	bool drained;			/* by `director drain` */
	bool kept;			/* down, but in rotation for min_up */
	unsigned passes, failures;	/* consecutive results so far */
	uint64_t since_ms;		/* when its shown health began (the caller's clock) */
	uint64_t down_at_ms;		/* when it last went down: min_up keeps the latest */
	bool checked;			/* a result came in */
	bool last_passed;
	uint32_t last_latency_us;
	char last_result[96];		/* the checker's words: "ok", "connect: ..." */
	unsigned long transitions;	/* changes of shown health, for metrics */
};

struct service_health {
	struct dest_state *dests;	/* parallel to the service's svc.dests */
	size_t count;
	bool sorry_in;			/* the sorry server is in the table */
};

struct health {
	struct service_health *services;	/* parallel to cfg->services */
	size_t count;
};

/* States for CFG's real servers at NOW_MS. KERNEL (NULL: empty) is the
 * table as read: a real server it has with weight > 0 starts up, any other
 * down until its first pass; a sorry server it has (weight > 0) is in
 * already. PREVIOUS (NULL: none) is the state before a reload, of
 * PREVIOUS_CFG: a real server of the same service (virtual) and
 * address:port keeps its state and counts, a service of the same virtual
 * its sorry_in, and only a new one starts afresh. check = none makes every
 * real server up. Drains come after, by health_set_drained; then
 * health_settle (min_up, sorry servers for the new configuration). */
void health_init(struct health *h, const struct director_config *cfg,
		 const struct ipvs_table *kernel, const struct health *previous,
		 const struct director_config *previous_cfg, uint64_t now_ms);
void health_free(struct health *h);

/* One check's result for real server DEST of service SVC (indexes into
 * cfg->services and its svc.dests). Returns whether its verdict changed;
 * then LINE (LEN bytes) holds the log line, e.g. "web 10.10.10.12:80 down
 * after 3 failed checks (connect: Connection refused); 1 of 2 up", "... up
 * after 2 passed checks; 2 of 2 up", "... up: its first check passed; 2 of
 * 2 up" ("its first passed check" when failures came before). "N of M up":
 * up and not drained, after the change. A server drained meanwhile is
 * checked all the same. Call health_settle after a batch of results. */
bool health_record(struct health *h, const struct director_config *cfg, size_t svc, size_t dest,
		   bool passed, const char *result, uint32_t latency_us, uint64_t now_ms,
		   char *line, size_t len);

/* Drain or undrain real server DEST of SVC. Returns whether it changed.
 * Call health_settle after it (min_up, sorry server). */
bool health_set_drained(struct health *h, size_t svc, size_t dest, bool drained,
			uint64_t now_ms);

/* min_up and sorry servers, once a batch of results is in: which down
 * servers stay in rotation (the ones that went down last; never a drained
 * one, nor one no check has passed since it appeared), whether each
 * service's sorry server is in (while no real server is in rotation).
 * Calls SAY (NULL: none) with a log line for each change ("web
 * 10.10.10.12:80 kept in rotation although down (min_up = 1)", "web
 * 10.10.10.12:80 no longer kept: 1 of 2 in rotation", "web: no real server
 * in rotation: sorry server 10.10.10.99:80 gets the traffic", "web: a real
 * server is back: sorry server 10.10.10.99:80 removed"). Returns whether
 * anything changed. */
bool health_settle(struct health *h, const struct director_config *cfg, uint64_t now_ms,
		   void (*say)(void *user, const char *line), void *user);

/* The health shown for a real server. */
enum dest_health health_of(const struct dest_state *state);
const char *health_name(enum dest_health health);	/* "up", "down", "drained", "kept" */
/* Real servers in rotation (up or kept, not drained), and up. */
size_t health_in_rotation(const struct service_health *service);
size_t health_up(const struct service_health *service);

/* The director configuration the kernel should have now: CFG's services
 * with each real server's weight as its health says — in rotation: its
 * configured weight; down or drained: 0 (on_failure = quiesce, and always
 * when drained) or left out (on_failure = remove) — and each service's
 * sorry server, last, while it is in. OUT is a deep copy (its own
 * services, real servers and metrics_file) of what the planner reads: the
 * services' dest_lines, dest_port_given and dest_checks are NULL. Free it
 * with health_effective_free. */
void health_effective(const struct director_config *cfg, const struct health *h,
		      struct director_config *out);
void health_effective_free(struct director_config *out);

#endif
