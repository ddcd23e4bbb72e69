/* SPDX-License-Identifier: Apache-2.0 */
/* Intel MultiProcessor Specification 1.4 table, so guests find their CPUs
 * and the IO-APIC without ACPI. */
#ifndef VMM_X86_MPTABLE_H
#define VMM_X86_MPTABLE_H

#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/base/layout.h"

/* Most CPUs whose MP table fits in LAYOUT_EBDA .. LAYOUT_EBDA_END: 284
 * fixed bytes plus 20 per CPU: 190 in the 4 KiB EBDA. */
#define MPTABLE_MAX_CPUS                                                       \
	((unsigned)((LAYOUT_EBDA_END - LAYOUT_EBDA - 284) / 20))

/* Write the MP floating pointer and configuration table at LAYOUT_EBDA for
 * `ncpus` CPUs (APIC ids 0..ncpus-1, CPU 0 the BSP), one ISA bus, the
 * IO-APIC (id ncpus, at LAYOUT_IOAPIC) with ISA IRQs 0-15 routed to its pins
 * 0-15, and LINT0 ExtINT / LINT1 NMI. Also point the BDA's EBDA word at it.
 * 0, -EINVAL (ncpus 0 or too many to fit below LAYOUT_EBDA_END) or -EFAULT. */
int mptable_write(const struct guest_mem *gm, unsigned ncpus) VMM_WUR;

#endif
