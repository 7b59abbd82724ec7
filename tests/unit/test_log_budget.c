/* The repair log's rate limit: N lines per window, the rest counted and
 * reported once the window is over. */
#include "unit.h"

#include "lib/log_budget.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_report_after_quiet_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
