/* Config parsing: what a user writes, what lvsagent makes of it, and the
 * file:line errors for everything it refuses. */
#include "fixtures.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/config.h"

/* The example from the issue, verbatim (comments and indented comment). */
static const char issue_example[] =
	"[agent]\n"
	"state_dir = /run/lvsagent        ; where ownership and saved sysctl values live\n"
	"log_level = info                 ; error | warning | info | debug\n"
	"\n"
	"[realserver]\n"
	"vip = 192.168.101.168            ; repeatable; or a comma/space separated list\n"
	"vip = 2001:db8::168              ; IPv6 too\n"
	"interfaces = eth0                ; uplinks that get per-interface arp sysctls;\n"
	"                                 ; default: every non-loopback interface at apply time\n"
	"arp_ignore = 1                   ; 1 | 2 | 3 | 8      (default 1)\n"
	"arp_announce = 2                 ; 1 | 2              (default 2)\n"
	"suppression = sysctl             ; sysctl | nftables | both\n";

static void parse(struct parsed *p, const char *text)
{
	parse_config(p, "test.conf", text);
}

/* Exactly one error, and it reads EXPECTED. */
static void expect_error(const char *text, const char *expected)
{
	struct parsed p;

	parse(&p, text);
	assert_int_equal(p.ret, -1);
	if (p.diag.count != 1)
		print_diagnostics(&p.diag);
	assert_int_equal(p.diag.count, 1);
	assert_string_equal(p.diag.entries[0].text, expected);
	release_config(&p);
}

/* vip_mode after the VIPs still allows their prefixes: the check waits
 * for the end of the file. */
static void test_route_mode(void **state)
{
	struct parsed p;
	const struct rs_config *rs;

	(void)state;
	parse(&p, "[realserver]\nvip = 198.51.100.0/24, 192.0.2.1, 2001:db8::/64\n"
		  "vip_mode = route\n");
	assert_int_equal(p.ret, 0);
	rs = rs_config_of(&p.cfg);
	assert_int_equal(rs->vip_mode, VIP_MODE_ROUTE);
	assert_int_equal(rs->vip_count, 3);
	assert_int_equal(rs->vips[0].prefix_len, 24);
	assert_int_equal(rs->vips[1].prefix_len, 32);
	assert_int_equal(rs->vips[2].prefix_len, 64);
	assert_true(rs_config_has_prefix(rs));
	release_config(&p);
	parse(&p, "[realserver]\nvip = 192.0.2.1\n");
	assert_int_equal(rs_config_of(&p.cfg)->vip_mode, VIP_MODE_ADDRESS);
	assert_false(rs_config_has_prefix(rs_config_of(&p.cfg)));
	release_config(&p);
}

static void test_issue_example(void **state)
{
	struct parsed p;
	char text[IPADDR_TEXT_MAX];

	(void)state;
	parse(&p, issue_example);
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.diag.count, 0);
	assert_string_equal(p.cfg.state_dir, "/run/lvsagent");
	assert_int_equal(p.cfg.log_level, LOG_LEVEL_INFO);
	assert_int_equal(rs_config_of(&p.cfg)->vip_count, 2);
	assert_string_equal(ipaddr_format(&rs_config_of(&p.cfg)->vips[0].addr, text), "192.168.101.168");
	assert_int_equal(rs_config_of(&p.cfg)->vips[0].line, 6);
	assert_string_equal(ipaddr_format(&rs_config_of(&p.cfg)->vips[1].addr, text), "2001:db8::168");
	assert_int_equal(rs_config_of(&p.cfg)->vips[1].addr.family, AF_INET6);
	assert_true(rs_config_of(&p.cfg)->interfaces_given);
	assert_int_equal(rs_config_of(&p.cfg)->interface_count, 1);
	assert_string_equal(rs_config_of(&p.cfg)->interfaces[0].name, "eth0");
	assert_int_equal(rs_config_of(&p.cfg)->interfaces[0].line, 8);
	assert_int_equal(rs_config_of(&p.cfg)->arp_ignore, 1);
	assert_int_equal(rs_config_of(&p.cfg)->arp_announce, 2);
	assert_int_equal(rs_config_of(&p.cfg)->suppression, SUPPRESS_SYSCTL);
	assert_int_equal(config_require_realserver(&p.cfg, &p.diag), 0);
	release_config(&p);
}

