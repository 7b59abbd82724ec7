/* `lvsagent director import`: ipvsadm rules (-S/-Sn output, or the lines of
 * an ipvsadm script) → [service NAME] sections lvsagent accepts, ipvsadm's
 * defaults made explicit, and every refusal with its NAME:LINE — with
 * nothing written when there is one. */
#include "fixtures.h"
#include "import_fixture.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "core/config.h"
#include "director/import.h"
#include "director/list.h"
#include "kernel/ipvs_model.h"

#include "ipvsadm_capture.h"

/* ipvsadm -Sn → import → configuration → table → save: the same rules. */
static void test_round_trip(void **state)
{
	struct imported imp;
	char *text;

	(void)state;
	import_ok(&imp, saved);
	assert_true(starts_with(imp.text, "; imported by lvsagent director import from in: "
					  "5 services, 8 real servers\n"));
	assert_int_equal(director_config_of(&imp.cfg)->service_count, 5);
	text = save_configured(&imp.cfg);
	assert_string_equal(text, saved);
	free(text);
	release(&imp);
}

/* The same rules, shuffled and as an ipvsadm script: the same configuration. */
static void test_script_lines(void **state)
{
	struct imported imp;
	char *text;

	(void)state;
	import_ok(&imp, "#!/bin/sh\n"
			"# the load balancer\n"
			"ipvsadm -C\n"
			"\n"
			"/sbin/ipvsadm -A -f 8 -6 -s wrr\n"
			"ipvsadm -a -f 8 -6 -r [2001:db8::22]:0 -i -w 4 --tun-type ipip\n"
			"ipvsadm -a -f 8 -6 -r [2001:db8::21]:0 -i -w 3 --tun-type ipip\n"
			"  -A -f 7 -s mh -p 60 -M 255.255.255.0 -b mh-port\t\n"
			"-a -f 7 -r 10.10.10.11:0 -g -w 1\n"
			"-A -u [2001:db8::10]:53 -s sh -p 300 -M 64 -o -b sh-fallback,sh-port\n"
			"-a -u [2001:db8::10]:53 -r [2001:db8::11]:53 -i -w 1 --tun-type gre --tun-csum\n"
			"-A --sctp-service 192.0.2.5:3868 -s wlc\n"
			"-a --sctp-service 192.0.2.5:3868 -r 10.10.10.14:3868 -m -w 1\n"
			"-A -t 192.168.101.168:80 -s rr -b flag-1\n"
			"-a -t 192.168.101.168:80 -r 10.10.10.13:8080 -m -w 0\r\n"
			"-a -t 192.168.101.168:80 -r 10.10.10.11:80 -g -w 2\n"
			"-a -t 192.168.101.168:80 -r 10.10.10.12:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum\n");
	text = save_configured(&imp.cfg);
	assert_string_equal(text, saved);
	free(text);
	release(&imp);
}

