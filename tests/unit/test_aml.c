/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the AML builder (vmm/platform/acpi/aml.c). The expected bytes
 * were produced by compiling the ASL quoted beside each case with iasl
 * 20200925 and `-oa` (no optimizations, so names keep the prefixes we
 * write), or, for the PkgLength limits, worked out from ACPI 6.5 20.2.4.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/platform/acpi/aml.h"

#define BUF 4096

struct fixture {
	uint8_t buf[BUF];
	struct aml a;
};

static void expect_bytes(struct aml *a, const uint8_t *want, size_t n)
{
	size_t len = 0;
	assert_int_equal(aml_finish(a, &len), 0);
	assert_int_equal(len, n);
	assert_memory_equal(a->buf, want, n);
}

static struct aml *fresh(struct fixture *f)
{
	memset(f->buf, 0xcc, sizeof(f->buf));
	aml_init(&f->a, f->buf, sizeof(f->buf));
	return &f->a;
}

/* The DSDT shape vmm builds:
 *   Name (\_S5, Package (0x04) { 0x05, Zero, Zero, Zero })
 *   Scope (\_SB) {
 *     Device (COM1) { Name (_HID, EisaId ("PNP0501")) Name (_UID, One)
 *       Name (_CRS, ResourceTemplate () {
 *         IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08) IRQNoFlags () {4} }) }
 *     Device (V000) { Name (_HID, "LNRO0005") Name (_UID, Zero)
 *       Name (_CRS, ResourceTemplate () {
 *         Memory32Fixed (ReadWrite, 0xD0000000, 0x00001000)
 *         Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) {5} }) }
 *     Method (_STA, 0, NotSerialized) { Return (0x0F) }
 *   } */
static const uint8_t dsdt_like[] = {
    0x08, 0x5c, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x07, 0x04, 0x0a, 0x05, 0x00,
    0x00, 0x00, 0x10, 0x4a, 0x07, 0x5c, 0x5f, 0x53, 0x42, 0x5f, 0x5b, 0x82,
    0x2b, 0x43, 0x4f, 0x4d, 0x31, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0c, 0x41,
    0xd0, 0x05, 0x01, 0x08, 0x5f, 0x55, 0x49, 0x44, 0x01, 0x08, 0x5f, 0x43,
    0x52, 0x53, 0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03,
    0x01, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00, 0x5b, 0x82, 0x3a, 0x56, 0x30,
    0x30, 0x30, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0d, 0x4c, 0x4e, 0x52, 0x4f,
    0x30, 0x30, 0x30, 0x35, 0x00, 0x08, 0x5f, 0x55, 0x49, 0x44, 0x00, 0x08,
    0x5f, 0x43, 0x52, 0x53, 0x11, 0x1a, 0x0a, 0x17, 0x86, 0x09, 0x00, 0x01,
    0x00, 0x00, 0x00, 0xd0, 0x00, 0x10, 0x00, 0x00, 0x89, 0x06, 0x00, 0x03,
    0x01, 0x05, 0x00, 0x00, 0x00, 0x79, 0x00, 0x14, 0x09, 0x5f, 0x53, 0x54,
    0x41, 0x00, 0xa4, 0x0a, 0x0f,
};

static void test_dsdt_shape(void **state)
{
	struct fixture f;
	struct aml *a = fresh(&f);
	(void)state;

	aml_name(a, "\\_S5");
	struct aml_mark pkg = aml_package_open(a, 4);
	aml_integer(a, 5);
	aml_integer(a, 0);
	aml_integer(a, 0);
	aml_integer(a, 0);
	aml_close(a, pkg);

	struct aml_mark sb = aml_scope_open(a, "\\_SB");
	struct aml_mark dev = aml_device_open(a, "COM1");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0501");
	aml_name(a, "_UID");
	aml_integer(a, 1);
	aml_name(a, "_CRS");
	struct aml_mark crs = aml_resources_open(a);
	aml_io(a, 0x3f8, 0x3f8, 1, 8);
	aml_irq_noflags(a, 4);
	aml_close(a, crs);
	aml_close(a, dev);

	dev = aml_device_open(a, "V000");
	aml_name(a, "_HID");
	aml_string(a, "LNRO0005");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_name(a, "_CRS");
	crs = aml_resources_open(a);
	aml_memory32_fixed(a, true, 0xd0000000, 0x1000);
	aml_interrupt(a, AML_INT_CONSUMER | AML_INT_EDGE, 5);
	aml_close(a, crs);
	aml_close(a, dev);

	struct aml_mark m = aml_method_open(a, "_STA", 0, false);
	aml_return(a);
	aml_integer(a, 0x0f);
	aml_close(a, m);
	aml_close(a, sb);

	expect_bytes(a, dsdt_like, sizeof(dsdt_like));
}

