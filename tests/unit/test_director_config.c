/* The director's configuration: services and real servers as the issue
 * writes them, and every refusal with its file:line. */
#include "fixtures.h"
#include "unit.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "core/config.h"

static const char example[] =
	"[agent]\n"
	"state_dir = /run/lvsagent-director\n"
	"\n"
	"[director]\n"
	"manage = owned                  ; owned (default): only services this config created\n"
	"                                ; all: the whole IPVS table is ours (removes the rest)\n"
	"vip_interface = eth1            ; optional\n"
	"\n"
	"[service web]\n"
	"virtual = tcp 192.168.101.168:80        ; tcp|udp|sctp ADDR:PORT, or: fwmark N [ipv6]\n"
	"scheduler = wlc                         ; default wlc\n"
	"persistence = 0                         ; seconds\n"
	"flags = flag-2, flag-1                  ; optional scheduler flags\n"
	"realserver = 10.10.10.11:80 method=dr weight=2\n"
	"realserver = 10.10.10.12:80 method=dr weight=1\n"
	"\n"
	"[service dns6]\n"
	"virtual = udp [2001:db8::10]:53\n"
	"scheduler = rr\n"
	"persistence = 300\n"
	"netmask = 64\n"
	"realserver = [2001:db8::11]:53 method=tun tun_type=gue tun_port=6080 tun_csum=csum\n"
	"realserver = 2001:db8::12 method=nat weight=0 u_threshold=100 l_threshold=10\n"
	"\n"
	"[service marked]\n"
	"virtual = fwmark 7\n"
	"persistence = 60\n"
	"netmask = 255.255.255.0\n"
	"flags = one-packet\n"
	"realserver = 10.10.10.11\n";

static void parse(struct parsed *p, const char *text)
{
	parse_config(p, "d.conf", text);
}

static void expect_error(const char *text, const char *expected)
{
	struct parsed p;

	parse(&p, text);
	assert_int_equal(p.ret, -1);
	if (diag_has(&p.diag, expected)) {
		release_config(&p);
		return;
	}
	print_diagnostics(&p.diag);
	fail_msg("expected: %s", expected);
}

