/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot CPU's entry state: a flat GDT, an empty IDT, identity page
 * tables for 64-bit entry, and the registers for each boot protocol.
 */
#include "vmm/platform/x86/cpu_boot.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "vmm/base/layout.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "GDT and page tables are written in host byte order");

/* Boot GDT, indexed by selector >> 3. Code and data have the accessed bit
 * set so the CPU never writes back to the table. */
static const uint64_t cpu_boot_gdt[] = {
    [0] = 0,
    [LAYOUT_SEL_CODE32 >> 3] = 0x00cf9b000000ffffULL, /* G, D, P, code */
    [LAYOUT_SEL_CODE64 >> 3] = 0x00af9b000000ffffULL, /* G, L, P, code */
    [LAYOUT_SEL_DATA >> 3] = 0x00cf93000000ffffULL,   /* G, B, P, data */
    [LAYOUT_SEL_TSS >> 3] = 0x00008b0000000067ULL,    /* P, busy TSS */
};

/*
 * The IDT gets a base but limit 0: any exception or interrupt before the
 * kernel loads its own IDT finds no gate and escalates to a triple fault,
 * which the backend reports as a reset. Nothing is written there (with
 * limit 0 the CPU never reads a gate).
 */

#define CR0_PE	 (1ULL << 0)
#define CR0_MP	 (1ULL << 1)
#define CR0_ET	 (1ULL << 4)
#define CR0_NE	 (1ULL << 5)
#define CR0_WP	 (1ULL << 16)
#define CR0_PG	 (1ULL << 31)
#define CR4_PAE	 (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

#define PTE_P	   (1ULL << 0)
#define PTE_RW	   (1ULL << 1)
#define PTE_PS	   (1ULL << 7)
#define PAGE_SIZE  4096ULL
#define PT_ENTRIES 512
#define PD_PAGES   4 /* 4 GiB of 2 MiB pages */
#define HUGE_2M	   (1ULL << 21)

#define RFLAGS_RESERVED 0x2ULL /* bit 1 always reads 1; IF stays clear */

/* xAPIC enabled (bit 11) at its default base, this CPU the BSP (bit 8).
 * The backend programs it as given. */
#define APIC_BASE_BOOT (LAYOUT_LAPIC | 0x900ULL)

/* Unpack a GDT descriptor into the hidden segment state the CPU would load
 * for `sel`; the limit is scaled to bytes when G is set. */
static struct accel_segment cpu_boot_seg(uint64_t desc, uint16_t sel)
{
	struct accel_segment s;
	memset(&s, 0, sizeof(s));
	s.base =
	    ((desc >> 16) & 0xffffffULL) | (((desc >> 56) & 0xffULL) << 24);
	s.limit =
	    (uint32_t)((desc & 0xffffULL) | (((desc >> 48) & 0xfULL) << 16));
	s.selector = sel;
	s.type = (uint8_t)((desc >> 40) & 0xf);
	s.s = (uint8_t)((desc >> 44) & 1);
	s.dpl = (uint8_t)((desc >> 45) & 3);
	s.present = (uint8_t)((desc >> 47) & 1);
	s.avl = (uint8_t)((desc >> 52) & 1);
	s.l = (uint8_t)((desc >> 53) & 1);
	s.db = (uint8_t)((desc >> 54) & 1);
	s.g = (uint8_t)((desc >> 55) & 1);
	s.unusable = !s.present;
	if (s.g)
		s.limit = (s.limit << 12) | 0xfff;
	return s;
}

static struct accel_segment cpu_boot_sel(uint16_t sel)
{
	return cpu_boot_seg(cpu_boot_gdt[sel >> 3], sel);
}