/*   Name (I0, 0x1234) Name (I1, 0x12345678) Name (I2, 0x123456789A)
 *   Name (\_SB.PA.B.D, 0x02) Name (\_SB.PA.X, "A")
 *   Scope (\_SB.PA.B) { Name (^Y, Zero) }
 *   Name (PWRB, EisaId ("PNP0C0C"))
 *   Method (M1, 2, Serialized) { Return (One) } */
static const uint8_t names_ints[] = {
    0x08, 0x49, 0x30, 0x5f, 0x5f, 0x0b, 0x34, 0x12, 0x08, 0x49, 0x31, 0x5f,
    0x5f, 0x0c, 0x78, 0x56, 0x34, 0x12, 0x08, 0x49, 0x32, 0x5f, 0x5f, 0x0e,
    0x9a, 0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x00, 0x08, 0x5c, 0x2f, 0x04,
    0x5f, 0x53, 0x42, 0x5f, 0x50, 0x41, 0x5f, 0x5f, 0x42, 0x5f, 0x5f, 0x5f,
    0x44, 0x5f, 0x5f, 0x5f, 0x0a, 0x02, 0x08, 0x5c, 0x2f, 0x03, 0x5f, 0x53,
    0x42, 0x5f, 0x50, 0x41, 0x5f, 0x5f, 0x58, 0x5f, 0x5f, 0x5f, 0x0d, 0x41,
    0x00, 0x10, 0x17, 0x5c, 0x2f, 0x03, 0x5f, 0x53, 0x42, 0x5f, 0x50, 0x41,
    0x5f, 0x5f, 0x42, 0x5f, 0x5f, 0x5f, 0x08, 0x5e, 0x59, 0x5f, 0x5f, 0x5f,
    0x00, 0x08, 0x50, 0x57, 0x52, 0x42, 0x0c, 0x41, 0xd0, 0x0c, 0x0c, 0x14,
    0x08, 0x4d, 0x31, 0x5f, 0x5f, 0x0a, 0xa4, 0x01,
};

static void test_names_and_integers(void **state)
{
	struct fixture f;
	struct aml *a = fresh(&f);
	(void)state;

	aml_name(a, "I0");
	aml_integer(a, 0x1234);
	aml_name(a, "I1");
	aml_integer(a, 0x12345678);
	aml_name(a, "I2");
	aml_integer(a, 0x123456789aULL);
	aml_name(a, "\\_SB.PA.B.D");
	aml_integer(a, 2);
	aml_name(a, "\\_SB.PA.X");
	aml_string(a, "A");
	struct aml_mark s = aml_scope_open(a, "\\_SB.PA.B");
	aml_name(a, "^Y");
	aml_integer(a, 0);
	aml_close(a, s);
	aml_name(a, "PWRB");
	aml_eisaid(a, "PNP0C0C");
	struct aml_mark m = aml_method_open(a, "M1", 2, true);
	aml_return(a);
	aml_integer(a, 1);
	aml_close(a, m);

	expect_bytes(a, names_ints, sizeof(names_ints));
}

