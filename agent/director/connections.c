/* connections: the connection table as ipvsadm -Lnc lists it. See
 * connections.h. */
#include "director/connections.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "director/syntax.h"
#include "lib/json.h"
#include "lib/log.h"

/* PROTO:VIP:PORT as the configuration's "PROTO VIP:PORT". */
static int parse_spec(const char *spec, struct ipvs_service *svc, const char **why)
{
	char text[96];
	char *colon;

	if (strlen(spec) >= sizeof(text))
		return *why = "too long for a service", -1;
	strcpy(text, spec);
	colon = strchr(text, ':');
	if (colon && colon < text + strcspn(text, " ["))
		*colon = ' ';
	return director_parse_virtual(text, svc, why);
}

int director_conn_filter(const struct director_config *cfg, const char *spec,
			 struct conn_filter *filter, const char **why)
{
	memset(filter, 0, sizeof(*filter));
	if (!spec) {
		filter->any = true;
		return 0;
	}
	for (size_t i = 0; cfg && i < cfg->service_count; i++)
		if (strcmp(cfg->services[i].name, spec) == 0) {
			filter->svc = cfg->services[i].svc;
			filter->svc.dests = NULL;
			filter->svc.dest_count = 0;
			break;
		}
	if (!filter->svc.af && parse_spec(spec, &filter->svc, why) < 0) {
		*why = "neither a [service NAME] of the configuration nor PROTO:VIP:PORT "
		       "(tcp:192.0.2.1:80, udp:[2001:db8::1]:53)";
		return -1;
	}
	/* The table names the address a packet was sent to, not the mark
	 * that chose the service: a mark's connections cannot be told. */
	if (filter->svc.fwmark)
		return *why = "a firewall-mark service's connections cannot be told apart "
			      "in the connection table (it shows addresses, not marks)", -1;
	return 0;
}

bool director_conn_matches(const struct conn_filter *filter, const struct ipvs_connection *c)
{
	const struct ipvs_service *svc = &filter->svc;

	if (filter->any)
		return true;
	if (strcasecmp(c->protocol, director_protocol_name(svc->protocol)) != 0 ||
	    c->vport != svc->port || !ipaddr_equal(&c->virt, &svc->addr))
		return false;
	return !filter->dest ||
	       (c->dport == filter->dest->port && ipaddr_equal(&c->dest, &filter->dest->addr));
}

void director_conn_header(FILE *out)
{
	fprintf(out, "IPVS connection entries\n"
		"pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination");
}

void director_conn_line(FILE *out, const struct ipvs_connection *c)
{
	char client[IPADDR_TEXT_MAX + 10], virt[IPADDR_TEXT_MAX + 10], dest[IPADDR_TEXT_MAX + 10];
	char expires[16];

	/* ipvsadm's MM:SS, minutes unbounded. */
	snprintf(expires, sizeof(expires), "%02u:%02u", c->expires / 60, c->expires % 60);
	fprintf(out, "%-3s %-6s %-11s %-18s %-18s %s\n", c->protocol, expires, c->state,
		director_format_addrport(&c->client, c->cport, client, sizeof(client)),
		director_format_addrport(&c->virt, c->vport, virt, sizeof(virt)),
		director_format_addrport(&c->dest, c->dport, dest, sizeof(dest)));
}

struct listing {
	FILE *out;
	const struct conn_filter *filter;
	struct json *json;		/* NULL: text */
	long count;
};

static void json_conn(struct json *json, const struct ipvs_connection *c)
{
	char text[IPADDR_TEXT_MAX + 10];

	json_object_begin(json);
	json_field_string(json, "protocol", c->protocol);
	json_field_int(json, "expires", c->expires);
	json_field_string(json, "state", c->state);
	json_field_string(json, "source", director_format_addrport(&c->client, c->cport, text,
								  sizeof(text)));
	json_field_string(json, "virtual", director_format_addrport(&c->virt, c->vport, text,
								   sizeof(text)));
	json_field_string(json, "destination", director_format_addrport(&c->dest, c->dport, text,
								       sizeof(text)));
	json_field_string(json, "pe", c->pe_name[0] ? c->pe_name : NULL);
	json_field_string(json, "pe_data", c->pe_name[0] ? c->pe_data : NULL);
	json_object_end(json);
}

static int on_entry(const struct ipvs_connection *c, void *data)
{
	struct listing *l = data;

	if (!director_conn_matches(l->filter, c))
		return 0;
	l->count++;
	if (l->json)
		json_conn(l->json, c);
	else if (l->out)
		director_conn_line(l->out, c);
	return 0;
}

static void note_skipped(size_t skipped)
{
	if (skipped)
		log_warn("%zu line%s of %s not understood: skipped", skipped,
			 skipped == 1 ? "" : "s", IPVS_CONN_FILE);
}

int director_connections(FILE *out, const struct conn_filter *filter, bool json)
{
	struct json j;
	struct listing l = { .out = out, .filter = filter, .json = json ? &j : NULL };
	size_t skipped;
	int err;

	if (json) {
		json_init(&j, out);
		json_object_begin(&j);
		json_key(&j, "connections");
		json_array_begin(&j);
	} else {
		director_conn_header(out);
	}
	err = ipvs_connections_read(on_entry, &l, &skipped);
	if (json) {
		json_array_end(&j);
		json_field_int(&j, "skipped", (long long)skipped);
		json_object_end(&j);
		fputc('\n', out);
	}
	note_skipped(skipped);
	return err;
}

long director_conn_count(const struct ipvs_service *svc, const struct ipvs_dest *dest)
{
	struct conn_filter filter = { .svc = *svc, .dest = dest };
	struct listing l = { .filter = &filter };
	size_t skipped;
	int err;

	if (svc->fwmark)
		return -EOPNOTSUPP;
	err = ipvs_connections_read(on_entry, &l, &skipped);
	return err ? err : l.count;
}
