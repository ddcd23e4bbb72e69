/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for guest memory (vmm/base/gmem.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "tests/support/test_util.h"
#include "vmm/base/gmem.h"
#include "vmm/base/layout.h"

#define PAGE 0x1000ULL

/* Fill buf with a byte pattern that differs from zero and from the pattern
 * written into guest memory, so an unwanted copy is visible. */
static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 7);
}

static bool all_byte(const uint8_t *buf, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != v)
			return false;
	return true;
}

/* ---- gm_add_ram ------------------------------------------------------- */

static void test_add_ram_errors(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);

	assert_int_equal(gm_add_ram(&gm, 0, 0, 0), -EINVAL);
	assert_int_equal(gm_add_ram(&gm, 1, PAGE, 0), -EINVAL);
	assert_int_equal(gm_add_ram(&gm, PAGE / 2, PAGE, 0), -EINVAL);
	assert_int_equal(gm_add_ram(&gm, 0, PAGE + 1, 0), -EINVAL);
	assert_int_equal(gm_add_ram(&gm, 0, PAGE - 1, 0), -EINVAL);
	assert_int_equal(gm_add_ram(&gm, PAGE, 1, 0), -EINVAL);
	/* gpa + size == 2^64 and beyond: the end is not representable. */
	assert_int_equal(gm_add_ram(&gm, UINT64_MAX - PAGE + 1, PAGE, 0),
			 -EINVAL);
	assert_int_equal(gm_add_ram(&gm, UINT64_MAX - PAGE + 1, 2 * PAGE, 0),
			 -EINVAL);
	assert_int_equal(gm_add_ram(&gm, 2 * PAGE, UINT64_MAX - PAGE + 1, 0),
			 -EINVAL);
	assert_int_equal(gm.nregions, 0);
	assert_int_equal(gm_total(&gm), 0);
	gm_destroy(&gm);
}

static void test_add_ram_overlap(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);

	/* [0x10000, 0x14000) */
	assert_int_equal(gm_add_ram(&gm, 0x10000, 4 * PAGE, 0), 0);

	/* Same range, same base with other sizes. */
	assert_int_equal(gm_add_ram(&gm, 0x10000, 4 * PAGE, 0), -EINVAL);
	assert_int_equal(gm_add_ram(&gm, 0x10000, PAGE, 0), -EINVAL);
	assert_int_equal(gm_add_ram(&gm, 0x10000, 8 * PAGE, 0), -EINVAL);
	/* Overlapping the first page from below. */
	assert_int_equal(gm_add_ram(&gm, 0x0f000, 2 * PAGE, 0), -EINVAL);
	/* Overlapping the last page from above. */
	assert_int_equal(gm_add_ram(&gm, 0x13000, 2 * PAGE, 0), -EINVAL);
	/* Contained in, and containing, the existing region. */
	assert_int_equal(gm_add_ram(&gm, 0x11000, PAGE, 0), -EINVAL);
	assert_int_equal(gm_add_ram(&gm, 0x08000, 0x10 * PAGE, 0), -EINVAL);
	assert_int_equal(gm.nregions, 1);

	/* Adjacent on both sides is fine. */
	assert_int_equal(gm_add_ram(&gm, 0x0f000, PAGE, 0), 0);
	assert_int_equal(gm_add_ram(&gm, 0x14000, PAGE, 0), 0);
	assert_int_equal(gm.nregions, 3);
	assert_int_equal(gm_total(&gm), 6 * PAGE);

	/* Overlapping a region that is not the one with the nearest base. */
	assert_int_equal(gm_add_ram(&gm, 0x0e000, 8 * PAGE, 0), -EINVAL);
	assert_int_equal(gm.nregions, 3);
	gm_destroy(&gm);
}

