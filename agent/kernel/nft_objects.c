/* nft_objects: the lvsagent table as libnftnl objects, and their text. */
#include "kernel/nft_objects.h"

#include <arpa/inet.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* Where Ethernet/IPv4 ARP keeps the sender and target protocol addresses. */
#define ARP_SPA_OFFSET 14
#define ARP_TPA_OFFSET 24
/* Ties the lookups to the set created in the same transaction. */
#define VIPS_SET_ID 1

#define GROW(array, count) ((array) = xrealloc_array((array), (count) + 1, sizeof(*(array))))

void nft_objects_add_set(struct nft_objects *objects, struct nftnl_set *set)
{
	GROW(objects->sets, objects->set_count);
	objects->sets[objects->set_count++] = set;
}

void nft_objects_add_chain(struct nft_objects *objects, struct nftnl_chain *chain)
{
	GROW(objects->chains, objects->chain_count);
	objects->chains[objects->chain_count++] = chain;
}

void nft_objects_add_rule(struct nft_objects *objects, struct nftnl_rule *rule)
{
	GROW(objects->rules, objects->rule_count);
	objects->rules[objects->rule_count++] = rule;
}

void nft_objects_free(struct nft_objects *objects)
{
	if (objects->table)
		nftnl_table_free(objects->table);
	for (size_t i = 0; i < objects->set_count; i++)
		nftnl_set_free(objects->sets[i]);
	for (size_t i = 0; i < objects->chain_count; i++)
		nftnl_chain_free(objects->chains[i]);
	for (size_t i = 0; i < objects->rule_count; i++)
		nftnl_rule_free(objects->rules[i]);
	free(objects->sets);
	free(objects->chains);
	free(objects->rules);
	nft_objects_init(objects, objects->family);
}

/* --- building ------------------------------------------------------------- */

void nft_objects_init(struct nft_objects *objects, uint32_t family)
{
	memset(objects, 0, sizeof(*objects));
	objects->family = family;
}

static void add_lookup_vips(struct nftnl_rule *rule)
{
	nft_rule_lookup(rule, NFT_SET_NAME, VIPS_SET_ID, false);
}

/* meta oifname == NAME (compared as the kernel's IFNAMSIZ buffer). */
static void add_oifname_is(struct nftnl_rule *rule, const char *name)
{
	char padded[IFNAMSIZ] = { 0 };

	memcpy(padded, name, strnlen(name, IFNAMSIZ - 1));
	nft_rule_meta(rule, NFT_META_OIFNAME);
	nft_rule_cmp(rule, NFT_CMP_EQ, padded, sizeof(padded));
}