static void test_defaults(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "[realserver]\nvip = 10.0.0.1\n");
	assert_int_equal(p.ret, 0);
	assert_string_equal(p.cfg.state_dir, "/run/lvsagent");
	assert_int_equal(p.cfg.sysctl_check_interval, 5);
	assert_false(rs_config_of(&p.cfg)->keep_on_stop);
	assert_false(rs_config_of(&p.cfg)->interfaces_given);
	assert_int_equal(rs_config_of(&p.cfg)->arp_ignore, 1);
	assert_int_equal(rs_config_of(&p.cfg)->arp_announce, 2);
	release_config(&p);
}

/* The three ways of suppressing ARP are all accepted (nftables was once
 * refused as not yet available). */
static void test_suppression_modes(void **state)
{
	static const struct { const char *word; enum suppression mode; } modes[] = {
		{ "sysctl", SUPPRESS_SYSCTL }, { "nftables", SUPPRESS_NFTABLES },
		{ "both", SUPPRESS_BOTH },
	};
	char text[96];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "[realserver]\nvip = 10.0.0.1\nsuppression = %s\n",
			 modes[i].word);
		parse(&p, text);
		assert_int_equal(p.ret, 0);
		assert_int_equal(rs_config_of(&p.cfg)->suppression, modes[i].mode);
		release_config(&p);
	}
}

static void test_vip_lists(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "[realserver]\nvip = 10.0.0.1, 10.0.0.2 10.0.0.3,2001:db8::1\n"
		  "vip=10.0.0.4\ninterfaces = eth0, eth1 eth0 lo\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->vip_count, 5);
	assert_int_equal(rs_config_of(&p.cfg)->vips[4].line, 3);
	/* lo is implied and duplicates collapse. */
	assert_int_equal(rs_config_of(&p.cfg)->interface_count, 2);
	release_config(&p);
}

static void test_long_line(void **state)
{
	char text[70000] = "[realserver]\nvip =";
	struct parsed p;

	(void)state;
	for (int i = 0; i < 4000; i++) {
		char vip[24];
		snprintf(vip, sizeof(vip), " 10.%d.%d.1", i / 250, i % 250);
		strcat(text, vip);
	}
	strcat(text, "\narp_ignore = 2\n");
	parse(&p, text);
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->vip_count, 4000);
	assert_int_equal(rs_config_of(&p.cfg)->arp_ignore, 2);
	release_config(&p);
}

