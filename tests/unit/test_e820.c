/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>

#include "tests/support/test_util.h"
#include "vmm/base/layout.h"
#include "vmm/platform/x86/e820.h"

#define MIB (1ULL << 20)

/* Properties every built map must have, whatever the layout. */
static void check_invariants(const struct guest_mem *gm,
			     const struct e820_map *m)
{
	uint64_t reserved = 0;

	assert_true(m->n > 0 && m->n <= E820_MAX);
	for (unsigned i = 0; i < m->n; i++) {
		const struct e820_entry *e = &m->e[i];
		assert_true(e->size > 0);
		assert_true(e->type == E820_TYPE_RAM ||
			    e->type == E820_TYPE_RESERVED);
		/* Backed by guest RAM, and never in the 640K-1M hole. */
		assert_true(gm_range_ok(gm, e->addr, e->size));
		assert_true(e->addr + e->size <= LAYOUT_EBDA_END ||
			    e->addr >= LAYOUT_HIMEM);
		if (i > 0)
			assert_true(m->e[i - 1].addr + m->e[i - 1].size <=
				    e->addr);
		if (e->type == E820_TYPE_RESERVED)
			reserved += e->size;
	}
	/* Everything but the RAM in the hole is described. */
	uint64_t hole = 0;
	for (unsigned i = 0; i < gm->nregions; i++) {
		uint64_t s = gm->regions[i].gpa;
		uint64_t e = s + gm->regions[i].size;
		s = s > LAYOUT_EBDA_END ? s : LAYOUT_EBDA_END;
		e = e < LAYOUT_HIMEM ? e : LAYOUT_HIMEM;
		hole += e > s ? e - s : 0;
	}
	assert_int_equal(e820_ram_bytes(m) + reserved, gm_total(gm) - hole);
}

static void expect_entry(const struct e820_entry *e, uint64_t addr,
			 uint64_t size, uint32_t type)
{
	assert_int_equal(e->addr, addr);
	assert_int_equal(e->size, size);
	assert_int_equal(e->type, type);
}

static void check_std_layout(uint64_t mib)
{
	struct guest_mem gm;
	struct e820_map m;
	uint64_t bytes = mib * MIB;
	uint64_t low = bytes < LAYOUT_MMIO_HOLE ? bytes : LAYOUT_MMIO_HOLE;

	tu_mem_init(&gm, mib);
	assert_int_equal(e820_build(&gm, &m), 0);
	check_invariants(&gm, &m);
	assert_int_equal(m.n, bytes > low ? 4 : 3);
	expect_entry(&m.e[0], 0, LAYOUT_EBDA, E820_TYPE_RAM);
	expect_entry(&m.e[1], LAYOUT_EBDA, LAYOUT_EBDA_END - LAYOUT_EBDA,
		     E820_TYPE_RESERVED);
	expect_entry(&m.e[2], LAYOUT_HIMEM, low - LAYOUT_HIMEM, E820_TYPE_RAM);
	if (bytes > low)
		expect_entry(&m.e[3], LAYOUT_4G, bytes - low, E820_TYPE_RAM);
	assert_int_equal(e820_ram_bytes(&m),
			 LAYOUT_EBDA + (bytes - LAYOUT_HIMEM));
	gm_destroy(&gm);
}

static void test_8m(void **state)
{
	(void)state;
	check_std_layout(8);
}

static void test_128m(void **state)
{
	(void)state;
	check_std_layout(128);
}

static void test_3g_exactly(void **state)
{
	(void)state;
	check_std_layout(3072);
}

static void test_above_4g(void **state)
{
	(void)state;
	check_std_layout(4608);
}

/* Low RAM that ends inside the EBDA and separate RAM from 1 MiB. */
static void test_split_low(void **state)
{
	struct guest_mem gm;
	struct e820_map m;

	(void)state;
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, 0x9f000, 0), 0);
	assert_int_equal(gm_add_ram(&gm, LAYOUT_HIMEM, 2 * MIB, 0), 0);
	assert_int_equal(e820_build(&gm, &m), 0);
	assert_int_equal(m.n, 2);
	expect_entry(&m.e[0], 0, 0x9f000, E820_TYPE_RAM);
	expect_entry(&m.e[1], LAYOUT_HIMEM, 2 * MIB, E820_TYPE_RAM);
	gm_destroy(&gm);

	/* Low RAM covering exactly up to the hole: RAM + reserved. */
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, LAYOUT_EBDA_END, 0), 0);
	assert_int_equal(gm_add_ram(&gm, LAYOUT_HIMEM, MIB, 0), 0);
	assert_int_equal(e820_build(&gm, &m), 0);
	assert_int_equal(m.n, 3);
	check_invariants(&gm, &m);
	gm_destroy(&gm);
}

