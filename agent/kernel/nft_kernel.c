/* nft_kernel: reading the lvsagent table back, and committing transactions. */
#include "kernel/nft_kernel.h"
/* Before linux/netfilter.h: netinet/in.h (through ipaddr.h) must come
 * before the kernel's own in.h. */
#include "kernel/nft_objects.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

struct dump {
	struct nft_objects *objects;
	uint32_t family;
	bool found;			/* the table exists */
};

/* The kernel filters set and rule dumps by table, but dumps every chain
 * of the family: another table arp with an "input" chain would otherwise
 * read as part of lvsagent's. Every object is checked. */
static bool in_our_table(const char *table)
{
	return table && strcmp(table, NFT_TABLE_NAME) == 0;
}

static int on_table(const struct nlmsghdr *nlh, void *data)
{
	struct dump *dump = data;
	struct nftnl_table *table = nftnl_table_alloc();

	/* A reply without a name (the kernel always names it; damaged bytes may not) is
	 * not ours: no strcmp on NULL. */
	if (nftnl_table_nlmsg_parse(nlh, table) == 0 &&
	    in_our_table(nftnl_table_get_str(table, NFTNL_TABLE_NAME)) && !dump->found) {
		dump->objects->table = table;
		dump->found = true;
		return 0;
	}
	nftnl_table_free(table);
	return 0;
}

static int on_set(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_set *set = nftnl_set_alloc();

	if (nftnl_set_nlmsg_parse(nlh, set) < 0 ||
	    !in_our_table(nftnl_set_get_str(set, NFTNL_SET_TABLE))) {
		nftnl_set_free(set);
		return 0;
	}
	nft_objects_add_set(((struct dump *)data)->objects, set);
	return 0;
}

static int on_chain(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_chain *chain = nftnl_chain_alloc();

	if (nftnl_chain_nlmsg_parse(nlh, chain) < 0 ||
	    !in_our_table(nftnl_chain_get_str(chain, NFTNL_CHAIN_TABLE))) {
		nftnl_chain_free(chain);
		return 0;
	}
	nft_objects_add_chain(((struct dump *)data)->objects, chain);
	return 0;
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();

	if (nftnl_rule_nlmsg_parse(nlh, rule) < 0 ||
	    !in_our_table(nftnl_rule_get_str(rule, NFTNL_RULE_TABLE))) {
		nftnl_rule_free(rule);
		return 0;
	}
	nft_objects_add_rule(((struct dump *)data)->objects, rule);
	return 0;
}

/* A dump restarted after NLM_F_DUMP_INTR starts again from nothing. */
static void restart_sets(void *data)
{
	struct nft_objects *objects = ((struct dump *)data)->objects;

	for (size_t i = 0; i < objects->set_count; i++)
		nftnl_set_free(objects->sets[i]);
	objects->set_count = 0;
}

static void restart_chains(void *data)
{
	struct nft_objects *objects = ((struct dump *)data)->objects;

	for (size_t i = 0; i < objects->chain_count; i++)
		nftnl_chain_free(objects->chains[i]);
	objects->chain_count = 0;
}

static void restart_rules(void *data)
{
	struct nft_objects *objects = ((struct dump *)data)->objects;

	for (size_t i = 0; i < objects->rule_count; i++)
		nftnl_rule_free(objects->rules[i]);
	objects->rule_count = 0;
}

/* Elements are dumped into a scratch set, thrown away on a restart. */
static int on_elements(const struct nlmsghdr *nlh, void *data)
{
	return nftnl_set_elems_nlmsg_parse(nlh, *(struct nftnl_set **)data) < 0 ? -EPROTO : 0;
}

static void restart_elements(void *data)
{
	struct nftnl_set **scratch = data;

	nftnl_set_free(*scratch);
	*scratch = nftnl_set_alloc();
}

static int copy_element(struct nftnl_set_elem *elem, void *data)
{
	nftnl_set_elem_add(data, nft_elem_copy(elem));
	return 0;
}

static struct nlmsghdr *request(char *buf, uint16_t type, uint32_t family)
{
	return nftnl_nlmsg_build_hdr(buf, type, (uint16_t)family, 0, 0);
}

static int dump_tables(struct nl_conn *conn, struct dump *dump)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(4)));

	return netlink_dump(conn, request(buf, NFT_MSG_GETTABLE, dump->family), on_table, NULL,
			    dump);
}