static void test_bad_addresses(void **state)
{
	(void)state;
	expect_error("[realserver]\nvip = 203.0.113.300\n",
		     "test.conf:2: vip \"203.0.113.300\": not an IP address");
	expect_error("[realserver]\nvip = 0.0.0.0\n",
		     "test.conf:2: vip \"0.0.0.0\": the unspecified address 0.0.0.0 cannot be a VIP");
	expect_error("[realserver]\nvip = ::\n",
		     "test.conf:2: vip \"::\": the unspecified address :: cannot be a VIP");
	expect_error("[realserver]\nvip = 224.0.0.9\n",
		     "test.conf:2: vip \"224.0.0.9\": a multicast address (224.0.0.0/4) cannot be a VIP");
	expect_error("[realserver]\nvip = ff02::1\n",
		     "test.conf:2: vip \"ff02::1\": a multicast address (ff00::/8) cannot be a VIP");
	expect_error("[realserver]\nvip = 127.0.0.9\n",
		     "test.conf:2: vip \"127.0.0.9\": a loopback address (127.0.0.0/8) cannot be a VIP");
	expect_error("[realserver]\nvip = ::1\n",
		     "test.conf:2: vip \"::1\": the loopback address ::1 cannot be a VIP");
	expect_error("[realserver]\nvip = 255.255.255.255\n",
		     "test.conf:2: vip \"255.255.255.255\": the limited broadcast address cannot be a VIP");
	expect_error("[realserver]\nvip = 192.168.101.0/24\n",
		     "test.conf:2: vip \"192.168.101.0/24\": a VIP is one address, not a prefix, "
		     "unless vip_mode = route (leave out the /length)");
	expect_error("[realserver]\nvip = 198.51.100.1\nvip_mode = bogus\n",
		     "test.conf:3: vip_mode must be address or route, not \"bogus\"");
	expect_error("[realserver]\nvip_mode = route\nvip = 198.51.100.0/24\nvip = 198.51.100.9\n",
		     "test.conf:4: VIP 198.51.100.9/32 overlaps 198.51.100.0/24 (line 3): each "
		     "address may be in one VIP only");
	expect_error("[realserver]\nvip_mode = route\nvip = 2001:db8::/64\nvip = 2001:db8::/48\n",
		     "test.conf:3: VIP 2001:db8::/64 overlaps 2001:db8::/48 (line 4): each "
		     "address may be in one VIP only");
	expect_error("[realserver]\nvip_mode = route\nvip = 198.51.100.1/24\n",
		     "test.conf:3: vip \"198.51.100.1/24\": has bits set past the prefix length "
		     "(write the block's first address)");
	expect_error("[realserver]\nvip_mode = route\nvip = 198.51.100.0/33\n",
		     "test.conf:3: vip \"198.51.100.0/33\": the prefix length must be 0 to 32");
	expect_error("[realserver]\nvip = fe80::1\n",
		     "test.conf:2: vip \"fe80::1\": a link-local address (fe80::/10) cannot be a VIP");
	expect_error("[realserver]\nvip = ::ffff:10.0.0.1\n",
		     "test.conf:2: vip \"::ffff:10.0.0.1\": an IPv4-mapped address cannot be a VIP "
		     "(write the IPv4 address)");
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_error("[realserver]\nvip = 10.0.0.1\nvip = 10.0.0.2\nvip = 10.0.0.1\n",
		     "test.conf:4: duplicate VIP 10.0.0.1 (also on line 2)");
	expect_error("[realserver]\nvip = 2001:db8::1\nvip = 2001:DB8:0::1\n",
		     "test.conf:3: duplicate VIP 2001:db8::1 (also on line 2)");
	expect_error("[realserver]\nvip = 10.0.0.1\narp_ignore = 1\narp_ignore = 2\n",
		     "test.conf:4: arp_ignore is set twice (first on line 3)");
}

