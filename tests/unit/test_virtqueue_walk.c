/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deterministic random walk over the split virtqueue: a driver that writes
 * garbage (and sometimes well-formed chains) into the descriptor table,
 * indirect tables and avail ring, and a device that pops until there is
 * nothing left or an error. Whatever the garbage, vq_pop must either refuse
 * it (counted, nothing consumed) or return a chain whose every buffer lies
 * in RAM, with at most `size` buffers and consistent totals. Fixed seed, so
 * a failure replays; run it under ASan/UBSan too (VMM_SANITIZE).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/vq_fixture.h"

#define ITERATIONS 20000
#define SEED 0x9e3779b97f4a7c15ull

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t below(uint64_t n) { return rnd() % n; }

/* A guest address: mostly plausible, sometimes hostile. */
static uint64_t rnd_addr(void)
{
	switch (below(8)) {
	case 0:
		return VQF_RAM_END - below(64);
	case 1:
		return UINT64_MAX - below(0x2000);
	case 2:
		return rnd();
	case 3:
		return below(VQF_RAM_END);
	default:
		return VQF_DATA + below(0x10000);
	}
}

static uint32_t rnd_len(void)
{
	switch (below(8)) {
	case 0:
		return 0;
	case 1:
		return 0xffffffffu - (uint32_t)below(16);
	case 2:
		return (uint32_t)rnd();
	default:
		return 1 + (uint32_t)below(0x1000);
	}
}

static uint16_t rnd_flags(void)
{
	if (below(16) == 0)
		return (uint16_t)rnd();
	return (uint16_t)below(8);
}

static uint16_t rnd_next(uint16_t size)
{
	if (below(16) == 0)
		return (uint16_t)rnd();
	return (uint16_t)below(size + 2u);
}

/* Entry i of the table at `table`: garbage, and in the queue's own table
 * sometimes an indirect descriptor (plausible or not). */
static void poke_desc(struct vqf *f, uint64_t table, uint32_t i)
{
	uint16_t size = f->b.size;
	uint64_t addr = rnd_addr();
	uint32_t len = rnd_len();
	uint16_t flags = rnd_flags();

	if (table == VQF_DESC && below(6) == 0) {
		flags |= VRING_DESC_F_INDIRECT;
		if (below(4))
			len = 16u * (1 + (uint32_t)below(size + 1u));
		if (below(4))
			addr = VQF_TABLE + 16 * below(size);
	}
	assert_int_equal(vqb_set_desc_at(&f->b, table, i, addr, len, flags,
					 rnd_next(size)),
			 0);
}

/* A new queue: random size and features, fresh rings. */
static void episode(struct vqf *f)
{
	uint16_t size = (uint16_t)(1u << below(9)); /* 1 .. 256 */

	vq_reset(&f->vq);
	assert_int_equal(vqb_init(&f->b, &f->gm, size, VQF_DESC, VQF_AVAIL,
				  VQF_USED),
			 0);
	assert_int_equal(gm_zero(&f->gm, VQF_TABLE, 16 * VQ_MAX_SIZE), 0);
	vqb_configure(&f->b, &f->vq);
	f->vq.indirect = below(2);
	f->vq.event_idx = below(2);
	assert_int_equal(vq_enable(&f->vq), 0);
}

/* Sometimes a well-formed chain, to keep the success path busy. */
static void add_good(struct vqf *f)
{
	struct vqb_seg s[8];
	unsigned n = 1 + (unsigned)below(f->b.size < 8 ? f->b.size : 8);
	unsigned nr = (unsigned)below(n + 1);

	for (unsigned i = 0; i < n; i++)
		s[i] = (struct vqb_seg){VQF_DATA + below(0x10000),
					1 + (uint32_t)below(0x100), i >= nr};
	if (f->b.nfree < n) { /* descriptors are never freed here */
		memset(f->b.busy, 0, sizeof(f->b.busy));
		f->b.nfree = f->b.size;
	}
	if (f->vq.indirect && below(2))
		assert_true(vqb_add_indirect(&f->b, VQF_TABLE, s, n) >= 0);
	else
		assert_true(vqb_add_chain(&f->b, s, n) >= 0);
}

