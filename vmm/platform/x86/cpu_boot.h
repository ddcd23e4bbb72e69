/* SPDX-License-Identifier: Apache-2.0 */
/* The boot CPU's initial state for each boot mode. */
#ifndef VMM_X86_CPU_BOOT_H
#define VMM_X86_CPU_BOOT_H

#include "vmm/base/accel_types.h"
#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/platform/loader/loader.h"

/* Write the boot GDT and empty IDT (and, for BOOT_MODE_LINUX64, identity
 * page tables for the first 4 GiB) into guest memory, and fill *regs and
 * *sregs (every field) for entering `plan`:
 *  - LINUX64: long mode, paging on, CS 0x10, DS/ES/SS 0x18, rsi = zero
 *    page, rip = entry, interrupts off.
 *  - PVH: 32-bit protected mode, paging off, CS 0x08 flat, DS/ES/SS 0x18,
 *    TR 0x20, ebx = start_info, eip = entry.
 * 0 or -EFAULT / -EINVAL. */
int cpu_boot_setup(const struct guest_mem *gm, const struct boot_plan *plan,
		   struct accel_regs *regs, struct accel_sregs *sregs) VMM_WUR;

#endif
