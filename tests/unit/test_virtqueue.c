/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the split virtqueue (devices/virtio/virtqueue.c): well-
 * formed use. Malformed rings are in test_virtqueue_bad.c, the random walk
 * in test_virtqueue_walk.c.
 *
 * Double fetch: vq_pop copies each descriptor out of guest memory exactly
 * once (gm_read into a local struct vring_desc), decodes and checks the
 * copy, and stores only values from that copy into struct vq_chain; the
 * avail ring entry is likewise read once. No later step reads the
 * descriptor table again, so a driver that rewrites a descriptor after the
 * check cannot change what was checked. A single thread cannot race the
 * pop, so test_no_double_fetch checks the observable half: the chain keeps
 * the values present at pop time after guest memory is rewritten, and
 * vq_chain_read uses them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/vq_fixture.h"

/* Fill [gpa, gpa+len) with bytes seed, seed+1, ... */
static void fill(struct vqf *f, uint64_t gpa, uint32_t len, uint8_t seed)
{
	uint8_t *p = gm_ptr(&f->gm, gpa, len);

	assert_non_null(p);
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i);
}

/* One single-buffer chain through the whole cycle: add, pop, push. */
static void cycle(struct vqf *f, uint32_t written)
{
	struct vqb_seg s = {VQF_DATA, 64, true};
	int head = vqb_add_chain(&f->b, &s, 1);
	uint32_t id, len;

	assert_true(head >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.head, head);
	assert_int_equal(vq_push(&f->vq, f->c.head, written), 0);
	assert_int_equal(vqb_get_used(&f->b, &id, &len), 1);
	assert_int_equal(id, (uint32_t)head);
	assert_int_equal(len, written);
}

static void test_init(void **state)
{
	struct guest_mem gm;
	struct virtqueue vq;

	(void)state;
	gm_init(&gm);
	assert_int_equal(vq_init(&vq, &gm, 0), -EINVAL);
	assert_int_equal(vq_init(&vq, &gm, 3), -EINVAL);
	assert_int_equal(vq_init(&vq, &gm, VQ_MAX_SIZE * 2), -EINVAL);
	assert_int_equal(vq_init(&vq, NULL, 16), -EINVAL);
	assert_int_equal(vq_init(&vq, &gm, 1), 0);
	assert_int_equal(vq_init(&vq, &gm, 64), 0);
	assert_ptr_equal(vq.mem, &gm);
	assert_int_equal(vq.max_size, 64);
	assert_int_equal(vq.size, 64);
	assert_false(vq.enabled);
	assert_int_equal(vq.errors, 0);
	/* Disabled: nothing to pop, nothing to notify. */
	assert_int_equal(vq_pop(&vq, &(struct vq_chain){0}), 0);
	assert_false(vq_should_notify(&vq));
	assert_int_equal(vq_set_notification(&vq, true), 0);
	assert_int_equal(vq_push(&vq, 0, 0), -EINVAL);
	assert_int_equal(vq.errors, 1);
}

static void test_empty(void **state)
{
	struct vqf *f = *state;

	assert_int_equal(vq_pop(&f->vq, &f->c), 0);
	assert_int_equal(f->vq.popped, 0);
	assert_int_equal(f->vq.errors, 0);
}

static void test_read_only(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s[] = {{VQF_DATA, 100, false},
			      {VQF_DATA + 0x1000, 28, false}};
	int head = vqb_add_chain(&f->b, s, 2);

	assert_true(head >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.head, head);
	assert_int_equal(f->c.nread, 2);
	assert_int_equal(f->c.nwrite, 0);
	assert_int_equal(f->c.read_len, 128);
	assert_int_equal(f->c.write_len, 0);
	assert_int_equal(f->c.buf[0].gpa, VQF_DATA);
	assert_int_equal(f->c.buf[0].len, 100);
	assert_int_equal(f->c.buf[1].gpa, VQF_DATA + 0x1000);
	assert_int_equal(f->c.buf[1].len, 28);
	assert_int_equal(vq_pop(&f->vq, &f->c), 0);
	assert_int_equal(f->vq.popped, 1);
	assert_int_equal(f->vq.last_avail, 1);
	assert_int_equal(f->vq.errors, 0);
}

