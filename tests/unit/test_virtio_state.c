/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the saved state of a virtqueue (virtqueue_state.c) and
 * of the virtio-mmio transport (mmio_state.c), on the fake two-queue
 * device of virtio_mmio_fixture.h.
 *
 * Round trips: device A is driven into a state through its registers and
 * rings, its guest RAM is copied to device B's (a fresh device on its own
 * RAM) and its state saved and restored into B; then both get the same
 * further requests and must answer alike (register reads, used rings and
 * the rest of guest RAM, interrupts, device ops). Hostile blobs: every
 * truncation, another tag or version, and each field class out of range
 * is refused with -EINVAL and leaves the target as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/virtio_mmio_fixture.h"
#include "vmm/base/state.h"

#define RAM	 0x20000ull
#define BLOB_MAX 512

/* Offsets in a saved blob of the fake (two queues). */
#define HDR	     ST_HDR_LEN
#define M_ID	     (HDR + 0)
#define M_NQ	     (HDR + 4)
#define M_STATUS     (HDR + 8)
#define M_DRV_F	     (HDR + 20)
#define M_ACKED	     (HDR + 28)
#define M_INT	     (HDR + 40)
#define M_QUEUES     (HDR + 48)
#define VQ_LEN	     38
#define Q(q, off)    (M_QUEUES + (q) * (HDR + VQ_LEN) + HDR + (off))
#define Q_MAX(q)     Q(q, 0)
#define Q_SIZE(q)    Q(q, 2)
#define Q_DESC(q)    Q(q, 4)
#define Q_AVAIL(q)   Q(q, 12)
#define Q_USED(q)    Q(q, 20)
#define Q_EVT(q)     Q(q, 28)
#define Q_ENABLED(q) Q(q, 30)
#define Q_LAST(q)    Q(q, 31)
#define Q_UIDX(q)    Q(q, 33)
#define Q_SIG(q)     Q(q, 35)
#define Q_SIGV(q)    Q(q, 37)
#define BLOB_LEN     (M_QUEUES + 2 * (HDR + VQ_LEN))

struct blob {
	uint8_t b[BLOB_MAX];
	size_t len;
};

static void save(struct fake *f, struct blob *o)
{
	struct st_writer w;
	long n;

	st_writer_init(&w, o->b, sizeof(o->b));
	virtio_mmio_save(&f->m, &w);
	n = st_writer_end(&w);
	assert_true(n > 0);
	o->len = (size_t)n;
}

static int restore(struct fake *f, const void *b, size_t len)
{
	struct st_reader r;
	int e;

	st_reader_init(&r, b, len);
	e = virtio_mmio_restore(&f->m, &r);
	if (e)
		return e;
	return st_reader_end(&r);
}

static void put_le(struct blob *o, size_t at, uint64_t v, unsigned n)
{
	assert_true(at + n <= o->len);
	for (unsigned i = 0; i < n; i++)
		o->b[at + i] = (uint8_t)(v >> (8 * i));
}

/* A copy of A's RAM and state in B; B's builder follows A's. */
static void clone_dev(struct fake *a, struct fake *b)
{
	struct blob o;

	memcpy(gm_ptr(&b->gm, 0, RAM), gm_ptr(&a->gm, 0, RAM), RAM);
	b->b = a->b;
	b->b.mem = &b->gm;
	save(a, &o);
	assert_int_equal(o.len, BLOB_LEN);
	assert_int_equal(restore(b, o.b, o.len), 0);
}

static void same_ram(struct fake *a, struct fake *b)
{
	assert_memory_equal(gm_ptr(&a->gm, 0, RAM), gm_ptr(&b->gm, 0, RAM),
			    RAM);
}

/* Every readable register, for each QueueSel and feature selector the
 * driver might pick, then the selectors as they were. */
