/* config: the INI file → struct config. Pure: reads text, makes no
 * syscalls besides reading the file; every error is "FILE:LINE: what". */
#ifndef LVSAGENT_CORE_CONFIG_H
#define LVSAGENT_CORE_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "lib/ipaddr.h"
#include "lib/log.h"
#include "kernel/ipvs_model.h"

#define CONFIG_DEFAULT_PATH "/etc/lvsagent/lvsagent.conf"
#define CONFIG_DEFAULT_STATE_DIR "/run/lvsagent"

enum suppression { SUPPRESS_SYSCTL, SUPPRESS_NFTABLES, SUPPRESS_BOTH };

struct vip {
	struct ipaddr addr;
	int line;			/* where the config names it */
};

struct iface_name {
	char name[IFNAMSIZ];
	int line;
};

struct rs_config {
	struct vip *vips;
	size_t vip_count, vip_capacity;
	/* Uplinks for per-interface arp sysctls; none given = every
	 * non-loopback interface at apply time. */
	struct iface_name *interfaces;
	size_t interface_count, interface_capacity;
	bool interfaces_given;
	int arp_ignore;			/* 1, 2, 3 or 8 */
	int arp_announce;		/* 1 or 2 */
	enum suppression suppression;
	bool keep_on_stop;		/* on_stop = keep: the daemon leaves all in place */
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
};

struct director_config {
	bool present;			/* a [director] or [service] section exists */
	bool manage_all;		/* manage = all: the whole IPVS table is ours */
	char vip_interface[IFNAMSIZ];	/* "" = none */
	int vip_interface_line;
	struct dir_service *services;
	size_t service_count, service_capacity;
};

struct config {
	char *file;			/* as named in messages: path or "<stdin>" */
	char *state_dir;
	int state_dir_line;		/* 0: the default */
	enum log_level log_level;
	unsigned sysctl_check_interval;	/* seconds; 0: never (the daemon) */
	bool has_realserver;		/* a [realserver] section was present */
	struct rs_config rs;
	struct director_config dir;
};

/* Read and parse PATH ("-" = standard input). Returns 0 when the file is
 * valid, -1 when diag holds at least one error. cfg is always safe to free. */
int config_load(const char *path, struct config *cfg, struct diag *diag);

/* Parse TEXT (LEN bytes) as if it were the file NAME. */
int config_parse_text(const char *name, const char *text, size_t len,
		      struct config *cfg, struct diag *diag);

/* Errors for running as a real server: at least one VIP. */
int config_require_realserver(const struct config *cfg, struct diag *diag);
/* Errors for running as a director: at least one service (unless manage = all). */
int config_require_director(const struct config *cfg, struct diag *diag);

void config_free(struct config *cfg);

const char *log_level_name(enum log_level level);
const char *suppression_name(enum suppression suppression);

#endif
