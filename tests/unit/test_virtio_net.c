/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for virtio-net (devices/virtio/net.c), driven through the
 * virtio-mmio registers like a driver. A SOCK_SEQPACKET socketpair stands
 * in for the tap (one message per frame, like a tap), so no root is
 * needed: sv[0] is the device's "tap" (behind the tap port, vmm/vm/net_tap.h),
 * sv[1] the network side. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/net.h"
#include "tests/support/test_util.h"
#include "tests/support/vq_builder.h"
#include "vmm/vm/net_tap.h"

#define HDR 12u
#define QSZ 16
#define DATA 0x10000ull /* buffers from here */
#define F(b) (1ull << (b))
#define BASE_F (F(VIRTIO_NET_F_MAC) | F(VIRTIO_NET_F_STATUS))

struct nf {
	struct guest_mem gm;
	struct virtio_net net;
	struct net_tap tap;
	struct virtio_mmio m;
	struct vqb q[2]; /* 0 receiveq, 1 transmitq */
	int sv[2];
	unsigned irqs, want_calls;
	bool want;
};

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static void want_rx(void *opaque, bool want)
{
	((struct nf *)opaque)->want_calls++;
	((struct nf *)opaque)->want = want;
}

static void raise_irq(void *opaque) { ((struct nf *)opaque)->irqs++; }

#define wr(f, off, v) virtio_mmio_ops.write(&(f)->m, off, 4, v)
#define rd(f, off) ((uint32_t)virtio_mmio_ops.read(&(f)->m, off, 4))

static struct nf *nf_new(unsigned tap_offloads)
{
	struct nf *f = test_calloc(1, sizeof(*f));
	struct virtio_net_opts o = {.port = &f->tap.port};
	struct virtio_mmio_host mh = {.raise_irq = raise_irq, .opaque = f};

	assert_non_null(f);
	tu_mem_init(&f->gm, 16);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
				    0, f->sv), 0);
	assert_int_equal(
	    net_tap_init(&f->tap, f->sv[0], tap_offloads, want_rx, f), 0);
	memcpy(o.mac, MAC, 6);
	assert_int_equal(virtio_net_init(&f->net, &f->gm, &o), 0);
	assert_int_equal(virtio_mmio_init(&f->m, &f->net.dev, &mh), 0);
	for (uint64_t q = 0, r = 0x1000; q < 2; q++, r += 0x3000)
		assert_int_equal(vqb_init(&f->q[q], &f->gm, QSZ, r, r + 0x1000,
					  r + 0x2000), 0);
	return f;
}

static int setup(void **state) { return !(*state = nf_new(0)); }

static int teardown(void **state)
{
	struct nf *f = *state;

	virtio_mmio_destroy(&f->m);
	virtio_net_destroy(&f->net);
	close(f->sv[0]);
	close(f->sv[1]);
	gm_destroy(&f->gm);
	test_free(f);
	return 0;
}

/* The driver's bring-up (spec 3.1.1) with VERSION_1 | `features`. */
static void start(struct nf *f, uint64_t features)
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
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), s);
	for (unsigned q = 0; q < 2; q++) {
		wr(f, VIRTIO_MMIO_QUEUE_SEL, q);
		assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
		wr(f, VIRTIO_MMIO_QUEUE_NUM, QSZ);
		wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)f->q[q].desc_gpa);
		wr(f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)f->q[q].avail_gpa);
		wr(f, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)f->q[q].used_gpa);
		wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(f, VIRTIO_MMIO_STATUS, s | VIRTIO_CONFIG_S_DRIVER_OK);
}

static bool needs_reset(struct nf *f)
{
	return rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

static void kick(struct nf *f, unsigned q) { wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, q); }

/* The I/O thread's call when the tap is readable. */
static void tap_readable(struct nf *f)
{
	virtio_mmio_lock(&f->m);
	virtio_net_rx(&f->net);
	virtio_mmio_unlock(&f->m);
}

static uint8_t *gp(struct nf *f, uint64_t gpa, uint32_t len)
{
	uint8_t *p = gm_ptr(&f->gm, gpa, len);

	assert_non_null(p);
	return p;
}

/* A frame: header `h` (NULL: zeroes), then len bytes seed, seed+1, ... */
static size_t frame(uint8_t *buf, const struct virtio_net_hdr_v1 *h,
		    uint32_t len, uint8_t seed)
{
	memset(buf, 0, HDR);
	if (h)
		memcpy(buf, h, HDR);
	for (uint32_t i = 0; i < len; i++)
		buf[HDR + i] = (uint8_t)(seed + i);
	return HDR + len;
}

