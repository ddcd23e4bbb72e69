/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for virtio-rng (devices/virtio/rng.c).
 *
 * The device runs behind a real virtio-mmio transport (no bus): the test
 * plays the driver through the transport's register writes
 * (virtio_mmio_ops.write with 32-bit accesses: status ACK, DRIVER,
 * features VERSION_1 [+ EVENT_IDX], FEATURES_OK, queue 0 set up and
 * ready, DRIVER_OK) and kicks with QueueNotify, so every op runs the way a
 * guest triggers it. The rings are laid out and read back with the
 * driver-side builder (tests/support/vq_builder.h); raise_irq counts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/rng.h"
#include "tests/support/test_util.h"
#include "tests/support/vq_builder.h"

#define DESC  0x1000ull
#define AVAIL 0x2000ull
#define USED  0x3000ull
#define DATA  0x10000ull
#define BIG   0x200000ull /* a 1 MiB buffer */
#define QSIZE 16

struct fx {
	struct guest_mem gm;
	struct virtio_rng r;
	struct virtio_mmio m;
	struct vqb b;
	unsigned irqs;
	uint8_t next;	/* the deterministic source's next byte */
	int fail_next;	/* > 0: fail that many fill calls */
	int short_next; /* > 0: short-fill that many calls */
	unsigned fills;
};

static void count_irq(void *opaque)
{
	((struct fx *)opaque)->irqs++;
}

/* Deterministic source: bytes next, next + 1, ... across calls. */
static ssize_t det_fill(void *opaque, void *buf, size_t len)
{
	struct fx *f = opaque;
	uint8_t *p = buf;

	f->fills++;
	if (f->fail_next > 0) {
		f->fail_next--;
		return -EIO;
	}
	if (f->short_next > 0) {
		f->short_next--;
		return len > 1 ? (ssize_t)len - 1 : 0;
	}
	for (size_t i = 0; i < len; i++)
		p[i] = f->next++;
	return (ssize_t)len;
}

static void wr(struct fx *f, uint64_t off, uint32_t val)
{
	virtio_mmio_ops.write(&f->m, off, 4, val);
}

static uint32_t rd(struct fx *f, uint64_t off)
{
	return (uint32_t)virtio_mmio_ops.read(&f->m, off, 4);
}

