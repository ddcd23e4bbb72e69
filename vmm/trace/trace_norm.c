/* SPDX-License-Identifier: Apache-2.0 */
/* Lenient normalisation of trace addresses; see trace_norm.h. */
#include "vmm/trace/trace_norm.h"

bool tnorm_io_addr(const struct bus *bus, uint64_t addr, unsigned size,
		   uint64_t *out)
{
	if (bus->n == 0)
		return false;
	const struct bus_range *r = bus_find(bus, addr);
	if (r && r->len >= size && addr - r->base <= r->len - size) {
		*out = addr;
		return true;
	}
	r = &bus->ranges[(addr >> 32) % bus->n];
	uint64_t off = (addr & 0xffffffffu) % r->len;
	if (r->len >= size && off > r->len - size)
		off = r->len - size;
	*out = r->base + off;
	return true;
}

bool tnorm_gpa(const struct guest_mem *gm, uint64_t gpa, uint64_t *len,
	       uint64_t *out)
{
	uint64_t total = gm_total(gm);
	if (total == 0)
		return false;
	uint64_t at = gpa % total;
	for (unsigned i = 0; i < gm->nregions; i++) {
		const struct gm_region *g = &gm->regions[i];
		if (at < g->size) {
			if (*len > g->size - at)
				*len = g->size - at;
			*out = g->gpa + at;
			return true;
		}
		at -= g->size;
	}
	return false; /* not reached: at < total */
}