static int add(struct nf *f, unsigned q, const struct vqb_seg *s, unsigned n)
{
	int head = vqb_add_chain(&f->q[q], s, n);

	assert_true(head >= 0);
	return head;
}

/* The next used element of queue q is {head, len}; head -1: none. */
static void used(struct nf *f, unsigned q, int head, uint32_t len)
{
	uint32_t id, l;

	assert_int_equal(vqb_get_used(&f->q[q], &id, &l), head >= 0);
	if (head >= 0)
		assert_true(id == (uint32_t)head && l == len);
}
#define no_used(f, q) used(f, q, -1, 0)

/* The network side sends a frame / receives one of len bytes (or none:
 * len 0) that matches frame(.., seed) when seed >= 0. */
static void put(struct nf *f, const uint8_t *b, size_t n)
{
	assert_int_equal(send(f->sv[1], b, n, 0), (ssize_t)n);
}

static void get(struct nf *f, size_t len, int seed)
{
	uint8_t got[4096], want[4096];
	ssize_t r = recv(f->sv[1], got, sizeof(got), MSG_DONTWAIT);

	assert_int_equal(r, len ? (ssize_t)len : -1);
	if (seed >= 0) {
		frame(want, NULL, (uint32_t)len - HDR, (uint8_t)seed);
		assert_memory_equal(got, want, len);
	}
}
#define peer_empty(f) get(f, 0, -1)

#define cfg(f, off, size) virtio_mmio_ops.read(&(f)->m, 0x100 + (off), size)

/* Features offered for each set of tap offloads; the config space: mac,
 * status (LINK_UP), max_virtqueue_pairs, read-only. */
static void test_features(void **state)
{
	static const struct {
		unsigned tap;
		uint64_t want;
	} t[] = {
		{0, BASE_F},
		{TUN_F_TSO4 | TUN_F_TSO6, BASE_F}, /* TSO needs CSUM */
		{TUN_F_CSUM,
		 BASE_F | F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_GUEST_CSUM)},
		{TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
		 BASE_F | F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_GUEST_CSUM) |
			 F(VIRTIO_NET_F_HOST_TSO4) | F(VIRTIO_NET_F_GUEST_TSO4) |
			 F(VIRTIO_NET_F_HOST_TSO6) | F(VIRTIO_NET_F_GUEST_TSO6)},
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		void *s = nf_new(t[i].tap);
		struct nf *f = s;

		assert_int_equal(f->net.dev.host_features, t[i].want);
		assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
		assert_int_equal(f->net.dev.config_len, 10);
		assert_int_equal(cfg(f, 0, 4), 0x12005452);
		assert_int_equal(cfg(f, 4, 2), 0x5634);
		assert_int_equal(cfg(f, 5, 1), MAC[5]);
		assert_int_equal(cfg(f, 6, 2), VIRTIO_NET_S_LINK_UP);
		assert_int_equal(cfg(f, 8, 2), 1);
		virtio_mmio_ops.write(&f->m, 0x100, 1, 0xff);
		assert_int_equal(cfg(f, 0, 1), MAC[0]);
		teardown(&s);
	}
}

static void test_tx(void **state)
{
	struct nf *f = *state;
	uint8_t *b = gp(f, DATA, 4096);
	/* One buffer; then header alone + payload in three; then a header
	 * split across buffers. */
	size_t n1 = frame(b, NULL, 100, 1);
	size_t n2 = frame(b + 1024, NULL, 300, 2);
	size_t n3 = frame(b + 2048, NULL, 50, 3);
	struct vqb_seg s1 = {DATA, (uint32_t)n1, false};
	struct vqb_seg s2[] = {{DATA + 1024, HDR, false},
			       {DATA + 1024 + HDR, 100, false},
			       {DATA + 1024 + HDR + 100, 1, false},
			       {DATA + 1024 + HDR + 101, 199, false}};
	struct vqb_seg s3[] = {{DATA + 2048, 5, false},
			       {DATA + 2048 + 5, (uint32_t)n3 - 5, false}};
	int h1, h2, h3;

	start(f, 0);
	assert_true(f->want);
	h1 = add(f, 1, &s1, 1);
	h2 = add(f, 1, s2, 4);
	h3 = add(f, 1, s3, 2);
	kick(f, 1);
	assert_false(needs_reset(f));
	assert_int_equal(f->irqs, 1); /* one interrupt for three */
	used(f, 1, h1, 0);
	used(f, 1, h2, 0);
	used(f, 1, h3, 0);
	get(f, n1, 1);
	get(f, n2, 2);
	get(f, n3, 3);
	assert_true(f->net.tx_frames == 3 &&
		    f->net.tx_bytes == n1 + n2 + n3);
}