static void test_add_ram_too_many(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);

	for (unsigned i = 0; i < GM_MAX_REGIONS; i++)
		assert_int_equal(
		    gm_add_ram(&gm, (uint64_t)i * 0x100000, PAGE, 0), 0);
	assert_int_equal(gm.nregions, GM_MAX_REGIONS);
	assert_int_equal(
	    gm_add_ram(&gm, (uint64_t)GM_MAX_REGIONS * 0x100000, PAGE, 0),
	    -ENOSPC);
	assert_int_equal(gm.nregions, GM_MAX_REGIONS);
	assert_int_equal(gm_total(&gm), GM_MAX_REGIONS * PAGE);
	/* The regions added before the failure still work. */
	uint8_t b = 0x5a;
	assert_int_equal(gm_write(&gm, 7 * 0x100000, &b, 1), 0);
	assert_false(gm_range_ok(&gm, GM_MAX_REGIONS * 0x100000ULL, 1));
	gm_destroy(&gm);
}

static void test_regions_sorted(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);

	static const uint64_t order[] = {0x50000, 0x10000, 0x70000, 0x30000,
					 0x00000, 0x60000};
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(gm_add_ram(&gm, order[i], PAGE, 0), 0);
	assert_int_equal(gm.nregions, 6);
	static const uint64_t sorted[] = {0x00000, 0x10000, 0x30000,
					  0x50000, 0x60000, 0x70000};
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(gm.regions[i].gpa, sorted[i]);
		assert_int_equal(gm.regions[i].size, PAGE);
		assert_non_null(gm.regions[i].hva);
	}

	/* Each gpa maps to its own host page: writes do not alias. */
	for (unsigned i = 0; i < 6; i++) {
		uint8_t v = (uint8_t)(0x10 + i);
		assert_int_equal(gm_write(&gm, order[i] + 5, &v, 1), 0);
	}
	for (unsigned i = 0; i < 6; i++) {
		uint8_t v = 0;
		assert_int_equal(gm_read(&gm, order[i] + 5, &v, 1), 0);
		assert_int_equal(v, 0x10 + i);
	}
	gm_destroy(&gm);
}

static void test_add_ram_mergeable(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);

	/* KSM may be compiled out; either it works or it fails cleanly. */
	int r = gm_add_ram(&gm, 0, 4 * PAGE, GM_MERGEABLE);
	if (r == 0) {
		assert_int_equal(gm.nregions, 1);
		assert_true(gm_range_ok(&gm, 0, 4 * PAGE));
	} else {
		assert_true(r < 0);
		assert_int_equal(gm.nregions, 0);
	}
	gm_destroy(&gm);
}

/* ---- access ----------------------------------------------------------- */

/* A: [0x10000, 0x12000), B: [0x12000, 0x13000) adjacent to A,
 * gap [0x13000, 0x20000), C: [0x20000, 0x21000). */
#define A_GPA 0x10000ULL
#define A_END 0x12000ULL
#define B_GPA 0x12000ULL
#define B_END 0x13000ULL
#define C_GPA 0x20000ULL
#define C_END 0x21000ULL

static int setup_abc(void **state)
{
	static struct guest_mem gm;
	gm_init(&gm);
	if (gm_add_ram(&gm, C_GPA, C_END - C_GPA, 0) ||
	    gm_add_ram(&gm, A_GPA, A_END - A_GPA, 0) ||
	    gm_add_ram(&gm, B_GPA, B_END - B_GPA, 0))
		return -1;
	*state = &gm;
	return 0;
}

static int teardown_abc(void **state)
{
	gm_destroy(*state);
	return 0;
}

static void test_new_ram_is_zero(void **state)
{
	struct guest_mem *gm = *state;
	const uint8_t *p = gm_ptr(gm, A_GPA, A_END - A_GPA);
	assert_non_null(p);
	assert_true(all_byte(p, A_END - A_GPA, 0));
}

