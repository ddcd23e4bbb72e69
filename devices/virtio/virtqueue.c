/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Split virtqueue, device side (VIRTIO 1.2 section 2.7). See virtqueue.h
 * for the contract.
 *
 * Implementation notes:
 *  - Guest memory is reached only through vmm/base/gmem.h. The 16-bit ring
 *    fields (flags, idx, ring entries, used_event, avail_event) are read
 *    and written as single aligned 16-bit accesses (gm_load16 and
 *    gm_store16), so a racing driver can never hand us a torn index;
 *    vq_enable has checked their alignment and that they lie in RAM, and
 *    gmem checks again.
 *  - No double fetch: every descriptor is copied out of guest memory once
 *    (gm_read into a local struct vring_desc), decoded, checked, and only
 *    the copy is used afterwards. The avail ring entry (the head) is also
 *    read once. What a chain hands back (struct vq_chain) are values, not
 *    pointers into guest memory.
 *  - Termination: every step of a chain walk either ends the walk or adds a
 *    buffer, and a chain may hold at most `size` buffers (direct and
 *    indirect together), so a loop ends with -EINVAL after `size` steps.
 *  - INDIRECT may appear on any descriptor of the main chain (spec
 *    2.7.5.3.2: zero or more direct descriptors, then one indirect); since
 *    it may not carry NEXT it ends the main chain, which continues in the
 *    table. Its own WRITE flag is ignored (same section). The indirect
 *    descriptor is not a buffer and does not count towards `size`.
 *  - Barriers (the driver runs on other CPUs): acquire after reading
 *    avail->idx and before the ring entry and descriptors; release between
 *    the used element and used->idx; a full fence after enabling
 *    notifications (the caller then re-checks avail) and before reading the
 *    driver's suppression fields in vq_should_notify (after used->idx).
 *  - Power-on / reset state: size = max_size (virtio-pci reads QueueSize as
 *    the maximum after reset), addresses 0, features off, disabled.
 *  - A disabled queue pops nothing (0), never notifies, and ignores
 *    vq_set_notification; vq_push on it is -EINVAL.
 */
#include "devices/virtio/virtqueue.h"

#include <endian.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include <linux/virtio_ring.h>

/* Layout of the three ring parts, from the UAPI structs. */
#define DESC_SZ ((uint64_t)sizeof(struct vring_desc))
#define AVAIL_FLAGS ((uint64_t)offsetof(struct vring_avail, flags))
#define AVAIL_IDX ((uint64_t)offsetof(struct vring_avail, idx))
#define AVAIL_RING ((uint64_t)offsetof(struct vring_avail, ring))
#define AVAIL_ENT ((uint64_t)sizeof(((struct vring_avail *)0)->ring[0]))
#define USED_FLAGS ((uint64_t)offsetof(struct vring_used, flags))
#define USED_IDX ((uint64_t)offsetof(struct vring_used, idx))
#define USED_RING ((uint64_t)offsetof(struct vring_used, ring))
#define USED_ELEM ((uint64_t)sizeof(struct vring_used_elem))
#define EVENT_SZ ((uint64_t)sizeof(uint16_t))

/* Ring sizes, the trailing event field included (spec 2.7 table). */
static uint64_t desc_bytes(uint16_t size) { return DESC_SZ * size; }
static uint64_t avail_bytes(uint16_t size)
{
	return AVAIL_RING + AVAIL_ENT * size + EVENT_SZ;
}
static uint64_t used_bytes(uint16_t size)
{
	return USED_RING + USED_ELEM * size + EVENT_SZ;
}

/* used_event lives at avail->ring[size], avail_event at used->ring[size]. */
static uint64_t used_event_gpa(const struct virtqueue *vq)
{
	return vq->avail_gpa + AVAIL_RING + AVAIL_ENT * vq->size;
}
static uint64_t avail_event_gpa(const struct virtqueue *vq)
{
	return vq->used_gpa + USED_RING + USED_ELEM * vq->size;
}

/* A descriptor, copied out of guest memory and decoded. */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static bool is_pow2(uint16_t v) { return v && !(v & (v - 1)); }

