/* sync: what to do with the kernel's IPVS sync daemons, one decision per
 * role (master, backup) from the configuration, the daemons the kernel
 * runs and the ones lvsagent started. Pure; plan.c turns each decision
 * into a plan item.
 *
 * The kernel cannot change a running daemon: one with other settings is
 * stopped and started again (DEL + NEW). lvsagent stops only daemons it
 * started — the state file records them (role, interface, id) before it
 * starts one — so a daemon someone else started is adopted when it runs
 * as configured, and left alone when it does not (restarted with manage =
 * all, where the configuration owns the director). */
#ifndef LVSAGENT_DIRECTOR_SYNC_H
#define LVSAGENT_DIRECTOR_SYNC_H

#include <stdbool.h>

#include "core/change.h"
#include "director/state.h"
#include "director/sync_settings.h"
#include "kernel/ipvs_daemon.h"

struct sync_decision {
	enum item_action action;	/* ADD start, SET restart, REMOVE stop */
	bool planned;			/* a daemon to speak of: configured, or running */
	bool wanted;			/* configured (and not stop) */
	bool running;			/* the kernel runs one of this role */
	bool ours;			/* lvsagent started it (or starts it now) */
	bool adopted;			/* someone else's, running as configured */
	bool differs;			/* runs otherwise than configured (even if left alone) */
	struct ipvs_daemon want, have;
	const char *note;		/* why it is left alone */
};

/* The decision for ROLE. KERNEL NULL: the daemons were not read (nothing
 * planned). STOP: withdraw (the configuration asks for nothing). */
void sync_decide(const struct dir_sync *sync, const struct ipvs_daemons *kernel,
		 const struct dir_owned *owned, bool manage_all, bool stop,
		 enum ipvs_sync_role role, struct sync_decision *out);

#endif
