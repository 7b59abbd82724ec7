/* The state file: what is written reads back the same; damage is skipped. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "realserver/state.h"

static void test_round_trip(void **state)
{
	struct owned owned = { 0 }, back;
	struct saved_sysctl saved = { .iface = "eth0", .key = ARP_ANNOUNCE, .original = 1, .set = 2 };
	struct ipaddr a, b;
	const char *why;
	int skipped;

	(void)state;
	ipaddr_parse("192.168.101.168", &a, &why);
	ipaddr_parse("2001:db8::168", &b, &why);
	addr_list_add(&owned.addrs, &b);
	addr_list_add(&owned.addrs, &a);
	addr_list_add(&owned.routes, &a);
	addr_list_add(&owned.adopted, &b);
	owned_add_sysctl(&owned, &saved);
	char *text = state_format(&owned);
	assert_non_null(strstr(text, "addr 2001:db8::168\n"));
	assert_non_null(strstr(text, "sysctl eth0 arp_announce 1 2\n"));
	state_parse(text, &back, &skipped);
	assert_int_equal(skipped, 0);
	assert_int_equal(back.addrs.count, 2);
	assert_true(addr_list_has(&back.addrs, &a));
	assert_true(addr_list_has(&back.routes, &a));
	assert_false(addr_list_has(&back.routes, &b));
	assert_true(addr_list_has(&back.adopted, &b));
	assert_int_equal(owned_sysctl(&back, "eth0", ARP_ANNOUNCE)->original, 1);
	free(text);
	owned_free(&owned);
	owned_free(&back);
}

/* Every truncation of a file lvsagent wrote is seen as one (a crash, a
 * full disk, an operator's mistake): none reads as owning less. A file
 * written by hand (no lvsagent first line) and records appended after the
 * end line are read as before. */
static void test_cut_short_refused(void **state)
{
	struct owned owned = { 0 };
	struct saved_sysctl saved = { .iface = "eth0", .key = ARP_IGNORE, .original = 0, .set = 1 };
	struct ipaddr a;
	const char *why;

	(void)state;
	ipaddr_parse("192.168.101.168", &a, &why);
	addr_list_add(&owned.addrs, &a);
	addr_list_add(&owned.routes, &a);
	owned_add_sysctl(&owned, &saved);
	char *text = state_format(&owned);
	char *first = strndup(text, (size_t)(strchr(text, '\n') - text) + 1);
	size_t len = strlen(text);
	assert_null(state_text_cut(text, first));
	for (size_t cut = 0; cut < len; cut++) {
		char *torn = strndup(text, cut);
		assert_non_null(state_text_cut(torn, first));
		free(torn);
	}
	char *appended = malloc(len + 32);
	snprintf(appended, len + 32, "%saddr 192.0.2.1\n", text);
	assert_null(state_text_cut(appended, first));
	assert_null(state_text_cut("addr 192.0.2.1\n", first));
	assert_string_equal(state_text_cut("", first), "is empty");
	free(appended);
	free(first);
	free(text);
	owned_free(&owned);
}

static void test_damage_skipped(void **state)
{
	struct owned back;
	int skipped;

	(void)state;
	state_parse("addr 10.0.0.1\naddr banana\nsysctl eth0 arp_bogus 1 2\nwhat\n"
		    "sysctl eth0 arp_ignore 0 1\n", &back, &skipped);
	assert_int_equal(skipped, 3);
	assert_int_equal(back.addrs.count, 1);
	assert_int_equal(back.sysctl_count, 1);
	owned_free(&back);
}

/* Records lvsagent could not have written are not believed: stop would
 * otherwise write a forged "original" as root, or remove an address it
 * never added, or write through a path made of an interface name. */
static void test_implausible_records_ignored(void **state)
{
	struct owned back;
	int skipped;

	(void)state;
	state_parse("sysctl all arp_ignore 8 1\n"	/* lowered: lvsagent only raises */
		    "sysctl all arp_ignore 0 5\n"	/* 5: not a value it sets */
		    "sysctl eth0 arp_announce 0 3\n"	/* arp_announce stops at 2 */
		    "sysctl eth0 arp_announce -1 2\n"
		    "sysctl .. arp_ignore 0 1\n"	/* ../arp_ignore */
		    "sysctl all ip_forward 0 1\n"	/* the director's key */
		    "addr 0.0.0.0\naddr 127.0.0.5\naddr ff02::1\nroute 224.0.0.1\n"
		    "sysctl all arp_ignore 0 8\nsysctl lo arp_announce 2 2\naddr 10.0.0.1\n",
		    &back, &skipped);
	assert_int_equal(skipped, 10);
	assert_int_equal(back.sysctl_count, 2);
	assert_int_equal(back.addrs.count, 1);
	assert_int_equal(back.routes.count, 0);
	owned_free(&back);
}

