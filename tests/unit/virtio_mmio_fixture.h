/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared fixture for the virtio-mmio transport tests (test_virtio_mmio*.c):
 * a fake device with two queues and a 16-byte config space that records
 * its ops and can be told to fail, on guest RAM, with register helpers
 * that drive the transport as a guest driver would. Include after
 * cmocka.h.
 */
#ifndef VMM_TESTS_VIRTIO_MMIO_FIXTURE_H
#define VMM_TESTS_VIRTIO_MMIO_FIXTURE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/mmio.h"
#include "tests/support/test_util.h"
#include "tests/support/vq_builder.h"
#include "vmm/base/log.h"

#define QMAX	16
#define CFG_LEN 16
#define HOST_F	((1ull << 0) | (1ull << 5) | (1ull << 50))
#define F_V1	(1ull << VIRTIO_F_VERSION_1)
#define F_EVT	(1ull << VIRTIO_RING_F_EVENT_IDX)
#define F_IND	(1ull << VIRTIO_RING_F_INDIRECT_DESC)
#define ALL_F	(HOST_F | F_V1 | F_EVT | F_IND)
#define S_ACK	VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRV	VIRTIO_CONFIG_S_DRIVER
#define S_FOK	VIRTIO_CONFIG_S_FEATURES_OK
#define S_DOK	VIRTIO_CONFIG_S_DRIVER_OK
#define S_NR	VIRTIO_CONFIG_S_NEEDS_RESET
#define S_UP	(S_ACK | S_DRV | S_FOK | S_DOK)
#define R(x)	VIRTIO_MMIO_##x
#define DESC	0x1000ull /* queue q's rings at + q * 0x1000 */
#define AVAIL	0x3000ull
#define USED	0x5000ull
#define DATA	0x8000ull

struct fake {
	struct virtio_dev dev;
	struct virtqueue vqs[2];
	struct virtio_mmio m;
	struct guest_mem gm;
	struct vqb b;
	struct vq_chain chain;
	uint8_t cfg[CFG_LEN];
	int activate_ret, notify_ret;
	unsigned activates, resets, notifies[2], irqs;
};

static inline struct fake *of(struct virtio_dev *d)
{
	return (struct fake *)((char *)d - offsetof(struct fake, dev));
}

static inline uint64_t f_cfg_read(struct virtio_dev *d, uint32_t off,
				  unsigned size)
{
	uint64_t v = 0;

	assert_true(off + size <= CFG_LEN);
	memcpy(&v, of(d)->cfg + off, size);
	return v;
}

static inline void f_cfg_write(struct virtio_dev *d, uint32_t off,
			       unsigned size, uint64_t val)
{
	assert_true(off + size <= CFG_LEN);
	memcpy(of(d)->cfg + off, &val, size);
}

static inline int f_activate(struct virtio_dev *d)
{
	struct fake *f = of(d);

	assert_true(f->m.status & S_FOK);
	assert_true(d->acked_features & F_V1);
	assert_int_equal(d->acked_features & ~ALL_F, 0);
	f->activates++;
	return f->activate_ret;
}

/* Like a real device: return every available chain, then signal (a
 * lock-held call back into the transport). */
static inline int f_notify(struct virtio_dev *d, unsigned q)
{
	struct fake *f = of(d);
	int r;

	assert_true(q < 2 && d->vqs[q].enabled && virtio_mmio_active(&f->m));
	f->notifies[q]++;
	if (f->notify_ret)
		return f->notify_ret;
	while ((r = vq_pop(&d->vqs[q], &f->chain)) == 1) {
		r = vq_push(&d->vqs[q], f->chain.head, 0);
		if (r)
			return r;
	}
	virtio_mmio_signal_used(&f->m, q);
	return r;
}

static inline void f_reset(struct virtio_dev *d)
{
	of(d)->resets++;
}

static const struct virtio_dev_ops f_ops = {
    .config_read = f_cfg_read,
    .config_write = f_cfg_write,
    .activate = f_activate,
    .queue_notify = f_notify,
    .reset = f_reset,
};

static inline void f_irq(void *opaque)
{
	((struct fake *)opaque)->irqs++;
}

