/* The repair log's rate limit: N lines per window, the rest counted and
 * reported once the window is over. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log_budget.h"

/* What the calls between begin and end wrote on stderr. */
static int saved_stderr = -1;
static FILE *captured;

static void capture_begin(void)
{
	captured = tmpfile();
	assert_non_null(captured);
	fflush(stderr);
	saved_stderr = dup(2);
	dup2(fileno(captured), 2);
}

static char *capture_end(void)
{
	static char text[4096];
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	rewind(captured);
	n = fread(text, 1, sizeof(text) - 1, captured);
	text[n] = '\0';
	fclose(captured);
	return text;
}

static unsigned count_lines(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *at = text; (at = strstr(at, needle)); at++)
		n++;
	return n;
}

static void test_window(void **state)
{
	struct log_budget budget = { .per_window = 3, .window_usec = 1000 };
	uint64_t t = 5000;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_true(log_budget_allow(&budget, t + (uint64_t)i));
	assert_false(log_budget_allow(&budget, t + 10));
	assert_false(log_budget_allow(&budget, t + 20));
	/* nothing to report while the window lasts */
	assert_int_equal(log_budget_take_suppressed(&budget, t + 500), 0);
	/* the window ends: two were suppressed, said once */
	assert_int_equal(log_budget_take_suppressed(&budget, t + 1000), 2);
	assert_int_equal(log_budget_take_suppressed(&budget, t + 1001), 0);
	assert_true(log_budget_allow(&budget, t + 1002));
}

static void test_report_after_quiet_time(void **state)
{
	struct log_budget budget = { .per_window = 1, .window_usec = 1000 };

	(void)state;
	assert_true(log_budget_allow(&budget, 2000));
	assert_false(log_budget_allow(&budget, 2001));
	/* long after, the next line first learns of the one suppressed */
	assert_true(log_budget_allow(&budget, 90000));
	assert_int_equal(log_budget_take_suppressed(&budget, 90001), 1);
}

/* The lines a daemon logs through it: PER_WINDOW of them, then the count
 * of the rest, once, when the window is over (at the next line or a flush). */
static void test_lines_and_summary(void **state)
{
	struct log_budget budget = { .per_window = 2, .window_usec = 2000000,
				     .what = "repair message", .hint = "someone undoes it" };
	char *text;

	(void)state;
	unsetenv("JOURNAL_STREAM");
	capture_begin();
	for (int i = 0; i < 5; i++)
		log_budget_line(&budget, 100 + (uint64_t)i, LOG_LEVEL_INFO, "repair: vip %d", i);
	log_budget_flush(&budget, 1900000);	/* the window lasts: nothing yet */
	log_budget_flush(&budget, 2000200);
	log_budget_flush(&budget, 2000300);	/* said once */
	log_budget_line(&budget, 2000400, LOG_LEVEL_ERROR, "repair failed: vip %d", 9);
	text = capture_end();
	assert_int_equal(count_lines(text, "lvsagent: repair: vip "), 2);
	assert_non_null(strstr(text, "lvsagent: warning: 3 more repair messages were not logged "
				     "(at most 2 per 2 s): someone undoes it\n"));
	assert_int_equal(count_lines(text, "not logged"), 1);
	assert_non_null(strstr(text, "lvsagent: error: repair failed: vip 9\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_report_after_quiet_time),
		cmocka_unit_test(test_lines_and_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
