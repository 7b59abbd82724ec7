/* state: what lvsagent owns on this host and the sysctl values it
 * replaced, kept in STATE_DIR/state (written atomically through
 * state_dir.h, which also has the locks that serialise lvsagent runs on
 * one state directory). */
#ifndef LVSAGENT_REALSERVER_STATE_H
#define LVSAGENT_REALSERVER_STATE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/run.h"
#include "core/state_dir.h"
#include "core/sysctl_policy.h"
#include "kernel/fou.h"
#include "lib/ipaddr.h"
#include "lib/ipprefix.h"


struct addr_list {
	struct ipaddr *items;		/* kept sorted for lookups */
	size_t count, capacity;
};

/* Route mode's local routes, by prefix. */
struct prefix_list {
	struct ipprefix *items;		/* kept sorted for lookups */
	size_t count, capacity;
};

struct owned {
	struct addr_list addrs;		/* VIP addresses lvsagent added to lo */
	struct prefix_list locals;	/* local routes lvsagent added (route mode) */
	struct addr_list routes;	/* host routes lvsagent added */
	struct addr_list adopted;	/* VIPs found on lo and kept: never removed */
	struct saved_sysctl *sysctls;
	size_t sysctl_count, sysctl_capacity;
	/* Tunnel devices lvsagent brought up (LVS-TUN): set down by stop. */
	struct owned_tunnel *tunnels;
	size_t tunnel_count, tunnel_capacity;
	/* fou ports lvsagent added (gue): removed by stop. */
	struct fou_port *fou_ports;
	size_t fou_count, fou_capacity;
};

struct owned_tunnel {
	char name[IFNAMSIZ];
};

void addr_list_add(struct addr_list *list, const struct ipaddr *addr);
/* Sort once after adding; lookups need it. */
void addr_list_sort(struct addr_list *list);
bool addr_list_has(const struct addr_list *list, const struct ipaddr *addr);
void prefix_list_add(struct prefix_list *list, const struct ipprefix *prefix);
void prefix_list_sort(struct prefix_list *list);
bool prefix_list_has(const struct prefix_list *list, const struct ipprefix *prefix);

void owned_add_sysctl(struct owned *owned, const struct saved_sysctl *saved);
const struct saved_sysctl *owned_sysctl(const struct owned *owned, const char *iface,
					enum sysctl_key key);
void owned_add_tunnel(struct owned *owned, const char *name);
bool owned_has_tunnel(const struct owned *owned, const char *name);
void owned_add_fou(struct owned *owned, const struct fou_port *port);
bool owned_has_fou(const struct owned *owned, const struct fou_port *port);
bool owned_is_empty(const struct owned *owned);
/* The same records in the same order (then the file need not be rewritten). */
bool owned_equal(const struct owned *a, const struct owned *b);
void owned_free(struct owned *owned);

/* Parse state text (pure). Lines it cannot read are skipped and counted in
 * *skipped so the caller can warn. */
void state_parse(const char *text, struct owned *owned, int *skipped);
/* Render state text (pure); the caller frees it. */
char *state_format(const struct owned *owned);

/* How the run keeps it (core/run.h). */
extern const struct run_record state_record;

/* Load DIR/state; a missing file is an empty state, one cut short
 * (state_text_cut) -EBADMSG: never less owned than was. 0 or -errno. */
int state_load(const char *dir, struct owned *owned, int *skipped);
/* Write DIR/state through a temporary file and rename(2), creating DIR;
 * an empty state removes the file. 0 or -errno. */
int state_save(const char *dir, const struct owned *owned);

#endif