/* A transmit chain with a writable buffer, or of 11 bytes (no room for
 * the header): NEEDS_RESET, nothing sent or returned. */
static void test_tx_bad_chain(void **state)
{
	struct vqb_seg s[2][2] = {{{DATA, 64, false}, {DATA + 64, 64, true}},
				  {{DATA, 4, false}, {DATA + 4, 7, false}}};

	for (unsigned i = 0; i < 2; i++) {
		void *st = nf_new(0);
		struct nf *f = st;

		start(f, 0);
		add(f, 1, s[i], 2);
		kick(f, 1);
		assert_true(needs_reset(f));
		no_used(f, 1);
		peer_empty(f);
		teardown(&st);
	}
	(void)state;
}

/* Headers asking for offloads that were not negotiated: dropped,
 * returned, the device keeps going. With EVENT_IDX, avail_event is
 * re-armed after each drain so that every new chain is kicked. */
static void test_tx_bad_header(void **state)
{
	struct nf *f = *state;
	struct virtio_net_hdr_v1 h[3] = {
		{.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM},
		{.gso_type = VIRTIO_NET_HDR_GSO_TCPV4},
		{.flags = VIRTIO_NET_HDR_F_DATA_VALID},
	};
	struct vqb_seg s = {DATA, HDR + 60, false};
	uint16_t ev;

	start(f, F(VIRTIO_RING_F_EVENT_IDX));
	for (unsigned i = 0; i < 3; i++) {
		int head;

		frame(gp(f, DATA, HDR + 60), &h[i], 60, 0);
		head = add(f, 1, &s, 1);
		kick(f, 1);
		used(f, 1, head, 0);
		assert_true(vqb_avail_event(&f->q[1], &ev) == 0 && ev == i + 1);
	}
	assert_false(needs_reset(f));
	assert_true(f->net.tx_dropped == 3 && f->net.tx_frames == 0);
	peer_empty(f);
}

/* A full tap (EAGAIN): the chain is kept, avail_event re-armed, and it is
 * sent on the next kick. */
static void test_tx_full(void **state)
{
	struct nf *f = *state;
	uint8_t b[256] = {0};
	struct vqb_seg s = {DATA, HDR + 100, false};
	unsigned sent = 0;
	uint16_t ev;
	int head;

	while (send(f->sv[0], b, sizeof(b), MSG_DONTWAIT) == sizeof(b))
		sent++;
	assert_int_equal(errno, EAGAIN);
	frame(gp(f, DATA, HDR + 100), NULL, 100, 7);
	start(f, F(VIRTIO_RING_F_EVENT_IDX));
	head = add(f, 1, &s, 1);
	kick(f, 1);
	assert_false(needs_reset(f));
	no_used(f, 1);
	assert_int_equal(f->net.tx_again, 1);
	assert_true(vqb_avail_event(&f->q[1], &ev) == 0 && ev == 1);
	while (sent--)
		get(f, sizeof(b), -1);
	kick(f, 1);
	used(f, 1, head, 0);
	get(f, HDR + 100, 7);
}

/* One single-buffer chain, then a frame spread over three buffers. Before
 * DRIVER_OK the device reads nothing. */
static void test_rx(void **state)
{
	struct nf *f = *state;
	struct vqb_seg s = {DATA, 1526, true};
	struct vqb_seg s3[] = {{DATA + 0x1000, HDR, true},
			       {DATA + 0x2000, 30, true},
			       {DATA + 0x3000, 1500, true}};
	uint8_t b[256];
	size_t n = frame(b, NULL, 60, 5);
	int head;

	put(f, b, n);
	tap_readable(f);
	assert_int_equal(f->want_calls, 0);
	memset(gp(f, DATA, 1526), 0xee, 1526);
	start(f, 0);
	head = add(f, 0, &s, 1);
	tap_readable(f);
	used(f, 0, head, (uint32_t)n);
	b[10] = 1; /* num_buffers: set by the device */
	assert_memory_equal(gp(f, DATA, n), b, n);
	assert_int_equal(f->irqs, 1);
	assert_false(f->want); /* no buffers left */
	n = frame(b, NULL, 200, 1);
	put(f, b, n);
	head = add(f, 0, s3, 3);
	kick(f, 0);
	used(f, 0, head, (uint32_t)n);
	b[10] = 1;
	assert_memory_equal(gp(f, DATA + 0x1000, HDR), b, HDR);
	assert_memory_equal(gp(f, DATA + 0x2000, 30), b + HDR, 30);
	assert_memory_equal(gp(f, DATA + 0x3000, 170), b + HDR + 30, 170);
	assert_true(f->net.rx_frames == 2 && f->net.rx_bytes == 72 + n);
}

