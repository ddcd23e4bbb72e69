/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the device state codec (vmm/base/state.c): the byte layout,
 * the bounded writer (sticky -ENOSPC), the bounded reader (sticky error,
 * -EINVAL at the end, never past its bytes) and sections (tag, version,
 * length; nesting, peek, skip, leftovers).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/base/state.h"

static void test_le_layout(void **state)
{
	uint8_t buf[32];
	struct st_writer w;
	static const uint8_t want[] = {0x11, 0x22, 0x11, 0x44, 0x33, 0x22, 0x11,
				       0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22,
				       0x11, 0x01, 0x00, 'a',  'b'};

	(void)state;
	st_writer_init(&w, buf, sizeof(buf));
	st_put_u8(&w, 0x11);
	st_put_u16(&w, 0x1122);
	st_put_u32(&w, 0x11223344);
	st_put_u64(&w, 0x1122334455667788ull);
	st_put_bool(&w, true);
	st_put_bool(&w, false);
	st_put_bytes(&w, "ab", 2);
	st_put_bytes(&w, NULL, 0);
	assert_int_equal(st_writer_end(&w), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_round_trip(void **state)
{
	uint8_t buf[64], out[3];
	struct st_writer w;
	struct st_reader r;

	(void)state;
	st_writer_init(&w, buf, sizeof(buf));
	st_put_u8(&w, 0xfe);
	st_put_u16(&w, 0xbeef);
	st_put_u32(&w, 0xdeadbeef);
	st_put_u64(&w, UINT64_MAX - 1);
	st_put_bool(&w, true);
	st_put_bytes(&w, "xyz", 3);
	st_reader_init(&r, buf, (size_t)st_writer_end(&w));
	assert_int_equal(st_get_u8(&r), 0xfe);
	assert_int_equal(st_get_u16(&r), 0xbeef);
	assert_int_equal(st_get_u32(&r), 0xdeadbeef);
	assert_true(st_get_u64(&r) == UINT64_MAX - 1);
	assert_true(st_get_bool(&r));
	st_get_bytes(&r, out, 3);
	assert_memory_equal(out, "xyz", 3);
	assert_int_equal(st_remaining(&r), 0);
	assert_true(st_ok(&r));
	assert_int_equal(st_reader_end(&r), 0);
}

static void test_writer_full(void **state)
{
	uint8_t buf[6] = {0};
	struct st_writer w;

	(void)state;
	st_writer_init(&w, buf, 5);
	st_put_u32(&w, 0x01020304);
	st_put_u16(&w, 0xffff); /* does not fit: nothing written */
	st_put_u8(&w, 0xaa);	/* would fit, but the error is sticky */
	assert_int_equal(st_writer_end(&w), -ENOSPC);
	assert_int_equal(buf[4], 0);
	assert_int_equal(buf[5], 0);

	st_writer_init(&w, buf, 5);
	st_put_u32(&w, 1);
	st_put_u8(&w, 2); /* exactly full */
	assert_int_equal(st_writer_end(&w), 5);

	st_writer_init(&w, NULL, 100); /* a dry run: no room at all */
	st_put_u8(&w, 1);
	assert_int_equal(st_writer_end(&w), -ENOSPC);

	st_writer_init(&w, buf, sizeof(buf));
	st_writer_fail(&w, -EINVAL);
	st_writer_fail(&w, -ENOSPC); /* the first error stays */
	st_put_u8(&w, 1);
	assert_int_equal(st_writer_end(&w), -EINVAL);
}

static void test_reader_short(void **state)
{
	static const uint8_t b[] = {1, 2, 3};
	uint8_t out[4] = {9, 9, 9, 9};
	struct st_reader r;

	(void)state;
	st_reader_init(&r, b, sizeof(b));
	assert_int_equal(st_get_u16(&r), 0x0201);
	assert_int_equal(st_get_u16(&r), 0); /* one byte left: short */
	assert_false(st_ok(&r));
	assert_int_equal(st_get_u8(&r), 0); /* sticky: not the 3 */
	st_get_bytes(&r, out, sizeof(out));
	assert_int_equal(out[0], 0);
	assert_int_equal(st_reader_end(&r), -EINVAL);

	st_reader_init(&r, b, sizeof(b));
	assert_int_equal(st_get_u8(&r), 1);
	assert_int_equal(st_reader_end(&r), -EINVAL); /* bytes left */

	st_reader_init(&r, NULL, 10);
	assert_int_equal(st_get_u8(&r), 0);
	assert_int_equal(st_reader_end(&r), -EINVAL);

	st_reader_init(&r, b, sizeof(b));
	st_fail(&r);
	assert_int_equal(st_get_u8(&r), 0);
	assert_int_equal(st_reader_end(&r), -EINVAL);

	st_reader_init(&r, b, 0);
	assert_int_equal(st_reader_end(&r), 0);
}

static void test_bool_strict(void **state)
{
	static const uint8_t b[] = {0, 1, 2};
	struct st_reader r;

	(void)state;
	st_reader_init(&r, b, sizeof(b));
	assert_false(st_get_bool(&r));
	assert_true(st_get_bool(&r));
	assert_true(st_ok(&r));
	(void)st_get_bool(&r);
	assert_false(st_ok(&r));
	assert_int_equal(st_reader_end(&r), -EINVAL);
}

/* OUTR v2 { u32 1, INNR v1 { u8 7 }, u16 9 }, then SKIP v3 { "zz" }. */
static size_t nested(uint8_t *buf, size_t cap)
{
	struct st_writer w;
	size_t o, i, s;
	long n;

	st_writer_init(&w, buf, cap);
	o = st_section_begin(&w, "OUTR", 2);
	st_put_u32(&w, 1);
	i = st_section_begin(&w, "INNR", 1);
	st_put_u8(&w, 7);
	st_section_end(&w, i);
	st_put_u16(&w, 9);
	st_section_end(&w, o);
	s = st_section_begin(&w, "SKIP", 3);
	st_put_bytes(&w, "zz", 2);
	st_section_end(&w, s);
	n = st_writer_end(&w);
	assert_true(n > 0);
	return (size_t)n;
}

/* Decode nested()'s blob (len bytes of it): 0 or -EINVAL. */
static int decode_nested(const uint8_t *buf, size_t len)
{
	struct st_reader r, o, i;
	uint16_t v;

	st_reader_init(&r, buf, len);
	st_section_open(&r, "OUTR", 2, &v, &o);
	if (st_get_u32(&o) != 1)
		st_fail(&o);
	st_section_open(&o, "INNR", 1, &v, &i);
	if (st_get_u8(&i) != 7)
		st_fail(&i);
	st_section_close(&o, &i);
	if (st_get_u16(&o) != 9)
		st_fail(&o);
	st_section_close(&r, &o);
	st_section_skip(&r);
	return st_reader_end(&r);
}

static void test_section_layout(void **state)
{
	uint8_t buf[64];
	size_t n = nested(buf, sizeof(buf));
	static const uint8_t hdr[] = {'O', 'U', 'T', 'R', 2, 0, 17, 0, 0, 0};
	char tag[ST_TAG_LEN];
	struct st_reader r;

	(void)state;
	assert_int_equal(n, 10 + 17 + 10 + 2);
	assert_memory_equal(buf, hdr, sizeof(hdr));
	assert_int_equal(decode_nested(buf, n), 0);
	st_reader_init(&r, buf, n);
	assert_true(st_section_peek(&r, tag));
	assert_memory_equal(tag, "OUTR", 4);
	assert_int_equal(st_remaining(&r), n); /* peek takes nothing */
	st_section_skip(&r);
	assert_true(st_section_peek(&r, tag));
	assert_memory_equal(tag, "SKIP", 4);
	st_section_skip(&r);
	assert_false(st_section_peek(&r, tag));
	assert_int_equal(st_reader_end(&r), 0);
}

static void test_section_every_truncation(void **state)
{
	uint8_t buf[64];
	size_t n = nested(buf, sizeof(buf));

	(void)state;
	for (size_t len = 0; len < n; len++)
		assert_int_equal(decode_nested(buf, len), -EINVAL);
	/* The writer refuses every buffer too small for it. */
	for (size_t cap = 0; cap < n; cap++) {
		uint8_t small[64];
		struct st_writer w;

		st_writer_init(&w, small, cap);
		st_section_end(&w, st_section_begin(&w, "OUTR", 2));
		st_put_bytes(&w, buf, n - ST_HDR_LEN);
		assert_int_equal(st_writer_end(&w), -ENOSPC);
	}
}

static void test_section_corrupt(void **state)
{
	uint8_t buf[64], bad[64];
	size_t n = nested(buf, sizeof(buf));

	(void)state;
	/* Any change to a tag, version or length byte is refused. Byte 0-9:
	 * OUTR's header, 14-23 INNR's, 27-36 SKIP's (its tag and version
	 * may be anything, its length not). */
	for (size_t at = 0; at < n; at++) {
		bool hdr =
		    at < 10 || (at >= 14 && at < 24) || (at >= 33 && at < 37);

		if (!hdr)
			continue;
		memcpy(bad, buf, n);
		bad[at] ^= 0x01;
		assert_int_equal(decode_nested(bad, n), -EINVAL);
		bad[at] ^= 0x81;
		assert_int_equal(decode_nested(bad, n), -EINVAL);
	}
	/* A payload field the decoder checks. */
	memcpy(bad, buf, n);
	bad[24] = 8; /* INNR's u8 */
	assert_int_equal(decode_nested(bad, n), -EINVAL);
	/* Trailing bytes after everything. */
	memcpy(bad, buf, n);
	bad[n] = 0;
	assert_int_equal(decode_nested(bad, n + 1), -EINVAL);
}

static void test_section_versions(void **state)
{
	uint8_t buf[32];
	struct st_writer w;
	struct st_reader r, s;
	uint16_t v = 99;

	(void)state;
	for (uint16_t ver = 0; ver < 4; ver++) {
		st_writer_init(&w, buf, sizeof(buf));
		st_section_end(&w, st_section_begin(&w, "TEST", ver));
		st_reader_init(&r, buf, ST_HDR_LEN);
		st_section_open(&r, "TEST", 2, &v, &s);
		if (ver == 1 || ver == 2) {
			assert_int_equal(v, ver);
			assert_true(st_ok(&s));
			assert_int_equal(st_reader_end(&r), 0);
		} else {
			assert_int_equal(v, 0);
			assert_false(st_ok(&s));
			assert_int_equal(st_remaining(&s), 0);
			assert_int_equal(st_reader_end(&r), -EINVAL);
		}
	}
}

static void test_section_leftover(void **state)
{
	uint8_t buf[32];
	struct st_writer w;
	struct st_reader r, s;
	uint16_t v;
	size_t m;

	(void)state;
	st_writer_init(&w, buf, sizeof(buf));
	m = st_section_begin(&w, "TEST", 1);
	st_put_u16(&w, 5);
	st_section_end(&w, m);
	st_reader_init(&r, buf, (size_t)st_writer_end(&w));
	st_section_open(&r, "TEST", 1, &v, &s);
	assert_int_equal(st_get_u8(&s), 5); /* one byte not taken */
	st_section_close(&r, &s);
	assert_false(st_ok(&r));
	assert_int_equal(st_reader_end(&r), -EINVAL);

	/* A section may not read past its own length into its parent. */
	st_reader_init(&r, buf, (size_t)st_writer_end(&w));
	st_section_open(&r, "TEST", 1, &v, &s);
	(void)st_get_u32(&s);
	st_section_close(&r, &s);
	assert_int_equal(st_reader_end(&r), -EINVAL);
}

static void test_section_huge_length(void **state)
{
	uint8_t buf[16] = {'T', 'E', 'S', 'T', 1, 0, 0xff, 0xff, 0xff, 0xff};
	struct st_reader r, s;
	uint16_t v;

	(void)state;
	st_reader_init(&r, buf, sizeof(buf));
	st_section_open(&r, "TEST", 1, &v, &s);
	assert_false(st_ok(&s));
	assert_int_equal(st_reader_end(&r), -EINVAL);
	st_reader_init(&r, buf, sizeof(buf));
	st_section_skip(&r);
	assert_int_equal(st_reader_end(&r), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_le_layout),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_writer_full),
	    cmocka_unit_test(test_reader_short),
	    cmocka_unit_test(test_bool_strict),
	    cmocka_unit_test(test_section_layout),
	    cmocka_unit_test(test_section_every_truncation),
	    cmocka_unit_test(test_section_corrupt),
	    cmocka_unit_test(test_section_versions),
	    cmocka_unit_test(test_section_leftover),
	    cmocka_unit_test(test_section_huge_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
