/* check = udp through the real checker, against responders of this
 * process on 127.0.0.1 and ::1: an echo passes, with udp_expect too; a
 * reply without udp_expect fails at once; silence passes without
 * udp_expect (the probe says so before the checker's deadline) and times
 * out with it; a closed port (ICMP port unreachable) fails either way. */
#include "udp_fixture.h"

enum { ECHO, WRONG };

/* Each responder gets the check's udp_send as it is, and echoes it or
 * answers something else. */
static void serve(struct fixture *f, struct responder *rs, const uint8_t *data, size_t len)
{
	assert_int_equal(len, f->probe.udp_send_len);
	if (len)
		assert_memory_equal(data, f->probe.udp_send, len);
	if (rs->mode == ECHO)
		reply(rs, data, len);
	else
		reply(rs, "NOPE", 4);
}

/* The checks send SEND (LEN bytes) and, unless EXPECT is NULL, want
 * EXPECT (EXPECT_LEN bytes) in the reply. */
static void payload(struct fixture *f, const void *send, size_t len, const void *expect,
		    size_t expect_len)
{
	f->serve = serve;
	memcpy(f->probe.udp_send, send, len);
	f->probe.udp_send_len = len;
	f->probe.udp_expect_given = expect != NULL;
	if (expect)
		memcpy(f->probe.udp_expect, expect, expect_len);
	f->probe.udp_expect_len = expect_len;
}

static void test_echo_passes(void **state)
{
	struct fixture *f = *state;

	payload(f, "ping\n", 5, NULL, 0);
	expect_both(f, CHECK_UDP, responder(f, AF_INET, ECHO), responder(f, AF_INET6, ECHO), 500,
		    true, "udp reply, 5 bytes", 0, 100000);
	assert_int_equal(f->responders[0].requests, 1);
	assert_int_equal(f->responders[1].requests, 1);
}

static void test_echo_with_expect_passes(void **state)
{
	struct fixture *f = *state;

	payload(f, "hello world", 11, "world", 5);
	expect_both(f, CHECK_UDP, responder(f, AF_INET, ECHO), responder(f, AF_INET6, ECHO), 500,
		    true, "udp reply with the expected text, 11 bytes", 0, 100000);
}

/* udp_expect is bytes, not a string: NULs in the payload and the text. */
static void test_expect_binary(void **state)
{
	struct fixture *f = *state;
	static const uint8_t send[] = { 0x00, 0xff, 0x00, 0x41 }, expect[] = { 0xff, 0x00, 0x41 };

	payload(f, send, sizeof(send), expect, sizeof(expect));
	expect_both(f, CHECK_UDP, responder(f, AF_INET, ECHO), responder(f, AF_INET6, ECHO), 500,
		    true, "udp reply with the expected text, 4 bytes", 0, 100000);
}

static void test_empty_datagram(void **state)
{
	struct fixture *f = *state;

	payload(f, "", 0, NULL, 0);
	expect_both(f, CHECK_UDP, responder(f, AF_INET, ECHO), responder(f, AF_INET6, ECHO), 500,
		    true, "udp reply, 0 bytes", 0, 100000);
}

/* A wrong reply fails at once, long before the timeout. */
static void test_wrong_reply_fails(void **state)
{
	struct fixture *f = *state;

	payload(f, "ping", 4, "pong", 4);
	expect_both(f, CHECK_UDP, responder(f, AF_INET, WRONG), responder(f, AF_INET6, WRONG),
		    500, false, "udp: reply lacks the expected text", 0, 100000);
}

/* Without udp_expect, silence passes, said by the probe a tenth of the
 * timeout before the checker's deadline. */
static void test_silence_passes_without_expect(void **state)
{
	struct fixture *f = *state;

	payload(f, "ping", 4, NULL, 0);
	expect_both(f, CHECK_UDP, silent_port(f, AF_INET), silent_port(f, AF_INET6), 100, true,
		    "udp: no reply, no ICMP error (passes)", 85000, 99999);
}

static void test_silence_fails_with_expect(void **state)
{
	struct fixture *f = *state;

	payload(f, "ping", 4, "pong", 4);
	expect_both(f, CHECK_UDP, silent_port(f, AF_INET), silent_port(f, AF_INET6), 100, false,
		    "no answer within 100 ms", 100000, 150000);
}

/* The ICMP port unreachable fails the check, with udp_expect or without
 * (where silence would pass). */
static void test_closed_port_fails(void **state)
{
	struct fixture *f = *state;

	payload(f, "ping", 4, NULL, 0);
	expect_both(f, CHECK_UDP, closed_port(f, AF_INET), closed_port(f, AF_INET6), 500, false,
		    "udp: port unreachable", 0, 100000);
	f->count = 0;
	checker_set(f->checker, NULL, 0);
	payload(f, "ping", 4, "pong", 4);
	expect_both(f, CHECK_UDP, closed_port(f, AF_INET), closed_port(f, AF_INET6), 500, false,
		    "udp: port unreachable", 0, 100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_echo_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_with_expect_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expect_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_datagram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_reply_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_passes_without_expect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_fails_with_expect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_port_fails, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