/* Sets, chains and rules of our table (see in_our_table). */
static int dump_contents(struct nl_conn *conn, struct dump *dump)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(4)));
	struct nftnl_set *filter_set = nftnl_set_alloc();
	struct nftnl_chain *filter_chain = nftnl_chain_alloc();
	struct nftnl_rule *filter_rule = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int err;

	nftnl_set_set_str(filter_set, NFTNL_SET_TABLE, NFT_TABLE_NAME);
	nftnl_chain_set_str(filter_chain, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
	nftnl_rule_set_str(filter_rule, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
	nlh = request(buf, NFT_MSG_GETSET, dump->family);
	nftnl_set_nlmsg_build_payload(nlh, filter_set);
	err = netlink_dump(conn, nlh, on_set, restart_sets, dump);
	if (!err) {
		nlh = request(buf, NFT_MSG_GETCHAIN, dump->family);
		nftnl_chain_nlmsg_build_payload(nlh, filter_chain);
		err = netlink_dump(conn, nlh, on_chain, restart_chains, dump);
	}
	if (!err) {
		nlh = request(buf, NFT_MSG_GETRULE, dump->family);
		nftnl_rule_nlmsg_build_payload(nlh, filter_rule);
		err = netlink_dump(conn, nlh, on_rule, restart_rules, dump);
	}
	nftnl_set_free(filter_set);
	nftnl_chain_free(filter_chain);
	nftnl_rule_free(filter_rule);
	return err;
}

static int dump_elements(struct nl_conn *conn, struct nft_objects *objects)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(4)));

	for (size_t i = 0; i < objects->set_count; i++) {
		struct nftnl_set *set = objects->sets[i];
		struct nlmsghdr *nlh;
		int err;
		if (!nftnl_set_get_str(set, NFTNL_SET_NAME))
			continue;	/* a reply without a name: nothing to ask for */
		struct nftnl_set *scratch = nftnl_set_alloc();
		nlh = request(buf, NFT_MSG_GETSETELEM, objects->family);
		nftnl_set_elems_nlmsg_build_payload(nlh, set);
		err = netlink_dump(conn, nlh, on_elements, restart_elements, &scratch);
		if (!err)
			nftnl_set_elem_foreach(scratch, copy_element, set);
		nftnl_set_free(scratch);
		if (err)
			return err;
	}
	return 0;
}

/* A table deleted while it is being read (`nft flush ruleset` racing a
 * repair) makes a later dump fail with ENOENT: read it all again. */
#define OBSERVE_ATTEMPTS 5

static int observe_once(struct nl_conn *conn, uint32_t family, char **text, uint64_t *counted)
{
	struct nft_objects objects;
	struct dump dump = { .objects = &objects, .family = family };
	int err;

	nft_objects_init(&objects, family);
	err = dump_tables(conn, &dump);
	*text = NULL;
	/* Without nf_tables the nfnetlink subsystem is missing altogether. */
	if (err)
		return err == -EINVAL || err == -ENOENT || err == -EOPNOTSUPP ? -EPROTONOSUPPORT
									   : err;
	if (dump.found)
		err = dump_contents(conn, &dump);
	if (!err && dump.found)
		err = dump_elements(conn, &objects);
	if (!err && dump.found)
		*text = nft_objects_render(&objects);
	if (!err && dump.found && counted)
		*counted = nft_objects_counted(&objects);
	nft_objects_free(&objects);
	return err == -ENOENT ? -EAGAIN : err;
}

int nft_observe(struct nl_conn *conn, uint32_t family, char **text, uint64_t *counted)
{
	int err = -EAGAIN;

	if (counted)
		*counted = 0;
	for (int attempt = 0; attempt < OBSERVE_ATTEMPTS && err == -EAGAIN; attempt++)
		err = observe_once(conn, family, text, counted);
	return err;
}

int nft_commit(struct nl_conn *conn, struct nl_batch *batch, struct nl_result *failure)
{
	struct nl_result *results = xcalloc(batch->count, sizeof(*results));
	int err = nl_batch_send_whole(conn, batch, results);

	memset(failure, 0, sizeof(*failure));
	if (err)
		failure->error = err;
	for (size_t i = 0; !err && i < batch->count; i++) {
		if (results[i].error) {
			*failure = results[i];
			err = results[i].error;
		}
	}
	free(results);
	return err;
}
