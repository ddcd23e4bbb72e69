/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the saved state of virtio-rng and virtio-console
 * (virtio_rng_save/restore, virtio_console_save/restore), each behind a
 * real virtio-mmio transport driven through its registers.
 *
 * A round trip: device A is driven into a state, its guest RAM is copied
 * into B's (a fresh device on its own RAM, host resources of its own) and
 * A's state saved and restored into B; then both get the same further
 * requests and must behave alike: register reads, used rings and guest
 * RAM, interrupts, what goes to the host. Bad blobs (truncated, another
 * tag or version, a device of another type, bytes left over) are refused
 * with -EINVAL and leave B unchanged.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/console.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/rng.h"
#include "tests/support/mmio_driver.h"
#include "tests/support/vq_builder.h"
#include "vmm/base/state.h"

#define RAM	 0x40000ull
#define RING(q)	 (0x1000ull + 0x3000ull * (q))
#define DATA	 0x10000ull
#define QSIZE	 8
#define BLOB_MAX 512
#define TX_MAX	 4096
#define S_UP                                                                   \
	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |                \
	 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

enum kind { RNG, CON };

/* One device with its RAM, transport, driver rings and host side. */
struct side {
	enum kind kind;
	struct guest_mem gm;
	struct virtio_rng rng;
	struct virtio_console con;
	struct virtio_mmio m;
	struct vqb b[2];
	unsigned nq, irqs;
	uint8_t next; /* the rng source's next byte */
	uint8_t tx[TX_MAX];
	size_t txlen;
};

static void count_irq(void *opaque)
{
	((struct side *)opaque)->irqs++;
}

static ssize_t fill(void *opaque, void *buf, size_t len)
{
	struct side *s = opaque;

	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = s->next++;
	return (ssize_t)len;
}

static void tx(void *opaque, const uint8_t *buf, size_t len)
{
	struct side *s = opaque;

	assert_true(s->txlen + len <= TX_MAX);
	memcpy(s->tx + s->txlen, buf, len);
	s->txlen += len;
}

static struct side *side_new(enum kind k)
{
	struct side *s = test_calloc(1, sizeof(*s));
	struct virtio_mmio_host mh = {.raise_irq = count_irq, .opaque = s};
	struct virtio_rng_host rh = {.fill = fill, .opaque = s};
	struct virtio_console_host ch = {.tx = tx, .opaque = s};
	struct virtio_dev *d;

	assert_non_null(s);
	s->kind = k;
	gm_init(&s->gm);
	assert_int_equal(gm_add_ram(&s->gm, 0, RAM, 0), 0);
	if (k == RNG) {
		assert_int_equal(virtio_rng_init(&s->rng, &s->gm, &rh), 0);
		d = &s->rng.dev;
	} else {
		assert_int_equal(virtio_console_init(&s->con, &s->gm, &ch), 0);
		d = &s->con.dev;
	}
	s->nq = d->nqueues;
	assert_int_equal(virtio_mmio_init(&s->m, d, &mh), 0);
	return s;
}

static void side_free(struct side *s)
{
	virtio_mmio_destroy(&s->m);
	if (s->kind == RNG)
		virtio_rng_destroy(&s->rng);
	else
		virtio_console_destroy(&s->con);
	gm_destroy(&s->gm);
	test_free(s);
}

static void wr(struct side *s, uint64_t off, uint32_t v)
{
	virtio_mmio_ops.write(&s->m, off, 4, v);
}

static uint32_t rd(struct side *s, uint64_t off)
{
	return (uint32_t)virtio_mmio_ops.read(&s->m, off, 4);
}

static uint64_t ring_at(unsigned q)
{
	return RING(q);
}

/* The device up, every queue at RING(q). */
static void bring_up(struct side *s, bool event_idx)
{
	assert_int_equal(mmio_driver_up(&s->m, s->b, s->nq, &s->gm, QSIZE,
					ring_at, event_idx),
			 0);
}

/* n chains of one buffer on queue q; tx chains carry bytes from `seed`. */
static void add(struct side *s, unsigned q, unsigned n, uint32_t len,
		bool write, uint8_t seed)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t gpa =
		    DATA + 0x4000 * q + 0x200 * (s->b[q].avail_idx % QSIZE);
		struct vqb_seg seg = {.gpa = gpa, .len = len, .write = write};
		uint8_t buf[256];

		for (unsigned j = 0; j < sizeof(buf); j++)
			buf[j] = (uint8_t)(seed + i + j);
		assert_true(len <= sizeof(buf));
		assert_int_equal(gm_write(&s->gm, gpa, buf, len), 0);
		assert_true(vqb_add_chain(&s->b[q], &seg, 1) >= 0);
	}
}

