/* `lvsagent director connections`: /proc/net/ip_vs_conn read as untrusted
 * text (bad lines skipped, not half-read), listed as ipvsadm 1.31's -Lnc
 * prints it, and filtered by service. The kernel lines are in its format
 * (ip_vs_conn_seq_show); the listing lines follow ipvsadm's print_conn. */
#include "fixtures.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "director/connections.h"
#include "kernel/ipvs_connections.h"

static const char header[] =
	"Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n";
static const char v4_line[] =
	"TCP C0A80A02 D2F0 C0A80164 0050 0A0A0A0B 0050 ESTABLISHED     898\n";
static const char v6_line[] =
	"UDP 2001:0db8:0000:0000:0000:0000:0000:0099 8AE5 2001:0db8:0000:0000:0000:0000:0000:0010 "
	"0035 2001:0db8:0000:0000:0000:0000:0000:0011 0035 UDP             299\n";
static const char pe_line[] =
	"UDP C0A80A02 13C4 C0A80164 13C4 0A0A0A0C 13C4 UDP              59 sip abc@192.0.2.9\n";

static void test_parse_ipv4(void **state)
{
	struct ipvs_connection c;

	(void)state;
	assert_int_equal(ipvs_connection_parse(v4_line, &c), 0);
	assert_string_equal(c.protocol, "TCP");
	assert_true(ipaddr_equal(&c.client, &(const struct ipaddr[]){ ip("192.168.10.2") }[0]));
	assert_true(ipaddr_equal(&c.virt, &(const struct ipaddr[]){ ip("192.168.1.100") }[0]));
	assert_true(ipaddr_equal(&c.dest, &(const struct ipaddr[]){ ip("10.10.10.11") }[0]));
	assert_int_equal(c.cport, 54000);
	assert_int_equal(c.vport, 80);
	assert_string_equal(c.state, "ESTABLISHED");
	assert_int_equal(c.expires, 898);
	assert_string_equal(c.pe_name, "");
}

static void test_parse_ipv6_and_engine(void **state)
{
	struct ipvs_connection c;

	(void)state;
	assert_int_equal(ipvs_connection_parse(v6_line, &c), 0);
	assert_true(ipaddr_equal(&c.virt, &(const struct ipaddr[]){ ip("2001:db8::10") }[0]));
	assert_int_equal(c.dport, 53);
	assert_int_equal(ipvs_connection_parse(pe_line, &c), 0);
	assert_string_equal(c.pe_name, "sip");
	assert_string_equal(c.pe_data, "abc@192.0.2.9");
}

/* Whatever is out of shape is refused whole. */
static void test_parse_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		"TCP C0A80A02 D2F0 C0A80164 0050 0A0A0A0B 0050 ESTABLISHED\n",	/* no expiry */
		"TCP C0A80A0 D2F0 C0A80164 0050 0A0A0A0B 0050 ESTABLISHED 898\n",	/* 7 digits */
		"TCP C0A80A0G D2F0 C0A80164 0050 0A0A0A0B 0050 ESTABLISHED 898\n",
		"TCP C0A80A02 12345 C0A80164 0050 0A0A0A0B 0050 ESTABLISHED 898\n",	/* port */
		"TCP C0A80A02 D2F0 C0A80164 0050 0A0A0A0B 0050 ESTABLISHED 99999999999\n",
		"TCP C0A80A02 D2F0 C0A80164 0050 0A0A0A0B 0050 ESTABLISHED -1\n",
		"TCP C0A80A02 D2F0 C0A80164 0050 0A0A0A0B 0050 ESTABLISHEDXXXXXX 898\n",
		"TCP C0A80A02 D2F0 C0A80164 0050 0A0A0A0B 0050 EST 898 sip\n",	/* 10 fields */
		"TCP C0A80A02 D2F0 C0A80164 0050 0A0A0A0B 0050 EST 898 sip x y\n",
		"TCP C0A80A02 D2F0 2001:db8::1 0050 0A0A0A0B 0050 EST 898\n",	/* families */
		"TCP 2001:db8::zz D2F0 2001:db8::1 0050 0A0A0A0B 0050 EST 898\n",
		"TOOLONGPROTO C0A80A02 D2F0 C0A80164 0050 0A0A0A0B 0050 EST 898\n",
	};
	struct ipvs_connection c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ipvs_connection_parse(bad[i], &c), -1);
	}
}

