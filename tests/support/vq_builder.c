/* SPDX-License-Identifier: Apache-2.0 */
/* Driver-side split virtqueue builder. See vq_builder.h for the contract. */
#include "tests/support/vq_builder.h"

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/virtio_ring.h>

#define DESC_SZ ((uint64_t)sizeof(struct vring_desc))
#define AVAIL_RING ((uint64_t)offsetof(struct vring_avail, ring))
#define USED_RING ((uint64_t)offsetof(struct vring_used, ring))
#define USED_ELEM ((uint64_t)sizeof(struct vring_used_elem))

static int wr16(const struct vqb *b, uint64_t gpa, uint16_t v)
{
	uint16_t le = htole16(v);

	return gm_write(b->mem, gpa, &le, sizeof(le));
}

static int rd16(const struct vqb *b, uint64_t gpa, uint16_t *v)
{
	uint16_t le;
	int r = gm_read(b->mem, gpa, &le, sizeof(le));

	if (!r)
		*v = le16toh(le);
	return r;
}

static bool is_busy(const struct vqb *b, unsigned i)
{
	return b->busy[i / 8] & (1u << (i % 8));
}

static void set_busy(struct vqb *b, unsigned i, bool busy)
{
	if (busy == is_busy(b, i))
		return;
	b->busy[i / 8] ^= (uint8_t)(1u << (i % 8));
	if (busy)
		b->nfree--;
	else
		b->nfree++;
}

/* The lowest free descriptor at or after `from`, marked busy; size if
 * none. */
static unsigned alloc_from(struct vqb *b, unsigned from)
{
	for (unsigned i = from; i < b->size; i++)
		if (!is_busy(b, i)) {
			set_busy(b, i, true);
			return i;
		}
	return b->size;
}

int vqb_init(struct vqb *b, const struct guest_mem *mem, uint16_t size,
	     uint64_t desc_gpa, uint64_t avail_gpa, uint64_t used_gpa)
{
	if (!size || (size & (size - 1)))
		return -EINVAL;
	memset(b, 0, sizeof(*b));
	b->mem = mem;
	b->size = size;
	b->desc_gpa = desc_gpa;
	b->avail_gpa = avail_gpa;
	b->used_gpa = used_gpa;
	b->nfree = size;
	if (gm_zero(mem, desc_gpa, DESC_SZ * size) ||
	    gm_zero(mem, avail_gpa, AVAIL_RING + 2ull * size + 2) ||
	    gm_zero(mem, used_gpa, USED_RING + USED_ELEM * size + 2))
		return -EFAULT;
	return 0;
}

void vqb_configure(const struct vqb *b, struct virtqueue *vq)
{
	vq->size = b->size;
	vq->desc_gpa = b->desc_gpa;
	vq->avail_gpa = b->avail_gpa;
	vq->used_gpa = b->used_gpa;
}

int vqb_set_desc_at(const struct vqb *b, uint64_t table_gpa, uint32_t i,
		    uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc d = {
		.addr = htole64(addr),
		.len = htole32(len),
		.flags = htole16(flags),
		.next = htole16(next),
	};

	return gm_write(b->mem, table_gpa + DESC_SZ * i, &d, sizeof(d));
}

int vqb_set_desc(const struct vqb *b, uint16_t i, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	if (i >= b->size)
		return -EINVAL;
	return vqb_set_desc_at(b, b->desc_gpa, i, addr, len, flags, next);
}

int vqb_make_chain(struct vqb *b, const struct vqb_seg *segs, unsigned n)
{
	unsigned head, cur;

	if (n == 0)
		return -EINVAL;
	if (n > b->nfree)
		return -ENOSPC;
	head = cur = alloc_from(b, 0);
	for (unsigned k = 0; k < n; k++) {
		uint16_t fl = segs[k].write ? VRING_DESC_F_WRITE : 0;
		unsigned next = 0;
		int r;

		if (k + 1 < n) {
			fl |= VRING_DESC_F_NEXT;
			next = alloc_from(b, cur + 1);
		}
		r = vqb_set_desc(b, (uint16_t)cur, segs[k].gpa, segs[k].len,
				 fl, (uint16_t)next);
		if (r)
			return r;
		cur = next;
	}
	return (int)head;
}

