/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The e820 map a PC BIOS would report for vmm's memory layout (layout.h):
 * every RAM region is cut at the EBDA and the legacy 640K-1M hole, so the
 * guest sees usable RAM below the EBDA, the EBDA (MP table) reserved,
 * nothing for 0xa0000..0xfffff, and all remaining RAM as usable.
 */
#include "vmm/platform/x86/e820.h"

#include <errno.h>

#include "vmm/base/layout.h"

/* Append [addr, end) of `type` if it is not empty. */
static int e820_add(struct e820_map *m, uint64_t addr, uint64_t end,
		    uint32_t type)
{
	if (end <= addr)
		return 0;
	if (m->n == E820_MAX)
		return -ENOSPC;
	m->e[m->n++] = (struct e820_entry){
	    .addr = addr,
	    .size = end - addr,
	    .type = type,
	};
	return 0;
}

static uint64_t e820_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}
static uint64_t e820_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

int e820_build(const struct guest_mem *gm, struct e820_map *out)
{
	struct e820_map m = {.n = 0};
	int rc;

	if (!gm_range_ok(gm, 0, 1) || !gm_range_ok(gm, LAYOUT_HIMEM, 1))
		return -EINVAL;

	/* gm keeps its regions sorted and disjoint, and the pieces of one
	 * region come out in address order, so the map is sorted too. */
	for (unsigned i = 0; i < gm->nregions; i++) {
		uint64_t start = gm->regions[i].gpa;
		/* gm_add_ram refused regions whose end overflows. */
		uint64_t end = start + gm->regions[i].size;

		rc = e820_add(&m, start, e820_min(end, LAYOUT_EBDA),
			      E820_TYPE_RAM);
		if (rc)
			return rc;
		rc = e820_add(&m, e820_max(start, LAYOUT_EBDA),
			      e820_min(end, LAYOUT_EBDA_END),
			      E820_TYPE_RESERVED);
		if (rc)
			return rc;
		/* [LAYOUT_EBDA_END, LAYOUT_HIMEM) is the VGA/BIOS hole. */
		rc = e820_add(&m, e820_max(start, LAYOUT_HIMEM), end,
			      E820_TYPE_RAM);
		if (rc)
			return rc;
	}
	*out = m;
	return 0;
}

int e820_reserve(struct e820_map *m, uint64_t addr, uint64_t size)
{
	if (size == 0 || addr + size < addr || m->n > E820_MAX)
		return -EINVAL;
	unsigned at = 0;
	for (unsigned i = 0; i < m->n; i++) {
		const struct e820_entry *e = &m->e[i];
		if (addr < e->addr + e->size && e->addr < addr + size)
			return -EINVAL;
		if (e->addr < addr)
			at = i + 1;
	}
	if (m->n == E820_MAX)
		return -ENOSPC;
	for (unsigned i = m->n; i > at; i--)
		m->e[i] = m->e[i - 1];
	m->e[at] = (struct e820_entry){
	    .addr = addr,
	    .size = size,
	    .type = E820_TYPE_RESERVED,
	};
	m->n++;
	return 0;
}

uint64_t e820_ram_bytes(const struct e820_map *m)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < m->n && i < E820_MAX; i++)
		if (m->e[i].type == E820_TYPE_RAM)
			sum += m->e[i].size;
	return sum;
}