static int collect(const struct ipvs_connection *c, void *data)
{
	size_t *count = data;

	(void)c;
	++*count;
	return 0;
}

/* A line longer than any the kernel writes is skipped with the rest of
 * it; the lines after it are read. */
static void test_scan_skips_bad_lines(void **state)
{
	size_t len = 4096, count = 0, skipped;
	char *text = malloc(len + 512);
	FILE *in;

	(void)state;
	strcpy(text, header);
	strcat(text, v4_line);
	memset(text + strlen(text), 'A', 3000);
	strcpy(text + strlen(header) + strlen(v4_line) + 3000, "\ngarbage\n");
	strcat(text, v6_line);
	strcat(text, pe_line);
	in = fmemopen(text, strlen(text), "r");
	assert_non_null(in);
	assert_int_equal(ipvs_connections_scan(in, collect, &count, &skipped), 0);
	assert_int_equal(count, 3);
	assert_int_equal(skipped, 2);
	fclose(in);
	free(text);
}

static char *listed(const char *line)
{
	struct ipvs_connection c;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_int_equal(ipvs_connection_parse(line, &c), 0);
	director_conn_line(out, &c);
	fclose(out);
	return text;
}

/* ipvsadm's "%-3s %-6s %-11s %-18s %-18s %s". */
static void test_list_as_ipvsadm(void **state)
{
	char *text = NULL, *line;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	director_conn_header(out);
	fclose(out);
	assert_string_equal(text, "IPVS connection entries\n"
			    "pro expire state       source             virtual            destination\n");
	free(text);
	line = listed(v4_line);
	assert_string_equal(line, "TCP 14:58  ESTABLISHED 192.168.10.2:54000 192.168.1.100:80   "
			    "10.10.10.11:80\n");
	free(line);
	line = listed(v6_line);
	assert_string_equal(line, "UDP 04:59  UDP         [2001:db8::99]:35557 [2001:db8::10]:53  "
			    "[2001:db8::11]:53\n");
	free(line);
}

static void test_filter(void **state)
{
	struct conn_filter filter;
	struct ipvs_connection c;
	const char *why = NULL;

	(void)state;
	assert_int_equal(ipvs_connection_parse(v4_line, &c), 0);
	assert_int_equal(director_conn_filter(NULL, NULL, &filter, &why), 0);
	assert_true(director_conn_matches(&filter, &c));
	assert_int_equal(director_conn_filter(NULL, "tcp:192.168.1.100:80", &filter, &why), 0);
	assert_true(director_conn_matches(&filter, &c));
	assert_int_equal(director_conn_filter(NULL, "tcp 192.168.1.100:80", &filter, &why), 0);
	assert_true(director_conn_matches(&filter, &c));
	assert_int_equal(director_conn_filter(NULL, "udp:192.168.1.100:80", &filter, &why), 0);
	assert_false(director_conn_matches(&filter, &c));
	assert_int_equal(director_conn_filter(NULL, "tcp:192.168.1.100:81", &filter, &why), 0);
	assert_false(director_conn_matches(&filter, &c));
	assert_int_equal(ipvs_connection_parse(v6_line, &c), 0);
	assert_int_equal(director_conn_filter(NULL, "udp:[2001:db8::10]:53", &filter, &why), 0);
	assert_true(director_conn_matches(&filter, &c));
	assert_int_equal(director_conn_filter(NULL, "web", &filter, &why), -1);
	assert_int_equal(director_conn_filter(NULL, "fwmark 5", &filter, &why), -1);
	assert_non_null(strstr(why, "firewall-mark"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_ipv6_and_engine),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_scan_skips_bad_lines),
		cmocka_unit_test(test_list_as_ipvsadm),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
