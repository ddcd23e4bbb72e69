/* SPDX-License-Identifier: Apache-2.0 */
/* The hostile virtio driver of the virtio harnesses; see vdrv.h. */
#include "fuzz/vdrv.h"

#include <string.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#define S_ACK VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRV VIRTIO_CONFIG_S_DRIVER
#define S_FOK VIRTIO_CONFIG_S_FEATURES_OK
#define S_DOK VIRTIO_CONFIG_S_DRIVER_OK
#define S_NR  VIRTIO_CONFIG_S_NEEDS_RESET
#define S_ALL (S_ACK | S_DRV | S_FOK | S_DOK | S_NR | VIRTIO_CONFIG_S_FAILED)

/* What the transport adds to every device's features. */
#define F_TRANSPORT                                                            \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) |    \
	 (1ull << VIRTIO_RING_F_INDIRECT_DESC))

#define VDRV_MAX_SEGS 8

void vdrv_raise_irq(void *opaque)
{
	((struct vdrv *)opaque)->irqs++;
}

void vdrv_init(struct vdrv *d, const struct guest_mem *gm,
	       struct virtio_mmio *m, vdrv_dev_op op, void *opaque)
{
	memset(d, 0, sizeof(*d));
	d->gm = gm;
	d->m = m;
	d->nq = m->dev->nqueues < VDRV_MAX_Q ? m->dev->nqueues : VDRV_MAX_Q;
	d->dev_op = op;
	d->opaque = opaque;
}

uint32_t vdrv_rd(struct vdrv *d, uint64_t off)
{
	return (uint32_t)virtio_mmio_ops.read(d->m, off, 4);
}

void vdrv_wr(struct vdrv *d, uint64_t off, uint32_t val)
{
	virtio_mmio_ops.write(d->m, off, 4, val);
}

static void bringup(struct vdrv *d, struct fz *in)
{
	uint64_t mask = fz_u64(in), feat;
	uint16_t size = (uint16_t)(1u << (fz_u8(in) % 9));
	unsigned qmask = fz_u8(in);
	uint32_t s = S_ACK | S_DRV;

	vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, S_ACK);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, s);
	vdrv_wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	feat = (uint64_t)vdrv_rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	vdrv_wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	feat |= vdrv_rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	feat &= mask;
	vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)feat);
	vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(feat >> 32));
	vdrv_wr(d, VIRTIO_MMIO_STATUS, s |= S_FOK);
	for (unsigned q = 0; q < d->nq; q++) {
		uint64_t desc = VDRV_RING(q), avail = desc + 0x1000,
			 used = desc + 0x2000;

		d->q_ok[q] = false;
		if (qmask && !(qmask & (1u << q)))
			continue;
		d->q_ok[q] =
		    vqb_init(&d->q[q], d->gm, size, desc, avail, used) == 0;
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	vdrv_wr(d, VIRTIO_MMIO_STATUS, s | S_DOK);
}

/* VD_CHAIN: segments with inline contents, added as a chain or through
 * an indirect table, published, and notified if asked. */