static void same_regs(struct fake *a, struct fake *b)
{
	static const uint64_t regs[] = {
	    R(MAGIC_VALUE), R(VERSION),		 R(DEVICE_ID),
	    R(STATUS),	    R(INTERRUPT_STATUS), R(CONFIG_GENERATION)};
	uint32_t sel_a = a->m.queue_sel, fsel_a = a->m.dev_features_sel;

	assert_int_equal(sel_a, b->m.queue_sel);
	assert_int_equal(fsel_a, b->m.dev_features_sel);
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		assert_int_equal(rd(a, regs[i]), rd(b, regs[i]));
	assert_int_equal(rd(a, R(DEVICE_FEATURES)), rd(b, R(DEVICE_FEATURES)));
	for (uint32_t q = 0; q < 3; q++) {
		wr(a, R(QUEUE_SEL), q);
		wr(b, R(QUEUE_SEL), q);
		assert_int_equal(rd(a, R(QUEUE_READY)), rd(b, R(QUEUE_READY)));
		assert_int_equal(rd(a, R(QUEUE_NUM_MAX)),
				 rd(b, R(QUEUE_NUM_MAX)));
	}
	wr(a, R(QUEUE_SEL), sel_a);
	wr(b, R(QUEUE_SEL), sel_a);
	for (unsigned i = 0; i < CFG_LEN; i += 4)
		assert_int_equal(rd(a, R(CONFIG) + i), rd(b, R(CONFIG) + i));
}

/* The same driver step on both. */
#define BOTH(stmt)                                                             \
	do {                                                                   \
		struct fake *f = a;                                            \
		stmt;                                                          \
		f = b;                                                         \
		stmt;                                                          \
	} while (0)

static void add_chains(struct fake *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct vqb_seg s = {.gpa = DATA + 0x100 * (f->b.avail_idx % 8),
				    .len = 64,
				    .write = (i & 1) != 0};

		assert_true(vqb_add_chain(&f->b, &s, 1) >= 0);
	}
}

/* Drain the used ring as a driver does; the (id, len) pairs must match. */
static void same_used(struct fake *a, struct fake *b)
{
	uint32_t ia, la, ib, lb;
	int ra, rb;

	do {
		ra = vqb_get_used(&a->b, &ia, &la);
		rb = vqb_get_used(&b->b, &ib, &lb);
		assert_int_equal(ra, rb);
		if (ra == 1) {
			assert_int_equal(ia, ib);
			assert_int_equal(la, lb);
		}
	} while (ra == 1);
}

static struct fake *pair_b(void)
{
	return fake_new(RAM);
}

static int setup2(void **state)
{
	struct fake **p = test_calloc(2, sizeof(*p));

	p[0] = fake_new(RAM);
	p[1] = pair_b();
	*state = p;
	return 0;
}

static int teardown2(void **state)
{
	struct fake **p = *state;

	for (int i = 0; i < 2; i++) {
		void *one = p[i];

		(void)teardown(&one);
	}
	test_free(p);
	return 0;
}

/* A running device with EVENT_IDX, a reset behind it (config generation
 * 1), a wrapped-around position, an interrupt not acknowledged, feature
 * selector 1 and QueueSel on the second queue. */
static void drive_running(struct fake *f)
{
	wr(f, R(STATUS), 0);
	bring_up(f, F_V1 | F_EVT | (1ull << 5));
	for (unsigned round = 0; round < 5; round++) {
		add_chains(f, 3);
		wr(f, R(QUEUE_NOTIFY), 0);
		while (vqb_get_used(&f->b, &(uint32_t){0}, &(uint32_t){0}) == 1)
			;
	}
	add_chains(f, 2);
	assert_int_equal(vqb_set_used_event(&f->b, f->b.last_used + 1), 0);
	wr(f, R(QUEUE_NOTIFY), 0);
	wr(f, R(DEVICE_FEATURES_SEL), 1);
	wr(f, R(QUEUE_SEL), 1);
}

