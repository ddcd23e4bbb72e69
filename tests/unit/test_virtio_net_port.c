/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for virtio-net's seam to its backend: the device driven
 * through the virtio-mmio registers over an in-memory fake frame port
 * (devices/net_port.h) that records what the device sends, hands it
 * scripted frames and results, and counts every call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
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

static struct fake *fake_of(struct net_port *p)
{
	return (struct fake *)((char *)p - offsetof(struct fake, port));
}

static ssize_t fake_send(struct net_port *p, const struct iovec *iov,
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

static ssize_t fake_recv(struct net_port *p, const struct iovec *iov,
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

static void fake_want_rx(struct net_port *p, bool want)
{
	struct fake *k = fake_of(p);

	k->want_calls++;
	k->want = want;
}

static int fake_set_offloads(struct net_port *p, unsigned tun_flags)
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

static void raise_irq(void *opaque)
{
	((struct pf *)opaque)->irqs++;
}

#define wr(f, off, v) virtio_mmio_ops.write(&(f)->m, off, 4, v)
#define rd(f, off)    ((uint32_t)virtio_mmio_ops.read(&(f)->m, off, 4))

static struct pf *pf_new(unsigned offloads)
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

static int setup(void **state)
{
	return !(*state = pf_new(0));
}

static int teardown(void **state)
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
static uint32_t start(struct pf *f, uint64_t features)
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

static bool needs_reset(struct pf *f)
{
	return rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

static void kick(struct pf *f, unsigned q)
{
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* What the port's owner does when the port has frames. */
static void port_readable(struct pf *f)
{
	virtio_mmio_lock(&f->m);
	virtio_net_rx(&f->net);
	virtio_mmio_unlock(&f->m);
}

static uint8_t *gp(struct pf *f, uint64_t gpa, uint32_t len)
{
	uint8_t *p = gm_ptr(&f->gm, gpa, len);

	assert_non_null(p);
	return p;
}

/* A frame: a zero header, then len bytes seed, seed+1, ... */
static size_t frame(uint8_t *buf, uint32_t len, uint8_t seed)
{
	memset(buf, 0, HDR);
	for (uint32_t i = 0; i < len; i++)
		buf[HDR + i] = (uint8_t)(seed + i);
	return HDR + len;
}

static int add(struct pf *f, unsigned q, uint64_t gpa, uint32_t len,
	       bool writable)
{
	struct vqb_seg s = {gpa, len, writable};
	int head = vqb_add_chain(&f->q[q], &s, 1);

	assert_true(head >= 0);
	return head;
}

/* The next used element of queue q is {head, len}; head -1: none. */
static void used(struct pf *f, unsigned q, int head, uint32_t len)
{
	uint32_t id, l;

	assert_int_equal(vqb_get_used(&f->q[q], &id, &l), head >= 0);
	if (head >= 0) {
		assert_int_equal(id, (uint32_t)head);
		assert_int_equal(l, len);
	}
}

/* Queue a frame in the fake port; returns its length. */
static size_t fake_put(struct pf *f, uint32_t len, uint8_t seed)
{
	struct fake *k = &f->port;

	assert_true(k->nrx < NF);
	k->rx_len[k->nrx] = frame(k->rx[k->nrx], len, seed);
	return k->rx_len[k->nrx++];
}

/* A frame each way: the port gets exactly the guest's bytes, the guest
 * exactly the port's (num_buffers set to 1). */
static void test_frames(void **state)
{
	struct pf *f = *state;
	uint8_t want[FMAX];
	size_t n = frame(gp(f, DATA, FMAX), 100, 3);
	int h;

	assert_int_equal(start(f, 0) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	assert_true(f->port.want);
	h = add(f, 1, DATA, (uint32_t)n, false);
	kick(f, 1);
	used(f, 1, h, 0);
	assert_int_equal(f->port.ntx, 1);
	assert_int_equal(f->port.tx_len[0], n);
	frame(want, 100, 3);
	assert_memory_equal(f->port.tx[0], want, n);
	assert_int_equal(f->net.tx_frames, 1);

	n = fake_put(f, 60, 9);
	h = add(f, 0, DATA + 0x1000, 1526, true);
	port_readable(f);
	used(f, 0, h, (uint32_t)n);
	frame(want, 60, 9);
	want[10] = 1; /* num_buffers */
	assert_memory_equal(gp(f, DATA + 0x1000, (uint32_t)n), want, n);
	assert_int_equal(f->net.rx_frames, 1);
	assert_int_equal(f->net.rx_bytes, n);
	assert_false(f->port.want); /* no buffers left */
	assert_int_equal(f->irqs, 2);
}

/* -EAGAIN keeps the chain: nothing returned, counted in tx_again; the
 * next transmitq notification sends that chain first. Another error
 * drops the frame (returned, tx_dropped). */
static void test_tx_again(void **state)
{
	struct pf *f = *state;
	size_t n1 = frame(gp(f, DATA, FMAX), 20, 1);
	size_t n2 = frame(gp(f, DATA + 0x1000, FMAX), 30, 2);
	uint8_t want[FMAX];
	int h1, h2, h3;

	start(f, 0);
	f->port.tx_err = -EAGAIN;
	h1 = add(f, 1, DATA, (uint32_t)n1, false);
	kick(f, 1);
	used(f, 1, -1, 0);
	assert_int_equal(f->net.tx_again, 1);
	assert_int_equal(f->port.send_calls, 1);
	h2 = add(f, 1, DATA + 0x1000, (uint32_t)n2, false);
	kick(f, 1); /* still full: the first chain is tried, no other */
	used(f, 1, -1, 0);
	assert_int_equal(f->port.send_calls, 2);
	assert_int_equal(f->net.tx_again, 2);
	f->port.tx_err = 0;
	kick(f, 1);
	used(f, 1, h1, 0);
	used(f, 1, h2, 0);
	assert_int_equal(f->port.ntx, 2);
	frame(want, 20, 1);
	assert_int_equal(f->port.tx_len[0], n1);
	assert_memory_equal(f->port.tx[0], want, n1);
	assert_int_equal(f->port.tx_len[1], n2);
	assert_int_equal(f->net.tx_frames, 2);
	assert_int_equal(f->net.tx_dropped, 0);

	f->port.tx_err = -EINVAL;
	h3 = add(f, 1, DATA, (uint32_t)n1, false);
	kick(f, 1);
	used(f, 1, h3, 0);
	assert_int_equal(f->net.tx_dropped, 1);
	assert_int_equal(f->net.tx_frames, 2);
	assert_false(needs_reset(f));
}

/* A recv error (then an end of file) is counted in tap_errors and stops
 * receive (want_rx(false)), the chain kept, until the next receiveq
 * notification, which reads again. */
static void test_rx_error(void **state)
{
	struct pf *f = *state;
	size_t n;
	int h;

	start(f, 0);
	n = fake_put(f, 40, 5);
	f->port.rx_err = -EIO;
	h = add(f, 0, DATA, 1526, true);
	port_readable(f);
	used(f, 0, -1, 0);
	assert_int_equal(f->net.tap_errors, 1);
	assert_int_equal(f->port.recv_calls, 1);
	assert_false(f->port.want);
	assert_false(needs_reset(f));
	kick(f, 0); /* the receiveq notification: read again */
	used(f, 0, h, (uint32_t)n);
	assert_int_equal(f->net.rx_frames, 1);
	assert_int_equal(gp(f, DATA + HDR, 1)[0], 5);

	/* recv returns 0: an end of file stops receive too. */
	h = add(f, 0, DATA, 1526, true);
	f->port.rx_eof = true;
	port_readable(f);
	assert_int_equal(f->net.tap_errors, 2);
	assert_false(f->port.want);
	used(f, 0, -1, 0);
	n = fake_put(f, 10, 7);
	kick(f, 0);
	used(f, 0, h, (uint32_t)n);
	assert_int_equal(f->net.rx_frames, 2);
}

/* set_offloads follows the GUEST_* features the driver acks (only on
 * changes); a port that refuses them fails the activation. */
static void test_offloads(void **state)
{
	const unsigned all = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	void *s = pf_new(all);
	struct pf *f = s;

	assert_true(f->net.dev.host_features & F(VIRTIO_NET_F_GUEST_TSO6));
	start(f, F(VIRTIO_NET_F_GUEST_CSUM));
	assert_false(needs_reset(f));
	assert_int_equal(f->port.set_calls, 1);
	assert_int_equal(f->port.offl, TUN_F_CSUM);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	start(f, F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO4));
	assert_int_equal(f->port.set_calls, 2);
	assert_int_equal(f->port.offl, TUN_F_CSUM | TUN_F_TSO4);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	start(f, F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO4));
	assert_int_equal(f->port.set_calls, 2); /* unchanged: no call */
	wr(f, VIRTIO_MMIO_STATUS, 0);
	/* Host offloads only: the port is set back to none. */
	start(f, F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO6));
	assert_false(needs_reset(f));
	assert_int_equal(f->port.set_calls, 3);
	assert_int_equal(f->port.offl, 0);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	f->port.set_ret = -EINVAL;
	start(f, F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO6));
	assert_true(needs_reset(f));
	assert_int_equal(f->port.set_calls, 4);
	assert_false(f->port.want);
	teardown(&s);

	/* A port without offloads: none offered. */
	s = pf_new(0);
	f = s;
	assert_int_equal(
	    f->net.dev.host_features &
		(F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_GUEST_CSUM)),
	    0);
	teardown(&s);
	(void)state;
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_frames),
	    T(test_tx_again),
	    T(test_rx_error),
	    cmocka_unit_test(test_offloads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
