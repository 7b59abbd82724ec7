/* The director's configuration: services and real servers as the issue
 * writes them, and every refusal with its file:line. */
#include "fixtures.h"
#include "unit.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/ip_vs.h>

#include "core/config.h"
#include "director/config_sync.h"

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

/* A section header after a CR or form feed is one, as inih reads it: its
 * keys belong to it (they once reached a service that was never begun: a
 * crash the fuzzer found). */
static void test_header_after_other_blanks(void **state)
{
	struct parsed p;

	(void)state;
	expect_error("\r[service m]\ncheck = exec\n", "d.conf:1: [service m] has no virtual = ...");
	parse(&p, "\f[service web]\nvirtual = tcp 192.0.2.1:80\nrealserver = 10.0.0.1:80\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(director_config_of(&p.cfg)->service_count, 1);
	release_config(&p);
}

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
		     "d.conf:3: realserver 2001:db8::2 is not of the virtual's address family "
		     "(only method=tun may mix them)");
	expect_error(SVC "realserver = [2001:db8::2]:80 method=nat\n",
		     "d.conf:3: realserver 2001:db8::2 is not of the virtual's address family "
		     "(only method=tun may mix them)");
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

/* IPVS tunnels a service to a real server of the other family (IPv4
 * inside IPv6 and the other way round): method=tun may mix them. */
static void test_tun_mixed_families(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, SVC "realserver = [2001:db8::2]:80 method=tun\n"
		  "realserver = 2001:db8::3 method=tun tun_type=gue tun_port=6080\n"
		  "[service s6]\nvirtual = tcp [2001:db8::1]:80\n"
		  "realserver = 10.0.0.2 method=tun tun_type=gre\n");
	assert_int_equal(p.ret, 0);
	const struct ipvs_service *svc = &director_config_of(&p.cfg)->services[0].svc;
	assert_int_equal(svc->af, AF_INET);
	assert_int_equal(svc->dests[0].addr.family, AF_INET6);
	assert_int_equal(svc->dests[1].port, 80);
	assert_int_equal(director_config_of(&p.cfg)->services[1].svc.dests[0].addr.family, AF_INET);
	release_config(&p);
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

/* --- health checks and the daemon's keys -------------------------------------- */

/* TEXT parses without an error (or the test fails, showing them). */
static void parse_valid(struct parsed *p, const char *text)
{
	parse(p, text);
	if (p->ret != 0)
		print_diagnostics(&p->diag);
	assert_int_equal(p->ret, 0);
}

static const struct dir_service *service_at(const struct parsed *p, size_t i)
{
	return &director_config_of(&p->cfg)->services[i];
}

/* GOT's settings are WANT's (the sorry server aside: has_sorry only). */
static void assert_check(const struct dir_check *got, const struct dir_check *want)
{
	assert_int_equal(got->kind, want->kind);
	assert_int_equal(got->line, want->line);
	assert_int_equal(got->interval_ms, want->interval_ms);
	assert_int_equal(got->timeout_ms, want->timeout_ms);
	assert_int_equal(got->rise, want->rise);
	assert_int_equal(got->fall, want->fall);
	assert_int_equal(got->port, want->port);
	assert_int_equal(got->remove_on_failure, want->remove_on_failure);
	assert_int_equal(got->min_up, want->min_up);
	assert_int_equal(got->min_up_percent, want->min_up_percent);
	assert_int_equal(got->has_sorry, want->has_sorry);
}

/* Nothing set: no check, every default as the README gives it. */
static void test_check_defaults(void **state)
{
	const struct director_config *dir;
	struct ipaddr addr;
	struct parsed p;
	uint16_t port;

	(void)state;
	parse_valid(&p, SVC "realserver = 10.0.0.2\n");
	dir = director_config_of(&p.cfg);
	assert_int_equal(dir->table_check_interval_ms, 5000);
	assert_null(dir->metrics_file);
	assert_false(dir->withdraw_on_stop);
	assert_check(&service_at(&p, 0)->check,
		     &(struct dir_check){ .kind = CHECK_NONE, .interval_ms = 5000,
					  .timeout_ms = 2000, .rise = 2, .fall = 3 });
	director_check_target(service_at(&p, 0), 0, &addr, &port);
	assert_true(ipaddr_equal(&addr, &(struct ipaddr){ .family = AF_INET,
							   .v4.s_addr = htonl(0x0a000002) }));
	assert_int_equal(port, 80);
	release_config(&p);
}

static void test_director_daemon_keys(void **state)
{
	const struct director_config *dir;
	struct parsed p;

	(void)state;
	parse_valid(&p, "[director]\ntable_check_interval = 0.5\n"
			"metrics_file = /var/lib/lvsagent/m.prom\non_stop = withdraw\n");
	dir = director_config_of(&p.cfg);
	assert_int_equal(dir->table_check_interval_ms, 500);
	assert_string_equal(dir->metrics_file, "/var/lib/lvsagent/m.prom");
	assert_true(dir->withdraw_on_stop);
	release_config(&p);
	parse_valid(&p, "[director]\ntable_check_interval = 86400\non_stop = keep\n");
	assert_int_equal(director_config_of(&p.cfg)->table_check_interval_ms, 86400000);
	assert_false(director_config_of(&p.cfg)->withdraw_on_stop);
	release_config(&p);
	expect_only_error("[director]\ntable_check_interval = 86400.5\n",
			  "d.conf:2: table_check_interval must be seconds, like 2 or 0.5 (above 0, "
			  "at most 86400, to the millisecond), not \"86400.5\"");
	expect_only_error("[director]\ntable_check_interval = 0\n",
			  "d.conf:2: table_check_interval must be seconds, like 2 or 0.5 (above 0, "
			  "at most 86400, to the millisecond), not \"0\"");
	expect_only_error("[director]\nmetrics_file = lvsagent.prom\n",
			  "d.conf:2: metrics_file must be an absolute path, not \"lvsagent.prom\"");
	expect_only_error("[director]\nmetrics_file = /var/lib/lvsagent/\n",
			  "d.conf:2: metrics_file \"/var/lib/lvsagent/\" names a directory: name the "
			  "file");
	expect_only_error("[director]\nmetrics_file = /\n",
			  "d.conf:2: metrics_file \"/\" names a directory: name the file");
	expect_only_error("[director]\nmetrics_file = /var/lib/../m.prom\n",
			  "d.conf:2: metrics_file must not contain \".\" or \"..\" components, not "
			  "\"/var/lib/../m.prom\"");
	expect_only_error("[director]\nmetrics_file = /var/./m.prom\n",
			  "d.conf:2: metrics_file must not contain \".\" or \"..\" components, not "
			  "\"/var/./m.prom\"");
	expect_only_error("[director]\non_stop = drain\n",
			  "d.conf:2: on_stop must be keep or withdraw, not \"drain\"");
	expect_only_error("[director]\nmetrics_file = /a\nmetrics_file = /b\n",
			  "d.conf:3: metrics_file is set twice (first on line 2)");
}

