/* plan: (configuration, what the kernel has, what lvsagent owns) → the
 * list of managed items, each with what it is now, what it should be, and
 * the action that gets it there. Pure: no syscalls; unit-tested.
 *
 * One plan drives every command: start/apply execute its actions, status
 * and --check report them, --diff renders before and after. */
#ifndef LVSAGENT_REALSERVER_PLAN_H
#define LVSAGENT_REALSERVER_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/change.h"
#include "core/config.h"
#include "core/sysctl_policy.h"
#include "kernel/nft_objects.h"
#include "realserver/config.h"
#include "realserver/observe.h"
#include "realserver/plan_item.h"
#include "realserver/state.h"

/* Converge the host towards CFG. */
void plan_converge(const struct rs_config *cfg, const struct observed *obs,
		   const struct owned *owned, struct plan *plan);
/* Only the lo and sysctl part of plan_converge: the daemon's periodic
 * check, since the kernel reports every other change as it happens. */
void plan_converge_sysctls(const struct rs_config *cfg, const struct observed *obs,
			   const struct owned *owned, struct plan *plan);
/* Remove what lvsagent created and restore the values it replaced. */
void plan_withdraw(const struct observed *obs, const struct owned *owned, struct plan *plan);

/* What lvsagent owns once the plan's done items took effect. */
void plan_owned_after(const struct plan *plan, struct owned *owned);
/* What it may own at any moment while the plan is applied: every record it
 * holds now and every one the actions would add (a sysctl's original
 * above all), written before anything changes so that a crash (kill -9)
 * at any point leaves a state that `stop` completes. */
void plan_owned_intent(const struct plan *plan, struct owned *owned);


#endif
