/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the saved state of the legacy devices without a fixture
 * of their own: the CMOS RTC (RTC0), the i8042 (KBC0), and the devices
 * without guest-visible state, whose sections are empty (acpi_pm APM0,
 * pvpanic PVPN, debug_exit DBGX). Round trips into a fresh device, then
 * the same accesses on both; bad blobs of every field class refused with
 * -EINVAL and the device unchanged.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/acpi_pm.h"
#include "devices/debug_exit.h"
#include "devices/i8042.h"
#include "devices/pvpanic.h"
#include "devices/rtc.h"
#include "vmm/base/state.h"

#define BLOB_MAX 256
#define P(off)	 (ST_HDR_LEN + (off))

struct blob {
	uint8_t b[BLOB_MAX];
	size_t len;
};

static void finish(struct st_writer *w, struct blob *o)
{
	long n = st_writer_end(w);

	assert_true(n > 0);
	o->len = (size_t)n;
}

/* ---- RTC ---- */

static int64_t fixed_now(void *opaque)
{
	(void)opaque;
	return 1700000000; /* the same time for both sides */
}

static void rtc_new(struct rtc *r)
{
	struct rtc_host h = {.now = fixed_now};

	assert_int_equal(rtc_init(r, &h), 0);
}

static uint8_t cmos_rd(struct rtc *r, uint8_t index)
{
	rtc_ops.write(r, 0, 1, index);
	return (uint8_t)rtc_ops.read(r, 1, 1);
}

static void rtc_blob(struct rtc *r, struct blob *o)
{
	struct st_writer w;

	st_writer_init(&w, o->b, sizeof(o->b));
	rtc_save(r, &w);
	finish(&w, o);
}

static int rtc_load(struct rtc *r, const uint8_t *b, size_t len)
{
	struct st_reader rd;
	int e;

	st_reader_init(&rd, b, len);
	e = rtc_restore(r, &rd);
	return e ? e : st_reader_end(&rd);
}

static void test_rtc_round_trip(void **state)
{
	struct rtc a, b;
	struct blob o;

	(void)state;
	rtc_new(&a);
	rtc_new(&b);
	rtc_ops.write(&a, 0, 1, 0x0b);
	rtc_ops.write(&a, 1, 1, 0x06); /* binary, 24-hour */
	rtc_ops.write(&a, 0, 1, 0x0a);
	rtc_ops.write(&a, 1, 1, 0xaf); /* UIP does not stick */
	for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i++) {
		rtc_ops.write(&a, 0, 1, i);
		rtc_ops.write(&a, 1, 1, (uint8_t)(i * 7));
	}
	rtc_ops.write(&a, 0, 1, 0x85); /* index 5, NMI bit ignored */
	rtc_blob(&a, &o);
	assert_int_equal(o.len, ST_HDR_LEN + 1 + RTC_CMOS_SIZE);
	assert_int_equal(rtc_load(&b, o.b, o.len), 0);
	/* The pending index first: a data read without an index write. */
	assert_int_equal(rtc_ops.read(&a, 1, 1), rtc_ops.read(&b, 1, 1));
	for (unsigned i = 0; i < RTC_CMOS_SIZE; i++)
		assert_int_equal(cmos_rd(&a, (uint8_t)i),
				 cmos_rd(&b, (uint8_t)i));
	rtc_ops.reset(&a);
	rtc_ops.reset(&b);
	for (unsigned i = 0; i < RTC_CMOS_SIZE; i++)
		assert_int_equal(cmos_rd(&a, (uint8_t)i),
				 cmos_rd(&b, (uint8_t)i));
	rtc_destroy(&a);
	rtc_destroy(&b);
}

static void test_rtc_bad_blobs(void **state)
{
	static const struct {
		size_t at;
		uint8_t val;
	} pokes[] = {
	    {0, 'r'},		 /* tag */
	    {4, 2},		 /* version */
	    {6, 0},		 /* length */
	    {P(0), 0x80},	 /* index with the NMI bit */
	    {P(1 + 0x0a), 0xa6}, /* status A with UIP */
	    {P(1 + 0x0c), 0x80}, /* status C */
	    {P(1 + 0x0d), 0x00}, /* status D */
	    {P(1 + 0x00), 0x12}, /* seconds: follow the host */
	    {P(1 + 0x09), 0x23}, /* year */
	    {P(1 + 0x32), 0x20}, /* century */
	};
	struct rtc a, b;
	struct blob o, before, after, bad;

	(void)state;
	rtc_new(&a);
	rtc_new(&b);
	rtc_ops.write(&b, 0, 1, 0x40);
	rtc_ops.write(&b, 1, 1, 0x99);
	rtc_blob(&a, &o);
	rtc_blob(&b, &before);
	for (size_t len = 0; len < o.len; len++)
		assert_int_equal(rtc_load(&b, o.b, len), -EINVAL);
	/* A byte left over inside the section. */
	bad = o;
	bad.b[o.len] = 0;
	bad.b[6]++;
	assert_int_equal(rtc_load(&b, bad.b, o.len + 1), -EINVAL);
	for (unsigned i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		bad = o;
		bad.b[pokes[i].at] = pokes[i].val;
		assert_int_equal(rtc_load(&b, bad.b, bad.len), -EINVAL);
	}
	rtc_blob(&b, &after);
	assert_memory_equal(before.b, after.b, before.len);
	rtc_destroy(&a);
	rtc_destroy(&b);
}