int vqb_make_indirect(struct vqb *b, uint64_t table_gpa,
		      const struct vqb_seg *segs, unsigned n)
{
	uint16_t head;
	int r;

	if (n == 0 || n > UINT32_MAX / DESC_SZ)
		return -EINVAL;
	for (unsigned k = 0; k < n; k++) {
		uint16_t fl = segs[k].write ? VRING_DESC_F_WRITE : 0;

		if (k + 1 < n)
			fl |= VRING_DESC_F_NEXT;
		r = vqb_set_desc_at(b, table_gpa, k, segs[k].gpa, segs[k].len,
				    fl, (uint16_t)(k + 1 < n ? k + 1 : 0));
		if (r)
			return r;
	}
	if (b->nfree == 0)
		return -ENOSPC;
	head = (uint16_t)alloc_from(b, 0);
	r = vqb_set_desc(b, head, table_gpa, (uint32_t)(DESC_SZ * n),
			 VRING_DESC_F_INDIRECT, 0);
	return r ? r : head;
}

int vqb_publish(struct vqb *b, uint16_t head)
{
	int r = vqb_set_avail_ring(b, b->avail_idx & (b->size - 1), head);

	if (r)
		return r;
	/* A real driver puts a write barrier here; gm_write is a call. */
	return vqb_set_avail_idx(b, (uint16_t)(b->avail_idx + 1));
}

int vqb_add_chain(struct vqb *b, const struct vqb_seg *segs, unsigned n)
{
	int head = vqb_make_chain(b, segs, n);
	int r;

	if (head < 0)
		return head;
	r = vqb_publish(b, (uint16_t)head);
	return r ? r : head;
}

int vqb_add_indirect(struct vqb *b, uint64_t table_gpa,
		     const struct vqb_seg *segs, unsigned n)
{
	int head = vqb_make_indirect(b, table_gpa, segs, n);
	int r;

	if (head < 0)
		return head;
	r = vqb_publish(b, (uint16_t)head);
	return r ? r : head;
}

int vqb_set_avail_idx(struct vqb *b, uint16_t idx)
{
	int r = wr16(b, b->avail_gpa + offsetof(struct vring_avail, idx), idx);

	if (!r)
		b->avail_idx = idx;
	return r;
}

int vqb_set_avail_ring(const struct vqb *b, uint16_t slot, uint16_t head)
{
	if (slot >= b->size)
		return -EINVAL;
	return wr16(b, b->avail_gpa + AVAIL_RING + 2ull * slot, head);
}

int vqb_set_avail_flags(const struct vqb *b, uint16_t flags)
{
	return wr16(b, b->avail_gpa + offsetof(struct vring_avail, flags),
		    flags);
}

int vqb_set_used_event(const struct vqb *b, uint16_t event)
{
	return wr16(b, b->avail_gpa + AVAIL_RING + 2ull * b->size, event);
}

int vqb_used_idx(const struct vqb *b, uint16_t *idx)
{
	return rd16(b, b->used_gpa + offsetof(struct vring_used, idx), idx);
}

int vqb_used_flags(const struct vqb *b, uint16_t *flags)
{
	return rd16(b, b->used_gpa + offsetof(struct vring_used, flags), flags);
}

int vqb_avail_event(const struct vqb *b, uint16_t *event)
{
	return rd16(b, b->used_gpa + USED_RING + USED_ELEM * b->size, event);
}

int vqb_used_elem(const struct vqb *b, uint16_t slot, uint32_t *id,
		  uint32_t *len)
{
	struct vring_used_elem e;
	int r;

	if (slot >= b->size)
		return -EINVAL;
	r = gm_read(b->mem, b->used_gpa + USED_RING + USED_ELEM * slot, &e,
		    sizeof(e));
	if (r)
		return r;
	*id = le32toh(e.id);
	*len = le32toh(e.len);
	return 0;
}

/* Free the chain starting at descriptor `head` (bounded: size steps). */
static void free_chain(struct vqb *b, uint32_t head)
{
	uint32_t i = head;

	for (unsigned steps = 0; steps < b->size && i < b->size; steps++) {
		struct vring_desc d;

		if (!is_busy(b, i) ||
		    gm_read(b->mem, b->desc_gpa + DESC_SZ * i, &d, sizeof(d)))
			return;
		set_busy(b, i, false);
		if (!(le16toh(d.flags) & VRING_DESC_F_NEXT))
			return;
		i = le16toh(d.next);
	}
}

int vqb_get_used(struct vqb *b, uint32_t *id, uint32_t *len)
{
	uint16_t idx;
	int r = vqb_used_idx(b, &idx);

	if (r)
		return r;
	if (idx == b->last_used)
		return 0;
	r = vqb_used_elem(b, b->last_used & (b->size - 1), id, len);
	if (r)
		return r;
	b->last_used++;
	free_chain(b, *id);
	return 1;
}
