/* Small builders the unit tests share: an address from text, a link in a
 * hand-made observation, a configuration parsed from text. Static inline:
 * each test file uses some of them. */
#ifndef LVSAGENT_TEST_FIXTURES_H
#define LVSAGENT_TEST_FIXTURES_H

#include "unit.h"

#include <string.h>

#include "core/config.h"
#include "core/netdev.h"
#include "director/config.h"
#include "lib/ipaddr.h"
#include "lib/xalloc.h"
#include "realserver/config.h"

/* TEXT as an address; the test fails if it is not one. */
static inline struct ipaddr ip(const char *text)
{
	struct ipaddr addr;
	const char *why;

	assert_int_equal(ipaddr_parse(text, &addr, &why), 0);
	return addr;
}

/* One more link in NET (call netdevs_index or observed_index before looking
 * things up). */
static inline void netdevs_add_link(struct netdevs *net, int ifindex, const char *name,
				     unsigned flags)
{
	struct rtnl_link *link;

	net->links = xrealloc_array(net->links, net->link_count + 1, sizeof(*net->links));
	link = &net->links[net->link_count++];
	memset(link, 0, sizeof(*link));
	link->ifindex = ifindex;
	link->flags = flags;
	strcpy(link->name, name);
}

/* One more address in NET; returned for the fields a test sets besides. */
static inline struct rtnl_addr *netdevs_add_addr(struct netdevs *net, int ifindex,
						  const char *addr, int prefixlen)
{
	struct rtnl_addr *a;

	net->addrs = xrealloc_array(net->addrs, net->addr_count + 1, sizeof(*net->addrs));
	a = &net->addrs[net->addr_count++];
	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	a->addr = ip(addr);
	a->prefixlen = (uint8_t)prefixlen;
	return a;
}

/* Both parts of the file, as main.c reads it. */
static inline const struct config_schema *test_schema(void)
{
	static const struct config_part *const parts[] = { &rs_config_part,
							   &director_config_part };
	static const struct config_schema schema = { parts, 2 };

	return &schema;
}

/* A configuration parsed from text, its errors sorted by line. */
struct parsed {
	struct config cfg;
	struct diag diag;
	int ret;
};

static inline void parse_config(struct parsed *p, const char *name, const char *text)
{
	memset(p, 0, sizeof(*p));
	p->ret = config_parse_text(name, text, strlen(text), test_schema(), &p->cfg, &p->diag);
	diag_sort(&p->diag);
}

/* Whether DIAG holds an error that reads TEXT. */
static inline bool diag_has(const struct diag *diag, const char *text)
{
	for (size_t i = 0; i < diag->count; i++)
		if (strcmp(diag->entries[i].text, text) == 0)
			return true;
	return false;
}

/* Every error in DIAG, for a failing test's output. */
static inline void print_diagnostics(const struct diag *diag)
{
	for (size_t i = 0; i < diag->count; i++)
		print_message("got: %s\n", diag->entries[i].text);
}

static inline void release_config(struct parsed *p)
{
	config_free(&p->cfg);
	diag_free(&p->diag);
}

#endif