/* ---- i8042 ---- */

static void count_reset(void *opaque)
{
	(*(unsigned *)opaque)++;
}

static void kbc_blob(struct i8042 *k, struct blob *o)
{
	struct st_writer w;

	st_writer_init(&w, o->b, sizeof(o->b));
	i8042_save(k, &w);
	finish(&w, o);
}

static int kbc_load(struct i8042 *k, const uint8_t *b, size_t len)
{
	struct st_reader rd;
	int e;

	st_reader_init(&rd, b, len);
	e = i8042_restore(k, &rd);
	return e ? e : st_reader_end(&rd);
}

static void test_i8042_round_trip(void **state)
{
	unsigned ra = 0, rb = 0;
	struct i8042_host ha = {.reset = count_reset, .opaque = &ra};
	struct i8042_host hb = {.reset = count_reset, .opaque = &rb};
	struct i8042 a, b;
	struct blob o;

	(void)state;
	assert_int_equal(i8042_init(&a, &ha), 0);
	assert_int_equal(i8042_init(&b, &hb), 0);
	/* CTR without SYS, the aux port off, a byte waiting, and a write
	 * of the output port half done. */
	i8042_ops.write(&a, 4, 1, 0x60);
	i8042_ops.write(&a, 0, 1, 0x21);
	i8042_ops.write(&a, 4, 1, 0xa7);
	i8042_ops.write(&a, 4, 1, 0xaa);
	i8042_ops.write(&a, 4, 1, 0xd1);
	kbc_blob(&a, &o);
	assert_int_equal(o.len, ST_HDR_LEN + 6); /* 5 registers, no queue */
	assert_int_equal(kbc_load(&b, o.b, o.len), 0);
	assert_int_equal(i8042_ops.read(&a, 4, 1), i8042_ops.read(&b, 4, 1));
	/* The data byte completes the pending command on both: bit 0 clear
	 * asks for a reset. */
	i8042_ops.write(&a, 0, 1, 0x02);
	i8042_ops.write(&b, 0, 1, 0x02);
	assert_int_equal(ra, 1);
	assert_int_equal(rb, 1);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(i8042_ops.read(&a, 4, 1),
				 i8042_ops.read(&b, 4, 1));
		assert_int_equal(i8042_ops.read(&a, 0, 1),
				 i8042_ops.read(&b, 0, 1));
	}
	i8042_ops.write(&a, 4, 1, 0x20);
	i8042_ops.write(&b, 4, 1, 0x20);
	assert_int_equal(i8042_ops.read(&a, 0, 1), 0x21 | 0x20);
	assert_int_equal(i8042_ops.read(&b, 0, 1), 0x21 | 0x20);
	i8042_ops.write(&a, 4, 1, 0xd0);
	i8042_ops.write(&b, 4, 1, 0xd0);
	assert_int_equal(i8042_ops.read(&a, 0, 1), i8042_ops.read(&b, 0, 1));
	i8042_destroy(&a);
	i8042_destroy(&b);
}

/* Keyboard bytes waiting (one in the output buffer, the rest queued)
 * come out of the restored controller as out of the saved one; a
 * version 1 section (no queue) restores with an empty one. */
static void test_i8042_queue_round_trip(void **state)
{
	unsigned n = 0;
	struct i8042_host h = {.reset = count_reset, .opaque = &n};
	struct i8042 a, b;
	struct blob o, v1;

	(void)state;
	assert_int_equal(i8042_init(&a, &h), 0);
	assert_int_equal(i8042_init(&b, &h), 0);
	kbc_blob(&a, &v1);
	assert_int_equal(i8042_send_ctrl_alt_del(&a), 0);
	i8042_kick(&a);
	kbc_blob(&a, &o);
	assert_int_equal(o.len, ST_HDR_LEN + 6 + 7);
	assert_int_equal(kbc_load(&b, o.b, o.len), 0);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(i8042_ops.read(&a, 4, 1) & 1, 1);
		assert_int_equal(i8042_ops.read(&b, 4, 1) & 1, 1);
		assert_int_equal(i8042_ops.read(&a, 0, 1),
				 i8042_ops.read(&b, 0, 1));
	}
	assert_int_equal(i8042_ops.read(&b, 4, 1) & 1, 0);
	/* Version 1: the same registers without the queue's length byte. */
	v1.b[4] = 1;
	v1.b[6]--;
	v1.len--;
	assert_int_equal(i8042_send_ctrl_alt_del(&b), 0);
	assert_int_equal(kbc_load(&b, v1.b, v1.len), 0);
	i8042_kick(&b);
	assert_int_equal(i8042_ops.read(&b, 4, 1) & 1, 0);
	/* More bytes than the queue holds. */
	o.b[P(5)] = I8042_KBD_QUEUE + 1;
	assert_int_equal(kbc_load(&b, o.b, o.len), -EINVAL);
	i8042_destroy(&a);
	i8042_destroy(&b);
}

