/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-mmio transport and split virtqueues, polled. See virtio.h. */
#include "virtio.h"

#include <stdarg.h>
#include <stddef.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "tgexit.h"

void *memset(void *dst, int c, size_t n);

#define VIO_PAGE 4096
/* Layout of a queue page: descriptors, then the available ring, the used
 * ring at a fixed offset (alignment 16 / 2 / 4, spec 2.7). */
#define VIO_AVAIL_OFF (VQ_SIZE * sizeof(struct vring_desc))
#define VIO_USED_OFF 2048

_Static_assert(VIO_AVAIL_OFF + 6 + 2 * VQ_SIZE <= VIO_USED_OFF,
	       "avail ring overlaps the used ring");
_Static_assert(VIO_USED_OFF + 6 + 8 * VQ_SIZE <= VIO_PAGE,
	       "used ring does not fit the page");

/* Not cleared at boot: vio_queue() clears each page before use. */
static uint8_t vio_pages[VIO_MAX_DEVS][VIO_MAX_QUEUES][VIO_PAGE]
	TG_NOCLEAR __attribute__((aligned(VIO_PAGE)));

/* Keep the compiler from moving ring accesses across this point; x86
 * keeps stores in order and a notify is an MMIO write (a VM exit). */
static inline void vio_barrier(void)
{
	__asm__ __volatile__("" : : : "memory");
}

void vio_fail(unsigned code, const char *fmt, ...)
{
	va_list ap;

	ser_printf("testguest: FAIL ");
	va_start(ap, fmt);
	ser_vprintf(fmt, ap);
	va_end(ap);
	ser_printf("\n");
	tg_exit(code);
}

uint32_t vio_read32(const struct vio_dev *d, uint32_t off)
{
	return io_read32(d->base + off);
}

void vio_write32(const struct vio_dev *d, uint32_t off, uint32_t val)
{
	io_write32(d->base + off, val);
}

uint8_t vio_cfg8(const struct vio_dev *d, uint32_t off)
{
	return io_read8(d->base + VIRTIO_MMIO_CONFIG + off);
}

uint32_t vio_cfg32(const struct vio_dev *d, uint32_t off)
{
	return io_read32(d->base + VIRTIO_MMIO_CONFIG + off);
}

uint64_t vio_cfg64(const struct vio_dev *d, uint32_t off)
{
	for (unsigned tries = 0; tries < 100; tries++) {
		uint32_t gen = vio_read32(d, VIRTIO_MMIO_CONFIG_GENERATION);
		uint64_t lo = vio_cfg32(d, off), hi = vio_cfg32(d, off + 4);

		if (vio_read32(d, VIRTIO_MMIO_CONFIG_GENERATION) == gen)
			return lo | hi << 32;
	}
	vio_fail(TG_EXIT_VIRTIO_CONFIG, "virtio config at 0x%lx: expected a "
		 "stable ConfigGeneration, found it changing", d->base);
}

void vio_reset(struct vio_dev *d)
{
	uint32_t st = 0;

	vio_write32(d, VIRTIO_MMIO_STATUS, 0);
	for (unsigned long i = 0; i < VIO_STATUS_POLLS; i++) {
		st = vio_read32(d, VIRTIO_MMIO_STATUS);
		if (st == 0)
			return;
		io_pause();
	}
	vio_fail(TG_EXIT_VIRTIO_RESET, "virtio reset at 0x%lx: expected "
		 "status 0, found 0x%x", d->base, st);
}

static void vio_set_status(struct vio_dev *d, uint32_t bits)
{
	uint32_t st = vio_read32(d, VIRTIO_MMIO_STATUS);

	vio_write32(d, VIRTIO_MMIO_STATUS, st | bits);
}