static void test_round_trip_running(void **state)
{
	struct fake **p = *state, *a = p[0], *b = p[1];
	unsigned irq_a, irq_b;

	drive_running(a);
	assert_int_equal(a->vqs[0].used_idx, 17);
	assert_true(rd(a, R(INTERRUPT_STATUS)) & VIRTIO_MMIO_INT_VRING);
	clone_dev(a, b);
	assert_int_equal(b->vqs[0].last_avail, 17);
	assert_true(b->vqs[0].event_idx);
	assert_int_equal(b->activates, 0); /* no op was called */
	same_regs(a, b);
	same_ram(a, b);
	irq_a = a->irqs;
	irq_b = b->irqs;
	for (unsigned round = 0; round < 6; round++) {
		BOTH(add_chains(f, round + 1));
		BOTH(wr(f, R(QUEUE_NOTIFY), 0));
		BOTH(wr(f, R(INTERRUPT_ACK), round & 1 ? 3 : 0));
		same_used(a, b);
		BOTH(assert_int_equal(
		    vqb_set_used_event(&f->b, f->b.last_used + 2), 0));
		same_regs(a, b);
		same_ram(a, b);
		assert_int_equal(a->irqs - irq_a, b->irqs - irq_b);
	}
	assert_int_equal(a->notifies[0] - 6, b->notifies[0]);
	/* A reset and a new bring-up behave alike too. */
	BOTH(wr(f, R(STATUS), 0));
	same_regs(a, b);
	BOTH(bring_up(f, F_V1));
	BOTH(add_chains(f, 4));
	BOTH(wr(f, R(QUEUE_NOTIFY), 0));
	same_used(a, b);
	same_regs(a, b);
	same_ram(a, b);
}

/* Saved between FEATURES_OK and DRIVER_OK: queue 0 ready, queue 1 only
 * programmed (which QueueReady then validates), odd selectors. */
static void test_round_trip_setup(void **state)
{
	struct fake **p = *state, *a = p[0], *b = p[1];

	assert_int_equal(negotiate(a, F_V1 | F_IND), S_ACK | S_DRV | S_FOK);
	assert_int_equal(vqb_init(&a->b, &a->gm, 8, DESC, AVAIL, USED), 0);
	set_queue(a, 0, 8, DESC, AVAIL, USED);
	wr(a, R(QUEUE_SEL), 1);
	wr(a, R(QUEUE_NUM), 4);
	wr(a, R(QUEUE_DESC_LOW), DESC + 0x1000);
	wr(a, R(QUEUE_AVAIL_LOW), AVAIL + 0x1000);
	wr(a, R(QUEUE_USED_LOW), USED + 0x1000);
	wr(a, R(DEVICE_FEATURES_SEL), 7);
	wr(a, R(DRIVER_FEATURES_SEL), 9);
	clone_dev(a, b);
	assert_int_equal(b->vqs[1].size, 4);
	assert_false(b->vqs[1].enabled);
	assert_true(b->vqs[1].indirect);
	same_regs(a, b);
	BOTH(wr(f, R(QUEUE_READY), 1));
	BOTH(wr(f, R(STATUS), S_UP));
	assert_int_equal(b->activates, 1);
	same_regs(a, b);
	assert_true(b->vqs[1].enabled);
	BOTH(add_chains(f, 3));
	BOTH(wr(f, R(QUEUE_NOTIFY), 0));
	same_used(a, b);
	same_ram(a, b);
}

/* NEEDS_RESET survives: notifications stay ignored until reset. */
static void test_round_trip_needs_reset(void **state)
{
	struct fake **p = *state, *a = p[0], *b = p[1];

	bring_up(a, F_V1);
	add_chains(a, 1);
	a->notify_ret = -EINVAL;
	wr(a, R(QUEUE_NOTIFY), 0);
	a->notify_ret = 0;
	assert_true(rd(a, R(STATUS)) & S_NR);
	clone_dev(a, b);
	assert_true(rd(b, R(STATUS)) & S_NR);
	same_regs(a, b);
	BOTH(add_chains(f, 2));
	BOTH(wr(f, R(QUEUE_NOTIFY), 0));
	assert_int_equal(b->notifies[0], 0);
	same_used(a, b);
	BOTH(wr(f, R(STATUS), S_UP | S_NR)); /* refused on both */
	same_regs(a, b);
	BOTH(wr(f, R(STATUS), 0));
	BOTH(bring_up(f, F_V1));
	same_regs(a, b);
}

/* A power-on device saves and restores too (queues at their reset
 * state, size = max). */
