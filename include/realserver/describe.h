/* describe: the words for real-server plan items, shared by every output
 * format. */
#ifndef LVSAGENT_REALSERVER_DESCRIBE_H
#define LVSAGENT_REALSERVER_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>

#include "realserver/plan.h"

/* Words for one item. */
const char *item_kind_name(enum item_kind kind);	/* "vip", "route", "sysctl", "link" */
const char *item_action_name(const struct plan_item *item); /* "add", "remove", "set" */
/* "192.168.101.168/32", "net.ipv4.conf.all.arp_ignore", "lo" */
const char *item_target(const struct plan_item *item, char *buf, size_t len);
/* The item as one line of the host's view ("vip 192.0.2.1/32 dev lo"), in
 * its BEFORE or after state; NULL when absent then. */
const char *item_view(const struct plan_item *item, bool before, char *buf, size_t len);
/* "add vip 192.0.2.1/32 dev lo", "set sysctl net....arp_ignore = 1 (was 0)" */
const char *item_change(const struct plan_item *item, char *buf, size_t len);

/* What the daemon found and what it did: "vip 192.0.2.1/32 was missing
 * from lo; added it back". */
const char *item_repair(const struct plan_item *item, char *buf, size_t len);

/* Whether the item is not as the configuration wants it. */
bool item_differs(const struct plan_item *item);

#endif
