/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A driver-side (guest-side) split virtqueue builder for unit tests and
 * fuzz harnesses: it lays out the descriptor table, avail ring and used
 * ring of a queue in a struct guest_mem, adds well-formed chains the way a
 * driver does, and pokes raw values for malformed cases.
 *
 * It never asserts (no cmocka): every function that can fail returns 0 (or
 * a descriptor index) or -errno, so harnesses can use it too. All ring
 * fields are written little-endian through gmem, as a driver would.
 *
 * Descriptor allocation: vqb_make_chain / vqb_make_indirect take the lowest
 * free descriptors of the table; vqb_get_used frees the chain it returns
 * (following NEXT in the table, at most `size` steps). Raw pokes do not
 * touch the allocator.
 */
#ifndef VMM_TESTS_VQ_BUILDER_H
#define VMM_TESTS_VQ_BUILDER_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/virtqueue.h"
#include "vmm/base/gmem.h"

/* The largest queue the split format allows (spec 2.7). */
#define VQB_MAX_SIZE 32768u

/* One buffer of a chain to add: device-writable if `write`. */
struct vqb_seg {
	uint64_t gpa;
	uint32_t len;
	bool write;
};

struct vqb {
	const struct guest_mem *mem;
	uint16_t size;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t avail_idx; /* the driver's avail->idx (next slot to fill) */
	uint16_t last_used; /* the next used index vqb_get_used reads */
	unsigned nfree;     /* free descriptors */
	uint8_t busy[VQB_MAX_SIZE / 8];
};

/* A queue of `size` (a power of two, 1 .. VQB_MAX_SIZE) with its rings at
 * the given addresses. Zeroes the three rings in guest memory (sizes 16 *
 * size, 6 + 2 * size, 6 + 8 * size; event fields included) and resets the
 * indices and the allocator. Alignment is not checked, so that misaligned
 * layouts can be built. 0, -EINVAL (size) or -EFAULT (a ring not in RAM). */
int vqb_init(struct vqb *b, const struct guest_mem *mem, uint16_t size,
	     uint64_t desc_gpa, uint64_t avail_gpa, uint64_t used_gpa);

/* Program a device-side queue as a transport would from the driver's
 * registers: vq->size and the three ring addresses. */
void vqb_configure(const struct vqb *b, struct virtqueue *vq);

/* Write a chain of n >= 1 buffers into free descriptors, linked with NEXT
 * and flagged WRITE per segment, without making it available. The head
 * index, or -EINVAL (n 0) / -ENOSPC (too few free) / -EFAULT. */
int vqb_make_chain(struct vqb *b, const struct vqb_seg *segs, unsigned n);

/* Write an indirect table of n >= 1 entries at table_gpa (entry i links to
 * i + 1 with NEXT) and one free descriptor {table_gpa, 16 * n, INDIRECT}
 * pointing to it, without making it available. The head index or -errno. */
int vqb_make_indirect(struct vqb *b, uint64_t table_gpa,
		      const struct vqb_seg *segs, unsigned n);

/* Make `head` available: avail->ring[avail_idx % size] = head, then
 * avail->idx = ++avail_idx. 0 or -EFAULT. */
int vqb_publish(struct vqb *b, uint16_t head);

/* vqb_make_chain / vqb_make_indirect, then vqb_publish: head or -errno. */
int vqb_add_chain(struct vqb *b, const struct vqb_seg *segs, unsigned n);
int vqb_add_indirect(struct vqb *b, uint64_t table_gpa,
		     const struct vqb_seg *segs, unsigned n);

/* Raw pokes for malformed cases; any values, no allocator bookkeeping. */
/* Descriptor i (< size) of the queue's table. 0, -EINVAL or -EFAULT. */
int vqb_set_desc(const struct vqb *b, uint16_t i, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next);
/* Entry i of a descriptor table at table_gpa (an indirect table). */
int vqb_set_desc_at(const struct vqb *b, uint64_t table_gpa, uint32_t i,
		    uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
/* avail->idx (also becomes the builder's avail_idx). */
int vqb_set_avail_idx(struct vqb *b, uint16_t idx);
/* avail->ring[slot], slot < size. */
int vqb_set_avail_ring(const struct vqb *b, uint16_t slot, uint16_t head);
/* avail->flags and used_event (avail->ring[size]). */
int vqb_set_avail_flags(const struct vqb *b, uint16_t flags);
int vqb_set_used_event(const struct vqb *b, uint16_t event);

/* Read back what the device wrote. 0 or -EFAULT (-EINVAL for slot >=
 * size). */
int vqb_used_idx(const struct vqb *b, uint16_t *idx);
int vqb_used_flags(const struct vqb *b, uint16_t *flags);
/* avail_event, at used->ring[size]. */
int vqb_avail_event(const struct vqb *b, uint16_t *event);
int vqb_used_elem(const struct vqb *b, uint16_t slot, uint32_t *id,
		  uint32_t *len);

/* Take the next used element, as a driver does: 1 and *id / *len when
 * used->idx has moved past last_used (then the chain's descriptors are
 * freed), 0 when not, -EFAULT. */
int vqb_get_used(struct vqb *b, uint32_t *id, uint32_t *len);

#endif
