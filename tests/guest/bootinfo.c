/* SPDX-License-Identifier: Apache-2.0 */
#include "bootinfo.h"

#include <stddef.h>

#include <asm/bootparam.h>

#include "entry.h"
#include "io.h"

/* hvm_start_info (Xen public/arch-x86/hvm/start_info.h): no system header
 * has it, so the fields are read at their documented offsets. */
#define PVH_MAGIC 0x336ec578u
#define PVH_OFF_MAGIC 0
#define PVH_OFF_VERSION 4
#define PVH_OFF_CMDLINE_PADDR 24
#define PVH_OFF_RSDP_PADDR 32
#define PVH_OFF_MEMMAP_PADDR 40   /* version >= 1 */
#define PVH_OFF_MEMMAP_ENTRIES 48 /* version >= 1 */
#define PVH_INFO_V0_LEN 40        /* version 0 ends at rsdp_paddr */
#define PVH_MEMMAP_ENTRY_LEN 24   /* addr, size, type, reserved */

/* boot_params (boot.rst, "The Real-Mode Kernel Header"). */
#define BP_HDRS 0x53726448u /* "HdrS" */
#define BP_BOOT_FLAG 0xaa55u

/* The offsets setup16.S fills in (entry.h) against the real layout. */
_Static_assert(sizeof(struct boot_params) == BP_LEN, "zero-page.rst");
_Static_assert(offsetof(struct boot_params, e820_entries) == BP_E820_ENTRIES,
	       "zero-page.rst");
_Static_assert(offsetof(struct boot_params, hdr) == BP_HDR, "boot.rst");
_Static_assert(BP_HDR + sizeof(struct setup_header) == BP_HDR_END,
	       "boot.rst");
_Static_assert(offsetof(struct boot_params, hdr.code32_start) ==
		       BP_CODE32_START,
	       "boot.rst");
_Static_assert(offsetof(struct boot_params, e820_table) == BP_E820_TABLE,
	       "zero-page.rst");
_Static_assert(sizeof(struct boot_e820_entry) == BP_E820_ENTRY_LEN,
	       "zero-page.rst");
_Static_assert(E820_MAX_ENTRIES_ZEROPAGE == BP_E820_MAX, "zero-page.rst");

/* The zero page is copied here whole: too big for the 16 KiB stack. */
/* Not cleared at boot: bi_copy_linux fills it before any field is read. */
static struct boot_params bi_bp TG_NOCLEAR;

const char *bi_proto_name(unsigned proto)
{
	switch (proto) {
	case BI_PROTO_PVH:
		return "pvh";
	case BI_PROTO_LINUX32:
		return "linux32";
	case BI_PROTO_LINUX64:
		return "linux64";
	default:
		return "unknown";
	}
}

/* True when [paddr, paddr + len) is non-empty, starts above 0 and lies
 * below 4 GiB, i.e. inside the identity map. */
static bool bi_range_ok(uint64_t paddr, uint64_t len)
{
	return paddr != 0 && len != 0 && paddr < IO_4G && len <= IO_4G - paddr;
}

static void bi_copy_cmdline(uint64_t paddr, struct bi_info *out)
{
	uint32_t n = 0;

	out->cmdline[0] = '\0';
	out->cmdline_truncated = false;
	if (!bi_range_ok(paddr, 1))
		return;
	for (; n < BI_CMDLINE_MAX - 1 && paddr + n < IO_4G; n++) {
		char c = (char)io_read8(paddr + n);

		if (c == '\0')
			break;
		out->cmdline[n] = c;
	}
	out->cmdline[n] = '\0';
	out->cmdline_truncated = n == BI_CMDLINE_MAX - 1 &&
				 paddr + n < IO_4G && io_read8(paddr + n);
}

static void bi_add_entry(struct bi_info *out, struct bi_memmap_entry e)
{
	if (out->map_entries < BI_MAP_MAX)
		out->map[out->map_entries] = e;
	out->map_entries++;
	if (e.type == BI_TYPE_RAM)
		out->ram_bytes += e.size;
}

static void bi_no_map(struct bi_info *out, const char *why, uint64_t value)
{
	out->map_entries = 0;
	out->ram_bytes = 0;
	out->map_why = why;
	out->map_why_value = value;
}

