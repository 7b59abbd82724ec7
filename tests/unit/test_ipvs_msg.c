/* IPVS generic netlink messages: the attributes the kernel reads (checked
 * against the UAPI in linux/ip_vs.h), and replies parsed back. */
#include "fixtures.h"
#include "unit.h"

#include <netinet/in.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "kernel/ipvs_kernel.h"

#define FAMILY 42

static struct ipvs_service web(void)
{
	struct ipvs_service svc = { .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80,
				    .scheduler = "wlc", .flags = IP_VS_SVC_F_PERSISTENT,
				    .timeout = 300, .netmask = 0x00ffffffu };

	svc.addr = ip("192.168.101.168");
	return svc;
}

/* The nested attributes of the message's TOP attribute. */
static void nested(struct nl_msg *msg, int top, struct nlattr **inner, int max)
{
	struct nlattr *attrs[IPVS_CMD_ATTR_MAX + 1];

	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, attrs, IPVS_CMD_ATTR_MAX, NULL), 0);
	assert_non_null(attrs[top]);
	assert_int_equal(nla_parse_nested(inner, max, attrs[top], NULL), 0);
}

static void test_new_service(void **state)
{
	struct ipvs_service svc = web();
	struct ipvs_request req = { .op = IPVS_OP_NEW_SERVICE, .service = &svc };
	struct nl_msg *msg = ipvs_build_request(FAMILY, &req);
	struct nlattr *a[IPVS_SVC_ATTR_MAX + 1];
	struct genlmsghdr *gnlh;
	struct ip_vs_flags *flags;

	(void)state;
	assert_non_null(msg);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, FAMILY);
	/* Without NLM_F_REQUEST the kernel only acknowledges. */
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	gnlh = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(gnlh->cmd, IPVS_CMD_NEW_SERVICE);
	assert_int_equal(gnlh->version, IPVS_GENL_VERSION);
	nested(msg, IPVS_CMD_ATTR_SERVICE, a, IPVS_SVC_ATTR_MAX);
	assert_int_equal(nla_get_u16(a[IPVS_SVC_ATTR_AF]), AF_INET);
	assert_int_equal(nla_get_u16(a[IPVS_SVC_ATTR_PROTOCOL]), IPPROTO_TCP);
	/* union nf_inet_addr: 16 bytes, the IPv4 address first */
	assert_int_equal(nla_len(a[IPVS_SVC_ATTR_ADDR]), 16);
	assert_memory_equal(nla_data(a[IPVS_SVC_ATTR_ADDR]), svc.addr.bytes, 4);
	assert_int_equal(nla_get_u16(a[IPVS_SVC_ATTR_PORT]), htons(80));
	assert_string_equal(nla_get_string(a[IPVS_SVC_ATTR_SCHED_NAME]), "wlc");
	assert_int_equal(nla_len(a[IPVS_SVC_ATTR_FLAGS]), sizeof(struct ip_vs_flags));
	flags = nla_data(a[IPVS_SVC_ATTR_FLAGS]);
	assert_int_equal(flags->flags, IP_VS_SVC_F_PERSISTENT);
	assert_int_equal(flags->mask, 0xffffffffu);
	assert_int_equal(nla_get_u32(a[IPVS_SVC_ATTR_TIMEOUT]), 300);
	assert_int_equal(nla_get_u32(a[IPVS_SVC_ATTR_NETMASK]), 0x00ffffffu);
	assert_null(a[IPVS_SVC_ATTR_FWMARK]);
	nlmsg_free(msg);
}