static void test_bad_keys_and_sections(void **state)
{
	(void)state;
	expect_error("[realserver]\nvip = 10.0.0.1\nvips = 10.0.0.2\n",
		     "test.conf:3: unknown key \"vips\" in [realserver]");
	expect_error("[realserver]\nvip = 10.0.0.1\n[realservers]\nvip = 10.0.0.2\n",
		     "test.conf:3: unknown section [realservers]");
	expect_error("[realserver\nvip = 10.0.0.1\n",
		     "test.conf:1: broken section header (no closing ']')");
	expect_error("[realserver]\nvip 10.0.0.1\n",
		     "test.conf:2: expected \"key = value\" or \"[section]\"");
	expect_error("vip = 10.0.0.1\n",
		     "test.conf:1: \"vip\" is outside any section (start with [agent], [realserver], "
		     "[director] or [service NAME])");
	expect_error("[realserver]\nvip =\n", "test.conf:2: vip has no value");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_error("[realserver]\nvip = 10.0.0.1\narp_ignore = 4\n",
		     "test.conf:3: arp_ignore must be 1, 2, 3 or 8, not \"4\"");
	expect_error("[realserver]\nvip = 10.0.0.1\narp_ignore = 0\n",
		     "test.conf:3: arp_ignore must be 1, 2, 3 or 8, not \"0\"");
	expect_error("[realserver]\nvip = 10.0.0.1\narp_ignore = one\n",
		     "test.conf:3: arp_ignore must be 1, 2, 3 or 8, not \"one\"");
	expect_error("[realserver]\nvip = 10.0.0.1\narp_announce = 3\n",
		     "test.conf:3: arp_announce must be 1 or 2, not \"3\"");
	expect_error("[realserver]\nvip = 10.0.0.1\narp_announce = -2\n",
		     "test.conf:3: arp_announce must be 1 or 2, not \"-2\"");
	expect_error("[realserver]\nvip = 10.0.0.1\nsuppression = arptables\n",
		     "test.conf:3: suppression must be sysctl, nftables or both, not \"arptables\"");
	expect_error("[realserver]\nvip = 10.0.0.1\ninterfaces = averyveryverylongname0\n",
		     "test.conf:3: interface \"averyveryverylongname0\" is longer than 15 "
		     "characters, the kernel's limit");
	expect_error("[agent]\nstate_dir = run/lvsagent\n",
		     "test.conf:2: state_dir must be an absolute path, not \"run/lvsagent\"");
	expect_error("[agent]\nsysctl_check_interval = -1\n",
		     "test.conf:2: sysctl_check_interval must be seconds from 0 (never) to 86400, "
		     "not \"-1\"");
	expect_error("[realserver]\nvip = 10.0.0.1\non_stop = leave\n",
		     "test.conf:3: on_stop must be withdraw or keep, not \"leave\"");
	expect_error("[agent]\nlog_level = loud\n",
		     "test.conf:2: log_level must be error, warning, info or debug, not \"loud\"");
}

static void test_binary_garbage(void **state)
{
	static const char garbage[] = "[realserver]\nvip = 10.0.0.1\n\x7f" "ELF\x02\x01\x01\x00\x00";
	struct parsed p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.ret = config_parse_text("test.conf", garbage, sizeof(garbage) - 1, test_schema(), &p.cfg, &p.diag);
	assert_int_equal(p.ret, -1);
	assert_int_equal(p.diag.count, 1);
	assert_string_equal(p.diag.entries[0].text,
			    "test.conf:3: binary data: this is not a text configuration file");
	release_config(&p);
}

/* Every error in one run, in line order; nothing half-taken. */
static void test_all_errors_reported(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "[realserver]\nvip = 10.0.0.1\nvip = 300.1.1.1\n[bogus]\nx = 1\n"
		  "[realserver]\narp_ignore = 9\nfoo = bar\nvip = 10.0.0.1\n");
	assert_int_equal(p.ret, -1);
	assert_int_equal(p.diag.count, 5);
	assert_string_equal(p.diag.entries[0].text, "test.conf:3: vip \"300.1.1.1\": not an IP address");
	assert_string_equal(p.diag.entries[1].text, "test.conf:4: unknown section [bogus]");
	assert_string_equal(p.diag.entries[2].text,
			    "test.conf:7: arp_ignore must be 1, 2, 3 or 8, not \"9\"");
	assert_string_equal(p.diag.entries[3].text, "test.conf:8: unknown key \"foo\" in [realserver]");
	assert_string_equal(p.diag.entries[4].text,
			    "test.conf:9: duplicate VIP 10.0.0.1 (also on line 2)");
	release_config(&p);
}

static void test_no_vip(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "[agent]\nlog_level = debug\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(config_require_realserver(&p.cfg, &p.diag), -1);
	assert_string_equal(p.diag.entries[0].text,
			    "test.conf: no VIP configured (add \"vip = ADDRESS\" under [realserver])");
	release_config(&p);
}

