/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for virtio-console (devices/virtio/console.c).
 *
 * The device runs behind a real virtio-mmio transport (no bus): the test
 * plays the driver through the transport's register writes
 * (virtio_mmio_ops.write with 32-bit accesses: status ACK, DRIVER,
 * features VERSION_1 [+ EVENT_IDX], FEATURES_OK, both queues set up and
 * ready, DRIVER_OK) and kicks with QueueNotify. Host input goes through
 * virtio_console_rx_push under virtio_mmio_lock, as the I/O thread does.
 * Rings are built and read back with tests/support/vq_builder.h;
 * raise_irq, host->tx and host->rx_space record what they get.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/console.h"
#include "devices/virtio/mmio.h"
#include "tests/support/test_util.h"
#include "tests/support/vq_builder.h"

#define RXQ	VIRTIO_CONSOLE_RXQ
#define TXQ	VIRTIO_CONSOLE_TXQ
#define QSIZE	16
#define DATA	0x10000ull
#define OUT_MAX 65536

/* Rings of queue q: desc, avail and used pages from 0x1000 + 0x3000 q. */
#define RING(q, i) (0x1000ull + 0x3000ull * (q) + 0x1000ull * (i))

struct fx {
	struct guest_mem gm;
	struct virtio_console c;
	struct virtio_mmio m;
	struct vqb b[2];
	unsigned irqs, rx_space, tx_calls;
	size_t tx_max; /* largest host->tx call */
	uint8_t out[OUT_MAX];
	size_t nout;
};

static void count_irq(void *opaque)
{
	((struct fx *)opaque)->irqs++;
}

static void host_tx(void *opaque, const uint8_t *buf, size_t len)
{
	struct fx *f = opaque;

	assert_true(len > 0);
	assert_true(f->nout + len <= OUT_MAX);
	memcpy(f->out + f->nout, buf, len);
	f->nout += len;
	f->tx_calls++;
	if (len > f->tx_max)
		f->tx_max = len;
}

static void host_rx_space(void *opaque)
{
	((struct fx *)opaque)->rx_space++;
}

static void wr(struct fx *f, uint64_t off, uint32_t val)
{
	virtio_mmio_ops.write(&f->m, off, 4, val);
}

static uint32_t rd(struct fx *f, uint64_t off)
{
	return (uint32_t)virtio_mmio_ops.read(&f->m, off, 4);
}

#define S_FEAT                                                                 \
	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |                \
	 VIRTIO_CONFIG_S_FEATURES_OK)

static void setup_queue(struct fx *f, unsigned q)
{
	struct vqb *b = &f->b[q];

	assert_int_equal(
	    vqb_init(b, &f->gm, QSIZE, RING(q, 0), RING(q, 1), RING(q, 2)), 0);
	wr(f, VIRTIO_MMIO_QUEUE_SEL, q);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX),
			 VIRTIO_CONSOLE_QUEUE_SIZE);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	/* DESC, AVAIL and USED: LOW/HIGH pairs 0x10 apart. */
	for (unsigned i = 0; i < 3; i++) {
		uint64_t gpa = RING(q, i);

		wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW + 0x10 * i, (uint32_t)gpa);
		wr(f, VIRTIO_MMIO_QUEUE_DESC_HIGH + 0x10 * i, gpa >> 32);
	}
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 1);
}

/* The driver's side of initialisation (spec 3.1.1) up to the queues;
 * DRIVER_OK is set by driver_ok. */
static void driver_init(struct fx *f, bool event_idx)
{
	wr(f, VIRTIO_MMIO_STATUS, 0);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	/* No console feature bits (F_SIZE, F_MULTIPORT, F_EMERG_WRITE). */
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES) & 0xffffff, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES,
	   event_idx ? 1u << VIRTIO_RING_F_EVENT_IDX : 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1u << (VIRTIO_F_VERSION_1 - 32));
	wr(f, VIRTIO_MMIO_STATUS, S_FEAT);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), S_FEAT);
	setup_queue(f, RXQ);
	setup_queue(f, TXQ);
}

static void driver_ok(struct fx *f)
{
	wr(f, VIRTIO_MMIO_STATUS, S_FEAT | VIRTIO_CONFIG_S_DRIVER_OK);
	assert_true(virtio_mmio_active(&f->m));
	f->irqs = 0;
	f->rx_space = 0;
}