static int fail(struct virtqueue *vq, int err)
{
	vq->errors++;
	return err;
}

/* One aligned little-endian 16-bit ring field. */
static int ld16(const struct virtqueue *vq, uint64_t gpa, uint16_t *v)
{
	uint16_t raw;
	int r = gm_load16(vq->mem, gpa, &raw);

	if (r)
		return r;
	*v = le16toh(raw);
	return 0;
}

static int st16(const struct virtqueue *vq, uint64_t gpa, uint16_t v)
{
	return gm_store16(vq->mem, gpa, htole16(v));
}

/* Copy descriptor i of the table at `table` out of guest memory, once. */
static int fetch_desc(const struct virtqueue *vq, uint64_t table, uint16_t i,
		      struct desc *d)
{
	struct vring_desc raw;
	int r = gm_read(vq->mem, table + DESC_SZ * i, &raw, sizeof(raw));

	if (r)
		return r;
	d->addr = le64toh(raw.addr);
	d->len = le32toh(raw.len);
	d->flags = le16toh(raw.flags);
	d->next = le16toh(raw.next);
	return 0;
}

/* Check one buffer descriptor (a copy) and append it to the chain. */
static int add_buf(const struct virtqueue *vq, struct vq_chain *c,
		   const struct desc *d)
{
	unsigned n = (unsigned)c->nread + c->nwrite;

	/* At most `size` buffers: this is what ends a loop. */
	if (n >= vq->size || n >= VQ_MAX_SIZE)
		return -EINVAL;
	if (d->len == 0)
		return -EINVAL;
	if (!gm_range_ok(vq->mem, d->addr, d->len))
		return -EFAULT;
	if (d->flags & VRING_DESC_F_WRITE) {
		if (d->len > UINT32_MAX - c->write_len)
			return -EINVAL;
		c->write_len += d->len;
		c->nwrite++;
	} else {
		/* Device-readable after device-writable. */
		if (c->nwrite)
			return -EINVAL;
		if (d->len > UINT32_MAX - c->read_len)
			return -EINVAL;
		c->read_len += d->len;
		c->nread++;
	}
	c->buf[n] = (struct vq_buf){.gpa = d->addr, .len = d->len};
	return 0;
}

/* The rest of the chain is in the indirect table `ind` points to. */
static int walk_indirect(const struct virtqueue *vq, struct vq_chain *c,
			 const struct desc *ind)
{
	uint16_t n, i = 0;

	if (!vq->indirect || (ind->flags & VRING_DESC_F_NEXT))
		return -EINVAL;
	if (ind->len == 0 || ind->len % DESC_SZ ||
	    ind->len > DESC_SZ * vq->size)
		return -EINVAL;
	if (!gm_range_ok(vq->mem, ind->addr, ind->len))
		return -EFAULT;
	n = (uint16_t)(ind->len / DESC_SZ);
	for (;;) {
		struct desc d;
		int r = fetch_desc(vq, ind->addr, i, &d);

		if (r)
			return r;
		if (d.flags & VRING_DESC_F_INDIRECT)
			return -EINVAL; /* nested */
		r = add_buf(vq, c, &d);
		if (r)
			return r;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
		if (i >= n)
			return -EINVAL;
	}
}

static int walk_chain(const struct virtqueue *vq, uint16_t head,
		      struct vq_chain *c)
{
	uint16_t i = head;

	c->head = head;
	c->nread = c->nwrite = 0;
	c->read_len = c->write_len = 0;
	if (head >= vq->size)
		return -EINVAL;
	for (;;) {
		struct desc d;
		int r = fetch_desc(vq, vq->desc_gpa, i, &d);

		if (r)
			return r;
		if (d.flags & VRING_DESC_F_INDIRECT)
			return walk_indirect(vq, c, &d);
		r = add_buf(vq, c, &d);
		if (r)
			return r;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
		if (i >= vq->size)
			return -EINVAL;
	}
}

int vq_init(struct virtqueue *vq, const struct guest_mem *mem,
	    uint16_t max_size)
{
	if (!vq || !mem || !is_pow2(max_size) || max_size > VQ_MAX_SIZE)
		return -EINVAL;
	memset(vq, 0, sizeof(*vq));
	vq->mem = mem;
	vq->max_size = max_size;
	vq_reset(vq);
	return 0;
}