/* Every check key of a service, each away from its default. */
static void test_check_keys(void **state)
{
	const struct dir_check *check;
	struct parsed p;

	(void)state;
	parse_valid(&p, SVC "realserver = 10.0.0.2\nrealserver = 10.0.0.3\ncheck = tcp\n"
			"check_interval = 0.5\ncheck_timeout = 0.25\nrise = 1\nfall = 1000\n"
			"check_port = 8080\non_failure = remove\nmin_up = 50%\n"
			"sorry_server = 10.0.0.9 weight=3\n");
	check = &service_at(&p, 0)->check;
	assert_check(check, &(struct dir_check){ .kind = CHECK_TCP, .line = 5, .interval_ms = 500,
						 .timeout_ms = 250, .rise = 1, .fall = 1000,
						 .port = 8080, .remove_on_failure = true,
						 .min_up = 50, .min_up_percent = true,
						 .has_sorry = true });
	assert_true(ipaddr_equal(&check->sorry.addr, &(struct ipaddr){
					 .family = AF_INET, .v4.s_addr = htonl(0x0a000009) }));
	assert_int_equal(check->sorry.port, 80);	/* the virtual's */
	assert_int_equal(check->sorry.weight, 3);
	assert_int_equal(check->sorry.fwd, IP_VS_CONN_F_DROUTE);
	release_config(&p);
	parse_valid(&p, SVC "realserver = 10.0.0.2\ncheck = none\non_failure = quiesce\n"
			"min_up = 1\ncheck_timeout = 4.999\n");
	assert_check(&service_at(&p, 0)->check,
		     &(struct dir_check){ .kind = CHECK_NONE, .line = 4, .interval_ms = 5000,
					  .timeout_ms = 4999, .rise = 2, .fall = 3, .min_up = 1 });
	release_config(&p);
}

/* Settings for a check that is not there yet are taken: a file adopts
 * checks one key at a time. */
static void test_check_keys_without_check(void **state)
{
	struct parsed p;

	(void)state;
	parse_valid(&p, SVC "realserver = 10.0.0.2\nrise = 5\nfall = 1\ncheck_port = 22\n"
			"on_failure = remove\nsorry_server = 10.0.0.9\n");
	assert_int_equal(service_at(&p, 0)->check.kind, CHECK_NONE);
	assert_int_equal(service_at(&p, 0)->check.rise, 5);
	assert_int_equal(service_at(&p, 0)->check.port, 22);
	release_config(&p);
}

/* Every check type, each with the keys it needs. */
static void test_check_kinds(void **state)
{
	static const struct { const char *text; enum dir_check_kind kind; } kinds[] = {
		{ "check = none\n", CHECK_NONE }, { "check = tcp\n", CHECK_TCP },
		{ "check = http\n", CHECK_HTTP }, { "check = https\n", CHECK_HTTPS },
		{ "check = dns\ndns_name = example.com\n", CHECK_DNS },
		{ "check = udp\nudp_send = ping\n", CHECK_UDP },
		{ "check = exec\nexec = /bin/true\n", CHECK_EXEC },
	};
	char text[128];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(text, sizeof(text), SVC "realserver = 10.0.0.2\n%s", kinds[i].text);
		parse_valid(&p, text);
		assert_int_equal(service_at(&p, 0)->check.kind, kinds[i].kind);
		assert_int_equal(service_at(&p, 0)->check.line, 4);
		release_config(&p);
	}
	expect_only_error(SVC "check = ping\n", "d.conf:3: unknown check \"ping\" (none, tcp, "
			  "http, https, dns, udp or exec)");
	expect_only_error(SVC "check = TCP\n", "d.conf:3: unknown check \"TCP\" (none, tcp, "
			  "http, https, dns, udp or exec)");
	expect_only_error(SVC "check = tcp\ncheck = none\n",
			  "d.conf:4: check is set twice (first on line 3)");
}

/* Seconds: digits, then at most three decimals; nothing else. */
static void test_check_seconds(void **state)
{
	static const char *const bad[] = { "0", "0.0", "0.0001", "-1", "+1", "1e3", "1.", ".5",
					   "1.2345", "3600.001", "3601", "1 5", "0x10", "1,5",
					   "2s", "99999999999999999999" };
	static const struct { const char *text; uint32_t ms; } good[] = {
		{ "3600", 3600000 }, { "0.002", 2 }, { "05", 5000 }, { "1.250", 1250 },
		{ "2.5", 2500 }, { "10", 10000 },
	};
	char text[128], expected[192];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), SVC "check_interval = %s\n", bad[i]);
		snprintf(expected, sizeof(expected), "d.conf:3: check_interval must be seconds, like "
			 "2 or 0.5 (above 0, at most 3600, to the millisecond), not \"%s\"", bad[i]);
		expect_only_error(text, expected);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), SVC "check_interval = %s\ncheck_timeout = 0.001\n",
			 good[i].text);
		parse_valid(&p, text);
		assert_int_equal(service_at(&p, 0)->check.interval_ms, good[i].ms);
		release_config(&p);
	}
	expect_only_error(SVC "check_timeout = 1.5s\n",
			  "d.conf:3: check_timeout must be seconds, like 2 or 0.5 (above 0, at most "
			  "3600, to the millisecond), not \"1.5s\"");
}

/* The timeout is below the interval; unset, it is 2 s or half the
 * interval, whichever is shorter. */
static void test_check_timeout(void **state)
{
	struct parsed p;

	(void)state;
	parse_valid(&p, SVC "check_interval = 1\n");
	assert_int_equal(service_at(&p, 0)->check.timeout_ms, 500);
	release_config(&p);
	parse_valid(&p, SVC "check_interval = 0.003\n");
	assert_int_equal(service_at(&p, 0)->check.timeout_ms, 1);
	release_config(&p);
	parse_valid(&p, SVC "check_interval = 60\n");
	assert_int_equal(service_at(&p, 0)->check.timeout_ms, 2000);
	release_config(&p);
	parse_valid(&p, SVC "check_timeout = 4.5\n");
	assert_int_equal(service_at(&p, 0)->check.timeout_ms, 4500);
	release_config(&p);
	expect_only_error(SVC "check_timeout = 5\n",
			  "d.conf:3: check_timeout (5 s) must be below check_interval (5 s)");
	expect_only_error(SVC "check_timeout = 3\ncheck_interval = 2.5\n",
			  "d.conf:3: check_timeout (3 s) must be below check_interval (2.5 s)");
	expect_only_error(SVC "check_interval = 0.75\ncheck_timeout = 1.25\n",
			  "d.conf:4: check_timeout (1.25 s) must be below check_interval (0.75 s)");
	expect_only_error(SVC "check_interval = 0.001\n",
			  "d.conf:3: check_interval = 0.001 leaves no time for a check_timeout "
			  "below it");
}

static void test_check_bad_values(void **state)
{
	(void)state;
	expect_only_error(SVC "rise = 0\n", "d.conf:3: rise must be a number of checks from 1 to "
			  "1000, not \"0\"");
	expect_only_error(SVC "rise = 1001\n", "d.conf:3: rise must be a number of checks from 1 "
			  "to 1000, not \"1001\"");
	expect_only_error(SVC "fall = three\n", "d.conf:3: fall must be a number of checks from 1 "
			  "to 1000, not \"three\"");
	expect_only_error(SVC "fall = -3\n", "d.conf:3: fall must be a number of checks from 1 "
			  "to 1000, not \"-3\"");
	expect_only_error(SVC "check_port = 0\n",
			  "d.conf:3: check_port must be a port from 1 to 65535, not \"0\"");
	expect_only_error(SVC "check_port = 65536\n",
			  "d.conf:3: check_port must be a port from 1 to 65535, not \"65536\"");
	expect_only_error(SVC "check_port = http\n",
			  "d.conf:3: check_port must be a port from 1 to 65535, not \"http\"");
	expect_only_error(SVC "on_failure = drop\n",
			  "d.conf:3: on_failure must be quiesce or remove, not \"drop\"");
	expect_only_error(SVC "rise = 2\nrise = 3\n", "d.conf:4: rise is set twice (first on "
			  "line 3)");
}

