/* list: ipvsadm's -Sn and -Ln, reproduced from the kernel's table
 * (ipvsadm 1.31's formats, checked against it in the VM tests). */
#include "director/list.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ip_vs.h>

#include "director/syntax.h"

static int by_service(const void *a, const void *b)
{
	return ipvs_service_order(a, b);
}

static int by_dest(const void *a, const void *b)
{
	return ipvs_dest_order(a, b);
}

void director_sort(struct ipvs_table *table)
{
	if (table->count > 1)
		qsort(table->services, table->count, sizeof(*table->services), by_service);
	for (size_t i = 0; i < table->count; i++)
		if (table->services[i].dest_count > 1)
			qsort(table->services[i].dests, table->services[i].dest_count,
			      sizeof(*table->services[i].dests), by_dest);
}

/* --- -Sn -------------------------------------------------------------------- */

/* ipvsadm prints a mark with %d: 4294967295 is "-1" in -Sn and -Ln alike. */
static int ipvsadm_mark(uint32_t fwmark)
{
	return (int)fwmark;
}

/* "-t 192.0.2.1:80", "-u ...", "--sctp-service ...", "-f 7", "-f 7 -6" */
static const char *rule_name(const struct ipvs_service *svc, char *buf, size_t len)
{
	char where[IPADDR_TEXT_MAX + 10];
	const char *option = svc->protocol == IPPROTO_UDP ? "-u"
			     : svc->protocol == IPPROTO_SCTP ? "--sctp-service" : "-t";

	if (svc->fwmark)
		snprintf(buf, len, "-f %d%s", ipvsadm_mark(svc->fwmark), svc->af == AF_INET6 ? " -6" : "");
	else
		snprintf(buf, len, "%s %s", option,
			 director_format_addrport(&svc->addr, svc->port, where, sizeof(where)));
	return buf;
}

/* Scheduler flags by the names ipvsadm gives them for this scheduler (-b);
 * one-packet is its own switch (-o). */
static const char *sched_flags(const struct ipvs_service *svc, char *buf, size_t len)
{
	struct ipvs_service scheduling = *svc;

	scheduling.flags &= ~(uint32_t)IP_VS_SVC_F_ONEPACKET;
	return director_format_flags(&scheduling, buf, len);
}

static void save_service(FILE *out, const struct ipvs_service *svc, const char *name)
{
	char flags[64], mask[INET_ADDRSTRLEN];

	fprintf(out, "-A %s -s %s", name, svc->scheduler);
	if (svc->flags & IP_VS_SVC_F_PERSISTENT) {
		fprintf(out, " -p %u", svc->timeout);
		if (director_netmask_given(svc))
			fprintf(out, " -M %s", director_format_netmask(svc, mask, sizeof(mask)));
	}
	/* ipvsadm prints the engine whether or not the service persists. */
	if (svc->pe_name[0])
		fprintf(out, " --pe %s", svc->pe_name);
	if (svc->flags & IP_VS_SVC_F_ONEPACKET)
		fputs(" -o", out);
	if (sched_flags(svc, flags, sizeof(flags))[0])
		fprintf(out, " -b %s", flags);
	fputc('\n', out);
}

static const char *fwd_switch(uint32_t fwd)
{
	return fwd == IP_VS_CONN_F_MASQ ? "-m" : fwd == IP_VS_CONN_F_TUNNEL ? "-i" : "-g";
}

static void save_tunnel(FILE *out, const struct ipvs_dest *dest)
{
	fprintf(out, " --tun-type %s", director_tun_type_name(dest->tun_type));
	if (dest->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE)
		fprintf(out, " --tun-port %u", dest->tun_port);
	if (dest->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_IPIP)
		return;
	fputs(dest->tun_flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? " --tun-remcsum"
	      : dest->tun_flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? " --tun-csum" : " --tun-nocsum", out);
}

