/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the virtio-mmio transport (devices/virtio/mmio.c) with a fake
 * device whose shape comes from the input: queue size limit, config space
 * length, offered features, and whether activate / queue_notify fail.
 * The fake checks what the transport promises its devices: config
 * accesses inside config_len, ops only while the device is running, the
 * acked features a subset of those offered.
 *
 * Input: u8 qlog (QueueNumMax = 1 << (qlog % 9)), u8 cfg_len (% 65),
 * u8 fail (1: activate fails, 2: notify fails, 4: notify calls
 * virtio_mmio_fail), u64 host features, then a vdrv program (vdrv.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_config.h>

#include "devices/virtio/mmio.h"
#include "fuzz/fuzz.h"
#include "fuzz/vdrv.h"

#define FAKE_CFG_MAX 64

struct fake {
	struct virtio_dev dev;
	struct virtqueue vqs[2];
	struct virtio_mmio m;
	struct vdrv drv;
	struct vq_chain chain;
	uint8_t cfg[FAKE_CFG_MAX];
	uint8_t fail;
	unsigned activates, resets;
};

static struct fake *of(struct virtio_dev *d)
{
	return (struct fake *)((char *)d - offsetof(struct fake, dev));
}

static uint64_t f_cfg_read(struct virtio_dev *d, uint32_t off, unsigned size)
{
	uint64_t v = 0;

	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	FUZZ_CHECK(off + size <= d->config_len);
	memcpy(&v, of(d)->cfg + off, size);
	return v;
}

static void f_cfg_write(struct virtio_dev *d, uint32_t off, unsigned size,
			uint64_t val)
{
	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	FUZZ_CHECK(off + size <= d->config_len);
	memcpy(of(d)->cfg + off, &val, size);
}

static int f_activate(struct virtio_dev *d)
{
	struct fake *f = of(d);

	FUZZ_CHECK(f->m.status & VIRTIO_CONFIG_S_FEATURES_OK);
	f->activates++;
	return (f->fail & 1) ? -EINVAL : 0;
}

/* Like a real device: read and write a little of every chain, return it
 * with its writable length, and signal. */
static int f_notify(struct virtio_dev *d, unsigned q)
{
	struct fake *f = of(d);
	struct virtqueue *vq;
	uint8_t buf[16];
	int r;

	FUZZ_CHECK(q < d->nqueues && virtio_mmio_active(&f->m));
	vq = &d->vqs[q];
	FUZZ_CHECK(vq->enabled);
	if (f->fail & 2)
		return -EIO;
	while ((r = vq_pop(vq, &f->chain)) == 1) {
		const struct vq_chain *c = &f->chain;
		uint32_t n =
		    c->read_len < sizeof(buf) ? c->read_len : sizeof(buf);

		FUZZ_CHECK(c->head < vq->size);
		FUZZ_CHECK(c->nread + c->nwrite <= vq->size);
		FUZZ_CHECK(vq_chain_read(vq, c, 0, buf, n) == 0);
		n = c->write_len < sizeof(buf) ? c->write_len : sizeof(buf);
		FUZZ_CHECK(vq_chain_write(vq, c, 0, buf, n) == 0);
		FUZZ_CHECK(vq_chain_read(vq, c, c->read_len, buf, 1) ==
			   -EINVAL);
		if (vq_push(vq, c->head, c->write_len))
			return -EFAULT;
		if (f->fail & 4) {
			virtio_mmio_fail(&f->m, -EINVAL, "fuzz says so");
			break;
		}
	}
	virtio_mmio_signal_used(&f->m, q);
	return r < 0 ? r : 0;
}

static void f_reset(struct virtio_dev *d)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	const struct guest_mem *gm = fuzz_mem(VDRV_RAM, 0);
	struct fake *f = calloc(1, sizeof(*f));
	uint16_t qmax = (uint16_t)(1u << (fz_u8(&in) % 9));
	uint32_t cfg_len = fz_u8(&in) % (FAKE_CFG_MAX + 1);
	struct virtio_mmio_host h = {.raise_irq = vdrv_raise_irq};

	if (!f)
		abort();
	f->fail = fz_u8(&in);
	for (unsigned i = 0; i < 2; i++)
		FUZZ_CHECK(vq_init(&f->vqs[i], gm, qmax) == 0);
	for (unsigned i = 0; i < FAKE_CFG_MAX; i++)
		f->cfg[i] = (uint8_t)(0xa0 + i);
	f->dev = (struct virtio_dev){.ops = &f_ops,
				     .name = "fake0",
				     .device_id = 4,
				     .host_features = fz_u64(&in),
				     .config_len = cfg_len,
				     .nqueues = 2,
				     .vqs = f->vqs};
	h.opaque = &f->drv;
	if (virtio_mmio_init(&f->m, &f->dev, &h) == 0) {
		vdrv_init(&f->drv, gm, &f->m, NULL, NULL);
		vdrv_run(&f->drv, &in);
		virtio_mmio_destroy(&f->m);
	}
	free(f);
	return 0;
}
