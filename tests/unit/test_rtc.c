/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the CMOS RTC (devices/rtc.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/rtc.h"

#define IDX 0
#define DATA 1

struct ctx {
	struct rtc r;
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
	struct rtc_host h = { .now = host_now, .opaque = c };

	if (!c)
		return -1;
	if (rtc_init(&c->r, &h)) {
		test_free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	rtc_destroy(&c->r);
	test_free(c);
	return 0;
}

static uint8_t cmos_rd(struct ctx *c, uint8_t index)
{
	uint64_t v;

	rtc_ops.write(&c->r, IDX, 1, index);
	v = rtc_ops.read(&c->r, DATA, 1);
	assert_true(v <= 0xff);
	return (uint8_t)v;
}

static void cmos_wr(struct ctx *c, uint8_t index, uint8_t val)
{
	rtc_ops.write(&c->r, IDX, 1, index);
	rtc_ops.write(&c->r, DATA, 1, val);
}

struct when {
	int64_t t;
	/* sec, min, hour, wday, mday, month, year, century (decimal) */
	int f[8];
};

static const uint8_t time_regs[8] = {
	0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32
};

static const struct when whens[] = {
	{ 1709214356, { 56, 45, 13, 5, 29, 2, 24, 20 } }, /* leap day */
	{ 4102444799, { 59, 59, 23, 5, 31, 12, 99, 20 } }, /* 2099-12-31 */
	{ 946684800, { 0, 0, 0, 7, 1, 1, 0, 20 } },        /* 2000-01-01 */
	{ 946684799, { 59, 59, 23, 6, 31, 12, 99, 19 } },  /* 1999-12-31 */
	{ 4107585607, { 7, 0, 12, 2, 1, 3, 0, 21 } },      /* 2100-03-01 */
	{ 0, { 0, 0, 0, 5, 1, 1, 70, 19 } },               /* epoch */
};

static uint8_t bcd(int v) { return (uint8_t)((v / 10) << 4 | v % 10); }

static void test_init_rejects_null(void **state)
{
	struct rtc r;
	struct rtc_host h = { .now = NULL };

	(void)state;
	assert_int_equal(rtc_init(&r, &h), -EINVAL);
	assert_int_equal(rtc_init(&r, NULL), -EINVAL);
}

static void test_bcd_fields(void **state)
{
	struct ctx *c = *state;

	for (unsigned w = 0; w < sizeof(whens) / sizeof(whens[0]); w++) {
		c->now = whens[w].t;
		for (unsigned i = 0; i < 8; i++)
			assert_int_equal(cmos_rd(c, time_regs[i]),
					 bcd(whens[w].f[i]));
	}
}

static void test_binary_fields(void **state)
{
	struct ctx *c = *state;

	cmos_wr(c, 0x0b, 0x06); /* binary, 24h */
	assert_int_equal(cmos_rd(c, 0x0b), 0x06);
	for (unsigned w = 0; w < sizeof(whens) / sizeof(whens[0]); w++) {
		c->now = whens[w].t;
		for (unsigned i = 0; i < 8; i++)
			assert_int_equal(cmos_rd(c, time_regs[i]),
					 whens[w].f[i]);
	}
}

static void test_12_hour(void **state)
{
	struct ctx *c = *state;

	cmos_wr(c, 0x0b, 0x00); /* BCD, 12h */
	c->now = 1709214356;    /* 13:45 -> 1 PM */
	assert_int_equal(cmos_rd(c, 0x04), 0x81);
	c->now = 946684800; /* 00:00 -> 12 AM */
	assert_int_equal(cmos_rd(c, 0x04), 0x12);
	c->now = 946684800 + 12 * 3600; /* 12:00 -> 12 PM */
	assert_int_equal(cmos_rd(c, 0x04), 0x92);
	cmos_wr(c, 0x0b, 0x04); /* binary, 12h */
	c->now = 946684799; /* 23:59 -> 11 PM */
	assert_int_equal(cmos_rd(c, 0x04), 0x8b);
}

static void test_out_of_range_time(void **state)
{
	struct ctx *c = *state;

	c->now = INT64_MAX; /* gmtime_r cannot represent it: reads as epoch */
	assert_int_equal(cmos_rd(c, 0x09), 0x70);
	assert_int_equal(cmos_rd(c, 0x32), 0x19);
	c->now = 253402300800; /* 10000-01-01: past what the chip shows */
	assert_int_equal(cmos_rd(c, 0x09), 0x70);
	c->now = INT64_MIN;
	assert_int_equal(cmos_rd(c, 0x07), 0x01);
}

static void test_status_registers(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(cmos_rd(c, 0x0a), 0x26);
	assert_int_equal(cmos_rd(c, 0x0b), 0x02);
	assert_int_equal(cmos_rd(c, 0x0c), 0x00);
	assert_int_equal(cmos_rd(c, 0x0d), 0x80);
	/* UIP never reads set; C and D ignore writes. */
	cmos_wr(c, 0x0a, 0xa6);
	assert_int_equal(cmos_rd(c, 0x0a), 0x26);
	cmos_wr(c, 0x0c, 0xff);
	cmos_wr(c, 0x0d, 0x00);
	assert_int_equal(cmos_rd(c, 0x0c), 0x00);
	assert_int_equal(cmos_rd(c, 0x0d), 0x80);
	/* The index port itself reads as 0xff. */
	assert_int_equal(rtc_ops.read(&c->r, IDX, 1), 0xff);
}

static void test_time_writes_ignored(void **state)
{
	struct ctx *c = *state;

	c->now = 1709214356;
	cmos_wr(c, 0x00, 0x11);
	cmos_wr(c, 0x09, 0x33);
	cmos_wr(c, 0x32, 0x21);
	assert_int_equal(cmos_rd(c, 0x00), 0x56);
	assert_int_equal(cmos_rd(c, 0x09), 0x24);
	assert_int_equal(cmos_rd(c, 0x32), 0x20);
}

static void test_cmos_bytes(void **state)
{
	struct ctx *c = *state;

	for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i++)
		if (i != 0x32)
			cmos_wr(c, (uint8_t)i, (uint8_t)(i ^ 0xa5));
	cmos_wr(c, 0x01, 0x42); /* alarm seconds: plain storage */
	for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i++)
		if (i != 0x32)
			assert_int_equal(cmos_rd(c, (uint8_t)i), i ^ 0xa5);
	assert_int_equal(cmos_rd(c, 0x01), 0x42);
	/* Status registers were not disturbed by the CMOS writes. */
	assert_int_equal(cmos_rd(c, 0x0b), 0x02);
}