static void test_read_write_inside(void **state)
{
	struct guest_mem *gm = *state;
	uint8_t src[300], dst[300];

	fill(src, sizeof(src), 1);
	assert_int_equal(gm_write(gm, A_GPA + 0x123, src, sizeof(src)), 0);
	memset(dst, 0, sizeof(dst));
	assert_int_equal(gm_read(gm, A_GPA + 0x123, dst, sizeof(dst)), 0);
	assert_memory_equal(src, dst, sizeof(src));

	/* gm_ptr points at the same bytes, at the region's hva + offset. */
	const struct gm_region *ra = &gm->regions[0];
	assert_int_equal(ra->gpa, A_GPA);
	uint8_t *p = gm_ptr(gm, A_GPA + 0x123, sizeof(src));
	assert_ptr_equal(p, ra->hva + 0x123);
	assert_memory_equal(p, src, sizeof(src));
	/* Neighbouring bytes were not written. */
	assert_int_equal(p[-1], 0);
	assert_int_equal(p[sizeof(src)], 0);

	/* Writes through the pointer are seen by gm_read. */
	p[0] = 0xee;
	uint8_t b = 0;
	assert_int_equal(gm_read(gm, A_GPA + 0x123, &b, 1), 0);
	assert_int_equal(b, 0xee);

	/* Whole regions, and the other regions. */
	assert_true(gm_range_ok(gm, A_GPA, A_END - A_GPA));
	assert_true(gm_range_ok(gm, B_GPA, B_END - B_GPA));
	assert_true(gm_range_ok(gm, C_GPA, C_END - C_GPA));
	assert_int_equal(gm_write(gm, C_GPA + 8, src, 16), 0);
	assert_ptr_equal(gm_ptr(gm, C_GPA + 8, 16), gm->regions[2].hva + 8);
	assert_memory_equal(gm->regions[2].hva + 8, src, 16);
	assert_ptr_equal(gm_ptr(gm, B_GPA, 1), gm->regions[1].hva);
}

static void test_zero(void **state)
{
	struct guest_mem *gm = *state;
	uint8_t src[64], dst[64];

	memset(src, 0xab, sizeof(src));
	assert_int_equal(gm_write(gm, B_GPA + 0x100, src, sizeof(src)), 0);
	assert_int_equal(gm_zero(gm, B_GPA + 0x110, 0x20), 0);
	assert_int_equal(gm_read(gm, B_GPA + 0x100, dst, sizeof(dst)), 0);
	assert_true(all_byte(dst, 0x10, 0xab));
	assert_true(all_byte(dst + 0x10, 0x20, 0));
	assert_true(all_byte(dst + 0x30, 0x10, 0xab));

	/* Zero of a bad range is -EFAULT and zeroes nothing. */
	assert_int_equal(gm_write(gm, B_END - 0x10, src, 0x10), 0);
	assert_int_equal(gm_write(gm, A_END - 0x10, src, 0x20), -EFAULT);
	assert_int_equal(gm_write(gm, A_END - 0x10, src, 0x10), 0);
	assert_int_equal(gm_write(gm, B_GPA, src, 0x10), 0);
	assert_int_equal(gm_zero(gm, B_END - 0x10, 0x11), -EFAULT);
	assert_int_equal(gm_zero(gm, A_END - 0x10, 0x20), -EFAULT);
	assert_int_equal(gm_read(gm, B_END - 0x10, dst, 0x10), 0);
	assert_true(all_byte(dst, 0x10, 0xab));
	assert_int_equal(gm_read(gm, A_END - 0x10, dst, 0x10), 0);
	assert_true(all_byte(dst, 0x10, 0xab));
	assert_int_equal(gm_read(gm, B_GPA, dst, 0x10), 0);
	assert_true(all_byte(dst, 0x10, 0xab));
	assert_int_equal(gm_zero(gm, B_END, 0), 0);
	assert_int_equal(gm_zero(gm, B_END, 1), -EFAULT);
}

/* Whole pages of anonymous RAM are dropped, not written: a page that was
 * never touched stays out of memory, a dirty one reads back as zeros, and
 * the partial pages at either end are cleared byte by byte. */
