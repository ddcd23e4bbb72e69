/* SPDX-License-Identifier: Apache-2.0 */
/* mptable_write, checked by parsing guest memory as a guest OS would (byte
 * offsets from the MP spec 1.4, independent of mptable.c's structs). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/support/test_util.h"
#include "vmm/base/layout.h"
#include "vmm/platform/x86/mptable.h"
#include "vmm/vm/config.h"

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint8_t sum8(const uint8_t *p, size_t len)
{
	uint8_t s = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* Scan [base, base+len) on 16-byte boundaries for a valid floating
 * pointer, like Linux's smp_scan_config. */
static const uint8_t *find_mpf(const struct guest_mem *gm, uint64_t base,
			       uint64_t len)
{
	const uint8_t *p = gm_ptr(gm, base, len);
	assert_non_null(p);
	for (uint64_t off = 0; off + 16 <= len; off += 16) {
		if (memcmp(p + off, "_MP_", 4) == 0 && p[off + 8] == 1 &&
		    sum8(p + off, 16) == 0)
			return p + off;
	}
	return NULL;
}

static void check_table(const struct guest_mem *gm, unsigned ncpus)
{
	/* The BDA's EBDA segment leads to the EBDA. */
	uint16_t seg;
	assert_int_equal(gm_read(gm, 0x40e, &seg, sizeof(seg)), 0);
	assert_int_equal((uint64_t)seg << 4, LAYOUT_EBDA);

	const uint8_t *mpf = find_mpf(gm, (uint64_t)seg << 4, 1024);
	assert_non_null(mpf);
	assert_ptr_equal(mpf, gm_ptr(gm, LAYOUT_EBDA, 16));
	assert_int_equal(mpf[9], 4);  /* spec rev 1.4 */
	assert_int_equal(mpf[11], 0); /* feature 1: config table present */

	uint32_t physptr = rd32(mpf + 4);
	assert_int_equal(physptr, LAYOUT_EBDA + 16);
	const uint8_t *hdr = gm_ptr(gm, physptr, 44);
	assert_non_null(hdr);
	assert_memory_equal(hdr, "PCMP", 4);
	uint16_t len = rd16(hdr + 4);
	uint16_t count = rd16(hdr + 34);
	assert_int_equal(hdr[6], 4);
	assert_memory_equal(hdr + 8, "VMM     ", 8);
	assert_int_equal(rd32(hdr + 36), LAYOUT_LAPIC);
	assert_int_equal(rd16(hdr + 40), 0); /* no extended table */
	assert_true(physptr + len <= LAYOUT_EBDA_END);
	const uint8_t *tab = gm_ptr(gm, physptr, len);
	assert_non_null(tab);
	assert_int_equal(sum8(tab, len), 0);

	unsigned ncpu = 0, nbus = 0, nioapic = 0, nioint = 0, nlint = 0;
	unsigned bsp = 0, ioapic_id = 0x100;
	uint32_t irq_seen = 0;
	size_t off = 44;
	for (unsigned i = 0; i < count; i++) {
		assert_true(off < len);
		const uint8_t *e = tab + off;
		switch (e[0]) {
		case 0: /* processor */
			assert_true(off + 20 <= len);
			assert_int_equal(e[1], ncpu); /* APIC id i, in order */
			assert_int_equal(e[2], 0x14);
			assert_true(e[3] & 1); /* enabled */
			if (e[3] & 2) {
				bsp++;
				assert_int_equal(e[1], 0);
			}
			ncpu++;
			off += 20;
			break;
		case 1: /* bus */
			assert_memory_equal(e + 2, "ISA   ", 6);
			assert_int_equal(e[1], 0);
			nbus++;
			off += 8;
			break;
		case 2: /* IO-APIC */
			ioapic_id = e[1];
			assert_int_equal(e[2], 0x11);
			assert_true(e[3] & 1);
			assert_int_equal(rd32(e + 4), LAYOUT_IOAPIC);
			nioapic++;
			off += 8;
			break;
		case 3: /* IO interrupt */
			assert_int_equal(e[1], 0); /* INT */
			assert_int_equal(rd16(e + 2), 0);
			assert_int_equal(e[4], 0); /* ISA bus */
			assert_int_equal(e[6], ioapic_id);
			assert_int_equal(e[5], e[7]); /* IRQ n -> pin n */
			assert_true(e[5] < 24);
			irq_seen |= 1u << e[5];
			nioint++;
			off += 8;
			break;
		case 4: /* local interrupt */
			assert_int_equal(e[6], 0xff);
			if (e[7] == 0)
				assert_int_equal(e[1], 3); /* LINT0 ExtINT */
			else if (e[7] == 1)
				assert_int_equal(e[1], 1); /* LINT1 NMI */
			else
				fail();
			nlint++;
			off += 8;
			break;
		default:
			fail_msg("entry type %u", e[0]);
		}
	}
	assert_int_equal(off, len);
	assert_int_equal(ncpu, ncpus);
	assert_int_equal(bsp, 1);
	assert_int_equal(nbus, 1);
	assert_int_equal(nioapic, 1);
	assert_int_equal(ioapic_id, ncpus);
	assert_int_equal(nioint, 24);
	assert_int_equal(irq_seen, 0xffffff);
	assert_int_equal(nlint, 2);
}

