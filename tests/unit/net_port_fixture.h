/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-net over an in-memory fake frame port (devices/net_port.h) that
 * records what the device sends, hands it scripted frames and results,
 * and counts every call; the device driven through its virtio-mmio
 * registers. Shared by test_virtio_net_port.c and test_virtio_net_state.c
 * (static functions: each test file uses what it needs).
 */
#ifndef VMM_TESTS_NET_PORT_FIXTURE_H
#define VMM_TESTS_NET_PORT_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/if_tun.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>

#include "devices/net_port.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/net.h"
#include "tests/support/test_util.h"
#include "tests/support/vq_builder.h"

#define HDR  12u
#define QSZ  16
#define DATA 0x10000ull
#define FMAX 256 /* fake frames are at most this long */
#define NF   4
#define F(b) (1ull << (b))

struct fake {
	struct net_port port;
	/* recv: frames handed out in order; rx_err, when set, is returned
	 * (once) before them. */
	uint8_t rx[NF][FMAX];
	size_t rx_len[NF];
	unsigned nrx, rx_pos, recv_calls;
	ssize_t rx_err;
	bool rx_eof; /* return 0 once (after rx_err) */
	/* send: what the device sent; tx_err, while set, is returned. */
	uint8_t tx[NF][FMAX];
	size_t tx_len[NF];
	unsigned ntx, send_calls;
	ssize_t tx_err;
	bool want;
	unsigned want_calls;
	unsigned offl, set_calls;
	int set_ret;
};

struct pf {
	struct guest_mem gm;
	struct fake port;
	struct virtio_net net;
	struct virtio_mmio m;
	struct vqb q[2];
	unsigned irqs;
};

static inline struct fake *fake_of(struct net_port *p)
{
	return (struct fake *)((char *)p - offsetof(struct fake, port));
}

static inline ssize_t fake_send(struct net_port *p, const struct iovec *iov,
				unsigned n)
{
	struct fake *k = fake_of(p);
	size_t len = 0;

	k->send_calls++;
	if (k->tx_err)
		return k->tx_err;
	assert_true(k->ntx < NF);
	for (unsigned i = 0; i < n; i++) {
		assert_true(len + iov[i].iov_len <= FMAX);
		memcpy(k->tx[k->ntx] + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	k->tx_len[k->ntx++] = len;
	return (ssize_t)len;
}

static inline ssize_t fake_recv(struct net_port *p, const struct iovec *iov,
				unsigned n)
{
	struct fake *k = fake_of(p);
	size_t off = 0, len;
	ssize_t e = k->rx_err;

	k->recv_calls++;
	if (e) {
		k->rx_err = 0;
		return e;
	}
	if (k->rx_eof) {
		k->rx_eof = false;
		return 0;
	}
	if (k->rx_pos == k->nrx)
		return -EAGAIN;
	len = k->rx_len[k->rx_pos];
	for (unsigned i = 0; i < n && off < len; i++) {
		size_t m =
		    len - off < iov[i].iov_len ? len - off : iov[i].iov_len;

		memcpy(iov[i].iov_base, k->rx[k->rx_pos] + off, m);
		off += m;
	}
	k->rx_pos++;
	return (ssize_t)off;
}

static inline void fake_want_rx(struct net_port *p, bool want)
{
	struct fake *k = fake_of(p);

	k->want_calls++;
	k->want = want;
}

static inline int fake_set_offloads(struct net_port *p, unsigned tun_flags)
{
	struct fake *k = fake_of(p);

	k->set_calls++;
	if (!k->set_ret)
		k->offl = tun_flags;
	return k->set_ret;
}

static const struct net_port_ops fake_ops = {
    .send = fake_send,
    .recv = fake_recv,
    .want_rx = fake_want_rx,
    .set_offloads = fake_set_offloads,
};

static inline void raise_irq(void *opaque)
{
	((struct pf *)opaque)->irqs++;
}

#define wr(f, off, v) virtio_mmio_ops.write(&(f)->m, off, 4, v)
#define rd(f, off)    ((uint32_t)virtio_mmio_ops.read(&(f)->m, off, 4))

static inline struct pf *pf_new(unsigned offloads)
{
	struct pf *f = test_calloc(1, sizeof(*f));
	struct virtio_net_opts o = {.port = &f->port.port};
	struct virtio_mmio_host mh = {.raise_irq = raise_irq, .opaque = f};

	assert_non_null(f);
	tu_mem_init(&f->gm, 16);
	f->port.port.ops = &fake_ops;
	f->port.port.offloads = offloads;
	assert_int_equal(virtio_net_init(&f->net, &f->gm, &o), 0);
	assert_int_equal(virtio_mmio_init(&f->m, &f->net.dev, &mh), 0);
	for (uint64_t q = 0, r = 0x1000; q < 2; q++, r += 0x3000)
		assert_int_equal(
		    vqb_init(&f->q[q], &f->gm, QSZ, r, r + 0x1000, r + 0x2000),
		    0);
	return f;
}

static inline int setup(void **state)
{
	return !(*state = pf_new(0));
}

static inline int teardown(void **state)
{
	struct pf *f = *state;

	virtio_mmio_destroy(&f->m);
	virtio_net_destroy(&f->net);
	gm_destroy(&f->gm);
	test_free(f);
	return 0;
}

/* The driver's bring-up with VERSION_1 | features; the status it ends
 * with (NEEDS_RESET when the device refused). */
static inline uint32_t start(struct pf *f, uint64_t features)
{
	uint32_t s = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

	features |= F(VIRTIO_F_VERSION_1);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS, s);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	s |= VIRTIO_CONFIG_S_FEATURES_OK;
	wr(f, VIRTIO_MMIO_STATUS, s);
	for (unsigned q = 0; q < 2; q++) {
		wr(f, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(f, VIRTIO_MMIO_QUEUE_NUM, QSZ);
		wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)f->q[q].desc_gpa);
		wr(f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)f->q[q].avail_gpa);
		wr(f, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)f->q[q].used_gpa);
		wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(f, VIRTIO_MMIO_STATUS, s | VIRTIO_CONFIG_S_DRIVER_OK);
	return rd(f, VIRTIO_MMIO_STATUS);
}