static void test_example(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, example);
	for (size_t i = 0; i < p.diag.count; i++)
		print_message("%s\n", p.diag.entries[i].text);
	assert_int_equal(p.ret, 0);
	assert_true(config_part_present(&p.cfg, &director_config_part));
	assert_false(director_config_of(&p.cfg)->manage_all);
	assert_string_equal(director_config_of(&p.cfg)->vip_interface, "eth1");
	assert_int_equal(director_config_of(&p.cfg)->service_count, 3);

	const struct ipvs_service *web = &director_config_of(&p.cfg)->services[0].svc;
	assert_string_equal(director_config_of(&p.cfg)->services[0].name, "web");
	assert_int_equal(web->af, AF_INET);
	assert_int_equal(web->protocol, IPPROTO_TCP);
	assert_int_equal(web->port, 80);
	assert_string_equal(web->scheduler, "wlc");
	assert_int_equal(web->flags, IP_VS_SVC_F_SCHED_SH_PORT | IP_VS_SVC_F_SCHED_SH_FALLBACK);
	assert_int_equal(web->timeout, 0);
	assert_int_equal(web->netmask, 0xffffffffu);
	assert_int_equal(web->dest_count, 2);
	assert_int_equal(web->dests[0].fwd, IP_VS_CONN_F_DROUTE);
	assert_int_equal(web->dests[0].weight, 2);

	const struct ipvs_service *dns = &director_config_of(&p.cfg)->services[1].svc;
	assert_int_equal(dns->af, AF_INET6);
	assert_int_equal(dns->protocol, IPPROTO_UDP);
	assert_int_equal(dns->timeout, 300);
	assert_int_equal(dns->netmask, 64);
	assert_int_equal(dns->flags, IP_VS_SVC_F_PERSISTENT);
	assert_int_equal(dns->dests[0].fwd, IP_VS_CONN_F_TUNNEL);
	assert_int_equal(dns->dests[0].tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(dns->dests[0].tun_port, 6080);
	assert_int_equal(dns->dests[0].tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	assert_int_equal(dns->dests[1].port, 53);	/* the service's port */
	assert_int_equal(dns->dests[1].fwd, IP_VS_CONN_F_MASQ);
	assert_int_equal(dns->dests[1].weight, 0);
	assert_int_equal(dns->dests[1].u_threshold, 100);

	const struct ipvs_service *marked = &director_config_of(&p.cfg)->services[2].svc;
	assert_int_equal(marked->fwmark, 7);
	assert_int_equal(marked->netmask, htonl(0xffffff00u));
	assert_int_equal(marked->flags, IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET);
	assert_int_equal(marked->dests[0].port, 0);
	assert_int_equal(config_require_director(&p.cfg, &p.diag), 0);
	release_config(&p);
}

#define SVC "[service s]\nvirtual = tcp 10.0.0.1:80\n"

static void test_bad_virtuals(void **state)
{
	(void)state;
	expect_error("[service s]\nvirtual = icmp 10.0.0.1:80\n",
		     "d.conf:2: virtual \"icmp 10.0.0.1:80\": the protocol must be tcp, udp, sctp or fwmark");
	expect_error("[service s]\nvirtual = tcp 10.0.0.300:80\n",
		     "d.conf:2: virtual \"tcp 10.0.0.300:80\": not an IP address");
	expect_error("[service s]\nvirtual = tcp 10.0.0.1\n",
		     "d.conf:2: virtual \"tcp 10.0.0.1\": the virtual address needs a port (ADDRESS:PORT)");
	expect_error("[service s]\nvirtual = tcp 10.0.0.1:99999\n",
		     "d.conf:2: virtual \"tcp 10.0.0.1:99999\": the port must be a number from 0 to 65535");
	expect_error("[service s]\nvirtual = tcp 10.0.0.1:0\n",
		     "d.conf:2: port 0 serves every port and needs persistence");
	expect_error("[service s]\nvirtual = fwmark 0\n",
		     "d.conf:2: virtual \"fwmark 0\": fwmark needs a mark from 1 to 4294967295");
	expect_error("[service s]\nvirtual = tcp 2001:db8::1:80\n",
		     "d.conf:2: virtual \"tcp 2001:db8::1:80\": an IPv6 address is written [ADDRESS]:PORT");
	expect_error("[service a]\nvirtual = tcp 10.0.0.1:80\n[service b]\nvirtual = tcp 10.0.0.1:80\n",
		     "d.conf:4: virtual tcp 10.0.0.1:80 is already [service a] (line 2)");
	expect_error("[service a]\nscheduler = rr\n", "d.conf:1: [service a] has no virtual = ...");
	expect_error("[service a]\nvirtual = tcp 10.0.0.1:80\n[service a]\n",
		     "d.conf:3: [service a] appears twice (first on line 1)");
}

static void test_bad_realservers(void **state)
{
	(void)state;
	expect_error(SVC "realserver = 10.0.0.2:80\nrealserver = 10.0.0.2:80 weight=3\n",
		     "d.conf:4: realserver 10.0.0.2:80 is listed twice (first on line 3)");
	expect_error(SVC "realserver = 10.0.0.2\nrealserver = 10.0.0.2:80\n",
		     "d.conf:4: realserver 10.0.0.2:80 is listed twice (first on line 3)");
	expect_error(SVC "realserver = [2001:db8::2]:80\n",
		     "d.conf:3: realserver 2001:db8::2 is not of the virtual's address family");
	expect_error(SVC "realserver = 10.0.0.2:80 weight=65536\n",
		     "d.conf:3: realserver \"10.0.0.2:80 weight=65536\": weight must be a number from 0 to 65535");
	expect_error(SVC "realserver = 10.0.0.2:80 weight=heavy\n",
		     "d.conf:3: realserver \"10.0.0.2:80 weight=heavy\": weight must be a number from 0 to 65535");
	expect_error(SVC "realserver = 10.0.0.2:80 method=magic\n",
		     "d.conf:3: realserver \"10.0.0.2:80 method=magic\": method must be dr, tun or nat");
	expect_error(SVC "realserver = 10.0.0.2:80 method=dr tun_type=gue\n",
		     "d.conf:3: realserver \"10.0.0.2:80 method=dr tun_type=gue\": tun_type, tun_port "
		     "and tun_csum are for method=tun only");
	expect_error(SVC "realserver = 10.0.0.2:80 u_threshold=10 l_threshold=20\n",
		     "d.conf:3: realserver \"10.0.0.2:80 u_threshold=10 l_threshold=20\": l_threshold "
		     "is above u_threshold");
	expect_error(SVC "realserver = 10.0.0.2:80 colour=red\n",
		     "d.conf:3: realserver \"10.0.0.2:80 colour=red\": unknown option (method, weight, "
		     "u_threshold, l_threshold, tun_type, tun_port, tun_csum)");
	expect_error(SVC "realserver = 10.0.0.2:8080 method=dr\n",
		     "d.conf:3: realserver 10.0.0.2:8080: method=dr serves the virtual's port 80 "
		     "(only method=nat maps ports)");
	expect_error("[service m]\nvirtual = fwmark 3\nrealserver = 10.0.0.2:80 method=tun\n",
		     "d.conf:3: realserver 10.0.0.2:80: method=tun takes no port in a fwmark service "
		     "(only method=nat maps ports)");
}

/* What ipvsadm would do silently or refuse, the configuration says. */
static void test_ports_and_one_packet(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, SVC "realserver = 10.0.0.2:80 method=dr\nrealserver = 10.0.0.3:8080 method=nat\n"
		  "realserver = 10.0.0.4 method=nat\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(director_config_of(&p.cfg)->services[0].svc.dests[1].port, 8080);
	assert_int_equal(director_config_of(&p.cfg)->services[0].svc.dests[2].port, 80);
	release_config(&p);
	expect_error(SVC "flags = one-packet\n",
		     "d.conf:2: flag one-packet is for udp and fwmark services only");
	parse(&p, "[service u]\nvirtual = udp 10.0.0.1:53\nflags = one-packet\n");
	assert_int_equal(p.ret, 0);
	release_config(&p);
}

static void test_bad_service_keys(void **state)
{
	(void)state;
	expect_error(SVC "persistence = -5\n",
		     "d.conf:3: persistence must be a number of seconds (0 for none), not \"-5\"");
	expect_error(SVC "flags = sh-port, turbo\n",
		     "d.conf:3: unknown flag \"turbo\" (sh-fallback, sh-port, mh-fallback, mh-port, "
		     "flag-1, flag-2, flag-3, one-packet)");
	expect_error(SVC "weight = 3\n", "d.conf:3: unknown key \"weight\" in [service s]");
	expect_error(SVC "netmask = 255.255.255.0\n",
		     "d.conf:3: netmask is the granularity of persistence: set persistence too");
	expect_error("[director]\nmanage = some\n", "d.conf:2: manage must be owned or all, not \"some\"");
	expect_error(SVC "scheduler = Round-Robin\n",
		     "d.conf:3: scheduler \"Round-Robin\" is not a scheduler name (wlc, rr, sh, mh, ...)");
}

/* Each refusal alone: the bad line named, and no second error made up
 * from the first (a refused virtual is not "no virtual"). */
static void expect_only_error(const char *text, const char *expected)
{
	struct parsed p;

	parse(&p, text);
	assert_int_equal(p.ret, -1);
	if (p.diag.count != 1 || !diag_has(&p.diag, expected)) {
		print_diagnostics(&p.diag);
		fail_msg("expected only: %s", expected);
	}
	release_config(&p);
}

/* What the kernel refuses half-way through an apply, or what would be
 * read wrongly, is refused in the file. */
static void test_validation_gaps(void **state)
{
	(void)state;
	expect_only_error(SVC "realserver = 0.0.0.0\n",
			  "d.conf:3: realserver \"0.0.0.0\": the unspecified address 0.0.0.0 "
			  "cannot be a real server");
	expect_only_error(SVC "realserver = 0.1.2.3:80\n",
			  "d.conf:3: realserver \"0.1.2.3:80\": 0.0.0.0/8 is no host's address: "
			  "it cannot be a real server");
	expect_only_error(SVC "realserver = 255.255.255.255\n",
			  "d.conf:3: realserver \"255.255.255.255\": the limited broadcast address "
			  "cannot be a real server");
	expect_only_error(SVC "realserver = 224.0.0.5\n",
			  "d.conf:3: realserver \"224.0.0.5\": a multicast address (224.0.0.0/4) "
			  "cannot be a real server");
	expect_only_error("[service s]\nvirtual = tcp [2001:db8::1]:80\nrealserver = [::]:80\n",
			  "d.conf:3: realserver \"[::]:80\": the unspecified address :: cannot be "
			  "a real server");
	expect_only_error("[service s]\nvirtual = tcp [2001:db8::1]:80\nrealserver = ff02::1\n",
			  "d.conf:3: realserver \"ff02::1\": a multicast address (ff00::/8) cannot "
			  "be a real server");
	expect_only_error(SVC "realserver = 10.0.0.2 weight=2 weight=3\n",
			  "d.conf:3: realserver \"10.0.0.2 weight=2 weight=3\": weight is given "
			  "twice");
	expect_only_error(SVC "realserver = 10.0.0.2 method=nat method=dr\n",
			  "d.conf:3: realserver \"10.0.0.2 method=nat method=dr\": method is given "
			  "twice");
	expect_only_error(SVC "flags = sh-port\n",
			  "d.conf:3: flags sh-fallback and sh-port are for scheduler = sh, not wlc "
			  "(flag-1 and flag-2 set the same bits for any scheduler)");
	expect_only_error(SVC "scheduler = sh\nflags = sh-port, mh-fallback\n",
			  "d.conf:4: flags mh-fallback and mh-port are for scheduler = mh, not sh "
			  "(flag-1 and flag-2 set the same bits for any scheduler)");
	expect_only_error("[service s]\nvirtual = tcp 10.0.0.300:80\nrealserver = 10.0.0.2\n",
			  "d.conf:2: virtual \"tcp 10.0.0.300:80\": not an IP address");
	expect_only_error("[director]\nvip_interface = lo\n",
			  "d.conf:2: vip_interface \"lo\" is the loopback, where a real server "
			  "keeps its VIPs labelled lo:lvs exactly as the director's would be: on a "
			  "host that is both, the real server's stop would remove the director's "
			  "(bind them to an uplink)");
	expect_only_error("[director]\nvip_interface = enx00e04c680001\n",
			  "d.conf:2: vip_interface \"enx00e04c680001\" is too long for the label "
			  "IFACE:lvs that marks the director's IPv4 VIPs as lvsagent's (11 "
			  "characters at most)");
	expect_only_error("[director]\nvip_interface = eth0:1\n",
			  "d.conf:2: vip_interface \"eth0:1\" is not a valid interface name");
}

/* The right ones still pass: sh flags with sh, numbers with anything, a
 * loopback real server (the kernel takes it: the director serves itself). */
static void test_validation_accepts(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, SVC "scheduler = sh\nflags = sh-port, sh-fallback\nrealserver = 127.0.0.1\n"
		  "[service m]\nvirtual = udp 10.0.0.1:53\nscheduler = mh\nflags = mh-port, flag-3\n"
		  "[service n]\nvirtual = udp 10.0.0.1:54\nflags = flag-1, flag-2\n"
		  "[director]\nvip_interface = bond0.1234\n");
	print_diagnostics(&p.diag);
	assert_int_equal(p.ret, 0);
	assert_int_equal(director_config_of(&p.cfg)->services[0].svc.flags,
			 IP_VS_SVC_F_SCHED_SH_PORT | IP_VS_SVC_F_SCHED_SH_FALLBACK);
	assert_int_equal(director_config_of(&p.cfg)->services[2].svc.flags, IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2);
	release_config(&p);
}

