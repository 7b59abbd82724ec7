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
#include "realserver/state.h"

enum item_kind { ITEM_LINK, ITEM_SYSCTL, ITEM_VIP, ITEM_ROUTE, ITEM_NFT };

/* What only SYSCTL and LINK items carry. It lives apart from the item so
 * that the 20 000 VIP and route items of 10 000 VIPs stay at 64 bytes:
 * touching fewer pages is most of what a big plan costs. */
struct plan_setting {
	char iface[IFNAMSIZ];		/* SYSCTL ("all" or an interface), LINK */
	enum sysctl_key key;		/* SYSCTL */
	int desired;			/* SYSCTL: the configured minimum */
	bool restore;			/* SYSCTL: putting back the value found */
	bool in_force;			/* SYSCTL: all holds the value in force up */
	bool missing;			/* SYSCTL: a configured uplink that is not there */
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
	/* SYSCTL: the values; VIP/ROUTE/NFT: 1 present, 0 absent; LINK: 1 up.
	 * NFT present but not as configured: before 2. */
	int before, after;
	int error;			/* filled by apply: -errno when the kernel refused */
	const char *note;		/* why it is left as it is, for a warning */
	char *reason;			/* filled by apply: why, in the kernel's words */
	union {
		struct ipaddr addr;		/* VIP, ROUTE */
		char *detail;			/* NFT: what the configured table holds */
		struct plan_setting *setting;	/* SYSCTL, LINK */
	};
	/* reason, detail and setting are freed with the plan. */
};

struct plan {
	struct plan_item *items;
	size_t count, capacity;
	struct nft_desired nft;		/* the table an NFT item adds or replaces */
};

/* Converge the host towards CFG. */
void plan_converge(const struct rs_config *cfg, const struct observed *obs,
		   const struct owned *owned, struct plan *plan);
/* Only the lo and sysctl part of plan_converge: the daemon's periodic
 * check, since the kernel reports every other change as it happens. */
void plan_converge_sysctls(const struct rs_config *cfg, const struct observed *obs,
			   const struct owned *owned, struct plan *plan);
/* Remove what lvsagent created and restore the values it replaced. */
void plan_withdraw(const struct observed *obs, const struct owned *owned, struct plan *plan);

/* Items whose action is not NONE. */
size_t plan_change_count(const struct plan *plan);
/* What lvsagent owns once the plan's done items took effect. */
void plan_owned_after(const struct plan *plan, struct owned *owned);
/* What it may own at any moment while the plan is applied: every record it
 * holds now and every one the actions would add (a sysctl's original
 * above all), written before anything changes so that a crash (kill -9)
 * at any point leaves a state that `stop` completes. */
void plan_owned_intent(const struct plan *plan, struct owned *owned);

void plan_free(struct plan *plan);

#endif
