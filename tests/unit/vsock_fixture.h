/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-vsock (devices/virtio/vsock.h) over an in-memory fake stream
 * port (devices/vsock_port.h) that records what the device writes, hands
 * out scripted bytes, and counts every call; the device driven through
 * its virtio-mmio registers by a driver that speaks packets. Shared by
 * the vsock tests and the vsock fuzz harness (static functions).
 */
#ifndef VMM_TESTS_VSOCK_FIXTURE_H
#define VMM_TESTS_VSOCK_FIXTURE_H

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_mmio.h>
#include <linux/virtio_vsock.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/vsock.h"
#include "tests/support/mmio_driver.h"
#include "tests/support/vq_builder.h"

#define VF_CID	  3u
#define VF_QSZ	  16
#define VF_RXBUF  4096u
#define VF_RX_GPA 0x20000ull /* rx buffers: VF_QSZ of VF_RXBUF */
#define VF_TX_GPA 0x10000ull /* one tx packet at a time */
#define VF_IN	  8192	     /* bytes a fake stream hands out */
#define VF_OUT	  (256 * 1024)

struct vf_stream {
	bool open;
	uint8_t in[VF_IN];
	size_t in_len, in_pos;
	bool eof;	      /* recv returns 0 once in is drained */
	int err;	      /* recv and send fail with -err */
	uint8_t *out;	      /* VF_OUT bytes */
	size_t out_len, room; /* send takes at most room more bytes */
	bool want_rx, want_tx, shut;
	uint32_t accepted; /* local port given to accepted, 0 none */
};

struct vf {
	struct vsock_port port;
	struct guest_mem gm;
	struct virtio_vsock v;
	struct virtio_mmio m;
	struct vqb b[3];
	unsigned irqs;
	/* connect: the handle it returns next, or connect_err. */
	int next_h, connect_err;
	uint32_t connect_port;
	unsigned connects, closes, wants;
	struct vf_stream s[VSOCK_PORT_MAX_CONNS];
	uint64_t rx_gpa_of[VF_QSZ]; /* rx chain head -> buffer */
	unsigned rx_next;
};

static inline struct vf *vf_of(struct vsock_port *p)
{
	return (struct vf *)((char *)p - offsetof(struct vf, port));
}

static inline int vf_connect(struct vsock_port *p, uint32_t port)
{
	struct vf *f = vf_of(p);
	f->connects++;
	f->connect_port = port;
	if (f->connect_err)
		return f->connect_err;
	int h = f->next_h++;
	if (h >= 0 && h < VSOCK_PORT_MAX_CONNS)
		f->s[h].open = true;
	return h;
}

static inline void vf_accepted(struct vsock_port *p, int h, uint32_t local)
{
	vf_of(p)->s[h].accepted = local;
}

static inline ssize_t vf_send(struct vsock_port *p, int h,
			      const struct iovec *iov, unsigned n)
{
	struct vf_stream *s = &vf_of(p)->s[h];
	size_t took = 0;
	if (s->err)
		return -s->err;
	if (!s->out)
		s->out = calloc(1, VF_OUT);
	for (unsigned i = 0; i < n && s->room; i++) {
		size_t m = iov[i].iov_len < s->room ? iov[i].iov_len : s->room;
		if (s->out_len + m > VF_OUT)
			m = VF_OUT - s->out_len;
		memcpy(s->out + s->out_len, iov[i].iov_base, m);
		s->out_len += m;
		s->room -= m;
		took += m;
	}
	return took ? (ssize_t)took : -EAGAIN;
}

static inline ssize_t vf_recv(struct vsock_port *p, int h,
			      const struct iovec *iov, unsigned n)
{
	struct vf_stream *s = &vf_of(p)->s[h];
	size_t got = 0;
	if (s->err)
		return -s->err;
	for (unsigned i = 0; i < n && s->in_pos < s->in_len; i++) {
		size_t m = s->in_len - s->in_pos;
		if (m > iov[i].iov_len)
			m = iov[i].iov_len;
		memcpy(iov[i].iov_base, s->in + s->in_pos, m);
		s->in_pos += m;
		got += m;
	}
	if (got)
		return (ssize_t)got;
	return s->eof ? 0 : -EAGAIN;
}

static inline void vf_want(struct vsock_port *p, int h, bool rx, bool tx)
{
	struct vf *f = vf_of(p);
	f->wants++;
	f->s[h].want_rx = rx;
	f->s[h].want_tx = tx;
}

static inline void vf_shutdown(struct vsock_port *p, int h)
{
	vf_of(p)->s[h].shut = true;
}

static inline void vf_close(struct vsock_port *p, int h)
{
	struct vf *f = vf_of(p);
	f->closes++;
	if (h >= 0 && h < VSOCK_PORT_MAX_CONNS) {
		free(f->s[h].out);
		memset(&f->s[h], 0, sizeof(f->s[h]));
	}
}

static const struct vsock_port_ops vf_ops = {.connect = vf_connect,
					     .accepted = vf_accepted,
					     .send = vf_send,
					     .recv = vf_recv,
					     .want = vf_want,
					     .shutdown_send = vf_shutdown,
					     .close = vf_close};

static inline void vf_irq(void *opaque)
{
	((struct vf *)opaque)->irqs++;
}

static inline uint64_t vf_ring(unsigned q)
{
	return 0x1000ull + 0x3000ull * q;
}

