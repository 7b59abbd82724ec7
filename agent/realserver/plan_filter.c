/* plan_filter: LVS-TUN's filter table. See plan_filter.h. */
#include "realserver/plan_filter.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "realserver/plan_route.h"

bool filter_wanted(const struct rs_config *cfg)
{
	return cfg->tun.method == METHOD_TUN && (cfg->tun.director_count || cfg->tun.mss);
}

static void add_directors(const struct rs_tunnel *tun, struct nft_filter_desired *out)
{
	for (int f = 0; f < 2; f++)
		out->directors[f].keys = xcalloc(tun->director_count + 1, sizeof(struct ipaddr));
	for (size_t i = 0; i < tun->director_count; i++) {
		struct nft_elements *set = &out->directors[tun->directors[i].family == AF_INET6];
		set->keys[set->count++] = tun->directors[i];
	}
}

/* What the director's packets are, outer header first: the IP protocol
 * of each encapsulation the configured tunnel may use (ipip: IPv4 or
 * IPv6 inside, 4 or 41), or GUE's UDP port. */
static void add_encapsulation(const struct rs_tunnel *tun, struct nft_filter_desired *out)
{
	switch (tun->type) {
	case TUNNEL_IPIP:
		out->protos[out->proto_count++] = IPPROTO_IPIP;
		out->protos[out->proto_count++] = IPPROTO_IPV6;
		break;
	case TUNNEL_GRE:
		out->protos[out->proto_count++] = IPPROTO_GRE;
		break;
	case TUNNEL_GUE:
		out->udp_port = (uint16_t)tun->port;
		break;
	}
}

void filter_desired(const struct rs_config *cfg, struct nft_filter_desired *out)
{
	memset(out, 0, sizeof(*out));
	if (cfg->tun.director_count) {
		out->directors_given = true;
		add_directors(&cfg->tun, out);
		add_encapsulation(&cfg->tun, out);
	}
	if (cfg->tun.mss) {
		out->mss = (uint16_t)cfg->tun.mss;
		plan_vip_elements(cfg, AF_INET, &out->vips[0]);
		plan_vip_elements(cfg, AF_INET6, &out->vips[1]);
	}
}

/* "only from 2 directors; MSS 1400" for people reading a plan. */
static char *describe_filter(const struct nft_filter_desired *d)
{
	char text[128] = "";
	size_t directors = d->directors[0].count + d->directors[1].count;
	int used = 0;

	if (d->directors_given)
		used = snprintf(text, sizeof(text), "tunnel packets only from %zu director%s",
				directors, directors == 1 ? "" : "s");
	if (d->mss)
		snprintf(text + used, sizeof(text) - (size_t)used, "%sTCP MSS clamped to %u",
			 used ? "; " : "", d->mss);
	return xstrdup(text);
}

void plan_filter(const struct rs_config *cfg, const struct observed *obs, struct plan *plan)
{
	struct plan_item *item;
	int state = 0;

	if (!filter_wanted(cfg)) {
		if (obs->filter_text)
			plan_unwanted_table(plan, TABLE_FILTER);
		return;
	}
	filter_desired(cfg, &plan->filter);
	if (obs->filter_text) {
		char *wanted = nft_filter_render(&plan->filter);
		state = plan_table_state(wanted, obs->filter_text);
		free(wanted);
	}
	item = plan_wanted_table(plan, TABLE_FILTER, state);
	item->detail = describe_filter(&plan->filter);
	plan->filter_dropped = obs->filter_text ? obs->filter_dropped : 0;
}
