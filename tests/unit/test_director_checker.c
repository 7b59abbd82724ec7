/* The TCP checker against loopback listeners of this process: verdicts
 * (ok, refused, no answer), the schedule (spread, no drift, no burst after
 * a stall, checks due close together started together) and what
 * checker_set keeps. A target that never answers is a
 * listener whose accept queue is full: Linux drops the SYNs it gets (no
 * root, no route needed; TEST-NET addresses are routed on some hosts). */
#include "unit.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "checker_loop.h"
#include "director/checker.h"

/* How far a result may come after its place on the grid: the timer and
 * the loop's wake-up take below 0.5 ms here, a few ms at times on a busy
 * machine; what the schedule tests tell apart is 100 ms or more. */
#define SLACK_US 25000	/* a loaded machine (make -j, a VM) wakes late */

struct result {
	size_t id;
	bool passed;
	char text[96];
	uint32_t latency_us;
	uint64_t at_us;
};

struct fixture {
	int epoll_fd;
	struct checker *checker;
	struct result results[320];
	size_t count;
	int fds[8];		/* listeners and their clients, closed at the end */
	size_t fd_count;
};

static void on_done(void *user, size_t id, bool passed, const char *text, uint32_t latency_us)
{
	struct fixture *f = user;
	struct result *r;

	assert_true(f->count < sizeof(f->results) / sizeof(f->results[0]));
	r = &f->results[f->count++];
	*r = (struct result){ .id = id, .passed = passed, .latency_us = latency_us,
			      .at_us = now_us() };
	snprintf(r->text, sizeof(r->text), "%s", text);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(f->epoll_fd >= 0);
	f->checker = checker_new(f->epoll_fd, on_done, f);
	assert_non_null(f->checker);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	checker_free(f->checker);
	for (size_t i = 0; i < f->fd_count; i++)
		close(f->fds[i]);
	close(f->epoll_fd);
	free(f);
	return 0;
}

/* Dispatch the checker's events until WANT results in all, or MS pass. */
static void pump(struct fixture *f, size_t want, int ms)
{
	pump_checker(f->epoll_fd, f->checker, &f->count, want, ms);
}

/* --- targets ----------------------------------------------------------------- */

static int keep(struct fixture *f, int fd)
{
	assert_true(fd >= 0);
	assert_true(f->fd_count < sizeof(f->fds) / sizeof(f->fds[0]));
	f->fds[f->fd_count++] = fd;
	return fd;
}

/* loopback_bound, closed at the end. */
static int bound(struct fixture *f, int family, int backlog, uint16_t *port)
{
	return keep(f, loopback_bound(family, backlog, port));
}

/* A port that never answers: a listener with room for one connection in
 * its accept queue, and one there (the listener readable says so). */