static void test_write_only(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s[] = {{VQF_DATA, 1, true}, {VQF_DATA + 1, 2, true},
			      {VQF_DATA + 3, 3, true}};

	assert_true(vqb_add_chain(&f->b, s, 3) >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.nread, 0);
	assert_int_equal(f->c.nwrite, 3);
	assert_int_equal(f->c.read_len, 0);
	assert_int_equal(f->c.write_len, 6);
	for (int i = 0; i < 3; i++)
		assert_int_equal(f->c.buf[i].len, i + 1);
}

static void test_mixed(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s[] = {{VQF_DATA, 16, false},
			      {VQF_DATA + 0x100, 512, false},
			      {VQF_DATA + 0x1000, 1, true},
			      {VQF_DATA + 0x2000, 4096, true},
			      {VQF_RAM_END - 8, 8, true}}; /* ends at RAM end */

	assert_true(vqb_add_chain(&f->b, s, 5) >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.nread, 2);
	assert_int_equal(f->c.nwrite, 3);
	assert_int_equal(f->c.read_len, 528);
	assert_int_equal(f->c.write_len, 4105);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(f->c.buf[i].gpa, s[i].gpa);
		assert_int_equal(f->c.buf[i].len, s[i].len);
	}
}

static void test_several_chains_in_order(void **state)
{
	struct vqf *f = *state;
	int heads[4];

	for (int i = 0; i < 4; i++) {
		struct vqb_seg s[] = {{VQF_DATA + 0x1000 * i, 10, false},
				      {VQF_DATA + 0x1000 * i + 10, 20, true}};
		heads[i] = vqb_add_chain(&f->b, s, 2);
		assert_true(heads[i] >= 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(vq_pop(&f->vq, &f->c), 1);
		assert_int_equal(f->c.head, heads[i]);
		assert_int_equal(f->c.buf[0].gpa, VQF_DATA + 0x1000 * i);
	}
	assert_int_equal(vq_pop(&f->vq, &f->c), 0);
	assert_int_equal(f->vq.popped, 4);
}

static void test_indirect(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s[] = {{VQF_DATA, 10, false},
			      {VQF_DATA + 0x100, 20, false},
			      {VQF_DATA + 0x200, 30, true}};
	int head = vqb_add_indirect(&f->b, VQF_TABLE, s, 3);

	assert_true(head >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.head, head);
	assert_int_equal(f->c.nread, 2);
	assert_int_equal(f->c.nwrite, 1);
	assert_int_equal(f->c.read_len, 30);
	assert_int_equal(f->c.write_len, 30);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(f->c.buf[i].gpa, s[i].gpa);
		assert_int_equal(f->c.buf[i].len, s[i].len);
	}
}

/* A direct descriptor may lead to an indirect one, which ends the chain;
 * the WRITE flag of the indirect descriptor itself is ignored. */
static void test_direct_then_indirect(void **state)
{
	struct vqf *f = *state;

	vqf_desc(f, 3, VQF_DATA, 8, VRING_DESC_F_NEXT, 7);
	vqf_desc(f, 7, VQF_TABLE, 32,
		 VRING_DESC_F_INDIRECT | VRING_DESC_F_WRITE, 0);
	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA + 8, 8, VRING_DESC_F_NEXT, 1);
	vqf_tdesc(f, VQF_TABLE, 1, VQF_DATA + 16, 16, VRING_DESC_F_WRITE, 0);
	vqf_publish(f, 3);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.head, 3);
	assert_int_equal(f->c.nread, 2);
	assert_int_equal(f->c.nwrite, 1);
	assert_int_equal(f->c.read_len, 16);
	assert_int_equal(f->c.write_len, 16);
	assert_int_equal(f->c.buf[1].gpa, VQF_DATA + 8);
}