void vq_reset(struct virtqueue *vq)
{
	vq->size = vq->max_size;
	vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
	vq->event_idx = vq->indirect = false;
	vq->enabled = false;
	vq->last_avail = vq->used_idx = vq->signalled = 0;
	vq->signalled_valid = false;
}

int vq_enable(struct virtqueue *vq)
{
	uint16_t s = vq->size;

	vq->enabled = false;
	if (!is_pow2(s) || s > vq->max_size || s > VQ_MAX_SIZE)
		return fail(vq, -EINVAL);
	if (vq->desc_gpa % VRING_DESC_ALIGN_SIZE ||
	    vq->avail_gpa % VRING_AVAIL_ALIGN_SIZE ||
	    vq->used_gpa % VRING_USED_ALIGN_SIZE)
		return fail(vq, -EINVAL);
	if (!gm_range_ok(vq->mem, vq->desc_gpa, desc_bytes(s)) ||
	    !gm_range_ok(vq->mem, vq->avail_gpa, avail_bytes(s)) ||
	    !gm_range_ok(vq->mem, vq->used_gpa, used_bytes(s)))
		return fail(vq, -EFAULT);
	vq->last_avail = vq->used_idx = vq->signalled = 0;
	vq->signalled_valid = false;
	vq->enabled = true;
	return 0;
}

int vq_pop(struct virtqueue *vq, struct vq_chain *chain)
{
	uint16_t avail_idx, pending, head;
	int r;

	if (!vq->enabled)
		return 0;
	r = ld16(vq, vq->avail_gpa + AVAIL_IDX, &avail_idx);
	if (r)
		return fail(vq, r);
	pending = (uint16_t)(avail_idx - vq->last_avail);
	if (pending > vq->size)
		return fail(vq, -EINVAL);
	if (!pending)
		return 0;
	/* The ring entry and descriptors were written before avail->idx. */
	atomic_thread_fence(memory_order_acquire);
	r = ld16(vq,
		 vq->avail_gpa + AVAIL_RING +
			 AVAIL_ENT * (vq->last_avail & (vq->size - 1)),
		 &head);
	if (r)
		return fail(vq, r);
	r = walk_chain(vq, head, chain);
	if (r)
		return fail(vq, r);
	vq->last_avail++;
	vq->popped++;
	return 1;
}

int vq_push(struct virtqueue *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem e = {.id = htole32(head), .len = htole32(len)};
	uint64_t slot = vq->used_idx & (vq->size - 1);
	int r;

	if (!vq->enabled || head >= vq->size)
		return fail(vq, -EINVAL);
	r = gm_write(vq->mem, vq->used_gpa + USED_RING + USED_ELEM * slot, &e,
		     sizeof(e));
	if (r)
		return fail(vq, r);
	/* The driver must see the element before the index that covers it. */
	atomic_thread_fence(memory_order_release);
	r = st16(vq, vq->used_gpa + USED_IDX, (uint16_t)(vq->used_idx + 1));
	if (r)
		return fail(vq, r);
	vq->used_idx++;
	vq->pushed++;
	return 0;
}

bool vq_should_notify(struct virtqueue *vq)
{
	uint16_t v;
	bool notify;

	if (!vq->enabled)
		return false;
	/* used->idx (stored) must be visible before we load the driver's
	 * flags / used_event, or both sides can miss each other. */
	atomic_thread_fence(memory_order_seq_cst);
	if (vq->event_idx) {
		if (ld16(vq, used_event_gpa(vq), &v)) {
			vq->errors++;
			return true;
		}
		notify = !vq->signalled_valid ||
			 vring_need_event(v, vq->used_idx, vq->signalled);
	} else {
		/* Spec 2.7.7.2: with EVENT_IDX the flags are ignored. */
		if (ld16(vq, vq->avail_gpa + AVAIL_FLAGS, &v)) {
			vq->errors++;
			return true;
		}
		notify = !(v & VRING_AVAIL_F_NO_INTERRUPT);
	}
	if (notify) {
		vq->signalled = vq->used_idx;
		vq->signalled_valid = true;
	}
	return notify;
}

