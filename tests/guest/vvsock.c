/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-vsock: see vvsock.h. */
#include "vvsock.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_vsock.h>

#include "exitcodes.h"
#include "io.h"
#include "serial.h"

#define HDR	    sizeof(struct virtio_vsock_hdr) /* 44 */
#define RX_BUFS	    4
#define RX_LEN	    (HDR + 512)
#define BUF_ALLOC   4096 /* what the guest says it can hold */
#define GUEST_SRC   1024 /* the guest's port for its own connection */
#define HOST_CID    2
#define VVSOCK_WAIT (VIO_WAIT_STEPS * 4)

_Static_assert(sizeof(struct virtio_vsock_hdr) == 44, "virtio_vsock_hdr");

static uint8_t vv_rx[RX_BUFS][RX_LEN] TG_NOCLEAR;
static uint8_t vv_rx_of_head[VQ_SIZE];
static uint8_t vv_tx[HDR + 512];
static uint64_t vv_cid;
static uint32_t vv_fwd; /* payload bytes consumed on the connection */

static void vv_post(struct vio_dev *d, unsigned i)
{
	struct vq_buf b = {(uintptr_t)vv_rx[i], RX_LEN, true};
	uint16_t head = vq_add(&d->q[0], &b, 1);

	vv_rx_of_head[head] = (uint8_t)i;
	vq_kick(d, &d->q[0]);
}

static void vv_send(struct vio_dev *d, uint16_t op, uint32_t flags,
		    uint32_t src, uint32_t dst, const char *data, uint32_t len)
{
	struct virtio_vsock_hdr *h = (struct virtio_vsock_hdr *)vv_tx;
	uint8_t *p = vv_tx + HDR;

	for (unsigned i = 0; i < HDR; i++)
		vv_tx[i] = 0;
	h->src_cid = vv_cid;
	h->dst_cid = HOST_CID;
	h->src_port = src;
	h->dst_port = dst;
	h->len = len;
	h->type = VIRTIO_VSOCK_TYPE_STREAM;
	h->op = op;
	h->flags = flags;
	h->buf_alloc = BUF_ALLOC;
	h->fwd_cnt = vv_fwd;
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)data[i];
	struct vq_buf b = {(uintptr_t)vv_tx, (uint32_t)HDR + len, false};

	vq_xfer(d, &d->q[1], &b, 1, "virtio-vsock transmit");
}

/* The next packet from the device into *h and data (at most 512 bytes);
 * the buffer goes back at once. Fails after VVSOCK_WAIT steps. */
static void vv_recv(struct vio_dev *d, struct virtio_vsock_hdr *h, char *data,
		    const char *what)
{
	uint16_t id;
	uint32_t len;

	if (!vq_poll(d, &d->q[0], VVSOCK_WAIT, &id, &len))
		vio_fail(TG_EXIT_VVSOCK,
			 "virtio-vsock: no packet while "
			 "waiting for %s",
			 what);
	unsigned i = vv_rx_of_head[id];
	const uint8_t *src = vv_rx[i];

	if (len < HDR)
		vio_fail(TG_EXIT_VVSOCK, "virtio-vsock: a %u-byte packet", len);
	uint8_t *dst = (uint8_t *)h;

	for (unsigned k = 0; k < HDR; k++)
		dst[k] = src[k];
	if (h->len != len - HDR || h->src_cid != HOST_CID ||
	    h->dst_cid != vv_cid || h->type != VIRTIO_VSOCK_TYPE_STREAM)
		vio_fail(TG_EXIT_VVSOCK,
			 "virtio-vsock: bad header (len %u "
			 "of %u, cid %lu -> %lu)",
			 h->len, len, (unsigned long)h->src_cid,
			 (unsigned long)h->dst_cid);
	for (uint32_t k = 0; k < h->len; k++)
		data[k] = (char)src[HDR + k];
	vv_fwd += h->len;
	vv_post(d, i);
}

/* Wait for a packet with op `op` (credit updates are skipped). */
static void vv_expect(struct vio_dev *d, uint16_t op,
		      struct virtio_vsock_hdr *h, char *data, const char *what)
{
	for (;;) {
		vv_recv(d, h, data, what);
		if (h->op == op)
			return;
		if (h->op != VIRTIO_VSOCK_OP_CREDIT_UPDATE)
			vio_fail(TG_EXIT_VVSOCK,
				 "virtio-vsock: expected op %u "
				 "(%s), found op %u",
				 op, what, h->op);
	}
}