/* An indirect table whose chain uses entries out of order and not all. */
static void test_indirect_out_of_order(void **state)
{
	struct vqf *f = *state;

	vqf_desc(f, 0, VQF_TABLE, 4 * 16, VRING_DESC_F_INDIRECT, 0);
	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 1, VRING_DESC_F_NEXT, 2);
	vqf_tdesc(f, VQF_TABLE, 1, 0, 0, 0xffff, 0xffff); /* unused junk */
	vqf_tdesc(f, VQF_TABLE, 2, VQF_DATA + 1, 2, VRING_DESC_F_NEXT, 3);
	vqf_tdesc(f, VQF_TABLE, 3, VQF_DATA + 3, 3, 0, 1);
	vqf_publish(f, 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.nread, 3);
	assert_int_equal(f->c.read_len, 6);
}

/* A chain of exactly `size` buffers, direct and indirect, is allowed. */
static void test_chain_of_size(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s[VQF_SIZE];

	for (int i = 0; i < VQF_SIZE; i++)
		s[i] = (struct vqb_seg){VQF_DATA + 0x10 * i, 0x10,
					i >= VQF_SIZE / 2};
	assert_true(vqb_add_chain(&f->b, s, VQF_SIZE) >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.nread, VQF_SIZE / 2);
	assert_int_equal(f->c.nwrite, VQF_SIZE / 2);
	assert_int_equal(vq_push(&f->vq, f->c.head, 0), 0);
	uint32_t id, len;
	assert_int_equal(vqb_get_used(&f->b, &id, &len), 1);
	assert_int_equal(f->b.nfree, VQF_SIZE);

	/* Table of `size` entries: len == 16 * size, the largest allowed. */
	assert_true(vqb_add_indirect(&f->b, VQF_TABLE, s, VQF_SIZE) >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.nread + f->c.nwrite, VQF_SIZE);
	assert_int_equal(f->vq.errors, 0);
}

/* 16-bit indices wrap: more than 65536 chains through the whole cycle. */
static void test_wrap_by_cycling(void **state)
{
	struct vqf *f = *state;
	const uint32_t n = 65536 + 40;
	uint16_t idx;

	for (uint32_t i = 0; i < n; i++)
		cycle(f, i & 0xfff);
	assert_int_equal(f->vq.last_avail, (uint16_t)n);
	assert_int_equal(f->vq.used_idx, (uint16_t)n);
	assert_int_equal(f->vq.popped, n);
	assert_int_equal(f->vq.pushed, n);
	assert_int_equal(vqb_used_idx(&f->b, &idx), 0);
	assert_int_equal(idx, (uint16_t)n);
	assert_int_equal(f->vq.errors, 0);
}

/* The same, starting just below the wrap by setting both sides' state. */
static void test_wrap_by_state(void **state)
{
	struct vqf *f = *state;
	const uint16_t start = 65533;

	f->vq.last_avail = f->vq.used_idx = start;
	f->b.last_used = start;
	assert_int_equal(vqb_set_avail_idx(&f->b, start), 0);
	/* A full ring that straddles the wrap: pending is size. */
	for (int i = 0; i < VQF_SIZE; i++) {
		struct vqb_seg s = {VQF_DATA + i, 1, false};
		assert_true(vqb_add_chain(&f->b, &s, 1) >= 0);
	}
	for (int i = 0; i < VQF_SIZE; i++) {
		uint32_t id, len;

		assert_int_equal(vq_pop(&f->vq, &f->c), 1);
		assert_int_equal(f->c.buf[0].gpa, VQF_DATA + i);
		assert_int_equal(vq_push(&f->vq, f->c.head, (uint32_t)i), 0);
		assert_int_equal(vqb_get_used(&f->b, &id, &len), 1);
		assert_int_equal(len, (uint32_t)i);
	}
	assert_int_equal(vq_pop(&f->vq, &f->c), 0);
	assert_int_equal(f->vq.last_avail, (uint16_t)(start + VQF_SIZE));
	assert_int_equal(f->vq.errors, 0);
}

