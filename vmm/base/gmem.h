/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest physical memory: a small set of RAM regions backed by anonymous
 * mmap, and the only way VMM code touches guest memory.
 *
 * Every access names a guest-physical range [gpa, gpa+len). The range must
 * lie wholly inside one region; anything else (a gap, a straddle, an
 * overflowing gpa+len) is -EFAULT, never undefined behaviour. len 0 is
 * valid anywhere inside or at the end of a region.
 */
#ifndef VMM_GMEM_H
#define VMM_GMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

#define GM_MAX_REGIONS 8

struct gm_region {
	uint64_t gpa;  /* page aligned */
	uint64_t size; /* page aligned, > 0 */
	uint8_t *hva;  /* host mapping of the region */
	bool anon;     /* anonymous memory: a dropped page reads as zeros */
};

/*
 * Observers of device accesses to guest memory (the trace recorder,
 * vmm/trace/record_mem.c). NULL hooks cost one branch per access. They see
 * what devices read and write through this API, never what the guest does:
 *  - read: a device read [gpa, gpa+len) and saw `data` (gm_read,
 *    gm_load16, gm_ptr_read and gm_ptr: the bytes at the time of the call);
 *  - write: a device wrote [gpa, gpa+len): `data` is what it wrote
 *    (gm_write, gm_store16), or NULL when the contents are unknown (gm_zero,
 *    gm_ptr_write and gm_ptr, whose caller writes through the pointer).
 * Called on the accessing thread, after the access; they must not call
 * back into this guest_mem. Set guest_mem.hooks while no device runs.
 */
struct gm_hooks {
	void (*read)(void *opaque, uint64_t gpa, const void *data,
		     uint64_t len);
	void (*write)(void *opaque, uint64_t gpa, const void *data,
		      uint64_t len);
	void *opaque;
};

struct guest_mem {
	struct gm_region regions[GM_MAX_REGIONS]; /* sorted by gpa */
	unsigned nregions;
	const struct gm_hooks *hooks; /* NULL: none (gm_init) */
};

/* Flags for gm_add_ram. */
#define GM_MERGEABLE 0x1u /* madvise(MADV_MERGEABLE): KSM may share pages */

/* Empty memory map. */
void gm_init(struct guest_mem *gm);

/* Add a zeroed RAM region at gpa of `size` bytes (both page aligned, no
 * overlap with existing regions). Memory is MAP_PRIVATE|MAP_ANONYMOUS,
 * MADV_DONTDUMP. 0, -EINVAL (alignment, overflow, overlap), -ENOSPC (too
 * many regions) or -ENOMEM. */
int gm_add_ram(struct guest_mem *gm, uint64_t gpa, uint64_t size,
	       unsigned flags) VMM_WUR;

/* The same, but the region's initial contents are file fd's bytes from
 * offset (page aligned): mapped MAP_PRIVATE, so guest writes stay in this
 * process (copy on write) and the file is never changed; pages are read
 * as the guest touches them (a snapshot's memory file, shared by every
 * clone through the page cache). fd may be closed afterwards. */
int gm_add_ram_fd(struct guest_mem *gm, uint64_t gpa, uint64_t size,
		  unsigned flags, int fd, uint64_t offset) VMM_WUR;

/* Unmap every region and return to the empty map. */
void gm_destroy(struct guest_mem *gm);

/* Zero every region's contents (harnesses reuse memory between runs).
 * Anonymous regions only: a file-backed one gets its file's bytes back. */
void gm_clear(struct guest_mem *gm);

/* Host pointer to [gpa, gpa+len) if it is wholly inside one region, else
 * NULL. The pointer stays valid until gm_destroy. Guest memory can change
 * under the caller at any time: copy what you validate. For the hooks,
 * gm_ptr is a read of the range now and a write of unknown contents;
 * devices say which they mean with gm_ptr_read / gm_ptr_write. */
void *gm_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len);

/* gm_ptr for a caller that only reads through the pointer (hooks: a read
 * of the range as it is now). */
const void *gm_ptr_read(const struct guest_mem *gm, uint64_t gpa, uint64_t len);

/* gm_ptr for a caller that only writes through the pointer (hooks: a write
 * of unknown contents). */
void *gm_ptr_write(const struct guest_mem *gm, uint64_t gpa, uint64_t len);

/* One naturally aligned 16-bit access as a single load or store (a racing
 * guest never sees or gives a torn value), in host byte order. 0, or
 * -EFAULT (outside RAM or not 2-byte aligned). */
int gm_load16(const struct guest_mem *gm, uint64_t gpa, uint16_t *v) VMM_WUR;
int gm_store16(const struct guest_mem *gm, uint64_t gpa, uint16_t v) VMM_WUR;

/* Copy out of / into guest memory. 0 or -EFAULT; nothing is copied on
 * error. */
int gm_read(const struct guest_mem *gm, uint64_t gpa, void *dst,
	    uint64_t len) VMM_WUR;
int gm_write(const struct guest_mem *gm, uint64_t gpa, const void *src,
	     uint64_t len) VMM_WUR;

/* Set [gpa, gpa+len) to zero. 0 or -EFAULT. Whole pages of anonymous
 * RAM are dropped rather than written (MADV_DONTNEED): no page is
 * allocated to hold zeros, and fresh RAM stays untouched. */
int gm_zero(const struct guest_mem *gm, uint64_t gpa, uint64_t len) VMM_WUR;

/* True if [gpa, gpa+len) is wholly inside one region. */
bool gm_range_ok(const struct guest_mem *gm, uint64_t gpa, uint64_t len);

/* Total RAM bytes over all regions. */
uint64_t gm_total(const struct guest_mem *gm);

#endif
