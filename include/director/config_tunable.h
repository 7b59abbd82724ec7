/* config_tunable: the [director] keys for IPVS settings outside the table
 * — timeout_tcp, timeout_tcpfin, timeout_udp (seconds; 0, as with
 * ipvsadm --set, leaves the kernel's) and sysctl.NAME for the
 * net.ipv4.vs.* sysctls kernel/ipvs_tunable.h lists — each checked against
 * its range at its line. */
#ifndef LVSAGENT_DIRECTOR_CONFIG_TUNABLE_H
#define LVSAGENT_DIRECTOR_CONFIG_TUNABLE_H

#include <stdbool.h>

#include "core/config.h"
#include "kernel/ipvs_tunable.h"

/* The configured values: set[t] when the configuration names tunable t. */
struct dir_tunables {
	bool set[IPVS_TUNABLE_COUNT];
	int value[IPVS_TUNABLE_COUNT];
};

/* KEY's VALUE (at p->line) into TUNABLES, or an error at its line. */
void config_tunable_key(struct config_parser *p, enum ipvs_tunable key,
			struct dir_tunables *tunables, const char *value);

#endif
