/* observe: what the kernel has now — links, addresses, host routes in the
 * main table, ARP sysctls — in one struct the planner reads. */
#ifndef LVSAGENT_REALSERVER_OBSERVE_H
#define LVSAGENT_REALSERVER_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/netdev.h"
#include "kernel/fou.h"
#include "kernel/netlink.h"
#include "kernel/rtnl_msg.h"
#include "kernel/sysctl.h"

struct sysctl_value {
	char iface[IFNAMSIZ];		/* "all" or an interface */
	int value[SYSCTL_KEY_COUNT];	/* the ARP keys and rp_filter */
	bool readable;
};

struct observed {
	struct netdevs net;		/* links, and every address sorted by address */
	int lo_ifindex;			/* 0 when the namespace has no lo (never) */
	const char *lo_alias;		/* lo's alias, "" when none (points into links) */
	bool lo_up;
	struct rtnl_route *routes;	/* main-table host routes, sorted by dst */
	size_t route_count;
	/* lvsagent's local routes in table local (route mode), sorted by dst
	 * and length: only its own protocol's are dumped. */
	struct rtnl_route *locals;
	size_t local_count;
	struct sysctl_value *sysctls;	/* "all", "default", then every link */
	size_t sysctl_count;
	char *nft_text;			/* table arp lvsagent as text; NULL: absent */
	/* Set by the caller from lo's alias (claim.h): another lvsagent
	 * instance manages this host, so lvsagent's marks may be its. */
	bool other_instance;
	int nft_error;			/* reading it failed (-EPROTONOSUPPORT: no nftables) */
	char *filter_text;		/* table inet lvsagent as text (LVS-TUN); NULL: absent */
	int filter_error;		/* reading it failed */
	uint64_t filter_dropped;	/* what its counters counted: packets dropped */
	struct fou_port *fou_ports;	/* the fou ports (LVS-TUN with gue) */
	size_t fou_count;
	int fou_error;			/* reading them failed (-ENOENT: no fou module) */
};

/* Dump links, addresses and routes, and read the ARP sysctls and
 * rp_filter of "all", "default" (what a new link starts with) and every
 * link; with NFNL, read lvsagent's nftables table too (a failure
 * there is kept in nft_error, not returned: only nftables users care).
 * 0 or -errno; *failed names the step that failed. */
int observe_host(struct nl_conn *conn, struct nl_conn *nfnl, struct observed *obs,
		 const char **failed);
void observed_free(struct observed *obs);
/* Re-read only the ARP sysctls (for the daemon's periodic check). */
void observed_refresh_sysctls(struct observed *obs);
/* Re-read only lvsagent's nftables tables (for the daemon, when nftables
 * events alone came in: the rest of the picture is kept true by rtnetlink
 * events, which each cause a whole observation). */
void observed_refresh_nft(struct nl_conn *nfnl, struct observed *obs);

/* Re-read the fou ports (for gue, and for the daemon's periodic check:
 * fou sends no events). A failure is kept in fou_error. */
void observed_refresh_fou(struct fou_conn *fou, struct observed *obs);
/* The fou port PORT, or NULL. */
const struct fou_port *observed_fou(const struct observed *obs, const struct fou_port *port);

/* Lookups for the planner (pure). Those taking a hint remember where the
 * previous lookup ended (NULL: none): zeroed before a pass, it makes a run
 * of ascending addresses cost O(1) each against 10 000 observed ones. */
struct observed_hint {
	size_t addr, route, local;
};

/* The address ADDR with the host prefix on lo, or NULL. */
const struct rtnl_addr *observed_lo_addr(const struct observed *obs, const struct ipaddr *addr,
				       struct observed_hint *hint);
/* ADDR on lo with another prefix length, or on another interface. */
const struct rtnl_addr *observed_addr_elsewhere(const struct observed *obs,
						const struct ipaddr *addr,
						struct observed_hint *hint);
/* A main-table host route to ADDR through lo (ours first), or NULL. */
const struct rtnl_route *observed_lo_route(const struct observed *obs, const struct ipaddr *addr,
					  struct observed_hint *hint);
/* lvsagent's local route for DST/LEN through lo, or NULL. */
const struct rtnl_route *observed_local_route(const struct observed *obs,
					      const struct ipaddr *dst, uint8_t len,
					      struct observed_hint *hint);
/* The sysctls of IFACE, or NULL when it has none (gone). */
const struct sysctl_value *observed_sysctls(const struct observed *obs, const char *iface);

/* Sort the arrays for the lookups; observe_host does this itself, tests
 * that build an observed by hand call it. */
void observed_index(struct observed *obs);

#endif