static void test_round_trip_power_on(void **state)
{
	struct fake **p = *state, *a = p[0], *b = p[1];

	clone_dev(a, b);
	same_regs(a, b);
	assert_int_equal(b->vqs[0].size, QMAX);
	BOTH(bring_up(f, F_V1));
	same_regs(a, b);
}

/* A refused blob leaves B exactly as it was. */
static void expect_refused(struct fake *b, const struct blob *o)
{
	struct blob before, after;

	save(b, &before);
	assert_int_equal(restore(b, o->b, o->len), -EINVAL);
	save(b, &after);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.b, after.b, before.len);
}

static void test_truncated(void **state)
{
	struct fake **p = *state, *a = p[0], *b = p[1];
	struct blob o;

	drive_running(a);
	save(a, &o);
	bring_up(b, F_V1); /* something to keep */
	for (size_t len = 0; len < o.len; len++) {
		struct blob t = o;

		t.len = len;
		expect_refused(b, &t);
	}
	/* Trailing bytes: the section is fine, the blob is not. */
	o.b[o.len++] = 0;
	assert_int_equal(restore(b, o.b, o.len), -EINVAL);
}

/* One field changed from a good blob of a running device. */
struct poke {
	const char *what;
	size_t at;
	uint64_t val;
	unsigned n;
	size_t at2; /* a second field, when not 0 */
	uint64_t val2;
	unsigned n2;
};

static void test_bad_fields(void **state)
{
	struct fake **p = *state, *a = p[0], *b = p[1];
	static const struct poke pokes[] = {
	    {"tag", 0, 'X', 1, 0, 0, 0},
	    {"version 0", ST_TAG_LEN, 0, 2, 0, 0, 0},
	    {"version 2", ST_TAG_LEN, 2, 2, 0, 0, 0},
	    {"length short", ST_TAG_LEN + 2, BLOB_LEN - HDR - 1, 4, 0, 0, 0},
	    {"length long", ST_TAG_LEN + 2, BLOB_LEN - HDR + 1, 4, 0, 0, 0},
	    {"device id", M_ID, 5, 4, 0, 0, 0},
	    {"queue count", M_NQ, 3, 4, 0, 0, 0},
	    {"queue count huge", M_NQ, 0xffffffff, 4, 0, 0, 0},
	    {"status unknown bit", M_STATUS, S_UP | 0x10, 4, 0, 0, 0},
	    {"status DRIVER_OK without FEATURES_OK", M_STATUS,
	     S_ACK | S_DRV | S_DOK, 4, 0, 0, 0},
	    {"status DRIVER without ACK", M_STATUS, S_DRV, 4, 0, 0, 0},
	    {"status before FEATURES_OK with acked features", M_STATUS,
	     S_ACK | S_DRV, 4, 0, 0, 0},
	    {"driver features differ from acked", M_DRV_F, F_V1 | F_IND, 8, 0,
	     0, 0},
	    {"acked features not offered", M_ACKED, F_V1 | F_EVT | (1ull << 7),
	     8, M_DRV_F, F_V1 | F_EVT | (1ull << 7), 8},
	    {"acked without VERSION_1", M_ACKED, F_EVT, 8, M_DRV_F, F_EVT, 8},
	    {"interrupt status", M_INT, 4, 4, 0, 0, 0},
	    {"queue tag", Q(0, 0) - HDR, 'Y', 1, 0, 0, 0},
	    {"queue version", Q(0, 0) - HDR + ST_TAG_LEN, 9, 2, 0, 0, 0},
	    {"queue max size", Q_MAX(0), QMAX / 2, 2, 0, 0, 0},
	    {"size not a power of two", Q_SIZE(0), 6, 2, 0, 0, 0},
	    {"size above max", Q_SIZE(0), QMAX * 2, 2, 0, 0, 0},
	    {"size 0", Q_SIZE(0), 0, 2, 0, 0, 0},
	    {"desc misaligned", Q_DESC(0), DESC + 8, 8, 0, 0, 0},
	    {"avail misaligned", Q_AVAIL(0), AVAIL + 1, 8, 0, 0, 0},
	    {"used misaligned", Q_USED(0), USED + 2, 8, 0, 0, 0},
	    {"desc outside RAM", Q_DESC(0), RAM, 8, 0, 0, 0},
	    {"avail end outside RAM", Q_AVAIL(0), RAM - 16, 8, 0, 0, 0},
	    {"used huge", Q_USED(0), 0xfffffffffffff000ull, 8, 0, 0, 0},
	    {"event idx not negotiated", Q_EVT(0), 0, 1, 0, 0, 0},
	    {"bool byte 2", Q_ENABLED(0), 2, 1, 0, 0, 0},
	    {"in flight above size", Q_LAST(0), 17 + 9, 2, 0, 0, 0},
	    {"used ahead of avail", Q_UIDX(0), 18, 2, 0, 0, 0},
	    {"disabled queue with a position", Q_LAST(1), 1, 2, 0, 0, 0},
	    {"signalled without a notification", Q_SIG(0), 5, 2, Q_SIGV(0), 0,
	     1},
	    {"disabled queue notification record", Q_SIG(1), 3, 2, 0, 0, 0},
	};

	drive_running(a);
	for (unsigned i = 0; i < ARRAY_SIZE(pokes); i++) {
		struct blob o;

		save(a, &o);
		assert_int_equal(o.len, BLOB_LEN);
		put_le(&o, pokes[i].at, pokes[i].val, pokes[i].n);
		if (pokes[i].at2)
			put_le(&o, pokes[i].at2, pokes[i].val2, pokes[i].n2);
		print_message("%s\n", pokes[i].what);
		expect_refused(b, &o);
	}
}