static inline bool needs_reset(struct pf *f)
{
	return rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

static inline void kick(struct pf *f, unsigned q)
{
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* What the port's owner does when the port has frames. */
static inline void port_readable(struct pf *f)
{
	virtio_mmio_lock(&f->m);
	virtio_net_rx(&f->net);
	virtio_mmio_unlock(&f->m);
}

static inline uint8_t *gp(struct pf *f, uint64_t gpa, uint32_t len)
{
	uint8_t *p = gm_ptr(&f->gm, gpa, len);

	assert_non_null(p);
	return p;
}

/* A frame: a zero header, then len bytes seed, seed+1, ... */
static inline size_t frame(uint8_t *buf, uint32_t len, uint8_t seed)
{
	memset(buf, 0, HDR);
	for (uint32_t i = 0; i < len; i++)
		buf[HDR + i] = (uint8_t)(seed + i);
	return HDR + len;
}

static inline int add(struct pf *f, unsigned q, uint64_t gpa, uint32_t len,
		      bool writable)
{
	struct vqb_seg s = {gpa, len, writable};
	int head = vqb_add_chain(&f->q[q], &s, 1);

	assert_true(head >= 0);
	return head;
}

/* The next used element of queue q is {head, len}; head -1: none. */
static inline void used(struct pf *f, unsigned q, int head, uint32_t len)
{
	uint32_t id, l;

	assert_int_equal(vqb_get_used(&f->q[q], &id, &l), head >= 0);
	if (head >= 0) {
		assert_int_equal(id, (uint32_t)head);
		assert_int_equal(l, len);
	}
}

/* Queue a frame in the fake port; returns its length. */
static inline size_t fake_put(struct pf *f, uint32_t len, uint8_t seed)
{
	struct fake *k = &f->port;

	assert_true(k->nrx < NF);
	k->rx_len[k->nrx] = frame(k->rx[k->nrx], len, seed);
	return k->rx_len[k->nrx++];
}

#endif