static void test_zero_pages(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, 8 * PAGE, 0), 0);
	uint8_t *h = gm.regions[0].hva;
	unsigned char vec[8];

	memset(h + PAGE, 0xab, 4 * PAGE);
	assert_int_equal(gm_zero(&gm, PAGE + 0x80, 6 * PAGE), 0);
	/* Before reading them (a read maps the zero page): pages 2..6 were
	 * whole inside the range, so dropped; 5 and 6 were never touched
	 * and stay so. */
	assert_int_equal(mincore(h, 8 * PAGE, vec), 0);
	for (unsigned i = 2; i < 7; i++)
		assert_int_equal(vec[i] & 1, 0);
	assert_int_equal(vec[1] & 1, 1); /* partial: written */
	assert_true(all_byte(h + PAGE, 0x80, 0xab));
	assert_true(all_byte(h + PAGE + 0x80, 6 * PAGE, 0));

	/* Under a page: no page to drop, the bytes are cleared. */
	memset(h, 0xcd, 0x40);
	assert_int_equal(gm_zero(&gm, 0x10, 0x20), 0);
	assert_true(all_byte(h, 0x10, 0xcd));
	assert_true(all_byte(h + 0x10, 0x20, 0));
	assert_true(all_byte(h + 0x30, 0x10, 0xcd));
	gm_destroy(&gm);
}

static void test_end_of_region(void **state)
{
	struct guest_mem *gm = *state;
	uint8_t buf[8];

	/* C is followed by nothing. Last byte fine, one past is not. */
	fill(buf, sizeof(buf), 3);
	assert_int_equal(gm_write(gm, C_END - 1, buf, 1), 0);
	assert_int_equal(gm_write(gm, C_END - 8, buf, 8), 0);
	assert_int_equal(gm_write(gm, C_END - 7, buf, 8), -EFAULT);
	assert_int_equal(gm_read(gm, C_END, buf, 1), -EFAULT);
	assert_int_equal(gm_write(gm, C_END, buf, 1), -EFAULT);
	assert_false(gm_range_ok(gm, C_END, 1));
	assert_null(gm_ptr(gm, C_END, 1));
	assert_null(gm_ptr(gm, C_END - 1, 2));

	/* len 0 at the end (and start) of a region is valid. */
	assert_true(gm_range_ok(gm, C_END, 0));
	assert_true(gm_range_ok(gm, C_GPA, 0));
	assert_int_equal(gm_read(gm, C_END, buf, 0), 0);
	assert_int_equal(gm_write(gm, C_END, buf, 0), 0);
	assert_ptr_equal(gm_ptr(gm, C_END, 0),
			 gm->regions[2].hva + (C_END - C_GPA));
	/* len 0 one byte past the end is not. */
	assert_false(gm_range_ok(gm, C_END + 1, 0));
	assert_int_equal(gm_read(gm, C_END + 1, buf, 0), -EFAULT);
}

static void test_straddle(void **state)
{
	struct guest_mem *gm = *state;
	uint8_t src[16], dst[16], orig[16];

	/* Give both sides of the A|B boundary known contents. */
	fill(src, sizeof(src), 0x40);
	assert_int_equal(gm_write(gm, A_END - 8, src, 8), 0);
	assert_int_equal(gm_write(gm, B_GPA, src + 8, 8), 0);

	/* The range is "all RAM" but crosses two regions: -EFAULT. */
	fill(dst, sizeof(dst), 0x90);
	memcpy(orig, dst, sizeof(dst));
	assert_int_equal(gm_read(gm, A_END - 8, dst, 16), -EFAULT);
	assert_memory_equal(dst, orig, sizeof(dst));
	assert_int_equal(gm_read(gm, A_END - 1, dst, 2), -EFAULT);
	assert_memory_equal(dst, orig, sizeof(dst));
	assert_int_equal(gm_read(gm, A_GPA, dst, B_END - A_GPA), -EFAULT);
	assert_memory_equal(dst, orig, sizeof(dst));
	assert_null(gm_ptr(gm, A_END - 1, 2));
	assert_false(gm_range_ok(gm, A_END - 1, 2));

	/* A straddling write changes neither side. */
	uint8_t w[16];
	memset(w, 0x77, sizeof(w));
	assert_int_equal(gm_write(gm, A_END - 8, w, 16), -EFAULT);
	assert_int_equal(gm_zero(gm, A_END - 8, 16), -EFAULT);
	assert_int_equal(gm_read(gm, A_END - 8, dst, 8), 0);
	assert_memory_equal(dst, src, 8);
	assert_int_equal(gm_read(gm, B_GPA, dst, 8), 0);
	assert_memory_equal(dst, src + 8, 8);

	/* Each half on its own is fine; len 0 at the seam is fine. */
	assert_true(gm_range_ok(gm, A_END - 8, 8));
	assert_true(gm_range_ok(gm, B_GPA, 8));
	assert_true(gm_range_ok(gm, A_END, 0));
}

