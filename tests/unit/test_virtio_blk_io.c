/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for virtio-blk (devices/virtio/blk.c): DISCARD and
 * WRITE_ZEROES (fallocate and its fallbacks), driver violations
 * (NEEDS_RESET, then recovery after a reset), host I/O errors and O_DIRECT
 * through the bounce buffer. Fixture: blk_fixture.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/blk_fixture.h"

/* OK cases zero exactly their range; error cases change nothing. */
static void discard_wz(struct fx *f)
{
	dz(f, T_DISCARD, 4, 4, 0, 1, S_OK);
	check_file(f, 4 * 512, 4 * 512, NULL);
	dz(f, T_WZ, 10, 3, 0, 1, S_OK);
	check_file(f, 10 * 512, 3 * 512, NULL);
	dz(f, T_WZ, 17, 2, UNMAP, 1, S_OK);
	check_file(f, 17 * 512, 1024, NULL);
	dz(f, T_DISCARD, NSEC - 1, 1, 0, 1, S_OK);
	dz(f, T_DISCARD, 0, 0, 0, 1, S_OK);
	check_file(f, (NSEC - 1) * 512, 512, NULL);
	assert_int_equal(f->blk.discards, 5);
	/* UNSUPP: UNMAP on discard, unknown flags, two segments. */
	dz(f, T_DISCARD, 0, 1, UNMAP, 1, S_UNSUPP);
	dz(f, T_WZ, 0, 1, 2, 1, S_UNSUPP);
	dz(f, T_DISCARD, 0, 1, 0, 2, S_UNSUPP);
	/* IOERR: out of range, overflow, over the limit, bad payload size. */
	dz(f, T_DISCARD, NSEC - 1, 2, 0, 1, S_IOERR);
	dz(f, T_WZ, UINT64_MAX, 2, 0, 1, S_IOERR);
	dz(f, T_WZ, 0, VIRTIO_BLK_MAX_WZ_SECTORS + 1, 0, 1, S_IOERR);
	rq(f, T_DISCARD, 0, 15, S_IOERR, 1);
	rq(f, T_WZ, 0, 0, S_IOERR, 1);
	assert_int_equal(f->blk.errors, 8);
	check_file(f, 0, 0, NULL);
}

static void test_discard_write_zeroes(void **state)
{
	discard_wz(*state);
}

/* tmpfs has no FALLOC_FL_ZERO_RANGE: WRITE_ZEROES falls back to punching
 * (UNMAP) or writing zeroes. */
static void test_write_zeroes_fallback(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));

	(void)state;
	tu_mem_init(&f->gm, 16);
	if (access("/dev/shm", W_OK) ||
	    fx_image(f, IMG_LEN, "/dev/shm", O_RDWR)) {
		print_message("no /dev/shm: skipped\n");
		fx_free(f);
		skip();
	}
	assert_int_equal(fx_attach(f, false, NULL, false, false), 0);
	discard_wz(f);
	fx_free(f);
}

/* Kick; nothing is returned and the device is NEEDS_RESET until the
 * driver resets it, after which it works again. */
static void broken(struct fx *f)
{
	uint32_t id, len;

	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(vqb_get_used(&f->b, &id, &len), 0);
	assert_true(rd(f, VIRTIO_MMIO_STATUS, 4) & VIRTIO_CONFIG_S_NEEDS_RESET);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0); /* ignored */
	assert_int_equal(vqb_get_used(&f->b, &id, &len), 0);
	driver_init(f, false);
	assert_false(rd(f, VIRTIO_MMIO_STATUS, 4) &
		     VIRTIO_CONFIG_S_NEEDS_RESET);
	rq(f, T_IN, 1, 512, S_OK, 513);
}