static void test_min_up(void **state)
{
	static const char *const bad[] = { "-1", "101%", "%", "x", "65536", "5 %", "50%%",
					   "1.5", "%50", "12345678%" };
	char text[128], expected[192];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), SVC "min_up = %s\n", bad[i]);
		snprintf(expected, sizeof(expected), "d.conf:3: min_up must be a number of real "
			 "servers (0 to 65535) or a percentage of them (0%% to 100%%), not \"%s\"",
			 bad[i]);
		expect_only_error(text, expected);
	}
	parse_valid(&p, SVC "realserver = 10.0.0.2\nrealserver = 10.0.0.3\nmin_up = 2\n"
			"[service t]\nvirtual = tcp 10.0.0.1:81\nmin_up = 100%\n"
			"[service u]\nvirtual = tcp 10.0.0.1:82\nmin_up = 0\n");
	assert_int_equal(service_at(&p, 0)->check.min_up, 2);
	assert_int_equal(service_at(&p, 1)->check.min_up, 100);
	assert_true(service_at(&p, 1)->check.min_up_percent);
	release_config(&p);
	expect_only_error(SVC "min_up = 3\nrealserver = 10.0.0.2\nrealserver = 10.0.0.3\n",
			  "d.conf:3: min_up = 3 is more than the 2 real servers of [service s]");
	expect_only_error(SVC "realserver = 10.0.0.2\nmin_up = 2\n",
			  "d.conf:4: min_up = 2 is more than the 1 real server of [service s]");
	/* A refused real server is one error, not also a shortfall. */
	expect_only_error(SVC "realserver = 10.0.0.2\nrealserver = 10.0.0.300\nmin_up = 2\n",
			  "d.conf:4: realserver \"10.0.0.300\": not an IP address");
}

static void test_sorry_server(void **state)
{
	struct parsed p;

	(void)state;
	parse_valid(&p, SVC "realserver = 10.0.0.2\nsorry_server = 10.0.0.9:8080 method=nat\n"
			"[service m]\nvirtual = fwmark 4\nrealserver = 10.0.0.2\n"
			"sorry_server = 10.0.0.9\n"
			"[service v6]\nvirtual = tcp [2001:db8::1]:443\n"
			"sorry_server = [2001:db8::9]:443\n");
	assert_int_equal(service_at(&p, 0)->check.sorry.port, 8080);
	assert_int_equal(service_at(&p, 0)->check.sorry.fwd, IP_VS_CONN_F_MASQ);
	assert_int_equal(service_at(&p, 0)->check.sorry.weight, 1);
	assert_int_equal(service_at(&p, 1)->check.sorry.port, 0);	/* fwmark: none */
	assert_int_equal(service_at(&p, 2)->check.sorry.port, 443);
	release_config(&p);
	expect_only_error(SVC "sorry_server = 2001:db8::9\n",
			  "d.conf:3: sorry_server 2001:db8::9 is not of the virtual's family");
	expect_only_error(SVC "realserver = 10.0.0.2\nsorry_server = 10.0.0.2:80\n",
			  "d.conf:4: sorry_server 10.0.0.2:80 is also a realserver (line 3)");
	expect_only_error(SVC "realserver = 10.0.0.2:80\nsorry_server = 10.0.0.2\n",
			  "d.conf:4: sorry_server 10.0.0.2:80 is also a realserver (line 3)");
	expect_only_error(SVC "sorry_server = 10.0.0.9:8080\n",
			  "d.conf:3: sorry_server 10.0.0.9:8080: method=dr serves the virtual's port "
			  "80 (only method=nat maps ports)");
	expect_only_error(SVC "sorry_server = 10.0.0.9 weight=x\n",
			  "d.conf:3: sorry_server \"10.0.0.9 weight=x\": weight must be a number "
			  "from 0 to 65535");
	expect_only_error(SVC "sorry_server = 0.0.0.0\n",
			  "d.conf:3: sorry_server \"0.0.0.0\": the unspecified address 0.0.0.0 "
			  "cannot be a real server");
	expect_only_error(SVC "sorry_server = 10.0.0.9 check_port=81\n",
			  "d.conf:3: sorry_server \"10.0.0.9 check_port=81\": unknown option "
			  "(method, weight, u_threshold, l_threshold, tun_type, tun_port, tun_csum)");
	expect_only_error(SVC "sorry_server = 10.0.0.9\nsorry_server = 10.0.0.8\n",
			  "d.conf:4: sorry_server is set twice (first on line 3)");
}

/* check_port= and check_address= on a realserver line: where its check
 * goes, ahead of the service's check_port and its own address. */
static void test_realserver_check_options(void **state)
{
	const struct dir_service *service;
	struct ipaddr addr;
	struct parsed p;
	uint16_t port;

	(void)state;
	parse_valid(&p, SVC "check = tcp\ncheck_port = 8081\n"
			"realserver = 10.0.0.2 check_port=9000 method=dr check_address=192.0.2.7\n"
			"realserver = 10.0.0.3:8080 method=nat weight=2\n"
			"realserver = 10.0.0.4 check_address=10.1.0.4\n");
	service = service_at(&p, 0);
	assert_int_equal(service->svc.dests[0].fwd, IP_VS_CONN_F_DROUTE);
	assert_int_equal(service->svc.dests[1].weight, 2);
	director_check_target(service, 0, &addr, &port);
	assert_true(ipaddr_equal(&addr, &service->dest_checks[0].addr));
	assert_int_equal(addr.v4.s_addr, htonl(0xc0000207));
	assert_int_equal(port, 9000);
	director_check_target(service, 1, &addr, &port);
	assert_true(ipaddr_equal(&addr, &service->svc.dests[1].addr));
	assert_int_equal(port, 8081);	/* the service's check_port */
	director_check_target(service, 2, &addr, &port);
	assert_int_equal(addr.v4.s_addr, htonl(0x0a010004));
	assert_int_equal(port, 8081);
	release_config(&p);

	parse(&p, SVC "realserver = 10.0.0.3:8080 method=nat\n");
	director_check_target(service_at(&p, 0), 0, &addr, &port);
	assert_int_equal(port, 8080);	/* its own port */
	release_config(&p);

	expect_only_error(SVC "realserver = 10.0.0.2 check_port=0\n",
			  "d.conf:3: realserver \"10.0.0.2 check_port=0\": check_port must be a port "
			  "from 1 to 65535");
	expect_only_error(SVC "realserver = 10.0.0.2 check_port=65536\n",
			  "d.conf:3: realserver \"10.0.0.2 check_port=65536\": check_port must be a "
			  "port from 1 to 65535");
	expect_only_error(SVC "realserver = 10.0.0.2 check_port=1 check_port=2\n",
			  "d.conf:3: realserver \"10.0.0.2 check_port=1 check_port=2\": check_port is "
			  "given twice");
	expect_only_error(SVC "realserver = 10.0.0.2 check_address=10.0.0.300\n",
			  "d.conf:3: realserver \"10.0.0.2 check_address=10.0.0.300\": check_address "
			  "\"10.0.0.300\": not an IP address");
	expect_only_error(SVC "realserver = 10.0.0.2 check_address=\n",
			  "d.conf:3: realserver \"10.0.0.2 check_address=\": check_address \"\": not "
			  "an IP address");
	expect_only_error(SVC "realserver = 10.0.0.2 check_address=10.0.0.5 "
			  "check_address=10.0.0.6\n",
			  "d.conf:3: realserver \"10.0.0.2 check_address=10.0.0.5 "
			  "check_address=10.0.0.6\": check_address is given twice");
	expect_only_error(SVC "realserver = 10.0.0.2 check_address=2001:db8::2\n",
			  "d.conf:3: realserver \"10.0.0.2 check_address=2001:db8::2\": "
			  "check_address 2001:db8::2 is not of the real server's family");
	expect_only_error(SVC "realserver = 10.0.0.2 check_port=81 colour=red\n",
			  "d.conf:3: realserver \"10.0.0.2 check_port=81 colour=red\": unknown option "
			  "(method, weight, u_threshold, l_threshold, tun_type, tun_port, tun_csum)");
	expect_only_error(SVC "realserver = check_port=81\n",
			  "d.conf:3: realserver \"check_port=81\": not an IP address");
}

