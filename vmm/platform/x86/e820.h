/* SPDX-License-Identifier: Apache-2.0 */
/* The guest's physical memory map as the firmware would report it (e820). */
#ifndef VMM_X86_E820_H
#define VMM_X86_E820_H

#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"

#define E820_MAX	   16
#define E820_TYPE_RAM	   1
#define E820_TYPE_RESERVED 2

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
};

struct e820_map {
	struct e820_entry e[E820_MAX];
	unsigned n;
};

/* Build the map from gm: low RAM below the EBDA as RAM, the EBDA (MP table)
 * as reserved, the 640K-1M hole left out, and every other RAM region from
 * 1 MiB up as RAM. Sorted, non-overlapping. 0, or -EINVAL if gm has no
 * RAM at 0 or at 1 MiB, -ENOSPC if it does not fit. */
int e820_build(const struct guest_mem *gm, struct e820_map *out) VMM_WUR;

/* Insert [addr, addr + size) as E820_TYPE_RESERVED, keeping the map
 * sorted (for a hole the map leaves out, such as the ACPI tables in the
 * BIOS area). 0, -EINVAL (size 0, the end overflows, or it overlaps an
 * entry) or -ENOSPC. */
int e820_reserve(struct e820_map *m, uint64_t addr, uint64_t size) VMM_WUR;

/* Sum of the sizes of the E820_TYPE_RAM entries. */
uint64_t e820_ram_bytes(const struct e820_map *m);

#endif