static void test_violations(void **state)
{
	struct fx *f = *state;
	struct vqb_seg good[3] = {
	    {HDR, 16, false}, {DATA, 512, true}, {STAT, 1, true}};
	struct vqb_seg shorthdr[2] = {{HDR, 15, false}, {STAT, 1, true}};
	struct vqb_seg nostatus[2] = {{HDR, 16, false}, {DATA, 512, false}};
	uint32_t id, len;
	int head;

	/* A good chain is served, then a short header stops the queue: the
	 * good chain behind it is never looked at. */
	put_hdr(f, T_IN, 0);
	head = vqb_add_chain(&f->b, good, 3);
	assert_true(vqb_add_chain(&f->b, shorthdr, 2) >= 0);
	assert_true(vqb_add_chain(&f->b, good, 3) >= 0);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(vqb_get_used(&f->b, &id, &len), 1);
	assert_int_equal(id, (uint32_t)head);
	assert_int_equal(len, 513);
	assert_int_equal(f->blk.reads, 1);
	broken(f);
	/* No writable byte for the status: nothing written either. */
	put_hdr(f, T_OUT, 0);
	assert_true(vqb_add_chain(&f->b, nostatus, 2) >= 0);
	broken(f);
	check_file(f, 0, 0, NULL);
	/* A malformed chain (vq_pop): a buffer outside guest RAM. */
	assert_int_equal(vqb_set_desc(&f->b, 0, 0xfff0000000ull, 16, 0, 0), 0);
	assert_int_equal(vqb_publish(&f->b, 0), 0);
	broken(f);
	assert_int_equal(f->blk.errors, 0);
}

/* Host I/O errors become IOERR, never a crash: the image fd is swapped for
 * a directory, which fails every transfer. */
static void test_io_error(void **state)
{
	struct fx *f = *state;
	int saved = dup(f->fd), bad = open("/", O_RDONLY | O_DIRECTORY);

	assert_true(saved >= 0 && bad >= 0);
	assert_int_equal(dup2(bad, f->fd), f->fd);
	rq(f, T_IN, 0, 512, S_IOERR, 1);
	rq(f, T_OUT, 0, 512, S_IOERR, 1);
	dz(f, T_WZ, 0, 1, 0, 1, S_IOERR);
	assert_int_equal(f->blk.io_errors, 3);
	assert_int_equal(f->blk.errors, 3);
	assert_false(rd(f, VIRTIO_MMIO_STATUS, 4) &
		     VIRTIO_CONFIG_S_NEEDS_RESET);
	assert_int_equal(dup2(saved, f->fd), f->fd);
	close(saved);
	close(bad);
	rq(f, T_IN, 0, 512, S_OK, 513);
	check_file(f, 0, 0, NULL);
}

/* O_DIRECT through the bounce buffer: a request larger than it, guest
 * buffers that are not aligned. */
static void test_direct(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	const uint32_t n = VIRTIO_BLK_SIZE_MAX + 1536; /* > one bounce */
	struct vqb_seg out[4] = {{HDR, 16, false},
				 {BIG + 3, 1000, false},
				 {BIG + 0x1000, n - 1000, false},
				 {STAT, 1, true}};
	struct vqb_seg in[2] = {{HDR, 16, false},
				{BIG + 0x180001, n + 1, true}};
	uint8_t *buf = test_malloc(n), *got;
	int r;

	(void)state;
	tu_mem_init(&f->gm, 16);
	r = fx_image(f, DIRECT_LEN, "/var/tmp", O_RDWR | O_DIRECT);
	if (r == 0)
		r = fx_attach(f, false, NULL, true, false);
	if (r == -EINVAL) {
		print_message("O_DIRECT unusable in /var/tmp: skipped\n");
		test_free(buf);
		fx_free(f);
		skip();
	}
	assert_int_equal(r, 0);
	for (uint32_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	put(f, BIG + 3, buf, 1000);
	put(f, BIG + 0x1000, buf + 1000, n - 1000);
	put_hdr(f, T_OUT, 5);
	assert_int_equal(run(f, out, 4), 1);
	assert_int_equal(byte_at(f, STAT), S_OK);
	check_file(f, 5 * 512, n, buf);
	put_hdr(f, T_IN, 5);
	assert_int_equal(run(f, in, 2), n + 1);
	got = gm_ptr(&f->gm, BIG + 0x180001, n + 1);
	assert_memory_equal(got, buf, n);
	assert_int_equal(got[n], S_OK);
	dz(f, T_WZ, 1, 2, 0, 1, S_OK);
	rq(f, T_FLUSH, 0, 0, S_OK, 1);
	check_file(f, 512, 1024, NULL);
	assert_int_equal(f->blk.errors, 0);
	test_free(buf);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    BLK_TEST(test_discard_write_zeroes, NULL),
	    cmocka_unit_test(test_write_zeroes_fallback),
	    BLK_TEST(test_violations, NULL),
	    BLK_TEST(test_io_error, NULL),
	    cmocka_unit_test(test_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
