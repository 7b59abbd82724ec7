/* apply: the only code that changes the host. Executes a plan's actions
 * and marks each item done, or failed with the kernel's reason. */
#ifndef LVSAGENT_REALSERVER_APPLY_H
#define LVSAGENT_REALSERVER_APPLY_H

#include "kernel/fou.h"
#include "kernel/netlink.h"
#include "realserver/plan.h"

/* In this order, so that a VIP is never on lo without ARP suppression:
 *   0. the tunnel devices of LVS-TUN up and its GUE ports added
 *      (apply_tunnels, unless the caller did that first): if one fails
 *      nothing else is tried;
 *   1. the nftables table (one transaction), then lo up and sysctls raised;
 *      if the table fails nothing else in this step is tried, so `both`
 *      never leaves the sysctls applied alone;
 *   2. VIPs and routes added, then unwanted routes and VIPs removed, in one
 *      netlink batch (skipped for additions if step 1 failed);
 *   3. sysctls restored (all's first, so that no interface is left less
 *      strict meanwhile), the table deleted, GUE ports removed and tunnel
 *      devices set down (skipped if a VIP removal failed).
 * CONN is rtnetlink, NFNL nfnetlink. LISTENER (or NULL) is a socket of
 * the caller's own joined to nftables' notifications: it leaves the group
 * while the table commits (see change_nft). Returns how many items failed. */
size_t apply_plan(struct nl_conn *conn, struct nl_conn *nfnl, struct nl_conn *listener,
		  struct fou_conn *fou, int lo_ifindex, struct plan *plan);

/* Set lo's alias to TEXT ("" removes it): the instance's claim (claim.h).
 * 0 or -errno, with the kernel's reason in RESULT. */
int apply_claim(struct nl_conn *conn, int lo_ifindex, const char *text, struct nl_result *result);

/* Step 0 alone: the tunnel devices PLAN brings up, and the GUE ports it
 * adds (on FOU). Returns how many failed; done items are not tried again
 * by apply_plan. */
size_t apply_tunnels(struct nl_conn *conn, struct fou_conn *fou, struct plan *plan);
/* Whether PLAN created a tunnel device (and so perhaps loaded a module,
 * which brings devices of its own the plan could not see). */
bool apply_created_tunnel(const struct plan *plan);

/* Mark every change of PLAN not done nor failed yet failed, not
 * attempted, for REASON. */
void apply_skip_rest(struct plan *plan, const char *reason);
/* Mark every change of PLAN failed, not attempted, for REASON. */
void apply_skip_all(struct plan *plan, const char *reason);

#endif
