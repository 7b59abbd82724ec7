/* `lvsagent director save` and `list`: the IPVS table as `ipvsadm -Sn` and
 * `ipvsadm -Ln` print it, line for line (the expected text was captured
 * from ipvsadm 1.31 for the same table), in ipvsadm's order. */
#include "fixtures.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "director/list.h"
#include "kernel/ipvs_model.h"

#include "ipvsadm_capture.h"

/* As ipvsadm -Ln printed the same table (the "  ->" lines end in spaces:
 * "  -> %-28s %-7s %-6d %-10u %-10u"). The fwmark 8 IPv6 service was not
 * in the capture; its lines follow ipvsadm's formats ("FWM  %d IPv6"). */
static const char listed[] =
	"IP Virtual Server version 1.2.1 (size=4096)\n"
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"TCP  192.168.101.168:80 rr (flag-1)\n"
	"  -> 10.10.10.11:80               Route   2      0          0         \n"
	"  -> 10.10.10.12:80               Tunnel  1      0          0         \n"
	"  -> 10.10.10.13:8080             Masq    0      0          0         \n"
	"SCTP 192.0.2.5:3868 wlc\n"
	"  -> 10.10.10.14:3868             Masq    1      0          0         \n"
	"UDP  [2001:db8::10]:53 sh (sh-fallback,sh-port) persistent 300 mask 64 ops\n"
	"  -> [2001:db8::11]:53            Tunnel  1      0          0         \n"
	"FWM  7 mh (mh-port) persistent 60 mask 255.255.255.0\n"
	"  -> 10.10.10.11:0                Route   1      0          0         \n"
	"FWM  8 IPv6 wrr\n"
	"  -> [2001:db8::21]:0             Tunnel  3      0          0         \n"
	"  -> [2001:db8::22]:0             Tunnel  4      0          0         \n";

static const struct ipvs_info info = { .version = 0x010201, .conn_tab_size = 4096 };

/* A service without persistence, scheduler SCHEDULER. */
static struct ipvs_service service(int af, uint16_t protocol, const char *addr, uint16_t port,
				   const char *scheduler)
{
	struct ipvs_service svc = { .af = (uint16_t)af, .protocol = protocol, .port = port };

	if (addr)
		svc.addr = ip(addr);
	snprintf(svc.scheduler, sizeof(svc.scheduler), "%s", scheduler);
	svc.netmask = af == AF_INET6 ? 128 : 0xffffffffu;
	return svc;
}

static struct ipvs_service fwmark(int af, uint32_t mark, const char *scheduler)
{
	struct ipvs_service svc = service(af, 0, NULL, 0, scheduler);

	svc.fwmark = mark;
	return svc;
}

static void persist(struct ipvs_service *svc, uint32_t timeout, uint32_t netmask)
{
	svc->flags |= IP_VS_SVC_F_PERSISTENT;
	svc->timeout = timeout;
	svc->netmask = netmask;
}

static struct ipvs_dest *add_dest(struct ipvs_service *svc, const char *addr, uint16_t port,
				  uint32_t fwd, uint32_t weight)
{
	struct ipvs_dest dest = { .addr = ip(addr), .port = port, .fwd = fwd, .weight = weight };

	ipvs_service_add_dest(svc, &dest);
	return &svc->dests[svc->dest_count - 1];
}

/* The table behind `saved` and `listed`, in the scrambled order a kernel
 * (hash table) may well return. */
