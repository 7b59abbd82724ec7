/* plan_owned: what lvsagent owns around a director plan — the records
 * for STATE_DIR/director before the plan is applied and after. Pure. */
#ifndef LVSAGENT_DIRECTOR_PLAN_OWNED_H
#define LVSAGENT_DIRECTOR_PLAN_OWNED_H

#include "director/plan.h"
#include "director/state.h"

/* What lvsagent owns once the plan's done items took effect. */
void director_owned_after(const struct dir_plan *plan, const struct dir_owned *before,
			  struct dir_owned *after);
/* What it may own at any moment while the plan is applied (every record
 * held now, every one the actions add: the forwarding sysctl's original
 * above all), written before anything changes so that a crash leaves a
 * state `director stop` completes. */
void director_owned_intent(const struct dir_plan *plan, const struct dir_owned *before,
			   struct dir_owned *intent);

#endif