static struct fx *fx_new(bool active, bool event_idx)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct virtio_console_host h = {.tx = host_tx,
					.rx_space = host_rx_space};
	struct virtio_mmio_host mh = {.raise_irq = count_irq};

	assert_non_null(f);
	h.opaque = f;
	mh.opaque = f;
	tu_mem_init(&f->gm, 16);
	assert_int_equal(virtio_console_init(&f->c, &f->gm, &h), 0);
	assert_int_equal(virtio_mmio_init(&f->m, &f->c.dev, &mh), 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	driver_init(f, event_idx);
	if (active)
		driver_ok(f);
	return f;
}

#define SETUP(name, active, event_idx)                                         \
	static int name(void **state)                                          \
	{                                                                      \
		*state = fx_new(active, event_idx);                            \
		return 0;                                                      \
	}
SETUP(setup, true, false)
SETUP(setup_event, true, true)
SETUP(setup_inactive, false, false)

static int teardown(void **state)
{
	struct fx *f = *state;

	virtio_mmio_destroy(&f->m);
	virtio_console_destroy(&f->c);
	gm_destroy(&f->gm);
	test_free(f);
	return 0;
}

#define kick(f, q)     wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, q)
#define needs_reset(f) (rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET)

/* Host input, under the transport lock as the I/O thread pushes it. */
static size_t push(struct fx *f, const char *s, size_t len)
{
	size_t n;

	virtio_mmio_lock(&f->m);
	n = virtio_console_rx_push(&f->c, (const uint8_t *)s, len);
	virtio_mmio_unlock(&f->m);
	return n;
}

/* A transmit chain of readable buffers holding the given strings, one
 * buffer each, at DATA + off. */
static int add_tx(struct fx *f, uint64_t off, const char *const *strs,
		  unsigned n)
{
	struct vqb_seg s[4];
	int head;

	assert_true(n <= 4);
	for (unsigned i = 0; i < n; i++) {
		uint32_t len = (uint32_t)strlen(strs[i]);

		assert_int_equal(gm_write(&f->gm, DATA + off, strs[i], len), 0);
		s[i] = (struct vqb_seg){DATA + off, len, false};
		off += 0x100;
	}
	head = vqb_add_chain(&f->b[TXQ], s, n);
	assert_true(head >= 0);
	return head;
}

static int add_rx(struct fx *f, uint64_t gpa, uint32_t len)
{
	struct vqb_seg s = {gpa, len, true};
	int head = vqb_add_chain(&f->b[RXQ], &s, 1);

	assert_true(head >= 0);
	return head;
}

/* The next used element of queue q is {head, want}; head -1: none. */
static void expect_used(struct fx *f, unsigned q, int head, uint32_t want)
{
	uint32_t id, len;

	assert_int_equal(vqb_get_used(&f->b[q], &id, &len), head >= 0);
	if (head < 0)
		return;
	assert_int_equal(id, (uint32_t)head);
	assert_int_equal(len, want);
}

static void expect_mem(struct fx *f, uint64_t gpa, const char *s)
{
	const void *p = gm_ptr(&f->gm, gpa, strlen(s));

	assert_non_null(p);
	assert_memory_equal(p, s, strlen(s));
}

/* Output reaches host->tx in order across buffers and chains. */
static void test_tx_order(void **state)
{
	struct fx *f = *state;
	const char *a[] = {"hel", "lo, "};
	const char *b[] = {"wor", "l", "d\n"};
	int ha = add_tx(f, 0, a, 2);
	int hb = add_tx(f, 0x1000, b, 3);

	kick(f, TXQ);
	assert_int_equal(f->nout, 13);
	assert_memory_equal(f->out, "hello, world\n", 13);
	expect_used(f, TXQ, ha, 0);
	expect_used(f, TXQ, hb, 0);
	expect_used(f, TXQ, -1, 0);
	assert_int_equal(f->irqs, 1);
	assert_int_equal(f->c.tx_bytes, 13);
	assert_int_equal(f->c.tx_chains, 2);
	assert_false(needs_reset(f));
}

/* A big buffer goes out in bounded chunks, bytes in order. */
static void test_tx_chunks(void **state)
{
	struct fx *f = *state;
	const uint32_t len = 3 * VIRTIO_CONSOLE_TX_CHUNK + 123;
	uint8_t *p = gm_ptr(&f->gm, DATA, len);
	struct vqb_seg s = {DATA, len, false};
	int head;

	assert_non_null(p);
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7);
	head = vqb_add_chain(&f->b[TXQ], &s, 1);
	assert_true(head >= 0);
	kick(f, TXQ);
	expect_used(f, TXQ, head, 0);
	assert_int_equal(f->nout, len);
	assert_memory_equal(f->out, p, len);
	assert_int_equal(f->tx_max, VIRTIO_CONSOLE_TX_CHUNK);
	assert_int_equal(f->tx_calls, 4);
}

