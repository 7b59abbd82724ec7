/* check = dns through the real checker, against DNS responders of this
 * process on 127.0.0.1 and ::1 that check the query (recursion desired,
 * no EDNS0, the name and type asked) and answer it by hand: an A record
 * passes; SERVFAIL and NXDOMAIN fail with their names, unless dns_rcode
 * asks for that one; NOERROR without a record of the type fails; a reply
 * with another ID is ignored; a closed port is an ICMP port unreachable. */
#include "udp_fixture.h"

#include <arpa/nameser.h>

enum {
	ANSWER_A,		/* NOERROR, one A record (whatever the type asked) */
	SAYS_SERVFAIL,
	SAYS_NXDOMAIN,
	NODATA,			/* NOERROR, no answer */
	WRONG_ID_FIRST,		/* a SERVFAIL with another ID, then ANSWER_A */
	WRONG_ID_ONLY,		/* a SERVFAIL with another ID, nothing else */
	QUERY_BACK,		/* the query itself (QR not set) */
	GARBAGE,		/* the query's ID, then no DNS message */
};

/* The query IDs the responders saw, in this test. */
static uint16_t ids[16];
static size_t id_count;

/* The query is what the check asks for: one question, recursion desired,
 * nothing else (no OPT record: EDNS0 off). */
static void check_query(const struct fixture *f, const uint8_t *data, size_t len)
{
	ns_msg msg;
	ns_rr question;

	assert_int_equal(ns_initparse(data, (int)len, &msg), 0);
	assert_false(ns_msg_getflag(msg, ns_f_qr));
	assert_int_equal(ns_msg_getflag(msg, ns_f_opcode), ns_o_query);
	assert_true(ns_msg_getflag(msg, ns_f_rd));
	assert_int_equal(ns_msg_count(msg, ns_s_qd), 1);
	assert_int_equal(ns_msg_count(msg, ns_s_an) + ns_msg_count(msg, ns_s_ns) +
				 ns_msg_count(msg, ns_s_ar),
			 0);
	assert_int_equal(ns_parserr(&msg, ns_s_qd, 0, &question), 0);
	assert_string_equal(ns_rr_name(question), f->probe.dns_name);
	assert_int_equal(ns_rr_type(question), f->probe.dns_type);
	assert_int_equal(ns_rr_class(question), ns_c_in);
	assert_true(id_count < sizeof(ids) / sizeof(ids[0]));
	ids[id_count++] = (uint16_t)ns_msg_id(msg);
}

/* Answer QUERY (LEN bytes: its header and question) with ID, QR and RA
 * set, RCODE, and ANSWERS A records for the question's name. */
static void answer(const struct responder *rs, const uint8_t *query, size_t len, unsigned id,
		   unsigned rcode, unsigned answers)
{
	uint8_t out[NS_PACKETSZ], *p = out + len;

	assert_true(len + answers * 16 <= sizeof(out));
	memcpy(out, query, len);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[2] |= 0x80;				/* QR */
	out[3] = (uint8_t)(0x80 | rcode);	/* RA, RCODE */
	out[6] = 0;
	out[7] = (uint8_t)answers;
	for (unsigned i = 0; i < answers; i++) {
		NS_PUT16(0xc000 | NS_HFIXEDSZ, p);	/* the question's name */
		NS_PUT16(ns_t_a, p);
		NS_PUT16(ns_c_in, p);
		NS_PUT32(60, p);
		NS_PUT16(4, p);
		*p++ = 192, *p++ = 0, *p++ = 2, *p++ = (uint8_t)(i + 1);
	}
	reply(rs, out, (size_t)(p - out));
}

static void serve(struct fixture *f, struct responder *rs, const uint8_t *data, size_t len)
{
	unsigned id;

	check_query(f, data, len);
	id = (unsigned)data[0] << 8 | data[1];
	switch (rs->mode) {
	case ANSWER_A:
		answer(rs, data, len, id, ns_r_noerror, 1);
		break;
	case SAYS_SERVFAIL:
		answer(rs, data, len, id, ns_r_servfail, 0);
		break;
	case SAYS_NXDOMAIN:
		answer(rs, data, len, id, ns_r_nxdomain, 0);
		break;
	case NODATA:
		answer(rs, data, len, id, ns_r_noerror, 0);
		break;
	case WRONG_ID_FIRST:
		answer(rs, data, len, (id + 1) & 0xffff, ns_r_servfail, 0);
		answer(rs, data, len, id, ns_r_noerror, 1);
		break;
	case WRONG_ID_ONLY:
		answer(rs, data, len, (id + 1) & 0xffff, ns_r_servfail, 0);
		break;
	case QUERY_BACK:
		reply(rs, data, len);
		break;
	case GARBAGE:
		reply(rs, data, 7);
		break;
	}
}

/* The checks ask for NAME's TYPE records. */
static void ask(struct fixture *f, const char *name, unsigned type)
{
	f->serve = serve;
	snprintf(f->probe.dns_name, sizeof(f->probe.dns_name), "%s", name);
	f->probe.dns_type = (uint16_t)type;
	id_count = 0;
}

