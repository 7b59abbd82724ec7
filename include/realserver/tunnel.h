/* tunnel: the tunnel devices LVS-TUN needs on a real server — the
 * module's fallback device that receives every packet of its kind no
 * other tunnel claims (tunl0 for ipip, ip6tnl0 for ip6ip6, gre0 and
 * ip6gre0 for GRE) — and which of them a configuration asks for. Pure. */
#ifndef LVSAGENT_REALSERVER_TUNNEL_H
#define LVSAGENT_REALSERVER_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/fou.h"
#include "realserver/config.h"

struct tunnel_spec {
	const char *name;		/* the fallback device: "tunl0" */
	const char *kind;		/* its rtnetlink link kind, which names the module */
	enum tunnel_type type;		/* what the director sends */
	int family;			/* the VIPs it carries: AF_INET, AF_INET6 */
};

#define TUNNEL_SPEC_MAX 4

/* The spec of the fallback device NAME, or NULL. */
const struct tunnel_spec *tunnel_spec_by_name(const char *name);
/* The devices CFG needs (none for method = dr): one per family of its
 * VIPs. Returns how many were put in OUT (TUNNEL_SPEC_MAX at most). */
size_t tunnel_specs_wanted(const struct rs_config *cfg, const struct tunnel_spec **out);
/* Whether CFG needs the device NAME. */
bool tunnel_device_wanted(const struct rs_config *cfg, const char *name);
/* The GUE ports CFG needs (tunnel = gue): one per family of its VIPs, on
 * tunnel_port. Returns how many were put in OUT (2 at most). */
size_t tunnel_fou_wanted(const struct rs_config *cfg, struct fou_port *out);
/* Whether one of the devices CFG needs carries IPv4: rp_filter applies. */
bool tunnel_wants_ipv4(const struct rs_config *cfg);

#endif
