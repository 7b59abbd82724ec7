/* config_tun: the [realserver] keys of LVS-TUN — method, tunnel,
 * tunnel_port, tunnel_csum, directors, mss — their values, and the checks
 * between them (config.c hands each key's value here, with the section's
 * struct rs_tunnel). Pure. */
#ifndef LVSAGENT_REALSERVER_CONFIG_TUN_H
#define LVSAGENT_REALSERVER_CONFIG_TUN_H

#include <stddef.h>

#include "core/config.h"
#include "lib/ipaddr.h"

/* How the director forwards to this real server: direct routing (the
 * client's frame, re-addressed to this host's MAC) or a tunnel (the
 * client's packet inside one addressed to this host). */
enum rs_method { METHOD_DR, METHOD_TUN };
/* What the director's tun_type sends. */
enum tunnel_type { TUNNEL_IPIP, TUNNEL_GUE, TUNNEL_GRE };
/* The director's tun_flags. */
enum tunnel_csum { CSUM_NONE, CSUM_CSUM, CSUM_REMCSUM };

/* method = tun and its keys; each *_line is where the key was set (0: not
 * set), for the checks that need the whole section. */
struct rs_tunnel {
	enum rs_method method;
	enum tunnel_type type;
	int type_line;
	int port;			/* gue: the UDP port; 0: none given */
	int port_line;
	enum tunnel_csum csum;
	int csum_line;
	struct ipaddr *directors;	/* encapsulated packets only from these */
	size_t director_count, director_capacity;
	int directors_line;
	int mss;			/* 0: no clamping */
	int mss_line;
};

/* One key's VALUE into TUN; errors into P's diagnostics. */
void tun_parse_method(struct config_parser *p, struct rs_tunnel *tun, const char *value);
void tun_parse_tunnel(struct config_parser *p, struct rs_tunnel *tun, const char *value);
void tun_parse_port(struct config_parser *p, struct rs_tunnel *tun, const char *value);
void tun_parse_csum(struct config_parser *p, struct rs_tunnel *tun, const char *value);
void tun_parse_directors(struct config_parser *p, struct rs_tunnel *tun, const char *value);
void tun_parse_mss(struct config_parser *p, struct rs_tunnel *tun, const char *value);

/* The checks that need the whole section: tunnel keys without method =
 * tun, tunnel_port without gue, a checksum ipip cannot carry, and what
 * this version cannot do yet. */
void tun_finish(struct config_parser *p, const struct rs_tunnel *tun);

const char *tunnel_type_name(enum tunnel_type type);
const char *tunnel_csum_name(enum tunnel_csum csum);

#endif