static void chain(struct vdrv *d, struct fz *in)
{
	unsigned q = d->nq ? fz_u8(in) % d->nq : 0;
	uint8_t fl = fz_u8(in);
	unsigned n = (fl & 7u) + 1;
	struct vqb_seg segs[VDRV_MAX_SEGS];
	int head;

	for (unsigned i = 0; i < n; i++) {
		uint16_t off = fz_u16(in);
		uint16_t len = fz_u16(in);
		uint8_t sf = fz_u8(in);
		const uint8_t *b;
		size_t k = fz_bytes(in, len < (sf >> 1) ? len : (sf >> 1), &b);

		segs[i] = (struct vqb_seg){
		    .gpa = VDRV_DATA + off, .len = len, .write = sf & 1};
		/* Always inside VDRV_RAM: 0x10000 + 2 * 0xffff. */
		if (gm_write(d->gm, segs[i].gpa, b, k))
			fuzz_fail("VD_CHAIN: buffer outside guest RAM");
	}
	if (!d->nq || !d->q_ok[q])
		return;
	if (fl & 16)
		head = vqb_add_indirect(&d->q[q], VDRV_TABLES + 0x100 * q, segs,
					n);
	else
		head = vqb_add_chain(&d->q[q], segs, n);
	if (head >= 0 && (fl & 8))
		vdrv_wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static void poke(struct vdrv *d, struct fz *in)
{
	uint64_t gpa = (uint64_t)fz_u16(in) * 4;
	size_t len = fz_u8(in);
	const uint8_t *b;

	len = fz_bytes(in, len, &b);
	if (gpa + len > VDRV_RAM)
		len = (size_t)(VDRV_RAM - gpa);
	if (gm_write(d->gm, gpa, b, len))
		fuzz_fail("VD_POKE: outside guest RAM");
}

static void desc(struct vdrv *d, struct fz *in)
{
	unsigned q = d->nq ? fz_u8(in) % d->nq : 0;
	uint16_t i = fz_u16(in);
	uint64_t addr = fz_u64(in);
	uint32_t len = fz_u32(in);
	uint16_t flags = fz_u16(in), next = fz_u16(in);
	uint8_t pub = fz_u8(in);

	if (!d->nq || !d->q_ok[q])
		return;
	i %= d->q[q].size;
	if (vqb_set_desc(&d->q[q], i, addr, len, flags, next) == 0 && (pub & 1))
		(void)vqb_publish(&d->q[q], i);
}

static void used(struct vdrv *d, struct fz *in)
{
	unsigned q = d->nq ? fz_u8(in) % d->nq : 0;
	uint32_t id, len;

	if (!d->nq || !d->q_ok[q])
		return;
	for (unsigned i = 0; i < d->q[q].size; i++)
		if (vqb_get_used(&d->q[q], &id, &len) != 1)
			break;
}

static void avail(struct vdrv *d, struct fz *in)
{
	unsigned q = d->nq ? fz_u8(in) % d->nq : 0;
	uint8_t which = fz_u8(in);
	uint16_t idx = fz_u16(in), event = fz_u16(in), flags = fz_u16(in);

	if (!d->nq || !d->q_ok[q])
		return;
	if (which & 1)
		(void)vqb_set_avail_idx(&d->q[q], idx);
	if (which & 2)
		(void)vqb_set_used_event(&d->q[q], event);
	if (which & 4)
		(void)vqb_set_avail_flags(&d->q[q], flags);
}

void vdrv_check(const struct vdrv *d)
{
	const struct virtio_mmio *m = d->m;
	const struct virtio_dev *dev = m->dev;

	FUZZ_CHECK((m->status & ~(uint32_t)S_ALL) == 0);
	if (m->status & S_FOK)
		FUZZ_CHECK((dev->acked_features &
			    ~(dev->host_features | F_TRANSPORT)) == 0);
	for (unsigned q = 0; q < dev->nqueues; q++) {
		const struct virtqueue *vq = &dev->vqs[q];

		if (!vq->enabled)
			continue;
		FUZZ_CHECK(vq->size && vq->size <= vq->max_size &&
			   !(vq->size & (vq->size - 1)));
		FUZZ_CHECK(gm_range_ok(d->gm, vq->desc_gpa, 16ull * vq->size));
		FUZZ_CHECK(
		    gm_range_ok(d->gm, vq->avail_gpa, 6ull + 2ull * vq->size));
		FUZZ_CHECK(
		    gm_range_ok(d->gm, vq->used_gpa, 6ull + 8ull * vq->size));
	}
}

void vdrv_run(struct vdrv *d, struct fz *in)
{
	for (unsigned ops = 0; ops < VDRV_MAX_OPS && !fz_empty(in); ops++) {
		uint8_t op = fz_u8(in) % VD_NOPS;

		switch (op) {
		case VD_WRITE32: {
			uint8_t reg = fz_u8(in);

			vdrv_wr(d, reg * 4u, fz_u32(in));
			break;
		}
		case VD_READ32:
			(void)vdrv_rd(d, fz_u8(in) * 4u);
			break;
		case VD_ACCESS: {
			uint16_t off = fz_u16(in) & 0xfff;
			uint8_t how = fz_u8(in);
			uint64_t v = fz_u64(in);
			unsigned size = fz_size(how);

			if (off + size > VIRTIO_MMIO_RANGE_LEN)
				off = (uint16_t)(VIRTIO_MMIO_RANGE_LEN - size);
			if (how & 4)
				virtio_mmio_ops.write(d->m, off, size, v);
			else
				(void)virtio_mmio_ops.read(d->m, off, size);
			break;
		}
		case VD_BRINGUP:
			bringup(d, in);
			break;
		case VD_CHAIN:
			chain(d, in);
			break;
		case VD_NOTIFY:
			vdrv_wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, fz_u8(in));
			break;
		case VD_POKE:
			poke(d, in);
			break;
		case VD_DESC:
			desc(d, in);
			break;
		case VD_USED:
			used(d, in);
			break;
		case VD_AVAIL:
			avail(d, in);
			break;
		case VD_DEV:
			if (d->dev_op)
				d->dev_op(d, in);
			break;
		case VD_RESET:
			vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
			break;
		}
		vdrv_check(d);
	}
}