/* PML4[0] -> PDPT[0..3] -> 4 PDs of 2 MiB pages: 0..4 GiB identity. */
static int cpu_boot_page_tables(const struct guest_mem *gm)
{
	uint64_t page[PT_ENTRIES];
	int r;

	memset(page, 0, sizeof(page));
	page[0] = LAYOUT_PDPT | PTE_P | PTE_RW;
	r = gm_write(gm, LAYOUT_PML4, page, sizeof(page));
	if (r)
		return r;

	memset(page, 0, sizeof(page));
	for (unsigned i = 0; i < PD_PAGES; i++)
		page[i] = (LAYOUT_PD + i * PAGE_SIZE) | PTE_P | PTE_RW;
	r = gm_write(gm, LAYOUT_PDPT, page, sizeof(page));
	if (r)
		return r;

	for (unsigned d = 0; d < PD_PAGES; d++) {
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			uint64_t gpa = ((uint64_t)d * PT_ENTRIES + i) * HUGE_2M;
			page[i] = gpa | PTE_P | PTE_RW | PTE_PS;
		}
		r = gm_write(gm, LAYOUT_PD + d * PAGE_SIZE, page, sizeof(page));
		if (r)
			return r;
	}
	return 0;
}

/* Segment, descriptor-table and APIC state common to both modes. */
static void cpu_boot_common_sregs(struct accel_sregs *s, uint16_t cs)
{
	s->cs = cpu_boot_sel(cs);
	s->ds = cpu_boot_sel(LAYOUT_SEL_DATA);
	s->es = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	s->ss = s->ds;
	s->tr = cpu_boot_sel(LAYOUT_SEL_TSS);
	/* No LDT: selector 0, marked unusable (type LDT for tidiness). */
	memset(&s->ldt, 0, sizeof(s->ldt));
	s->ldt.type = 2;
	s->ldt.unusable = 1;
	s->gdt.base = LAYOUT_GDT;
	s->gdt.limit = (uint16_t)(sizeof(cpu_boot_gdt) - 1);
	s->idt.base = LAYOUT_IDT;
	s->idt.limit = 0;
	s->apic_base = APIC_BASE_BOOT;
}

int cpu_boot_setup(const struct guest_mem *gm, const struct boot_plan *plan,
		   struct accel_regs *regs, struct accel_sregs *sregs)
{
	bool long_mode;
	int r;

	switch (plan->mode) {
	case BOOT_MODE_LINUX64:
		long_mode = true;
		break;
	case BOOT_MODE_PVH:
		long_mode = false;
		break;
	default:
		return -EINVAL;
	}
	/* Both protocols enter below 4 GiB: identity-mapped, or 32-bit. */
	if (plan->entry >= LAYOUT_4G || plan->boot_info >= LAYOUT_4G)
		return -EINVAL;
	/* Check every range first so a failure leaves memory untouched. */
	if (!gm_range_ok(gm, LAYOUT_GDT, sizeof(cpu_boot_gdt)))
		return -EFAULT;
	if (long_mode &&
	    !gm_range_ok(gm, LAYOUT_PML4,
			 LAYOUT_PD + PD_PAGES * PAGE_SIZE - LAYOUT_PML4))
		return -EFAULT;

	r = gm_write(gm, LAYOUT_GDT, cpu_boot_gdt, sizeof(cpu_boot_gdt));
	if (r)
		return r;
	if (long_mode) {
		r = cpu_boot_page_tables(gm);
		if (r)
			return r;
	}

	memset(regs, 0, sizeof(*regs));
	memset(sregs, 0, sizeof(*sregs));
	regs->rip = plan->entry;
	regs->rflags = RFLAGS_RESERVED;

	if (long_mode) {
		cpu_boot_common_sregs(sregs, LAYOUT_SEL_CODE64);
		/*
		 * Firecracker ORs PE and PG into KVM's reset CR0 (ET, and CD/NW
		 * left set). We set a clean value instead: PE|PG for long mode,
		 * ET (always 1), and MP|NE|WP, which Linux sets itself anyway.
		 */
		sregs->cr0 =
		    CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
		sregs->cr3 = LAYOUT_PML4;
		sregs->cr4 = CR4_PAE;
		sregs->efer = EFER_LME | EFER_LMA;
		regs->rsi = plan->boot_info;
		regs->rsp = LAYOUT_BOOT_STACK;
		regs->rbp = regs->rsp;
	} else {
		/* PVH: 32-bit protected mode, paging off, flat segments. */
		cpu_boot_common_sregs(sregs, LAYOUT_SEL_CODE32);
		sregs->cr0 = CR0_PE | CR0_ET;
		regs->rbx = plan->boot_info;
	}
	return 0;
}
