/* apply: carries out a director plan, in this order:
 *   1. a probe for each scheduler and persistence engine no service in the
 *      kernel uses yet, so one the kernel lacks stops the run before
 *      anything changed;
 *   2. forwarding raised (NAT real servers need it);
 *   3. services and real servers in one IPVS batch (many per sendmsg);
 *      the first refusal stops the run, the rest is "not attempted";
 *   4. VIPs bound to vip_interface, each announced (gratuitous ARP or
 *      unsolicited neighbour advertisement), VIPs no longer wanted removed;
 *   5. forwarding put back when no NAT real server needs it any more.
 * Returns how many items failed. */
#ifndef LVSAGENT_DIRECTOR_APPLY_H
#define LVSAGENT_DIRECTOR_APPLY_H

#include "director/plan.h"
#include "kernel/ipvs_kernel.h"
#include "kernel/netlink.h"

size_t director_apply(struct ipvs_conn *ipvs, struct nl_conn *rtnl, const struct ipvs_table *kernel,
		      const struct dir_host *host, struct dir_plan *plan);

#endif
