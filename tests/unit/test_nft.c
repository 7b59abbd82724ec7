/* The nftables table lvsagent wants, as text and as a transaction. */
#include "fixtures.h"
#include "unit.h"

#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/nft_batch.h"
#include "kernel/nft_filter.h"

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

static void desired_two(struct nft_desired *d, struct ipaddr *vips, struct nft_uplink *uplinks)
{
	vips[0] = ip("10.0.0.100");
	vips[1] = ip("10.0.0.101");
	memset(uplinks, 0, 2 * sizeof(*uplinks));
	strcpy(uplinks[0].name, "eth0");
	uplinks[0].has_addr = true;
	uplinks[0].addr = ip("10.0.0.3");
	strcpy(uplinks[1].name, "eth1");	/* no IPv4: no rewrite rule */
	*d = (struct nft_desired){ .vips = { .keys = vips, .count = 2 }, .uplinks = uplinks,
				   .uplink_count = 2 };
}

/* The ARP table's transaction, as apply.c builds it. */
static void put_desired(struct nl_batch *batch, const struct nft_desired *d, bool exists)
{
	struct nft_objects objects;

	nft_objects_build(&objects, d);
	nft_put_replace(batch, &objects, exists);
	nft_objects_free(&objects);
}

static void test_render(void **state)
{
	struct ipaddr vips[2];
	struct nft_uplink uplinks[2];
	struct nft_desired d;
	char *text;

	(void)state;
	desired_two(&d, vips, uplinks);
	text = nft_render_desired(&d);
	assert_string_equal(text,
		"table arp lvsagent flags 0\n"
		"set vips key_type 7 key_len 4 flags 0\n"
		"  element 10.0.0.100\n"
		"  element 10.0.0.101\n"
		"chain input type filter hook 0 priority 0 policy 1\n"
		"  rule [payload load 4b @ network header + 24 => reg 1 ]"
		" [lookup reg 1 set vips 0x0 ] [immediate reg 0 drop ]\n"
		"chain output type filter hook 1 priority 0 policy 1\n"
		"  rule [meta load oifname => reg 1 ]"
		" [cmp eq reg 1 0x30687465 0x00000000 0x00000000 0x00000000 ]"
		" [payload load 4b @ network header + 14 => reg 1 ] [lookup reg 1 set vips 0x0 ]"
		" [immediate reg 1 0x0300000a ]"
		" [payload write reg 1 => 4b @ network header + 14 csum_type 0 csum_off 0 csum_flags 0x0 ]\n"
		"  rule [payload load 4b @ network header + 14 => reg 1 ]"
		" [lookup reg 1 set vips 0x0 ] [immediate reg 0 drop ]\n");
	free(text);
}