/* A fwmark service's real servers have no port: a TCP check needs one. */
static void test_check_fwmark_port(void **state)
{
	struct parsed p;
	struct ipaddr addr;
	uint16_t port;

	(void)state;
	expect_only_error("[service m]\nvirtual = fwmark 3\nrealserver = 10.0.0.2\ncheck = tcp\n",
			  "d.conf:4: check = tcp needs check_port (a fwmark service's real servers "
			  "have no port)");
	expect_only_error("[service m]\nvirtual = fwmark 3\ncheck = tcp\n"
			  "realserver = 10.0.0.2 check_port=80\nrealserver = 10.0.0.3\n",
			  "d.conf:3: check = tcp needs check_port (a fwmark service's real servers "
			  "have no port)");
	expect_only_error("[service z]\nvirtual = tcp 10.0.0.1:0\npersistence = 60\n"
			  "realserver = 10.0.0.2\ncheck = tcp\n",
			  "d.conf:5: check = tcp needs check_port (the real servers of a port 0 "
			  "service have no port)");
	parse_valid(&p, "[service m]\nvirtual = fwmark 3\ncheck = tcp\ncheck_port = 443\n"
			"realserver = 10.0.0.2\n"
			"[service n]\nvirtual = fwmark 4\ncheck = tcp\n"
			"realserver = 10.0.0.2 check_port=22\n"
			"realserver = 10.0.0.3:8080 method=nat\n"
			"[service o]\nvirtual = fwmark 5\nrealserver = 10.0.0.2\n");
	director_check_target(service_at(&p, 0), 0, &addr, &port);
	assert_int_equal(port, 443);
	director_check_target(service_at(&p, 1), 1, &addr, &port);
	assert_int_equal(port, 8080);
	director_check_target(service_at(&p, 2), 0, &addr, &port);
	assert_int_equal(port, 0);	/* check = none: never checked */
	release_config(&p);
}

/* --- the check types' keys --------------------------------------------------- */

/* SVC, then LINES (from line 3), refused with only EXPECTED. */
static void expect_svc_error(const char *lines, const char *expected)
{
	char *text = xasprintf(SVC "%s", lines);

	expect_only_error(text, expected);
	free(text);
}

/* SVC and LINES parsed without an error: the service in P. */
static const struct dir_probe *parse_probe(struct parsed *p, const char *lines)
{
	char *text = xasprintf(SVC "%s", lines);

	parse_valid(p, text);
	free(text);
	return &service_at(p, 0)->check.probe;
}

