/* list: ipvsadm's -Sn and -Ln, reproduced from the kernel's table
 * (ipvsadm 1.31's formats, checked against it in the VM tests). */
#include "director/list.h"

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

const char *director_list_service(const struct ipvs_service *svc, char *buf, size_t len)
{
	const char *protocol = svc->protocol == IPPROTO_UDP ? "UDP"
			       : svc->protocol == IPPROTO_SCTP ? "SCTP" : "TCP";
	char name[80], where[IPADDR_TEXT_MAX + 10], flags[64], mask[INET_ADDRSTRLEN];
	int used;

	if (svc->fwmark)
		snprintf(name, sizeof(name), "%-4s %d%s", "FWM", ipvsadm_mark(svc->fwmark),
			 svc->af == AF_INET6 ? " IPv6" : "");
	else
		snprintf(name, sizeof(name), "%-4s %s", protocol,
			 director_format_addrport(&svc->addr, svc->port, where, sizeof(where)));
	if (svc->af != AF_INET6)
		name[33] = '\0';	/* ipvsadm's column for IPv4 */
	used = snprintf(buf, len, "%s %s", name, svc->scheduler);
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