static size_t save(struct side *s, uint8_t *buf)
{
	struct st_writer w;
	long n;

	st_writer_init(&w, buf, BLOB_MAX);
	if (s->kind == RNG)
		virtio_rng_save(&s->rng, &w);
	else
		virtio_console_save(&s->con, &w);
	n = st_writer_end(&w);
	assert_true(n > 0);
	return (size_t)n;
}

static int restore(struct side *s, const uint8_t *buf, size_t len)
{
	struct st_reader r;
	int e;

	st_reader_init(&r, buf, len);
	if (s->kind == RNG)
		e = virtio_rng_restore(&s->rng, &r);
	else
		e = virtio_console_restore(&s->con, &r);
	return e ? e : st_reader_end(&r);
}

/* B becomes a copy of A: RAM, driver rings, device state. The host
 * sides are B's own; the rng source continues where A's is. */
static void clone_side(struct side *a, struct side *b)
{
	uint8_t blob[BLOB_MAX];
	size_t n = save(a, blob);

	memcpy(gm_ptr(&b->gm, 0, RAM), gm_ptr(&a->gm, 0, RAM), RAM);
	for (unsigned q = 0; q < a->nq; q++) {
		b->b[q] = a->b[q];
		b->b[q].mem = &b->gm;
	}
	b->next = a->next;
	assert_int_equal(restore(b, blob, n), 0);
	a->irqs = b->irqs = 0;
	a->txlen = b->txlen = 0;
}

static void same(struct side *a, struct side *b)
{
	static const uint64_t regs[] = {
	    VIRTIO_MMIO_STATUS, VIRTIO_MMIO_INTERRUPT_STATUS,
	    VIRTIO_MMIO_CONFIG_GENERATION, VIRTIO_MMIO_DEVICE_ID,
	    VIRTIO_MMIO_QUEUE_READY};

	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		assert_int_equal(rd(a, regs[i]), rd(b, regs[i]));
	assert_memory_equal(gm_ptr(&a->gm, 0, RAM), gm_ptr(&b->gm, 0, RAM),
			    RAM);
	assert_int_equal(a->irqs, b->irqs);
	assert_int_equal(a->txlen, b->txlen);
	assert_memory_equal(a->tx, b->tx, a->txlen);
	for (unsigned q = 0; q < a->nq; q++) {
		uint32_t ia, la, ib, lb;
		int ra, rb;

		do {
			ra = vqb_get_used(&a->b[q], &ia, &la);
			rb = vqb_get_used(&b->b[q], &ib, &lb);
			assert_int_equal(ra, rb);
			assert_true(ra != 1 || (ia == ib && la == lb));
		} while (ra == 1);
	}
}

#define BOTH(stmt)                                                             \
	do {                                                                   \
		struct side *s = a;                                            \
		stmt;                                                          \
		s = b;                                                         \
		stmt;                                                          \
	} while (0)