static void test_gaps(void **state)
{
	struct guest_mem *gm = *state;
	uint8_t dst[4], orig[4];

	fill(dst, sizeof(dst), 0x33);
	memcpy(orig, dst, sizeof(dst));
	/* Below all RAM, in the gap, above all RAM, ending in the gap,
	 * starting in the gap. */
	static const struct {
		uint64_t gpa, len;
	} bad[] = {
	    {0, 1},           {A_GPA - 1, 1},  {A_GPA - 1, 2},
	    {B_END, 1},       {0x18000, 4},    {C_GPA - 1, 2},
	    {B_END - 2, 4},   {C_END, 4},      {0x100000000ULL, 1},
	    {0x15000, 0},     {0, 0},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(gm_range_ok(gm, bad[i].gpa, bad[i].len));
		assert_null(gm_ptr(gm, bad[i].gpa, bad[i].len));
		assert_int_equal(gm_read(gm, bad[i].gpa, dst, bad[i].len),
				 -EFAULT);
		assert_int_equal(gm_write(gm, bad[i].gpa, orig, bad[i].len),
				 -EFAULT);
		assert_int_equal(gm_zero(gm, bad[i].gpa, bad[i].len),
				 -EFAULT);
		assert_memory_equal(dst, orig, sizeof(dst));
	}
}

static void test_overflow_and_huge_len(void **state)
{
	struct guest_mem *gm = *state;
	uint8_t dst[4], orig[4];

	fill(dst, sizeof(dst), 0x21);
	memcpy(orig, dst, sizeof(dst));

	/* gpa + len wraps past 2^64. A naive `gpa + len <= end` check would
	 * accept some of these (the sum wraps to a small number). */
	static const struct {
		uint64_t gpa, len;
	} bad[] = {
	    {A_GPA, UINT64_MAX},
	    {A_GPA + 8, UINT64_MAX - 7},          /* sum wraps to A_GPA */
	    {A_GPA + 8, 0ULL - 8},                /* sum wraps to A_GPA */
	    {UINT64_MAX, 1},
	    {UINT64_MAX, UINT64_MAX},
	    {UINT64_MAX, 0},
	    {UINT64_MAX - 3, 4},
	    {A_GPA, (uint64_t)SIZE_MAX},
	    {A_GPA, 1ULL << 63},
	    {A_GPA, A_END - A_GPA + 1},
	    {C_GPA, 0x100000000ULL},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(gm_range_ok(gm, bad[i].gpa, bad[i].len));
		assert_null(gm_ptr(gm, bad[i].gpa, bad[i].len));
		assert_int_equal(gm_read(gm, bad[i].gpa, dst, bad[i].len),
				 -EFAULT);
		assert_int_equal(gm_write(gm, bad[i].gpa, orig, bad[i].len),
				 -EFAULT);
		assert_int_equal(gm_zero(gm, bad[i].gpa, bad[i].len),
				 -EFAULT);
		assert_memory_equal(dst, orig, sizeof(dst));
	}
}

static void test_region_near_top(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);

	/* The highest page that can be described: its end is 2^64 - 4096. */
	const uint64_t top = UINT64_MAX - 2 * PAGE + 1;
	assert_int_equal(gm_add_ram(&gm, top, PAGE, 0), 0);

	uint8_t v = 0x42, r = 0;
	assert_int_equal(gm_write(&gm, top + PAGE - 1, &v, 1), 0);
	assert_int_equal(gm_read(&gm, top + PAGE - 1, &r, 1), 0);
	assert_int_equal(r, 0x42);
	assert_true(gm_range_ok(&gm, top, PAGE));
	assert_true(gm_range_ok(&gm, top + PAGE, 0));
	assert_false(gm_range_ok(&gm, top, PAGE + 1));
	assert_false(gm_range_ok(&gm, top + PAGE, 1));
	assert_false(gm_range_ok(&gm, UINT64_MAX, 1));
	/* gpa inside, len so large the sum wraps back into the region. */
	assert_false(gm_range_ok(&gm, top + 16, 0ULL - 8));
	assert_false(gm_range_ok(&gm, top + 16, UINT64_MAX));
	assert_null(gm_ptr(&gm, top + 16, 0ULL - 8));
	assert_int_equal(gm_read(&gm, top + 16, &r, 0ULL - 8), -EFAULT);
	gm_destroy(&gm);
}

