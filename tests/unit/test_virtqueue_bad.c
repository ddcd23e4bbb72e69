/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the split virtqueue: one test per validation path of
 * vq_pop and vq_enable. Each checks the return code, that vq->errors went
 * up and that nothing was consumed (vqf_pop_fails).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/vq_fixture.h"

#define F_NEXT VRING_DESC_F_NEXT
#define F_WRITE VRING_DESC_F_WRITE
#define F_IND VRING_DESC_F_INDIRECT
#define OUTSIDE 0x20000000ull /* 512 MiB: past the 16 MiB of RAM */

/* One direct descriptor {addr, len, flags} at index 0, made available. */
static void one(struct vqf *f, uint64_t addr, uint32_t len, uint16_t flags)
{
	vqf_desc(f, 0, addr, len, flags, 0);
	vqf_publish(f, 0);
}

/* An indirect descriptor at index 0 pointing at {table, len}. */
static void ind(struct vqf *f, uint64_t table, uint32_t len, uint16_t flags)
{
	vqf_desc(f, 0, table, len, F_IND | flags, 0);
	vqf_publish(f, 0);
}

/* --- chain shape --- */

static void test_loop(void **state)
{
	struct vqf *f = *state;

	vqf_desc(f, 0, VQF_DATA, 8, F_NEXT, 1);
	vqf_desc(f, 1, VQF_DATA, 8, F_NEXT, 2);
	vqf_desc(f, 2, VQF_DATA, 8, F_NEXT, 0); /* back to the head */
	vqf_publish(f, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_self_loop(void **state)
{
	struct vqf *f = *state;

	vqf_desc(f, 5, VQF_DATA, 8, F_NEXT | F_WRITE, 5);
	vqf_publish(f, 5);
	vqf_pop_fails(f, -EINVAL);
}

/* size + 1 distinct descriptors cannot exist, so "too long" is a loop or
 * direct + indirect together. */
static void test_too_long_mixed(void **state)
{
	struct vqf *f = *state;

	for (uint16_t i = 0; i < 10; i++)
		vqf_desc(f, i, VQF_DATA, 8, F_NEXT, (uint16_t)(i + 1));
	vqf_desc(f, 10, VQF_TABLE, 7 * 16, F_IND, 0);
	for (uint16_t i = 0; i < 7; i++)
		vqf_tdesc(f, VQF_TABLE, i, VQF_DATA, 8, i < 6 ? F_NEXT : 0,
			  (uint16_t)(i + 1));
	vqf_publish(f, 0);
	vqf_pop_fails(f, -EINVAL); /* 17 buffers > 16 */
	/* 16 is fine. */
	vqf_tdesc(f, VQF_TABLE, 5, VQF_DATA, 8, 0, 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.nread, 16);
}

static void test_head_out_of_range(void **state)
{
	struct vqf *f = *state;

	/* A valid-looking descriptor just past the table must not help. */
	vqf_tdesc(f, VQF_DESC, VQF_SIZE, VQF_DATA, 8, 0, 0);
	vqf_publish(f, VQF_SIZE);
	vqf_pop_fails(f, -EINVAL);
	assert_int_equal(vqb_set_avail_ring(&f->b, 0, 0xffff), 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_next_out_of_range(void **state)
{
	struct vqf *f = *state;

	vqf_tdesc(f, VQF_DESC, VQF_SIZE, VQF_DATA, 8, 0, 0);
	vqf_desc(f, 0, VQF_DATA, 8, F_NEXT, VQF_SIZE);
	vqf_publish(f, 0);
	vqf_pop_fails(f, -EINVAL);
	vqf_desc(f, 0, VQF_DATA, 8, F_NEXT, 0xffff);
	vqf_pop_fails(f, -EINVAL);
}

static void test_avail_idx_jump(void **state)
{
	struct vqf *f = *state;

	vqf_desc(f, 0, VQF_DATA, 8, 0, 0); /* ring entries are all 0 */
	assert_int_equal(vqb_set_avail_idx(&f->b, VQF_SIZE + 1), 0);
	vqf_pop_fails(f, -EINVAL);
	assert_int_equal(vqb_set_avail_idx(&f->b, 0xffff), 0); /* backwards */
	vqf_pop_fails(f, -EINVAL);
	/* Exactly size is a full ring. */
	assert_int_equal(vqb_set_avail_idx(&f->b, VQF_SIZE), 0);
	for (int i = 0; i < VQF_SIZE; i++)
		assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(vq_pop(&f->vq, &f->c), 0);
	/* Relative to last_avail (16 now): 16 + 17 is a jump. */
	assert_int_equal(vqb_set_avail_idx(&f->b, 2 * VQF_SIZE + 1), 0);
	vqf_pop_fails(f, -EINVAL);
}

/* --- buffers --- */

static void test_buf_outside_ram(void **state)
{
	struct vqf *f = *state;

	one(f, OUTSIDE, 8, 0);
	vqf_pop_fails(f, -EFAULT);
}

static void test_buf_outside_ram_later(void **state)
{
	struct vqf *f = *state;

	vqf_desc(f, 0, VQF_DATA, 8, F_NEXT, 1);
	vqf_desc(f, 1, OUTSIDE, 8, F_WRITE, 0);
	vqf_publish(f, 0);
	vqf_pop_fails(f, -EFAULT);
}

static void test_buf_gpa_overflow(void **state)
{
	struct vqf *f = *state;

	one(f, UINT64_MAX - 0xfff, 0x2000, 0); /* gpa + len wraps to RAM */
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, UINT64_MAX, 1, 0, 0);
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, UINT64_MAX - 3, 0xffffffff, F_WRITE, 0);
	vqf_pop_fails(f, -EFAULT);
}

static void test_buf_straddles_ram_end(void **state)
{
	struct vqf *f = *state;

	one(f, VQF_RAM_END - 8, 9, F_WRITE);
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, VQF_RAM_END, 1, 0, 0);
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, VQF_RAM_END - 8, 8, 0, 0); /* ends exactly at the end */
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
}