static void test_index_masks_bit7(void **state)
{
	struct ctx *c = *state;

	cmos_wr(c, 0x40, 0x99);
	assert_int_equal(cmos_rd(c, 0xc0), 0x99); /* NMI-mask bit ignored */
	cmos_wr(c, 0xc1, 0x77);
	assert_int_equal(cmos_rd(c, 0x41), 0x77);
	assert_int_equal(c->r.index, 0x41);
	assert_int_equal(cmos_rd(c, 0x8d), 0x80); /* status D */
	/* Wider accesses use the low byte. */
	rtc_ops.write(&c->r, IDX, 2, 0xff40);
	assert_int_equal(rtc_ops.read(&c->r, DATA, 1), 0x99);
	assert_int_equal(rtc_ops.read(&c->r, 0, 2), 0xff);
}

static void test_reset_op(void **state)
{
	struct ctx *c = *state;

	cmos_wr(c, 0x50, 0x12);
	cmos_wr(c, 0x0b, 0x7e); /* PIE|AIE|UIE|SQWE|DM|24h */
	rtc_ops.reset(&c->r);
	assert_int_equal(c->r.index, 0);
	assert_int_equal(cmos_rd(c, 0x0b), 0x06);
	assert_int_equal(cmos_rd(c, 0x50), 0x12); /* battery backed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_null),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_bcd_fields),
		T(test_binary_fields),
		T(test_12_hour),
		T(test_out_of_range_time),
		T(test_status_registers),
		T(test_time_writes_ignored),
		T(test_cmos_bytes),
		T(test_index_masks_bit7),
		T(test_reset_op),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
