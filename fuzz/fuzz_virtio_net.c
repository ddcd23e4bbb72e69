/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: virtio-net (devices/virtio/net.c) behind the virtio-mmio
 * transport, driven by a vdrv program (vdrv.h). A fresh SOCK_SEQPACKET
 * socketpair stands in for the tap each run (one message per frame, as a
 * tap): sv[0] is the device's (behind the tap port, vmm/vm/net_tap.h), sv[1]
 * the network's. Transmit chains carry the virtio_net_hdr_v1 and frame as
 * inline bytes.
 *
 * A socket takes no TUNSETOFFLOAD, so this file provides the
 * tap_set_offloads the tap port links against (vmm/vm/tap.c is not linked):
 * it accepts any offloads, as a tap that offered them does.
 *
 * Input: u8 tap offloads (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 bits),
 * 6 bytes of MAC, then the program. VD_DEV: u8 sub, then
 *   sub % 3 == 0: u16 len, len bytes: a frame from the network (padded
 *                 with zeroes when the input ends);
 *   sub % 3 == 1: virtio_net_rx (the I/O thread saw the tap readable);
 *   sub % 3 == 2: the network drains what the guest sent.
 *
 * Checks: want_rx is called only on changes; frame counters only grow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/net.h"
#include "fuzz/fuzz.h"
#include "fuzz/vdrv.h"
#include "vmm/vm/net_tap.h"
#include "vmm/vm/tap.h"

struct net_fx {
	struct virtio_net net;
	struct net_tap tap;
	struct virtio_mmio m;
	struct vdrv drv;
	int sv[2];
	bool want, want_known;
};

int tap_set_offloads(int fd, unsigned tun_flags)
{
	(void)tun_flags;
	return fd >= 0 ? 0 : -EBADF;
}

static void want_rx(void *opaque, bool want)
{
	struct net_fx *f = opaque;

	FUZZ_CHECK(!f->want_known || f->want != want);
	f->want = want;
	f->want_known = true;
}

static void net_dev_op(struct vdrv *d, struct fz *in)
{
	struct net_fx *f = d->opaque;
	uint64_t rx = f->net.rx_frames, tx = f->net.tx_frames;

	switch (fz_u8(in) % 3) {
	case 0: {
		size_t len = fz_u16(in);
		const uint8_t *b;
		size_t n = fz_bytes(in, len, &b);
		uint8_t *frame = calloc(1, len ? len : 1);

		if (!frame)
			abort();
		memcpy(frame, b, n);
		/* A full socket buffer drops the frame, as a tap queue does. */
		(void)send(f->sv[1], frame, len, MSG_DONTWAIT);
		free(frame);
		break;
	}
	case 1:
		virtio_net_rx(&f->net);
		break;
	case 2: {
		uint8_t byte;

		/* One byte of each frame; SOCK_SEQPACKET drops the rest. */
		while (recv(f->sv[1], &byte, 1, MSG_DONTWAIT | MSG_TRUNC) >= 0)
			;
		break;
	}
	}
	FUZZ_CHECK(f->net.rx_frames >= rx && f->net.tx_frames >= tx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	const struct guest_mem *gm = fuzz_mem(VDRV_RAM, 0);
	/* On the stack: a heap block would be fresh pages every call (ASan
	 * quarantines freed memory), and page faults would dominate. */
	struct net_fx fx, *f = &fx;
	struct virtio_net_opts o = {.name = "vnet"};
	unsigned offloads;
	struct virtio_mmio_host h = {.raise_irq = vdrv_raise_irq};
	const uint8_t *mac;

	memset(f, 0, sizeof(*f));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0, f->sv))
		fuzz_fail("socketpair: %d", errno);
	offloads = fz_u8(&in) & (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
	FUZZ_CHECK(net_tap_init(&f->tap, f->sv[0], offloads, want_rx, f) == 0);
	o.port = &f->tap.port;
	memcpy(o.mac, "\x52\x54\x00\x00\x00\x01", 6);
	/* Two statements: the order a call's arguments are evaluated in is
	 * unspecified, and fz_bytes sets mac. */
	size_t nmac = fz_bytes(&in, 6, &mac);
	memcpy(o.mac, mac, nmac);
	h.opaque = &f->drv;
	FUZZ_CHECK(virtio_net_init(&f->net, gm, &o) == 0);
	if (virtio_mmio_init(&f->m, &f->net.dev, &h) == 0) {
		vdrv_init(&f->drv, gm, &f->m, net_dev_op, f);
		vdrv_run(&f->drv, &in);
		virtio_mmio_destroy(&f->m);
	}
	virtio_net_destroy(&f->net);
	close(f->sv[0]);
	close(f->sv[1]);
	return 0;
}