/* The longest lines there are, many of them: the buffer sized up front
 * holds them (the sanitizer build would see an overrun), and CRLF line
 * ends read back the same. */
static void test_longest_lines(void **state)
{
	struct owned owned = { 0 }, back;
	struct saved_sysctl saved = { .iface = "abcdefghijklmno", .key = ARP_ANNOUNCE,
				      .original = -2147483647 - 1, .set = -2147483647 - 1 };
	struct ipaddr longest;
	const char *why;
	int skipped;

	(void)state;
	assert_int_equal(ipaddr_parse("2a01:ffff:ffff:ffff:ffff:ffff:ffff:fffe", &longest, &why), 0);
	for (int i = 0; i < 500; i++) {
		addr_list_add(&owned.addrs, &longest);
		addr_list_add(&owned.routes, &longest);
		addr_list_add(&owned.adopted, &longest);
		owned_add_sysctl(&owned, &saved);
	}
	char *text = state_format(&owned);
	assert_non_null(strstr(text, "adopted 2a01:ffff:ffff:ffff:ffff:ffff:ffff:fffe\n"));
	assert_non_null(strstr(text, "sysctl abcdefghijklmno arp_announce -2147483648 -2147483648\n"));
	/* Values lvsagent never sets are formatted, but not believed back. */
	state_parse(text, &back, &skipped);
	assert_int_equal(skipped, 500);
	assert_int_equal(back.adopted.count, 500);
	assert_int_equal(back.sysctl_count, 0);
	owned_free(&back);
	free(text);
	for (size_t i = 0; i < owned.sysctl_count; i++)
		owned.sysctls[i].original = 1, owned.sysctls[i].set = 2;
	text = state_format(&owned);
	state_parse(text, &back, &skipped);
	assert_int_equal(skipped, 0);
	assert_int_equal(back.adopted.count, 500);
	assert_int_equal(back.sysctl_count, 500);
	owned_free(&back);
	free(text);

	state_parse("addr 10.0.0.1\r\nroute 10.0.0.1\r\n", &back, &skipped);
	assert_int_equal(skipped, 0);
	assert_int_equal(back.addrs.count, 1);
	assert_int_equal(back.routes.count, 1);
	owned_free(&back);
	owned_free(&owned);
}

/* LVS-TUN's records: the tunnel devices it brought up and the rp_filter
 * values it lowered or raised. A "tunnel" line naming any other device is
 * forged: stop would set it down (an uplink, say). */
static void test_tunnel_records(void **state)
{
	struct owned owned = { 0 }, back;
	struct saved_sysctl all = { .iface = "all", .key = RP_FILTER, .original = 1, .set = 0 };
	int skipped;

	(void)state;
	owned_add_tunnel(&owned, "tunl0");
	owned_add_tunnel(&owned, "tunl0");
	owned_add_sysctl(&owned, &all);
	char *text = state_format(&owned);
	assert_non_null(strstr(text, "tunnel tunl0\n"));
	assert_non_null(strstr(text, "sysctl all rp_filter 1 0\n"));
	state_parse(text, &back, &skipped);
	assert_int_equal(skipped, 0);
	assert_true(owned_equal(&owned, &back));
	assert_int_equal(back.tunnel_count, 1);
	free(text);
	owned_free(&back);
	state_parse("tunnel eth0\ntunnel \ntunnel gre0\nsysctl all rp_filter 1 1\n"
		    "sysctl all rp_filter 0 3\nfou 6080 4\nfou 6080 6\nfou 0 4\nfou 6080 5\n"
		    "fou 70000 4\nfou 6080 4 x\n", &back, &skipped);
	assert_int_equal(skipped, 8);
	assert_int_equal(back.fou_count, 2);
	assert_int_equal(back.fou_ports[1].family, AF_INET6);
	text = state_format(&back);
	assert_non_null(strstr(text, "fou 6080 4\nfou 6080 6\n"));
	free(text);
	assert_int_equal(back.tunnel_count, 1);
	assert_string_equal(back.tunnels[0].name, "gre0");
	assert_false(owned_is_empty(&back));
	owned_free(&back);
	owned_free(&owned);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damage_skipped),
		cmocka_unit_test(test_cut_short_refused),
		cmocka_unit_test(test_longest_lines),
		cmocka_unit_test(test_implausible_records_ignored),
		cmocka_unit_test(test_tunnel_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
