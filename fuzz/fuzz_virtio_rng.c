/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: virtio-rng (devices/virtio/rng.c) behind the virtio-mmio
 * transport, driven by a vdrv program (vdrv.h). The entropy source is
 * deterministic (a counter pattern), so runs repeat exactly, and it fails
 * on the fills the input asks for.
 *
 * Input: u8 fail_every (0: never; n: every n-th fill fails, n & 0x80: the
 * failing fill returns a short count instead of -EIO), then the program.
 * VD_DEV: u8 n: set fail_every to n from here on.
 *
 * Checks: fill is asked for 1 .. 64 KiB; every byte given to the guest
 * came from a fill; requests only grow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/rng.h"
#include "fuzz/fuzz.h"
#include "fuzz/vdrv.h"

struct rng_fx {
	struct virtio_rng rng;
	struct virtio_mmio m;
	struct vdrv drv;
	uint8_t fail_every;
	uint64_t fills, filled;
};

static ssize_t fill(void *opaque, void *buf, size_t len)
{
	struct rng_fx *f = opaque;
	unsigned every = f->fail_every & 0x7f;
	uint8_t *p = buf;

	FUZZ_CHECK(len >= 1 && len <= VIRTIO_RNG_MAX_PER_REQ);
	f->fills++;
	if (every && f->fills % every == 0)
		return (f->fail_every & 0x80) ? (ssize_t)len - 1 : -EIO;
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(f->filled + i);
	f->filled += len;
	return (ssize_t)len;
}

static void rng_dev_op(struct vdrv *d, struct fz *in)
{
	((struct rng_fx *)d->opaque)->fail_every = fz_u8(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	const struct guest_mem *gm = fuzz_mem(VDRV_RAM, 0);
	struct rng_fx *f = calloc(1, sizeof(*f));
	struct virtio_rng_host rh = {.fill = fill};
	struct virtio_mmio_host h = {.raise_irq = vdrv_raise_irq};

	if (!f)
		abort();
	f->fail_every = fz_u8(&in);
	rh.opaque = f;
	h.opaque = &f->drv;
	FUZZ_CHECK(virtio_rng_init(&f->rng, gm, &rh) == 0);
	if (virtio_mmio_init(&f->m, &f->rng.dev, &h) == 0) {
		vdrv_init(&f->drv, gm, &f->m, rng_dev_op, f);
		vdrv_run(&f->drv, &in);
		FUZZ_CHECK(f->rng.bytes <= f->filled);
		virtio_mmio_destroy(&f->m);
	}
	virtio_rng_destroy(&f->rng);
	free(f);
	return 0;
}
