/* config: the director's part of the configuration file — [director] and
 * one [service NAME] per IPVS service (core/config.h reads the file and
 * hands these keys here), checked as a whole once every line is read.
 * Three check keys look at this host as they are read: https_ca (a file
 * to read), exec (a program to run) and exec_user (a user). */
#ifndef LVSAGENT_DIRECTOR_CONFIG_H
#define LVSAGENT_DIRECTOR_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/netdev.h"
#include "director/config_tunable.h"
#include "director/probe_settings.h"
#include "director/sync_settings.h"
#include "kernel/ipvs_model.h"
#include "lib/diag.h"

struct dir_check {
	enum dir_check_kind kind;	/* check = none (default: all count as up) | tcp |
					 * http | https | dns | udp | exec */
	uint32_t interval_ms;		/* check_interval, default 5000 */
	uint32_t timeout_ms;		/* check_timeout, below the interval; default
					 * 2000, or half the interval when that is less */
	unsigned rise, fall;		/* defaults 2 and 3, at least 1 */
	uint16_t port;			/* check_port; 0: each real server's own port */
	bool remove_on_failure;		/* on_failure = remove; default quiesce (weight 0) */
	unsigned min_up;		/* min_up (default 0): a count, at most the real
					 * servers', or a percentage when MIN_UP_PERCENT */
	bool min_up_percent;
	bool has_sorry;			/* sorry_server = ADDR[:PORT] [options] */
	struct ipvs_dest sorry;		/* weight 1 unless given; port settled as a
					 * real server's (no port: the virtual's) */
	struct dir_probe probe;		/* the check type's own keys (probe_settings.h) */
	int line;			/* the check = line, for messages (0: none) */
};

/* A realserver line's own check settings (check_port=, check_address=). */
struct dir_dest_check {
	uint16_t port;			/* 0: the service's check_port, else its own port */
	struct ipaddr addr;		/* check_address=; family 0: the real server's */
};

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
	struct dir_dest_check *dest_checks;	/* each real server's own check settings */
	struct dir_check check;
	/* Where check keys were set, for the checks of the whole section
	 * (0: not set). */
	int check_interval_line, check_timeout_line, min_up_line, sorry_line;
	bool sorry_port_given;
	bool realserver_refused;	/* a realserver line was refused (and said so) */
	bool check_refused;		/* the check line was refused (and said so) */
	struct dir_probe_keys probe_keys;	/* where the check type's keys were set */
};

struct director_config {
	unsigned exec_max;		/* [director] exec_max: exec checks running at once (8) */
	bool manage_all;		/* manage = all: the whole IPVS table is ours */
	uint32_t table_check_interval_ms;	/* the daemon re-reads IPVS; default 5000 */
	char *metrics_file;		/* absolute path, NULL: none */
	bool withdraw_on_stop;		/* on_stop = withdraw; default keep (see README) */
	char vip_interface[IFNAMSIZ];	/* "" = none */
	int vip_interface_line;
	struct dir_sync sync;		/* sync, sync_*: the kernel's sync daemons */
	struct dir_tunables tunables;	/* timeout_*, sysctl.*: IPVS settings */
	struct dir_service *services;
	size_t service_count, service_capacity;
};

/* The part, for a schema (main.c). */
extern const struct config_part director_config_part;

/* CFG's director values (CFG was read with director_config_part). */
const struct director_config *director_config_of(const struct config *cfg);

/* Where the check of real server I of SERVICE goes: its check_address
 * (or its own address) and port (its check_port=, the service's
 * check_port, or its own port). Port 0: it cannot be checked — only in a
 * service with check = none or exec (the configuration refuses the
 * others). A
 * copy of the service without dest_checks (NULL) is read as none set. */
void director_check_target(const struct dir_service *service, size_t i, struct ipaddr *addr,
			   uint16_t *port);

/* Errors for running as a director: at least one service (unless manage = all). */
int config_require_director(const struct config *cfg, struct diag *diag);
/* vip_interface must exist: a configuration error otherwise. 0 or -1. */
int director_check_vip_interface(const struct config *cfg, const struct netdevs *net,
				 struct diag *diag);
/* vip_interface and sync_interface must exist. 0 or -1. */
int director_check_links(const struct config *cfg, const struct netdevs *net, struct diag *diag);

#endif