static void test_i8042_bad_blobs(void **state)
{
	static const struct {
		size_t at;
		uint8_t val;
	} pokes[] = {
	    {0, 'k'},	  /* tag */
	    {4, 0},	  /* version */
	    {6, 4},	  /* length */
	    {P(1), 0x14}, /* status: an unknown bit */
	    {P(1), 0x00}, /* status SYS clear, CTR's set */
	    {P(0), 0x01}, /* CTR SYS clear, status's set */
	    {P(3), 0x20}, /* a pending command that takes no data */
	    {P(3), 0xfe},
	    {P(5), 1}, /* a queued byte the section does not hold */
	};
	unsigned n = 0;
	struct i8042_host h = {.reset = count_reset, .opaque = &n};
	struct i8042 a, b;
	struct blob o, bad, before, after;

	(void)state;
	assert_int_equal(i8042_init(&a, &h), 0);
	assert_int_equal(i8042_init(&b, &h), 0);
	i8042_ops.write(&b, 4, 1, 0xaa);
	kbc_blob(&a, &o);
	kbc_blob(&b, &before);
	for (size_t len = 0; len < o.len; len++)
		assert_int_equal(kbc_load(&b, o.b, len), -EINVAL);
	/* A byte left over inside the section. */
	bad = o;
	bad.b[o.len] = 0;
	bad.b[6]++;
	assert_int_equal(kbc_load(&b, bad.b, o.len + 1), -EINVAL);
	for (unsigned i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		bad = o;
		bad.b[pokes[i].at] = pokes[i].val;
		assert_int_equal(kbc_load(&b, bad.b, bad.len), -EINVAL);
	}
	kbc_blob(&b, &after);
	assert_memory_equal(before.b, after.b, before.len);
	/* Both pending commands a saved controller can have restore. */
	bad = o;
	bad.b[P(3)] = 0x60;
	assert_int_equal(kbc_load(&b, bad.b, bad.len), 0);
	bad.b[P(3)] = 0xd1;
	assert_int_equal(kbc_load(&b, bad.b, bad.len), 0);
	i8042_destroy(&a);
	i8042_destroy(&b);
}

/* ---- devices without guest-visible state ---- */

enum stateless { APM, PVP, DBG };

static void sl_save(enum stateless k, struct st_writer *w)
{
	struct acpi_pm pm = {0};
	struct pvpanic p;
	struct debug_exit d = {0};

	pvpanic_init(&p, &(struct pvpanic_host){0});
	if (k == APM)
		acpi_pm_save(&pm, w);
	else if (k == PVP)
		pvpanic_save(&p, w);
	else
		debug_exit_save(&d, w);
}

static int sl_load(enum stateless k, const uint8_t *b, size_t len)
{
	struct acpi_pm pm = {0};
	struct pvpanic p;
	struct debug_exit d = {0};
	struct st_reader r;
	int e;

	pvpanic_init(&p, &(struct pvpanic_host){0});
	st_reader_init(&r, b, len);
	if (k == APM)
		e = acpi_pm_restore(&pm, &r);
	else if (k == PVP)
		e = pvpanic_restore(&p, &r);
	else
		e = debug_exit_restore(&d, &r);
	return e ? e : st_reader_end(&r);
}

static void test_stateless(void **state)
{
	static const char *const tags[] = {"APM0", "PVPN", "DBGX"};

	(void)state;
	for (unsigned k = APM; k <= DBG; k++) {
		struct st_writer w;
		struct blob o, bad;

		st_writer_init(&w, o.b, sizeof(o.b));
		sl_save(k, &w);
		finish(&w, &o);
		assert_int_equal(o.len, ST_HDR_LEN);
		assert_memory_equal(o.b, tags[k], ST_TAG_LEN);
		assert_int_equal(o.b[4], 1);
		assert_int_equal(sl_load(k, o.b, o.len), 0);
		for (size_t len = 0; len < o.len; len++)
			assert_int_equal(sl_load(k, o.b, len), -EINVAL);
		bad = o;
		bad.b[4] = 2; /* a version this build does not know */
		assert_int_equal(sl_load(k, bad.b, bad.len), -EINVAL);
		bad = o;
		bad.b[6] = 1; /* a payload byte */
		bad.b[ST_HDR_LEN] = 0;
		assert_int_equal(sl_load(k, bad.b, bad.len + 1), -EINVAL);
		/* Another device's section. */
		bad = o;
		memcpy(bad.b, tags[(k + 1) % 3], ST_TAG_LEN);
		assert_int_equal(sl_load(k, bad.b, bad.len), -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rtc_round_trip),
	    cmocka_unit_test(test_rtc_bad_blobs),
	    cmocka_unit_test(test_i8042_round_trip),
	    cmocka_unit_test(test_i8042_bad_blobs),
	    cmocka_unit_test(test_i8042_queue_round_trip),
	    cmocka_unit_test(test_stateless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