/* pe = NAME: the persistence engine (ipvsadm --pe), a module name. */
static void test_persistence_engine(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "[service sip]\nvirtual = udp 10.0.0.1:5060\npersistence = 60\npe = sip\n");
	print_diagnostics(&p.diag);
	assert_int_equal(p.ret, 0);
	assert_string_equal(director_config_of(&p.cfg)->services[0].svc.pe_name, "sip");
	release_config(&p);
	parse(&p, SVC);
	assert_string_equal(director_config_of(&p.cfg)->services[0].svc.pe_name, "");
	release_config(&p);
	expect_only_error(SVC "pe = SIP\n", "d.conf:3: pe \"SIP\" is not a persistence engine "
			  "name (sip, ...)");
	expect_only_error(SVC "pe = sip\npe = sip\n", "d.conf:4: pe is set twice (first on line 3)");
}

static void test_no_service(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "[director]\nmanage = owned\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(config_require_director(&p.cfg, &p.diag), -1);
	release_config(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_bad_virtuals),
		cmocka_unit_test(test_bad_realservers),
		cmocka_unit_test(test_bad_service_keys),
		cmocka_unit_test(test_ports_and_one_packet),
		cmocka_unit_test(test_no_service),
		cmocka_unit_test(test_validation_gaps),
		cmocka_unit_test(test_validation_accepts),
		cmocka_unit_test(test_persistence_engine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
