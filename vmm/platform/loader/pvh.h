/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Xen PVH boot ABI, as Linux implements it for direct (non-Xen) boot: the
 * kernel advertises a 32-bit entry point in an ELF note and is entered in
 * 32-bit protected mode, paging off, with %ebx = address of a
 * struct hvm_start_info.
 *
 * These layouts are transcribed from the Xen public header
 * xen/include/public/arch-x86/hvm/start_info.h (and XEN_ELFNOTE_PHYS32_ENTRY
 * from xen/include/public/elfnote.h), which this system does not ship. They
 * are defined here once; the asserts pin every size and offset to that
 * header.
 */
#ifndef VMM_LOADER_PVH_H
#define VMM_LOADER_PVH_H

#include <stddef.h>
#include <stdint.h>

/* hvm_start_info.magic. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578u

/* ELF note (owner "Xen") whose descriptor is the 32-bit physical entry. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* hvm_memmap_table_entry.type values (the same numbers as e820). */
#define XEN_HVM_MEMMAP_TYPE_RAM	     1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2

struct hvm_start_info {
	uint32_t magic;		 /* XEN_HVM_START_MAGIC_VALUE */
	uint32_t version;	 /* 1: the memmap fields are present */
	uint32_t flags;		 /* SIF_xxx; 0 */
	uint32_t nr_modules;	 /* entries at modlist_paddr */
	uint64_t modlist_paddr;	 /* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;	 /* NUL-terminated kernel command line */
	uint64_t rsdp_paddr;	 /* ACPI RSDP, 0 when there is none */
	uint64_t memmap_paddr;	 /* struct hvm_memmap_table_entry[] */
	uint32_t memmap_entries; /* entries at memmap_paddr */
	uint32_t reserved;	 /* must be zero */
};

struct hvm_modlist_entry {
	uint64_t paddr;		/* module start */
	uint64_t size;		/* module size in bytes */
	uint64_t cmdline_paddr; /* module command line, 0 for none */
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;	   /* start of the memory region */
	uint64_t size;	   /* size of the memory region */
	uint32_t type;	   /* XEN_HVM_MEMMAP_TYPE_* */
	uint32_t reserved; /* must be zero */
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, magic) == 0, "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, version) == 4, "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, flags) == 8, "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, nr_modules) == 12,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 16,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, cmdline_paddr) == 24,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_start_info, reserved) == 52, "start_info.h");

_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "start_info.h");
_Static_assert(offsetof(struct hvm_modlist_entry, paddr) == 0, "start_info.h");
_Static_assert(offsetof(struct hvm_modlist_entry, size) == 8, "start_info.h");
_Static_assert(offsetof(struct hvm_modlist_entry, cmdline_paddr) == 16,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_modlist_entry, reserved) == 24,
	       "start_info.h");

_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "start_info.h");
_Static_assert(offsetof(struct hvm_memmap_table_entry, addr) == 0,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_memmap_table_entry, size) == 8,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_memmap_table_entry, type) == 16,
	       "start_info.h");
_Static_assert(offsetof(struct hvm_memmap_table_entry, reserved) == 20,
	       "start_info.h");

#endif