static void test_push(void **state)
{
	struct vqf *f = *state;
	uint32_t id, len;
	uint16_t idx;

	assert_int_equal(vq_push(&f->vq, 5, 0x1234), 0);
	assert_int_equal(vq_push(&f->vq, 15, 0xffffffff), 0);
	assert_int_equal(vqb_used_idx(&f->b, &idx), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(vqb_used_elem(&f->b, 0, &id, &len), 0);
	assert_int_equal(id, 5);
	assert_int_equal(len, 0x1234);
	assert_int_equal(vqb_used_elem(&f->b, 1, &id, &len), 0);
	assert_int_equal(id, 15);
	assert_int_equal(len, 0xffffffff);
	assert_int_equal(f->vq.pushed, 2);

	/* head >= size: refused, counted, nothing written. */
	assert_int_equal(vq_push(&f->vq, VQF_SIZE, 1), -EINVAL);
	assert_int_equal(vq_push(&f->vq, 0xffff, 1), -EINVAL);
	assert_int_equal(f->vq.errors, 2);
	assert_int_equal(vqb_used_idx(&f->b, &idx), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(vqb_used_elem(&f->b, 2, &id, &len), 0);
	assert_int_equal(id, 0);
	assert_int_equal(f->vq.used_idx, 2);
	assert_int_equal(f->vq.pushed, 2);
}

static void test_chain_read_write(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s[] = {{VQF_DATA, 3, false},
			      {VQF_DATA + 0x100, 5, false},
			      {VQF_DATA + 0x200, 8, false},
			      {VQF_DATA + 0x300, 4, true},
			      {VQF_DATA + 0x400, 6, true}};
	uint8_t buf[32], want[32];

	fill(f, VQF_DATA, 3, 0);
	fill(f, VQF_DATA + 0x100, 5, 3);
	fill(f, VQF_DATA + 0x200, 8, 8);
	assert_true(vqb_add_chain(&f->b, s, 5) >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);

	/* Readable part is bytes 0..15. */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 0, buf, 16), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(buf[i], i);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 2, buf, 10), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(buf[i], i + 2);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 15, buf, 1), 0);
	assert_int_equal(buf[0], 15);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 16, buf, 0), 0);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 0, buf, 17), -EINVAL);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 16, buf, 1), -EINVAL);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 17, buf, 0), -EINVAL);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 0xffffffff, buf, 2),
			 -EINVAL);

	/* Writable part is 10 bytes over two buffers. */
	for (int i = 0; i < 32; i++)
		want[i] = (uint8_t)(0xa0 + i);
	assert_int_equal(vq_chain_write(&f->vq, &f->c, 1, want, 8), 0);
	assert_int_equal(gm_read(&f->gm, VQF_DATA + 0x300, buf, 4), 0);
	assert_int_equal(buf[0], 0);
	assert_memory_equal(buf + 1, want, 3);
	assert_int_equal(gm_read(&f->gm, VQF_DATA + 0x400, buf, 6), 0);
	assert_memory_equal(buf, want + 3, 5);
	assert_int_equal(buf[5], 0);
	assert_int_equal(vq_chain_write(&f->vq, &f->c, 0, want, 10), 0);
	assert_int_equal(vq_chain_write(&f->vq, &f->c, 10, want, 0), 0);
	assert_int_equal(vq_chain_write(&f->vq, &f->c, 10, NULL, 0), 0);
	/* Too long: refused before anything is written. */
	memset(gm_ptr(&f->gm, VQF_DATA + 0x300, 4), 0, 4);
	assert_int_equal(vq_chain_write(&f->vq, &f->c, 0, want, 11), -EINVAL);
	assert_int_equal(vq_chain_write(&f->vq, &f->c, 9, want, 2), -EINVAL);
	assert_int_equal(vq_chain_write(&f->vq, &f->c, 0xffffffff, want, 1),
			 -EINVAL);
	assert_int_equal(gm_read(&f->gm, VQF_DATA + 0x300, buf, 4), 0);
	assert_int_equal(buf[0] | buf[1] | buf[2] | buf[3], 0);
	/* The device never writes into the readable part. */
	assert_int_equal(gm_read(&f->gm, VQF_DATA + 0x200, buf, 8), 0);
	assert_int_equal(buf[0], 8);
}