static void write_and_check(unsigned ncpus)
{
	struct guest_mem gm;
	tu_mem_init(&gm, 16);
	assert_int_equal(mptable_write(&gm, ncpus), 0);
	check_table(&gm, ncpus);
	gm_destroy(&gm);
}

static void test_one_cpu(void **state)
{
	(void)state;
	write_and_check(1);
}

static void test_two_cpus(void **state)
{
	(void)state;
	write_and_check(2);
}

static void test_max_cpus(void **state)
{
	(void)state;
	write_and_check(MPTABLE_MAX_CPUS);
}

/* Every vCPU count the command line accepts gets an MP table. */
_Static_assert(CONFIG_MAX_CPUS <= MPTABLE_MAX_CPUS,
	       "the EBDA is too small for --cpus " "CONFIG_MAX_CPUS");

static void test_cli_max_cpus(void **state)
{
	(void)state;
	write_and_check(CONFIG_MAX_CPUS);
}

static void test_rewrite_fewer(void **state)
{
	(void)state;
	struct guest_mem gm;
	tu_mem_init(&gm, 16);
	assert_int_equal(mptable_write(&gm, 8), 0);
	assert_int_equal(mptable_write(&gm, 3), 0);
	check_table(&gm, 3);
	gm_destroy(&gm);
}

static void test_bad_ncpus(void **state)
{
	(void)state;
	struct guest_mem gm;
	tu_mem_init(&gm, 16);
	assert_int_equal(mptable_write(&gm, 0), -EINVAL);
	assert_int_equal(mptable_write(&gm, MPTABLE_MAX_CPUS + 1), -EINVAL);
	assert_int_equal(mptable_write(&gm, 255), -EINVAL);
	/* Nothing was written: no floating pointer, no BDA word. */
	const uint8_t *p = gm_ptr(&gm, LAYOUT_EBDA, 16);
	assert_non_null(p);
	assert_int_equal(sum8(p, 16), 0);
	assert_memory_not_equal(p, "_MP_", 4);
	uint16_t seg;
	assert_int_equal(gm_read(&gm, 0x40e, &seg, sizeof(seg)), 0);
	assert_int_equal(seg, 0);
	gm_destroy(&gm);
}

static void test_small_memory(void **state)
{
	(void)state;
	struct guest_mem gm;
	/* RAM ends below the EBDA. */
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, 0x9f000, 0), 0);
	assert_int_equal(mptable_write(&gm, 1), -EFAULT);
	uint16_t seg;
	assert_int_equal(gm_read(&gm, 0x40e, &seg, sizeof(seg)), 0);
	assert_int_equal(seg, 0);
	gm_destroy(&gm);

	/* Only a 16 KiB region at 0. */
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, 0x4000, 0), 0);
	assert_int_equal(mptable_write(&gm, 2), -EFAULT);
	gm_destroy(&gm);

	/* The EBDA page but no BDA. */
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0x9f000, 0x1000, 0), 0);
	assert_int_equal(mptable_write(&gm, 2), -EFAULT);
	const uint8_t *p = gm_ptr(&gm, LAYOUT_EBDA, 4);
	assert_non_null(p);
	assert_memory_not_equal(p, "_MP_", 4);
	gm_destroy(&gm);

	/* No memory at all. */
	gm_init(&gm);
	assert_int_equal(mptable_write(&gm, 1), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_cpu),
		cmocka_unit_test(test_two_cpus),
		cmocka_unit_test(test_max_cpus),
		cmocka_unit_test(test_cli_max_cpus),
		cmocka_unit_test(test_rewrite_fewer),
		cmocka_unit_test(test_bad_ncpus),
		cmocka_unit_test(test_small_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