/* A string of N copies of C (N < 1024), in a static buffer. */
static const char *repeat(char c, size_t n)
{
	static char buf[1024];

	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* A file of MODE under TMPDIR, its path in PATH (to unlink). */
static void temp_file(char *path, size_t len, mode_t mode)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, len, "%s/lvsagent-probe-XXXXXX", dir && dir[0] == '/' ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x\n", 2), 2);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* Nothing set: each key's default as the README gives it. */
static void test_probe_defaults(void **state)
{
	const struct dir_probe *probe;
	struct parsed p;

	(void)state;
	probe = parse_probe(&p, "");
	assert_int_equal(director_config_of(&p.cfg)->exec_max, 8);
	assert_string_equal(probe->http_path, "/");
	assert_string_equal(probe->http_host, "");
	assert_int_equal(probe->http_status_count, 1);
	assert_int_equal(probe->http_status[0].low, 200);
	assert_int_equal(probe->http_status[0].high, 299);
	assert_string_equal(probe->http_body, "");
	assert_false(probe->https_verify);
	assert_string_equal(probe->https_ca, "");
	assert_string_equal(probe->dns_name, "");
	assert_int_equal(probe->dns_type, ns_t_a);
	assert_int_equal(probe->dns_rcode, ns_r_noerror);
	assert_int_equal(probe->udp_send_len, 0);
	assert_int_equal(probe->udp_expect_len, 0);
	assert_false(probe->udp_expect_given);
	assert_string_equal(probe->exec, "");
	assert_string_equal(probe->exec_user, "nobody");
	release_config(&p);
}

static void test_http_keys(void **state)
{
	const struct dir_probe *probe;
	char text[1200];
	struct parsed p;

	(void)state;
	probe = parse_probe(&p, "check = http\nhttp_path = /health?full=1&x=%20\n"
			    "http_host = www.example.com\nhttp_status = 200-299, 301 404\t500-599\n"
			    "http_body = all is well\n");
	assert_string_equal(probe->http_path, "/health?full=1&x=%20");
	assert_string_equal(probe->http_host, "www.example.com");
	assert_int_equal(probe->http_status_count, 4);
	assert_int_equal(probe->http_status[0].low, 200);
	assert_int_equal(probe->http_status[0].high, 299);
	assert_int_equal(probe->http_status[1].low, 301);
	assert_int_equal(probe->http_status[1].high, 301);
	assert_int_equal(probe->http_status[2].low, 404);
	assert_int_equal(probe->http_status[3].low, 500);
	assert_int_equal(probe->http_status[3].high, 599);
	assert_string_equal(probe->http_body, "all is well");
	release_config(&p);
	probe = parse_probe(&p, "check = http\nhttp_host = [2001:db8::1]:8080\n"
			    "http_status = 100,599,204-204\n");
	assert_string_equal(probe->http_host, "[2001:db8::1]:8080");
	assert_int_equal(probe->http_status_count, 3);
	assert_int_equal(probe->http_status[0].low, 100);
	assert_int_equal(probe->http_status[1].high, 599);
	release_config(&p);
	/* HTTP_STATUS_RANGES of them, and a path and a body as long as they go. */
	snprintf(text, sizeof(text), "check = http\nhttp_status = %s\nhttp_path = /%s\n"
		 "http_body = %s\n", "200 201 202 203 204 205 206 207 208 209 210 211 212 213 "
		 "214 215", repeat('a', 254), "b");
	probe = parse_probe(&p, text);
	assert_int_equal(probe->http_status_count, HTTP_STATUS_RANGES);
	assert_int_equal(strlen(probe->http_path), 255);
	release_config(&p);
	snprintf(text, sizeof(text), "check = http\nhttp_body = %s\n", repeat('b', 255));
	probe = parse_probe(&p, text);
	assert_int_equal(strlen(probe->http_body), 255);
	release_config(&p);

	expect_svc_error("check = http\nhttp_path = health\n",
			 "d.conf:4: http_path must start with \"/\", not \"health\"");
	expect_svc_error("check = http\nhttp_path = /a b\n",
			 "d.conf:4: http_path must have no spaces or control characters (write them "
			 "%XX), not \"/a b\"");
	expect_svc_error("check = http\nhttp_path = /a\tb\n",
			 "d.conf:4: http_path must have no spaces or control characters (write them "
			 "%XX), not \"/a\tb\"");
	snprintf(text, sizeof(text), "check = http\nhttp_path = /%s\n", repeat('a', 255));
	expect_svc_error(text, "d.conf:4: http_path is too long (at most 255 bytes)");
	expect_svc_error("check = http\nhttp_host = www_example.com\n",
			 "d.conf:4: http_host must be a host name or address (letters, digits, '.', "
			 "'-', ':', '[' and ']'), not \"www_example.com\"");
	expect_svc_error("check = http\nhttp_host = a/b\n",
			 "d.conf:4: http_host must be a host name or address (letters, digits, '.', "
			 "'-', ':', '[' and ']'), not \"a/b\"");
	snprintf(text, sizeof(text), "check = http\nhttp_host = %s\n", repeat('h', 256));
	expect_svc_error(text, "d.conf:4: http_host is too long (at most 255 bytes)");
	static const char *const bad_status[] = { "99", "600", "2xx", "200-", "-200", "200-600",
						  "1000", "200-299-300", "+200", "0200000" };
	for (size_t i = 0; i < sizeof(bad_status) / sizeof(bad_status[0]); i++) {
		char expected[192];
		snprintf(text, sizeof(text), "check = http\nhttp_status = 200, %s\n", bad_status[i]);
		snprintf(expected, sizeof(expected), "d.conf:4: http_status: \"%s\" is not a status "
			 "code (100 to 599) or a range of them (200-299)", bad_status[i]);
		expect_svc_error(text, expected);
	}
	expect_svc_error("check = http\nhttp_status = 299-200\n",
			 "d.conf:4: http_status: the range \"299-200\" ends below its start");
	expect_svc_error("check = http\nhttp_status = 200 201 202 203 204 205 206 207 208 209 210 "
			 "211 212 213 214 215 216\n",
			 "d.conf:4: http_status has more than 16 codes or ranges");
	expect_svc_error("check = http\nhttp_status = ,\n",
			 "d.conf:4: http_status names no status code");
	snprintf(text, sizeof(text), "check = http\nhttp_body = %s\n", repeat('b', 256));
	expect_svc_error(text, "d.conf:4: http_body is too long (at most 255 bytes)");
	expect_svc_error("check = http\nhttp_path = /a\nhttp_path = /b\n",
			 "d.conf:5: http_path is set twice (first on line 4)");
}

static void test_https_keys(void **state)
{
	const struct dir_probe *probe;
	char ca[256], text[1200], expected[400];
	struct parsed p;

	(void)state;
	temp_file(ca, sizeof(ca), 0600);
	snprintf(text, sizeof(text), "check = https\nhttps_verify = yes\nhttps_ca = %s\n"
		 "http_path = /ok\nhttp_status = 204\n", ca);
	probe = parse_probe(&p, text);
	assert_true(probe->https_verify);
	assert_string_equal(probe->https_ca, ca);
	assert_string_equal(probe->http_path, "/ok");
	assert_int_equal(probe->http_status[0].low, 204);
	release_config(&p);
	probe = parse_probe(&p, "check = https\nhttps_verify = no\n");
	assert_false(probe->https_verify);
	assert_string_equal(probe->https_ca, "");
	release_config(&p);

	expect_svc_error("check = https\nhttps_verify = true\n",
			 "d.conf:4: https_verify must be yes or no, not \"true\"");
	expect_svc_error("check = https\nhttps_ca = ca.pem\n",
			 "d.conf:4: https_ca must be an absolute path, not \"ca.pem\"");
	expect_svc_error("check = https\nhttps_ca = /nonexistent/ca.pem\n",
			 "d.conf:4: https_ca /nonexistent/ca.pem: No such file or directory");
	expect_svc_error("check = https\nhttps_ca = /\n", "d.conf:4: https_ca / is not a regular file");
	snprintf(text, sizeof(text), "check = https\nhttps_ca = /%s\n", repeat('c', 255));
	expect_svc_error(text, "d.conf:4: https_ca is too long (at most 255 bytes)");
	unlink(ca);
	snprintf(text, sizeof(text), "check = https\nhttps_ca = %s\n", ca);
	snprintf(expected, sizeof(expected), "d.conf:4: https_ca %s: No such file or directory",
		 ca);
	expect_svc_error(text, expected);
}

static void test_dns_keys(void **state)
{
	static const struct { const char *text; uint16_t type; } types[] = {
		{ "A", ns_t_a }, { "aaaa", ns_t_aaaa }, { "Soa", ns_t_soa }, { "NS", ns_t_ns },
		{ "mx", ns_t_mx }, { "TXT", ns_t_txt }, { "CNAME", ns_t_cname },
		{ "ptr", ns_t_ptr }, { "SRV", ns_t_srv }, { "any", ns_t_any },
	};
	static const struct { const char *text; uint8_t rcode; } rcodes[] = {
		{ "NOERROR", ns_r_noerror }, { "NXDOMAIN", ns_r_nxdomain },
		{ "servfail", ns_r_servfail }, { "REFUSED", ns_r_refused },
		{ "FORMERR", ns_r_formerr }, { "NotImp", ns_r_notimpl },
	};
	static const char *const names[] = { "example.com", "example.com.", "_sip._udp.example.com",
					     "localhost", ".", "xn--bcher-kva.example", "1.0.0.127" };
	static const char *const bad[] = { "exa mple.com", "a..b", ".com", "example.com..",
					   "ex*ample.com", "a/b", ".." };
	char text[1200], expected[1300], name[300];
	const struct dir_probe *probe;
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(text, sizeof(text), "check = dns\ndns_name = example.com\ndns_type = %s\n"
			 "dns_rcode = %s\n", types[i].text, rcodes[i % 6].text);
		probe = parse_probe(&p, text);
		assert_string_equal(probe->dns_name, "example.com");
		assert_int_equal(probe->dns_type, types[i].type);
		assert_int_equal(probe->dns_rcode, rcodes[i % 6].rcode);
		release_config(&p);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(text, sizeof(text), "check = dns\ndns_name = %s\n", names[i]);
		probe = parse_probe(&p, text);
		assert_string_equal(probe->dns_name, names[i]);
		release_config(&p);
	}
	/* 63 bytes a label; 253 in all, and a trailing dot. */
	strcpy(name, repeat('a', 253));
	name[63] = name[127] = name[191] = name[253] = '.';
	name[254] = '\0';
	snprintf(text, sizeof(text), "check = dns\ndns_name = %s\n", name);
	probe = parse_probe(&p, text);
	assert_string_equal(probe->dns_name, name);
	release_config(&p);

	name[253] = 'd';	/* 254 bytes without a trailing dot */
	snprintf(text, sizeof(text), "check = dns\ndns_name = %s\n", name);
	expect_svc_error(text, "d.conf:4: dns_name is longer than 253 bytes");
	snprintf(text, sizeof(text), "check = dns\ndns_name = www.%s.com\n", repeat('a', 64));
	snprintf(expected, sizeof(expected), "d.conf:4: dns_name \"www.%s.com\" has a label longer "
		 "than 63 bytes", repeat('a', 64));
	expect_svc_error(text, expected);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "check = dns\ndns_name = %s\n", bad[i]);
		snprintf(expected, sizeof(expected), "d.conf:4: dns_name must be a domain name "
			 "(labels of letters, digits, '-' and '_' between dots), not \"%s\"", bad[i]);
		expect_svc_error(text, expected);
	}
	expect_svc_error("check = dns\ndns_name = example.com\ndns_type = AXFR\n",
			 "d.conf:5: dns_type must be A, AAAA, SOA, NS, MX, TXT, CNAME, PTR, SRV or "
			 "ANY, not \"AXFR\"");
	expect_svc_error("check = dns\ndns_name = example.com\ndns_type = 1\n",
			 "d.conf:5: dns_type must be A, AAAA, SOA, NS, MX, TXT, CNAME, PTR, SRV or "
			 "ANY, not \"1\"");
	expect_svc_error("check = dns\ndns_name = example.com\ndns_rcode = OK\n",
			 "d.conf:5: dns_rcode must be NOERROR, NXDOMAIN, SERVFAIL, REFUSED, FORMERR "
			 "or NOTIMP, not \"OK\"");
	expect_svc_error("check = dns\ndns_type = MX\n", "d.conf:3: check = dns needs dns_name");
	/* A refused dns_name was given: one error, not also a missing one. */
	expect_svc_error("check = dns\ndns_name = a..b\n",
			 "d.conf:4: dns_name must be a domain name (labels of letters, digits, '-' "
			 "and '_' between dots), not \"a..b\"");
}