static void example_table(struct ipvs_table *table)
{
	struct ipvs_service *svc;
	struct ipvs_dest *dest;
	struct ipvs_service fresh;

	memset(table, 0, sizeof(*table));

	fresh = fwmark(AF_INET6, 8, "wrr");
	svc = ipvs_table_add(table, &fresh);
	add_dest(svc, "2001:db8::22", 0, IP_VS_CONN_F_TUNNEL, 4);
	add_dest(svc, "2001:db8::21", 0, IP_VS_CONN_F_TUNNEL, 3);

	fresh = service(AF_INET6, IPPROTO_UDP, "2001:db8::10", 53, "sh");
	persist(&fresh, 300, 64);
	fresh.flags |= IP_VS_SVC_F_SCHED_SH_FALLBACK | IP_VS_SVC_F_SCHED_SH_PORT |
		       IP_VS_SVC_F_ONEPACKET;
	svc = ipvs_table_add(table, &fresh);
	dest = add_dest(svc, "2001:db8::11", 53, IP_VS_CONN_F_TUNNEL, 1);
	dest->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
	dest->tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;

	fresh = service(AF_INET, IPPROTO_TCP, "192.168.101.168", 80, "rr");
	fresh.flags = IP_VS_SVC_F_SCHED1;
	svc = ipvs_table_add(table, &fresh);
	dest = add_dest(svc, "10.10.10.13", 8080, IP_VS_CONN_F_MASQ, 0);
	dest->u_threshold = 100;
	dest->l_threshold = 10;
	add_dest(svc, "10.10.10.11", 80, IP_VS_CONN_F_DROUTE, 2);
	dest = add_dest(svc, "10.10.10.12", 80, IP_VS_CONN_F_TUNNEL, 1);
	dest->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	dest->tun_port = 6080;
	dest->tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;

	fresh = fwmark(AF_INET, 7, "mh");
	persist(&fresh, 60, htonl(0xffffff00u));
	fresh.flags |= IP_VS_SVC_F_SCHED2;	/* mh-port */
	svc = ipvs_table_add(table, &fresh);
	add_dest(svc, "10.10.10.11", 0, IP_VS_CONN_F_DROUTE, 1);

	fresh = service(AF_INET, IPPROTO_SCTP, "192.0.2.5", 3868, "wlc");
	svc = ipvs_table_add(table, &fresh);
	add_dest(svc, "10.10.10.14", 3868, IP_VS_CONN_F_MASQ, 1);
}

/* What director_save writes for TABLE (the caller frees it). */
static char *save_text(const struct ipvs_table *table)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	director_save(out, table);
	assert_int_equal(fclose(out), 0);
	return text;
}

static char *list_text(const struct ipvs_table *table)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	director_list(out, table, &info);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void test_save_as_ipvsadm(void **state)
{
	struct ipvs_table table;
	char *text;

	(void)state;
	example_table(&table);
	director_sort(&table);
	text = save_text(&table);
	assert_string_equal(text, saved);
	free(text);
	ipvs_table_free(&table);
}

static void test_list_as_ipvsadm(void **state)
{
	struct ipvs_table table;
	char *text;

	(void)state;
	example_table(&table);
	director_sort(&table);
	text = list_text(&table);
	assert_string_equal(text, listed);
	free(text);
	ipvs_table_free(&table);
}

/* The counters the kernel reports go in the last two columns. */
static void test_list_counters(void **state)
{
	struct ipvs_table table = { 0 };
	struct ipvs_service fresh = service(AF_INET, IPPROTO_TCP, "192.0.2.1", 443, "wlc");
	struct ipvs_service *svc = ipvs_table_add(&table, &fresh);
	struct ipvs_dest *dest = add_dest(svc, "10.0.0.2", 443, IP_VS_CONN_F_DROUTE, 1);
	char *text;

	(void)state;
	dest->active = 12;
	dest->inactive = 3456;
	text = list_text(&table);
	assert_non_null(strstr(text, "TCP  192.0.2.1:443 wlc\n"
				     "  -> 10.0.0.2:443                 Route   1      12         3456      \n"));
	free(text);
	ipvs_table_free(&table);
}


