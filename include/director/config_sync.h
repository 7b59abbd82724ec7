/* config_sync: the [director] keys that run the kernel's IPVS connection
 * sync daemons — sync = master, backup | master | backup, sync_interface,
 * sync_id, and optionally sync_port, sync_ttl, sync_group, sync_maxlen —
 * each refused at its line where the kernel would refuse it, or silently
 * keep another value (sync_maxlen outside its clamp). */
#ifndef LVSAGENT_DIRECTOR_CONFIG_SYNC_H
#define LVSAGENT_DIRECTOR_CONFIG_SYNC_H

#include <stdbool.h>

#include "core/config.h"
#include "core/netdev.h"
#include "director/sync_settings.h"
#include "kernel/ipvs_daemon.h"
#include "lib/diag.h"

enum sync_key {
	SYNC_ROLES, SYNC_INTERFACE, SYNC_ID, SYNC_PORT, SYNC_TTL, SYNC_GROUP, SYNC_MAXLEN
};

/* KEY = VALUE (at p->line) into SYNC, or an error at its line. For
 * director/config.c, which hands each key the [director] sync settings. */
void config_sync_key(struct config_parser *p, enum sync_key key, struct dir_sync *sync,
		     const char *value);
/* What needs every key: the required ones there, none without sync, the
 * bounds of sync_maxlen for the roles and the group's family. */
void config_sync_finish(struct config_parser *p, const struct dir_sync *sync);

/* Whether any daemon is configured. */
bool dir_sync_wanted(const struct dir_sync *sync);
/* The daemon of ROLE as configured (whether or not SYNC wants it). */
void dir_sync_daemon(const struct dir_sync *sync, enum ipvs_sync_role role,
		     struct ipvs_daemon *out);
/* sync_interface must exist, as the kernel needs it (ENODEV otherwise):
 * a configuration error. 0 or -1. */
int dir_sync_check_interface(const struct dir_sync *sync, const char *file,
			     const struct netdevs *net, struct diag *diag);

#endif
