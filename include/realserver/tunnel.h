/* tunnel: the tunnel devices LVS-TUN needs on a real server — the
 * module's fallback device that receives every packet of its kind no
 * other tunnel claims (tunl0 for ipip, ip6tnl0 for ip6ip6, gre0 and
 * ip6gre0 for GRE), or, where the fallback cannot do it, devices of
 * lvsagent's own — and which of them a configuration asks for. Pure.
 *
 * GRE with checksums: the kernel drops a checksummed GRE packet on a
 * device without icsum (a CRC error) and a plain one on a device with it,
 * and the fallback's flags cannot change. A device of lvsagent's own has
 * them; it cannot be a wildcard like the fallback (the kernel refuses a
 * second one with the same ends: EEXIST), so there is one per director,
 * with the director as its remote end — the kernel's lookup takes a
 * device whose remote matches before the fallback. Its name carries the
 * director's address (lvsgre0a000002 for 10.0.0.2, lvs6gre + a hash for
 * IPv6), and its alias (IFLA_IFALIAS) marks it as lvsagent's, which is
 * how its ownership survives a lost state file.
 *
 * IPv4 VIPs from an IPv6 director (IPVS's mixed case: IPv4 inside IPv6):
 * the fallback ip6tnl0 takes ip6ip6 only, and a wildcard ip6tnl device of
 * another mode is refused alike; so with ipip and gue, each IPv6 director
 * gets an ip6tnl device of mode any (it takes that director's ip6ip6 too)
 * with it as remote end (lvs4in6 + a hash). The other way round (IPv6
 * VIPs from an IPv4 director: protocol 41, the sit module's), each IPv4
 * director gets a sit device of mode ip6ip (lvs6in4 + its address in
 * hex). GRE says what it carries: the fallbacks gre0 and ip6gre0 (or the
 * own checksum devices) take the other family inside too, and are wanted
 * for it when a director of their family is listed. */
#ifndef LVSAGENT_REALSERVER_TUNNEL_H
#define LVSAGENT_REALSERVER_TUNNEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel/fou.h"
#include "lib/ipaddr.h"
#include "realserver/config.h"

struct tunnel_spec {
	char name[IFNAMSIZ];		/* the fallback device "tunl0", or an own one */
	const char *kind;		/* its rtnetlink link kind, which names the module */
	enum tunnel_type type;		/* what the director sends */
	int family;			/* the tunnel packets': AF_INET, AF_INET6 */
	bool carries_ipv4;		/* it hands on IPv4 packets: rp_filter applies */
	bool own;			/* lvsagent creates it (the cases above) */
	struct ipaddr remote;		/* own: the director at its other end */
	const char *mode;		/* own: "csum" (gre, ip6gre), "any" (ip6tnl),
					 * "ip6ip" (sit) */
};

/* The alias that marks a device as lvsagent's own. */
#define TUNNEL_OWN_ALIAS_PREFIX "lvsagent tunnel: "

/* The spec of the fallback device NAME, or NULL. */
const struct tunnel_spec *tunnel_spec_by_name(const char *name);
/* The devices CFG needs (none for method = dr): one per family of its
 * VIPs, or one per director for GRE with checksums, and with ipip and
 * gue one per director of the other family than some VIPs. Into
 * *OUT (the caller frees; NULL when none); returns how many. */
size_t tunnel_specs_wanted(const struct rs_config *cfg, struct tunnel_spec **out);
/* Whether CFG needs the device NAME. */
bool tunnel_device_wanted(const struct rs_config *cfg, const char *name);
/* The alias an own device SPEC carries: "lvsagent tunnel: gre csum from
 * 10.0.0.2", "lvsagent tunnel: ip6tnl any from 2001:db8::2". */
const char *tunnel_own_alias(const struct tunnel_spec *spec, char *buf, size_t len);
/* Whether ALIAS marks a device as lvsagent's own. */
bool tunnel_alias_is_own(const char *alias);
/* The GUE ports CFG needs (tunnel = gue): one per family of its VIPs (and
 * of a director of the other family's VIPs), on tunnel_port. Returns how
 * many were put in OUT (2 at most). */
size_t tunnel_fou_wanted(const struct rs_config *cfg, struct fou_port *out);
/* Whether one of the devices CFG needs carries IPv4: rp_filter applies. */
bool tunnel_wants_ipv4(const struct rs_config *cfg);

#endif
