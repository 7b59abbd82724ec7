/* state: what the director side of lvsagent owns — the services
 * it created, the VIPs it bound, the forwarding sysctls it changed — kept
 * in STATE_DIR/director, one fact per line:
 *   service tcp 192.0.2.1:80 | vip 192.0.2.1 eth1 | sysctl IFACE KEY ORIGINAL SET
 *   | sync master eth1 7 (a sync daemon it started: role, interface, id)
 *   | tunable KEY ORIGINAL SET [pending N] (an IPVS timeout or sysctl it
 *     changed: the value it found, the value it wrote, and while a change
 *     is under way the value it is writing) */
#ifndef LVSAGENT_DIRECTOR_STATE_H
#define LVSAGENT_DIRECTOR_STATE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/run.h"
#include "core/state_dir.h"
#include "core/sysctl_policy.h"
#include "kernel/ipvs_daemon.h"
#include "kernel/ipvs_model.h"
#include "kernel/ipvs_tunable.h"
#include "lib/diag.h"
#include "lib/hashmap.h"

struct dir_vip {
	struct ipaddr addr;
	char iface[IFNAMSIZ];
};

/* An IPVS timeout or sysctl lvsagent changed. */
struct dir_tunable_record {
	enum ipvs_tunable key;
	int original;			/* the value found before lvsagent changed it */
	int set;			/* the value lvsagent wrote */
	int pending;			/* the value being written over SET; -1: none */
};

struct dir_owned {
	struct ipvs_table services;	/* keys only */
	struct hashmap index;		/* service key → position */
	struct dir_vip *vips;
	size_t vip_count, vip_capacity;
	struct hashmap vip_index;	/* (address, interface) → position */
	struct saved_sysctl *sysctls;
	size_t sysctl_count, sysctl_capacity;
	/* Sync daemons lvsagent started: at most an old and a new one of each
	 * role (while one is restarted with other settings). */
	struct ipvs_daemon syncs[2 * IPVS_SYNC_ROLES];
	size_t sync_count;
	struct dir_tunable_record tunables[IPVS_TUNABLE_COUNT];	/* one per key at most */
	size_t tunable_count;
};

/* The bytes that identify a service, padding zeroed, for hash maps. */
struct ipvs_service_key {
	uint32_t fwmark;
	uint16_t af, protocol, port, zero;
	uint8_t addr[16];
};
void ipvs_service_key(const struct ipvs_service *svc, struct ipvs_service_key *key);
/* The bytes that identify a real server within its service, the same way. */
struct ipvs_dest_key {
	uint8_t addr[16];
	uint16_t port, af;
};
void ipvs_dest_key(const struct ipvs_dest *dest, struct ipvs_dest_key *key);

void dir_owned_init(struct dir_owned *owned);
void dir_owned_add_service(struct dir_owned *owned, const struct ipvs_service *svc);
bool dir_owned_has_service(const struct dir_owned *owned, const struct ipvs_service *svc);
void dir_owned_add_vip(struct dir_owned *owned, const struct ipaddr *addr, const char *iface);
/* Whether ADDR is owned on IFACE; on any interface (a scan, for tests). */
bool dir_owned_has_vip_on(const struct dir_owned *owned, const struct ipaddr *addr,
			  const char *iface);
bool dir_owned_has_vip(const struct dir_owned *owned, const struct ipaddr *addr);
void dir_owned_add_sysctl(struct dir_owned *owned, const struct saved_sysctl *saved);
const struct saved_sysctl *dir_owned_sysctl(const struct dir_owned *owned, enum sysctl_key key);
/* A record of DAEMON's role, interface and id (once each). */
void dir_owned_add_sync(struct dir_owned *owned, const struct ipvs_daemon *daemon);
/* Whether a daemon running as DAEMON (role, interface, id) is lvsagent's. */
bool dir_owned_has_sync(const struct dir_owned *owned, const struct ipvs_daemon *daemon);
/* A record of RECORD's key (replacing one held). */
void dir_owned_add_tunable(struct dir_owned *owned, const struct dir_tunable_record *record);
const struct dir_tunable_record *dir_owned_tunable(const struct dir_owned *owned,
						   enum ipvs_tunable key);
/* Whether CURRENT is a value lvsagent wrote (SET, or PENDING). */
bool dir_tunable_holds(const struct dir_tunable_record *record, int current);
bool dir_owned_is_empty(const struct dir_owned *owned);
void dir_owned_free(struct dir_owned *owned);

/* Text (pure), and STATE_DIR/director. A record is believed only if the
 * director could have written it: a VIP that could be one, on an interface
 * vip_interface could name; a forwarding switch (ip_forward with IFACE "-",
 * IPv6 forwarding with "all") raised from 0 or 1 to 1. Anything else —
 * damage, or a forged line — is ignored and said in WARNINGS ("NAME:LINE:
 * the line: why: ignored"): acting on it would undo what lvsagent never
 * did. (Whether a VIP in the kernel carries lvsagent's mark is the plan's
 * to check: it needs the kernel's addresses.) */
void dir_state_parse(const char *text, const char *name, struct dir_owned *owned,
		     struct diag *warnings);
char *dir_state_format(const struct dir_owned *owned);
/* How the run keeps it (core/run.h). */
extern const struct run_record dir_state_record;

/* Load DIR/director; a missing file is an empty record, one cut short
 * (state_text_cut) -EBADMSG: never less owned than was. 0 or -errno. */
int dir_state_load(const char *dir, struct dir_owned *owned, struct diag *warnings);
int dir_state_save(const char *dir, const struct dir_owned *owned);
/* Whether A and B record the same (in the same order): an unchanged state
 * need not be rewritten. */
bool dir_owned_same(const struct dir_owned *a, const struct dir_owned *b);

#endif
