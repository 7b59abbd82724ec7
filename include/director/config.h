/* config: the director's part of the configuration file — [director] and
 * one [service NAME] per IPVS service (core/config.h reads the file and
 * hands these keys here), checked as a whole once every line is read. */
#ifndef LVSAGENT_DIRECTOR_CONFIG_H
#define LVSAGENT_DIRECTOR_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/netdev.h"
#include "kernel/ipvs_model.h"
#include "lib/diag.h"

/* How a service's real servers are checked ([service NAME] keys). */
enum dir_check_kind { CHECK_NONE, CHECK_TCP, CHECK_HTTP, CHECK_HTTPS, CHECK_DNS, CHECK_UDP,
		      CHECK_EXEC };

/* An accepted HTTP status range, from http_status ("200-299, 301"). */
struct http_status_range {
	uint16_t low, high;
};

#define HTTP_STATUS_RANGES 16
#define CHECK_PAYLOAD_MAX 512

/* What a protocol check asks and accepts (the keys of its check type). */
struct dir_probe {
	/* http, https */
	char http_path[256];		/* default "/" */
	char http_host[256];		/* "": the virtual's address */
	struct http_status_range http_status[HTTP_STATUS_RANGES];	/* default 200-299 */
	size_t http_status_count;
	char http_body[256];		/* "": any body */
	bool https_verify;		/* default no */
	char https_ca[256];		/* "": the system's CAs */
	/* dns */
	char dns_name[256];
	uint16_t dns_type;		/* ns_t_a by default */
	uint8_t dns_rcode;		/* the RCODE that passes, ns_r_noerror by default */
	/* udp: the payload as bytes, escapes decoded */
	uint8_t udp_send[CHECK_PAYLOAD_MAX];
	size_t udp_send_len;
	uint8_t udp_expect[CHECK_PAYLOAD_MAX];
	size_t udp_expect_len;
	bool udp_expect_given;
	/* exec */
	char exec[256];			/* an absolute path to an executable file */
	char exec_user[64];		/* default "nobody" */
	uint32_t exec_uid, exec_gid;	/* resolved when the file is read */
};

struct dir_check {
	enum dir_check_kind kind;	/* check = none (default: all count as up) | tcp */
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
	struct dir_probe probe;		/* the check type's own keys */
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
};

struct director_config {
	unsigned exec_max;		/* [director] exec_max: exec checks running at once (8) */
	bool manage_all;		/* manage = all: the whole IPVS table is ours */
	uint32_t table_check_interval_ms;	/* the daemon re-reads IPVS; default 5000 */
	char *metrics_file;		/* absolute path, NULL: none */
	bool withdraw_on_stop;		/* on_stop = withdraw; default keep (see README) */
	char vip_interface[IFNAMSIZ];	/* "" = none */
	int vip_interface_line;
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
 * service without check = tcp (the configuration refuses the others). A
 * copy of the service without dest_checks (NULL) is read as none set. */
void director_check_target(const struct dir_service *service, size_t i, struct ipaddr *addr,
			   uint16_t *port);

/* Errors for running as a director: at least one service (unless manage = all). */
int config_require_director(const struct config *cfg, struct diag *diag);
/* vip_interface must exist: a configuration error otherwise. 0 or -1. */
int director_check_vip_interface(const struct config *cfg, const struct netdevs *net,
				 struct diag *diag);

#endif
