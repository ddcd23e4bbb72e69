/* SPDX-License-Identifier: Apache-2.0 */
/* The virtio-mmio transport against a hostile driver: a long random
 * register sequence over every offset, width and value (fixed seed) that
 * must keep the transport's invariants, and two threads hammering the
 * registers while a third notifies, under the transport lock. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/virtio_mmio_fixture.h"

#define RAM	   (64u << 10)
#define RANDOM_OPS 100000
#define THREAD_OPS 200000

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return rnd(r) % n;
}

static const uint32_t hot_regs[] = {
    R(STATUS),		R(DRIVER_FEATURES), R(DRIVER_FEATURES_SEL),
    R(QUEUE_SEL),	R(QUEUE_NUM),	    R(QUEUE_READY),
    R(QUEUE_NOTIFY),	R(QUEUE_DESC_LOW),  R(QUEUE_AVAIL_LOW),
    R(QUEUE_USED_LOW),	R(INTERRUPT_ACK),   R(DEVICE_FEATURES_SEL),
    R(QUEUE_DESC_HIGH), R(QUEUE_USED_HIGH),
};

/* A value a hostile but persistent driver might write at `off`; `status`
 * is its last view of the status register. */
static uint32_t pick_value(struct rng *r, uint32_t off, uint32_t status)
{
	uint32_t k = below(r, 16);

	if (k == 0)
		return (uint32_t)rnd(r);
	switch (off) {
	case R(STATUS):
		if (k == 1)
			return 0;
		if (k < 4)
			return status & ~(1u << below(r, 8));
		return status | 1u << below(r, 8);
	case R(DRIVER_FEATURES):
		return k < 8 ? (uint32_t)ALL_F : (uint32_t)(ALL_F >> 32);
	case R(QUEUE_NUM):
		return 1u << below(r, 7);
	case R(QUEUE_DESC_LOW):
	case R(QUEUE_AVAIL_LOW):
	case R(QUEUE_USED_LOW):
		return k < 12 ? below(r, RAM / 16) * 16 : below(r, RAM + 64);
	case R(QUEUE_DESC_HIGH):
	case R(QUEUE_AVAIL_HIGH):
	case R(QUEUE_USED_HIGH):
		return k < 14 ? 0 : 1;
	default:
		return below(r, 4);
	}
}

/* The next step of a well-behaved driver's init, from the status it sees:
 * keeps the random sequence reaching the deep states. */
static void driver_step(struct fake *f, struct rng *r)
{
	uint32_t st = rd(f, R(STATUS)), q = below(r, 2);

	if (st & (S_NR | VIRTIO_CONFIG_S_FAILED)) {
		wr(f, R(STATUS), 0);
	} else if (!(st & S_DRV)) {
		wr(f, R(STATUS), S_ACK);
		wr(f, R(STATUS), S_ACK | S_DRV);
	} else if (!(st & S_FOK)) {
		wr(f, R(DRIVER_FEATURES_SEL), 0);
		wr(f, R(DRIVER_FEATURES), (uint32_t)rnd(r) & (uint32_t)ALL_F);
		wr(f, R(DRIVER_FEATURES_SEL), 1);
		wr(f, R(DRIVER_FEATURES), (uint32_t)(ALL_F >> 32));
		wr(f, R(STATUS), st | S_FOK);
	} else if (!(st & S_DOK) && below(r, 2)) {
		set_queue(f, q, 8, DESC + q * 0x1000, AVAIL + q * 0x1000,
			  USED + q * 0x1000);
	} else if (!(st & S_DOK)) {
		wr(f, R(STATUS), st | S_DOK);
	} else {
		wr(f, R(QUEUE_NOTIFY), q);
	}
}

/* One random access through the bus ops, or a host-side call. */
static void random_op(struct fake *f, struct rng *r, bool scribble)
{
	static const unsigned sizes[] = {1, 2, 4, 8};
	uint32_t k = below(r, 100), off, size;
	uint8_t junk[8];

	if (k < 4) {
		virtio_mmio_notify(&f->m, below(r, 3));
		return;
	}
	if (k < 7) {
		virtio_mmio_lock(&f->m);
		virtio_mmio_signal_used(&f->m, below(r, 3));
		if (below(r, 8) == 0)
			virtio_mmio_fail(&f->m, -EINVAL, "random");
		f->notify_ret = below(r, 16) ? 0 : -EINVAL;
		f->activate_ret = below(r, 16) ? 0 : -EIO;
		virtio_mmio_unlock(&f->m);
		return;
	}
	if (k < 9 && scribble) { /* the driver rewrites its rings */
		memcpy(junk, &r->s, sizeof(junk));
		assert_int_equal(
		    gm_write(&f->gm, below(r, RAM - 8), junk, below(r, 9)), 0);
		return;
	}
	if (k < 20) {
		driver_step(f, r);
		return;
	}
	if (k < 60)
		off = hot_regs[below(r, ARRAY_SIZE(hot_regs))];
	else if (k < 80)
		off = below(r, 0x40) * 4;
	else if (k < 90)
		off = 0x100 + below(r, 2 * CFG_LEN);
	else
		off = below(r, VIRTIO_MMIO_RANGE_LEN);
	size = below(r, 4) ? 4 : sizes[below(r, 4)];
	if (off + size > VIRTIO_MMIO_RANGE_LEN)
		off = VIRTIO_MMIO_RANGE_LEN - size;
	if (below(r, 3) == 0)
		(void)rdw(f, off, size);
	else
		wrw(f, off, size, pick_value(r, off, rd(f, R(STATUS))));
}