/* ---- whole-map operations --------------------------------------------- */

static void test_total(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);

	assert_int_equal(gm_total(&gm), 0);
	assert_int_equal(gm_add_ram(&gm, 0x100000, 3 * PAGE, 0), 0);
	assert_int_equal(gm_total(&gm), 3 * PAGE);
	assert_int_equal(gm_add_ram(&gm, 0, 5 * PAGE, 0), 0);
	assert_int_equal(gm_total(&gm), 8 * PAGE);
	/* A failed add does not change the total. */
	assert_int_equal(gm_add_ram(&gm, 0x1000, PAGE, 0), -EINVAL);
	assert_int_equal(gm_total(&gm), 8 * PAGE);
	gm_destroy(&gm);
	assert_int_equal(gm_total(&gm), 0);
}

static void test_clear(void **state)
{
	struct guest_mem *gm = *state;
	uint8_t src[32], dst[32];

	fill(src, sizeof(src), 9);
	assert_int_equal(gm_write(gm, A_GPA, src, sizeof(src)), 0);
	assert_int_equal(gm_write(gm, A_END - 32, src, sizeof(src)), 0);
	assert_int_equal(gm_write(gm, B_GPA + 0x800, src, sizeof(src)), 0);
	assert_int_equal(gm_write(gm, C_END - 32, src, sizeof(src)), 0);
	unsigned n = gm->nregions;

	gm_clear(gm);

	/* Same map, all zeros. */
	assert_int_equal(gm->nregions, n);
	assert_int_equal(gm_total(gm), (A_END - A_GPA) + (B_END - B_GPA) +
					   (C_END - C_GPA));
	for (unsigned i = 0; i < gm->nregions; i++) {
		const uint8_t *p =
		    gm_ptr(gm, gm->regions[i].gpa, gm->regions[i].size);
		assert_non_null(p);
		assert_true(all_byte(p, gm->regions[i].size, 0));
	}
	/* And it is still usable. */
	assert_int_equal(gm_write(gm, B_GPA + 0x800, src, sizeof(src)), 0);
	assert_int_equal(gm_read(gm, B_GPA + 0x800, dst, sizeof(dst)), 0);
	assert_memory_equal(src, dst, sizeof(src));
}

static void test_destroy_then_access(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, 4 * PAGE, 0), 0);
	uint8_t b = 1;
	assert_int_equal(gm_write(&gm, 0x100, &b, 1), 0);
	void *hva = gm.regions[0].hva;
	assert_int_equal(msync(hva, 4 * PAGE, MS_ASYNC), 0);

	gm_destroy(&gm);
	/* The host mapping is gone (msync fails with ENOMEM on unmapped
	 * memory). */
	assert_int_equal(msync(hva, 4 * PAGE, MS_ASYNC), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(gm.nregions, 0);
	assert_int_equal(gm_total(&gm), 0);
	assert_int_equal(gm_read(&gm, 0x100, &b, 1), -EFAULT);
	assert_int_equal(gm_write(&gm, 0x100, &b, 1), -EFAULT);
	assert_int_equal(gm_zero(&gm, 0x100, 1), -EFAULT);
	assert_null(gm_ptr(&gm, 0x100, 1));
	assert_false(gm_range_ok(&gm, 0, 0));

	/* Destroying twice is harmless; the map can be reused. */
	gm_destroy(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, 4 * PAGE, 0), 0);
	assert_int_equal(gm_read(&gm, 0x100, &b, 1), 0);
	assert_int_equal(b, 0);
	gm_destroy(&gm);
}

