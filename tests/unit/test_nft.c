/* The nftables table lvsagent wants, as text and as a transaction. */
#include "fixtures.h"
#include "unit.h"

#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/nft_batch.h"

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
	*d = (struct nft_desired){ .vips = vips, .vip_count = 2, .uplinks = uplinks,
				   .uplink_count = 2 };
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
	nft_put_replace(&batch, &d, false);
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
	nft_put_replace(&batch, &d, true);
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
	struct nft_desired d = { .vips = vips, .vip_count = 10000 };
	struct nl_batch batch;
	uint16_t types[64];
	size_t n, elements = 0, rules = 0;

	(void)state;
	for (int i = 0; i < 10000; i++) {
		vips[i].family = AF_INET;
		vips[i].v4.s_addr = htonl(0x0a640000u + (uint32_t)i);
	}
	nl_batch_init(&batch);
	nft_put_replace(&batch, &d, false);
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
	nft_put_delete(&batch);
	assert_int_equal(message_types(&batch, types, 8), 4);
	assert_memory_equal(types, expected, sizeof(expected));
	nl_batch_free(&batch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_create_transaction),
		cmocka_unit_test(test_replace_transaction),
		cmocka_unit_test(test_many_elements),
		cmocka_unit_test(test_delete_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