/* Every region of a full gm appears, in order. */
static void test_many_regions(void **state)
{
	struct guest_mem gm;
	struct e820_map m;

	(void)state;
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, 4 * MIB, 0), 0);
	for (uint64_t i = 1; i < GM_MAX_REGIONS; i++)
		assert_int_equal(gm_add_ram(&gm, LAYOUT_4G * i, MIB, 0), 0);
	assert_int_equal(e820_build(&gm, &m), 0);
	check_invariants(&gm, &m);
	assert_int_equal(m.n, 3 + GM_MAX_REGIONS - 1);
	for (unsigned i = 3; i < m.n; i++)
		expect_entry(&m.e[i], LAYOUT_4G * (i - 2), MIB, E820_TYPE_RAM);
	gm_destroy(&gm);
}

static void test_no_ram_at_0_or_1m(void **state)
{
	struct guest_mem gm;
	struct e820_map m = {.n = 7};

	(void)state;
	gm_init(&gm);
	assert_int_equal(e820_build(&gm, &m), -EINVAL);

	/* Only 1 MiB: nothing at LAYOUT_HIMEM. */
	tu_mem_init(&gm, 1);
	assert_int_equal(e820_build(&gm, &m), -EINVAL);
	gm_destroy(&gm);

	/* RAM from 1 MiB but none at 0. */
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, LAYOUT_HIMEM, 8 * MIB, 0), 0);
	assert_int_equal(e820_build(&gm, &m), -EINVAL);
	gm_destroy(&gm);

	/* Failures leave *out alone. */
	assert_int_equal(m.n, 7);
}

static void test_ram_bytes_counts_only_ram(void **state)
{
	struct e820_map m = {.n = 3};

	(void)state;
	m.e[0] =
	    (struct e820_entry){.addr = 0, .size = 100, .type = E820_TYPE_RAM};
	m.e[1] = (struct e820_entry){
	    .addr = 100, .size = 1000, .type = E820_TYPE_RESERVED};
	m.e[2] =
	    (struct e820_entry){.addr = 4096, .size = 5, .type = E820_TYPE_RAM};
	assert_int_equal(e820_ram_bytes(&m), 105);
	m.n = 0;
	assert_int_equal(e820_ram_bytes(&m), 0);
}

/* e820_reserve: the ACPI area goes between the EBDA and 1 MiB; overlaps,
 * empty or wrapping ranges and a full map are refused. */
static void test_reserve(void **state)
{
	struct guest_mem gm;
	struct e820_map m;

	(void)state;
	tu_mem_init(&gm, 128);
	assert_int_equal(e820_build(&gm, &m), 0);
	unsigned n = m.n;
	uint64_t ram = e820_ram_bytes(&m);
	assert_int_equal(e820_reserve(&m, LAYOUT_ACPI,
				      LAYOUT_ACPI_END - LAYOUT_ACPI),
			 0);
	assert_int_equal(m.n, n + 1);
	expect_entry(&m.e[0], 0, LAYOUT_EBDA, E820_TYPE_RAM);
	expect_entry(&m.e[1], LAYOUT_EBDA, LAYOUT_EBDA_END - LAYOUT_EBDA,
		     E820_TYPE_RESERVED);
	expect_entry(&m.e[2], LAYOUT_ACPI, LAYOUT_ACPI_END - LAYOUT_ACPI,
		     E820_TYPE_RESERVED);
	expect_entry(&m.e[3], LAYOUT_HIMEM, 127 * MIB, E820_TYPE_RAM);
	assert_int_equal(e820_ram_bytes(&m), ram);

	/* Overlapping any entry, empty, or wrapping: -EINVAL, unchanged. */
	struct e820_map before = m;
	assert_int_equal(e820_reserve(&m, LAYOUT_ACPI + 16, 16), -EINVAL);
	assert_int_equal(e820_reserve(&m, 0xdf000, 0x2000), -EINVAL);
	assert_int_equal(e820_reserve(&m, LAYOUT_HIMEM - 1, 2), -EINVAL);
	assert_int_equal(e820_reserve(&m, 0, 1), -EINVAL);
	assert_int_equal(e820_reserve(&m, 0xc0000, 0), -EINVAL);
	assert_int_equal(e820_reserve(&m, UINT64_MAX, 2), -EINVAL);
	assert_memory_equal(&m, &before, sizeof(m));

	/* At the end, then until the map is full. */
	assert_int_equal(e820_reserve(&m, 0xfec00000, 0x1000), 0);
	expect_entry(&m.e[m.n - 1], 0xfec00000, 0x1000, E820_TYPE_RESERVED);
	while (m.n < E820_MAX)
		assert_int_equal(
		    e820_reserve(&m, 0xd0000000 + m.n * 0x1000ULL, 0x1000), 0);
	assert_int_equal(e820_reserve(&m, 0xc0000, 0x1000), -ENOSPC);
	for (unsigned i = 1; i < m.n; i++)
		assert_true(m.e[i - 1].addr + m.e[i - 1].size <= m.e[i].addr);
	gm_destroy(&gm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_8m),
	    cmocka_unit_test(test_128m),
	    cmocka_unit_test(test_3g_exactly),
	    cmocka_unit_test(test_above_4g),
	    cmocka_unit_test(test_split_low),
	    cmocka_unit_test(test_many_regions),
	    cmocka_unit_test(test_no_ram_at_0_or_1m),
	    cmocka_unit_test(test_ram_bytes_counts_only_ram),
	    cmocka_unit_test(test_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