/* What was imported equals the table the rules describe, field by field. */
static void test_imported_settings(void **state)
{
	struct imported imp;

	(void)state;
	import_ok(&imp, saved);
	const struct ipvs_service *web = configured(&imp, "tcp-192.168.101.168-80");
	assert_string_equal(web->scheduler, "rr");
	assert_int_equal(web->flags, IP_VS_SVC_F_SCHED1);
	assert_int_equal(web->timeout, 0);
	assert_int_equal(web->dest_count, 3);
	assert_int_equal(web->dests[0].fwd, IP_VS_CONN_F_DROUTE);
	assert_int_equal(web->dests[0].weight, 2);
	assert_int_equal(web->dests[1].fwd, IP_VS_CONN_F_TUNNEL);
	assert_int_equal(web->dests[1].tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(web->dests[1].tun_port, 6080);
	assert_int_equal(web->dests[1].tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);
	assert_int_equal(web->dests[2].fwd, IP_VS_CONN_F_MASQ);
	assert_int_equal(web->dests[2].port, 8080);	/* nat maps ports */
	assert_int_equal(web->dests[2].weight, 0);

	const struct ipvs_service *dns = configured(&imp, "udp-2001_db8__10-53");
	assert_int_equal(dns->af, AF_INET6);
	assert_int_equal(dns->timeout, 300);
	assert_int_equal(dns->netmask, 64);
	assert_int_equal(dns->flags, IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED_SH_FALLBACK |
				     IP_VS_SVC_F_SCHED_SH_PORT | IP_VS_SVC_F_ONEPACKET);
	assert_int_equal(dns->dests[0].tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GRE);
	assert_int_equal(dns->dests[0].tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);

	const struct ipvs_service *sctp = configured(&imp, "sctp-192.0.2.5-3868");
	assert_int_equal(sctp->protocol, IPPROTO_SCTP);
	assert_string_equal(sctp->scheduler, "wlc");

	const struct ipvs_service *marked = configured(&imp, "fwmark-7");
	assert_int_equal(marked->fwmark, 7);
	assert_int_equal(marked->af, AF_INET);
	assert_int_equal(marked->netmask, htonl(0xffffff00u));
	assert_int_equal(marked->flags, IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED2);
	assert_int_equal(marked->dests[0].port, 0);

	const struct ipvs_service *marked6 = configured(&imp, "fwmark-8-ipv6");
	assert_int_equal(marked6->af, AF_INET6);
	assert_int_equal(marked6->dest_count, 2);

	/* The same, compared as the director's planner compares. */
	struct ipvs_service want = { .af = AF_INET, .protocol = IPPROTO_SCTP, .port = 3868,
				     .scheduler = "wlc", .netmask = 0xffffffffu };
	struct ipvs_dest want_dest = { .port = 3868, .fwd = IP_VS_CONN_F_MASQ, .weight = 1 };
	const char *why;
	assert_int_equal(ipaddr_parse("192.0.2.5", &want.addr, &why), 0);
	assert_int_equal(ipaddr_parse("10.10.10.14", &want_dest.addr, &why), 0);
	assert_true(ipvs_same_service(&want, sctp));
	assert_false(ipvs_service_differs(&want, sctp));
	assert_true(ipvs_same_dest(&want_dest, &sctp->dests[0]));
	assert_false(ipvs_dest_differs(&want_dest, &sctp->dests[0]));
	release(&imp);
}

/* ipvsadm's defaults, written out: wlc, -g, weight 1, -p = 360 s (what
 * ipvsadm 1.31 sets, though its manual says 300), and a
 * dr or tun real server on the virtual's port whatever port it names. */
static void test_defaults_made_explicit(void **state)
{
	struct imported imp;

	(void)state;
	import_ok(&imp, "-A -t 192.0.2.1:80\n"
			"-a -t 192.0.2.1:80 -r 10.0.0.2\n"
			"-a -t 192.0.2.1:80 -r 10.0.0.3:8080\n"
			"-a -t 192.0.2.1:80 -r 10.0.0.4:8080 -m\n"
			"-a -t 192.0.2.1:80 -r 10.0.0.5:8080 -i\n"
			"-a -t 192.0.2.1:80 -r 10.0.0.6 -m\n"
			"-A -u 192.0.2.1:53 -p\n"
			"-A -t 192.0.2.1:443 -p -s rr\n"
			"-A -t 192.0.2.1:22 -p 0\n");
	const struct ipvs_service *web = configured(&imp, "tcp-192.0.2.1-80");
	assert_string_equal(web->scheduler, "wlc");
	assert_int_equal(web->timeout, 0);
	assert_int_equal(web->flags, 0);
	assert_int_equal(web->dest_count, 5);
	assert_int_equal(web->dests[0].fwd, IP_VS_CONN_F_DROUTE);
	assert_int_equal(web->dests[0].weight, 1);
	assert_int_equal(web->dests[0].port, 80);
	assert_int_equal(web->dests[1].fwd, IP_VS_CONN_F_DROUTE);
	assert_int_equal(web->dests[1].port, 80);	/* ipvsadm ignores the 8080 */
	assert_int_equal(web->dests[2].fwd, IP_VS_CONN_F_MASQ);
	assert_int_equal(web->dests[2].port, 8080);
	assert_int_equal(web->dests[3].fwd, IP_VS_CONN_F_TUNNEL);
	assert_int_equal(web->dests[3].port, 80);
	assert_int_equal(web->dests[4].port, 80);	/* nat without a port: the virtual's */
	/* In the configuration's words. */
	assert_non_null(strstr(imp.text, "\n[service tcp-192.0.2.1-80]\n"
					 "virtual = tcp 192.0.2.1:80\n"
					 "scheduler = wlc\n"
					 "realserver = 10.0.0.2:80 method=dr weight=1\n"
					 "realserver = 10.0.0.3:80 method=dr weight=1\n"
					 "realserver = 10.0.0.4:8080 method=nat weight=1\n"));

	const struct ipvs_service *dns = configured(&imp, "udp-192.0.2.1-53");
	assert_int_equal(dns->timeout, 360);
	assert_int_equal(dns->flags, IP_VS_SVC_F_PERSISTENT);
	assert_int_equal(dns->netmask, 0xffffffffu);
	assert_non_null(strstr(imp.text, "virtual = udp 192.0.2.1:53\nscheduler = wlc\n"
					 "persistence = 360\n"));

	/* -p without a number leaves the next option alone. */
	const struct ipvs_service *tls = configured(&imp, "tcp-192.0.2.1-443");
	assert_int_equal(tls->timeout, 360);
	assert_string_equal(tls->scheduler, "rr");

	/* -p 0: no persistence at all. */
	const struct ipvs_service *ssh = configured(&imp, "tcp-192.0.2.1-22");
	assert_int_equal(ssh->timeout, 0);
	assert_int_equal(ssh->flags, 0);
	release(&imp);
}

/* -S without -n prints port names (and host names): resolved as ipvsadm does. */
static void test_port_names(void **state)
{
	struct imported imp;

	(void)state;
	import_ok(&imp, "-A -t 192.0.2.1:http -s rr\n"
			"-a -t 192.0.2.1:http -r 10.0.0.2:https -m\n"
			"-A -u 192.0.2.1:domain\n");
	const struct ipvs_service *web = configured(&imp, "tcp-192.0.2.1-80");
	assert_int_equal(web->port, 80);
	assert_string_equal(web->scheduler, "rr");
	assert_int_equal(web->dests[0].port, 443);
	assert_int_equal(configured(&imp, "udp-192.0.2.1-53")->port, 53);
	release(&imp);
}

static void test_long_options(void **state)
{
	struct imported imp;

	(void)state;
	import_ok(&imp, "--add-service --tcp-service 192.0.2.1:80 --scheduler rr --persistent 60 "
			"--netmask 255.255.0.0\n"
			"--add-server --tcp-service=192.0.2.1:80 --real-server=10.0.0.2:8080 "
			"--masquerading --weight 5 --u-threshold 100 --l-threshold 10\n"
			"--add-server --tcp-service 192.0.2.1:80 --real-server 10.0.0.3 --gatewaying\n"
			"--add-service --udp-service 192.0.2.1:53 --ops --sched-flags flag-2\n"
			"--add-service --fwmark-service 9 --ipv6\n"
			"--add-server --fwmark-service 9 --ipv6 --real-server [2001:db8::9] --ipip "
			"--tun-type gue --tun-port 5555 --tun-nocsum\n");
	const struct ipvs_service *web = configured(&imp, "tcp-192.0.2.1-80");
	assert_string_equal(web->scheduler, "rr");
	assert_int_equal(web->timeout, 60);
	assert_int_equal(web->netmask, htonl(0xffff0000u));
	assert_int_equal(web->dests[0].fwd, IP_VS_CONN_F_MASQ);
	assert_int_equal(web->dests[0].port, 8080);
	assert_int_equal(web->dests[0].weight, 5);
	assert_int_equal(web->dests[0].u_threshold, 100);
	assert_int_equal(web->dests[0].l_threshold, 10);
	assert_int_equal(web->dests[1].fwd, IP_VS_CONN_F_DROUTE);
	const struct ipvs_service *dns = configured(&imp, "udp-192.0.2.1-53");
	assert_int_equal(dns->flags, IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED2);
	const struct ipvs_service *marked = configured(&imp, "fwmark-9-ipv6");
	assert_int_equal(marked->af, AF_INET6);
	assert_int_equal(marked->dests[0].fwd, IP_VS_CONN_F_TUNNEL);
	assert_int_equal(marked->dests[0].tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(marked->dests[0].tun_port, 5555);
	assert_int_equal(marked->dests[0].tun_flags, 0);
	release(&imp);
}

/* -C clears the table: the rules after the last one make it. */
static void test_clear(void **state)
{
	struct imported imp;

	(void)state;
	import_ok(&imp, "-C\n--clear\n-A -t 192.0.2.1:80\n-C\n");
	assert_int_equal(director_config_of(&imp.cfg)->service_count, 0);
	release(&imp);

	import_ok(&imp, "-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80 -r 10.0.0.2\n-C\n"
			"-A -t 192.0.2.9:80\n-a -t 192.0.2.9:80 -r 10.0.0.2\n");
	assert_int_equal(director_config_of(&imp.cfg)->service_count, 1);
	assert_int_equal(configured(&imp, "tcp-192.0.2.9-80")->dest_count, 1);
	release(&imp);

	import_ok(&imp, "-C\n");
	assert_int_equal(director_config_of(&imp.cfg)->service_count, 0);
	assert_string_equal(imp.text, "; imported by lvsagent director import from in: "
				      "0 services, 0 real servers\n");
	release(&imp);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("-A -t 192.0.2.1:80 -Z\n",
		     "in:1: \"-Z\" is not an ipvsadm rule option this import knows");
	expect_error("-A -t 192.0.2.1:80\n-a -t 192.0.2.2:80 -r 10.0.0.2\n",
		     "in:2: a real server for a service no -A rule above adds");
	expect_error("-a -t 192.0.2.1:80 -r 10.0.0.2\n-A -t 192.0.2.1:80\n",
		     "in:1: a real server for a service no -A rule above adds");
	expect_error("-A -t 192.0.2.1:80\n-A -t 192.0.2.1:80 -s rr\n",
		     "in:2: this service was already added on line 1");
	expect_error("-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80 -r 10.0.0.2 -w 70000\n",
		     "in:2: weight \"70000\" is not a number from 0 to 65535");
	expect_error("-A -t\n", "in:1: -t needs a value");
	expect_error("-A -t 192.0.2.1:80 -s\n", "in:1: -s needs a value");
	expect_error("-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80\n", "in:2: -a needs -r ADDRESS[:PORT]");
	expect_error("-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80 -r 10.0.0.2\n"
		     "-a -t 192.0.2.1:80 -r 10.0.0.2:80\n",
		     "in:3: this real server was already added to the service");
	expect_error("-A -t 192.0.2.1:nosuchport\n",
		     "in:1: \"nosuchport\" is neither a port number nor a known service name");
	expect_error("-A -t 192.0.2.1:80 -b turbo\n", "in:1: unknown scheduler flag \"turbo\"");
	expect_error("-A -f 0\n", "in:1: fwmark 0 marks nothing");
	expect_error("-A -s rr\n", "in:1: the rule names no service (-t, -u, --sctp-service or -f)");
	expect_error("-t 192.0.2.1:80 -s rr\n",
		     "in:1: a rule without its command (-A, -E, -D, -a, -e, -d or -C)");
	expect_error("-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80 -r 10.0.0.2 -g --tun-type gue\n",
		     "in:2: tunnel options on a real server that is not -i (ipip)");
	expect_error("-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80 -r [2001:db8::2]:80 -m\n",
		     "in:2: the real server is not of the service's address family");
	expect_error("-A -t 192.0.2.1:80 -p 60 -M 64\n",
		     "in:1: netmask \"64\" is not a dotted mask");
	expect_error("-A -t [2001:db8::1:80\n",
		     "in:1: \"[2001:db8::1:80\": an IPv6 address is written [ADDRESS]:PORT");
}

/* Every error is reported, each with its line. */
static void test_all_errors_reported(void **state)
{
	struct imported imp;

	(void)state;
	import(&imp, "-A -t 192.0.2.1:80\n"
		     "-A -t 192.0.2.1:80\n"
		     "-a -t 192.0.2.9:80 -r 10.0.0.2\n"
		     "-a -t 192.0.2.1:80 -r 10.0.0.2 -w 70000\n");
	assert_int_equal(imp.ret, -1);
	assert_int_equal(imp.len, 0);
	assert_int_equal(imp.diag.count, 3);
	assert_string_equal(imp.diag.entries[0].text, "in:2: this service was already added on line 1");
	assert_string_equal(imp.diag.entries[1].text,
			    "in:3: a real server for a service no -A rule above adds");
	assert_string_equal(imp.diag.entries[2].text,
			    "in:4: weight \"70000\" is not a number from 0 to 65535");
	release(&imp);
}

/* What ipvsadm takes but lvsagent refuses is said now, not at the first
 * apply — and nothing is written either. */
static void test_refused_configuration(void **state)
{
	struct imported imp;

	(void)state;
	import(&imp, "-A -t 0.0.0.0:80\n");
	assert_int_equal(imp.ret, -1);
	assert_int_equal(imp.len, 0);
	assert_int_equal(imp.diag.count, 1);
	assert_true(starts_with(imp.diag.entries[0].text, "in:1: virtual 0.0.0.0:80: "));
	release(&imp);
}

/* ipvsadm -Sn prints marks above 2147483647 as negative numbers ("-f -1"
 * for 4294967295): read back as the marks they are, and saved the same. */
static void test_high_fwmarks(void **state)
{
	static const char rules[] = "-A -f 2147483647 -s rr\n"
				    "-A -f -2147483648 -s rr\n"
				    "-A -f -2 -6 -s rr\n"
				    "-A -f -1 -s rr\n"
				    "-a -f -1 -r 10.0.0.5:0 -g -w 1\n";
	struct imported imp;
	char *text;

	(void)state;
	import_ok(&imp, rules);
	assert_int_equal(configured(&imp, "fwmark-4294967295")->fwmark, 4294967295u);
	assert_int_equal(configured(&imp, "fwmark-4294967294-ipv6")->fwmark, 4294967294u);
	assert_int_equal(configured(&imp, "fwmark-2147483648")->fwmark, 2147483648u);
	assert_non_null(strstr(imp.text, "virtual = fwmark 4294967295\n"));
	text = save_configured(&imp.cfg);
	assert_string_equal(text, rules);
	free(text);
	release(&imp);

	expect_error("-A -f -2147483649\n", "in:1: fwmark \"-2147483649\" is not a mark "
		     "(1 to 4294967295, or -2147483648 to -1 as ipvsadm prints the upper half)");
	expect_error("-A -f 4294967296\n", "in:1: fwmark \"4294967296\" is not a mark "
		     "(1 to 4294967295, or -2147483648 to -1 as ipvsadm prints the upper half)");
	expect_error("-A -f -0\n", "in:1: fwmark 0 marks nothing");
}

/* What ipvsadm refuses (an sh flag with another scheduler) or the kernel
 * does (a real server at 0.0.0.0) is refused with its line. */
static void test_refused_like_ipvsadm(void **state)
{
	(void)state;
	expect_error("-A -t 192.0.2.1:80 -s wlc -b sh-port\n",
		     "in:1: scheduler flag \"sh-port\" is for scheduler sh, not wlc");
	expect_error("-A -t 192.0.2.1:80 -b mh-fallback\n",
		     "in:1: scheduler flag \"mh-fallback\" is for scheduler mh, not wlc");
	expect_error("-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80 -r 0.0.0.0\n",
		     "in:2: real server 0.0.0.0: the unspecified address 0.0.0.0 cannot be a "
		     "real server");
}

/* An option twice is an error, as ipvsadm says ("multiple 'scheduler'
 * options specified"): which one was meant is not for import to guess. */
static void test_repeated_options(void **state)
{
	(void)state;
	expect_error("-A -t 192.0.2.1:80 -s rr -s wlc\n", "in:1: -s is given twice");
	expect_error("-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80 -r 10.0.0.2 -w 2 --weight 3\n",
		     "in:2: --weight is given twice");
	expect_error("-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80 -r 10.0.0.2 -g -m\n",
		     "in:2: -m is given twice (-g, -i and -m are one choice)");
	expect_error("-A -t 192.0.2.1:80 -f 7\n", "in:1: -f is given twice (-t, -u, "
		     "--sctp-service and -f are one choice)");
}

/* However long a line is, it is read to its end: here 63 -o and then a -p
 * that a reader of 64 words would silently drop. */
static void test_long_line(void **state)
{
	char line[512] = "-A -u 192.0.2.1:53";

	(void)state;
	for (int i = 0; i < 63; i++)
		strcat(line, " -o");
	strcat(line, " -p 77\n");
	expect_error(line, "in:1: -o is given twice");
}

/* --pe NAME becomes pe = NAME, and saves back as ipvsadm printed it. */
static void test_persistence_engine(void **state)
{
	static const char rules[] = "-A -u 10.0.0.1:5060 -s sh -p 60 -M 255.255.255.0 --pe sip -o -b sh-port\n"
				    "-a -u 10.0.0.1:5060 -r 10.0.0.2:5060 -g -w 1\n"
				    "-A -f 9 -s rr --pe sip -o\n";
	struct imported imp;
	char *text;

	(void)state;
	import_ok(&imp, rules);
	assert_string_equal(configured(&imp, "udp-10.0.0.1-5060")->pe_name, "sip");
	assert_non_null(strstr(imp.text, "netmask = 255.255.255.0\npe = sip\n"));
	text = save_configured(&imp.cfg);
	assert_string_equal(text, rules);
	free(text);
	release(&imp);
	expect_error("-A -u 10.0.0.1:5060 --pe SIP\n",
		     "in:1: --pe \"SIP\" is not a persistence engine name (sip, ...)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_script_lines),
		cmocka_unit_test(test_imported_settings),
		cmocka_unit_test(test_defaults_made_explicit),
		cmocka_unit_test(test_port_names),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_refused_configuration),
		cmocka_unit_test(test_high_fwmarks),
		cmocka_unit_test(test_refused_like_ipvsadm),
		cmocka_unit_test(test_repeated_options),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_persistence_engine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