static void bi_copy_pvh(uint64_t paddr, struct bi_info *out)
{
	const uint64_t esz = PVH_MEMMAP_ENTRY_LEN;
	uint32_t magic, version, entries;
	uint64_t map;

	out->magic_what = "start_info magic";
	out->magic_expected = PVH_MAGIC;
	if (!bi_range_ok(paddr, PVH_INFO_V0_LEN))
		return;
	magic = io_read32(paddr + PVH_OFF_MAGIC);
	out->magic_found = magic;
	if (magic != PVH_MAGIC)
		return;
	out->magic_ok = true;

	bi_copy_cmdline(io_read64(paddr + PVH_OFF_CMDLINE_PADDR), out);
	out->rsdp_paddr = io_read64(paddr + PVH_OFF_RSDP_PADDR);

	/* Version 0 ends at rsdp_paddr: do not read past it. */
	version = io_read32(paddr + PVH_OFF_VERSION);
	if (version < 1) {
		bi_no_map(out, "start_info version", version);
		return;
	}
	map = io_read64(paddr + PVH_OFF_MEMMAP_PADDR);
	entries = io_read32(paddr + PVH_OFF_MEMMAP_ENTRIES);
	if (entries == 0 || entries > BI_MAP_SCAN_MAX) {
		bi_no_map(out, "start_info memmap_entries", entries);
		return;
	}
	if (!bi_range_ok(map, entries * esz)) {
		bi_no_map(out, "start_info memmap_paddr", map);
		return;
	}
	for (uint32_t i = 0; i < entries; i++) {
		uint64_t at = map + i * esz;

		bi_add_entry(out, (struct bi_memmap_entry){
					  .addr = io_read64(at),
					  .size = io_read64(at + 8),
					  .type = io_read32(at + 16),
				  });
	}
}

static void bi_copy_linux(uint64_t paddr, struct bi_info *out)
{
	uint8_t *dst = (uint8_t *)&bi_bp;

	out->magic_what = "boot_params hdr.header";
	out->magic_expected = BP_HDRS;
	if (!bi_range_ok(paddr, sizeof(bi_bp)))
		return;
	for (uint32_t i = 0; i < sizeof(bi_bp); i++)
		dst[i] = io_read8(paddr + i);

	out->magic_found = bi_bp.hdr.header;
	if (bi_bp.hdr.header != BP_HDRS)
		return;
	out->magic_what = "boot_params hdr.boot_flag";
	out->magic_expected = BP_BOOT_FLAG;
	out->magic_found = bi_bp.hdr.boot_flag;
	if (bi_bp.hdr.boot_flag != BP_BOOT_FLAG)
		return;
	out->magic_ok = true;

	bi_copy_cmdline((uint64_t)bi_bp.hdr.cmd_line_ptr |
				(uint64_t)bi_bp.ext_cmd_line_ptr << 32,
			out);
	out->rsdp_paddr = bi_bp.acpi_rsdp_addr;

	if (bi_bp.e820_entries == 0 ||
	    bi_bp.e820_entries > E820_MAX_ENTRIES_ZEROPAGE) {
		bi_no_map(out, "boot_params e820_entries", bi_bp.e820_entries);
		return;
	}
	for (unsigned i = 0; i < bi_bp.e820_entries; i++)
		bi_add_entry(out, (struct bi_memmap_entry){
					  .addr = bi_bp.e820_table[i].addr,
					  .size = bi_bp.e820_table[i].size,
					  .type = bi_bp.e820_table[i].type,
				  });
}

void bi_copy(unsigned proto, uint64_t paddr, struct bi_info *out)
{
	*out = (struct bi_info){
		.proto = proto,
		.paddr = paddr,
		.magic_what = "boot protocol",
	};
	switch (proto) {
	case BI_PROTO_PVH:
		bi_copy_pvh(paddr, out);
		break;
	case BI_PROTO_LINUX32:
	case BI_PROTO_LINUX64:
		bi_copy_linux(paddr, out);
		break;
	default:
		/* An entry-code bug: reported as a bad magic. */
		out->magic_expected = BI_PROTO_PVH;
		out->magic_found = proto;
		break;
	}
}