int vq_pop_or_arm(struct virtqueue *vq, struct vq_chain *chain)
{
	int r = vq_pop(vq, chain);
	if (r != 0)
		return r;
	r = vq_set_notification(vq, true);
	return r ? r : vq_pop(vq, chain);
}

int vq_set_notification(struct virtqueue *vq, bool enable)
{
	int r;

	if (!vq->enabled)
		return 0;
	if (vq->event_idx) {
		/* Enable: kick when the driver makes entry last_avail
		 * available. Disable: an index the driver has already
		 * passed, so vring_need_event never matches. */
		uint16_t ev = enable ? vq->last_avail
				     : (uint16_t)(vq->last_avail - 1);
		r = st16(vq, avail_event_gpa(vq), ev);
	} else {
		r = st16(vq, vq->used_gpa + USED_FLAGS,
			 enable ? 0 : VRING_USED_F_NO_NOTIFY);
	}
	if (r)
		return fail(vq, r);
	/* The store must be visible before the caller re-reads avail->idx. */
	if (enable)
		atomic_thread_fence(memory_order_seq_cst);
	return 0;
}

/* Copy between one part of a chain and host memory: into dst from the
 * readable part, or from src into the writable part. */
static int chain_copy(const struct virtqueue *vq, const struct vq_chain *c,
		      uint32_t off, void *dst, const void *src, uint32_t len)
{
	bool wr = src != NULL;
	unsigned first = wr ? c->nread : 0;
	unsigned end = first + (wr ? c->nwrite : c->nread);
	uint32_t total = wr ? c->write_len : c->read_len;
	uint64_t done = 0;

	if ((unsigned)c->nread + c->nwrite > VQ_MAX_SIZE ||
	    (uint64_t)off + len > total)
		return -EINVAL;
	for (unsigned i = first; i < end && done < len; i++) {
		const struct vq_buf *b = &c->buf[i];
		uint32_t k;
		int r;

		if (off >= b->len) {
			off -= b->len;
			continue;
		}
		k = b->len - off;
		if (k > len - done)
			k = (uint32_t)(len - done);
		if (wr)
			r = gm_write(vq->mem, b->gpa + off,
				     (const uint8_t *)src + done, k);
		else
			r = gm_read(vq->mem, b->gpa + off,
				    (uint8_t *)dst + done, k);
		if (r)
			return r;
		done += k;
		off = 0;
	}
	/* Only a chain whose totals disagree with its buffers gets here. */
	return done == len ? 0 : -EINVAL;
}

int vq_chain_read(const struct virtqueue *vq, const struct vq_chain *c,
		  uint32_t off, void *dst, uint32_t len)
{
	return chain_copy(vq, c, off, dst, NULL, len);
}

int vq_chain_write(const struct virtqueue *vq, const struct vq_chain *c,
		   uint32_t off, const void *src, uint32_t len)
{
	static const uint8_t none;

	/* src NULL with len 0 is still a write. */
	return chain_copy(vq, c, off, NULL, src ? src : &none, len);
}

int vq_chain_iov(const struct virtqueue *vq, const struct vq_chain *c,
		 bool writable, uint32_t skip, uint32_t max, struct iovec *iov)
{
	unsigned first = writable ? c->nread : 0;
	unsigned end = writable ? (unsigned)c->nread + c->nwrite : c->nread;
	int k = 0;

	for (unsigned i = first; i < end && max; i++) {
		const struct vq_buf *b = &c->buf[i];
		if (skip >= b->len) {
			skip -= b->len;
			continue;
		}
		uint32_t len = b->len - skip;
		if (len > max)
			len = max;
		void *p =
		    writable ? gm_ptr_write(vq->mem, b->gpa + skip, len)
			     : (void *)gm_ptr_read(vq->mem, b->gpa + skip, len);
		if (!p)
			return -EFAULT;
		iov[k].iov_base = p;
		iov[k].iov_len = len;
		max -= len;
		skip = 0;
		k++;
	}
	return k;
}
