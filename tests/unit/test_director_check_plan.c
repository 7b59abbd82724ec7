/* Which checks a configuration asks for: one per distinct target and way
 * of checking it, answering for every service that names it. */
#include "fixtures.h"
#include "unit.h"

#include <string.h>

#include "director/check_plan.h"
#include "director/config.h"

static size_t refs_of(const struct check_plan *plan, size_t id)
{
	size_t n = 0;

	for (size_t r = plan->first[id]; r != CHECK_REF_END; r = plan->refs[r].next)
		n++;
	return n;
}

static void test_one_check_per_target(void **state)
{
	struct parsed p;
	struct check_plan plan;

	(void)state;
	/* A tcp service and a fwmark service on the same real servers and
	 * port: checked once each; a third service checks another port. */
	parse_config(&p, "d.conf",
		     "[service web]\nvirtual = tcp 192.0.2.1:80\ncheck = tcp\n"
		     "realserver = 10.0.0.1:80\nrealserver = 10.0.0.2:80\n"
		     "[service marked]\nvirtual = fwmark 5\ncheck = tcp\ncheck_port = 80\n"
		     "realserver = 10.0.0.1\nrealserver = 10.0.0.2\n"
		     "[service alt]\nvirtual = tcp 192.0.2.1:8080\ncheck = tcp\n"
		     "realserver = 10.0.0.1:8080\n"
		     "[service plain]\nvirtual = tcp 192.0.2.2:80\n"
		     "realserver = 10.0.0.1:80\n");
	print_diagnostics(&p.diag);
	assert_int_equal(p.ret, 0);
	check_plan_build(director_config_of(&p.cfg), &plan);
	assert_int_equal(plan.count, 3);
	assert_int_equal(plan.ref_count, 5);
	assert_int_equal(refs_of(&plan, 0), 2);		/* 10.0.0.1:80: web and marked */
	assert_int_equal(refs_of(&plan, 1), 2);
	assert_int_equal(refs_of(&plan, 2), 1);		/* 10.0.0.1:8080 */
	assert_int_equal(plan.refs[plan.first[0]].svc, 0);
	assert_int_equal(plan.refs[plan.refs[plan.first[0]].next].svc, 1);
	assert_int_equal(plan.specs[2].port, 8080);
	check_plan_free(&plan);
	release_config(&p);
}

static void test_other_interval_is_another_check(void **state)
{
	struct parsed p;
	struct check_plan plan;

	(void)state;
	parse_config(&p, "d.conf",
		     "[service a]\nvirtual = tcp 192.0.2.1:80\ncheck = tcp\ncheck_interval = 2\n"
		     "realserver = 10.0.0.1:80\n"
		     "[service b]\nvirtual = tcp 192.0.2.2:80\ncheck = tcp\ncheck_interval = 3\n"
		     "realserver = 10.0.0.1:80\n");
	assert_int_equal(p.ret, 0);
	check_plan_build(director_config_of(&p.cfg), &plan);
	assert_int_equal(plan.count, 2);
	check_plan_free(&plan);
	release_config(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_check_per_target),
		cmocka_unit_test(test_other_interval_is_another_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