static void test_unreadable_files(void **state)
{
	struct config cfg;
	struct diag diag = { 0 };

	(void)state;
	assert_int_equal(config_load("/nonexistent/lvsagent.conf", test_schema(), &cfg, &diag), -1);
	assert_string_equal(diag.entries[0].text, "/nonexistent/lvsagent.conf: cannot read the "
			    "configuration: No such file or directory");
	config_free(&cfg);
	diag_free(&diag);
	assert_int_equal(config_load("/", test_schema(), &cfg, &diag), -1);
	assert_string_equal(diag.entries[0].text, "/: cannot read the configuration: Is a directory");
	config_free(&cfg);
	diag_free(&diag);
}

static void test_crlf_and_bom(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "\xEF\xBB\xBF[realserver]\r\nvip = 10.0.0.1\r\n# comment\r\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->vip_count, 1);
	release_config(&p);
}

/* LVS-TUN's keys, as the issue writes them. */
static void test_tun_keys(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "[realserver]\nvip = 10.0.0.1\nmethod = tun\ntunnel = ipip\ntunnel_csum = none\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->tun.method, METHOD_TUN);
	assert_int_equal(rs_config_of(&p.cfg)->tun.type, TUNNEL_IPIP);
	release_config(&p);
	parse(&p, "[realserver]\nvip = 10.0.0.1\nmethod = tun\ntunnel = gre\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->tun.type, TUNNEL_GRE);
	release_config(&p);
	parse(&p, "[realserver]\nvip = 10.0.0.1\nmethod = dr\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->tun.method, METHOD_DR);
	release_config(&p);
	parse(&p, "[realserver]\nvip = 10.0.0.1\nmethod = tun\ntunnel = gue\ntunnel_port = 6080\n"
		  "tunnel_csum = remcsum\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->tun.type, TUNNEL_GUE);
	assert_int_equal(rs_config_of(&p.cfg)->tun.port, 6080);
	assert_int_equal(rs_config_of(&p.cfg)->tun.csum, CSUM_REMCSUM);
	release_config(&p);
	/* The default: direct routing, and ipip once method = tun. */
	parse(&p, "[realserver]\nvip = 10.0.0.1\nmethod = tun\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->tun.type, TUNNEL_IPIP);
	release_config(&p);
}

/* Every bad TUN line of the issue: FILE:LINE and what is wrong. */
static void test_tun_bad_values(void **state)
{
	static const char head[] = "[realserver]\nvip = 10.0.0.1\nmethod = tun\n";
	static const struct { const char *line, *error; } cases[] = {
		{ "method = nat", "test.conf:3: method must be dr or tun, not \"nat\"" },
		{ "tunnel = vxlan", "test.conf:4: tunnel must be ipip, gue or gre, not \"vxlan\"" },
		{ "tunnel_port = 6080", "test.conf:4: tunnel_port is for tunnel = gue only" },
		{ "tunnel_csum = csum", "test.conf:4: tunnel_csum must be none with tunnel = ipip, "
			"which carries no checksum (csum and remcsum are for gue and gre)" },
		{ "tunnel_csum = crc", "test.conf:4: tunnel_csum must be none, csum or remcsum, "
			"not \"crc\"" },
		{ "directors = 10.0.0.300", "test.conf:4: directors: \"10.0.0.300\" is not an "
			"address: not an IP address" },
		{ "mss = 535", "test.conf:4: mss must be from 536 to 9000, not \"535\"" },
		{ "mss = 9001", "test.conf:4: mss must be from 536 to 9000, not \"9001\"" },
		{ "mss = big", "test.conf:4: mss must be from 536 to 9000, not \"big\"" },
	};
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strncmp(cases[i].line, "method", 6) == 0)
			snprintf(text, sizeof(text), "[realserver]\nvip = 10.0.0.1\n%s\n", cases[i].line);
		else
			snprintf(text, sizeof(text), "%s%s\n", head, cases[i].line);
		expect_error(text, cases[i].error);
	}
}

static void test_tun_port_checks(void **state)
{
	static const char head[] = "[realserver]\nvip = 10.0.0.1\nmethod = tun\ntunnel = gue\n";
	char text[256];
	struct parsed p;

	(void)state;
	snprintf(text, sizeof(text), "%stunnel_port = 65536\n", head);
	parse(&p, text);
	assert_true(diag_has(&p.diag, "test.conf:5: tunnel_port must be a UDP port from 1 to 65535, not "
				      "\"65536\""));
	release_config(&p);
	snprintf(text, sizeof(text), "%s", head);
	parse(&p, text);
	assert_true(diag_has(&p.diag, "test.conf:4: tunnel = gue needs tunnel_port (the director's tun_port)"));
	release_config(&p);
}

/* Keys of a tunnel under direct routing: a forgotten method = tun. */
static void test_tun_keys_need_method(void **state)
{
	(void)state;
	expect_error("[realserver]\nvip = 10.0.0.1\ntunnel = gre\n",
		     "test.conf:3: tunnel is for method = tun (this [realserver] uses dr)");
	expect_error("[realserver]\nvip = 10.0.0.1\nmss = 1400\n",
		     "test.conf:3: mss is for method = tun (this [realserver] uses dr)");
}

/* What this version cannot do yet is refused, never ignored. */
/* GRE with checksums: csum with directors (a device of lvsagent's own
 * for each), never remcsum. */
static void test_tun_gre_csum(void **state)
{
	static const char head[] = "[realserver]\nvip = 10.0.0.1\nmethod = tun\ntunnel = gre\n";
	char text[256];
	struct parsed p;

	(void)state;
	snprintf(text, sizeof(text), "%stunnel_csum = csum\n", head);
	expect_error(text, "test.conf:5: tunnel_csum = csum with gre needs directors: the kernel "
		     "takes checksummed GRE only on a device of its own for each director");
	snprintf(text, sizeof(text), "%stunnel_csum = remcsum\ndirectors = 10.0.0.2\n", head);
	expect_error(text, "test.conf:5: tunnel_csum = remcsum is for gue (gre has csum only)");
	snprintf(text, sizeof(text), "%stunnel_csum = csum\ndirectors = 10.0.0.2\n", head);
	parse(&p, text);
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->tun.csum, CSUM_CSUM);
	release_config(&p);
}

/* directors and mss: taken, with the values the filter table needs. */
static void test_tun_directors_mss(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "[realserver]\nvip = 10.0.0.1\nmethod = tun\n"
		  "directors = 10.0.0.2, 2001:db8::2 10.0.0.3\nmss = 1400\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(rs_config_of(&p.cfg)->tun.director_count, 3);
	assert_int_equal(rs_config_of(&p.cfg)->tun.directors[1].family, AF_INET6);
	assert_int_equal(rs_config_of(&p.cfg)->tun.mss, 1400);
	release_config(&p);
	expect_error("[realserver]\nvip = 10.0.0.1\nmethod = tun\ndirectors = ,\n",
		     "test.conf:4: directors needs at least one address (leave it out to take "
		     "tunnel packets from anyone)");
	expect_error("[realserver]\nvip = 10.0.0.1\nmethod = tun\ndirectors = 10.0.0.2 eth0\n",
		     "test.conf:4: directors: \"eth0\" is not an address: not an IP address");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_example),
		cmocka_unit_test(test_route_mode),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_suppression_modes),
		cmocka_unit_test(test_vip_lists),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bad_keys_and_sections),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_binary_garbage),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_no_vip),
		cmocka_unit_test(test_unreadable_files),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_tun_keys),
		cmocka_unit_test(test_tun_bad_values),
		cmocka_unit_test(test_tun_port_checks),
		cmocka_unit_test(test_tun_keys_need_method),
		cmocka_unit_test(test_tun_gre_csum),
		cmocka_unit_test(test_tun_directors_mss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