/* The driver's side of initialisation (spec 3.1.1) through registers. */
static void driver_init(struct fx *f, bool event_idx)
{
	wr(f, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(vqb_init(&f->b, &f->gm, QSIZE, DESC, AVAIL, USED), 0);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	/* No rng feature bits: only transport ones in the low word. */
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES) & 0xffffff, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES,
	   event_idx ? 1u << VIRTIO_RING_F_EVENT_IDX : 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1u << (VIRTIO_F_VERSION_1 - 32));
	wr(f, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	       VIRTIO_CONFIG_S_FEATURES_OK);
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX),
			 VIRTIO_RNG_QUEUE_SIZE);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)AVAIL);
	wr(f, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(f, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)USED);
	wr(f, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(f, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	       VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	assert_true(virtio_mmio_active(&f->m));
	f->irqs = 0;
}

static struct fx *fx_new(bool deterministic, bool event_idx)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct virtio_rng_host h = {.fill = det_fill};
	struct virtio_mmio_host mh = {.raise_irq = count_irq};

	assert_non_null(f);
	h.opaque = f;
	mh.opaque = f;
	tu_mem_init(&f->gm, 16);
	assert_int_equal(
	    virtio_rng_init(&f->r, &f->gm, deterministic ? &h : NULL), 0);
	assert_int_equal(f->r.dev.device_id, VIRTIO_ID_RNG);
	assert_int_equal(virtio_mmio_init(&f->m, &f->r.dev, &mh), 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
	driver_init(f, event_idx);
	return f;
}

static int setup(void **state)
{
	*state = fx_new(true, false);
	return 0;
}

static int setup_event(void **state)
{
	*state = fx_new(true, true);
	return 0;
}

static int setup_getrandom(void **state)
{
	*state = fx_new(false, false);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	virtio_mmio_destroy(&f->m);
	virtio_rng_destroy(&f->r);
	gm_destroy(&f->gm);
	test_free(f);
	return 0;
}

static void kick(struct fx *f)
{
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static bool needs_reset(struct fx *f)
{
	return rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

static int add(struct fx *f, uint64_t gpa, uint32_t len)
{
	struct vqb_seg s = {gpa, len, true};
	int head = vqb_add_chain(&f->b, &s, 1);

	assert_true(head >= 0);
	return head;
}

static void expect_used(struct fx *f, int head, uint32_t want_len)
{
	uint32_t id, len;

	assert_int_equal(vqb_get_used(&f->b, &id, &len), 1);
	assert_int_equal(id, (uint32_t)head);
	assert_int_equal(len, want_len);
}

static void expect_no_used(struct fx *f)
{
	uint32_t id, len;

	assert_int_equal(vqb_get_used(&f->b, &id, &len), 0);
}

/* [gpa, gpa + len) holds seed, seed + 1, ... */
static void expect_seq(struct fx *f, uint64_t gpa, uint32_t len, uint8_t seed)
{
	const uint8_t *p = gm_ptr(&f->gm, gpa, len);

	assert_non_null(p);
	for (uint32_t i = 0; i < len; i++)
		if (p[i] != (uint8_t)(seed + i))
			fail_msg("byte %u: %u, want %u", i, p[i],
				 (uint8_t)(seed + i));
}

static void expect_zero(struct fx *f, uint64_t gpa, uint32_t len)
{
	const uint8_t *p = gm_ptr(&f->gm, gpa, len);

	assert_non_null(p);
	for (uint32_t i = 0; i < len; i++)
		if (p[i])
			fail_msg("byte %u is %u, want 0", i, p[i]);
}

/* A two-buffer writable chain is filled exactly, in order. */
static void test_fill_exact(void **state)
{
	struct fx *f = *state;
	struct vqb_seg s[2] = {{DATA, 100, true}, {DATA + 0x1000, 50, true}};
	int head = vqb_add_chain(&f->b, s, 2);

	assert_true(head >= 0);
	f->next = 7;
	kick(f);
	expect_used(f, head, 150);
	expect_seq(f, DATA, 100, 7);
	expect_seq(f, DATA + 0x1000, 50, 7 + 100);
	expect_zero(f, DATA + 100, 16);
	assert_int_equal(f->irqs, 1);
	assert_int_equal(f->r.bytes, 150);
	assert_int_equal(f->r.requests, 1);
	assert_false(needs_reset(f));
}

/* A 1 MiB request gets VIRTIO_RNG_MAX_PER_REQ bytes and no more. */
static void test_cap(void **state)
{
	struct fx *f = *state;
	int head = add(f, BIG, 1u << 20);

	kick(f);
	expect_used(f, head, VIRTIO_RNG_MAX_PER_REQ);
	expect_seq(f, BIG, VIRTIO_RNG_MAX_PER_REQ, 0);
	expect_zero(f, BIG + VIRTIO_RNG_MAX_PER_REQ,
		    (1u << 20) - VIRTIO_RNG_MAX_PER_REQ);
	assert_int_equal(f->r.bytes, VIRTIO_RNG_MAX_PER_REQ);
}

/* Every available chain is served by one kick, with one interrupt. */
static void test_several_chains(void **state)
{
	struct fx *f = *state;
	int h[3];

	h[0] = add(f, DATA, 10);
	h[1] = add(f, DATA + 0x100, 20);
	h[2] = add(f, DATA + 0x200, 30);
	kick(f);
	expect_used(f, h[0], 10);
	expect_used(f, h[1], 20);
	expect_used(f, h[2], 30);
	expect_no_used(f);
	expect_seq(f, DATA, 10, 0);
	expect_seq(f, DATA + 0x100, 20, 10);
	expect_seq(f, DATA + 0x200, 30, 30);
	assert_int_equal(f->irqs, 1);
	assert_int_equal(f->r.requests, 3);
	assert_int_equal(f->r.bytes, 60);

	/* A kick with nothing new does nothing. */
	kick(f);
	expect_no_used(f);
	assert_int_equal(f->irqs, 1);
}

/* A device-readable buffer in the requestq is a violation; a driver
 * reset brings the device back. */
static void test_readable_chain_fails(void **state)
{
	struct fx *f = *state;
	struct vqb_seg ro = {DATA, 64, false};
	struct vqb_seg mixed[2] = {{DATA, 16, false}, {DATA + 0x100, 16, true}};
	uint64_t errors = f->m.errors;
	int head;

	assert_true(vqb_add_chain(&f->b, &ro, 1) >= 0);
	kick(f);
	assert_true(needs_reset(f));
	assert_int_equal(f->m.errors, errors + 1);
	assert_int_equal(f->irqs, 1); /* the config-change interrupt */
	expect_no_used(f);
	assert_int_equal(f->fills, 0);
	expect_zero(f, DATA, 64);

	/* Ignored until reset. */
	kick(f);
	assert_int_equal(f->fills, 0);

	driver_init(f, false);
	head = add(f, DATA, 8);
	kick(f);
	expect_used(f, head, 8);
	assert_false(needs_reset(f));

	/* Readable then writable: still a violation. */
	assert_true(vqb_add_chain(&f->b, mixed, 2) >= 0);
	kick(f);
	assert_true(needs_reset(f));
	expect_no_used(f);
}

/* A failing source returns the request empty; the device carries on. */
static void test_fill_error(void **state)
{
	struct fx *f = *state;
	int h0, h1, h2;

	f->fail_next = 1;
	h0 = add(f, DATA, 32);
	kick(f);
	expect_used(f, h0, 0);
	assert_int_equal(f->r.fill_errors, 1);
	assert_int_equal(f->r.bytes, 0);
	assert_int_equal(f->irqs, 1);
	assert_false(needs_reset(f));

	/* A short fill is an error too, not a partial success. */
	f->short_next = 1;
	h1 = add(f, DATA, 32);
	h2 = add(f, DATA + 0x100, 32);
	kick(f);
	expect_used(f, h1, 0);
	expect_used(f, h2, 32);
	expect_seq(f, DATA + 0x100, 32, 0);
	assert_int_equal(f->r.fill_errors, 2);
	assert_int_equal(f->r.requests, 3);
	assert_false(needs_reset(f));
}

/* The default source (getrandom) fills the buffer with varied data. */
static void test_getrandom(void **state)
{
	struct fx *f = *state;
	const uint32_t len = 8192;
	const uint8_t *p;
	bool seen[256] = {false};
	unsigned distinct = 0;
	int head = add(f, DATA, len);

	kick(f);
	expect_used(f, head, len);
	p = gm_ptr(&f->gm, DATA, len);
	assert_non_null(p);
	for (uint32_t i = 0; i < len; i++) {
		if (!seen[p[i]])
			distinct++;
		seen[p[i]] = true;
	}
	/* 8 KiB of random bytes miss one of 256 values ~never. */
	assert_true(distinct > 200);
	assert_int_equal(f->r.fill_errors, 0);
}

/* With EVENT_IDX, the device asks for the next kick (avail_event). */
static void test_event_idx_rearm(void **state)
{
	struct fx *f = *state;
	uint16_t ev;
	int head;

	for (int i = 0; i < 3; i++) {
		head = add(f, DATA, 4);
		kick(f);
		expect_used(f, head, 4);
		assert_int_equal(vqb_avail_event(&f->b, &ev), 0);
		assert_int_equal(ev, i + 1);
	}
}

static void test_init_args(void **state)
{
	struct guest_mem gm;
	struct virtio_rng r;

	(void)state;
	gm_init(&gm);
	assert_int_equal(virtio_rng_init(NULL, &gm, NULL), -EINVAL);
	assert_int_equal(virtio_rng_init(&r, NULL, NULL), -EINVAL);
	assert_int_equal(virtio_rng_init(&r, &gm, NULL), 0);
	assert_int_equal(r.dev.config_len, 0);
	assert_int_equal(r.dev.host_features, 0);
	assert_int_equal(r.dev.nqueues, 1);
	virtio_rng_destroy(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_args),
	    cmocka_unit_test_setup_teardown(test_fill_exact, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_several_chains, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_readable_chain_fails, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_fill_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_getrandom, setup_getrandom,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_event_idx_rearm, setup_event,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
