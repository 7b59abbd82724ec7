/* plan_tunnel: the planner's share of LVS-TUN — the tunnel devices up
 * (plan items), and the rp_filter values that let a decapsulated packet
 * through (wants, which plan.c turns into sysctl items by the policy of
 * core/sysctl_policy.h). Pure.
 *
 * rp_filter: the value in force on the tunnel device is the larger of
 * all's and its own, and any value but 0 drops the decapsulated packet
 * (its source is the client, whose route leaves by the uplink; loose mode
 * drops too on a device without an IPv4 address). So when all is above
 * 0, all goes down to 0 and every other interface (and default, for the
 * ones created later) gets all's value as its own first: each keeps the
 * filtering it had, the tunnel device alone is set to 0. */
#ifndef LVSAGENT_REALSERVER_PLAN_TUNNEL_H
#define LVSAGENT_REALSERVER_PLAN_TUNNEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel/sysctl.h"
#include "realserver/config.h"
#include "realserver/observe.h"
#include "realserver/plan_item.h"
#include "realserver/state.h"

/* One sysctl value the configuration needs. */
struct sysctl_want {
	char iface[IFNAMSIZ];		/* "all", "default", an interface */
	enum sysctl_key key;
	int value;
	bool exact;			/* VALUE itself; otherwise at least VALUE */
	bool before_created;		/* of a device the plan creates first */
};

/* The rp_filter wants, in the order they are to be written (interfaces
 * raised before all is lowered). Returns the count; *OUT is the caller's
 * to free (NULL when none). */
size_t plan_rp_filter_wants(const struct rs_config *cfg, const struct observed *obs,
			    const struct owned *owned, struct sysctl_want **out);

/* The tunnel devices CFG needs, up, and those lvsagent brought up and CFG
 * no longer needs, down. */
void plan_tunnels(const struct rs_config *cfg, const struct observed *obs,
		  const struct owned *owned, struct plan *plan);
/* The GUE ports CFG needs, added; those lvsagent added and CFG no longer
 * needs, removed. */
void plan_fou(const struct rs_config *cfg, const struct observed *obs,
	      const struct owned *owned, struct plan *plan);
void plan_fou_withdraw(const struct observed *obs, const struct owned *owned,
		       struct plan *plan);
/* Every device lvsagent brought up, down again (if nothing else uses it). */
void plan_tunnels_withdraw(const struct observed *obs, const struct owned *owned,
			   struct plan *plan);

#endif
