/* probe: each check type's probe. See probe.h. */
#include "director/probe.h"

#include <stddef.h>
#include <time.h>

#include "director/probe_exec.h"
#include "director/probe_tcp.h"

const struct probe_ops *probe_for(enum dir_check_kind kind)
{
	switch (kind) {
	case CHECK_TCP:
		return &probe_tcp;
	case CHECK_EXEC:
		return &probe_exec;
	default:
		return NULL;
	}
}

uint64_t probe_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
