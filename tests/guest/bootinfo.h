/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot information, whichever protocol booted the guest, copied out of
 * guest memory into one protocol-independent struct bi_info:
 *
 *   - PVH (entry.S): %ebx = struct hvm_start_info (Xen
 *     public/arch-x86/hvm/start_info.h): command line at cmdline_paddr,
 *     memory map at memmap_paddr / memmap_entries (version >= 1), ACPI
 *     RSDP at rsdp_paddr.
 *   - Linux 32-bit and 64-bit boot protocols (entry_linux.S, Linux
 *     Documentation/arch/x86/boot.rst): %esi / %rsi = struct boot_params
 *     (the "zero page", <asm/bootparam.h>): command line at
 *     hdr.cmd_line_ptr | ext_cmd_line_ptr << 32, memory map in
 *     e820_entries / e820_table, ACPI RSDP at acpi_rsdp_addr.
 *
 * The loader may put these structures, the command line and the memory map
 * anywhere in low memory, so bi_copy() runs first, before the guest writes
 * to any memory outside its own image (e.g. the AP trampoline at 0x10000).
 */
#ifndef TG_BOOTINFO_H
#define TG_BOOTINFO_H

/* How the guest was entered: guest_main's first argument, set by the entry
 * code (hence plain numbers, also used from assembly). */
#define BI_PROTO_PVH 1     /* Xen PVH, 32-bit entry, hvm_start_info */
#define BI_PROTO_LINUX32 2 /* Linux 32-bit boot protocol, boot_params */
#define BI_PROTO_LINUX64 3 /* Linux 64-bit boot protocol, boot_params */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#define BI_CMDLINE_MAX 4096 /* bytes kept, including the NUL */
#define BI_MAP_MAX 32       /* memmap entries kept for printing */
#define BI_MAP_SCAN_MAX 1024 /* PVH memmap entries looked at, at most */
#define BI_TYPE_RAM 1

/* One memory map entry (PVH and e820 types are the same numbers). */
struct bi_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct bi_info {
	unsigned proto; /* BI_PROTO_* */
	uint64_t paddr; /* where start_info / boot_params was */

	/* The magic check. When magic_ok is false the fields below it are
	 * empty, and magic_what names the field that was wrong. */
	bool magic_ok;
	const char *magic_what;
	uint64_t magic_expected, magic_found;

	char cmdline[BI_CMDLINE_MAX]; /* NUL-terminated, maybe truncated */
	uint64_t rsdp_paddr; /* the ACPI RSDP the loader gave, or 0 */
	bool cmdline_truncated;

	/* The memory map: map_entries is 0 when the boot information has
	 * none (or a bad one); then map_why names the field that says so and
	 * map_why_value is its value. */
	uint32_t map_entries;       /* entries in the loader's table */
	struct bi_memmap_entry map[BI_MAP_MAX]; /* the first few of them */
	uint64_t ram_bytes;         /* sum of the sizes of type-1 entries */
	const char *map_why;
	uint64_t map_why_value;
};

/* "pvh", "linux32" or "linux64" ("unknown" for anything else). */
const char *bi_proto_name(unsigned proto);

/* Copy the boot information of protocol `proto` at `paddr`, and everything
 * it points to, into `out`. Never faults: addresses at or above 4 GiB (not
 * mapped) are treated as absent. */
void bi_copy(unsigned proto, uint64_t paddr, struct bi_info *out);

#endif /* __ASSEMBLER__ */

#endif
