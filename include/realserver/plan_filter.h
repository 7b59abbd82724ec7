/* plan_filter: the planner's share of LVS-TUN's filter rules — directors
 * and mss — as lvsagent's table inet lvsagent (kernel/nft_filter.h): the
 * table CFG wants, and the NFT item that adds, replaces or removes it.
 * Pure. */
#ifndef LVSAGENT_REALSERVER_PLAN_FILTER_H
#define LVSAGENT_REALSERVER_PLAN_FILTER_H

#include <stdbool.h>

#include "kernel/nft_filter.h"
#include "realserver/config.h"
#include "realserver/observe.h"
#include "realserver/plan_item.h"

/* Whether CFG needs the filter table (method = tun with directors or mss). */
bool filter_wanted(const struct rs_config *cfg);
/* The table CFG wants, into *OUT (nft_filter_free frees it). */
void filter_desired(const struct rs_config *cfg, struct nft_filter_desired *out);
/* The filter table: in PLAN->filter, and its item; or, unwanted and
 * there, removed. */
void plan_filter(const struct rs_config *cfg, const struct observed *obs, struct plan *plan);

#endif
