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

/* The set's key: nftables' ipv4_addr type (what `type ipv4_addr` means). */
#define NFT_TYPE_IPV4_ADDR 7
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
	memset(objects, 0, sizeof(*objects));
}

/* --- building ------------------------------------------------------------- */

void nft_elem_fill(struct nftnl_set_elem *elem, const struct nft_desired *desired, size_t i)
{
	nftnl_set_elem_set(elem, NFTNL_SET_ELEM_KEY, &desired->vips[i].v4, 4);
	if (desired->elem_flags && desired->elem_flags[i])
		nftnl_set_elem_set_u32(elem, NFTNL_SET_ELEM_FLAGS, desired->elem_flags[i]);
}

static struct nftnl_set *build_set(const struct nft_desired *desired, bool with_elements)
{
	struct nftnl_set *set = nftnl_set_alloc();

	nftnl_set_set_str(set, NFTNL_SET_TABLE, NFT_TABLE_NAME);
	nftnl_set_set_str(set, NFTNL_SET_NAME, NFT_SET_NAME);
	nftnl_set_set_u32(set, NFTNL_SET_FAMILY, NFPROTO_ARP);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_TYPE, NFT_TYPE_IPV4_ADDR);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_LEN, 4);
	nftnl_set_set_u32(set, NFTNL_SET_FLAGS, desired->elem_flags ? NFT_SET_INTERVAL : 0);
	nftnl_set_set_u32(set, NFTNL_SET_ID, VIPS_SET_ID);
	/* Sized up front, the kernel's hash never has to grow while filling. */
	if (desired->vip_count)
		nftnl_set_set_u32(set, NFTNL_SET_DESC_SIZE, (uint32_t)desired->vip_count);
	for (size_t i = 0; with_elements && i < desired->vip_count; i++) {
		struct nftnl_set_elem *elem = nftnl_set_elem_alloc();
		nft_elem_fill(elem, desired, i);
		nftnl_set_elem_add(set, elem);
	}
	return set;
}

static struct nftnl_chain *build_chain(const char *name, unsigned hook)
{
	struct nftnl_chain *chain = nftnl_chain_alloc();

	nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_FAMILY, NFPROTO_ARP);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(chain, NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	return chain;
}

static struct nftnl_rule *new_rule(const char *chain)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();

	nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
	nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(rule, NFTNL_RULE_FAMILY, NFPROTO_ARP);
	return rule;
}

static void add_payload_load(struct nftnl_rule *rule, unsigned offset)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(rule, e);
}

static void add_lookup_vips(struct nftnl_rule *rule)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, NFT_SET_NAME);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, VIPS_SET_ID);
	/* The kernel reports the flags (0); set them so the texts compare. */
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, 0);
	nftnl_rule_add_expr(rule, e);
}

static void add_drop(struct nftnl_rule *rule)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	nftnl_rule_add_expr(rule, e);
}