static uint16_t silent_port(struct fixture *f, int family)
{
	uint16_t port;
	int listener = bound(f, family, 0, &port);
	int client = keep(f, socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
	struct sockaddr_storage addr;
	socklen_t len = sockaddr_of(family, port, &addr);
	struct pollfd queued = { .fd = listener, .events = POLLIN };

	assert_int_equal(connect(client, (struct sockaddr *)&addr, len), 0);
	assert_int_equal(poll(&queued, 1, 1000), 1);
	return port;
}

static uint16_t open_port(struct fixture *f, int family)
{
	uint16_t port;

	bound(f, family, 128, &port);
	return port;
}

static struct check_spec tcp(int family, uint16_t port, uint32_t interval_ms,
			     uint32_t timeout_ms)
{
	return (struct check_spec){ .kind = CHECK_TCP, .addr = loopback(family), .port = port,
				    .interval_ms = interval_ms, .timeout_ms = timeout_ms };
}

/* The Nth result (from 0) of check ID, or NULL. */
static const struct result *nth(const struct fixture *f, size_t id, size_t n)
{
	for (size_t i = 0; i < f->count; i++)
		if (f->results[i].id == id && n-- == 0)
			return &f->results[i];
	return NULL;
}

static size_t results_of(const struct fixture *f, size_t id)
{
	size_t n = 0;

	while (nth(f, id, n))
		n++;
	return n;
}

/* A result came at AT_US, within SLACK_US after WANT_US. */
static void assert_at(uint64_t at_us, uint64_t want_us)
{
	if (at_us < want_us || at_us > want_us + SLACK_US)
		fail_msg("a result %+lld us from its time", (long long)(at_us - want_us));
}

/* --- verdicts --------------------------------------------------------------------- */

/* The first results of checks 0 and 1 say PASSED and TEXT, each with a
 * latency from MIN_US to MAX_US; no socket is left open. */
static void expect_verdicts(struct fixture *f, bool passed, const char *text, uint32_t min_us,
			    uint32_t max_us)
{
	pump(f, 2, 1000);
	assert_int_equal(f->count, 2);
	for (size_t id = 0; id < 2; id++) {
		assert_non_null(nth(f, id, 0));
		assert_int_equal(nth(f, id, 0)->passed, passed);
		assert_string_equal(nth(f, id, 0)->text, text);
		assert_in_range(nth(f, id, 0)->latency_us, min_us, max_us);
	}
	assert_int_equal(checker_in_flight(f->checker), 0);
}

static void test_listening_passes(void **state)
{
	struct fixture *f = *state;
	struct check_spec specs[] = { tcp(AF_INET, open_port(f, AF_INET), 1000, 500),
				      tcp(AF_INET6, open_port(f, AF_INET6), 1000, 500) };

	checker_set(f->checker, specs, 2);
	expect_verdicts(f, true, "ok", 0, 500000);
}

static void test_closed_port_refused(void **state)
{
	struct fixture *f = *state;
	uint16_t port4, port6;
	struct check_spec specs[2];

	bound(f, AF_INET, -1, &port4);
	bound(f, AF_INET6, -1, &port6);
	specs[0] = tcp(AF_INET, port4, 1000, 500);
	specs[1] = tcp(AF_INET6, port6, 1000, 500);
	checker_set(f->checker, specs, 2);
	expect_verdicts(f, false, "connect: Connection refused", 0, 500000);
}

/* Two intervals, each the first of its own: both are due at once. */
static void test_silence_times_out(void **state)
{
	struct fixture *f = *state;
	struct check_spec specs[] = { tcp(AF_INET, silent_port(f, AF_INET), 1000, 50),
				      tcp(AF_INET6, silent_port(f, AF_INET6), 900, 50) };

	checker_set(f->checker, specs, 2);
	pump(f, 1, 40);
	assert_int_equal(f->count, 0);
	assert_int_equal(checker_in_flight(f->checker), 2);
	expect_verdicts(f, false, "no answer within 50 ms", 50000, 50000 + 4 * SLACK_US);
}

static void test_none_never_checked(void **state)
{
	struct fixture *f = *state;
	struct check_spec spec = tcp(AF_INET, open_port(f, AF_INET), 10, 5);

	spec.kind = CHECK_NONE;
	checker_set(f->checker, &spec, 1);
	pump(f, 1, 50);
	assert_int_equal(f->count, 0);
	assert_int_equal(checker_in_flight(f->checker), 0);
}

/* --- the schedule ------------------------------------------------------------------- */

/* Ten checks of one interval begin a tenth of it apart, in ID order. */
static void test_first_checks_spread(void **state)
{
	struct fixture *f = *state;
	struct check_spec specs[10];
	uint16_t port = open_port(f, AF_INET);
	uint64_t start = now_us();

	for (size_t id = 0; id < 10; id++)
		specs[id] = tcp(AF_INET, port, 1000, 500);
	checker_set(f->checker, specs, 10);
	pump(f, 10, 1500);
	assert_int_equal(f->count, 10);
	for (size_t id = 0; id < 10; id++)
		assert_at(nth(f, id, 0)->at_us, start + id * 100000);
}

/* Each check is due an interval after its previous due time, not after
 * its verdict: one that takes its whole 30 ms timeout is on the grid too
 * (were the interval counted from the verdict, its fifth would come
 * 120 ms late). */
static void test_no_drift(void **state)
{
	struct fixture *f = *state;
	struct check_spec specs[] = { tcp(AF_INET, open_port(f, AF_INET), 100, 50),
				      tcp(AF_INET, silent_port(f, AF_INET), 100, 30) };
	uint64_t start = now_us();

	checker_set(f->checker, specs, 2);
	pump(f, 10, 1000);
	assert_int_equal(results_of(f, 0), 5);
	assert_int_equal(results_of(f, 1), 5);
	for (size_t n = 0; n < 5; n++) {
		assert_at(nth(f, 0, n)->at_us, start + n * 100000);
		assert_at(nth(f, 1, n)->at_us, start + 50000 + n * 100000 + 30000);
		assert_string_equal(nth(f, 1, n)->text, "no answer within 30 ms");
	}
}

/* A loop blocked for three rounds runs the check once when it wakes, and
 * then on the grid again: no burst of the rounds missed. */
static void test_stall_no_burst(void **state)
{
	struct fixture *f = *state;
	struct check_spec spec = tcp(AF_INET, open_port(f, AF_INET), 100, 50);
	uint64_t start = now_us(), woken;

	checker_set(f->checker, &spec, 1);
	pump(f, 1, 50);
	assert_int_equal(f->count, 1);
	sleep_ms(350);
	woken = now_us();
	pump(f, 3, 40);
	assert_int_equal(f->count, 2);
	assert_at(f->results[1].at_us, woken);
	pump(f, 3, 100);
	assert_int_equal(f->count, 3);
	assert_at(f->results[2].at_us, start + 400000);
}

/* 128 checks of 1 s are due 7.8 ms apart: the timer fires for one, and
 * the next, due within the slack (1 % of the interval, at most 10 ms),
 * starts with it — early, but each stays on its own grid: its next check
 * is due an interval after its place, once (no second start for the
 * round it began early: two results each, a third only for the first ones
 * of round 3, started with the last of round 2). Refused at once: no socket is left in flight. */
#define MANY 128
#define START_SLACK_US 10000
/* Lateness is test_no_drift's; 128 checks in bursts on a busy machine
 * may come later than SLACK_US, and that is not what this tells apart. */
#define BURST_LATE_US 100000

static void test_close_checks_start_together(void **state)
{
	struct fixture *f = *state;
	struct check_spec specs[MANY];
	uint16_t port;
	uint64_t start;
	size_t early = 0;

	bound(f, AF_INET, -1, &port);
	for (size_t id = 0; id < MANY; id++)
		specs[id] = tcp(AF_INET, port, 1000, 500);
	start = now_us();
	checker_set(f->checker, specs, MANY);
	pump(f, 2 * MANY, 2500);
	/* The last of round 2 may bring the first of round 3 with it. */
	assert_true(f->count >= 2 * MANY);
	for (size_t id = 0; id < MANY; id++) {
		uint64_t due = start + id * 1000000u / MANY;

		assert_in_range(results_of(f, id), 2, 3);
		for (size_t n = 0; n < 2; n++) {
			uint64_t at = nth(f, id, n)->at_us, want = due + n * 1000000u;

			if (at < want - START_SLACK_US || at > want + BURST_LATE_US)
				fail_msg("check %zu, round %zu: %+lld us from its place", id, n,
					 (long long)(at - want));
		}
		early += nth(f, id, 0)->at_us < due;
	}
	assert_true(early >= MANY / 4);
}

/* --- checker_set ------------------------------------------------------------------- */

/* The same specs again keep their schedule; a changed one starts afresh. */
static void test_set_keeps_unchanged(void **state)
{
	struct fixture *f = *state;
	uint16_t port = open_port(f, AF_INET);
	struct check_spec specs[] = { tcp(AF_INET, port, 1000, 500), tcp(AF_INET, port, 1000, 500),
				      tcp(AF_INET, port, 10, 5) };
	uint64_t start = now_us(), changed;

	specs[2].kind = CHECK_NONE;
	checker_set(f->checker, specs, 3);
	pump(f, 1, 50);
	assert_int_equal(f->count, 1);
	pump(f, 2, 100);
	checker_set(f->checker, specs, 3);
	pump(f, 3, 600);
	assert_int_equal(f->count, 2);
	assert_int_equal(f->results[1].id, 1);
	assert_at(f->results[1].at_us, start + 500000);
	specs[1].port = open_port(f, AF_INET6);
	specs[1].addr = loopback(AF_INET6);
	changed = now_us();
	checker_set(f->checker, specs, 3);
	pump(f, 3, 100);
	assert_int_equal(f->count, 3);
	assert_int_equal(f->results[2].id, 1);
	assert_at(f->results[2].at_us, changed);
}

/* A check in flight goes on when its spec is unchanged, and is abandoned
 * without a result when its spec changes or goes. */
static void test_set_abandons_changed(void **state)
{
	struct fixture *f = *state;
	struct check_spec spec = tcp(AF_INET, silent_port(f, AF_INET), 1000, 100);
	uint64_t start = now_us();

	checker_set(f->checker, &spec, 1);
	pump(f, 1, 20);
	assert_int_equal(checker_in_flight(f->checker), 1);
	checker_set(f->checker, &spec, 1);
	assert_int_equal(checker_in_flight(f->checker), 1);
	pump(f, 1, 200);
	assert_int_equal(f->count, 1);
	assert_string_equal(f->results[0].text, "no answer within 100 ms");
	assert_at(f->results[0].at_us, start + 100000);
	spec.timeout_ms = 150;
	checker_set(f->checker, &spec, 1);
	pump(f, 2, 20);
	assert_int_equal(checker_in_flight(f->checker), 1);
	spec.timeout_ms = 120;
	checker_set(f->checker, &spec, 1);
	assert_int_equal(checker_in_flight(f->checker), 0);
	pump(f, 2, 20);
	assert_int_equal(checker_in_flight(f->checker), 1);
	checker_set(f->checker, NULL, 0);
	assert_int_equal(checker_in_flight(f->checker), 0);
	pump(f, 2, 200);
	assert_int_equal(f->count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_listening_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_port_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none_never_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_checks_spread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_drift, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stall_no_burst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_checks_start_together, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_keeps_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_abandons_changed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