/* The message types of a transaction, in order. */
static size_t message_types(struct nl_batch *batch, uint16_t *types, size_t max)
{
	size_t n = 0, pos = 0;

	/* close the last message as nl_batch_send would */
	nl_batch_put_raw(batch, 16);
	batch->count--;
	while (pos < batch->len && n < max) {
		const struct nlmsghdr *nlh = (const void *)(batch->buf + pos);
		types[n++] = nlh->nlmsg_type;
		pos += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return n;
}

#define NFT(msg) ((NFNL_SUBSYS_NFTABLES << 8) | (msg))

static void test_create_transaction(void **state)
{
	static const uint16_t expected[] = {
		NFNL_MSG_BATCH_BEGIN, NFT(NFT_MSG_NEWTABLE), NFT(NFT_MSG_NEWSET),
		NFT(NFT_MSG_NEWSETELEM), NFT(NFT_MSG_NEWCHAIN), NFT(NFT_MSG_NEWCHAIN),
		NFT(NFT_MSG_NEWRULE), NFT(NFT_MSG_NEWRULE), NFT(NFT_MSG_NEWRULE), NFNL_MSG_BATCH_END,
	};
	struct ipaddr vips[2];
	struct nft_uplink uplinks[2];
	struct nft_desired d;
	struct nl_batch batch;
	uint16_t types[32];

	(void)state;
	desired_two(&d, vips, uplinks);
	nl_batch_init(&batch);
	put_desired(&batch, &d, false);
	assert_int_equal(message_types(&batch, types, 32), sizeof(expected) / sizeof(expected[0]));
	assert_memory_equal(types, expected, sizeof(expected));
	nl_batch_free(&batch);
}

/* Replacing clears the old table first, in the same transaction. */
static void test_replace_transaction(void **state)
{
	struct ipaddr vips[2];
	struct nft_uplink uplinks[2];
	struct nft_desired d;
	struct nl_batch batch;
	uint16_t types[32];

	(void)state;
	desired_two(&d, vips, uplinks);
	nl_batch_init(&batch);
	put_desired(&batch, &d, true);
	assert_int_equal(message_types(&batch, types, 32), 12);
	assert_int_equal(types[1], NFT(NFT_MSG_NEWTABLE));
	assert_int_equal(types[2], NFT(NFT_MSG_DELTABLE));
	assert_int_equal(types[3], NFT(NFT_MSG_NEWTABLE));
	nl_batch_free(&batch);
}

/* 10 000 VIPs: one set, its elements in messages of at most 1024. */
static void test_many_elements(void **state)
{
	struct ipaddr *vips = calloc(10000, sizeof(*vips));
	struct nft_desired d = { .vips = { .keys = vips, .count = 10000 } };
	struct nl_batch batch;
	uint16_t types[64];
	size_t n, elements = 0, rules = 0;

	(void)state;
	for (int i = 0; i < 10000; i++) {
		vips[i].family = AF_INET;
		vips[i].v4.s_addr = htonl(0x0a640000u + (uint32_t)i);
	}
	nl_batch_init(&batch);
	put_desired(&batch, &d, false);
	n = message_types(&batch, types, 64);
	for (size_t i = 0; i < n; i++) {
		elements += types[i] == NFT(NFT_MSG_NEWSETELEM);
		rules += types[i] == NFT(NFT_MSG_NEWRULE);
	}
	assert_int_equal(elements, 10);
	assert_int_equal(rules, 2);	/* input drop, output drop: no uplink */
	nl_batch_free(&batch);
	free(vips);
}

static void test_delete_transaction(void **state)
{
	static const uint16_t expected[] = {
		NFNL_MSG_BATCH_BEGIN, NFT(NFT_MSG_NEWTABLE), NFT(NFT_MSG_DELTABLE), NFNL_MSG_BATCH_END,
	};
	struct nl_batch batch;
	uint16_t types[8];

	(void)state;
	nl_batch_init(&batch);
	nft_put_delete(&batch, NFPROTO_ARP);
	assert_int_equal(message_types(&batch, types, 8), 4);
	assert_memory_equal(types, expected, sizeof(expected));
	nl_batch_free(&batch);
}

/* directors 10.0.0.2 and 2001:db8::2 with ipip; with MSS, the VIPs. */
static void filter_desired_of(struct nft_filter_desired *d, struct ipaddr *addrs, uint16_t mss)
{
	addrs[0] = ip("10.0.0.2");
	addrs[1] = ip("2001:db8::2");
	addrs[2] = ip("10.0.0.100");
	addrs[3] = ip("2001:db8::100");
	*d = (struct nft_filter_desired){
		.directors_given = true,
		.directors = { { .keys = &addrs[0], .count = 1 }, { .keys = &addrs[1], .count = 1 } },
		.protos = { 4, 41 }, .proto_count = 2,
		.mss = mss,
		.vips = { { .keys = &addrs[2], .count = mss ? 1 : 0 },
			  { .keys = &addrs[3], .count = mss ? 1 : 0 } },
	};
}

/* directors alone: their sets and the input chain's drops, counted. */
static void test_filter_render(void **state)
{
	struct ipaddr addrs[4];
	struct nft_filter_desired d;
	char *text;

	(void)state;
	filter_desired_of(&d, addrs, 0);
	d.proto_count = 1;
	d.udp_port = 6080;
	text = nft_filter_render(&d);
	assert_string_equal(text,
		"table inet lvsagent flags 0\n"
		"set directors4 key_type 7 key_len 4 flags 0\n"
		"  element 10.0.0.2\n"
		"set directors6 key_type 8 key_len 16 flags 0\n"
		"  element 2001:db8::2\n"
		"chain input type filter hook 1 priority 0 policy 1\n"
		"  rule [meta load l4proto => reg 1 ] [cmp eq reg 1 0x00000004 ]"
		" [meta load nfproto => reg 1 ] [cmp eq reg 1 0x00000002 ]"
		" [payload load 4b @ network header + 12 => reg 1 ]"
		" [lookup reg 1 set directors4 0x1 ] [counter] [immediate reg 0 drop ]\n"
		"  rule [meta load l4proto => reg 1 ] [cmp eq reg 1 0x00000011 ]"
		" [payload load 2b @ transport header + 2 => reg 1 ] [cmp eq reg 1 0x0000c017 ]"
		" [meta load nfproto => reg 1 ] [cmp eq reg 1 0x00000002 ]"
		" [payload load 4b @ network header + 12 => reg 1 ]"
		" [lookup reg 1 set directors4 0x1 ] [counter] [immediate reg 0 drop ]\n"
		"  rule [meta load l4proto => reg 1 ] [cmp eq reg 1 0x00000004 ]"
		" [meta load nfproto => reg 1 ] [cmp eq reg 1 0x0000000a ]"
		" [payload load 16b @ network header + 8 => reg 1 ]"
		" [lookup reg 1 set directors6 0x1 ] [counter] [immediate reg 0 drop ]\n"
		"  rule [meta load l4proto => reg 1 ] [cmp eq reg 1 0x00000011 ]"
		" [payload load 2b @ transport header + 2 => reg 1 ] [cmp eq reg 1 0x0000c017 ]"
		" [meta load nfproto => reg 1 ] [cmp eq reg 1 0x0000000a ]"
		" [payload load 16b @ network header + 8 => reg 1 ]"
		" [lookup reg 1 set directors6 0x1 ] [counter] [immediate reg 0 drop ]\n");
	free(text);
}

/* The clamp, as nft itself writes `tcp flags syn tcp option maxseg size >
 * 1400 tcp option maxseg size set 1400`: on the SYN to a VIP (input) and
 * the SYN-ACK from it (output). */
static const char mss_rule_v4[] =
	" [lookup reg 1 set vips4 0x0 ] [meta load l4proto => reg 1 ] [cmp eq reg 1 0x00000006 ]"
	" [payload load 1b @ transport header + 13 => reg 1 ]"
	" [bitwise reg 1 = ( reg 1 & 0x00000002 ) ^ 0x00000000 ] [cmp neq reg 1 0x00000000 ]"
	" [exthdr load tcpopt 2b @ 2 + 2 => reg 1 ] [cmp gt reg 1 0x00007805 ]"
	" [immediate reg 1 0x00007805 ] [exthdr write tcpopt reg 1 => 2b @ 2 + 2 ]\n";

static void test_filter_mss(void **state)
{
	struct ipaddr addrs[4];
	struct nft_filter_desired d;
	char expected[1024];
	char *text;

	(void)state;
	filter_desired_of(&d, addrs, 1400);
	d.directors_given = false;
	text = nft_filter_render(&d);
	assert_non_null(strstr(text, "set vips4 key_type 7 key_len 4 flags 0\n  element 10.0.0.100\n"
				     "set vips6 key_type 8 key_len 16 flags 0\n"
				     "  element 2001:db8::100\n"));
	assert_null(strstr(text, "directors"));
	snprintf(expected, sizeof(expected), "chain input type filter hook 1 priority 0 policy 1\n"
		 "  rule [meta load nfproto => reg 1 ] [cmp eq reg 1 0x00000002 ]"
		 " [payload load 4b @ network header + 16 => reg 1 ]%s", mss_rule_v4);
	assert_non_null(strstr(text, expected));
	snprintf(expected, sizeof(expected), "chain output type filter hook 3 priority 0 policy 1\n"
		 "  rule [meta load nfproto => reg 1 ] [cmp eq reg 1 0x00000002 ]"
		 " [payload load 4b @ network header + 12 => reg 1 ]%s", mss_rule_v4);
	assert_non_null(strstr(text, expected));
	assert_non_null(strstr(text, "[payload load 16b @ network header + 24 => reg 1 ]"
				     " [lookup reg 1 set vips6 0x0 ]"));
	free(text);
}

/* One transaction of family inet: four sets with their elements, two
 * chains, four drops and four clamps. */
static void test_filter_transaction(void **state)
{
	struct ipaddr addrs[4];
	struct nft_filter_desired d;
	struct nft_objects objects;
	struct nl_batch batch;
	uint16_t types[32];
	size_t n, sets = 0, elements = 0, chains = 0, rules = 0;

	(void)state;
	filter_desired_of(&d, addrs, 1400);
	nft_filter_build(&objects, &d);
	nl_batch_init(&batch);
	nft_put_replace(&batch, &objects, false);
	nft_objects_free(&objects);
	n = message_types(&batch, types, 32);
	for (size_t i = 0; i < n; i++) {
		sets += types[i] == NFT(NFT_MSG_NEWSET);
		elements += types[i] == NFT(NFT_MSG_NEWSETELEM);
		chains += types[i] == NFT(NFT_MSG_NEWCHAIN);
		rules += types[i] == NFT(NFT_MSG_NEWRULE);
	}
	assert_int_equal(sets, 4);
	assert_int_equal(elements, 4);
	assert_int_equal(chains, 2);
	assert_int_equal(rules, 8);
	/* the table's message (after BEGIN) is of family inet */
	const struct nlmsghdr *table = (const void *)(batch.buf + NLMSG_ALIGN(
		((const struct nlmsghdr *)batch.buf)->nlmsg_len));
	assert_int_equal(((const struct nfgenmsg *)mnl_nlmsg_get_payload(table))->nfgen_family,
			 NFPROTO_INET);
	nl_batch_free(&batch);
	nl_batch_init(&batch);
	nft_put_delete(&batch, NFPROTO_INET);
	table = (const void *)(batch.buf + NLMSG_ALIGN(((const struct nlmsghdr *)batch.buf)->nlmsg_len));
	assert_int_equal(((const struct nfgenmsg *)mnl_nlmsg_get_payload(table))->nfgen_family,
			 NFPROTO_INET);
	nl_batch_free(&batch);
}

/* A counter's values are left out of the text (they move with the
 * traffic) and summed for status. */
static void test_counter(void **state)
{
	struct ipaddr addrs[4];
	struct nft_filter_desired d;
	struct nft_objects objects;
	struct nftnl_expr *counter = nftnl_expr_alloc("counter");
	struct nftnl_rule *rule;
	char *text, *wanted;

	(void)state;
	filter_desired_of(&d, addrs, 0);
	d.proto_count = 1;
	nft_filter_build(&objects, &d);
	wanted = nft_objects_render(&objects);
	assert_int_equal(nft_objects_counted(&objects), 0);
	/* the kernel's counters have counted 7 and 5 packets */
	for (int i = 0; i < 2; i++) {
		rule = nft_rule_new(NFPROTO_INET, "scratch");
		nftnl_expr_set_u64(counter, NFTNL_EXPR_CTR_PACKETS, i ? 5 : 7);
		nftnl_rule_add_expr(rule, counter);
		nft_objects_add_rule(&objects, rule);
		counter = nftnl_expr_alloc("counter");
	}
	nftnl_expr_free(counter);
	assert_int_equal(nft_objects_counted(&objects), 7 + 5 + 0);
	text = nft_objects_render(&objects);
	assert_string_equal(text, wanted);	/* no chain "scratch": not rendered */
	assert_non_null(strstr(text, "[counter] [immediate reg 0 drop ]"));
	assert_null(strstr(text, "pkts"));
	free(text);
	free(wanted);
	nft_objects_free(&objects);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_create_transaction),
		cmocka_unit_test(test_replace_transaction),
		cmocka_unit_test(test_many_elements),
		cmocka_unit_test(test_delete_transaction),
		cmocka_unit_test(test_filter_render),
		cmocka_unit_test(test_filter_mss),
		cmocka_unit_test(test_filter_transaction),
		cmocka_unit_test(test_counter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