/* Two frames, one buffer: one delivered, want_rx(false), the second waits
 * in the tap until the driver posts a buffer and kicks. Then a buffer
 * posted before any frame is kept with want_rx on, until a reset. */
static void test_rx_no_buffers(void **state)
{
	struct nf *f = *state;
	struct vqb_seg s1 = {DATA, 1526, true}, s2 = {DATA + 2048, 1526, true};
	uint8_t b[256];
	size_t n1 = frame(b, NULL, 64, 1), n2;
	int h;

	start(f, 0);
	assert_true(f->want);
	h = add(f, 0, &s1, 1);
	put(f, b, n1);
	n2 = frame(b, NULL, 90, 2);
	put(f, b, n2);
	tap_readable(f);
	used(f, 0, h, (uint32_t)n1);
	assert_false(f->want);
	/* Not wanted: the I/O thread would not call; if it did, nothing. */
	tap_readable(f);
	no_used(f, 0);
	h = add(f, 0, &s2, 1);
	kick(f, 0);
	used(f, 0, h, (uint32_t)n2);
	assert_int_equal(gp(f, DATA + 2048 + HDR, 1)[0], 2);
	assert_false(f->want);
	assert_true(f->net.rx_frames == 2 && f->net.rx_dropped == 0);
	assert_int_equal(f->want_calls, 4); /* on, off, on, off */
	h = add(f, 0, &s1, 1);
	kick(f, 0);
	no_used(f, 0);
	assert_true(f->want && f->net.rx_have);
	put(f, b, n2);
	tap_readable(f);
	used(f, 0, h, (uint32_t)n2);
	add(f, 0, &s1, 1);
	kick(f, 0);
	assert_true(f->want && f->net.rx_have);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	assert_false(f->want || f->net.rx_have);
}

/* Frames the chain cannot hold, and headers for offloads the driver did
 * not take (NEEDS_CSUM), are dropped and the chain reused; DATA_VALID is
 * cleared without GUEST_CSUM. */
static void test_rx_drops(void **state)
{
	struct nf *f = *state;
	struct virtio_net_hdr_v1 csum = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM};
	struct virtio_net_hdr_v1 valid = {.flags = VIRTIO_NET_HDR_F_DATA_VALID};
	struct vqb_seg s = {DATA, 100, true};
	uint8_t b[512];
	int h;

	start(f, 0);
	h = add(f, 0, &s, 1);
	put(f, b, frame(b, NULL, 300, 1));
	put(f, b, frame(b, &csum, 40, 2));
	put(f, b, frame(b, &valid, 88, 4)); /* exactly fills the chain */
	tap_readable(f);
	assert_int_equal(f->net.rx_dropped, 2);
	used(f, 0, h, 100); /* same chain, third frame */
	assert_int_equal(gp(f, DATA, 1)[0], 0);
	assert_int_equal(gp(f, DATA + HDR, 1)[0], 4);
	assert_false(needs_reset(f));
	/* A device-readable buffer in the receiveq: NEEDS_RESET, want_rx
	 * off, the frame stays in the tap. */
	add(f, 0, (struct vqb_seg[]){{DATA, 9, false}, {DATA + 9, 99, true}}, 2);
	put(f, b, 64);
	tap_readable(f);
	assert_true(needs_reset(f));
	assert_false(f->want);
	no_used(f, 0);
	assert_int_equal(recv(f->sv[0], b, sizeof(b), 0), 64);
}

/* TSO without its checksum feature fails activation; the offloads the
 * driver takes go to the tap (a socket refuses TUNSETOFFLOAD). */
static void test_activate(void **state)
{
	/* Host offloads only: nothing to tell the tap, so it works. */
	const uint64_t ok = F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO4);
	const uint64_t t[] = {F(VIRTIO_NET_F_GUEST_TSO4),
			      F(VIRTIO_NET_F_HOST_TSO6), ok,
			      F(VIRTIO_NET_F_GUEST_CSUM) /* ENOTTY */};
	void *s = nf_new(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
	struct nf *f = s;

	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		start(f, t[i]);
		assert_true(needs_reset(f) == (t[i] != ok));
		assert_true(f->want == (t[i] == ok));
		wr(f, VIRTIO_MMIO_STATUS, 0);
	}
	teardown(&s);
	(void)state;
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_features), T(test_tx),
		cmocka_unit_test(test_tx_bad_chain), T(test_tx_bad_header),
		T(test_tx_full), T(test_rx), T(test_rx_no_buffers),
		T(test_rx_drops), cmocka_unit_test(test_activate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
