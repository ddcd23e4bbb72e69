/* SPDX-License-Identifier: Apache-2.0 */
/* cpu_boot_setup: the GDT and page tables it writes, read back the way the
 * CPU would, and the register state for each boot mode. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/support/test_util.h"
#include "vmm/base/layout.h"
#include "vmm/platform/x86/cpu_boot.h"

#define CR0_PE (1ULL << 0)
#define CR0_ET (1ULL << 4)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

static uint64_t rd64(const struct guest_mem *gm, uint64_t gpa)
{
	uint64_t v;
	assert_int_equal(gm_read(gm, gpa, &v, sizeof(v)), 0);
	return v;
}

/* Check that a segment register matches its GDT descriptor in guest
 * memory, decoded field by field (Intel SDM vol. 3, 3.4.5). */
static void check_seg(const struct guest_mem *gm, const struct accel_sregs *s,
		      const struct accel_segment *seg, uint16_t sel)
{
	assert_int_equal(seg->selector, sel);
	assert_true(sel + 8u <= s->gdt.limit + 1u);
	uint64_t d = rd64(gm, s->gdt.base + sel);
	uint32_t limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
	if (d & (1ULL << 55))
		limit = limit << 12 | 0xfff;
	uint64_t base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
	assert_int_equal(seg->base, base);
	assert_int_equal(seg->limit, limit);
	assert_int_equal(seg->type, (d >> 40) & 0xf);
	assert_int_equal(seg->s, (d >> 44) & 1);
	assert_int_equal(seg->dpl, (d >> 45) & 3);
	assert_int_equal(seg->present, (d >> 47) & 1);
	assert_int_equal(seg->avl, (d >> 52) & 1);
	assert_int_equal(seg->l, (d >> 53) & 1);
	assert_int_equal(seg->db, (d >> 54) & 1);
	assert_int_equal(seg->g, (d >> 55) & 1);
	assert_int_equal(seg->present, 1);
	assert_int_equal(seg->unusable, 0);
}

static void check_common(const struct guest_mem *gm,
			 const struct accel_sregs *s)
{
	assert_int_equal(s->gdt.base, LAYOUT_GDT);
	assert_int_equal(rd64(gm, LAYOUT_GDT), 0); /* null descriptor */
	check_seg(gm, s, &s->ds, LAYOUT_SEL_DATA);
	check_seg(gm, s, &s->es, LAYOUT_SEL_DATA);
	check_seg(gm, s, &s->fs, LAYOUT_SEL_DATA);
	check_seg(gm, s, &s->gs, LAYOUT_SEL_DATA);
	check_seg(gm, s, &s->ss, LAYOUT_SEL_DATA);
	check_seg(gm, s, &s->tr, LAYOUT_SEL_TSS);
	/* Flat 4 GiB writable data; a busy TSS. */
	assert_int_equal(s->ds.base, 0);
	assert_int_equal(s->ds.limit, 0xffffffff);
	assert_int_equal(s->ds.type & 0xa, 0x2);
	assert_int_equal(s->ds.s, 1);
	assert_int_equal(s->tr.type, 0xb);
	assert_int_equal(s->tr.s, 0);
	assert_int_equal(s->ldt.unusable, 1);
	assert_int_equal(s->idt.base, LAYOUT_IDT);
	assert_int_equal(s->idt.limit, 0);
	assert_int_equal(s->apic_base, 0xfee00900);
}

/* Walk the 4-level tables from CR3 for a virtual address; the final page
 * must be a 2 MiB one. Returns the physical address. */
static uint64_t walk(const struct guest_mem *gm, uint64_t cr3, uint64_t va)
{
	uint64_t pml4e = rd64(gm, (cr3 & ~0xfffULL) + ((va >> 39) & 511) * 8);
	assert_true(pml4e & 1);
	assert_true(pml4e & 2);
	uint64_t pdpte = rd64(gm, (pml4e & 0xffffffffff000ULL) +
					  ((va >> 30) & 511) * 8);
	assert_true(pdpte & 1);
	assert_false(pdpte & 0x80); /* not a 1 GiB page */
	uint64_t pde = rd64(gm, (pdpte & 0xffffffffff000ULL) +
					((va >> 21) & 511) * 8);
	assert_true(pde & 1);
	assert_true(pde & 2);
	assert_true(pde & 0x80); /* 2 MiB page */
	return (pde & 0xfffffffe00000ULL) | (va & 0x1fffff);
}