/* The queue layer on its own: restore checks exactly what QueueReady
 * checks, and a refused blob leaves the queue alone. */
static void test_vq_layer(void **state)
{
	struct fake **p = *state, *a = p[0];
	struct virtqueue q, orig;
	uint8_t buf[128];
	struct st_writer w;
	struct st_reader r;
	long n;

	bring_up(a, F_V1);
	add_chains(a, 3);
	wr(a, R(QUEUE_NOTIFY), 0);
	st_writer_init(&w, buf, sizeof(buf));
	vq_save(&a->vqs[0], &w);
	n = st_writer_end(&w);
	assert_int_equal(n, HDR + VQ_LEN);
	assert_int_equal(vq_init(&q, &a->gm, QMAX), 0);
	q.errors = 42;
	st_reader_init(&r, buf, (size_t)n);
	assert_int_equal(vq_restore(&q, &r), 0);
	assert_int_equal(st_reader_end(&r), 0);
	assert_int_equal(q.used_idx, 3);
	assert_int_equal(q.desc_gpa, DESC);
	assert_true(q.enabled);
	assert_int_equal(q.errors, 42); /* counters are not state */
	/* Another max_size (another device) is refused. */
	assert_int_equal(vq_init(&q, &a->gm, QMAX * 2), 0);
	orig = q;
	st_reader_init(&r, buf, (size_t)n);
	assert_int_equal(vq_restore(&q, &r), -EINVAL);
	assert_false(st_ok(&r));
	assert_memory_equal(&q, &orig, sizeof(q));
	/* A reader already bad restores nothing. */
	assert_int_equal(vq_init(&q, &a->gm, QMAX), 0);
	st_reader_init(&r, buf, (size_t)n);
	st_fail(&r);
	assert_int_equal(vq_restore(&q, &r), -EINVAL);
	assert_false(q.enabled);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip_running, setup2,
					    teardown2),
	    cmocka_unit_test_setup_teardown(test_round_trip_setup, setup2,
					    teardown2),
	    cmocka_unit_test_setup_teardown(test_round_trip_needs_reset, setup2,
					    teardown2),
	    cmocka_unit_test_setup_teardown(test_round_trip_power_on, setup2,
					    teardown2),
	    cmocka_unit_test_setup_teardown(test_truncated, setup2, teardown2),
	    cmocka_unit_test_setup_teardown(test_bad_fields, setup2, teardown2),
	    cmocka_unit_test_setup_teardown(test_vq_layer, setup2, teardown2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
