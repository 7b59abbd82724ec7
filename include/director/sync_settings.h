/* sync_settings: the [director] sync keys as read — which sync daemons
 * to run and how — for the configuration (config.h) and the modules that
 * read or check them (config_sync.h). */
#ifndef LVSAGENT_DIRECTOR_SYNC_SETTINGS_H
#define LVSAGENT_DIRECTOR_SYNC_SETTINGS_H

#include <stdbool.h>

#include "kernel/ipvs_daemon.h"

struct dir_sync {
	bool role[IPVS_SYNC_ROLES];	/* sync = ...; none: no daemon */
	struct ipvs_daemon settings;	/* every key but sync (role unused) */
	bool refused;			/* a sync key was refused (and said so) */
	/* Where each key was set (0: not set), for messages. */
	int line, interface_line, id_line, port_line, ttl_line, group_line, maxlen_line;
};

#endif
