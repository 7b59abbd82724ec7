/* check_plan: the checks a configuration asks for — one per distinct real
 * server address, port and way of checking it, however many services
 * name it (a fwmark service and a TCP service on the same real servers
 * are checked once) — and which services' real servers each one answers
 * for. Pure. */
#ifndef LVSAGENT_DIRECTOR_CHECK_PLAN_H
#define LVSAGENT_DIRECTOR_CHECK_PLAN_H

#include <stddef.h>

#include "director/checker.h"
#include "director/config.h"

#define CHECK_REF_END ((size_t)-1)

/* Real server DEST of service SVC; NEXT: the next one the same check
 * answers for (CHECK_REF_END: none). */
struct check_ref {
	size_t svc, dest, next;
};

struct check_plan {
	struct check_spec *specs;	/* the checker's IDs */
	size_t count;
	size_t *first;			/* per check: its first ref */
	struct check_ref *refs;
	size_t ref_count;
};

/* The checks of CFG. Their specs point into CFG (probe settings). */
void check_plan_build(const struct director_config *cfg, struct check_plan *plan);
void check_plan_free(struct check_plan *plan);

#endif
