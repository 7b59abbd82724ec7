/* nft_filter: the LVS-TUN filter table. See nft_filter.h. */
#include "kernel/nft_filter.h"

#include <arpa/inet.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>
#include <stdlib.h>

/* The sets' ids, which tie each lookup to its set in one transaction. */
enum { DIRECTORS4_ID = 1, DIRECTORS6_ID, VIPS4_ID, VIPS6_ID };

static const char *const director_sets[2] = { "directors4", "directors6" };
static const char *const vip_sets[2] = { "vips4", "vips6" };
static const uint32_t set_ids[2][2] = { { DIRECTORS4_ID, DIRECTORS6_ID }, { VIPS4_ID, VIPS6_ID } };

/* Where the IPv4 and IPv6 headers keep the source and destination. */
static const uint32_t saddr_offset[2] = { 12, 8 }, daddr_offset[2] = { 16, 24 };
static const uint32_t addr_len[2] = { 4, 16 };
static const uint8_t nfprotos[2] = { NFPROTO_IPV4, NFPROTO_IPV6 };

#define TCP_FLAGS_OFFSET 13
#define TCP_FLAG_SYN 0x02
#define TCPOPT_MAXSEG_TYPE 2

static void match_byte(struct nftnl_rule *rule, uint32_t meta_key, uint8_t value)
{
	nft_rule_meta(rule, meta_key);
	nft_rule_cmp(rule, NFT_CMP_EQ, &value, 1);
}

/* F (0: IPv4, 1: IPv6)'s address at OFFSET (in / not in the set S of KIND). */
static void match_addr(struct nftnl_rule *rule, int f, uint32_t offset, int kind, bool inverted)
{
	match_byte(rule, NFT_META_NFPROTO, nfprotos[f]);
	nft_rule_payload(rule, NFT_PAYLOAD_NETWORK_HEADER, offset, addr_len[f]);
	nft_rule_lookup(rule, kind ? vip_sets[f] : director_sets[f], set_ids[kind][f], inverted);
}

/* meta l4proto PROTO [udp dport PORT] ip saddr != @directors counter drop */
static struct nftnl_rule *director_rule(int f, uint8_t proto, uint16_t port)
{
	struct nftnl_rule *rule = nft_rule_new(NFPROTO_INET, "input");
	uint16_t be_port = htons(port);

	match_byte(rule, NFT_META_L4PROTO, proto);
	if (port) {
		nft_rule_payload(rule, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
		nft_rule_cmp(rule, NFT_CMP_EQ, &be_port, 2);
	}
	match_addr(rule, f, saddr_offset[f], 0, true);
	nft_rule_counter(rule);
	nft_rule_drop(rule);
	return rule;
}

/* ip daddr|saddr @vips tcp flags syn tcp option maxseg size > MSS
 * tcp option maxseg size set MSS */
static struct nftnl_rule *mss_rule(const char *chain, int f, uint32_t offset, uint16_t mss)
{
	struct nftnl_rule *rule = nft_rule_new(NFPROTO_INET, chain);
	uint8_t syn = TCP_FLAG_SYN, none = 0;
	uint16_t be_mss = htons(mss);

	match_addr(rule, f, offset, 1, false);
	match_byte(rule, NFT_META_L4PROTO, IPPROTO_TCP);
	nft_rule_payload(rule, NFT_PAYLOAD_TRANSPORT_HEADER, TCP_FLAGS_OFFSET, 1);
	nft_rule_and(rule, &syn, 1);
	nft_rule_cmp(rule, NFT_CMP_NEQ, &none, 1);
	/* The option's kind and length bytes come first: the size is at 2. */
	nft_rule_tcp_option(rule, TCPOPT_MAXSEG_TYPE, 2, 2, false);
	nft_rule_cmp(rule, NFT_CMP_GT, &be_mss, 2);
	nft_rule_immediate(rule, &be_mss, 2);
	nft_rule_tcp_option(rule, TCPOPT_MAXSEG_TYPE, 2, 2, true);
	return rule;
}

static void add_sets(struct nft_objects *objects, const char *const names[2], int kind,
		     const struct nft_elements elements[2])
{
	static const int families[2] = { AF_INET, AF_INET6 };

	for (int f = 0; f < 2; f++)
		nft_objects_add_set(objects, nft_set_new(NFPROTO_INET, names[f], families[f],
							 set_ids[kind][f], &elements[f]));
}

static void add_director_rules(struct nft_objects *objects, const struct nft_filter_desired *d)
{
	for (int f = 0; f < 2; f++) {
		for (size_t i = 0; i < d->proto_count; i++)
			nft_objects_add_rule(objects, director_rule(f, d->protos[i], 0));
		if (d->udp_port)
			nft_objects_add_rule(objects, director_rule(f, IPPROTO_UDP, d->udp_port));
	}
}

void nft_filter_build(struct nft_objects *objects, const struct nft_filter_desired *desired)
{
	nft_objects_init(objects, NFPROTO_INET);
	objects->table = nft_table_new(NFPROTO_INET);
	if (desired->directors_given)
		add_sets(objects, director_sets, 0, desired->directors);
	if (desired->mss)
		add_sets(objects, vip_sets, 1, desired->vips);
	nft_objects_add_chain(objects, nft_chain_new(NFPROTO_INET, "input", NF_INET_LOCAL_IN));
	if (desired->directors_given)
		add_director_rules(objects, desired);
	if (!desired->mss)
		return;
	nft_objects_add_chain(objects, nft_chain_new(NFPROTO_INET, "output", NF_INET_LOCAL_OUT));
	for (int f = 0; f < 2; f++) {
		nft_objects_add_rule(objects, mss_rule("input", f, daddr_offset[f], desired->mss));
		nft_objects_add_rule(objects, mss_rule("output", f, saddr_offset[f], desired->mss));
	}
}

char *nft_filter_render(const struct nft_filter_desired *desired)
{
	struct nft_objects objects;

	nft_filter_build(&objects, desired);
	return nft_objects_text(&objects);
}

void nft_filter_free(struct nft_filter_desired *desired)
{
	for (int f = 0; f < 2; f++) {
		nft_elements_free(&desired->directors[f]);
		nft_elements_free(&desired->vips[f]);
	}
}