static void test_delete_is_key_only(void **state)
{
	struct ipvs_service svc = { .af = AF_INET6, .fwmark = 7, .scheduler = "rr" };
	struct ipvs_request req = { .op = IPVS_OP_DEL_SERVICE, .service = &svc };
	struct nl_msg *msg = ipvs_build_request(FAMILY, &req);
	struct nlattr *a[IPVS_SVC_ATTR_MAX + 1];

	(void)state;
	nested(msg, IPVS_CMD_ATTR_SERVICE, a, IPVS_SVC_ATTR_MAX);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd, IPVS_CMD_DEL_SERVICE);
	assert_int_equal(nla_get_u16(a[IPVS_SVC_ATTR_AF]), AF_INET6);
	assert_int_equal(nla_get_u32(a[IPVS_SVC_ATTR_FWMARK]), 7);
	assert_null(a[IPVS_SVC_ATTR_ADDR]);
	assert_null(a[IPVS_SVC_ATTR_SCHED_NAME]);
	nlmsg_free(msg);
}

static void test_new_dest(void **state)
{
	struct ipvs_service svc = web();
	struct ipvs_dest dest = { .port = 8080, .fwd = IP_VS_CONN_F_TUNNEL, .weight = 3,
				  .u_threshold = 100, .l_threshold = 10,
				  .tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE, .tun_port = 6080,
				  .tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM };
	struct ipvs_request req = { .op = IPVS_OP_NEW_DEST, .service = &svc, .dest = &dest };
	struct nl_msg *msg;
	struct nlattr *d[IPVS_DEST_ATTR_MAX + 1], *s[IPVS_SVC_ATTR_MAX + 1];

	(void)state;
	dest.addr = ip("10.10.10.11");
	msg = ipvs_build_request(FAMILY, &req);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd, IPVS_CMD_NEW_DEST);
	/* the service key rides along, without its settings */
	nested(msg, IPVS_CMD_ATTR_SERVICE, s, IPVS_SVC_ATTR_MAX);
	assert_int_equal(nla_get_u16(s[IPVS_SVC_ATTR_PORT]), htons(80));
	assert_null(s[IPVS_SVC_ATTR_SCHED_NAME]);
	nested(msg, IPVS_CMD_ATTR_DEST, d, IPVS_DEST_ATTR_MAX);
	assert_memory_equal(nla_data(d[IPVS_DEST_ATTR_ADDR]), dest.addr.bytes, 4);
	assert_int_equal(nla_get_u16(d[IPVS_DEST_ATTR_PORT]), htons(8080));
	assert_int_equal(nla_get_u32(d[IPVS_DEST_ATTR_FWD_METHOD]), IP_VS_CONN_F_TUNNEL);
	assert_int_equal(nla_get_u32(d[IPVS_DEST_ATTR_WEIGHT]), 3);
	assert_int_equal(nla_get_u32(d[IPVS_DEST_ATTR_U_THRESH]), 100);
	assert_int_equal(nla_get_u32(d[IPVS_DEST_ATTR_L_THRESH]), 10);
	assert_int_equal(nla_get_u16(d[IPVS_DEST_ATTR_ADDR_FAMILY]), AF_INET);
	assert_int_equal(nla_get_u8(d[IPVS_DEST_ATTR_TUN_TYPE]), IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(nla_get_u16(d[IPVS_DEST_ATTR_TUN_PORT]), htons(6080));
	assert_int_equal(nla_get_u16(d[IPVS_DEST_ATTR_TUN_FLAGS]), IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);
	nlmsg_free(msg);

	/* No tunnel attributes for other methods (older kernels refuse them). */
	dest.fwd = IP_VS_CONN_F_DROUTE;
	msg = ipvs_build_request(FAMILY, &req);
	nested(msg, IPVS_CMD_ATTR_DEST, d, IPVS_DEST_ATTR_MAX);
	assert_null(d[IPVS_DEST_ATTR_TUN_TYPE]);
	nlmsg_free(msg);
}

/* A NEW_* request has the layout of the kernel's GET_* reply: parse back. */
/* Dumps are requests too: one for the services, one per service for its
 * real servers (naming the service), and the info query. */
