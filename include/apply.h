/* apply: the only code that changes the host. Executes a plan's actions
 * and marks each item done, or failed with the kernel's reason. */
#ifndef LVSAGENT_APPLY_H
#define LVSAGENT_APPLY_H

#include "netlink.h"
#include "plan.h"

/* In this order, so that a VIP is never on lo without ARP suppression:
 *   1. lo up, sysctls raised;
 *   2. VIPs and routes added, then unwanted routes and VIPs removed, in one
 *      netlink batch (skipped for additions if step 1 failed);
 *   3. sysctls restored (skipped if a VIP removal failed).
 * Returns the number of items that failed (0: all done). */
size_t apply_plan(struct nl_conn *conn, int lo_ifindex, struct plan *plan);

#endif