static void test_linux64(void **state)
{
	(void)state;
	struct guest_mem gm;
	tu_mem_init(&gm, 64);
	struct boot_plan plan = {
		.mode = BOOT_MODE_LINUX64,
		.entry = 0x1000200,
		.boot_info = LAYOUT_ZERO_PAGE,
	};
	struct accel_regs r;
	struct accel_sregs s;
	memset(&r, 0xa5, sizeof(r));
	memset(&s, 0xa5, sizeof(s));
	assert_int_equal(cpu_boot_setup(&gm, &plan, &r, &s), 0);

	check_common(&gm, &s);
	check_seg(&gm, &s, &s.cs, LAYOUT_SEL_CODE64);
	assert_int_equal(s.cs.l, 1);
	assert_int_equal(s.cs.db, 0);
	assert_true(s.cs.type & 0x8); /* code */
	assert_true(s.cr0 & CR0_PG);
	assert_true(s.cr0 & CR0_PE);
	assert_true(s.cr0 & CR0_ET);
	assert_true(s.cr4 & CR4_PAE);
	assert_true(s.efer & EFER_LMA);
	assert_true(s.efer & EFER_LME);
	assert_int_equal(s.cr3, LAYOUT_PML4);
	assert_int_equal(s.cr2, 0);
	assert_int_equal(s.cr8, 0);

	assert_int_equal(r.rsi, LAYOUT_ZERO_PAGE);
	assert_int_equal(r.rip, 0x1000200);
	assert_int_equal(r.rsp, LAYOUT_BOOT_STACK);
	assert_int_equal(r.rbp, LAYOUT_BOOT_STACK);
	assert_int_equal(r.rflags, 0x2);
	assert_int_equal(r.rax | r.rbx | r.rcx | r.rdx | r.rdi, 0);
	assert_int_equal(r.r8 | r.r9 | r.r10 | r.r11 | r.r12 | r.r13 | r.r14 |
				 r.r15,
			 0);

	/* Identity map over the whole 4 GiB, 2 MiB pages. */
	const uint64_t vas[] = {
		0, 0x1234, (1ULL << 30) + (2ULL << 20) + 0x10,
		0xfee00000, 0xfec00020, 0xffffffff,
	};
	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++)
		assert_int_equal(walk(&gm, s.cr3, vas[i]), vas[i]);
	/* Nothing beyond 4 GiB: PML4[0] only covers 512 GiB, PDPT[4] is 0. */
	assert_int_equal(rd64(&gm, LAYOUT_PDPT + 4 * 8), 0);
	assert_int_equal(rd64(&gm, LAYOUT_PML4 + 8), 0);
	gm_destroy(&gm);
}

static void test_pvh(void **state)
{
	(void)state;
	struct guest_mem gm;
	tu_mem_init(&gm, 64);
	struct boot_plan plan = {
		.mode = BOOT_MODE_PVH,
		.entry = 0x1000000,
		.boot_info = LAYOUT_PVH_INFO,
	};
	struct accel_regs r;
	struct accel_sregs s;
	memset(&r, 0xa5, sizeof(r));
	memset(&s, 0xa5, sizeof(s));
	assert_int_equal(cpu_boot_setup(&gm, &plan, &r, &s), 0);

	check_common(&gm, &s);
	check_seg(&gm, &s, &s.cs, LAYOUT_SEL_CODE32);
	assert_int_equal(s.cs.db, 1);
	assert_int_equal(s.cs.l, 0);
	assert_int_equal(s.cs.base, 0);
	assert_int_equal(s.cs.limit, 0xffffffff);
	assert_false(s.cr0 & CR0_PG);
	assert_true(s.cr0 & CR0_PE);
	assert_int_equal(s.cr4, 0);
	assert_int_equal(s.efer, 0);

	assert_int_equal(r.rbx, LAYOUT_PVH_INFO);
	assert_int_equal(r.rip, 0x1000000);
	assert_int_equal(r.rflags, 0x2);
	assert_int_equal(r.rax | r.rcx | r.rdx | r.rsi | r.rdi | r.rsp | r.rbp,
			 0);
	/* No page tables are written for PVH. */
	assert_int_equal(rd64(&gm, LAYOUT_PML4), 0);
	gm_destroy(&gm);
}

static void test_small_memory(void **state)
{
	(void)state;
	struct guest_mem gm;
	struct accel_regs r;
	struct accel_sregs s;
	struct boot_plan plan = {
		.mode = BOOT_MODE_LINUX64,
		.entry = 0x100000,
		.boot_info = LAYOUT_ZERO_PAGE,
	};

	/* 16 KiB: the GDT fits, the page tables at 0x9000 do not. */
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, 0x4000, 0), 0);
	assert_int_equal(cpu_boot_setup(&gm, &plan, &r, &s), -EFAULT);
	assert_int_equal(rd64(&gm, LAYOUT_GDT + 8), 0); /* nothing written */
	/* PVH needs no page tables, so 16 KiB is enough. */
	plan.mode = BOOT_MODE_PVH;
	assert_int_equal(cpu_boot_setup(&gm, &plan, &r, &s), 0);
	gm_destroy(&gm);

	/* No memory: not even the GDT. */
	gm_init(&gm);
	assert_int_equal(cpu_boot_setup(&gm, &plan, &r, &s), -EFAULT);
}

static void test_bad_plan(void **state)
{
	(void)state;
	struct guest_mem gm;
	tu_mem_init(&gm, 16);
	struct accel_regs r;
	struct accel_sregs s;
	struct boot_plan plan = { .mode = 0, .entry = 0x100000 };
	assert_int_equal(cpu_boot_setup(&gm, &plan, &r, &s), -EINVAL);
	plan.mode = BOOT_MODE_PVH + 1;
	assert_int_equal(cpu_boot_setup(&gm, &plan, &r, &s), -EINVAL);
	/* Entry above the identity map / 32-bit space. */
	plan.mode = BOOT_MODE_LINUX64;
	plan.entry = LAYOUT_4G;
	assert_int_equal(cpu_boot_setup(&gm, &plan, &r, &s), -EINVAL);
	plan.mode = BOOT_MODE_PVH;
	plan.entry = 0x100000;
	plan.boot_info = LAYOUT_4G + 0x1000;
	assert_int_equal(cpu_boot_setup(&gm, &plan, &r, &s), -EINVAL);
	gm_destroy(&gm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux64),
		cmocka_unit_test(test_pvh),
		cmocka_unit_test(test_small_memory),
		cmocka_unit_test(test_bad_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
