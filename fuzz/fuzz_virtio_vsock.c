/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: virtio-vsock (devices/virtio/vsock.c) behind the virtio-mmio
 * transport, driven by a vdrv program (vdrv.h) over an in-memory stream
 * port (fuzz/memstream.h): the packet parser, the connection table, credit
 * and the control ring against a hostile driver and a scripted host.
 * vdrv sets up the rx and tx queues (VDRV_MAX_Q); tx chains carry the
 * packet header and payload as inline bytes.
 *
 * Input: u8 cfg (bit 0: the port refuses guest connections), then the
 * program. VD_DEV: u8 sub % 5, then
 *   0: u8 h, u32 port: the host connects to guest `port` on handle h;
 *   1: u8 h, u8 fl: the port says h is readable (fl & 1) / writable (& 2);
 *   2: u8 h, u8 n, n bytes: the host writes them on h;
 *   3: u8 h, u16 room: h's send budget;
 *   4: u8 h, u8 what: h ends (what & 1), breaks (& 2: EPIPE), connect
 *      refusals toggle (& 4).
 *
 * Checks (besides the port's own, memstream.h): a connection the device
 * holds is open in the port; the control ring and each connection's
 * buffer stay within their bounds; packet counters only grow.
 */
#include <string.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/vsock.h"
#include "fuzz/fuzz.h"
#include "fuzz/memstream.h"
#include "fuzz/vdrv.h"

struct vs_fx {
	struct virtio_vsock v;
	struct memstream port;
	struct virtio_mmio m;
	struct vdrv drv;
};

static void vs_check(const struct vs_fx *f)
{
	FUZZ_CHECK(f->v.ctrl_len <= VIRTIO_VSOCK_CTRL_MAX);
	for (unsigned h = 0; h < VSOCK_PORT_MAX_CONNS; h++) {
		const struct vsock_conn *c = &f->v.conns[h];
		if (c->state == VSOCK_CONN_FREE)
			continue;
		FUZZ_CHECK(f->port.c[h].open);
		FUZZ_CHECK(c->buf_len <= VIRTIO_VSOCK_BUF_ALLOC);
		FUZZ_CHECK(c->buf_len == c->tx_cnt - c->fwd_cnt);
	}
}

static void vs_dev_op(struct vdrv *d, struct fz *in)
{
	struct vs_fx *f = d->opaque;
	uint64_t rx = f->v.rx_packets, tx = f->v.tx_packets;
	unsigned sub = fz_u8(in) % 5;
	int h = fz_u8(in) % VSOCK_PORT_MAX_CONNS;

	switch (sub) {
	case 0: {
		uint32_t port = fz_u32(in);
		if (memstream_host_open(&f->port, h) &&
		    virtio_vsock_host_connect(&f->v, h, port))
			memstream_drop(&f->port, h);
		break;
	}
	case 1: {
		uint8_t fl = fz_u8(in);
		virtio_vsock_ready(&f->v, h, fl & 1, fl & 2);
		break;
	}
	case 2: {
		const uint8_t *b;
		size_t n = fz_bytes(in, fz_u8(in), &b);
		memstream_feed(&f->port, h, b, n);
		break;
	}
	case 3:
		f->port.c[h].room = fz_u16(in);
		break;
	case 4: {
		uint8_t what = fz_u8(in);
		f->port.c[h].eof |= what & 1;
		if (what & 2)
			f->port.c[h].err = 32; /* EPIPE */
		if (what & 4)
			f->port.connect_err = f->port.connect_err ? 0 : -111;
		break;
	}
	}
	FUZZ_CHECK(f->v.rx_packets >= rx && f->v.tx_packets >= tx);
	vs_check(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	const struct guest_mem *gm = fuzz_mem(VDRV_RAM, 0);
	/* On the stack, as the other virtio harnesses (fuzz_virtio_net.c). */
	struct vs_fx fx, *f = &fx;
	struct virtio_mmio_host h = {.raise_irq = vdrv_raise_irq};

	memset(f, 0, sizeof(*f));
	memstream_init(&f->port);
	if (fz_u8(&in) & 1)
		f->port.connect_err = -111; /* ECONNREFUSED */
	struct virtio_vsock_opts o = {
	    .port = &f->port.port, .guest_cid = 3, .name = "vsock"};
	h.opaque = &f->drv;
	FUZZ_CHECK(virtio_vsock_init(&f->v, gm, &o) == 0);
	if (virtio_mmio_init(&f->m, &f->v.dev, &h) == 0) {
		vdrv_init(&f->drv, gm, &f->m, vs_dev_op, f);
		vdrv_run(&f->drv, &in);
		vs_check(f);
		virtio_mmio_destroy(&f->m);
	}
	virtio_vsock_destroy(&f->v);
	for (unsigned k = 0; k < VSOCK_PORT_MAX_CONNS; k++)
		FUZZ_CHECK(!f->port.c[k].open); /* destroy closed them all */
	return 0;
}