/* meta oifname == NAME (compared as the kernel's IFNAMSIZ buffer). */
static void add_oifname_is(struct nftnl_rule *rule, const char *name)
{
	struct nftnl_expr *meta = nftnl_expr_alloc("meta"), *cmp = nftnl_expr_alloc("cmp");
	char padded[IFNAMSIZ] = { 0 };

	memcpy(padded, name, strnlen(name, IFNAMSIZ - 1));
	nftnl_expr_set_u32(meta, NFTNL_EXPR_META_KEY, NFT_META_OIFNAME);
	nftnl_expr_set_u32(meta, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(rule, meta);
	nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(cmp, NFTNL_EXPR_CMP_DATA, padded, sizeof(padded));
	nftnl_rule_add_expr(rule, cmp);
}

/* arp saddr ip set ADDR */
static void add_set_sender(struct nftnl_rule *rule, const struct ipaddr *addr)
{
	struct nftnl_expr *imm = nftnl_expr_alloc("immediate"), *write = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(imm, NFTNL_EXPR_IMM_DATA, &addr->v4, 4);
	nftnl_rule_add_expr(rule, imm);
	nftnl_expr_set_u32(write, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
	nftnl_expr_set_u32(write, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(write, NFTNL_EXPR_PAYLOAD_OFFSET, ARP_SPA_OFFSET);
	nftnl_expr_set_u32(write, NFTNL_EXPR_PAYLOAD_LEN, 4);
	nftnl_rule_add_expr(rule, write);
}

/* input: arp daddr ip @vips drop */
static struct nftnl_rule *build_input_drop(void)
{
	struct nftnl_rule *rule = new_rule("input");

	add_payload_load(rule, ARP_TPA_OFFSET);
	add_lookup_vips(rule);
	add_drop(rule);
	return rule;
}

/* output: oifname "eth0" arp saddr ip @vips arp saddr ip set 192.0.2.3 */
static struct nftnl_rule *build_output_rewrite(const struct nft_uplink *uplink)
{
	struct nftnl_rule *rule = new_rule("output");

	add_oifname_is(rule, uplink->name);
	add_payload_load(rule, ARP_SPA_OFFSET);
	add_lookup_vips(rule);
	add_set_sender(rule, &uplink->addr);
	return rule;
}

/* output: arp saddr ip @vips drop (whatever no uplink rule rewrote) */
static struct nftnl_rule *build_output_drop(void)
{
	struct nftnl_rule *rule = new_rule("output");

	add_payload_load(rule, ARP_SPA_OFFSET);
	add_lookup_vips(rule);
	add_drop(rule);
	return rule;
}

void nft_objects_build(struct nft_objects *objects, const struct nft_desired *desired,
		       bool with_elements)
{
	memset(objects, 0, sizeof(*objects));
	objects->table = nftnl_table_alloc();
	nftnl_table_set_str(objects->table, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
	nftnl_table_set_u32(objects->table, NFTNL_TABLE_FAMILY, NFPROTO_ARP);
	nftnl_table_set_u32(objects->table, NFTNL_TABLE_FLAGS, 0);
	nft_objects_add_set(objects, build_set(desired, with_elements));
	nft_objects_add_chain(objects, build_chain("input", NF_ARP_IN));
	nft_objects_add_chain(objects, build_chain("output", NF_ARP_OUT));
	nft_objects_add_rule(objects, build_input_drop());
	for (size_t i = 0; i < desired->uplink_count; i++)
		if (desired->uplinks[i].has_addr)
			nft_objects_add_rule(objects, build_output_rewrite(&desired->uplinks[i]));
	nft_objects_add_rule(objects, build_output_drop());
}

/* --- canonical text -------------------------------------------------------- */

static int render_expr(struct nftnl_expr *expr, void *data)
{
	char text[512];

	nftnl_expr_snprintf(text, sizeof(text), expr, NFTNL_OUTPUT_DEFAULT, 0);
	fprintf(data, " [%s %s]", nftnl_expr_get_str(expr, NFTNL_EXPR_NAME), text);
	return 0;
}

static int element_key(struct nftnl_set_elem *elem, void *data)
{
	struct { char **lines; size_t count; } *out = data;
	char text[INET6_ADDRSTRLEN + 8] = "?";
	uint32_t len;
	const void *key = nftnl_set_elem_get(elem, NFTNL_SET_ELEM_KEY, &len);

	if (key && len == 4)
		inet_ntop(AF_INET, key, text, sizeof(text));
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
	fprintf(out, "table arp %s flags %u\n", NFT_TABLE_NAME,
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

char *nft_render_desired(const struct nft_desired *desired)
{
	struct nft_objects objects;
	char *text;

	nft_objects_build(&objects, desired, true);
	text = nft_objects_render(&objects);
	nft_objects_free(&objects);
	return text;
}

void nft_desired_free(struct nft_desired *desired)
{
	free(desired->vips);
	free(desired->elem_flags);
	free(desired->uplinks);
	memset(desired, 0, sizeof(*desired));
}
