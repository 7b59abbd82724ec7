/* config: the director's part of the configuration file — [director] and
 * one [service NAME] per IPVS service (core/config.h reads the file and
 * hands these keys here), checked as a whole once every line is read. */
#ifndef LVSAGENT_DIRECTOR_CONFIG_H
#define LVSAGENT_DIRECTOR_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/netdev.h"
#include "kernel/ipvs_model.h"
#include "lib/diag.h"

/* One [service NAME] section: the IPVS service it declares. */
struct dir_service {
	char name[48];
	int line;			/* of the [service NAME] header */
	int virtual_line;		/* 0: no virtual = yet */
	bool virtual_refused;		/* a virtual = line was refused (and said so) */
	int sh_flag_line, mh_flag_line;	/* where sh-* / mh-* flags were named */
	int netmask_line;
	bool netmask_given;
	struct ipvs_service svc;	/* its real servers in svc.dests */
	int *dest_lines;		/* the line of each real server */
	bool *dest_port_given;		/* "ADDR" alone takes the service's port */
};

struct director_config {
	bool manage_all;		/* manage = all: the whole IPVS table is ours */
	char vip_interface[IFNAMSIZ];	/* "" = none */
	int vip_interface_line;
	struct dir_service *services;
	size_t service_count, service_capacity;
};

/* The part, for a schema (main.c). */
extern const struct config_part director_config_part;

/* CFG's director values (CFG was read with director_config_part). */
const struct director_config *director_config_of(const struct config *cfg);

/* Errors for running as a director: at least one service (unless manage = all). */
int config_require_director(const struct config *cfg, struct diag *diag);
/* vip_interface must exist: a configuration error otherwise. 0 or -1. */
int director_check_vip_interface(const struct config *cfg, const struct netdevs *net,
				 struct diag *diag);

#endif