/* A chain without a writable part cannot be written, and vice versa. */
static void test_chain_rw_empty_parts(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s = {VQF_DATA, 4, true};
	uint8_t b[4] = {0};

	assert_true(vqb_add_chain(&f->b, &s, 1) >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 0, b, 1), -EINVAL);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 0, b, 0), 0);
	assert_int_equal(vq_chain_write(&f->vq, &f->c, 0, b, 4), 0);
	assert_int_equal(vq_chain_write(&f->vq, &f->c, 0, b, 5), -EINVAL);
}

static void test_notify_flags(void **state)
{
	struct vqf *f = *state;

	cycle(f, 1);
	assert_true(vq_should_notify(&f->vq));
	assert_true(f->vq.signalled_valid);
	assert_int_equal(f->vq.signalled, 1);
	assert_int_equal(vqb_set_avail_flags(&f->b, VRING_AVAIL_F_NO_INTERRUPT),
			 0);
	cycle(f, 1);
	assert_false(vq_should_notify(&f->vq));
	assert_int_equal(f->vq.signalled, 1); /* not recorded */
	assert_int_equal(vqb_set_avail_flags(&f->b, 0), 0);
	assert_true(vq_should_notify(&f->vq));
	assert_int_equal(f->vq.signalled, 2);
	/* Without EVENT_IDX, used_event means nothing. */
	assert_int_equal(vqb_set_used_event(&f->b, 100), 0);
	cycle(f, 1);
	assert_true(vq_should_notify(&f->vq));
	assert_int_equal(f->vq.errors, 0);
}

static void test_notify_event_idx(void **state)
{
	struct vqf *f = *state;

	/* The first notification is always sent, wherever used_event is,
	 * and avail->flags is ignored with EVENT_IDX. */
	assert_int_equal(vqb_set_avail_flags(&f->b, VRING_AVAIL_F_NO_INTERRUPT),
			 0);
	assert_int_equal(vqb_set_used_event(&f->b, 500), 0);
	cycle(f, 1);
	assert_true(vq_should_notify(&f->vq));
	assert_int_equal(f->vq.signalled, 1);

	/* used_idx 2, last signalled at 1: only used_event 1 matches. */
	cycle(f, 1);
	assert_int_equal(vqb_set_used_event(&f->b, 0), 0);
	assert_false(vq_should_notify(&f->vq));
	assert_int_equal(vqb_set_used_event(&f->b, 2), 0);
	assert_false(vq_should_notify(&f->vq));
	assert_int_equal(vqb_set_used_event(&f->b, 1), 0);
	assert_true(vq_should_notify(&f->vq));
	assert_int_equal(f->vq.signalled, 2);
	/* Nothing new since: no notification whatever used_event says. */
	assert_false(vq_should_notify(&f->vq));

	/* Three more (used_idx 5, signalled 2): used_event 2..4 match. */
	for (int i = 0; i < 3; i++)
		cycle(f, 1);
	assert_int_equal(vqb_set_used_event(&f->b, 1), 0);
	assert_false(vq_should_notify(&f->vq));
	assert_int_equal(vqb_set_used_event(&f->b, 5), 0);
	assert_false(vq_should_notify(&f->vq));
	assert_int_equal(vqb_set_used_event(&f->b, 4), 0);
	assert_true(vq_should_notify(&f->vq));
	assert_int_equal(f->vq.signalled, 5);
	cycle(f, 1);
	cycle(f, 1);
	assert_int_equal(vqb_set_used_event(&f->b, 5), 0);
	assert_true(vq_should_notify(&f->vq));
	assert_int_equal(f->vq.signalled, 7);
	assert_int_equal(f->vq.errors, 0);
}

