/* probe_dns: check = dns — one query for dns_name's dns_type records
 * (recursion desired, no EDNS0, a random ID) to the real server over UDP,
 * through the udp probe's exchange (probe_udp.h). It passes when the
 * answer — the reply with the query's ID; others are ignored — is a
 * response whose RCODE is dns_rcode (NOERROR by default) and, for
 * NOERROR, has at least one answer record of dns_type (of any type for
 * ANY): "dns NOERROR, 1 answer". It fails with the RCODE ("dns:
 * SERVFAIL", "dns: NXDOMAIN"), "dns: no A answer", "dns: unparseable
 * reply", or the exchange's "udp: port unreachable"; no answer is the
 * checker's timeout. */
#ifndef LVSAGENT_DIRECTOR_PROBE_DNS_H
#define LVSAGENT_DIRECTOR_PROBE_DNS_H

#include "director/probe_ops.h"

extern const struct probe_ops probe_dns;

#endif
