/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-blk's saved state (virtio_blk_save / virtio_blk_restore): a
 * device that has served requests is saved, its guest RAM and image
 * copied to a fresh device, the state restored there; then both serve the
 * same further requests alike (status, used ring, the data read, the
 * bytes written to the image, interrupts). A blob for another disk size
 * or mode, a truncated one and one of another tag are refused and leave
 * the fresh device as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "blk_fixture.h"
#include "vmm/base/state.h"

#define BLOB_MAX 2048
#define RAM_MIB	 16

/* Served by a device: status and used length of one OUT of `fill` bytes
 * at `sector`, then one IN of the same sector. */
static void write_then_read(struct fx *f, uint64_t sector, uint8_t fill,
			    uint8_t *st_out, uint8_t *st_in)
{
	uint8_t buf[512];
	memset(buf, fill, sizeof(buf));
	put(f, DATA, buf, sizeof(buf));
	rq(f, T_OUT, sector, 512, S_OK, 1);
	*st_out = byte_at(f, STAT);
	rq(f, T_IN, sector, 512, S_OK, 513);
	*st_in = byte_at(f, STAT);
}

/* A fresh device over a copy of f's image, its RAM a copy of f's, the
 * driver's ring bookkeeping f's. */
static struct fx *clone_setup(struct fx *a)
{
	struct fx *b = test_calloc(1, sizeof(*b));
	tu_mem_init(&b->gm, RAM_MIB);
	/* The image as a's is now. */
	uint8_t *now = test_malloc(a->len);
	assert_int_equal(pread(a->fd, now, a->len, 0), (ssize_t)a->len);
	b->len = a->len;
	b->img = now;
	tu_write_temp(now, a->len, b->path, sizeof(b->path));
	b->fd = open(b->path, O_RDWR);
	assert_true(b->fd >= 0);
	assert_int_equal(fx_attach(b, false, "vmm-disk-0", false, false), 0);
	/* Guest RAM and the driver's view of the ring, as a's. */
	uint8_t *ram = gm_ptr(&a->gm, 0, (uint64_t)RAM_MIB << 20);
	assert_int_equal(gm_write(&b->gm, 0, ram, (uint64_t)RAM_MIB << 20), 0);
	b->b = a->b;
	b->b.mem = &b->gm;
	b->irqs = a->irqs;
	return b;
}

static size_t save(struct fx *f, uint8_t *buf)
{
	struct st_writer w;
	st_writer_init(&w, buf, BLOB_MAX);
	virtio_blk_save(&f->blk, &w);
	long n = st_writer_end(&w);
	assert_true(n > 0);
	return (size_t)n;
}

static void test_round_trip(void **state)
{
	struct fx *a = *state;
	uint8_t s1, s2;
	/* A non-trivial position: several requests served. */
	for (unsigned i = 0; i < 5; i++)
		write_then_read(a, i, (uint8_t)(0x40 + i), &s1, &s2);
	uint8_t blob[BLOB_MAX];
	size_t n = save(a, blob);

	struct fx *b = clone_setup(a);
	struct st_reader r;
	st_reader_init(&r, blob, n);
	assert_int_equal(virtio_blk_restore(&b->blk, &r), 0);
	assert_int_equal(st_reader_end(&r), 0);
	assert_true(virtio_mmio_active(&b->m));
	/* Saved again, the same bytes. */
	uint8_t again[BLOB_MAX];
	assert_int_equal(save(b, again), n);
	assert_memory_equal(blob, again, n);

	/* The same requests, the same behaviour. */
	for (unsigned i = 0; i < 3; i++) {
		uint8_t a1, a2, b1, b2;
		write_then_read(a, 10 + i, (uint8_t)(0x70 + i), &a1, &a2);
		write_then_read(b, 10 + i, (uint8_t)(0x70 + i), &b1, &b2);
		assert_int_equal(a1, b1);
		assert_int_equal(a2, b2);
		uint8_t da[512], db[512];
		assert_int_equal(gm_read(&a->gm, DATA, da, 512), 0);
		assert_int_equal(gm_read(&b->gm, DATA, db, 512), 0);
		assert_memory_equal(da, db, 512);
		assert_int_equal(a->b.last_used, b->b.last_used);
		uint16_t ua, ub;
		assert_int_equal(gm_load16(&a->gm, USED + 2, &ua), 0);
		assert_int_equal(gm_load16(&b->gm, USED + 2, &ub), 0);
		assert_int_equal(ua, ub);
	}
	assert_int_equal(a->irqs, b->irqs);
	uint8_t ia[IMG_LEN], ib[IMG_LEN];
	assert_int_equal(pread(a->fd, ia, IMG_LEN, 0), IMG_LEN);
	assert_int_equal(pread(b->fd, ib, IMG_LEN, 0), IMG_LEN);
	assert_memory_equal(ia, ib, IMG_LEN);
	fx_free(b);
}

/* b refuses the blob and goes on from where it was: its used index
 * (not the blob's, which is 2) moves by one for the next request. */
static void refused(struct fx *b, const uint8_t *blob, size_t n)
{
	struct st_reader r;
	st_reader_init(&r, blob, n);
	uint16_t before = b->b.last_used, used;
	assert_int_equal(virtio_blk_restore(&b->blk, &r), -EINVAL);
	assert_true(virtio_mmio_active(&b->m));
	rq(b, T_IN, 0, 512, S_OK, 513);
	assert_int_equal(gm_load16(&b->gm, USED + 2, &used), 0);
	assert_int_equal(used, (uint16_t)(before + 1));
}

static void test_refused(void **state)
{
	struct fx *a = *state;
	uint8_t s1, s2;
	write_then_read(a, 1, 0x11, &s1, &s2);
	uint8_t blob[BLOB_MAX];
	size_t n = save(a, blob);

	struct fx *b = fx_new(false, false);
	refused(b, blob, n / 2);
	refused(b, blob, ST_HDR_LEN + 4); /* into the capacity */
	blob[0] ^= 1;			  /* another tag */
	refused(b, blob, n);
	blob[0] ^= 1;
	blob[ST_HDR_LEN] ^= 1; /* another capacity */
	refused(b, blob, n);
	blob[ST_HDR_LEN] ^= 1;
	blob[ST_HDR_LEN + 8] = 1; /* read-only, which b is not */
	refused(b, blob, n);
	blob[ST_HDR_LEN + 8] = 2; /* not a bool */
	refused(b, blob, n);
	fx_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
