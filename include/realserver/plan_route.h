/* plan_route: the planner's share of route mode (vip_mode = route) —
 * each VIP, or block of VIPs, one local route in table local through lo,
 * marked with lvsagent's protocol; and the local routes lvsagent owns but
 * no longer wants (address mode again, or a VIP dropped). Pure. */
#ifndef LVSAGENT_REALSERVER_PLAN_ROUTE_H
#define LVSAGENT_REALSERVER_PLAN_ROUTE_H

#include "kernel/nft_objects.h"
#include "realserver/config.h"
#include "realserver/observe.h"
#include "realserver/plan_item.h"
#include "realserver/state.h"

/* The LOCAL items: wanted ones in route mode, then the owned unwanted. */
void plan_local_routes(const struct rs_config *cfg, const struct observed *obs,
		       const struct owned *owned, struct plan *plan);
/* Every owned local route removed (stop). */
void plan_local_routes_withdraw(const struct observed *obs, const struct owned *owned,
				struct plan *plan);

/* The daemon's repair of DELETED local routes of lvsagent's (COUNT of
 * them), from the events alone: each one the configuration wants is added
 * back. False when that is not the whole story — a deleted route no
 * longer wanted (the records change), not route mode, or another
 * instance's marks — and a whole converge is needed. */
bool plan_local_repair(const struct rs_config *cfg, const struct observed *obs,
		       const struct ipprefix *deleted, size_t count, struct plan *plan);

/* The VIPs of FAMILY (AF_INET, AF_INET6) of a configuration with
 * prefixes as the elements of an interval set (the ARP table's, and the
 * filter table's for mss). */
void plan_nft_intervals(const struct rs_config *cfg, int family, struct nft_elements *set);
/* The VIPs of FAMILY as a set's elements: plain, or intervals with prefixes. */
void plan_vip_elements(const struct rs_config *cfg, int family, struct nft_elements *set);

#endif
