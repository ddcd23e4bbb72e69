/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: virtio-console (devices/virtio/console.c) behind the virtio-mmio
 * transport, driven by a vdrv program (vdrv.h): transmit chains carry
 * guest output as inline bytes, and host input arrives through
 * virtio_console_rx_push.
 *
 * Input: the program. VD_DEV: u8 len, len bytes: host input offered with
 * virtio_console_rx_push.
 *
 * Checks: host->tx gets 1 .. VIRTIO_CONSOLE_TX_CHUNK bytes a call, and the
 * device's byte counters match what the host saw; rx_push takes at most
 * what it is offered.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/console.h"
#include "devices/virtio/mmio.h"
#include "fuzz/fuzz.h"
#include "fuzz/vdrv.h"

struct con_fx {
	struct virtio_console con;
	struct virtio_mmio m;
	struct vdrv drv;
	uint64_t tx_bytes, rx_bytes;
};

static void tx(void *opaque, const uint8_t *buf, size_t len)
{
	struct con_fx *f = opaque;

	FUZZ_CHECK(buf && len >= 1 && len <= VIRTIO_CONSOLE_TX_CHUNK);
	f->tx_bytes += len;
}

static void rx_space(void *opaque)
{
	(void)opaque;
}

static void con_dev_op(struct vdrv *d, struct fz *in)
{
	struct con_fx *f = d->opaque;
	const uint8_t *b;
	size_t len = fz_bytes(in, fz_u8(in), &b);
	size_t took = virtio_console_rx_push(&f->con, b, len);

	FUZZ_CHECK(took <= len);
	f->rx_bytes += took;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	const struct guest_mem *gm = fuzz_mem(VDRV_RAM, 0);
	struct con_fx *f = calloc(1, sizeof(*f));
	struct virtio_console_host ch = {.tx = tx, .rx_space = rx_space};
	struct virtio_mmio_host h = {.raise_irq = vdrv_raise_irq};

	if (!f)
		abort();
	ch.opaque = f;
	h.opaque = &f->drv;
	FUZZ_CHECK(virtio_console_init(&f->con, gm, &ch) == 0);
	if (virtio_mmio_init(&f->m, &f->con.dev, &h) == 0) {
		vdrv_init(&f->drv, gm, &f->m, con_dev_op, f);
		vdrv_run(&f->drv, &in);
		FUZZ_CHECK(f->con.tx_bytes == f->tx_bytes);
		FUZZ_CHECK(f->con.rx_bytes == f->rx_bytes);
		virtio_mmio_destroy(&f->m);
	}
	virtio_console_destroy(&f->con);
	free(f);
	return 0;
}