/* A device over 1 MiB of RAM, its transport attached (not yet up). */
static inline int vf_init(struct vf *f)
{
	memset(f, 0, sizeof(*f));
	f->port.ops = &vf_ops;
	gm_init(&f->gm);
	if (gm_add_ram(&f->gm, 0, 1 << 20, 0))
		return -1;
	struct virtio_vsock_opts o = {.port = &f->port, .guest_cid = VF_CID};
	struct virtio_mmio_host mh = {.raise_irq = vf_irq, .opaque = f};
	if (virtio_vsock_init(&f->v, &f->gm, &o) ||
	    virtio_mmio_init(&f->m, &f->v.dev, &mh))
		return -1;
	return 0;
}

static inline int vf_up(struct vf *f)
{
	return mmio_driver_up(&f->m, f->b, 3, &f->gm, VF_QSZ, vf_ring, false);
}

static inline void vf_fini(struct vf *f)
{
	virtio_mmio_destroy(&f->m);
	virtio_vsock_destroy(&f->v);
	for (unsigned i = 0; i < VSOCK_PORT_MAX_CONNS; i++)
		free(f->s[i].out);
	gm_destroy(&f->gm);
}

static inline void vf_kick(struct vf *f, unsigned q)
{
	virtio_mmio_ops.write(&f->m, VIRTIO_MMIO_QUEUE_NOTIFY, 4, q);
}

static inline bool vf_needs_reset(struct vf *f)
{
	return virtio_mmio_ops.read(&f->m, VIRTIO_MMIO_STATUS, 4) &
	       VIRTIO_CONFIG_S_NEEDS_RESET;
}

/* Post n rx buffers of `len` bytes (no kick). */
static inline void vf_post_rx(struct vf *f, unsigned n, uint32_t len)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t gpa =
		    VF_RX_GPA + (uint64_t)(f->rx_next++ % VF_QSZ) * VF_RXBUF;
		struct vqb_seg seg = {gpa, len, true};
		int h = vqb_add_chain(&f->b[VIRTIO_VSOCK_RXQ], &seg, 1);
		if (h >= 0 && h < VF_QSZ)
			f->rx_gpa_of[h] = gpa;
	}
}

/* A header from the guest (src = guest CID, dst = host). */
static inline struct virtio_vsock_hdr vf_hdr(uint16_t op, uint32_t gport,
					     uint32_t hport, uint32_t len)
{
	struct virtio_vsock_hdr h = {0};
	h.src_cid = htole64(VF_CID);
	h.dst_cid = htole64(VIRTIO_VSOCK_HOST_CID);
	h.src_port = htole32(gport);
	h.dst_port = htole32(hport);
	h.len = htole32(len);
	h.type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
	h.op = htole16(op);
	h.buf_alloc = htole32(VIRTIO_VSOCK_BUF_ALLOC);
	return h;
}

/* Send h (and `len` payload bytes) as a two-buffer chain; wait for it to
 * come back. 0, or -1 when the device kept it. */
static inline int vf_send_hdr(struct vf *f, const struct virtio_vsock_hdr *h,
			      const void *payload, uint32_t len)
{
	struct vqb *b = &f->b[VIRTIO_VSOCK_TXQ];
	struct vqb_seg seg[2] = {{VF_TX_GPA, VIRTIO_VSOCK_HDR_LEN, false},
				 {VF_TX_GPA + 0x1000, len, false}};
	if (gm_write(&f->gm, VF_TX_GPA, h, sizeof(*h)) ||
	    (len && gm_write(&f->gm, VF_TX_GPA + 0x1000, payload, len)))
		return -1;
	if (vqb_add_chain(b, seg, len ? 2 : 1) < 0)
		return -1;
	vf_kick(f, VIRTIO_VSOCK_TXQ);
	uint32_t id, ulen;
	return vqb_get_used(b, &id, &ulen) == 1 ? 0 : -1;
}

static inline int vf_send_op(struct vf *f, uint16_t op, uint32_t gport,
			     uint32_t hport, const void *payload, uint32_t len)
{
	struct virtio_vsock_hdr h = vf_hdr(op, gport, hport, len);
	return vf_send_hdr(f, &h, payload, len);
}

/* Take the next packet the device returned on rx: 1 with *h and up to
 * cap payload bytes in buf (*len: the packet's), 0 when none. */
static inline int vf_recv_pkt(struct vf *f, struct virtio_vsock_hdr *h,
			      void *buf, uint32_t cap, uint32_t *len)
{
	uint32_t id, ulen;
	if (vqb_get_used(&f->b[VIRTIO_VSOCK_RXQ], &id, &ulen) != 1 ||
	    id >= VF_QSZ || ulen < VIRTIO_VSOCK_HDR_LEN)
		return 0;
	uint64_t gpa = f->rx_gpa_of[id];
	if (gm_read(&f->gm, gpa, h, sizeof(*h)))
		return 0;
	*len = le32toh(h->len);
	if (*len != ulen - VIRTIO_VSOCK_HDR_LEN)
		return 0;
	if (buf && gm_read(&f->gm, gpa + VIRTIO_VSOCK_HDR_LEN, buf,
			   *len < cap ? *len : cap))
		return 0;
	return 1;
}

/* No packet waits on rx. */
static inline int no_pkt_left(struct vf *f)
{
	struct virtio_vsock_hdr h;
	uint32_t len;
	return vf_recv_pkt(f, &h, NULL, 0, &len) == 0 ? 0 : -1;
}

#endif
