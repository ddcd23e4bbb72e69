/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PVH boot information (struct hvm_start_info, Xen
 * public/arch-x86/hvm/start_info.h), copied out of guest memory.
 *
 * The VMM may put start_info, the command line and the memory map anywhere
 * in low memory, so bi_copy() runs first, before the guest writes to any
 * memory outside its own image (e.g. the AP trampoline at 0x10000).
 */
#ifndef TG_BOOTINFO_H
#define TG_BOOTINFO_H

#include <stdbool.h>
#include <stdint.h>

#define BI_MAGIC 0x336ec578u
#define BI_CMDLINE_MAX 4096 /* bytes kept, including the NUL */
#define BI_MAP_MAX 32       /* memmap entries kept for printing */
#define BI_MAP_SCAN_MAX 1024 /* memmap entries looked at, at most */
#define BI_TYPE_RAM 1

/* The layout the VMM writes (all little-endian). */
struct bi_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;   /* version >= 1 */
	uint32_t memmap_entries; /* version >= 1 */
	uint32_t reserved;
};

struct bi_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

struct bi_info {
	uint32_t paddr; /* where start_info was */
	struct bi_start_info si;
	/* The fields below are only filled in when si.magic == BI_MAGIC. */
	char cmdline[BI_CMDLINE_MAX]; /* NUL-terminated, maybe truncated */
	bool cmdline_truncated;
	/* The memory map: only set when version >= 1, the table lies below
	 * 4 GiB and has 1..BI_MAP_SCAN_MAX entries; else map_entries is 0. */
	uint32_t map_entries;       /* entries in the VMM's table */
	struct bi_memmap_entry map[BI_MAP_MAX]; /* the first few of them */
	uint64_t ram_bytes;         /* sum of the sizes of type-1 entries */
};

/* Copy start_info at `paddr` and everything it points to into `out`. Never
 * faults: addresses at or above 4 GiB (not mapped) are treated as absent. */
void bi_copy(uint32_t paddr, struct bi_info *out);

#endif