/* arp saddr ip set ADDR */
static void add_set_sender(struct nftnl_rule *rule, const struct ipaddr *addr)
{
	struct nftnl_expr *write = nftnl_expr_alloc("payload");

	nft_rule_immediate(rule, &addr->v4, 4);
	nftnl_expr_set_u32(write, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
	nftnl_expr_set_u32(write, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(write, NFTNL_EXPR_PAYLOAD_OFFSET, ARP_SPA_OFFSET);
	nftnl_expr_set_u32(write, NFTNL_EXPR_PAYLOAD_LEN, 4);
	nftnl_rule_add_expr(rule, write);
}

/* arp daddr ip @vips (OFFSET: ARP_TPA_OFFSET) or arp saddr ip @vips */
static struct nftnl_rule *arp_rule(const char *chain, uint32_t offset, const char *oifname)
{
	struct nftnl_rule *rule = nft_rule_new(NFPROTO_ARP, chain);

	if (oifname)
		add_oifname_is(rule, oifname);
	nft_rule_payload(rule, NFT_PAYLOAD_NETWORK_HEADER, offset, 4);
	add_lookup_vips(rule);
	return rule;
}

/* input: arp daddr ip @vips drop */
static struct nftnl_rule *build_input_drop(void)
{
	struct nftnl_rule *rule = arp_rule("input", ARP_TPA_OFFSET, NULL);

	nft_rule_drop(rule);
	return rule;
}

/* output: oifname "eth0" arp saddr ip @vips arp saddr ip set 192.0.2.3 */
static struct nftnl_rule *build_output_rewrite(const struct nft_uplink *uplink)
{
	struct nftnl_rule *rule = arp_rule("output", ARP_SPA_OFFSET, uplink->name);

	add_set_sender(rule, &uplink->addr);
	return rule;
}

/* output: arp saddr ip @vips drop (whatever no uplink rule rewrote) */
static struct nftnl_rule *build_output_drop(void)
{
	struct nftnl_rule *rule = arp_rule("output", ARP_SPA_OFFSET, NULL);

	nft_rule_drop(rule);
	return rule;
}

void nft_objects_build(struct nft_objects *objects, const struct nft_desired *desired)
{
	nft_objects_init(objects, NFPROTO_ARP);
	objects->table = nft_table_new(NFPROTO_ARP);
	nft_objects_add_set(objects, nft_set_new(NFPROTO_ARP, NFT_SET_NAME, AF_INET, VIPS_SET_ID,
						 &desired->vips));
	nft_objects_add_chain(objects, nft_chain_new(NFPROTO_ARP, "input", NF_ARP_IN));
	nft_objects_add_chain(objects, nft_chain_new(NFPROTO_ARP, "output", NF_ARP_OUT));
	nft_objects_add_rule(objects, build_input_drop());
	for (size_t i = 0; i < desired->uplink_count; i++)
		if (desired->uplinks[i].has_addr)
			nft_objects_add_rule(objects, build_output_rewrite(&desired->uplinks[i]));
	nft_objects_add_rule(objects, build_output_drop());
}

/* --- canonical text -------------------------------------------------------- */

static int render_expr(struct nftnl_expr *expr, void *data)
{
	const char *name = nftnl_expr_get_str(expr, NFTNL_EXPR_NAME);
	char text[512];

	/* A counter's values move with the traffic: it is there or not. */
	if (name && strcmp(name, "counter") == 0) {
		fputs(" [counter]", data);
		return 0;
	}
	nftnl_expr_snprintf(text, sizeof(text), expr, NFTNL_OUTPUT_DEFAULT, 0);
	fprintf(data, " [%s %s]", name, text);
	return 0;
}

static int add_counted(struct nftnl_expr *expr, void *data)
{
	const char *name = nftnl_expr_get_str(expr, NFTNL_EXPR_NAME);

	if (name && strcmp(name, "counter") == 0 && nftnl_expr_is_set(expr, NFTNL_EXPR_CTR_PACKETS))
		*(uint64_t *)data += nftnl_expr_get_u64(expr, NFTNL_EXPR_CTR_PACKETS);
	return 0;
}

uint64_t nft_objects_counted(const struct nft_objects *objects)
{
	uint64_t packets = 0;

	for (size_t i = 0; i < objects->rule_count; i++)
		nftnl_expr_foreach(objects->rules[i], add_counted, &packets);
	return packets;
}

static int element_key(struct nftnl_set_elem *elem, void *data)
{
	struct { char **lines; size_t count; } *out = data;
	char text[INET6_ADDRSTRLEN + 8] = "?";
	uint32_t len;
	const void *key = nftnl_set_elem_get(elem, NFTNL_SET_ELEM_KEY, &len);

	if (key && (len == 4 || len == 16))
		inet_ntop(len == 4 ? AF_INET : AF_INET6, key, text, sizeof(text));
	/* An interval's end marker, told apart from an address in the set. */
	if (nftnl_set_elem_is_set(elem, NFTNL_SET_ELEM_FLAGS) &&
	    nftnl_set_elem_get_u32(elem, NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_INTERVAL_END)
		strcat(text, " end");
	out->lines = xrealloc_array(out->lines, out->count + 1, sizeof(*out->lines));
	out->lines[out->count++] = xstrdup(text);
	return 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void render_set(FILE *out, struct nftnl_set *set)
{
	struct { char **lines; size_t count; } elems = { 0 };

	fprintf(out, "set %s key_type %u key_len %u flags %u\n",
		nftnl_set_get_str(set, NFTNL_SET_NAME), nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE),
		nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN), nftnl_set_get_u32(set, NFTNL_SET_FLAGS));
	nftnl_set_elem_foreach(set, element_key, &elems);
	if (elems.count)
		qsort(elems.lines, elems.count, sizeof(*elems.lines), by_string);
	for (size_t i = 0; i < elems.count; i++) {
		fprintf(out, "  element %s\n", elems.lines[i]);
		free(elems.lines[i]);
	}
	free(elems.lines);
}

static void render_chain(FILE *out, const struct nft_objects *objects, struct nftnl_chain *chain)
{
	const char *name = nftnl_chain_get_str(chain, NFTNL_CHAIN_NAME);

	fprintf(out, "chain %s type %s hook %u priority %d policy %u\n", name,
		nftnl_chain_get_str(chain, NFTNL_CHAIN_TYPE) ?: "-",
		nftnl_chain_get_u32(chain, NFTNL_CHAIN_HOOKNUM),
		nftnl_chain_get_s32(chain, NFTNL_CHAIN_PRIO),
		nftnl_chain_get_u32(chain, NFTNL_CHAIN_POLICY));
	for (size_t i = 0; i < objects->rule_count; i++) {
		if (strcmp(nftnl_rule_get_str(objects->rules[i], NFTNL_RULE_CHAIN), name) != 0)
			continue;
		fputs("  rule", out);
		nftnl_expr_foreach(objects->rules[i], render_expr, out);
		fputc('\n', out);
	}
}

static int set_by_name(const void *a, const void *b)
{
	return strcmp(nftnl_set_get_str(*(struct nftnl_set *const *)a, NFTNL_SET_NAME),
		      nftnl_set_get_str(*(struct nftnl_set *const *)b, NFTNL_SET_NAME));
}

static int chain_by_name(const void *a, const void *b)
{
	return strcmp(nftnl_chain_get_str(*(struct nftnl_chain *const *)a, NFTNL_CHAIN_NAME),
		      nftnl_chain_get_str(*(struct nftnl_chain *const *)b, NFTNL_CHAIN_NAME));
}

char *nft_objects_render(const struct nft_objects *objects)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	fprintf(out, "table %s %s flags %u\n", objects->family == NFPROTO_ARP ? "arp" : "inet",
		NFT_TABLE_NAME,
		nftnl_table_get_u32(objects->table, NFTNL_TABLE_FLAGS));
	if (objects->set_count)
		qsort(objects->sets, objects->set_count, sizeof(*objects->sets), set_by_name);
	if (objects->chain_count)
		qsort(objects->chains, objects->chain_count, sizeof(*objects->chains), chain_by_name);
	for (size_t i = 0; i < objects->set_count; i++)
		render_set(out, objects->sets[i]);
	for (size_t i = 0; i < objects->chain_count; i++)
		render_chain(out, objects, objects->chains[i]);
	fclose(out);
	return text;
}

char *nft_objects_text(struct nft_objects *objects)
{
	char *text = nft_objects_render(objects);

	nft_objects_free(objects);
	return text;
}

char *nft_render_desired(const struct nft_desired *desired)
{
	struct nft_objects objects;

	nft_objects_build(&objects, desired);
	return nft_objects_text(&objects);
}

void nft_desired_free(struct nft_desired *desired)
{
	nft_elements_free(&desired->vips);
	free(desired->uplinks);
	memset(desired, 0, sizeof(*desired));
}