static void check_chain(struct vqf *f)
{
	const struct vq_chain *c = &f->c;
	uint64_t rl = 0, wl = 0;
	unsigned n = (unsigned)c->nread + c->nwrite;
	uint8_t scratch[513]; /* room for the len + 1 probes */

	assert_true(c->head < f->vq.size);
	assert_true(n >= 1 && n <= f->vq.size);
	for (unsigned i = 0; i < n; i++) {
		assert_true(c->buf[i].len > 0);
		assert_true(gm_range_ok(&f->gm, c->buf[i].gpa, c->buf[i].len));
		if (i < c->nread)
			rl += c->buf[i].len;
		else
			wl += c->buf[i].len;
	}
	assert_int_equal(rl, c->read_len);
	assert_int_equal(wl, c->write_len);

	/* Copies inside the totals work; one byte past them does not. */
	uint32_t off = (uint32_t)below((uint64_t)c->read_len + 1);
	uint32_t len = (uint32_t)below(sizeof(scratch));
	if (len > c->read_len - off)
		len = c->read_len - off;
	assert_int_equal(vq_chain_read(&f->vq, c, off, scratch, len), 0);
	assert_int_equal(vq_chain_read(&f->vq, c, c->read_len - len, scratch,
				       len + 1),
			 -EINVAL);
	off = (uint32_t)below((uint64_t)c->write_len + 1);
	len = (uint32_t)below(sizeof(scratch));
	if (len > c->write_len - off)
		len = c->write_len - off;
	assert_int_equal(vq_chain_write(&f->vq, c, off, scratch, len), 0);
	assert_int_equal(vq_chain_write(&f->vq, c, c->write_len - len, scratch,
					len + 1),
			 -EINVAL);
}

/* The driver's turn: garbage, maybe a good chain, ring entries, idx. */
static void driver_step(struct vqf *f)
{
	uint16_t size = f->b.size;
	unsigned pokes = (unsigned)below(4);
	uint16_t idx = (uint16_t)(f->b.avail_idx + below(3));
	uint16_t head = below(8) ? (uint16_t)below(size) : (uint16_t)rnd();
	uint16_t slot = (uint16_t)below(size);

	for (unsigned k = 0; k < pokes; k++)
		poke_desc(f, VQF_DESC, (uint32_t)below(size));
	if (below(2))
		poke_desc(f, VQF_TABLE, (uint32_t)below(size));
	if (below(3) == 0)
		add_good(f);
	if (below(2))
		assert_int_equal(vqb_set_avail_ring(&f->b, slot, head), 0);
	if (below(20) == 0)
		idx = (uint16_t)rnd();
	assert_int_equal(vqb_set_avail_idx(&f->b, idx), 0);
	if (below(8) == 0) {
		assert_int_equal(vqb_set_used_event(&f->b, (uint16_t)rnd()), 0);
		assert_int_equal(vqb_set_avail_flags(&f->b, (uint16_t)rnd()),
				 0);
	}
}

/* The device's turn: pop until empty or an error. 1 chain, 0 empty (or
 * the pop budget ran out), -1 error. */
static int device_step(struct vqf *f, unsigned *ok)
{
	for (unsigned p = 0; p <= 2u * f->vq.size; p++) {
		uint64_t errors = f->vq.errors;
		uint16_t last = f->vq.last_avail;
		int r = vq_pop(&f->vq, &f->c);

		if (r == 0)
			return 0;
		if (r < 0) {
			/* Refused, counted, nothing consumed. */
			assert_true(r == -EINVAL || r == -EFAULT);
			assert_int_equal(f->vq.errors, errors + 1);
			assert_int_equal(f->vq.last_avail, last);
			return -1;
		}
		assert_int_equal(r, 1);
		assert_int_equal(f->vq.last_avail, (uint16_t)(last + 1));
		check_chain(f);
		(*ok)++;
		if (below(2))
			assert_int_equal(vq_push(&f->vq, f->c.head,
						 (uint32_t)rnd()),
					 0);
		if (below(4) == 0)
			(void)vq_should_notify(&f->vq);
		if (below(4) == 0)
			assert_int_equal(vq_set_notification(&f->vq, below(2)),
					 0);
	}
	return 0;
}

static void test_random_walk(void **state)
{
	struct vqf *f = *state;
	unsigned ok = 0, bad = 0;

	rng_state = SEED;
	episode(f);
	for (unsigned it = 0; it < ITERATIONS; it++) {
		driver_step(f);
		if (device_step(f, &ok) < 0) {
			bad++;
			episode(f); /* the transport resets the device */
		}
	}
	print_message("random walk: %u chains, %u errors\n", ok, bad);
	/* Both paths were exercised, a lot. */
	assert_true(ok > ITERATIONS / 10);
	assert_true(bad > ITERATIONS / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_walk, vqf_setup,
						vqf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