/* The next verdicts come from new checks. */
static void again(struct fixture *f)
{
	checker_set(f->checker, NULL, 0);
	f->count = 0;
}

static void expect_dns(struct fixture *f, int mode, uint32_t timeout_ms, bool passed,
		       const char *text)
{
	uint32_t max_us = passed || strncmp(text, "no answer", 9) ? 100000 : 150000;

	expect_both(f, CHECK_DNS, responder(f, AF_INET, mode), responder(f, AF_INET6, mode),
		    timeout_ms, passed, text, 0, max_us);
}

static void test_answer_passes(void **state)
{
	struct fixture *f = *state;

	ask(f, "www.example.com", ns_t_a);
	expect_dns(f, ANSWER_A, 500, true, "dns NOERROR, 1 answer");
	assert_int_equal(id_count, 2);
}

static void test_servfail_fails(void **state)
{
	struct fixture *f = *state;

	ask(f, "www.example.com", ns_t_a);
	expect_dns(f, SAYS_SERVFAIL, 500, false, "dns: SERVFAIL");
}

/* NXDOMAIN fails, unless dns_rcode asks for it; then NOERROR fails. */
static void test_nxdomain(void **state)
{
	struct fixture *f = *state;

	ask(f, "gone.example.com", ns_t_a);
	expect_dns(f, SAYS_NXDOMAIN, 500, false, "dns: NXDOMAIN");
	again(f);
	f->probe.dns_rcode = ns_r_nxdomain;
	expect_dns(f, SAYS_NXDOMAIN, 500, true, "dns NXDOMAIN, 0 answers");
	again(f);
	expect_dns(f, ANSWER_A, 500, false, "dns: NOERROR, not NXDOMAIN");
}

/* NOERROR passes with a record of the type asked only: none, or only
 * records of another type, fail; ANY takes any record. */
static void test_answer_of_the_type(void **state)
{
	struct fixture *f = *state;

	ask(f, "www.example.com", ns_t_a);
	expect_dns(f, NODATA, 500, false, "dns: no A answer");
	again(f);
	ask(f, "www.example.com", ns_t_aaaa);
	expect_dns(f, ANSWER_A, 500, false, "dns: no AAAA answer");
	again(f);
	ask(f, "www.example.com", ns_t_any);
	expect_dns(f, ANSWER_A, 500, true, "dns NOERROR, 1 answer");
	again(f);
	ask(f, "www.example.com", ns_t_any);
	expect_dns(f, NODATA, 500, false, "dns: no ANY answer");
}

/* A reply with another ID is not the answer: the check waits on, for the
 * answer or its timeout. */
static void test_wrong_id_ignored(void **state)
{
	struct fixture *f = *state;

	ask(f, "www.example.com", ns_t_a);
	expect_dns(f, WRONG_ID_FIRST, 500, true, "dns NOERROR, 1 answer");
	again(f);
	expect_dns(f, WRONG_ID_ONLY, 100, false, "no answer within 100 ms");
	assert_true(first_of(f, 0)->latency_us >= 100000);
}

static void test_bad_replies(void **state)
{
	struct fixture *f = *state;

	ask(f, "www.example.com", ns_t_a);
	expect_dns(f, GARBAGE, 500, false, "dns: unparseable reply");
	again(f);
	expect_dns(f, QUERY_BACK, 500, false, "dns: reply is a query (QR not set)");
}

static void test_closed_port_fails(void **state)
{
	struct fixture *f = *state;

	ask(f, "www.example.com", ns_t_a);
	expect_both(f, CHECK_DNS, closed_port(f, AF_INET), closed_port(f, AF_INET6), 500, false,
		    "udp: port unreachable", 0, 100000);
}

/* Each query has an ID of its own (random: eight of them are not all
 * the same, bar a chance of 2^-112). */
static void test_query_ids(void **state)
{
	struct fixture *f = *state;
	uint16_t port = responder(f, AF_INET, ANSWER_A);
	struct check_spec specs[8];
	size_t same = 1;

	ask(f, "www.example.com", ns_t_a);
	for (size_t id = 0; id < 8; id++)
		specs[id] = probe_spec(f, CHECK_DNS, AF_INET, port, 500);
	expect_verdicts(f, specs, 8, true, "dns NOERROR, 1 answer", 0, 100000);
	assert_int_equal(id_count, 8);
	for (size_t i = 1; i < id_count; i++)
		same += ids[i] == ids[0];
	assert_true(same < 8);
}

static void test_no_name(void **state)
{
	struct fixture *f = *state;

	ask(f, "", ns_t_a);
	expect_both(f, CHECK_DNS, silent_port(f, AF_INET), silent_port(f, AF_INET6), 500, false,
		    "dns: no dns_name to ask for", 0, 100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_answer_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_servfail_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nxdomain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer_of_the_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_id_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_replies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_port_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_name, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