/* A fake over `ram` bytes of guest memory at 0 (0: 1 MiB). */
static inline struct fake *fake_new(uint64_t ram)
{
	struct fake *f = test_calloc(1, sizeof(*f));
	struct virtio_mmio_host h = {.raise_irq = f_irq, .opaque = f};
	unsigned i;

	assert_non_null(f);
	if (ram) {
		gm_init(&f->gm);
		assert_int_equal(gm_add_ram(&f->gm, 0, ram, 0), 0);
	} else {
		tu_mem_init(&f->gm, 1);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(vq_init(&f->vqs[i], &f->gm, QMAX), 0);
	for (i = 0; i < CFG_LEN; i++)
		f->cfg[i] = 0xa0 + i;
	f->dev = (struct virtio_dev){.ops = &f_ops,
				     .name = "fake0",
				     .device_id = 4,
				     .host_features = HOST_F,
				     .config_len = CFG_LEN,
				     .nqueues = 2,
				     .vqs = f->vqs};
	assert_int_equal(virtio_mmio_init(&f->m, &f->dev, &h), 0);
	assert_ptr_equal(f->dev.transport, &f->m);
	return f;
}

static inline int setup(void **state)
{
	*state = fake_new(0);
	return 0;
}

static inline int teardown(void **state)
{
	struct fake *f = *state;

	virtio_mmio_destroy(&f->m);
	gm_destroy(&f->gm);
	test_free(f);
	return 0;
}

static inline uint64_t rdw(struct fake *f, uint64_t off, unsigned size)
{
	return virtio_mmio_ops.read(&f->m, off, size);
}

static inline void wrw(struct fake *f, uint64_t off, unsigned size, uint64_t v)
{
	virtio_mmio_ops.write(&f->m, off, size, v);
}

static inline uint32_t rd(struct fake *f, uint64_t off)
{
	return rdw(f, off, 4);
}
static inline void wr(struct fake *f, uint64_t off, uint32_t v)
{
	wrw(f, off, 4, v);
}

/* ACKNOWLEDGE, DRIVER, DriverFeatures = feat, FEATURES_OK: the status. */
static inline uint32_t negotiate(struct fake *f, uint64_t feat)
{
	wr(f, R(STATUS), S_ACK);
	wr(f, R(STATUS), S_ACK | S_DRV);
	wr(f, R(DRIVER_FEATURES_SEL), 0);
	wr(f, R(DRIVER_FEATURES), (uint32_t)feat);
	wr(f, R(DRIVER_FEATURES_SEL), 1);
	wr(f, R(DRIVER_FEATURES), (uint32_t)(feat >> 32));
	wr(f, R(STATUS), S_ACK | S_DRV | S_FOK);
	return rd(f, R(STATUS));
}

static inline void set_queue(struct fake *f, unsigned q, uint32_t size,
			     uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(f, R(QUEUE_SEL), q);
	wr(f, R(QUEUE_NUM), size);
	wr(f, R(QUEUE_DESC_LOW), (uint32_t)desc);
	wr(f, R(QUEUE_DESC_HIGH), (uint32_t)(desc >> 32));
	wr(f, R(QUEUE_AVAIL_LOW), (uint32_t)avail);
	wr(f, R(QUEUE_AVAIL_HIGH), (uint32_t)(avail >> 32));
	wr(f, R(QUEUE_USED_LOW), (uint32_t)used);
	wr(f, R(QUEUE_USED_HIGH), (uint32_t)(used >> 32));
	wr(f, R(QUEUE_READY), 1);
}

/* The whole driver init with queue 0 (builder f->b) running. */
static inline void bring_up(struct fake *f, uint64_t feat)
{
	assert_int_equal(negotiate(f, feat), S_ACK | S_DRV | S_FOK);
	assert_int_equal(vqb_init(&f->b, &f->gm, 8, DESC, AVAIL, USED), 0);
	set_queue(f, 0, 8, DESC, AVAIL, USED);
	assert_int_equal(rd(f, R(QUEUE_READY)), 1);
	wr(f, R(STATUS), S_UP);
	assert_int_equal(rd(f, R(STATUS)), S_UP);
}

static inline void add_buf(struct fake *f)
{
	struct vqb_seg s = {.gpa = DATA, .len = 64, .write = true};

	assert_true(vqb_add_chain(&f->b, &s, 1) >= 0);
}

#endif