/* A device-writable buffer on the transmitq is a violation; the chain
 * before it is still sent and returned. */
static void test_tx_writable_fails(void **state)
{
	struct fx *f = *state;
	const char *a[] = {"ok"};
	struct vqb_seg bad[2] = {{DATA + 0x1000, 4, false},
				 {DATA + 0x2000, 4, true}};
	uint64_t errors = f->m.errors;
	int ha = add_tx(f, 0, a, 1);

	assert_int_equal(gm_write(&f->gm, DATA + 0x1000, "nope", 4), 0);
	assert_true(vqb_add_chain(&f->b[TXQ], bad, 2) >= 0);
	kick(f, TXQ);
	assert_true(needs_reset(f));
	assert_int_equal(f->m.errors, errors + 1);
	assert_int_equal(f->nout, 2);
	assert_memory_equal(f->out, "ok", 2);
	expect_used(f, TXQ, ha, 0);
	expect_used(f, TXQ, -1, 0);

	/* Nothing more until the driver resets. */
	kick(f, TXQ);
	assert_int_equal(f->nout, 2);
	assert_int_equal(push(f, "x", 1), 0);
	driver_init(f, false);
	driver_ok(f);
	ha = add_tx(f, 0, a, 1);
	kick(f, TXQ);
	expect_used(f, TXQ, ha, 0);
	assert_int_equal(f->nout, 4);
}

static void test_rx_no_buffers(void **state)
{
	struct fx *f = *state;

	assert_int_equal(push(f, "abc", 3), 0);
	assert_int_equal(push(f, "abc", 0), 0);
	expect_used(f, RXQ, -1, 0);
	assert_int_equal(f->irqs, 0);
	assert_int_equal(f->c.rx_bytes, 0);
	assert_false(needs_reset(f));
}

/* Input fills a chain from its start; a chain may take fewer bytes than
 * its length; several chains are filled by one push, one interrupt. */
static void test_rx_fill(void **state)
{
	struct fx *f = *state;
	struct vqb_seg two[2] = {{DATA + 0x3000, 4, true},
				 {DATA + 0x4000, 8, true}};
	int h0, h1, h2, h3;

	h0 = add_rx(f, DATA, 16);
	assert_int_equal(push(f, "abc", 3), 3);
	expect_used(f, RXQ, h0, 3);
	expect_mem(f, DATA, "abc");
	assert_int_equal(f->irqs, 1);

	/* 40 bytes on offer, 16 + 8 of room: 24 taken, the rest stays. */
	h1 = add_rx(f, DATA + 0x1000, 16);
	h2 = add_rx(f, DATA + 0x2000, 8);
	assert_int_equal(
	    push(f, "0123456789abcdefghijklmnopqrstuvwxyz!?#$", 40), 24);
	expect_used(f, RXQ, h1, 16);
	expect_used(f, RXQ, h2, 8);
	expect_used(f, RXQ, -1, 0);
	expect_mem(f, DATA + 0x1000, "0123456789abcdef");
	expect_mem(f, DATA + 0x2000, "ghijklmn");
	assert_int_equal(f->irqs, 2);
	assert_int_equal(push(f, "opq", 3), 0);

	/* A two-buffer chain, partly filled across its buffers. */
	h3 = vqb_add_chain(&f->b[RXQ], two, 2);
	assert_true(h3 >= 0);
	assert_int_equal(push(f, "opqrstuvw", 9), 9);
	expect_used(f, RXQ, h3, 9);
	expect_mem(f, DATA + 0x3000, "opqr");
	expect_mem(f, DATA + 0x4000, "stuvw");
	assert_int_equal(f->c.rx_bytes, 36);
	assert_int_equal(f->c.rx_chains, 4);
	assert_false(needs_reset(f));
}

/* A device-readable buffer on the receiveq is a violation. */
static void test_rx_readable_fails(void **state)
{
	struct fx *f = *state;
	struct vqb_seg ro = {DATA, 8, false};

	assert_true(vqb_add_chain(&f->b[RXQ], &ro, 1) >= 0);
	assert_int_equal(push(f, "abc", 3), 0);
	assert_true(needs_reset(f));
	expect_used(f, RXQ, -1, 0);
}