static void assert_bytes(const uint8_t *got, size_t got_len, const char *want, size_t want_len)
{
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
}

static void test_udp_keys(void **state)
{
	static const char *const bad[][2] = {
		{ "\\xZ1", "\\xZ1" }, { "a\\x1", "\\x1" }, { "\\x", "\\x" }, { "ab\\q", "\\q" },
		{ "ab\\", "\\" }, { "\\N", "\\N" }, { "\\0", "\\0" }, { "\\x4g", "\\x4g" },
	};
	char text[2200], expected[256];
	const struct dir_probe *probe;
	struct parsed p;

	(void)state;
	probe = parse_probe(&p, "check = udp\nudp_send = PING\\r\\n\\x00\\xfF\\\\\\t end\n"
			    "udp_expect = PONG\\n\n");
	assert_bytes(probe->udp_send, probe->udp_send_len, "PING\r\n\0\xff\\\t end", 14);
	assert_bytes(probe->udp_expect, probe->udp_expect_len, "PONG\n", 5);
	assert_true(probe->udp_expect_given);
	release_config(&p);
	probe = parse_probe(&p, "check = udp\nudp_send = \\x00\n");
	assert_bytes(probe->udp_send, probe->udp_send_len, "", 1);
	assert_false(probe->udp_expect_given);
	release_config(&p);
	/* CHECK_PAYLOAD_MAX bytes, from escapes. */
	strcpy(text, "check = udp\nudp_send = ");
	for (size_t i = 0; i < CHECK_PAYLOAD_MAX; i++)
		strcat(text, "\\x41");
	strcat(text, "\n");
	probe = parse_probe(&p, text);
	assert_int_equal(probe->udp_send_len, CHECK_PAYLOAD_MAX);
	assert_int_equal(probe->udp_send[CHECK_PAYLOAD_MAX - 1], 'A');
	release_config(&p);

	snprintf(text, sizeof(text), "check = udp\nudp_send = %s\n", repeat('u', 513));
	expect_svc_error(text, "d.conf:4: udp_send is longer than 512 bytes (escapes decoded)");
	snprintf(text, sizeof(text), "check = udp\nudp_send = x\nudp_expect = %s\n",
		 repeat('u', 513));
	expect_svc_error(text, "d.conf:5: udp_expect is longer than 512 bytes (escapes decoded)");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "check = udp\nudp_send = %s\n", bad[i][0]);
		snprintf(expected, sizeof(expected), "d.conf:4: udp_send: \"%s\" is not an escape "
			 "(\\n, \\r, \\t, \\\\, \\xNN)", bad[i][1]);
		expect_svc_error(text, expected);
	}
	expect_svc_error("check = udp\nudp_send = x\nudp_expect = \\xZ1\n",
			 "d.conf:5: udp_expect: \"\\xZ1\" is not an escape (\\n, \\r, \\t, \\\\, "
			 "\\xNN)");
	expect_svc_error("check = udp\nudp_expect = x\n", "d.conf:3: check = udp needs udp_send");
}

static void test_exec_keys(void **state)
{
	const struct dir_probe *probe;
	char file[256], text[1200], expected[1300];
	struct passwd *nobody;
	struct parsed p;

	(void)state;
	nobody = getpwnam("nobody");
	assert_non_null(nobody);
	probe = parse_probe(&p, "check = exec\nexec = /bin/true\n");
	assert_string_equal(probe->exec, "/bin/true");
	assert_string_equal(probe->exec_user, "nobody");
	assert_int_equal(probe->exec_uid, nobody->pw_uid);
	assert_int_equal(probe->exec_gid, nobody->pw_gid);
	release_config(&p);
	/* Before the check line too; root when named. */
	probe = parse_probe(&p, "exec_user = root\nexec = /bin/sh\ncheck = exec\n");
	assert_string_equal(probe->exec, "/bin/sh");
	assert_string_equal(probe->exec_user, "root");
	assert_int_equal(probe->exec_uid, 0);
	assert_int_equal(probe->exec_gid, 0);
	release_config(&p);
	probe = parse_probe(&p, "check = exec\nexec = /bin/true\nexec_user = nobody\n");
	assert_int_equal(probe->exec_uid, nobody->pw_uid);
	release_config(&p);
	parse_valid(&p, "[director]\nexec_max = 1\n");
	assert_int_equal(director_config_of(&p.cfg)->exec_max, 1);
	release_config(&p);
	parse_valid(&p, "[director]\nexec_max = 1000\n");
	assert_int_equal(director_config_of(&p.cfg)->exec_max, 1000);
	release_config(&p);

	expect_svc_error("check = exec\nexec = true\n",
			 "d.conf:4: exec must be an absolute path, not \"true\"");
	expect_svc_error("check = exec\nexec = /nonexistent/check\n",
			 "d.conf:4: exec /nonexistent/check: No such file or directory");
	expect_svc_error("check = exec\nexec = /bin/true/x\n",
			 "d.conf:4: exec /bin/true/x: Not a directory");
	expect_svc_error("check = exec\nexec = /bin\n", "d.conf:4: exec /bin is not a regular file");
	expect_svc_error("check = exec\nexec = /bin/sh -c true\n",
			 "d.conf:4: exec /bin/sh -c true: No such file or directory");
	temp_file(file, sizeof(file), 0644);
	snprintf(text, sizeof(text), "check = exec\nexec = %s\n", file);
	snprintf(expected, sizeof(expected), "d.conf:4: exec %s is not executable: Permission "
		 "denied", file);
	expect_svc_error(text, expected);
	unlink(file);
	snprintf(text, sizeof(text), "check = exec\nexec = /%s\n", repeat('e', 255));
	expect_svc_error(text, "d.conf:4: exec is too long (at most 255 bytes)");
	expect_svc_error("check = exec\nexec = /bin/true\nexec_user = no-such-user-here\n",
			 "d.conf:5: exec_user \"no-such-user-here\": no such user");
	snprintf(text, sizeof(text), "check = exec\nexec = /bin/true\nexec_user = %s\n",
		 repeat('u', 64));
	expect_svc_error(text, "d.conf:5: exec_user is too long (at most 63 bytes)");
	expect_svc_error("check = exec\nexec_user = root\n", "d.conf:3: check = exec needs exec");
	static const char *const bad_max[] = { "0", "1001", "eight", "-1", "8.5" };
	for (size_t i = 0; i < sizeof(bad_max) / sizeof(bad_max[0]); i++) {
		snprintf(text, sizeof(text), "[director]\nexec_max = %s\n", bad_max[i]);
		snprintf(expected, sizeof(expected), "d.conf:2: exec_max must be a number of exec "
			 "checks from 1 to 1000, not \"%s\"", bad_max[i]);
		expect_only_error(text, expected);
	}
}