static void test_set_notification_flags(void **state)
{
	struct vqf *f = *state;
	uint16_t v;

	assert_int_equal(vq_set_notification(&f->vq, false), 0);
	assert_int_equal(vqb_used_flags(&f->b, &v), 0);
	assert_int_equal(v, VRING_USED_F_NO_NOTIFY);
	assert_int_equal(vq_set_notification(&f->vq, true), 0);
	assert_int_equal(vqb_used_flags(&f->b, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vqb_avail_event(&f->b, &v), 0);
	assert_int_equal(v, 0); /* untouched without EVENT_IDX */
}

/* vq_pop_or_arm takes what is there without touching avail_event, and on
 * an empty queue leaves the driver asked to kick for the next entry. */
static void test_pop_or_arm(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s = {VQF_DATA, 64, true};
	uint16_t v;

	for (int i = 0; i < 2; i++)
		cycle(f, 0);
	assert_int_equal(vq_set_notification(&f->vq, false), 0);
	int head = vqb_add_chain(&f->b, &s, 1);
	assert_true(head >= 0);
	assert_int_equal(vq_pop_or_arm(&f->vq, &f->c), 1);
	assert_int_equal(f->c.head, head);
	assert_int_equal(vqb_avail_event(&f->b, &v), 0);
	assert_int_equal(v, 1); /* still "disabled": last_avail - 1 */

	assert_int_equal(vq_pop_or_arm(&f->vq, &f->c), 0);
	assert_int_equal(vqb_avail_event(&f->b, &v), 0);
	assert_int_equal(v, 3); /* armed at last_avail */
	assert_true(vring_need_event(v, 4, 3));
	assert_int_equal(f->vq.errors, 0);
}

static void test_set_notification_event_idx(void **state)
{
	struct vqf *f = *state;
	uint16_t v;

	for (int i = 0; i < 3; i++)
		cycle(f, 0);
	assert_int_equal(vq_set_notification(&f->vq, true), 0);
	assert_int_equal(vqb_avail_event(&f->b, &v), 0);
	assert_int_equal(v, 3);
	/* The driver's check: adding entry 3 (old 3, new 4) kicks. */
	assert_true(vring_need_event(v, 4, 3));

	assert_int_equal(vq_set_notification(&f->vq, false), 0);
	assert_int_equal(vqb_avail_event(&f->b, &v), 0);
	assert_int_equal(v, 2);
	/* ... and now no addition of up to size entries kicks. */
	for (int n = 1; n <= VQF_SIZE; n++)
		assert_false(vring_need_event(v, (uint16_t)(3 + n), 3));
	assert_int_equal(vqb_used_flags(&f->b, &v), 0);
	assert_int_equal(v, 0); /* flags unused with EVENT_IDX */

	/* At last_avail 0, disable wraps to 0xffff. */
	vq_reset(&f->vq);
	vqb_configure(&f->b, &f->vq);
	f->vq.event_idx = true;
	assert_int_equal(vq_enable(&f->vq), 0);
	assert_int_equal(vq_set_notification(&f->vq, false), 0);
	assert_int_equal(vqb_avail_event(&f->b, &v), 0);
	assert_int_equal(v, 0xffff);
}

static void test_reset(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s = {VQF_DATA, 8, false};

	for (int i = 0; i < 3; i++)
		cycle(f, 0);
	assert_true(vq_should_notify(&f->vq));
	assert_int_equal(vq_push(&f->vq, VQF_SIZE, 0), -EINVAL);
	assert_true(vqb_add_chain(&f->b, &s, 1) >= 0); /* left pending */

	vq_reset(&f->vq);
	assert_false(f->vq.enabled);
	assert_ptr_equal(f->vq.mem, &f->gm);
	assert_int_equal(f->vq.max_size, VQ_MAX_SIZE);
	assert_int_equal(f->vq.size, VQ_MAX_SIZE);
	assert_int_equal(f->vq.desc_gpa | f->vq.avail_gpa | f->vq.used_gpa, 0);
	assert_false(f->vq.indirect);
	assert_false(f->vq.event_idx);
	assert_int_equal(f->vq.last_avail, 0);
	assert_int_equal(f->vq.used_idx, 0);
	assert_int_equal(f->vq.signalled, 0);
	assert_false(f->vq.signalled_valid);
	/* Counters survive a reset. */
	assert_int_equal(f->vq.popped, 3);
	assert_int_equal(f->vq.pushed, 3);
	assert_int_equal(f->vq.errors, 1);
	/* Disabled until the driver enables it again. */
	assert_int_equal(vq_pop(&f->vq, &f->c), 0);
	assert_int_equal(vq_push(&f->vq, 0, 0), -EINVAL);
	assert_false(vq_should_notify(&f->vq));

	/* The driver re-initialises the rings and enables again. */
	assert_int_equal(vqb_init(&f->b, &f->gm, VQF_SIZE, VQF_DESC, VQF_AVAIL,
				  VQF_USED),
			 0);
	vqb_configure(&f->b, &f->vq);
	assert_int_equal(vq_enable(&f->vq), 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 0);
	cycle(f, 7);
	assert_int_equal(f->vq.last_avail, 1);
}

static void test_no_double_fetch(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s[] = {{VQF_DATA, 4, false},
			      {VQF_DATA + 0x100, 4, true}};
	uint8_t b[4];
	int head;

	fill(f, VQF_DATA, 4, 0x10);
	fill(f, VQF_DATA + 0x800, 4, 0x20);
	head = vqb_add_chain(&f->b, s, 2);
	assert_true(head >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);

	/* The driver rewrites everything after the pop. */
	for (uint16_t i = 0; i < VQF_SIZE; i++)
		vqf_desc(f, i, VQF_DATA + 0x800, 0xffffffff,
			 VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, i);
	assert_int_equal(vqb_set_avail_ring(&f->b, 0, 0xffff), 0);

	assert_int_equal(f->c.head, head);
	assert_int_equal(f->c.nread, 1);
	assert_int_equal(f->c.nwrite, 1);
	assert_int_equal(f->c.buf[0].gpa, VQF_DATA);
	assert_int_equal(f->c.buf[0].len, 4);
	assert_int_equal(f->c.buf[1].gpa, VQF_DATA + 0x100);
	assert_int_equal(f->c.read_len, 4);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 0, b, 4), 0);
	assert_int_equal(b[0], 0x10);
	assert_int_equal(vq_chain_read(&f->vq, &f->c, 0, b, 5), -EINVAL);
	assert_int_equal(vq_push(&f->vq, f->c.head, 4), 0);
	assert_int_equal(f->vq.errors, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
#define T(fn) cmocka_unit_test_setup_teardown(fn, vqf_setup, vqf_teardown)
#define TE(fn)                                                                 \
	cmocka_unit_test_setup_teardown(fn, vqf_setup_event, vqf_teardown)
		T(test_empty),
		T(test_read_only),
		T(test_write_only),
		T(test_mixed),
		T(test_several_chains_in_order),
		T(test_indirect),
		T(test_direct_then_indirect),
		T(test_indirect_out_of_order),
		T(test_chain_of_size),
		T(test_wrap_by_cycling),
		T(test_wrap_by_state),
		T(test_push),
		T(test_chain_read_write),
		T(test_chain_rw_empty_parts),
		T(test_notify_flags),
		TE(test_notify_event_idx),
		T(test_set_notification_flags),
		TE(test_pop_or_arm),
		TE(test_set_notification_event_idx),
		T(test_reset),
		T(test_no_double_fetch),
#undef T
#undef TE
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
