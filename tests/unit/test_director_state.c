/* The director's state file: what is written reads back the same, and a
 * record the director could never have written — forged, or damaged — is
 * ignored with a warning naming its line, so that nothing acts on it. */
#include "fixtures.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "director/state.h"
#include "director/syntax.h"

static void parse(const char *text, struct dir_owned *owned, struct diag *warnings)
{
	memset(warnings, 0, sizeof(*warnings));
	dir_state_parse(text, "st/director", owned, warnings);
	diag_sort(warnings);
}

/* A record of each kind: a service, two VIPs, both forwarding switches. */
static void sample(struct dir_owned *owned)
{
	struct saved_sysctl forward = { .iface = "-", .key = IP_FORWARD, .original = 0, .set = 1 };
	struct saved_sysctl forward6 = { .iface = "all", .key = IPV6_FORWARDING, .original = 0,
					 .set = 1 };
	struct ipaddr vip = ip("192.0.2.1"), vip6 = ip("2001:db8::1");
	struct ipvs_service svc = { 0 };
	const char *why;

	dir_owned_init(owned);
	assert_int_equal(director_parse_virtual("tcp 192.0.2.1:80", &svc, &why), 0);
	dir_owned_add_service(owned, &svc);
	dir_owned_add_vip(owned, &vip, "eth1");
	dir_owned_add_vip(owned, &vip6, "eth1");
	dir_owned_add_sysctl(owned, &forward);
	dir_owned_add_sysctl(owned, &forward6);
}

static void test_round_trip(void **state)
{
	struct dir_owned owned, back;
	struct diag warnings;

	(void)state;
	sample(&owned);
	char *text = dir_state_format(&owned);
	parse(text, &back, &warnings);
	print_diagnostics(&warnings);
	assert_int_equal(warnings.count, 0);
	assert_true(dir_owned_same(&owned, &back));
	free(text);
	dir_owned_free(&owned);
	dir_owned_free(&back);
}

/* Every truncation of a file the director wrote is seen as one: none
 * reads as owning less (core/state_dir.h). */
static void test_cut_short_refused(void **state)
{
	struct dir_owned owned;

	(void)state;
	sample(&owned);
	char *text = dir_state_format(&owned);
	char *first = strndup(text, (size_t)(strchr(text, '\n') - text) + 1);
	assert_null(state_text_cut(text, first));
	for (size_t cut = 0; cut < strlen(text); cut++) {
		char *torn = strndup(text, cut);
		assert_non_null(state_text_cut(torn, first));
		free(torn);
	}
	free(first);
	free(text);
	dir_owned_free(&owned);
}

/* Each line the director could not have written: its own warning, the
 * rest of the file still read. */
static void test_implausible_records(void **state)
{
	struct dir_owned back;
	struct diag warnings;

	(void)state;
	parse("# lvsagent director state\n"
	      "service tcp 192.0.2.1:80\n"
	      "vip 192.0.2.5 lo\n"
	      "vip 192.0.2.6 enx00e04c680001\n"
	      "vip 127.0.0.1 eth0\n"
	      "vip 192.0.2.7 eth1\n"
	      "\n"
	      "sysctl - ip_forward 5 1\n"
	      "sysctl - ip_forward 0 0\n"
	      "sysctl all forwarding 1 2\n"
	      "sysctl eth0 ip_forward 0 1\n"
	      "sysctl all arp_ignore 0 1\n"
	      "sysctl all forwarding 0 1\n"
	      "garbage\n", &back, &warnings);
	print_diagnostics(&warnings);
	assert_int_equal(warnings.count, 9);
	assert_true(diag_has(&warnings, "st/director:3: vip 192.0.2.5 lo: vip_interface \"lo\" is "
			     "the loopback, where a real server keeps its VIPs labelled lo:lvs exactly "
			     "as the director's would be: on a host that is both, the real server's "
			     "stop would remove the director's (bind them to an uplink): ignored"));
	assert_true(diag_has(&warnings, "st/director:4: vip 192.0.2.6 enx00e04c680001: "
			     "vip_interface \"enx00e04c680001\" is too long for the label IFACE:lvs "
			     "that marks the director's IPv4 VIPs as lvsagent's (11 characters at "
			     "most): ignored"));
	assert_true(diag_has(&warnings, "st/director:5: vip 127.0.0.1 eth0: a loopback address "
			     "(127.0.0.0/8) cannot be a VIP: ignored"));
	assert_true(diag_has(&warnings, "st/director:8: sysctl - ip_forward 5 1: the director only "
			     "ever raises ip_forward (IFACE -) or IPv6 forwarding (all) to 1, from 0 "
			     "or 1: ignored"));
	assert_true(diag_has(&warnings, "st/director:9: sysctl - ip_forward 0 0: the director only "
			     "ever raises ip_forward (IFACE -) or IPv6 forwarding (all) to 1, from 0 "
			     "or 1: ignored"));
	assert_true(diag_has(&warnings, "st/director:12: sysctl all arp_ignore 0 1: the director "
			     "only ever raises ip_forward (IFACE -) or IPv6 forwarding (all) to 1, from 0 or 1: "
			     "ignored"));
	assert_true(diag_has(&warnings, "st/director:14: garbage: not a record lvsagent writes: "
			     "ignored"));
	/* What is plausible is read. */
	assert_int_equal(back.services.count, 1);
	assert_int_equal(back.vip_count, 1);
	assert_string_equal(back.vips[0].iface, "eth1");
	assert_int_equal(back.sysctl_count, 1);
	assert_int_equal(back.sysctls[0].key, IPV6_FORWARDING);
	diag_free(&warnings);
	dir_owned_free(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_cut_short_refused),
		cmocka_unit_test(test_implausible_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