void director_save(FILE *out, const struct ipvs_table *table)
{
	char name[96], where[IPADDR_TEXT_MAX + 10];

	for (size_t i = 0; i < table->count; i++) {
		const struct ipvs_service *svc = &table->services[i];
		rule_name(svc, name, sizeof(name));
		save_service(out, svc, name);
		for (size_t j = 0; j < svc->dest_count; j++) {
			const struct ipvs_dest *dest = &svc->dests[j];
			fprintf(out, "-a %s -r %s %s -w %u", name,
				director_format_addrport(&dest->addr, dest->port, where, sizeof(where)),
				fwd_switch(dest->fwd), dest->weight);
			if (dest->fwd == IP_VS_CONN_F_TUNNEL)
				save_tunnel(out, dest);
			fputc('\n', out);
		}
	}
}

/* --- -Ln -------------------------------------------------------------------- */

/* "TCP  192.0.2.1:80", "FWM  7 IPv6": the service's column of -Ln. */
static const char *service_name(const struct ipvs_service *svc, char *name, size_t len)
{
	const char *protocol = svc->protocol == IPPROTO_UDP ? "UDP"
			       : svc->protocol == IPPROTO_SCTP ? "SCTP" : "TCP";
	char where[IPADDR_TEXT_MAX + 10];

	if (svc->fwmark) {
		snprintf(name, len, "%-4s %d%s", "FWM", ipvsadm_mark(svc->fwmark),
			 svc->af == AF_INET6 ? " IPv6" : "");
		return name;	/* ipvsadm cuts only an address's column */
	}
	snprintf(name, len, "%-4s %s", protocol,
		 director_format_addrport(&svc->addr, svc->port, where, sizeof(where)));
	if (svc->af != AF_INET6 && len > 33)
		name[33] = '\0';	/* ipvsadm's column for IPv4 */
	return name;
}

const char *director_list_service(const struct ipvs_service *svc, char *buf, size_t len)
{
	char name[80], flags[64], mask[INET_ADDRSTRLEN];
	int used;

	used = snprintf(buf, len, "%s %s", service_name(svc, name, sizeof(name)), svc->scheduler);
	if (sched_flags(svc, flags, sizeof(flags))[0] && used > 0 && (size_t)used < len)
		used += snprintf(buf + used, len - (size_t)used, " (%s)", flags);
	if ((svc->flags & IP_VS_SVC_F_PERSISTENT) && used > 0 && (size_t)used < len) {
		used += snprintf(buf + used, len - (size_t)used, " persistent %u", svc->timeout);
		if (director_netmask_given(svc) && (size_t)used < len)
			used += snprintf(buf + used, len - (size_t)used, " mask %s",
					 director_format_netmask(svc, mask, sizeof(mask)));
		/* -Ln names the engine only for a persistent service, as here. */
		if (svc->pe_name[0] && (size_t)used < len)
			used += snprintf(buf + used, len - (size_t)used, " pe %s", svc->pe_name);
	}
	if ((svc->flags & IP_VS_SVC_F_ONEPACKET) && used > 0 && (size_t)used < len)
		snprintf(buf + used, len - (size_t)used, " ops");
	return buf;
}

static const char *fwd_name(uint32_t fwd)
{
	switch (fwd) {
	case IP_VS_CONN_F_MASQ: return "Masq";
	case IP_VS_CONN_F_LOCALNODE: return "Local";
	case IP_VS_CONN_F_TUNNEL: return "Tunnel";
	default: return "Route";
	}
}

void director_list(FILE *out, const struct ipvs_table *table, const struct ipvs_info *info)
{
	char line[160], where[IPADDR_TEXT_MAX + 10];

	fprintf(out, "IP Virtual Server version %u.%u.%u (size=%u)\n", (info->version >> 16) & 0xff,
		(info->version >> 8) & 0xff, info->version & 0xff, info->conn_tab_size);
	fputs("Prot LocalAddress:Port Scheduler Flags\n"
	      "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n", out);
	for (size_t i = 0; i < table->count; i++) {
		const struct ipvs_service *svc = &table->services[i];
		fprintf(out, "%s\n", director_list_service(svc, line, sizeof(line)));
		for (size_t j = 0; j < svc->dest_count; j++) {
			const struct ipvs_dest *dest = &svc->dests[j];
			director_format_addrport(&dest->addr, dest->port, where, sizeof(where));
			if (svc->af != AF_INET6)
				where[28] = '\0';
			fprintf(out, "  -> %-28s %-7s %-6d %-10u %-10u\n", where, fwd_name(dest->fwd),
				(int)dest->weight, dest->active, dest->inactive);
		}
	}
}