/* What must hold between any two accesses. Lock held or single thread. */
static void check_invariants(const struct fake *f)
{
	uint32_t st = f->m.status;
	uint64_t acked = f->dev.acked_features;
	unsigned i;

	assert_int_equal(st & 0x30, 0);
	assert_int_equal(f->m.interrupt_status & ~3u, 0);
	if (st & S_DRV)
		assert_true(st & S_ACK);
	if (st & S_DOK)
		assert_true(st & S_FOK);
	if (st & S_FOK) {
		assert_true(acked & F_V1);
		assert_int_equal(acked & ~ALL_F, 0);
		assert_true(st & S_DRV);
	} else {
		assert_int_equal(acked, 0);
	}
	for (i = 0; i < 2; i++) {
		const struct virtqueue *vq = &f->vqs[i];

		assert_int_equal(vq->event_idx, !!(acked & F_EVT));
		assert_int_equal(vq->indirect, !!(acked & F_IND));
		if (!vq->enabled)
			continue;
		assert_true(vq->size && vq->size <= QMAX &&
			    !(vq->size & (vq->size - 1)));
		assert_true(gm_range_ok(&f->gm, vq->desc_gpa, 16u * vq->size));
		assert_int_equal(vq->desc_gpa % 16, 0);
	}
}

static void test_random_sequence(void **state)
{
	struct fake *f = fake_new(RAM);
	struct rng r = {0x9e3779b97f4a7c15ull};
	uint64_t max_status_seen = 0;
	unsigned i;

	(void)state;
	for (i = 0; i < RANDOM_OPS; i++) {
		random_op(f, &r, true);
		check_invariants(f);
		if (f->m.status > max_status_seen)
			max_status_seen = f->m.status;
	}
	/* The sequence went deep: the device was activated and notified. */
	assert_true(f->activates > 0);
	assert_true(f->notifies[0] + f->notifies[1] > 0);
	assert_true(f->m.errors > 0);
	assert_true(max_status_seen & S_DOK);
	/* And it still works after a reset. */
	wr(f, R(STATUS), 0);
	f->notify_ret = f->activate_ret = 0;
	gm_clear(&f->gm);
	bring_up(f, F_V1);
	add_buf(f);
	wr(f, R(QUEUE_NOTIFY), 0);
	assert_int_equal(rd(f, R(INTERRUPT_STATUS)), R(INT_VRING));
	virtio_mmio_destroy(&f->m);
	gm_destroy(&f->gm);
	test_free(f);
}

struct hammer {
	struct fake *f;
	uint64_t seed;
	atomic_bool *stop;
};

static void *hammer_regs(void *arg)
{
	struct hammer *h = arg;
	struct rng r = {h->seed};
	unsigned i;

	for (i = 0; i < THREAD_OPS; i++) {
		random_op(h->f, &r, false);
		if (i % 64 == 0) {
			virtio_mmio_lock(&h->f->m);
			check_invariants(h->f);
			virtio_mmio_unlock(&h->f->m);
		}
	}
	return NULL;
}

static void *hammer_notify(void *arg)
{
	struct hammer *h = arg;
	unsigned q = 0;

	while (!atomic_load(h->stop)) {
		virtio_mmio_notify(&h->f->m, q++ % 2);
		virtio_mmio_lock(&h->f->m);
		virtio_mmio_signal_used(&h->f->m, q % 2);
		virtio_mmio_unlock(&h->f->m);
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct fake *f = fake_new(RAM);
	atomic_bool stop = false;
	struct hammer h[3] = {{f, 0x1234567887654321ull, &stop},
			      {f, 0x0fedcba987654321ull, &stop},
			      {f, 0, &stop}};
	pthread_t t[3];
	unsigned i;

	(void)state;
	assert_int_equal(pthread_create(&t[2], NULL, hammer_notify, &h[2]), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, hammer_regs, &h[i]), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	atomic_store(&stop, true);
	assert_int_equal(pthread_join(t[2], NULL), 0);
	check_invariants(f);
	assert_true(f->m.errors > 0);
	virtio_mmio_destroy(&f->m);
	gm_destroy(&f->gm);
	test_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_sequence),
	    cmocka_unit_test(test_threads),
	};

	log_set_level(LOG_ERROR); /* device errors are the point here */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