static bool vv_same(const char *a, const char *b, uint32_t n)
{
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

/* 1: connect to the host, echo check, close. */
static void vv_guest_connect(struct vio_dev *d)
{
	static const char msg[] = "hello host, from the guest\n";
	const uint32_t n = sizeof(msg) - 1;
	struct virtio_vsock_hdr h;
	static char data[512];
	uint32_t got = 0;

	vv_fwd = 0; /* credit counts per connection */
	vv_send(d, VIRTIO_VSOCK_OP_REQUEST, 0, GUEST_SRC, VVSOCK_HOST_PORT,
		NULL, 0);
	vv_expect(d, VIRTIO_VSOCK_OP_RESPONSE, &h, data, "the response");
	vv_send(d, VIRTIO_VSOCK_OP_RW, 0, GUEST_SRC, VVSOCK_HOST_PORT, msg, n);
	static char echo[sizeof(msg)];

	while (got < n) {
		vv_expect(d, VIRTIO_VSOCK_OP_RW, &h, data, "the echo");
		for (uint32_t k = 0; k < h.len && got < n; k++)
			echo[got++] = data[k];
	}
	if (!vv_same(echo, msg, n))
		vio_fail(TG_EXIT_VVSOCK, "virtio-vsock: the echo differs");
	vv_send(d, VIRTIO_VSOCK_OP_SHUTDOWN,
		VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND,
		GUEST_SRC, VVSOCK_HOST_PORT, NULL, 0);
	vv_expect(d, VIRTIO_VSOCK_OP_RST, &h, data, "the reset");
	ser_printf("testguest: virtio-vsock: guest connect ok\n");
}

/* 2: the host connects; echo until it shuts down. */
static void vv_host_connect(struct vio_dev *d)
{
	struct virtio_vsock_hdr h;
	static char data[512];

	vv_expect(d, VIRTIO_VSOCK_OP_REQUEST, &h, data, "the host's request");
	if (h.dst_port != VVSOCK_GUEST_PORT)
		vio_fail(TG_EXIT_VVSOCK,
			 "virtio-vsock: a request for port "
			 "%u",
			 h.dst_port);
	uint32_t hp = h.src_port;

	vv_fwd = 0;

	vv_send(d, VIRTIO_VSOCK_OP_RESPONSE, 0, VVSOCK_GUEST_PORT, hp, NULL, 0);
	for (unsigned n = 0;; n++) {
		vv_recv(d, &h, data, "the host's data");
		if (h.op == VIRTIO_VSOCK_OP_SHUTDOWN)
			break;
		if (h.op == VIRTIO_VSOCK_OP_RW)
			vv_send(d, VIRTIO_VSOCK_OP_RW, 0, VVSOCK_GUEST_PORT, hp,
				data, h.len);
		else if (h.op != VIRTIO_VSOCK_OP_CREDIT_UPDATE)
			vio_fail(TG_EXIT_VVSOCK,
				 "virtio-vsock: op %u on the "
				 "host's connection",
				 h.op);
	}
	vv_send(d, VIRTIO_VSOCK_OP_RST, 0, VVSOCK_GUEST_PORT, hp, NULL, 0);
	ser_printf("testguest: virtio-vsock: host connect ok\n");
}

void vvsock_run(struct vio_dev *d)
{
	vio_begin(d, 0);
	vio_queue(d, 0, 0);
	vio_queue(d, 1, 1);
	vio_queue(d, 2, 2);
	vio_driver_ok(d);
	vv_cid = vio_cfg64(d, 0);
	if (vv_cid < 3 || vv_cid >= 0xffffffffu)
		vio_fail(TG_EXIT_VIRTIO_CONFIG, "virtio-vsock: guest CID %lu",
			 (unsigned long)vv_cid);
	ser_printf("testguest: virtio-vsock: cid %lu\n", (unsigned long)vv_cid);
	for (unsigned i = 0; i < RX_BUFS; i++)
		vv_post(d, i);
	vv_guest_connect(d);
	vv_host_connect(d);
	ser_printf("testguest: virtio-vsock: ok\n");
}