static void test_above_4g(void **state)
{
	(void)state;
	struct guest_mem gm;
	const uint64_t mib = 4608; /* 4.5 GiB: 3 GiB low, 1.5 GiB high */
	const uint64_t high_end = LAYOUT_4G + (mib << 20) - LAYOUT_MMIO_HOLE;

	tu_mem_init(&gm, mib);
	assert_int_equal(gm.nregions, 2);
	assert_int_equal(gm_total(&gm), mib << 20);
	assert_int_equal(gm.regions[0].gpa, 0);
	assert_int_equal(gm.regions[0].size, LAYOUT_MMIO_HOLE);
	assert_int_equal(gm.regions[1].gpa, LAYOUT_4G);
	assert_int_equal(gm.regions[1].size, high_end - LAYOUT_4G);

	uint64_t v = 0x0123456789abcdefULL, r = 0;
	/* Just below 3 GiB. */
	assert_int_equal(gm_write(&gm, LAYOUT_MMIO_HOLE - 8, &v, 8), 0);
	assert_int_equal(gm_read(&gm, LAYOUT_MMIO_HOLE - 8, &r, 8), 0);
	assert_int_equal(r, v);
	assert_ptr_equal(gm_ptr(&gm, LAYOUT_MMIO_HOLE - 8, 8),
			 gm.regions[0].hva + LAYOUT_MMIO_HOLE - 8);
	assert_int_equal(gm_write(&gm, LAYOUT_MMIO_HOLE - 4, &v, 8), -EFAULT);

	/* In the hole. */
	static const uint64_t hole[] = {LAYOUT_MMIO_HOLE, LAYOUT_VIRTIO_MMIO,
					LAYOUT_IOAPIC, LAYOUT_LAPIC,
					LAYOUT_4G - 1};
	for (unsigned i = 0; i < sizeof(hole) / sizeof(hole[0]); i++) {
		r = 0x5555;
		assert_int_equal(gm_read(&gm, hole[i], &r, 1), -EFAULT);
		assert_int_equal(r, 0x5555);
		assert_false(gm_range_ok(&gm, hole[i], 1));
	}
	assert_false(gm_range_ok(&gm, LAYOUT_4G - 4, 8));

	/* At 4 GiB, and the end of high RAM. */
	v = 0xfeedfacecafebeefULL;
	assert_int_equal(gm_write(&gm, LAYOUT_4G, &v, 8), 0);
	r = 0;
	assert_int_equal(gm_read(&gm, LAYOUT_4G, &r, 8), 0);
	assert_int_equal(r, v);
	assert_ptr_equal(gm_ptr(&gm, LAYOUT_4G, 8), gm.regions[1].hva);
	assert_int_equal(gm_write(&gm, high_end - 8, &v, 8), 0);
	assert_true(gm_range_ok(&gm, high_end, 0));
	assert_false(gm_range_ok(&gm, high_end, 1));
	assert_false(gm_range_ok(&gm, high_end - 4, 8));
	gm_destroy(&gm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_ram_errors),
	    cmocka_unit_test(test_add_ram_overlap),
	    cmocka_unit_test(test_add_ram_too_many),
	    cmocka_unit_test(test_regions_sorted),
	    cmocka_unit_test(test_add_ram_mergeable),
	    cmocka_unit_test_setup_teardown(test_new_ram_is_zero, setup_abc,
					    teardown_abc),
	    cmocka_unit_test_setup_teardown(test_read_write_inside, setup_abc,
					    teardown_abc),
	    cmocka_unit_test_setup_teardown(test_zero, setup_abc, teardown_abc),
	    cmocka_unit_test_setup_teardown(test_end_of_region, setup_abc,
					    teardown_abc),
	    cmocka_unit_test_setup_teardown(test_straddle, setup_abc,
					    teardown_abc),
	    cmocka_unit_test_setup_teardown(test_gaps, setup_abc, teardown_abc),
	    cmocka_unit_test_setup_teardown(test_overflow_and_huge_len,
					    setup_abc, teardown_abc),
	    cmocka_unit_test(test_region_near_top),
	    cmocka_unit_test(test_total),
	    cmocka_unit_test(test_zero_pages),
	    cmocka_unit_test_setup_teardown(test_clear, setup_abc,
					    teardown_abc),
	    cmocka_unit_test(test_destroy_then_access),
	    cmocka_unit_test(test_above_4g),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