static void test_dump_requests(void **state)
{
	struct ipvs_service svc = web();
	struct nl_msg *services = ipvs_build_service_dump(FAMILY);
	struct nl_msg *dests = ipvs_build_dest_dump(FAMILY, &svc);
	struct nl_msg *info = ipvs_build_info_request(FAMILY);
	struct nlattr *a[IPVS_SVC_ATTR_MAX + 1];

	(void)state;
	assert_int_equal(nlmsg_hdr(services)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(services)))->cmd,
			 IPVS_CMD_GET_SERVICE);
	assert_int_equal(nlmsg_hdr(dests)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(dests)))->cmd, IPVS_CMD_GET_DEST);
	nested(dests, IPVS_CMD_ATTR_SERVICE, a, IPVS_SVC_ATTR_MAX);
	assert_int_equal(nla_get_u16(a[IPVS_SVC_ATTR_PORT]), htons(80));
	assert_int_equal(nlmsg_hdr(info)->nlmsg_flags, NLM_F_REQUEST);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(info)))->cmd, IPVS_CMD_GET_INFO);
	nlmsg_free(services);
	nlmsg_free(dests);
	nlmsg_free(info);

	/* One service asked about, not dumped: whether it still exists. */
	struct nl_msg *one = ipvs_build_service_get(FAMILY, &svc);
	assert_int_equal(nlmsg_hdr(one)->nlmsg_flags, NLM_F_REQUEST);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(one)))->cmd, IPVS_CMD_GET_SERVICE);
	nested(one, IPVS_CMD_ATTR_SERVICE, a, IPVS_SVC_ATTR_MAX);
	assert_int_equal(nla_get_u16(a[IPVS_SVC_ATTR_PORT]), htons(80));
	assert_null(a[IPVS_SVC_ATTR_SCHED_NAME]);
	nlmsg_free(one);
}

static void test_parse_back(void **state)
{
	struct ipvs_service svc = web(), out_svc;
	struct ipvs_dest dest = { .port = 80, .fwd = IP_VS_CONN_F_MASQ, .weight = 0 }, out_dest;
	struct ipvs_request add_svc = { .op = IPVS_OP_NEW_SERVICE, .service = &svc };
	struct ipvs_request add_dest = { .op = IPVS_OP_NEW_DEST, .service = &svc, .dest = &dest };
	struct nl_msg *msg;

	(void)state;
	dest.addr = ip("10.10.10.12");
	msg = ipvs_build_request(FAMILY, &add_svc);
	assert_int_equal(ipvs_parse_service(nlmsg_hdr(msg), &out_svc), 0);
	assert_true(ipvs_same_service(&svc, &out_svc));
	assert_false(ipvs_service_differs(&svc, &out_svc));
	nlmsg_free(msg);
	msg = ipvs_build_request(FAMILY, &add_dest);
	assert_int_equal(ipvs_parse_dest(nlmsg_hdr(msg), AF_INET, &out_dest), 0);
	assert_true(ipvs_same_dest(&dest, &out_dest));
	assert_false(ipvs_dest_differs(&dest, &out_dest));
	nlmsg_free(msg);
}

/* Every size of message too small for a request: an error (negative, as
 * callers test), never a truncated request reported as filled and sent. */
static void test_too_small_message(void **state)
{
	struct ipvs_service svc = web();
	struct ipvs_dest dest = { .port = 80, .fwd = IP_VS_CONN_F_TUNNEL, .weight = 3,
				  .u_threshold = 100, .l_threshold = 10,
				  .tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE,
				  .tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM };
	const struct ipvs_request requests[] = {
		{ .op = IPVS_OP_NEW_DEST, .service = &svc, .dest = &dest },
		{ .op = IPVS_OP_SET_SERVICE, .service = &svc },
	};

	(void)state;
	dest.addr = ip("10.10.10.11");
	strcpy(svc.pe_name, "sip");
	for (size_t r = 0; r < sizeof(requests) / sizeof(requests[0]); r++) {
		struct nl_msg *full = ipvs_build_request(FAMILY, &requests[r]);
		size_t needed = nlmsg_hdr(full)->nlmsg_len;

		nlmsg_free(full);
		for (size_t room = NLMSG_HDRLEN; room < needed; room++) {
			struct nl_msg *msg = nlmsg_alloc_size(room);
			int err = ipvs_fill_request(msg, FAMILY, &requests[r]);
			if (err >= 0)
				fail_msg("request %zu in %zu of %zu bytes: %d, not an error", r, room,
					 needed, err);
			nlmsg_free(msg);
		}
		struct nl_msg *msg = nlmsg_alloc_size(needed);
		assert_int_equal(ipvs_fill_request(msg, FAMILY, &requests[r]), 0);
		assert_int_equal(nlmsg_hdr(msg)->nlmsg_len, needed);
		nlmsg_free(msg);
	}
}