void vio_begin(struct vio_dev *d, uint64_t want)
{
	uint64_t offered, accept;

	for (unsigned i = 0; i < VIO_MAX_QUEUES; i++)
		d->q[i] = (struct vq){ 0 };
	vio_reset(d);
	vio_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vio_set_status(d, VIRTIO_CONFIG_S_DRIVER);

	vio_write32(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered = vio_read32(d, VIRTIO_MMIO_DEVICE_FEATURES);
	vio_write32(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)vio_read32(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	if (!(offered & (1ull << VIRTIO_F_VERSION_1)))
		vio_fail(TG_EXIT_VIRTIO_FEATURES, "virtio features at 0x%lx: "
			 "expected VIRTIO_F_VERSION_1, found 0x%lx offered",
			 d->base, offered);
	accept = offered & (want | 1ull << VIRTIO_F_VERSION_1);
	vio_write32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vio_write32(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)accept);
	vio_write32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vio_write32(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(accept >> 32));

	vio_set_status(d, VIRTIO_CONFIG_S_FEATURES_OK);
	uint32_t st = vio_read32(d, VIRTIO_MMIO_STATUS);

	if (!(st & VIRTIO_CONFIG_S_FEATURES_OK)) {
		vio_write32(d, VIRTIO_MMIO_STATUS,
			    st | VIRTIO_CONFIG_S_FAILED);
		vio_fail(TG_EXIT_VIRTIO_FEATURES, "virtio features at 0x%lx: "
			 "expected FEATURES_OK to stick for 0x%lx, found "
			 "status 0x%x", d->base, accept, st);
	}
	d->features = accept;
}

struct vq *vio_queue(struct vio_dev *d, unsigned slot, unsigned index)
{
	struct vq *q = &d->q[slot];
	uint8_t *page = vio_pages[d->slot][slot];
	uint32_t max, size = VQ_SIZE;

	vio_write32(d, VIRTIO_MMIO_QUEUE_SEL, index);
	if (vio_read32(d, VIRTIO_MMIO_QUEUE_READY))
		vio_fail(TG_EXIT_VIRTIO_QUEUE, "virtio queue %u at 0x%lx: "
			 "expected QueueReady 0 after reset, found 1", index,
			 d->base);
	max = vio_read32(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max == 0)
		vio_fail(TG_EXIT_VIRTIO_QUEUE, "virtio queue %u at 0x%lx: "
			 "expected QueueNumMax > 0, found 0", index, d->base);
	while (size > max)
		size >>= 1;

	memset(page, 0, VIO_PAGE);
	*q = (struct vq){
		.index = index,
		.size = (uint16_t)size,
		.desc = (struct vring_desc *)page,
		.avail = (struct vring_avail *)(page + VIO_AVAIL_OFF),
		.used = (struct vring_used *)(page + VIO_USED_OFF),
		.num_free = (uint16_t)size,
	};
	for (uint16_t i = 0; i + 1u < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);

	uint64_t desc = (uintptr_t)q->desc, avail = (uintptr_t)q->avail;
	uint64_t used = (uintptr_t)q->used;

	vio_write32(d, VIRTIO_MMIO_QUEUE_NUM, size);
	vio_write32(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	vio_write32(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	vio_write32(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	vio_write32(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
	vio_write32(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	vio_write32(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
	vio_write32(d, VIRTIO_MMIO_QUEUE_READY, 1);
	if (vio_read32(d, VIRTIO_MMIO_QUEUE_READY) != 1)
		vio_fail(TG_EXIT_VIRTIO_QUEUE, "virtio queue %u at 0x%lx: "
			 "expected QueueReady 1, found 0 (status 0x%x)",
			 index, d->base, vio_read32(d, VIRTIO_MMIO_STATUS));
	return q;
}

void vio_driver_ok(struct vio_dev *d)
{
	uint32_t st;

	vio_set_status(d, VIRTIO_CONFIG_S_DRIVER_OK);
	st = vio_read32(d, VIRTIO_MMIO_STATUS);
	if (!(st & VIRTIO_CONFIG_S_DRIVER_OK) ||
	    (st & (VIRTIO_CONFIG_S_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED)))
		vio_fail(TG_EXIT_VIRTIO_STATUS, "virtio status at 0x%lx: "
			 "expected DRIVER_OK, found 0x%x", d->base, st);
}

uint16_t vq_add(struct vq *q, const struct vq_buf *b, unsigned n)
{
	uint16_t head = q->free_head, i = head, last = head;
	uint32_t wlen = 0;

	if (n == 0 || n > q->num_free)
		vio_fail(TG_EXIT_INTERNAL, "virtqueue %u: expected %u free "
			 "descriptors, found %u", q->index, n, q->num_free);
	for (unsigned k = 0; k < n; k++) {
		struct vring_desc *d = &q->desc[i];

		d->addr = b[k].addr;
		d->len = b[k].len;
		d->flags = (uint16_t)((b[k].write ? VRING_DESC_F_WRITE : 0) |
				      (k + 1 < n ? VRING_DESC_F_NEXT : 0));
		if (b[k].write)
			wlen += b[k].len;
		last = i;
		i = d->next;
	}
	q->free_head = q->desc[last].next;
	q->num_free = (uint16_t)(q->num_free - n);
	q->chain_len[head] = (uint16_t)n;
	q->chain_wlen[head] = wlen;

	q->avail->ring[q->avail_idx % q->size] = head;
	vio_barrier();
	q->avail_idx++;
	*(volatile uint16_t *)&q->avail->idx = q->avail_idx;
	vio_barrier();
	return head;
}

void vq_kick(const struct vio_dev *d, const struct vq *q)
{
	vio_write32(d, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

bool vq_poll(const struct vio_dev *d, struct vq *q, unsigned long steps,
	     uint16_t *id_out, uint32_t *len_out)
{
	volatile uint16_t *used_idx = &q->used->idx;
	uint16_t outstanding = (uint16_t)(q->avail_idx - q->used_seen);
	uint16_t got;

	for (;;) {
		got = (uint16_t)(*used_idx - q->used_seen);
		if (got)
			break;
		if (steps-- == 0)
			return false;
		io_pause();
	}
	vio_barrier();
	if (got > outstanding)
		vio_fail(TG_EXIT_VIRTIO_USED, "virtqueue %u at 0x%lx: expected "
			 "used idx to move by at most %u, found %u", q->index,
			 d->base, outstanding, got);

	struct vring_used_elem e = q->used->ring[q->used_seen % q->size];

	if (e.id >= q->size || q->chain_len[e.id] == 0)
		vio_fail(TG_EXIT_VIRTIO_USED, "virtqueue %u at 0x%lx: expected "
			 "an outstanding head in the used ring, found id %u",
			 q->index, d->base, e.id);
	if (e.len > q->chain_wlen[e.id])
		vio_fail(TG_EXIT_VIRTIO_USED, "virtqueue %u at 0x%lx: expected "
			 "used len <= %u for head %u, found %u", q->index,
			 d->base, q->chain_wlen[e.id], e.id, e.len);
	q->used_seen++;

	/* Return the chain to the free list. */
	uint16_t i = (uint16_t)e.id, n = q->chain_len[e.id];

	for (uint16_t k = 1; k < n; k++)
		i = q->desc[i].next;
	q->desc[i].next = q->free_head;
	q->free_head = (uint16_t)e.id;
	q->num_free = (uint16_t)(q->num_free + n);
	q->chain_len[e.id] = 0;

	*id_out = (uint16_t)e.id;
	*len_out = e.len;
	return true;
}

uint32_t vq_xfer(const struct vio_dev *d, struct vq *q,
		 const struct vq_buf *b, unsigned n, const char *what)
{
	uint16_t head = vq_add(q, b, n), id;
	uint32_t len;

	vq_kick(d, q);
	if (!vq_poll(d, q, VIO_WAIT_STEPS, &id, &len))
		vio_fail(TG_EXIT_VIRTIO_TIMEOUT, "%s at 0x%lx: expected a used "
			 "buffer on queue %u, found none (status 0x%x)", what,
			 d->base, q->index, vio_read32(d, VIRTIO_MMIO_STATUS));
	if (id != head)
		vio_fail(TG_EXIT_VIRTIO_USED, "%s at 0x%lx: expected used head "
			 "%u, found %u", what, d->base, head, id);
	return len;
}