/* 8 GiB layout: [0, 3 GiB) RAM, the MMIO hole, [4 GiB, 9 GiB) RAM. */
static void test_buf_straddles_hole(void **state)
{
	struct vqf *f = *state;

	one(f, LAYOUT_MMIO_HOLE - 0x1000, 0x1001, 0);
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, LAYOUT_4G - 1, 2, 0, 0);
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, LAYOUT_VIRTIO_MMIO, 0x100, 0, 0); /* in the hole */
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, LAYOUT_4G + (5ull << 30) - 1, 2, 0, 0); /* past 9G */
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, LAYOUT_4G, 0x1000, 0, 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
}

static void test_zero_len(void **state)
{
	struct vqf *f = *state;

	one(f, VQF_DATA, 0, 0);
	vqf_pop_fails(f, -EINVAL);
	vqf_desc(f, 0, VQF_DATA, 0, F_WRITE, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_write_before_read(void **state)
{
	struct vqf *f = *state;

	vqf_desc(f, 0, VQF_DATA, 8, F_NEXT, 1);
	vqf_desc(f, 1, VQF_DATA + 8, 8, F_NEXT | F_WRITE, 2);
	vqf_desc(f, 2, VQF_DATA + 16, 8, 0, 0);
	vqf_publish(f, 0);
	vqf_pop_fails(f, -EINVAL);
}

/* The order rule holds across the step into an indirect table. */
static void test_write_before_read_indirect(void **state)
{
	struct vqf *f = *state;

	vqf_desc(f, 0, VQF_DATA, 8, F_NEXT | F_WRITE, 1);
	vqf_desc(f, 1, VQF_TABLE, 16, F_IND, 0);
	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 8, 0, 0);
	vqf_publish(f, 0);
	vqf_pop_fails(f, -EINVAL);
}

/* Totals over u32 (buffers may overlap, so 4 GiB of RAM at 4 GiB serves
 * them all; nothing is touched). */
static void test_read_len_overflow(void **state)
{
	struct vqf *f = *state;

	vqf_desc(f, 0, LAYOUT_4G, 0xffffffff, F_NEXT, 1);
	vqf_desc(f, 1, LAYOUT_4G, 1, 0, 0);
	vqf_publish(f, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_write_len_overflow(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s[4];

	for (int i = 0; i < 4; i++)
		s[i] = (struct vqb_seg){LAYOUT_4G, 0xffffffff, true};
	assert_true(vqb_add_indirect(&f->b, VQF_TABLE, s, 4) >= 0);
	vqf_pop_fails(f, -EINVAL);
}

/* Each kind has its own u32 total: one of each at the maximum is fine. */
static void test_len_max_each(void **state)
{
	struct vqf *f = *state;
	struct vqb_seg s[] = {{LAYOUT_4G, 0xfffffffe, false},
			      {LAYOUT_4G, 1, false},
			      {LAYOUT_4G + 1, 0xffffffff, true}};

	assert_true(vqb_add_chain(&f->b, s, 3) >= 0);
	assert_int_equal(vq_pop(&f->vq, &f->c), 1);
	assert_int_equal(f->c.read_len, 0xffffffff);
	assert_int_equal(f->c.write_len, 0xffffffff);
	assert_int_equal(f->vq.errors, 0);
}

/* --- indirect --- */

static void test_indirect_not_negotiated(void **state)
{
	struct vqf *f = *state;

	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 8, 0, 0);
	ind(f, VQF_TABLE, 16, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_indirect_nested(void **state)
{
	struct vqf *f = *state;

	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 8, F_NEXT, 1);
	vqf_tdesc(f, VQF_TABLE, 1, VQF_TABLE + 0x100, 16, F_IND, 0);
	vqf_tdesc(f, VQF_TABLE + 0x100, 0, VQF_DATA, 8, 0, 0);
	ind(f, VQF_TABLE, 32, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_indirect_with_next(void **state)
{
	struct vqf *f = *state;

	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 8, 0, 0);
	vqf_desc(f, 1, VQF_DATA, 8, 0, 0);
	vqf_desc(f, 0, VQF_TABLE, 16, F_IND | F_NEXT, 1);
	vqf_publish(f, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_indirect_len_zero(void **state)
{
	struct vqf *f = *state;

	ind(f, VQF_TABLE, 0, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_indirect_len_not_multiple(void **state)
{
	struct vqf *f = *state;

	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 8, 0, 0);
	ind(f, VQF_TABLE, 24, 0);
	vqf_pop_fails(f, -EINVAL);
	vqf_desc(f, 0, VQF_TABLE, 15, F_IND, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_indirect_too_long(void **state)
{
	struct vqf *f = *state;

	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 8, 0, 0);
	ind(f, VQF_TABLE, (VQF_SIZE + 1) * 16, 0);
	vqf_pop_fails(f, -EINVAL);
	vqf_desc(f, 0, VQF_TABLE, 0xfffffff0, F_IND, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_indirect_table_outside_ram(void **state)
{
	struct vqf *f = *state;

	ind(f, OUTSIDE, 16, 0);
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, VQF_RAM_END - 16, 32, F_IND, 0); /* straddles */
	vqf_pop_fails(f, -EFAULT);
	vqf_desc(f, 0, UINT64_MAX - 15, 32, F_IND, 0); /* wraps */
	vqf_pop_fails(f, -EFAULT);
}

static void test_indirect_loop(void **state)
{
	struct vqf *f = *state;

	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 8, F_NEXT, 1);
	vqf_tdesc(f, VQF_TABLE, 1, VQF_DATA, 8, F_NEXT, 0);
	ind(f, VQF_TABLE, 32, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_indirect_next_out_of_table(void **state)
{
	struct vqf *f = *state;

	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 8, F_NEXT, 2); /* table of 2 */
	vqf_tdesc(f, VQF_TABLE, 2, VQF_DATA, 8, 0, 0);
	ind(f, VQF_TABLE, 32, 0);
	vqf_pop_fails(f, -EINVAL);
}

static void test_indirect_entry_bad(void **state)
{
	struct vqf *f = *state;

	vqf_tdesc(f, VQF_TABLE, 0, VQF_DATA, 8, F_NEXT, 1);
	vqf_tdesc(f, VQF_TABLE, 1, OUTSIDE, 8, 0, 0);
	ind(f, VQF_TABLE, 32, 0);
	vqf_pop_fails(f, -EFAULT);
	vqf_tdesc(f, VQF_TABLE, 1, VQF_DATA, 0, 0, 0);
	vqf_pop_fails(f, -EINVAL);
	vqf_tdesc(f, VQF_TABLE, 1, UINT64_MAX, 2, F_WRITE, 0);
	vqf_pop_fails(f, -EFAULT);
}

/* --- vq_enable --- */

/* vq_enable fails with err, counts it, and the queue stays disabled. */
static void enable_fails(struct vqf *f, int err)
{
	uint64_t errors = f->vq.errors;

	assert_int_equal(vq_enable(&f->vq), err);
	assert_int_equal(f->vq.errors, errors + 1);
	assert_false(f->vq.enabled);
	assert_int_equal(vq_pop(&f->vq, &f->c), 0);
	assert_int_equal(vq_push(&f->vq, 0, 0), -EINVAL);
}

static void test_enable_size(void **state)
{
	struct vqf *f = *state;

	f->vq.size = 0;
	enable_fails(f, -EINVAL);
	f->vq.size = 3;
	enable_fails(f, -EINVAL);
	f->vq.size = 24;
	enable_fails(f, -EINVAL);
	f->vq.size = VQ_MAX_SIZE * 2;
	enable_fails(f, -EINVAL);
	f->vq.size = 0x8000;
	enable_fails(f, -EINVAL);
	/* Above what this device offers. */
	assert_int_equal(vq_init(&f->vq, &f->gm, 8), 0);
	vqb_configure(&f->b, &f->vq); /* size 16 */
	enable_fails(f, -EINVAL);
	f->vq.size = 8;
	assert_int_equal(vq_enable(&f->vq), 0);
	f->vq.size = 1;
	assert_int_equal(vq_enable(&f->vq), 0);
}

static void test_enable_misaligned(void **state)
{
	struct vqf *f = *state;

	f->vq.desc_gpa = VQF_DESC + 8;
	enable_fails(f, -EINVAL);
	vqb_configure(&f->b, &f->vq);
	f->vq.avail_gpa = VQF_AVAIL + 1;
	enable_fails(f, -EINVAL);
	vqb_configure(&f->b, &f->vq);
	f->vq.used_gpa = VQF_USED + 2;
	enable_fails(f, -EINVAL);
	/* The minimum alignments are enough. */
	f->vq.desc_gpa = VQF_DESC + 16;
	f->vq.avail_gpa = VQF_AVAIL + 2;
	f->vq.used_gpa = VQF_USED + 4;
	assert_int_equal(vq_enable(&f->vq), 0);
}

static void test_enable_outside_ram(void **state)
{
	struct vqf *f = *state;
	const uint64_t s = VQF_SIZE;

	f->vq.desc_gpa = OUTSIDE;
	enable_fails(f, -EFAULT);
	f->vq.desc_gpa = VQF_RAM_END - 16 * s + 16; /* straddles */
	enable_fails(f, -EFAULT);
	f->vq.desc_gpa = UINT64_MAX - 15; /* wraps */
	enable_fails(f, -EFAULT);
	vqb_configure(&f->b, &f->vq);
	f->vq.avail_gpa = OUTSIDE;
	enable_fails(f, -EFAULT);
	vqb_configure(&f->b, &f->vq);
	f->vq.used_gpa = UINT64_MAX - 3;
	enable_fails(f, -EFAULT);
	/* Each ring may end exactly at the end of RAM. */
	vqb_configure(&f->b, &f->vq);
	f->vq.desc_gpa = VQF_RAM_END - 16 * s;
	assert_int_equal(vq_enable(&f->vq), 0);
	vqb_configure(&f->b, &f->vq);
	f->vq.avail_gpa = VQF_RAM_END - (6 + 2 * s);
	assert_int_equal(vq_enable(&f->vq), 0);
	vqb_configure(&f->b, &f->vq);
	f->vq.used_gpa = VQF_RAM_END - (6 + 8 * s + 2); /* 4-aligned, 2 spare */
	assert_int_equal(vq_enable(&f->vq), 0);
}

/* The event fields count: used_event / avail_event just past RAM. */
static void test_enable_event_field_outside(void **state)
{
	struct vqf *f = *state;
	const uint64_t s = VQF_SIZE;

	f->vq.used_gpa = VQF_RAM_END - (4 + 8 * s); /* avail_event out */
	enable_fails(f, -EFAULT);
	vqb_configure(&f->b, &f->vq);
	f->vq.avail_gpa = VQF_RAM_END - (4 + 2 * s); /* used_event out */
	enable_fails(f, -EFAULT);
	/* Also with EVENT_IDX off: the spec sizes include the fields. */
	vqb_configure(&f->b, &f->vq);
	assert_int_equal(vq_enable(&f->vq), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, vqf_setup, vqf_teardown)
#define TB(fn) cmocka_unit_test_setup_teardown(fn, vqf_setup_big, vqf_teardown)
#define TN(fn)                                                                 \
	cmocka_unit_test_setup_teardown(fn, vqf_setup_noind, vqf_teardown)
	const struct CMUnitTest tests[] = {
		T(test_loop),
		T(test_self_loop),
		T(test_too_long_mixed),
		T(test_head_out_of_range),
		T(test_next_out_of_range),
		T(test_avail_idx_jump),
		T(test_buf_outside_ram),
		T(test_buf_outside_ram_later),
		T(test_buf_gpa_overflow),
		T(test_buf_straddles_ram_end),
		TB(test_buf_straddles_hole),
		T(test_zero_len),
		T(test_write_before_read),
		T(test_write_before_read_indirect),
		TB(test_read_len_overflow),
		TB(test_write_len_overflow),
		TB(test_len_max_each),
		TN(test_indirect_not_negotiated),
		T(test_indirect_nested),
		T(test_indirect_with_next),
		T(test_indirect_len_zero),
		T(test_indirect_len_not_multiple),
		T(test_indirect_too_long),
		T(test_indirect_table_outside_ram),
		T(test_indirect_loop),
		T(test_indirect_next_out_of_table),
		T(test_indirect_entry_bad),
		T(test_enable_size),
		T(test_enable_misaligned),
		T(test_enable_outside_ram),
		T(test_enable_event_field_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
