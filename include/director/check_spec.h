/* check_spec: what one check is — the check type, the real server's
 * address and port, its interval and timeout, and the type's own settings
 * — as the check plan makes it, the checker schedules it and a probe runs
 * it. Types only. */
#ifndef LVSAGENT_DIRECTOR_CHECK_SPEC_H
#define LVSAGENT_DIRECTOR_CHECK_SPEC_H

#include <stdint.h>

#include "director/probe_settings.h"
#include "lib/ipaddr.h"

struct check_spec {
	enum dir_check_kind kind;	/* CHECK_NONE: never checked */
	struct ipaddr addr;
	uint16_t port;
	uint32_t interval_ms, timeout_ms;
	/* The check type's keys, in the configuration (which outlives the
	 * check: the daemon sets the checks of a new configuration before it
	 * frees the old one); NULL for tcp. */
	const struct dir_probe *probe;
	char host[64];			/* the virtual's address: http_host's default */
};

#endif