static void test_rng_round_trip(void **state)
{
	struct side *a = side_new(RNG), *b = side_new(RNG);

	(void)state;
	bring_up(a, true);
	for (unsigned i = 0; i < 3; i++) {
		add(a, 0, 5, 48 + i, true, 0);
		wr(a, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		while (vqb_get_used(&a->b[0], &(uint32_t){0}, &(uint32_t){0}))
			;
	}
	add(a, 0, 3, 32, true, 0); /* available, not yet notified */
	assert_int_equal(vqb_set_used_event(&a->b[0], a->b[0].last_used + 4),
			 0);
	clone_side(a, b);
	assert_int_equal(b->rng.vq[0].last_avail, 15);
	same(a, b);
	for (unsigned i = 0; i < 4; i++) {
		BOTH(wr(s, VIRTIO_MMIO_QUEUE_NOTIFY, 0));
		BOTH(wr(s, VIRTIO_MMIO_INTERRUPT_ACK, 1));
		same(a, b);
		BOTH(add(s, 0, i + 2, 16 * (i + 1), true, 0));
	}
	/* A readable buffer fails both alike. */
	BOTH(add(s, 0, 1, 8, false, 0));
	BOTH(wr(s, VIRTIO_MMIO_QUEUE_NOTIFY, 0));
	same(a, b);
	assert_true(rd(b, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	side_free(a);
	side_free(b);
}

static void test_console_round_trip(void **state)
{
	struct side *a = side_new(CON), *b = side_new(CON);
	static const uint8_t in[] = "input from the host, in pieces";
	size_t took;

	(void)state;
	bring_up(a, false);
	add(a, VIRTIO_CONSOLE_TXQ, 3, 40, false, 'a');
	wr(a, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_CONSOLE_TXQ);
	assert_int_equal(a->txlen, 120);
	add(a, VIRTIO_CONSOLE_RXQ, 5, 8, true, 0);
	virtio_mmio_lock(&a->m);
	took = virtio_console_rx_push(&a->con, in, 10);
	virtio_mmio_unlock(&a->m);
	assert_int_equal(took, 10);
	wr(a, VIRTIO_MMIO_QUEUE_SEL, 1);
	clone_side(a, b);
	same(a, b);
	/* Receive into the buffers still posted, then more. */
	BOTH(virtio_mmio_lock(&s->m));
	assert_int_equal(virtio_console_rx_push(&a->con, in, sizeof(in)),
			 virtio_console_rx_push(&b->con, in, sizeof(in)));
	BOTH(virtio_mmio_unlock(&s->m));
	same(a, b);
	BOTH(add(s, VIRTIO_CONSOLE_TXQ, 4, 100, false, 'k'));
	BOTH(wr(s, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_CONSOLE_TXQ));
	assert_int_equal(b->txlen, 400);
	same(a, b);
	BOTH(wr(s, VIRTIO_MMIO_STATUS, 0));
	BOTH(bring_up(s, true));
	same(a, b);
	side_free(a);
	side_free(b);
}

/* A refused blob leaves the device as it was. */
static void expect_refused(struct side *b, const uint8_t *blob, size_t len)
{
	uint8_t before[BLOB_MAX], after[BLOB_MAX];
	size_t n0 = save(b, before), n1;

	assert_int_equal(restore(b, blob, len), -EINVAL);
	n1 = save(b, after);
	assert_int_equal(n0, n1);
	assert_memory_equal(before, after, n0);
}

static void bad_blobs(enum kind k)
{
	struct side *a = side_new(k), *b = side_new(k);
	uint8_t blob[BLOB_MAX], bad[BLOB_MAX];
	size_t n;

	bring_up(a, true);
	add(a, 0, 2, 16, true, 0);
	wr(a, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	n = save(a, blob);
	bring_up(b, false);
	for (size_t len = 0; len < n; len++)
		expect_refused(b, blob, len);
	memcpy(bad, blob, n);
	bad[0] ^= 0x20; /* the device tag */
	expect_refused(b, bad, n);
	memcpy(bad, blob, n);
	bad[ST_TAG_LEN] = 2; /* the device version */
	expect_refused(b, bad, n);
	memcpy(bad, blob, n);
	bad[ST_HDR_LEN] ^= 0x20; /* the transport tag */
	expect_refused(b, bad, n);
	/* A byte left over inside the device section. */
	memcpy(bad, blob, n);
	bad[n] = 0;
	bad[ST_TAG_LEN + 2]++;
	expect_refused(b, bad, n + 1);
	/* The state of the other device type. */
	{
		struct side *o = side_new(k == RNG ? CON : RNG);
		size_t on;

		bring_up(o, true);
		on = save(o, bad);
		memcpy(bad, blob, ST_TAG_LEN); /* even under this one's tag */
		expect_refused(b, bad, on);
		side_free(o);
	}
	/* Without a transport: nothing to save into or restore. */
	side_free(a);
	side_free(b);
}

static void test_rng_bad_blobs(void **state)
{
	(void)state;
	bad_blobs(RNG);
}

static void test_console_bad_blobs(void **state)
{
	(void)state;
	bad_blobs(CON);
}

static void test_no_transport(void **state)
{
	struct virtio_rng r;
	struct guest_mem gm;
	uint8_t buf[64];
	struct st_writer w;
	struct st_reader rd;

	(void)state;
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, RAM, 0), 0);
	assert_int_equal(virtio_rng_init(&r, &gm, NULL), 0);
	st_writer_init(&w, buf, sizeof(buf));
	virtio_rng_save(&r, &w);
	assert_int_equal(st_writer_end(&w), -EINVAL);
	memcpy(buf, "VRNG\1\0\0\0\0\0", ST_HDR_LEN);
	st_reader_init(&rd, buf, ST_HDR_LEN);
	assert_int_equal(virtio_rng_restore(&r, &rd), -EINVAL);
	virtio_rng_destroy(&r);
	gm_destroy(&gm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rng_round_trip),
	    cmocka_unit_test(test_console_round_trip),
	    cmocka_unit_test(test_rng_bad_blobs),
	    cmocka_unit_test(test_console_bad_blobs),
	    cmocka_unit_test(test_no_transport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
