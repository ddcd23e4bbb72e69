/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the PL031 RTC (devices/pl031.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/pl031.h"

struct ctx {
	struct pl031 p;
	int64_t now;
};

static int64_t host_now(void *opaque)
{
	const struct ctx *c = opaque;
	return c->now;
}

static int setup(void **state)
{
	struct ctx *c = test_calloc(1, sizeof(*c));
	struct pl031_host h = {.now = host_now, .opaque = c};
	if (!c)
		return -1;
	c->now = 1700000000;
	if (pl031_init(&c->p, &h)) {
		test_free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	pl031_destroy(&c->p);
	test_free(c);
	return 0;
}

static uint32_t rd(struct ctx *c, uint64_t off)
{
	return (uint32_t)pl031_ops.read(&c->p, off, 4);
}

static void wr(struct ctx *c, uint64_t off, uint32_t v)
{
	pl031_ops.write(&c->p, off, 4, v);
}

/* The AMBA bus identifies the device by these (Linux's rtc-pl031 binds
 * to peripheral ID 0x00041031). */
static void test_ids(void **state)
{
	struct ctx *c = *state;
	static const uint32_t id[8] = {0x31, 0x10, 0x14, 0x00,
				       0x0d, 0xf0, 0x05, 0xb1};
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(c, 0xfe0 + 4 * i), id[i]);
}

static void test_time_follows_host(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(rd(c, 0x000), 1700000000u);
	c->now += 61;
	assert_int_equal(rd(c, 0x000), 1700000061u);
	assert_int_equal(rd(c, 0x00c), 1); /* CR: running */
	wr(c, 0x000, 5);		   /* DR is read-only */
	assert_int_equal(rd(c, 0x000), 1700000061u);
}

static void test_load_sets_time(void **state)
{
	struct ctx *c = *state;
	wr(c, 0x008, 1000);
	assert_int_equal(rd(c, 0x000), 1000);
	assert_int_equal(rd(c, 0x008), 1000);
	c->now += 7;
	assert_int_equal(rd(c, 0x000), 1007);
	/* Past 2^32 - 1 the 32-bit counter wraps. */
	wr(c, 0x008, 0xfffffffeu);
	c->now += 3;
	assert_int_equal(rd(c, 0x000), 1);
}

static void test_match_and_irq_regs(void **state)
{
	struct ctx *c = *state;
	wr(c, 0x004, 1234);
	assert_int_equal(rd(c, 0x004), 1234);
	wr(c, 0x010, 0xffffffffu);
	assert_int_equal(rd(c, 0x010), 1); /* IMSC: one bit */
	/* No alarm is modelled: nothing is ever raised. */
	wr(c, 0x008, 1234);
	assert_int_equal(rd(c, 0x014), 0);
	assert_int_equal(rd(c, 0x018), 0);
	wr(c, 0x01c, 1); /* ICR: write-only */
	assert_int_equal(rd(c, 0x01c), 0);
}

/* What the contract calls invalid reads 0 and changes nothing. */
static void test_odd_accesses(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(pl031_ops.read(&c->p, 0x000, 1), 0);
	assert_int_equal(pl031_ops.read(&c->p, 0x002, 4), 0);
	assert_int_equal(pl031_ops.read(&c->p, 0x800, 4), 0);
	assert_int_equal(pl031_ops.read(&c->p, 0x1000, 4), 0);
	pl031_ops.write(&c->p, 0x008, 2, 5);
	pl031_ops.write(&c->p, 0x009, 4, 5);
	assert_int_equal(rd(c, 0x000), 1700000000u);
	assert_int_equal(rd(c, 0x008), 0);
}

static void test_reset(void **state)
{
	struct ctx *c = *state;
	wr(c, 0x008, 42);
	wr(c, 0x004, 9);
	wr(c, 0x010, 1);
	pl031_ops.reset(&c->p);
	assert_int_equal(rd(c, 0x000), 1700000000u);
	assert_int_equal(rd(c, 0x004), 0);
	assert_int_equal(rd(c, 0x010), 0);
}

static void test_init_needs_clock(void **state)
{
	(void)state;
	struct pl031 p;
	struct pl031_host h = {0};
	assert_int_equal(pl031_init(&p, &h), -EINVAL);
	assert_int_equal(pl031_init(&p, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_time_follows_host, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_load_sets_time, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_match_and_irq_regs, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_odd_accesses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
	    cmocka_unit_test(test_init_needs_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