/* Posting receive buffers (an RX kick) and activation call rx_space. */
static void test_rx_space(void **state)
{
	struct fx *f = *state;

	assert_int_equal(push(f, "a", 1), 0);
	add_rx(f, DATA, 4);
	kick(f, RXQ);
	assert_int_equal(f->rx_space, 1);
	/* The kick itself takes no input and returns nothing. */
	expect_used(f, RXQ, -1, 0);
	assert_int_equal(push(f, "a", 1), 1);

	driver_init(f, false);
	wr(f, VIRTIO_MMIO_STATUS, S_FEAT | VIRTIO_CONFIG_S_DRIVER_OK);
	assert_int_equal(f->rx_space, 2);
	assert_int_equal(f->c.rx_space_calls, 3); /* setup's activate too */
}

/* Before DRIVER_OK, after NEEDS_RESET or after reset nothing is taken. */
static void test_not_active(void **state)
{
	struct fx *f = *state;

	add_rx(f, DATA, 16);
	assert_int_equal(push(f, "abc", 3), 0);
	kick(f, TXQ); /* ignored by the transport */
	driver_ok(f);
	assert_int_equal(push(f, "abc", 3), 3);

	add_rx(f, DATA, 16);
	virtio_mmio_lock(&f->m);
	virtio_mmio_fail(&f->m, -EIO, "test");
	virtio_mmio_unlock(&f->m);
	assert_int_equal(push(f, "abc", 3), 0);

	wr(f, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(push(f, "abc", 3), 0);
	assert_int_equal(f->c.rx_bytes, 3);
}

/* With EVENT_IDX, running dry asks for the next kick (avail_event). */
static void test_event_idx(void **state)
{
	struct fx *f = *state;
	const char *a[] = {"x"};
	uint16_t ev;
	int h;

	for (int i = 0; i < 3; i++) {
		h = add_tx(f, 0, a, 1);
		kick(f, TXQ);
		expect_used(f, TXQ, h, 0);
		assert_int_equal(vqb_avail_event(&f->b[TXQ], &ev), 0);
		assert_int_equal(ev, i + 1);
	}
	h = add_rx(f, DATA, 2);
	assert_int_equal(push(f, "abc", 3), 2);
	expect_used(f, RXQ, h, 2);
	assert_int_equal(push(f, "c", 1), 0);
	assert_int_equal(vqb_avail_event(&f->b[RXQ], &ev), 0);
	assert_int_equal(ev, 1);
}

static void test_init_args(void **state)
{
	struct guest_mem gm;
	struct virtio_console c;
	struct virtio_console_host h = {.tx = NULL};

	(void)state;
	gm_init(&gm);
	assert_int_equal(virtio_console_init(&c, &gm, NULL), -EINVAL);
	assert_int_equal(virtio_console_init(&c, &gm, &h), -EINVAL);
	h.tx = host_tx;
	assert_int_equal(virtio_console_init(&c, NULL, &h), -EINVAL);
	assert_int_equal(virtio_console_init(&c, &gm, &h), 0);
	assert_int_equal(c.dev.device_id, VIRTIO_ID_CONSOLE);
	assert_int_equal(c.dev.host_features, 0);
	assert_int_equal(c.dev.nqueues, 2);
	/* Config: a read-only, zeroed struct virtio_console_config. */
	assert_int_equal(c.dev.config_len,
			 sizeof(struct virtio_console_config));
	assert_null(c.dev.ops->config_write);
	for (unsigned off = 0; off < c.dev.config_len; off += 2)
		assert_int_equal(c.dev.ops->config_read(&c.dev, off, 2), 0);
	assert_int_equal(c.dev.ops->config_read(&c.dev, 4, 8), 0);
	/* No transport: takes nothing. */
	assert_int_equal(virtio_console_rx_push(&c, (const uint8_t *)"a", 1),
			 0);
	virtio_console_destroy(&c);
}

#define T(fn, su) cmocka_unit_test_setup_teardown(fn, su, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_args),
	    T(test_tx_order, setup),
	    T(test_tx_chunks, setup),
	    T(test_tx_writable_fails, setup),
	    T(test_rx_no_buffers, setup),
	    T(test_rx_fill, setup),
	    T(test_rx_readable_fails, setup),
	    T(test_rx_space, setup),
	    T(test_not_active, setup_inactive),
	    T(test_event_idx, setup_event),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
