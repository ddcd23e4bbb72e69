/* SPDX-License-Identifier: Apache-2.0 */
#include "bootinfo.h"

#include "io.h"

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

static void bi_copy_memmap(struct bi_info *out)
{
	const struct bi_start_info *si = &out->si;
	const uint64_t esz = sizeof(struct bi_memmap_entry);

	out->map_entries = 0;
	out->ram_bytes = 0;
	if (si->version < 1 || si->memmap_entries == 0 ||
	    si->memmap_entries > BI_MAP_SCAN_MAX ||
	    !bi_range_ok(si->memmap_paddr, si->memmap_entries * esz))
		return;
	out->map_entries = si->memmap_entries;
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		uint64_t at = si->memmap_paddr + i * esz;
		struct bi_memmap_entry e = {
			.addr = io_read64(at),
			.size = io_read64(at + 8),
			.type = io_read32(at + 16),
			.reserved = io_read32(at + 20),
		};

		if (i < BI_MAP_MAX)
			out->map[i] = e;
		if (e.type == BI_TYPE_RAM)
			out->ram_bytes += e.size;
	}
}

void bi_copy(uint32_t paddr, struct bi_info *out)
{
	struct bi_start_info *si = &out->si;

	out->paddr = paddr;
	out->map_entries = 0;
	out->ram_bytes = 0;
	out->cmdline[0] = '\0';
	out->cmdline_truncated = false;
	if (!bi_range_ok(paddr, sizeof(*si))) {
		si->magic = 0;
		return;
	}
	si->magic = io_read32(paddr + 0);
	si->version = io_read32(paddr + 4);
	si->flags = io_read32(paddr + 8);
	si->nr_modules = io_read32(paddr + 12);
	si->modlist_paddr = io_read64(paddr + 16);
	si->cmdline_paddr = io_read64(paddr + 24);
	si->rsdp_paddr = io_read64(paddr + 32);
	/* Version 0 ends at rsdp_paddr: do not read past it. */
	si->memmap_paddr = si->version >= 1 ? io_read64(paddr + 40) : 0;
	si->memmap_entries = si->version >= 1 ? io_read32(paddr + 48) : 0;
	si->reserved = 0;
	if (si->magic != BI_MAGIC)
		return;
	bi_copy_cmdline(si->cmdline_paddr, out);
	bi_copy_memmap(out);
}
