/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the debug-exit port (devices/debug_exit.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/debug_exit.h"

struct seen {
	unsigned calls;
	uint8_t last;
};

static void on_exit_cb(void *opaque, uint8_t value)
{
	struct seen *s = opaque;

	s->calls++;
	s->last = value;
}

static void test_sizes(void **state)
{
	struct seen s = { 0 };
	struct debug_exit d = { .exit = on_exit_cb, .opaque = &s };

	(void)state;
	debug_exit_ops.write(&d, 0, 1, 0x2a);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.last, 0x2a);
	debug_exit_ops.write(&d, 0, 2, 0x0107);
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.last, 0x07);
	debug_exit_ops.write(&d, 0, 4, 0xdeadbe03);
	assert_int_equal(s.calls, 3);
	assert_int_equal(s.last, 0x03);
	debug_exit_ops.write(&d, 0, 8, 0xffffffffffffff00ULL);
	assert_int_equal(s.calls, 4);
	assert_int_equal(s.last, 0x00);
}

static void test_reads_zero(void **state)
{
	struct seen s = { 0 };
	struct debug_exit d = { .exit = on_exit_cb, .opaque = &s };

	(void)state;
	assert_int_equal(debug_exit_ops.read(&d, 0, 1), 0);
	assert_int_equal(debug_exit_ops.read(&d, 0, 4), 0);
	assert_int_equal(s.calls, 0);
	assert_null(debug_exit_ops.reset);
}

static void test_null_callback(void **state)
{
	struct debug_exit d = { .exit = NULL, .opaque = NULL };

	(void)state;
	debug_exit_ops.write(&d, 0, 1, 1); /* ignored, must not crash */
	assert_int_equal(debug_exit_ops.read(&d, 0, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_reads_zero),
		cmocka_unit_test(test_null_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
