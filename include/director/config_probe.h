/* config_probe: the keys of the check types — [service NAME] http_*,
 * https_*, dns_*, udp_*, exec and exec_user — parsed into a service's
 * struct dir_probe, and judged against its check type once the section is
 * read (a key may come before the check line). For director/config.c
 * only, which hands each key its service's probe. */
#ifndef LVSAGENT_DIRECTOR_CONFIG_PROBE_H
#define LVSAGENT_DIRECTOR_CONFIG_PROBE_H

#include <stdbool.h>

#include "core/config.h"
#include "director/probe_settings.h"

/* The check types, as an unknown one's message lists them. */
#define CHECK_KINDS_TEXT "none, tcp, http, https, dns, udp or exec"

/* The keys, in struct dir_probe_keys's order. */
enum probe_key {
	PROBE_HTTP_PATH, PROBE_HTTP_HOST, PROBE_HTTP_STATUS, PROBE_HTTP_BODY, PROBE_HTTPS_VERIFY,
	PROBE_HTTPS_CA, PROBE_DNS_NAME, PROBE_DNS_TYPE, PROBE_DNS_RCODE, PROBE_UDP_SEND,
	PROBE_UDP_EXPECT, PROBE_EXEC, PROBE_EXEC_USER, PROBE_KEY_COUNT
};

/* check = NAME: false when NAME is no check type. */
bool config_probe_check_kind(const char *name, enum dir_check_kind *kind);
/* "tcp", "http", ... */
const char *config_probe_kind_name(enum dir_check_kind kind);

/* A service's check keys as the README gives their defaults. */
void config_probe_defaults(struct dir_probe *probe);
/* KEY = VALUE (at p->line) into PROBE, and where it was set into KEYS. */
void config_probe_key(struct config_parser *p, enum probe_key key, struct dir_probe *probe,
		      struct dir_probe_keys *keys, const char *value);
/* The keys KEYS says were set, against check type KIND (set at
 * CHECK_LINE): each is its type's, and the ones the type needs are there;
 * exec_user's default is resolved into PROBE. */
void config_probe_finish(struct config_parser *p, enum dir_check_kind kind, int check_line,
			 struct dir_probe *probe, const struct dir_probe_keys *keys);

#endif