/* --- -Ln --stats, --rate ----------------------------------------------------- */

/* ipvsadm's print_largenum: 9 columns, a number too wide for 8 digits in
 * thousands (K), millions (M), ... (divided, not rounded); --exact: every
 * digit, one column wider than the number when it needs more than 8. */
const char *director_format_count(uint64_t n, bool exact, char *buf, size_t len)
{
	static const struct { uint64_t below, unit; char suffix; } units[] = {
		{ 1000000000ULL, 1000ULL, 'K' },
		{ 100000000000ULL, 1000000ULL, 'M' },
		{ 100000000000000ULL, 1000000000ULL, 'G' },
	};

	if (exact || n < 100000000ULL) {
		int digits = snprintf(NULL, 0, "%" PRIu64, n);
		snprintf(buf, len, "%*" PRIu64, exact && digits > 8 ? digits + 1 : 9, n);
		return buf;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (n < units[i].below) {
			snprintf(buf, len, "%8" PRIu64 "%c", (uint64_t)(n / units[i].unit),
				 units[i].suffix);
			return buf;
		}
	snprintf(buf, len, "%8" PRIu64 "T", (uint64_t)(n / 1000000000000ULL));
	return buf;
}

static void put_count(FILE *out, uint64_t n, bool exact)
{
	char text[32];

	fputs(director_format_count(n, exact, text, sizeof(text)), out);
}

static void put_counts(FILE *out, const uint64_t *values, size_t count, bool exact)
{
	for (size_t i = 0; i < count; i++)
		put_count(out, values[i], exact);
}

static void stats_line(FILE *out, const struct ipvs_stats *st, enum list_counters what,
		       bool dest, bool exact)
{
	const uint64_t totals[] = { st->conns, st->inpkts, st->outpkts, st->inbytes, st->outbytes };
	const uint64_t rates[] = { st->cps, st->inpps, st->outpps, st->inbps, st->outbps };

	if (what == LIST_STATS) {
		put_counts(out, totals, 5, exact);
	} else if (!dest) {
		put_counts(out, rates, 5, exact);
	} else {
		/* ipvsadm prints a real server's connection and packet rates
		 * plainly, in 8 columns, and only its byte rates as above. */
		fprintf(out, " %8" PRIu64 " %8" PRIu64 " %8" PRIu64, st->cps, st->inpps, st->outpps);
		put_counts(out, &rates[3], 2, exact);
	}
	fputc('\n', out);
}

void director_list_counters(FILE *out, const struct ipvs_table *table,
			    const struct ipvs_info *info, enum list_counters what, bool exact)
{
	char name[80], where[IPADDR_TEXT_MAX + 10];

	fprintf(out, "IP Virtual Server version %u.%u.%u (size=%u)\n", (info->version >> 16) & 0xff,
		(info->version >> 8) & 0xff, info->version & 0xff, info->conn_tab_size);
	if (what == LIST_STATS)
		fprintf(out, "%-33s %8s %8s %8s %8s %8s\n", "Prot LocalAddress:Port", "Conns",
			"InPkts", "OutPkts", "InBytes", "OutBytes");
	else
		fprintf(out, "%-33s %8s %8s %8s %8s %8s\n", "Prot LocalAddress:Port", "CPS",
			"InPPS", "OutPPS", "InBPS", "OutBPS");
	fputs("  -> RemoteAddress:Port\n", out);
	for (size_t i = 0; i < table->count; i++) {
		const struct ipvs_service *svc = &table->services[i];
		fprintf(out, "%-33s", service_name(svc, name, sizeof(name)));
		stats_line(out, &svc->stats, what, false, exact);
		for (size_t j = 0; j < svc->dest_count; j++) {
			const struct ipvs_dest *dest = &svc->dests[j];
			director_format_addrport(&dest->addr, dest->port, where, sizeof(where));
			if (dest->addr.family != AF_INET6)
				where[28] = '\0';
			fprintf(out, "  -> %-28s", where);
			stats_line(out, &dest->stats, what, true, exact);
		}
	}
}
