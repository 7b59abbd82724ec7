/* config_tun: the LVS-TUN keys of [realserver]. See config_tun.h. */
#include "realserver/config_tun.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static const char *const method_names[] = { "dr", "tun" };
static const char *const type_names[] = { "ipip", "gue", "gre" };
static const char *const csum_names[] = { "none", "csum", "remcsum" };

/* VALUE among NAMES (COUNT of them, in words: LIST): its index, or -1
 * with "KEY must be LIST, not VALUE" said. */
static int parse_word(struct config_parser *p, const char *key, const char *value,
		      const char *const *names, int count, const char *list)
{
	for (int i = 0; i < count; i++)
		if (strcmp(value, names[i]) == 0)
			return i;
	ERR(p, "%s must be %s, not \"%s\"", key, list, value);
	return -1;
}

const char *tunnel_type_name(enum tunnel_type type)
{
	return type_names[type];
}

const char *tunnel_csum_name(enum tunnel_csum csum)
{
	return csum_names[csum];
}

void tun_parse_method(struct config_parser *p, struct rs_tunnel *tun, const char *value)
{
	int i = parse_word(p, "method", value, method_names, 2, "dr or tun");

	if (i >= 0)
		tun->method = (enum rs_method)i;
}

void tun_parse_tunnel(struct config_parser *p, struct rs_tunnel *tun, const char *value)
{
	int i = parse_word(p, "tunnel", value, type_names, 3, "ipip, gue or gre");

	tun->type_line = p->line;
	if (i >= 0)
		tun->type = (enum tunnel_type)i;
}

void tun_parse_csum(struct config_parser *p, struct rs_tunnel *tun, const char *value)
{
	int i = parse_word(p, "tunnel_csum", value, csum_names, 3, "none, csum or remcsum");

	tun->csum_line = p->line;
	if (i >= 0)
		tun->csum = (enum tunnel_csum)i;
}

void tun_parse_port(struct config_parser *p, struct rs_tunnel *tun, const char *value)
{
	int n;

	tun->port_line = p->line;
	if (!config_small_int(value, &n) || n < 1 || n > 65535)
		ERR(p, "tunnel_port must be a UDP port from 1 to 65535, not \"%s\"", value);
	else
		tun->port = n;
}

/* One address of the list into TUN. */
static void add_director(struct config_parser *p, struct rs_tunnel *tun, const char *item)
{
	struct ipaddr addr;
	const char *why;

	if (ipaddr_parse(item, &addr, &why) < 0) {
		ERR(p, "directors: \"%s\" is not an address: %s", item, why);
		return;
	}
	XGROW(tun->directors, tun->director_count, tun->director_capacity);
	tun->directors[tun->director_count++] = addr;
}

/* Split on commas and blanks, as config_for_each_item does (whose
 * callback could not be handed TUN). */
void tun_parse_directors(struct config_parser *p, struct rs_tunnel *tun, const char *value)
{
	char *list = xstrdup(value), *save = NULL;
	size_t items = 0;

	tun->directors_line = p->line;
	for (char *item = strtok_r(list, ", \t", &save); item; item = strtok_r(NULL, ", \t", &save)) {
		add_director(p, tun, item);
		items++;
	}
	free(list);
	if (!items)
		ERR(p, "directors needs at least one address (leave it out to take tunnel "
		    "packets from anyone)");
}

void tun_parse_mss(struct config_parser *p, struct rs_tunnel *tun, const char *value)
{
	int n;

	tun->mss_line = p->line;
	/* 536: the smallest MSS every IPv4 host must accept; 9000: a jumbo
	 * frame's, beyond which clamping can only be a typo. */
	if (!config_small_int(value, &n) || n < 536 || n > 9000)
		ERR(p, "mss must be from 536 to 9000, not \"%s\"", value);
	else
		tun->mss = n;
}

static void err_at(struct config_parser *p, int line, const char *text)
{
	diag_add(p->diag, p->cfg->file, line, "%s", text);
}

/* Keys that mean nothing for direct routing: a forgotten method = tun. */
static void check_needs_tun(struct config_parser *p, const struct rs_tunnel *tun)
{
	static const char why[] = " is for method = tun (this [realserver] uses dr)";
	const struct { const char *key; int line; } keys[] = {
		{ "tunnel", tun->type_line }, { "tunnel_port", tun->port_line },
		{ "tunnel_csum", tun->csum_line }, { "directors", tun->directors_line },
		{ "mss", tun->mss_line },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].line)
			diag_add(p->diag, p->cfg->file, keys[i].line, "%s%s", keys[i].key, why);
}

/* GRE with checksums needs devices of lvsagent's own, one per director
 * (tunnel.h says why): their remote ends are the directors. */
static void check_gre_csum(struct config_parser *p, const struct rs_tunnel *tun)
{
	if (tun->type != TUNNEL_GRE || tun->csum == CSUM_NONE)
		return;
	if (tun->csum == CSUM_REMCSUM)
		err_at(p, tun->csum_line, "tunnel_csum = remcsum is for gue (gre has csum only)");
	else if (!tun->director_count)
		err_at(p, tun->csum_line, "tunnel_csum = csum with gre needs directors: the "
		       "kernel takes checksummed GRE only on a device of its own for each "
		       "director");
}

void tun_finish(struct config_parser *p, const struct rs_tunnel *tun)
{

	if (tun->method != METHOD_TUN) {
		check_needs_tun(p, tun);
		return;
	}
	if (tun->port_line && tun->type != TUNNEL_GUE)
		err_at(p, tun->port_line, "tunnel_port is for tunnel = gue only");
	if (tun->type == TUNNEL_GUE && !tun->port_line)
		err_at(p, tun->type_line, "tunnel = gue needs tunnel_port (the director's tun_port)");
	if (tun->csum != CSUM_NONE && tun->type == TUNNEL_IPIP)
		err_at(p, tun->csum_line, "tunnel_csum must be none with tunnel = ipip, which "
		       "carries no checksum (csum and remcsum are for gue and gre)");
	check_gre_csum(p, tun);
}
