/* config: the real server's part of the configuration file — [realserver]
 * with its VIPs, uplinks and ARP suppression (core/config.h reads the file
 * and hands these keys here). */
#ifndef LVSAGENT_REALSERVER_CONFIG_H
#define LVSAGENT_REALSERVER_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/netdev.h"
#include "lib/diag.h"
#include "lib/ipaddr.h"
#include "lib/ipprefix.h"
#include "realserver/config_tun.h"

enum suppression { SUPPRESS_SYSCTL, SUPPRESS_NFTABLES, SUPPRESS_BOTH };

/* How a VIP is made local: an address on lo (and a host route in main),
 * or one `local` route in table local (route mode: no address, so 10 000
 * cost the kernel a tenth of the time, and a VIP may be a whole prefix). */
enum vip_mode { VIP_MODE_ADDRESS, VIP_MODE_ROUTE };

struct vip {
	struct ipaddr addr;		/* the first address of a prefix */
	uint8_t prefix_len;		/* the host prefix unless route mode allows less */
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
	enum vip_mode vip_mode;
	bool keep_on_stop;		/* on_stop = keep: the daemon leaves all in place */
	struct rs_tunnel tun;
};

/* The part, for a schema (main.c). */
extern const struct config_part rs_config_part;

/* CFG's [realserver] values (CFG was read with rs_config_part). */
const struct rs_config *rs_config_of(const struct config *cfg);

/* Errors for running as a real server: at least one VIP. */
int config_require_realserver(const struct config *cfg, struct diag *diag);
/* Configured interfaces that do not exist, and VIP prefixes that cover one
 * of the host's own addresses (making them local would take the host's
 * neighbours for itself): "FILE:LINE: ..." errors. 0 or -1. */
int config_check_interfaces(const struct config *cfg, const struct netdevs *net,
			    struct diag *diag);

/* Whether a VIP is a prefix wider than one address (route mode only). */
bool rs_config_has_prefix(const struct rs_config *rs);
/* The VIP as a prefix (its host prefix unless route mode). */
struct ipprefix vip_prefix(const struct vip *vip);

const char *suppression_name(enum suppression suppression);

#endif
