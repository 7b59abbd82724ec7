/* probe_dns: check = dns, with glibc's resolver library: res_nmkquery
 * builds the query, ns_initparse and ns_parserr read the answer. See
 * probe_dns.h. */
#include "director/probe_dns.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

#include "director/probe_udp.h"
#include "director/probe_verdict.h"
#include "lib/xalloc.h"

struct dns_run {
	struct udp_exchange x;		/* first: the run's state is both */
	uint16_t id;
	uint8_t query[NS_PACKETSZ];
};

/* The state res_nmkquery builds with, initialised once (res_ninit reads
 * /etc/resolv.conf, of which a query sent to a real server uses nothing):
 * recursion desired, and neither EDNS0 nor DNSSEC — the plainest query,
 * which every server answers (some answer an OPT record with FORMERR). */
static struct __res_state resolver;
static bool resolver_ready;

static bool resolver_init(void)
{
	if (resolver_ready)
		return true;
	if (res_ninit(&resolver) < 0)
		return false;
	resolver.options |= RES_RECURSE;
	resolver.options &= ~(unsigned long)(RES_USE_EDNS0 | RES_USE_DNSSEC);
	resolver_ready = true;
	return true;
}

/* A query ID of its own for each query, so that a forger off the path
 * must guess it (and the kernel's random source port) to pass a dead
 * server. getrandom(2) without blocking; until the kernel's pool is ready
 * (early boot), the clock mixed with a counter: weaker, never stuck. */
static uint16_t random_id(void)
{
	static uint16_t counter;
	struct timespec ts;
	uint16_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) == (ssize_t)sizeof(id))
		return id;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint16_t)((unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_nsec >> 16) ^
			  ++counter * 40503u);
}

static unsigned want_type(const struct dir_probe *p)
{
	return p->dns_type ? p->dns_type : ns_t_a;
}

/* --- names for the verdicts ------------------------------------------------- */

struct name {
	unsigned value;
	const char *name;
};

static const struct name rcodes[] = {
	{ ns_r_noerror, "NOERROR" },   { ns_r_formerr, "FORMERR" },   { ns_r_servfail, "SERVFAIL" },
	{ ns_r_nxdomain, "NXDOMAIN" }, { ns_r_notimpl, "NOTIMP" },    { ns_r_refused, "REFUSED" },
	{ ns_r_yxdomain, "YXDOMAIN" }, { ns_r_yxrrset, "YXRRSET" },   { ns_r_nxrrset, "NXRRSET" },
	{ ns_r_notauth, "NOTAUTH" },   { ns_r_notzone, "NOTZONE" },
};

static const struct name types[] = {
	{ ns_t_a, "A" },     { ns_t_ns, "NS" },     { ns_t_cname, "CNAME" }, { ns_t_soa, "SOA" },
	{ ns_t_ptr, "PTR" }, { ns_t_mx, "MX" },     { ns_t_txt, "TXT" },     { ns_t_aaaa, "AAAA" },
	{ ns_t_srv, "SRV" }, { ns_t_naptr, "NAPTR" }, { ns_t_ds, "DS" },     { ns_t_caa, "CAA" },
	{ ns_t_any, "ANY" },
};

/* VALUE's name in TABLE, else PREFIX and the number (RFC 3597's TYPE65). */
static const char *name_of(const struct name *table, size_t count, unsigned value,
			   const char *prefix, char buf[16])
{
	for (size_t i = 0; i < count; i++)
		if (table[i].value == value)
			return table[i].name;
	snprintf(buf, 16, "%s%u", prefix, value);
	return buf;
}

#define RCODE_NAME(value, buf) \
	name_of(rcodes, sizeof(rcodes) / sizeof(rcodes[0]), (value), "RCODE", (buf))
#define TYPE_NAME(value, buf) \
	name_of(types, sizeof(types) / sizeof(types[0]), (value), "TYPE", (buf))

/* --- the check ----------------------------------------------------------------- */

/* The answer records of TYPE (all of them for ANY) in MSG; -1: one does
 * not parse. */
static int answers_of(ns_msg *msg, unsigned type)
{
	int count = 0;

	for (int i = 0; i < ns_msg_count(*msg, ns_s_an); i++) {
		ns_rr rr;

		if (ns_parserr(msg, ns_s_an, i, &rr) < 0)
			return -1;
		if (type == ns_t_any || ns_rr_type(rr) == type)
			count++;
	}
	return count;
}

static enum probe_state judge(const struct check_spec *spec, struct udp_exchange *x,
			      const uint8_t *data, size_t len, struct probe_result *r)
{
	const struct dns_run *d = (const struct dns_run *)x;
	unsigned type = want_type(spec->probe), want = spec->probe->dns_rcode, rcode;
	char got_name[16], want_name[16];
	ns_msg msg;
	int answers;

	/* Another query's ID (a late answer, a forgery): not the answer. */
	if (len >= 2 && ((unsigned)data[0] << 8 | data[1]) != d->id)
		return PROBE_PENDING;
	if (ns_initparse(data, (int)len, &msg) < 0)
		return probe_verdict(r, false, "dns: unparseable reply");
	if (!ns_msg_getflag(msg, ns_f_qr))
		return probe_verdict(r, false, "dns: reply is a query (QR not set)");
	rcode = (unsigned)ns_msg_getflag(msg, ns_f_rcode);
	if (rcode != want && want == ns_r_noerror)
		return probe_verdict(r, false, "dns: %s", RCODE_NAME(rcode, got_name));
	if (rcode != want)
		return probe_verdict(r, false, "dns: %s, not %s", RCODE_NAME(rcode, got_name),
					 RCODE_NAME(want, want_name));
	answers = answers_of(&msg, type);
	if (answers < 0)
		return probe_verdict(r, false, "dns: unparseable reply");
	if (rcode == ns_r_noerror && answers == 0)
		return probe_verdict(r, false, "dns: no %s answer", TYPE_NAME(type, want_name));
	return probe_verdict(r, true, "dns %s, %d answer%s", RCODE_NAME(rcode, got_name),
				 answers, answers == 1 ? "" : "s");
}

static enum probe_state start(const struct check_spec *spec, struct probe_run *run,
			      struct probe_result *r)
{
	const struct dir_probe *p = spec->probe;
	struct dns_run *d;
	int len;

	if (!p || !p->dns_name[0])
		return probe_verdict(r, false, "dns: no dns_name to ask for");
	if (!resolver_init())
		return probe_verdict(r, false, "dns: res_ninit failed");
	d = xcalloc(1, sizeof(*d));
	len = res_nmkquery(&resolver, ns_o_query, p->dns_name, ns_c_in, (int)want_type(p), NULL,
			   0, NULL, d->query, sizeof(d->query));
	if (len < NS_HFIXEDSZ) {
		free(d);
		return probe_verdict(r, false, "dns: cannot make a query for %.60s",
					 p->dns_name);
	}
	d->id = random_id();
	d->query[0] = (uint8_t)(d->id >> 8);
	d->query[1] = (uint8_t)d->id;
	d->x = (struct udp_exchange){ .request = d->query, .request_len = (size_t)len,
				      .judge = judge };
	return probe_udp_start(spec, run, &d->x, r);
}

const struct probe_ops probe_dns = { .start = start, .ready = probe_udp_ready,
				     .stop = probe_udp_stop };