/* Each key is for its check types; the whole section decides, whatever
 * the order. */
static void test_probe_key_kinds(void **state)
{
	(void)state;
	expect_svc_error("check = dns\ndns_name = example.com\nhttp_path = /x\n",
			 "d.conf:5: http_path is for check = http or https, not dns");
	expect_svc_error("http_status = 200\ncheck = tcp\n",
			 "d.conf:3: http_status is for check = http or https, not tcp");
	expect_svc_error("check = http\nhttps_verify = yes\n",
			 "d.conf:4: https_verify is for check = https, not http");
	expect_svc_error("https_ca = /nonexistent\ncheck = http\n",
			 "d.conf:3: https_ca /nonexistent: No such file or directory");
	expect_svc_error("check = udp\nudp_send = x\nexec = /bin/true\n",
			 "d.conf:5: exec is for check = exec, not udp");
	expect_svc_error("check = exec\nexec = /bin/true\nudp_expect = x\n",
			 "d.conf:5: udp_expect is for check = udp, not exec");
	expect_svc_error("check = https\ndns_type = MX\n",
			 "d.conf:4: dns_type is for check = dns, not https");
	expect_svc_error("http_path = /x\n",
			 "d.conf:3: http_path is for check = http or https (this service has no "
			 "check)");
	expect_svc_error("check = none\nexec_user = nobody\n",
			 "d.conf:4: exec_user is for check = exec (this service has no check)");
	/* A refused check line: its type is not known, its keys not judged. */
	expect_svc_error("check = DNS\ndns_name = example.com\n",
			 "d.conf:3: unknown check \"DNS\" (none, tcp, http, https, dns, udp or exec)");
	/* A refused value is one error, not also one of the wrong type. */
	expect_svc_error("check = tcp\nhttp_path = x\n",
			 "d.conf:4: http_path must start with \"/\", not \"x\"");

	struct parsed p;
	parse(&p, SVC "check = tcp\nhttp_path = /a\ndns_name = b\n[service t]\n"
		  "virtual = tcp 10.0.0.1:81\nudp_send = x\n");
	assert_int_equal(p.ret, -1);
	assert_int_equal(p.diag.count, 3);
	assert_true(diag_has(&p.diag, "d.conf:4: http_path is for check = http or https, not tcp"));
	assert_true(diag_has(&p.diag, "d.conf:5: dns_name is for check = dns, not tcp"));
	assert_true(diag_has(&p.diag, "d.conf:8: udp_send is for check = udp (this service has no "
			     "check)"));
	release_config(&p);
}

/* A check over the network needs a port; an exec check does not. */
static void test_probe_ports(void **state)
{
	struct parsed p;

	(void)state;
	expect_only_error("[service m]\nvirtual = fwmark 3\nrealserver = 10.0.0.2\ncheck = http\n",
			  "d.conf:4: check = http needs check_port (a fwmark service's real servers "
			  "have no port)");
	expect_only_error("[service m]\nvirtual = fwmark 3\nrealserver = 10.0.0.2\ncheck = dns\n"
			  "dns_name = example.com\n",
			  "d.conf:4: check = dns needs check_port (a fwmark service's real servers "
			  "have no port)");
	parse_valid(&p, "[service m]\nvirtual = fwmark 3\nrealserver = 10.0.0.2\ncheck = exec\n"
		    "exec = /bin/true\n"
		    "[service n]\nvirtual = fwmark 4\nrealserver = 10.0.0.2\ncheck = udp\n"
		    "check_port = 53\nudp_send = x\n");
	release_config(&p);
}

/* [director] sync keys: the pair of daemons, as ipvsadm --start-daemon
 * takes them, and what the kernel would refuse or change. */
#define SYNC_SVC "[service s]\nvirtual = tcp 10.0.0.1:80\nrealserver = 10.0.0.2\n"

static void test_sync_keys(void **state)
{
	const struct dir_sync *sync;
	struct parsed p;
	char text[160];

	(void)state;
	parse(&p, SYNC_SVC "[director]\nsync = master, backup\nsync_interface = eth1\nsync_id = 7\n");
	print_diagnostics(&p.diag);
	assert_int_equal(p.ret, 0);
	sync = &director_config_of(&p.cfg)->sync;
	assert_true(dir_sync_wanted(sync));
	assert_true(sync->role[IPVS_SYNC_MASTER] && sync->role[IPVS_SYNC_BACKUP]);
	struct ipvs_daemon d;
	dir_sync_daemon(sync, IPVS_SYNC_BACKUP, &d);
	assert_string_equal(ipvs_daemon_format(&d, text, sizeof(text)), "backup eth1 id 7");
	release_config(&p);

	parse(&p, SYNC_SVC "[director]\nsync = backup\nsync_interface = eth1\nsync_id = 255\n"
		  "sync_port = 9000\nsync_ttl = 3\nsync_group = ff02::1:81\nsync_maxlen = 65487\n");
	print_diagnostics(&p.diag);
	assert_int_equal(p.ret, 0);
	sync = &director_config_of(&p.cfg)->sync;
	assert_false(sync->role[IPVS_SYNC_MASTER]);
	dir_sync_daemon(sync, IPVS_SYNC_BACKUP, &d);
	assert_string_equal(ipvs_daemon_format(&d, text, sizeof(text)),
			    "backup eth1 id 255 port 9000 ttl 3 group ff02::1:81 maxlen 65487");
	release_config(&p);

	parse(&p, SYNC_SVC "[director]\nsync = backup , master\nsync_interface = eth1\n"
		  "sync_id = 0\nsync_group = 239.1.2.3\nsync_maxlen = 1024\n");
	assert_int_equal(p.ret, 0);
	release_config(&p);
	parse(&p, SYNC_SVC "[director]\nsync = master\nsync_interface = eth1\nsync_id = 1\n"
		  "sync_maxlen = 1\n");
	assert_int_equal(p.ret, 0);
	release_config(&p);
	parse(&p, SYNC_SVC "[director]\nsync = none\n");
	assert_int_equal(p.ret, 0);
	assert_false(dir_sync_wanted(&director_config_of(&p.cfg)->sync));
	release_config(&p);
}

