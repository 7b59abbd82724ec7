/* The director's configuration: services and real servers as the issue
 * writes them, and every refusal with its file:line. */
#include "fixtures.h"
#include "unit.h"

#include <netinet/in.h>
#include <stdio.h>
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

static void test_check_kinds(void **state)
{
	static const char *const later[] = { "http", "https", "udp", "dns", "exec" };
	char text[128], expected[128];

	(void)state;
	for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
		snprintf(text, sizeof(text), SVC "check = %s\n", later[i]);
		snprintf(expected, sizeof(expected),
			 "d.conf:3: check \"%s\" is not supported yet (none or tcp)", later[i]);
		expect_only_error(text, expected);
	}
	expect_only_error(SVC "check = ping\n", "d.conf:3: unknown check \"ping\" (none or tcp)");
	expect_only_error(SVC "check = TCP\n", "d.conf:3: unknown check \"TCP\" (none or tcp)");
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
