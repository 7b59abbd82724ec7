/* probe_ops: one check type's protocol, as the checker runs it — TCP connect,
 * HTTP(S) through libcurl, DNS, UDP, an external command. The checker
 * keeps the schedule, the deadline and the epoll registration; a probe
 * only starts a check, reacts when its descriptor is ready (or when it
 * asked to be woken), and stops it. Each check in flight is one struct
 * probe_run: one descriptor at a time to watch (it may change between
 * calls: the checker follows fd and events after every call). */
#ifndef LVSAGENT_DIRECTOR_PROBE_OPS_H
#define LVSAGENT_DIRECTOR_PROBE_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "director/check_spec.h"

struct probe_result {
	bool passed;
	char text[96];			/* "ok", or why not in the protocol's words */
};

enum probe_state { PROBE_PENDING, PROBE_DONE };

struct probe_run {
	/* To watch; -1: none (waiting on wake_us only). A probe that returns
	 * PROBE_DONE with it -1 has closed it, which took it out of the
	 * checker's epoll set. */
	int fd;
	uint32_t events;		/* EPOLLIN, EPOLLOUT */
	uint64_t wake_us;		/* CLOCK_MONOTONIC µs to call tick; 0: none */
	void *state;			/* the probe's own */
};

struct probe_ops {
	/* Start a check of SPEC: PROBE_DONE with R filled (it concluded at
	 * once), or PROBE_PENDING with RUN's fd (and/or wake_us) set. */
	enum probe_state (*start)(const struct check_spec *spec, struct probe_run *run,
				  struct probe_result *r);
	/* RUN's fd is ready with EVENTS (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP). */
	enum probe_state (*ready)(const struct check_spec *spec, struct probe_run *run,
				  uint32_t events, struct probe_result *r);
	/* RUN's wake_us has come (NULL: the probe never sets one). */
	enum probe_state (*tick)(const struct check_spec *spec, struct probe_run *run,
				 struct probe_result *r);
	/* The check ended (after DONE), timed out or was abandoned: close and
	 * free what RUN holds (kill a child). Never reports. */
	void (*stop)(const struct check_spec *spec, struct probe_run *run);
};

/* The clock of the checker and every probe: CLOCK_MONOTONIC µs. */
static inline uint64_t probe_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif
