/* plan: (configuration, the kernel's IPVS table, what lvsagent
 * owns, the host) → the services, real servers, VIPs and forwarding
 * sysctls to add, change or remove. Pure; unit-tested.
 *
 * Services the configuration names are converged in place (SET_SERVICE,
 * SET_DEST: never delete and re-add, which would drop live connections).
 * Services it no longer names are removed if lvsagent created them — or,
 * with manage = all, whatever they are. A named service that existed
 * before lvsagent is adopted: converged, but never removed by stop. */
#ifndef LVSAGENT_DIRECTOR_PLAN_H
#define LVSAGENT_DIRECTOR_PLAN_H

#include "core/change.h"
#include "core/config.h"
#include "core/netdev.h"
#include "core/sysctl_policy.h"
#include "director/config.h"
#include "director/state.h"
#include "kernel/ipvs_daemon.h"
#include "kernel/ipvs_model.h"

enum dir_kind { DIR_SERVICE, DIR_DEST, DIR_VIP, DIR_SYSCTL, DIR_SYNC, DIR_TUNABLE };

struct dir_item {
	enum dir_kind kind;
	enum item_action action;
	const char *name;		/* the [service NAME], if configured */
	const struct ipvs_service *want;	/* SERVICE, DEST: the configured service */
	const struct ipvs_service *have;	/* SERVICE, DEST: the kernel's */
	const struct ipvs_dest *want_dest, *have_dest;
	bool wanted, ours, adopted;
	/* VIP */
	struct ipaddr vip;
	char iface[IFNAMSIZ];
	int ifindex;
	/* SYSCTL */
	enum sysctl_key key;
	int before, after;
	bool restore;
	struct saved_sysctl record;	/* the saved value once done (when kept) */
	bool keep_record;
	/* SYNC: the daemon of a role; before: whether one runs (SYNC_HAVE),
	 * after: whether one is wanted (SYNC_WANT). differs: it runs
	 * otherwise than configured, even when it is left alone. */
	struct ipvs_daemon sync_want, sync_have;
	bool differs;
	/* TUNABLE: an IPVS timeout or sysctl, from BEFORE (-1: unreadable) to
	 * AFTER; the record to keep once done (keep_record). */
	enum ipvs_tunable tunable;
	struct dir_tunable_record tunable_record;
	const char *note;
	/* filled by apply */
	bool done;
	int error;
	char *reason;			/* why it failed (freed with the plan) */
};

struct dir_plan {
	struct dir_item *items;
	size_t count, capacity;
	bool sync_read;			/* the sync daemons were planned (host->sync) */
};

/* The IPVS timeouts and sysctls the kernel has (those read: known). */
struct dir_tunable_values {
	bool known[IPVS_TUNABLE_COUNT];
	int value[IPVS_TUNABLE_COUNT];
};

/* The host around IPVS, as the plan needs it. */
struct dir_host {
	const struct netdevs *net;	/* links and addresses */
	int vip_ifindex;		/* 0: no vip_interface, or it is missing */
	int forwarding[2];		/* ip_forward, ipv6 all.forwarding; -1 unknown */
	const struct ipvs_daemons *sync;	/* the kernel's sync daemons; NULL: not read */
	const struct dir_tunable_values *tunables;	/* NULL: not read */
};

void director_plan_apply(const struct director_config *cfg, const struct ipvs_table *kernel,
			 const struct dir_owned *owned, const struct dir_host *host,
			 struct dir_plan *plan);
void director_plan_stop(const struct director_config *cfg, const struct ipvs_table *kernel,
			const struct dir_owned *owned, const struct dir_host *host,
			struct dir_plan *plan);

/* Whether a NAT real server of family AF needs the director to forward. */
bool director_needs_forwarding(const struct director_config *cfg, int af);

size_t dir_plan_changes(const struct dir_plan *plan);
/* A new item of KIND at the end of PLAN, zeroed (for the plan's files). */
struct dir_item *dir_plan_new_item(struct dir_plan *plan, enum dir_kind kind);
/* plan_tunable.c: the IPVS timeouts and sysctls WANT names (NULL, as for
 * stop: none) set, and those lvsagent set and no longer wants put back
 * unless someone changed them since. */
void director_plan_tunables(struct dir_plan *plan, const struct dir_tunables *want,
			    const struct dir_host *host, const struct dir_owned *owned);
/* Whether tunable item ITEM's record is kept at MOMENT: into OUT. */
bool dir_tunable_record_at(const struct dir_item *item, const struct dir_owned *before,
			   enum own_moment moment, struct dir_tunable_record *out);
/* plan_owned.c: the ownership records around a plan. */
/* What lvsagent owns once the plan's done items took effect. */
void director_owned_after(const struct dir_plan *plan, const struct dir_owned *before,
			  struct dir_owned *after);
/* What it may own at any moment while the plan is applied (every record
 * held now, every one the actions add: the forwarding sysctl's original
 * above all), written before anything changes so that a crash leaves a
 * state `director stop` completes. */
void director_owned_intent(const struct dir_plan *plan, const struct dir_owned *before,
			   struct dir_owned *intent);
/* The kernel's table once PLAN's done items took effect, written into
 * KERNEL — the table the plan was made against — where that needs no new
 * read: real servers' settings changed (a health verdict's weight, a
 * drain). false when an item did more (added or removed a service or a
 * real server, changed a service) or failed: only a new read tells the
 * table then. Pure. */
bool director_table_after(const struct dir_plan *plan, struct ipvs_table *kernel);
void dir_plan_free(struct dir_plan *plan);

#endif