static void test_listing_order(void **state)
{
	struct ipvs_service a = web(), b = web(), mark = { .af = AF_INET, .fwmark = 1 };

	(void)state;
	b.port = 443;
	assert_true(ipvs_service_order(&a, &b) < 0);
	/* a firewall mark sorts after every address (fwmark compared first) */
	assert_true(ipvs_service_order(&mark, &a) > 0);
	/* ipvsadm's unsigned subtraction read as signed: 200.x sorts before 10.x */
	b = web();
	b.addr = ip("10.0.0.1");
	a.addr = ip("200.0.0.1");
	assert_true(ipvs_service_order(&a, &b) < 0);
}

/* The persistence engine rides with the settings (a SET_SERVICE without
 * it would take the kernel's engine away) and is read back from replies. */
static void test_persistence_engine(void **state)
{
	struct ipvs_service svc = web(), back;
	struct ipvs_request req = { .op = IPVS_OP_SET_SERVICE, .service = &svc };
	struct nlattr *a[IPVS_SVC_ATTR_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	msg = ipvs_build_request(FAMILY, &req);
	nested(msg, IPVS_CMD_ATTR_SERVICE, a, IPVS_SVC_ATTR_MAX);
	assert_null(a[IPVS_SVC_ATTR_PE_NAME]);
	nlmsg_free(msg);
	strcpy(svc.pe_name, "sip");
	msg = ipvs_build_request(FAMILY, &req);
	nested(msg, IPVS_CMD_ATTR_SERVICE, a, IPVS_SVC_ATTR_MAX);
	assert_non_null(a[IPVS_SVC_ATTR_PE_NAME]);
	assert_string_equal(nla_get_string(a[IPVS_SVC_ATTR_PE_NAME]), "sip");
	assert_int_equal(ipvs_parse_service(nlmsg_hdr(msg), &back), 0);
	assert_string_equal(back.pe_name, "sip");
	assert_false(ipvs_service_differs(&svc, &back));
	back.pe_name[0] = '\0';
	assert_true(ipvs_service_differs(&svc, &back));
	nlmsg_free(msg);
}

/* A destination reply with counters in NEST (STATS64 or the older STATS,
 * which carries its counts and rates in 32 bits, its bytes in 64), or
 * both. */
static struct nl_msg *dest_reply(bool wide, bool narrow)
{
	struct nl_msg *msg = nlmsg_alloc();
	uint8_t addr[16] = { 10, 10, 10, 11 };
	struct nlattr *dest, *stats;

	assert_non_null(genlmsg_put(msg, 0, 0, FAMILY, 0, 0, IPVS_CMD_NEW_DEST, IPVS_GENL_VERSION));
	dest = nla_nest_start(msg, IPVS_CMD_ATTR_DEST);
	nla_put(msg, IPVS_DEST_ATTR_ADDR, sizeof(addr), addr);
	nla_put_u16(msg, IPVS_DEST_ATTR_PORT, htons(80));
	if (wide) {
		stats = nla_nest_start(msg, IPVS_DEST_ATTR_STATS64);
		nla_put_u64(msg, IPVS_STATS_ATTR_CONNS, 5000000000ULL);
		nla_put_u64(msg, IPVS_STATS_ATTR_INPKTS, 7);
		nla_put_u64(msg, IPVS_STATS_ATTR_INBYTES, 123456789012ULL);
		nla_put_u64(msg, IPVS_STATS_ATTR_OUTBPS, 9);
		nla_nest_end(msg, stats);
	}
	if (narrow) {
		stats = nla_nest_start(msg, IPVS_DEST_ATTR_STATS);
		nla_put_u32(msg, IPVS_STATS_ATTR_CONNS, 11);
		nla_put_u32(msg, IPVS_STATS_ATTR_OUTPKTS, 12);
		nla_put_u64(msg, IPVS_STATS_ATTR_OUTBYTES, 6000000000ULL);
		nla_put_u32(msg, IPVS_STATS_ATTR_CPS, 13);
		nla_nest_end(msg, stats);
	}
	nla_nest_end(msg, dest);
	return msg;
}

static void test_counters(void **state)
{
	struct ipvs_dest out;
	struct nl_msg *msg;

	(void)state;
	msg = dest_reply(true, true);
	assert_int_equal(ipvs_parse_dest(nlmsg_hdr(msg), AF_INET, &out), 0);
	/* The 64-bit nest when there is one. */
	assert_true(out.stats.conns == 5000000000ULL);
	assert_int_equal(out.stats.inpkts, 7);
	assert_true(out.stats.inbytes == 123456789012ULL);
	assert_int_equal(out.stats.outbps, 9);
	assert_int_equal(out.stats.cps, 0);
	nlmsg_free(msg);
	msg = dest_reply(false, true);
	assert_int_equal(ipvs_parse_dest(nlmsg_hdr(msg), AF_INET, &out), 0);
	assert_int_equal(out.stats.conns, 11);
	assert_int_equal(out.stats.outpkts, 12);
	assert_true(out.stats.outbytes == 6000000000ULL);
	assert_int_equal(out.stats.cps, 13);
	nlmsg_free(msg);
	msg = dest_reply(false, false);
	assert_int_equal(ipvs_parse_dest(nlmsg_hdr(msg), AF_INET, &out), 0);
	assert_int_equal(out.stats.conns, 0);
	nlmsg_free(msg);
}

/* ipvsadm --set TCP 0 UDP: three top-level attributes, 0 for one left. */
static void test_timeouts(void **state)
{
	struct ipvs_timeouts want = { .tcp = 1200, .tcpfin = 0, .udp = 45 }, back;
	struct ipvs_request set = { .op = IPVS_OP_SET_TIMEOUTS, .timeouts = &want };
	struct nlattr *a[IPVS_CMD_ATTR_MAX + 1];
	struct nl_msg *msg = ipvs_build_request(FAMILY, &set);

	(void)state;
	assert_non_null(msg);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd,
			 IPVS_CMD_SET_CONFIG);
	assert_true(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, a, IPVS_CMD_ATTR_MAX, NULL), 0);
	assert_int_equal(nla_get_u32(a[IPVS_CMD_ATTR_TIMEOUT_TCP]), 1200);
	assert_int_equal(nla_get_u32(a[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]), 0);
	assert_int_equal(nla_get_u32(a[IPVS_CMD_ATTR_TIMEOUT_UDP]), 45);
	/* The kernel's GET_CONFIG reply has the same attributes. */
	assert_int_equal(ipvs_parse_timeouts(nlmsg_hdr(msg), &back), 0);
	assert_int_equal(back.tcp, 1200);
	assert_int_equal(back.udp, 45);
	nlmsg_free(msg);
	msg = ipvs_build_timeouts_request(FAMILY);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd,
			 IPVS_CMD_GET_CONFIG);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_service),
		cmocka_unit_test(test_delete_is_key_only),
		cmocka_unit_test(test_new_dest),
		cmocka_unit_test(test_dump_requests),
		cmocka_unit_test(test_parse_back),
		cmocka_unit_test(test_listing_order),
		cmocka_unit_test(test_too_small_message),
		cmocka_unit_test(test_persistence_engine),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_timeouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