#define SYNC_OK SYNC_SVC "[director]\nsync_interface = eth1\nsync_id = 1\n"

static void test_sync_refusals(void **state)
{
	(void)state;
	expect_only_error(SYNC_OK "sync = master, slave\n",
			  "d.conf:7: sync must be master, backup (the usual pair, one daemon of "
			  "each), master, backup or none, not \"master, slave\"");
	expect_only_error(SYNC_OK "sync = master, master\n",
			  "d.conf:7: sync must be master, backup (the usual pair, one daemon of each), "
			  "master, backup or none, not \"master, master\"");
	expect_only_error(SYNC_OK "sync = ,\n",
			  "d.conf:7: sync must be master, backup (the usual pair, one daemon of each), "
			  "master, backup or none, not \",\"");
	expect_only_error(SYNC_SVC "[director]\nsync = master\nsync_interface = eth1\nsync_id = 256\n",
			  "d.conf:7: sync_id must be the sync daemons' id (the same on both "
			  "directors), 0 to 255, not \"256\"");
	expect_only_error(SYNC_SVC "[director]\nsync = master\nsync_interface = eth1\nsync_id = -1\n",
			  "d.conf:7: sync_id must be the sync daemons' id (the same on both "
			  "directors), 0 to 255, not \"-1\"");
	expect_only_error(SYNC_OK "sync = master\nsync_group = 10.0.0.1\n",
			  "d.conf:8: sync_group 10.0.0.1 is not a multicast address (224.0.0.0/4 or "
			  "ff00::/8)");
	expect_only_error(SYNC_OK "sync = master\nsync_group = 2001:db8::1\n",
			  "d.conf:8: sync_group 2001:db8::1 is not a multicast address (224.0.0.0/4 or "
			  "ff00::/8)");
	expect_only_error(SYNC_OK "sync = master\nsync_group = nowhere\n",
			  "d.conf:8: sync_group \"nowhere\": not an IP address");
	expect_only_error(SYNC_OK "sync = master\nsync_port = 0\n",
			  "d.conf:8: sync_port must be a UDP port, 1 to 65535, not \"0\"");
	expect_only_error(SYNC_OK "sync = master\nsync_ttl = 256\n",
			  "d.conf:8: sync_ttl must be a multicast TTL, 1 to 255, not \"256\"");
	expect_only_error(SYNC_OK "sync = master\nsync_maxlen = 0\n",
			  "d.conf:8: sync_maxlen must be the sync messages' UDP payload in bytes, "
			  "1 to 65507, not \"0\"");
	/* A backup's buffer is at least 1024 bytes; IPv6 headers take 20 more. */
	expect_only_error(SYNC_OK "sync = master, backup\nsync_maxlen = 1000\n",
			  "d.conf:8: sync_maxlen must be 1024 to 65507 with a backup daemon, not "
			  "1000 (the kernel would run the daemon with another value)");
	expect_only_error(SYNC_OK "sync = master\nsync_group = ff02::81\nsync_maxlen = 65500\n",
			  "d.conf:9: sync_maxlen must be 1 to 65487 for a master, not 65500 (the kernel "
			  "would run the daemon with another value)");
	expect_only_error(SYNC_SVC "[director]\nsync = master\nsync_id = 1\n",
			  "d.conf:5: sync needs sync_interface (the interface the sync messages go "
			  "out and come in on)");
	expect_only_error(SYNC_SVC "[director]\nsync = backup\nsync_interface = eth1\n",
			  "d.conf:5: sync needs sync_id (0 to 255, the same on both directors: a "
			  "backup takes only its id's messages)");
	expect_only_error(SYNC_SVC "[director]\nsync_ttl = 2\n",
			  "d.conf:5: sync_ttl without sync = master, backup (or master, or backup): "
			  "no sync daemon to run");
	expect_only_error(SYNC_SVC "[director]\nsync = none\nsync_interface = eth1\n",
			  "d.conf:6: sync_interface without sync = master, backup (or master, or "
			  "backup): no sync daemon to run");
	expect_only_error(SYNC_SVC "[director]\nsync = master\nsync_interface = eth0:1\nsync_id = 1\n",
			  "d.conf:6: sync_interface \"eth0:1\" is not an interface name (1 to 15 "
			  "characters, no '/', ':' or spaces)");
	expect_only_error(SYNC_OK "sync = master\nsync = backup\n",
			  "d.conf:8: sync is set twice (first on line 7)");
	/* One mistake, one error: a refused sync is not also "without sync". */
	expect_only_error(SYNC_OK "sync = bogus\n",
			  "d.conf:7: sync must be master, backup (the usual pair, one daemon of each), "
			  "master, backup or none, not \"bogus\"");
}

/* sync_interface must exist where the daemons run: the kernel needs it. */
static void test_sync_interface_exists(void **state)
{
	struct netdevs net = { 0 };
	struct diag diag = { 0 };
	struct parsed p;

	(void)state;
	netdevs_add_link(&net, 2, "eth1", 0);
	netdevs_index(&net);
	parse(&p, SYNC_SVC "[director]\nsync = master, backup\nsync_interface = eth9\nsync_id = 7\n");
	assert_int_equal(p.ret, 0);
	assert_int_equal(director_check_links(&p.cfg, &net, &diag), -1);
	assert_int_equal(diag.count, 1);
	assert_string_equal(diag.entries[0].text, "d.conf:6: sync_interface \"eth9\" does not exist");
	diag_free(&diag);
	release_config(&p);
	parse(&p, SYNC_SVC "[director]\nsync = master\nsync_interface = eth1\nsync_id = 7\n");
	assert_int_equal(director_check_links(&p.cfg, &net, &diag), 0);
	assert_int_equal(diag.count, 0);
	release_config(&p);
	netdevs_free(&net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_header_after_other_blanks),
		cmocka_unit_test(test_bad_virtuals),
		cmocka_unit_test(test_bad_realservers),
		cmocka_unit_test(test_bad_service_keys),
		cmocka_unit_test(test_ports_and_one_packet),
		cmocka_unit_test(test_tun_mixed_families),
		cmocka_unit_test(test_no_service),
		cmocka_unit_test(test_validation_gaps),
		cmocka_unit_test(test_validation_accepts),
		cmocka_unit_test(test_persistence_engine),
		cmocka_unit_test(test_check_defaults),
		cmocka_unit_test(test_director_daemon_keys),
		cmocka_unit_test(test_check_keys),
		cmocka_unit_test(test_check_keys_without_check),
		cmocka_unit_test(test_check_kinds),
		cmocka_unit_test(test_check_seconds),
		cmocka_unit_test(test_check_timeout),
		cmocka_unit_test(test_check_bad_values),
		cmocka_unit_test(test_min_up),
		cmocka_unit_test(test_sorry_server),
		cmocka_unit_test(test_realserver_check_options),
		cmocka_unit_test(test_check_fwmark_port),
		cmocka_unit_test(test_probe_defaults),
		cmocka_unit_test(test_http_keys),
		cmocka_unit_test(test_https_keys),
		cmocka_unit_test(test_dns_keys),
		cmocka_unit_test(test_udp_keys),
		cmocka_unit_test(test_exec_keys),
		cmocka_unit_test(test_probe_key_kinds),
		cmocka_unit_test(test_probe_ports),
		cmocka_unit_test(test_sync_keys),
		cmocka_unit_test(test_sync_refusals),
		cmocka_unit_test(test_sync_interface_exists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