static char *counters_text(const struct ipvs_table *table, enum list_counters what, bool exact)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	director_list_counters(out, table, &info, what, exact);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* The example table with counters on its first service and real server
 * (every unit of ipvsadm's print_largenum) and rates on the last. */
static void counted_table(struct ipvs_table *table)
{
	struct ipvs_stats *svc, *dest;

	example_table(table);
	director_sort(table);
	svc = &table->services[0].stats;
	*svc = (struct ipvs_stats){ .conns = 5, .inpkts = 123456789, .outpkts = 0,
				    .inbytes = 98765432109ULL, .outbytes = 123456789012345ULL };
	dest = &table->services[0].dests[0].stats;
	*dest = (struct ipvs_stats){ .conns = 3, .inpkts = 99999999, .outpkts = 100000000,
				     .inbytes = 999999999, .outbytes = 1000000000 };
	table->services[4].stats = (struct ipvs_stats){ .cps = 1, .inpps = 2, .outpps = 3,
							.inbps = 4, .outbps = 5 };
	table->services[4].dests[0].stats = (struct ipvs_stats){
		.cps = 123456789, .inpps = 7, .outpps = 8, .inbps = 150000000, .outbps = 9 };
}

/* ipvsadm -Ln --stats: 33 columns of service, 9 for each count, K/M/G/T
 * past 8 digits (cut, not rounded). */
static void test_list_stats(void **state)
{
	struct ipvs_table table;
	char *text;

	(void)state;
	counted_table(&table);
	text = counters_text(&table, LIST_STATS, false);
	assert_true(strncmp(text, "IP Virtual Server version 1.2.1 (size=4096)\n"
			    "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
			    "  -> RemoteAddress:Port\n"
			    "TCP  192.168.101.168:80                  5  123456K        0   98765M     123T\n"
			    "  -> 10.10.10.11:80                      3 99999999  100000K  999999K    1000M\n"
			    "  -> 10.10.10.12:80                      0        0        0        0        0\n",
			    strlen("IP Virtual Server version 1.2.1 (size=4096)\n") + 79 + 24 + 3 * 79) == 0);
	assert_non_null(strstr(text, "\nFWM  7                                   0        0        0        0        0\n"));
	assert_non_null(strstr(text, "\nUDP  [2001:db8::10]:53                   0"));
	free(text);
	ipvs_table_free(&table);
}

/* --exact: every digit, the column one wider than the number. */
static void test_list_stats_exact(void **state)
{
	struct ipvs_table table;
	char *text;

	(void)state;
	counted_table(&table);
	text = counters_text(&table, LIST_STATS, true);
	assert_non_null(strstr(text, "\nTCP  192.168.101.168:80                  5 123456789        0 "
				     "98765432109 123456789012345\n"));
	free(text);
	ipvs_table_free(&table);
}

/* ipvsadm -Ln --rate: a real server's CPS, InPPS and OutPPS plain
 * (8 columns, no unit), its byte rates as counts. */
static void test_list_rate(void **state)
{
	struct ipvs_table table;
	char *text;

	(void)state;
	counted_table(&table);
	text = counters_text(&table, LIST_RATE, false);
	assert_non_null(strstr(text, "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
				     "  -> RemoteAddress:Port\n"));
	assert_non_null(strstr(text, "\nFWM  8 IPv6                              1        2        3        4        5\n"
				     "  -> [2001:db8::21]:0             123456789        7        8  150000K        9\n"));
	free(text);
	ipvs_table_free(&table);
}

static void test_format_count(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(director_format_count(0, false, buf, sizeof(buf)), "        0");
	assert_string_equal(director_format_count(99999999, false, buf, sizeof(buf)), " 99999999");
	assert_string_equal(director_format_count(100000000, false, buf, sizeof(buf)), "  100000K");
	assert_string_equal(director_format_count(UINT64_MAX, false, buf, sizeof(buf)), "18446744T");
	assert_string_equal(director_format_count(UINT64_MAX, true, buf, sizeof(buf)),
			    " 18446744073709551615");
	assert_string_equal(director_format_count(12345678, true, buf, sizeof(buf)), " 12345678");
}

static void test_list_service_line(void **state)
{
	struct ipvs_table table;
	char line[160];

	(void)state;
	example_table(&table);
	director_sort(&table);
	assert_string_equal(director_list_service(&table.services[0], line, sizeof(line)),
			    "TCP  192.168.101.168:80 rr (flag-1)");
	assert_string_equal(director_list_service(&table.services[2], line, sizeof(line)),
			    "UDP  [2001:db8::10]:53 sh (sh-fallback,sh-port) persistent 300 mask 64 ops");
	assert_string_equal(director_list_service(&table.services[3], line, sizeof(line)),
			    "FWM  7 mh (mh-port) persistent 60 mask 255.255.255.0");
	assert_string_equal(director_list_service(&table.services[4], line, sizeof(line)),
			    "FWM  8 IPv6 wrr");
	/* A short buffer is cut, never overrun. */
	assert_string_equal(director_list_service(&table.services[2], line, 12), "UDP  [2001:");
	ipvs_table_free(&table);
}

/* Persistence without a netmask prints no -M; the mask only with -p. */
static void test_save_persistence(void **state)
{
	struct ipvs_table table = { 0 };
	struct ipvs_service web = service(AF_INET, IPPROTO_TCP, "192.0.2.1", 80, "wlc");
	struct ipvs_service v6 = service(AF_INET6, IPPROTO_TCP, "2001:db8::1", 443, "rr");
	char *text;

	(void)state;
	persist(&web, 300, 0xffffffffu);
	persist(&v6, 30, 128);
	ipvs_table_add(&table, &web);
	ipvs_table_add(&table, &v6);
	text = save_text(&table);
	assert_string_equal(text, "-A -t 192.0.2.1:80 -s wlc -p 300\n"
				  "-A -t [2001:db8::1]:443 -s rr -p 30\n");
	free(text);
	ipvs_table_free(&table);
}

/* ipvsadm compares addresses by unsigned difference read as signed:
 * 200.0.0.1 - 10.0.0.1 = 0xbe000000, negative, so 200.0.0.1 comes first.
 * (Not a total order: 10 < 100 < 200 < 10; two addresses keep it simple.) */
static void test_ipvsadm_address_order(void **state)
{
	struct ipvs_table table = { 0 };
	struct ipvs_service low = service(AF_INET, IPPROTO_TCP, "10.0.0.1", 80, "rr");
	struct ipvs_service high = service(AF_INET, IPPROTO_TCP, "200.0.0.1", 80, "rr");
	struct ipvs_service *svc;
	char *text;

	(void)state;
	svc = ipvs_table_add(&table, &low);
	add_dest(svc, "10.0.0.5", 80, IP_VS_CONN_F_DROUTE, 1);
	add_dest(svc, "200.0.0.5", 80, IP_VS_CONN_F_DROUTE, 1);
	ipvs_table_add(&table, &high);
	assert_true(ipvs_service_order(&high, &low) < 0);
	director_sort(&table);
	text = save_text(&table);
	assert_string_equal(text, "-A -t 200.0.0.1:80 -s rr\n"
				  "-A -t 10.0.0.1:80 -s rr\n"
				  "-a -t 10.0.0.1:80 -r 200.0.0.5:80 -g -w 1\n"
				  "-a -t 10.0.0.1:80 -r 10.0.0.5:80 -g -w 1\n");
	free(text);
	ipvs_table_free(&table);
}

/* Then the family, the protocol (TCP 6, UDP 17, SCTP 132) and the port;
 * services without a mark (0) before marked ones. */
static void test_order_of_keys(void **state)
{
	struct ipvs_table table = { 0 };
	struct ipvs_service services[] = {
		fwmark(AF_INET, 3, "wlc"),
		service(AF_INET, IPPROTO_UDP, "192.0.2.1", 53, "wlc"),
		service(AF_INET6, IPPROTO_TCP, "2001:db8::1", 80, "wlc"),
		service(AF_INET, IPPROTO_TCP, "192.0.2.1", 443, "wlc"),
		fwmark(AF_INET, 1, "wlc"),
		service(AF_INET, IPPROTO_TCP, "192.0.2.1", 80, "wlc"),
	};
	char *text;

	(void)state;
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		ipvs_table_add(&table, &services[i]);
	director_sort(&table);
	text = save_text(&table);
	assert_string_equal(text, "-A -t 192.0.2.1:80 -s wlc\n"
				  "-A -t 192.0.2.1:443 -s wlc\n"
				  "-A -u 192.0.2.1:53 -s wlc\n"
				  "-A -t [2001:db8::1]:80 -s wlc\n"
				  "-A -f 1 -s wlc\n"
				  "-A -f 3 -s wlc\n");
	free(text);
	ipvs_table_free(&table);
}

/* ipvsadm prints a mark as a signed number (%d): 4294967295 is "-1", in
 * -Sn and -Ln alike (captured from ipvsadm 1.31 in the test VM). */
static void test_high_fwmarks(void **state)
{
	struct ipvs_table table = { 0 };
	struct ipvs_service marks[] = {
		fwmark(AF_INET, 4294967295u, "rr"), fwmark(AF_INET6, 4294967294u, "rr"),
		fwmark(AF_INET, 2147483648u, "rr"), fwmark(AF_INET, 2147483647u, "rr"),
	};
	char *text;

	(void)state;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		ipvs_table_add(&table, &marks[i]);
	add_dest(&table.services[0], "10.0.0.5", 0, IP_VS_CONN_F_DROUTE, 1);
	director_sort(&table);
	text = save_text(&table);
	assert_string_equal(text, "-A -f 2147483647 -s rr\n"
				  "-A -f -2147483648 -s rr\n"
				  "-A -f -2 -6 -s rr\n"
				  "-A -f -1 -s rr\n"
				  "-a -f -1 -r 10.0.0.5:0 -g -w 1\n");
	free(text);
	text = list_text(&table);
	assert_non_null(strstr(text, "InActConn\n"
				     "FWM  2147483647 rr\n"
				     "FWM  -2147483648 rr\n"
				     "FWM  -2 IPv6 rr\n"
				     "FWM  -1 rr\n"
				     "  -> 10.0.0.5:0                   Route   1      0          0         \n"));
	free(text);
	ipvs_table_free(&table);
}

/* A persistence engine, where ipvsadm 1.31 prints it (captured in the test
 * VM): -Sn always, after -p/-M and before -o/-b; -Ln only with persistence,
 * after the mask. */
static void test_persistence_engine(void **state)
{
	struct ipvs_table table = { 0 };
	struct ipvs_service sip = service(AF_INET, IPPROTO_UDP, "10.0.0.1", 5060, "sh");
	struct ipvs_service marked = fwmark(AF_INET, 9, "rr");
	char *text;

	(void)state;
	persist(&sip, 60, htonl(0xffffff00u));
	sip.flags |= IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED_SH_PORT;
	strcpy(sip.pe_name, "sip");
	marked.flags |= IP_VS_SVC_F_ONEPACKET;
	strcpy(marked.pe_name, "sip");
	ipvs_table_add(&table, &sip);
	ipvs_table_add(&table, &marked);
	director_sort(&table);
	text = save_text(&table);
	assert_string_equal(text, "-A -u 10.0.0.1:5060 -s sh -p 60 -M 255.255.255.0 --pe sip -o -b sh-port\n"
				  "-A -f 9 -s rr --pe sip -o\n");
	free(text);
	text = list_text(&table);
	assert_non_null(strstr(text, "InActConn\n"
				     "UDP  10.0.0.1:5060 sh (sh-port) persistent 60 mask 255.255.255.0 pe sip ops\n"
				     "FWM  9 rr ops\n"));
	free(text);
	ipvs_table_free(&table);
}

static void test_empty_table(void **state)
{
	struct ipvs_table table = { 0 };
	char *text;

	(void)state;
	director_sort(&table);
	text = save_text(&table);
	assert_string_equal(text, "");
	free(text);
	text = list_text(&table);
	assert_string_equal(text, "IP Virtual Server version 1.2.1 (size=4096)\n"
				  "Prot LocalAddress:Port Scheduler Flags\n"
				  "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_as_ipvsadm),
		cmocka_unit_test(test_list_as_ipvsadm),
		cmocka_unit_test(test_list_counters),
		cmocka_unit_test(test_list_stats),
		cmocka_unit_test(test_list_stats_exact),
		cmocka_unit_test(test_list_rate),
		cmocka_unit_test(test_format_count),
		cmocka_unit_test(test_list_service_line),
		cmocka_unit_test(test_save_persistence),
		cmocka_unit_test(test_ipvsadm_address_order),
		cmocka_unit_test(test_order_of_keys),
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_high_fwmarks),
		cmocka_unit_test(test_persistence_engine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
