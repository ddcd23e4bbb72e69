/* SPDX-License-Identifier: Apache-2.0 */
/* restart_next: rapid resets back off, then give up; long runs reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vmm/app/restart.h"
#include "vmm/vm/config.h"

static void test_backoff_then_give_up(void **state)
{
	(void)state;
	struct restart_policy p;
	restart_init(&p, 10);
	static const long want[] = {0, 100, 200, 400, 800, 1600, 3200, 5000,
				    5000, 5000};
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(restart_next(&p, 10), want[i]);
	assert_int_equal(restart_next(&p, 10), -1);
	assert_int_equal(p.rapid, 11);
}

static void test_long_run_starts_over(void **state)
{
	(void)state;
	struct restart_policy p;
	restart_init(&p, 2);
	assert_int_equal(restart_next(&p, 0), 0);
	assert_int_equal(restart_next(&p, CONFIG_RESTART_QUICK_MS - 1), 100);
	/* An ordinary reboot after a long run: at once, count cleared. */
	assert_int_equal(restart_next(&p, CONFIG_RESTART_QUICK_MS), 0);
	assert_int_equal(p.rapid, 0);
	assert_int_equal(restart_next(&p, 5), 0);
	assert_int_equal(restart_next(&p, 5), 100);
	assert_int_equal(restart_next(&p, 5), -1);
	/* Long runs are always restarted, however many. */
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(restart_next(&p, UINT64_MAX), 0);
}

static void test_zero_means_no_rapid_restart(void **state)
{
	(void)state;
	struct restart_policy p;
	restart_init(&p, 0);
	assert_int_equal(restart_next(&p, 1), -1);
	restart_init(&p, 0);
	assert_int_equal(restart_next(&p, CONFIG_RESTART_QUICK_MS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backoff_then_give_up),
	    cmocka_unit_test(test_long_run_starts_over),
	    cmocka_unit_test(test_zero_means_no_rapid_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