static void test_integer_widths(void **state)
{
	struct fixture f;
	struct aml *a = fresh(&f);
	(void)state;

	aml_integer(a, 0);
	aml_integer(a, 1);
	aml_integer(a, 2);
	aml_integer(a, 0xff);
	aml_integer(a, 0x100);
	aml_integer(a, 0xffff);
	aml_integer(a, 0x10000);
	aml_integer(a, 0xffffffff);
	aml_integer(a, 0x100000000ULL);
	aml_integer(a, UINT64_MAX);
	static const uint8_t want[] = {
	    0x00, 0x01, 0x0a, 0x02, 0x0a, 0xff, 0x0b, 0x00, 0x01, 0x0b,
	    0xff, 0xff, 0x0c, 0x00, 0x00, 0x01, 0x00, 0x0c, 0xff, 0xff,
	    0xff, 0xff, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	    0x00, 0x0e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	expect_bytes(a, want, sizeof(want));
}

/* A Scope whose body (name + filler) is `body` bytes: the PkgLength. */
static void pkglen_case(size_t body, const uint8_t *lead, size_t nlead)
{
	const size_t cap = 1 << 21;
	uint8_t *big = malloc(cap);
	assert_non_null(big);
	struct aml a;
	aml_init(&a, big, cap);
	struct aml_mark m = aml_scope_open(&a, "S");
	uint8_t fill[256];
	memset(fill, 0xa5, sizeof(fill));
	for (size_t left = body - 4; left;) {
		size_t n = left < sizeof(fill) ? left : sizeof(fill);
		aml_bytes(&a, fill, n);
		left -= n;
	}
	aml_close(&a, m);
	size_t len = 0;
	assert_int_equal(aml_finish(&a, &len), 0);
	assert_int_equal(len, 1 + nlead + body);
	assert_int_equal(big[0], 0x10);
	assert_memory_equal(big + 1, lead, nlead);
	assert_memory_equal(big + 1 + nlead, "S___", 4);
	assert_int_equal(big[len - 1], 0xa5);
	free(big);
}

static void test_pkglength(void **state)
{
	(void)state;
	/* 1 byte up to a total of 63. */
	pkglen_case(62, (const uint8_t[]){0x3f}, 1);
	/* 63 + 2 = 65 = 0x41: lead 0x40 | 0x1, then 0x41 >> 4. */
	pkglen_case(63, (const uint8_t[]){0x41, 0x04}, 2);
	/* The largest 2-byte total is 0xfff. */
	pkglen_case(0xfff - 2, (const uint8_t[]){0x4f, 0xff}, 2);
	/* 0xffe + 3 = 0x1001 in 3 bytes: 0x81, 0x00, 0x01. */
	pkglen_case(0xffe, (const uint8_t[]){0x81, 0x00, 0x01}, 3);
	/* The largest 3-byte total is 0xfffff; one more needs 4 bytes. */
	pkglen_case(0xfffff - 3, (const uint8_t[]){0x8f, 0xff, 0xff}, 3);
	/* 0xffffd + 4 = 0x100001: 0xc1, 0x00, 0x00, 0x01. */
	pkglen_case(0xfffff - 2, (const uint8_t[]){0xc1, 0x00, 0x00, 0x01}, 4);
}

/* Buffer(){300 bytes}: BufferSize needs a WordPrefix (3 bytes), and the
 * PkgLength 2 bytes: 2 + 3 + 300 = 0x131 -> 0x41, 0x13. */
static void test_buffer_sizes(void **state)
{
	struct fixture f;
	struct aml *a = fresh(&f);
	uint8_t data[300];
	(void)state;

	memset(data, 0x5a, sizeof(data));
	struct aml_mark m = aml_buffer_open(a);
	aml_bytes(a, data, sizeof(data));
	aml_close(a, m);
	size_t len;
	assert_int_equal(aml_finish(a, &len), 0);
	assert_int_equal(len, 1 + 2 + 3 + 300);
	static const uint8_t head[] = {0x11, 0x41, 0x13, 0x0b, 0x2c, 0x01};
	assert_memory_equal(f.buf, head, sizeof(head));
	assert_int_equal(f.buf[len - 1], 0x5a);

	/* An empty ResourceTemplate is just the end tag. */
	a = fresh(&f);
	m = aml_resources_open(a);
	aml_close(a, m);
	static const uint8_t empty[] = {0x11, 0x05, 0x0a, 0x02, 0x79, 0x00};
	expect_bytes(a, empty, sizeof(empty));
}

static void test_namestrings(void **state)
{
	struct fixture f;
	struct aml *a = fresh(&f);
	(void)state;

	aml_namestring(a, "\\");
	aml_namestring(a, "^^AB");
	aml_namestring(a, "A.B");
	static const uint8_t want[] = {0x5c, 0x00, 0x5e, 0x5e, 0x41, 0x42,
				       0x5f, 0x5f, 0x2e, 0x41, 0x5f, 0x5f,
				       0x5f, 0x42, 0x5f, 0x5f, 0x5f};
	expect_bytes(a, want, sizeof(want));
}

static void expect_einval(void (*build)(struct aml *))
{
	struct fixture f;
	struct aml *a = fresh(&f);
	size_t len;
	build(a);
	assert_int_equal(aml_finish(a, &len), -EINVAL);
}

static void bad_empty(struct aml *a)
{
	aml_namestring(a, "");
}
static void bad_long(struct aml *a)
{
	aml_namestring(a, "ABCDE");
}
static void bad_lower(struct aml *a)
{
	aml_name(a, "abc");
}
static void bad_digit(struct aml *a)
{
	aml_name(a, "1ABC");
}
static void bad_dot(struct aml *a)
{
	aml_name(a, "A..B");
}
static void bad_trailing(struct aml *a)
{
	aml_name(a, "A.");
}
static void bad_eisa_short(struct aml *a)
{
	aml_eisaid(a, "PNP050");
}
static void bad_eisa_hex(struct aml *a)
{
	aml_eisaid(a, "PNP05G1");
}
static void bad_eisa_letter(struct aml *a)
{
	aml_eisaid(a, "pNP0501");
}
static void bad_string(struct aml *a)
{
	aml_string(a, "\xc3\xa9");
}
static void bad_irq(struct aml *a)
{
	aml_irq_noflags(a, 16);
}
static void bad_int_flags(struct aml *a)
{
	aml_interrupt(a, 0x20, 5);
}
static void bad_nargs(struct aml *a)
{
	struct aml_mark m = aml_method_open(a, "M", 8, false);
	aml_close(a, m);
}
static void bad_close(struct aml *a)
{
	aml_close(a, (struct aml_mark){.pos = 0, .kind = 0});
}

static void test_bad_input(void **state)
{
	(void)state;
	void (*const cases[])(struct aml *) = {
	    bad_empty,	     bad_long,	   bad_lower,	   bad_digit,
	    bad_dot,	     bad_trailing, bad_eisa_short, bad_eisa_hex,
	    bad_eisa_letter, bad_string,   bad_irq,	   bad_int_flags,
	    bad_nargs,	     bad_close,
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_einval(cases[i]);
}

/* A full buffer fails with -ENOSPC at every possible capacity, never
 * writes past it, and the first error sticks. */
static void test_no_space(void **state)
{
	(void)state;
	for (size_t cap = 0; cap < sizeof(dsdt_like); cap++) {
		uint8_t buf[sizeof(dsdt_like) + 8];
		memset(buf, 0xcc, sizeof(buf));
		struct aml a;
		aml_init(&a, buf, cap);
		struct aml_mark sb = aml_scope_open(&a, "\\_SB");
		struct aml_mark dev = aml_device_open(&a, "V000");
		aml_name(&a, "_CRS");
		struct aml_mark crs = aml_resources_open(&a);
		aml_memory32_fixed(&a, true, 0xd0000000, 0x1000);
		aml_interrupt(&a, AML_INT_CONSUMER | AML_INT_EDGE, 5);
		aml_close(&a, crs);
		aml_close(&a, dev);
		aml_close(&a, sb);
		aml_name(&a, "_S5_"); /* after the error: ignored */
		size_t len;
		int r = aml_finish(&a, &len);
		if (r == 0) {
			assert_true(len <= cap);
			continue;
		}
		assert_int_equal(r, -ENOSPC);
		for (size_t i = cap; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xcc);
	}
	struct aml a;
	aml_init(&a, NULL, 100);
	aml_integer(&a, 7);
	size_t len;
	assert_int_equal(aml_finish(&a, &len), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dsdt_shape),
	    cmocka_unit_test(test_names_and_integers),
	    cmocka_unit_test(test_integer_widths),
	    cmocka_unit_test(test_pkglength),
	    cmocka_unit_test(test_buffer_sizes),
	    cmocka_unit_test(test_namestrings),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_no_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
