/* plan_item: what a plan is made of — its items, each a managed thing
 * with what it is now, what it should be and the action between — and
 * the few operations on the list that every part of the planner (plan.c,
 * plan_tunnel.c) and its readers share. Pure. */
#ifndef LVSAGENT_REALSERVER_PLAN_ITEM_H
#define LVSAGENT_REALSERVER_PLAN_ITEM_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/change.h"
#include "core/sysctl_policy.h"
#include "kernel/fou.h"
#include "kernel/nft_filter.h"
#include "kernel/nft_objects.h"
#include "lib/ipaddr.h"

/* ITEM_LOCAL: route mode's VIP, a local route in table local. */
enum item_kind { ITEM_LINK, ITEM_SYSCTL, ITEM_VIP, ITEM_ROUTE, ITEM_LOCAL, ITEM_NFT, ITEM_TUNNEL,
		 ITEM_FOU };

/* NFT items: which of lvsagent's tables — ARP suppression (table arp
 * lvsagent) or LVS-TUN's filter rules (table inet lvsagent). */
enum nft_table { TABLE_ARP, TABLE_FILTER };

/* What only SYSCTL, LINK, TUNNEL and FOU items carry. It lives apart from the item so
 * that the 20 000 VIP and route items of 10 000 VIPs stay at 64 bytes:
 * touching fewer pages is most of what a big plan costs. */
struct plan_setting {
	char iface[IFNAMSIZ];		/* SYSCTL ("all" or an interface), LINK, TUNNEL */
	enum sysctl_key key;		/* SYSCTL */
	int desired;			/* SYSCTL: the configured minimum (exact: value) */
	bool exact;			/* SYSCTL: DESIRED itself, lower or not (rp_filter) */
	/* SYSCTL: of a tunnel device this plan creates first; BEFORE is
	 * default's, which the new device starts with. */
	bool before_created;
	const char *link_kind;		/* TUNNEL: "ipip", the module's link kind */
	bool own;			/* TUNNEL: a device of lvsagent's own (tunnel.h) */
	struct ipaddr remote;		/* TUNNEL, own: the director at its other end */
	char alias[96];			/* TUNNEL, own: its mark (tunnel_own_alias) */
	char rival[IFNAMSIZ];		/* TUNNEL: another device the kernel's lookup
					 * gives the director's packets first */
	struct fou_port fou;		/* FOU: the GUE port */
	bool restore;			/* SYSCTL: putting back the value found */
	bool in_force;			/* SYSCTL: all holds the value in force up */
	bool missing;			/* SYSCTL: a configured uplink that is not there;
					 * TUNNEL: no such device yet (ADD creates it) */
	char renamed_from[IFNAMSIZ];	/* SYSCTL: its interface's name when recorded */
	bool had_record;		/* SYSCTL: the saved value before the action */
	bool has_record;		/* SYSCTL: the saved value once it is done */
	struct saved_sysctl prior;
	struct saved_sysctl record;
};

struct plan_item {
	enum item_kind kind : 8;
	enum item_action action : 8;
	bool wanted;			/* the configuration asks for it */
	bool ours;			/* lvsagent created it (or replaced the value) */
	bool done;			/* filled by apply: the change took effect */
	bool conflict;			/* VIP: in place on lo, but also on an uplink */
	uint8_t prefix_len;		/* LOCAL: of addr (a VIP may be a prefix) */
	uint8_t table;			/* NFT: enum nft_table */
	/* SYSCTL: the values; VIP/ROUTE/NFT/FOU: 1 present, 0 absent; LINK,
	 * TUNNEL: 1 up.
	 * NFT present but not as configured: before 2. */
	int before, after;
	int error;			/* filled by apply: -errno when the kernel refused */
	const char *note;		/* why it is left as it is, for a warning */
	char *reason;			/* filled by apply: why, in the kernel's words */
	union {
		struct ipaddr addr;		/* VIP, ROUTE, LOCAL */
		char *detail;			/* NFT: what the configured table holds */
		struct plan_setting *setting;	/* SYSCTL, LINK, TUNNEL, FOU */
	};
	/* reason, detail and setting are freed with the plan. */
};

struct plan {
	struct plan_item *items;
	size_t count, capacity;
	struct nft_desired nft;		/* the table an NFT item adds or replaces */
	struct nft_filter_desired filter;	/* the same for TABLE_FILTER */
	uint64_t filter_dropped;	/* what its counters counted, for status */
};

/* One more item of KIND, zeroed (SYSCTL, LINK and TUNNEL items with
 * their setting). */
struct plan_item *plan_new_item(struct plan *plan, enum item_kind kind);
/* Whether KIND's items carry a setting. */
bool item_has_setting(enum item_kind kind);
/* Items whose action is not NONE. */
size_t plan_change_count(const struct plan *plan);
void plan_free(struct plan *plan);

/* One of lvsagent's tables (lvsagent's by its name), unwanted: it goes. */
void plan_unwanted_table(struct plan *plan, enum nft_table table);
/* TABLE wanted, found in STATE (plan_table_state's): the NFT item. */
struct plan_item *plan_wanted_table(struct plan *plan, enum nft_table table, int state);
/* 1: the OBSERVED text is the WANTED one; 2: it differs. */
int plan_table_state(const char *wanted, const char *observed);

#endif
