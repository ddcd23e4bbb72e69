/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for virtio-blk (devices/virtio/blk.c): configuration, init,
 * reads and writes, request layouts, FLUSH, GET_ID, bounds, request types,
 * read-only, batching. DISCARD / WRITE_ZEROES, O_DIRECT, host errors and
 * driver violations are in test_virtio_blk_io.c; the fixture (a real
 * virtio-mmio transport driven through its registers) in blk_fixture.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/blk_fixture.h"

static void test_config(void **state)
{
	struct fx *f = *state, *r;
	uint64_t feat = f->blk.dev.acked_features;

	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID, 4), VIRTIO_ID_BLOCK);
	assert_int_equal(f->blk.dev.config_len,
			 sizeof(struct virtio_blk_config));
	assert_int_equal(rd(f, CFG(capacity), 8), NSEC); /* tail not exposed */
	assert_int_equal(rd(f, CFG(capacity), 4), NSEC);
	assert_int_equal(rd(f, CFG(capacity) + 4, 4), 0);
	assert_int_equal(rd(f, CFG(size_max), 4), VIRTIO_BLK_SIZE_MAX);
	assert_int_equal(rd(f, CFG(seg_max), 4), 254);
	assert_int_equal(rd(f, CFG(blk_size), 4), 512);
	assert_int_equal(rd(f, CFG(blk_size), 2), 512);
	assert_int_equal(rd(f, CFG(max_discard_sectors), 4),
			 VIRTIO_BLK_MAX_DISCARD_SECTORS);
	assert_int_equal(rd(f, CFG(max_discard_seg), 4), 1);
	assert_int_equal(rd(f, CFG(discard_sector_alignment), 4), 8);
	assert_int_equal(rd(f, CFG(max_write_zeroes_sectors), 4),
			 VIRTIO_BLK_MAX_WZ_SECTORS);
	assert_int_equal(rd(f, CFG(max_write_zeroes_seg), 4), 1);
	assert_int_equal(rd(f, CFG(write_zeroes_may_unmap), 1), 1);
	assert_int_equal(rd(f, CFG(num_queues), 2), 0);
	assert_int_equal(feat & (FEAT(FLUSH) | FEAT(SEG_MAX) | FEAT(SIZE_MAX) |
				 FEAT(BLK_SIZE) | FEAT(DISCARD) |
				 FEAT(WRITE_ZEROES) | FEAT(RO)),
			 FEAT(FLUSH) | FEAT(SEG_MAX) | FEAT(SIZE_MAX) |
			     FEAT(BLK_SIZE) | FEAT(DISCARD) |
			     FEAT(WRITE_ZEROES));
	r = fx_new(true, false);
	feat = r->blk.dev.host_features;
	assert_int_equal(feat & (FEAT(RO) | FEAT(DISCARD) | FEAT(WRITE_ZEROES)),
			 FEAT(RO));
	assert_int_equal(rd(r, CFG(capacity), 8), NSEC);
	assert_int_equal(rd(r, CFG(max_discard_sectors), 4), 0);
	fx_free(r);
}

static void init_fails(struct fx *f, struct virtio_blk_opts o)
{
	struct virtio_blk b;
	char err[160];

	err[0] = 0;
	assert_int_equal(virtio_blk_init(&b, &f->gm, &o, err, sizeof(err)),
			 -EINVAL);
	assert_true(err[0]);
}

/* The raw backend refuses fd, ro and direct that do not fit together. */
static void raw_fails(int fd, bool ro, bool direct)
{
	struct disk_raw r;
	char err[160];

	err[0] = 0;
	assert_int_equal(
	    disk_raw_init(&r, fd, ro, direct, "t", err, sizeof(err)), -EINVAL);
	assert_true(err[0]);
	disk_raw_destroy(&r);
}

static void test_init_errors(void **state)
{
	struct fx *f = *state;
	struct virtio_blk b;
	struct disk odd = f->raw.disk;
	struct virtio_blk_opts o = {.disk = &f->raw.disk,
				    .id = "12345678901234567890"};
	int ro = open(f->path, O_RDONLY), dir = open("/", O_RDONLY), p[2];
	char err[160];

	assert_int_equal(virtio_blk_init(&b, &f->gm, &o, err, sizeof(err)), 0);
	assert_memory_equal(b.id, o.id, 20); /* exactly 20: no NUL */
	virtio_blk_destroy(&b);
	o.id = "123456789012345678901";
	init_fails(f, o);
	init_fails(f, (struct virtio_blk_opts){.disk = NULL});
	odd.align = 1024; /* sectors are 512 bytes */
	init_fails(f, (struct virtio_blk_opts){.disk = &odd});
	odd.align = 3;
	init_fails(f, (struct virtio_blk_opts){.disk = &odd});
	raw_fails(f->fd, false, true);
	raw_fails(ro, false, false); /* writable disk */
	raw_fails(dir, true, false);
	assert_int_equal(pipe(p), 0);
	raw_fails(p[0], true, false);
	raw_fails(-1, false, false);
	close(p[0]);
	close(p[1]);
	close(dir);
	close(ro);
}

static void test_read_write(void **state)
{
	struct fx *f = *state;
	uint8_t buf[1536];

	rq(f, T_IN, 2, 1536, S_OK, 1537);
	assert_int_equal(gm_read(&f->gm, DATA, buf, 1536), 0);
	assert_memory_equal(buf, f->img + 1024, 1536);
	assert_int_equal(f->blk.reads, 1);
	assert_int_equal(f->irqs, 1);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0x80 ^ i);
	put(f, DATA, buf, 1024);
	rq(f, T_OUT, 5, 1024, S_OK, 1);
	assert_int_equal(f->blk.writes, 1);
	check_file(f, 5 * 512, 1024, buf);
	rq(f, T_IN, NSEC, 0, S_OK, 1); /* zero-length transfers are fine */
	assert_int_equal(f->blk.errors, 0);
}

static void test_layouts(void **state)
{
	struct fx *f = *state;
	uint8_t a[1024], got[1024];
	/* IN: data over three buffers, the status shares the last one. */
	struct vqb_seg in[4] = {{HDR, 16, false},
				{DATA, 100, true},
				{DATA + 0x1000, 700, true},
				{DATA + 0x2000, 225, true}};
	/* OUT: header and data in one buffer. */
	struct vqb_seg one[2] = {{HDR, 16 + 1024, false}, {STAT, 1, true}};
	/* OUT: header + 300 data bytes, then 724 more. */
	struct vqb_seg two[3] = {
	    {HDR, 316, false}, {DATA, 724, false}, {STAT, 1, true}};

	put_hdr(f, T_IN, 1);
	assert_int_equal(run(f, in, 4), 1025);
	assert_int_equal(gm_read(&f->gm, DATA, got, 100), 0);
	assert_int_equal(gm_read(&f->gm, DATA + 0x1000, got + 100, 700), 0);
	assert_int_equal(gm_read(&f->gm, DATA + 0x2000, got + 800, 224), 0);
	assert_memory_equal(got, f->img + 512, 1024);
	assert_int_equal(byte_at(f, DATA + 0x2000 + 224), S_OK);

	for (unsigned i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(i * 3);
	put_hdr(f, T_OUT, 7);
	put(f, HDR + 16, a, 1024);
	assert_int_equal(run(f, one, 2), 1);
	assert_int_equal(byte_at(f, STAT), S_OK);
	check_file(f, 7 * 512, 1024, a);
	put_hdr(f, T_OUT, 20);
	put(f, HDR + 16, a + 512, 300);
	put(f, DATA, a + 812, 212);
	put(f, DATA + 212, a, 512);
	assert_int_equal(run(f, two, 3), 1);
	assert_int_equal(byte_at(f, STAT), S_OK);
	memcpy(got, a + 512, 512);
	memcpy(got + 512, a, 512);
	check_file(f, 20 * 512, 1024, got);
}

static void test_flush_get_id(void **state)
{
	struct fx *f = *state;
	uint8_t id[20];

	rq(f, T_FLUSH, 0, 0, S_OK, 1);
	assert_int_equal(f->blk.flushes, 1);
	memset(id, 0xaa, sizeof(id));
	put(f, DATA, id, sizeof(id));
	rq(f, T_ID, 0, 20, S_OK, 21);
	assert_int_equal(gm_read(&f->gm, DATA, id, 20), 0);
	assert_memory_equal(id, "vmm-disk-0\0\0\0\0\0\0\0\0\0\0", 20);
	rq(f, T_ID, 0, 3, S_OK, 4); /* a short buffer gets what fits */
	rq(f, T_ID, 0, 0, S_IOERR, 1);
}

static void test_bounds(void **state)
{
	struct fx *f = *state;

	rq(f, T_IN, NSEC - 1, 512, S_OK, 513);
	rq(f, T_IN, NSEC, 512, S_IOERR, 1);
	rq(f, T_IN, NSEC - 1, 1024, S_IOERR, 1);
	rq(f, T_IN, UINT64_MAX, 512, S_IOERR, 1);
	rq(f, T_IN, UINT64_MAX / 512 + 1, 512, S_IOERR, 1);
	rq(f, T_OUT, UINT64_MAX - 1, 1024, S_IOERR, 1);
	rq(f, T_OUT, NSEC, 512, S_IOERR, 1);
	rq(f, T_IN, 0, 513, S_IOERR, 1); /* not a multiple of 512 */
	rq(f, T_OUT, 0, 100, S_IOERR, 1);
	assert_int_equal(f->blk.errors, 8);
	check_file(f, 0, 0, NULL);
	/* The last sector is writable; the tail past it is never touched. */
	put(f, DATA, "last", 4);
	rq(f, T_OUT, NSEC - 1, 512, S_OK, 1);
	assert_int_equal(gm_read(&f->gm, DATA, f->img + (NSEC - 1) * 512, 512),
			 0);
	check_file(f, 0, 0, NULL);
}

static void test_unsupported(void **state)
{
	struct fx *f = *state;
	static const uint32_t types[] = {2, 3, 5, 10, 14, 16, 0x80000001u, 99};

	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		rq(f, types[i], 0, 512, S_UNSUPP, 1);
	assert_int_equal(f->blk.errors, 8);
	check_file(f, 0, 0, NULL);
}

static void test_read_only(void **state)
{
	struct fx *f = *state;

	put(f, DATA, f->img + 512, 512);
	rq(f, T_OUT, 0, 512, S_IOERR, 1);
	dz(f, T_DISCARD, 0, 8, 0, 1, S_IOERR);
	dz(f, T_WZ, 0, 8, 0, 1, S_IOERR);
	check_file(f, 0, 0, NULL);
	rq(f, T_IN, 3, 512, S_OK, 513);
	rq(f, T_FLUSH, 0, 0, S_OK, 1);
	assert_int_equal(f->blk.writes, 0);
	assert_int_equal(f->blk.errors, 3);
}

/* Several chains, one kick: all served, one interrupt, avail_event set. */
/* A new backend (PATCH /drives): requests go to it, the capacity is its
 * own, the driver is told; a backend of the other mode is refused. */
static void test_set_disk(void **state)
{
	struct fx *f = *state, *r = fx_new(false, false),
		  *ro = fx_new(true, false);
	char err[256];
	uint8_t buf[512], mark[512];

	memset(mark, 0x5a, sizeof(mark));
	assert_int_equal(pwrite(r->fd, mark, sizeof(mark), 0), 512);
	struct disk small = r->raw.disk;
	small.size = 8 * 512;
	uint32_t gen = rd(f, VIRTIO_MMIO_CONFIG_GENERATION, 4);
	unsigned irqs = f->irqs;

	virtio_mmio_lock(&f->m);
	assert_int_equal(
	    virtio_blk_set_disk(&f->blk, &ro->raw.disk, err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "writable"));
	assert_int_equal(virtio_blk_set_disk(&f->blk, &small, err, sizeof(err)),
			 0);
	virtio_mmio_config_changed(&f->m);
	virtio_mmio_unlock(&f->m);
	assert_int_equal(rd(f, CFG(capacity), 8), 8);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG_GENERATION, 4), gen + 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS, 4) &
			     VIRTIO_MMIO_INT_CONFIG,
			 VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(f->irqs, irqs + 1);
	rq(f, T_IN, 0, 512, S_OK, 513);
	assert_int_equal(gm_read(&f->gm, DATA, buf, 512), 0);
	assert_memory_equal(buf, mark, 512);
	rq(f, T_IN, 8, 512, S_IOERR, 1); /* past the new capacity */
	/* Writes reach the new image, not the old. */
	put(f, DATA, "new", 3);
	rq(f, T_OUT, 1, 512, S_OK, 1);
	assert_int_equal(pread(r->fd, buf, 3, 512), 3);
	assert_memory_equal(buf, "new", 3);
	check_file(f, 0, 0, NULL);
	fx_free(r);
	fx_free(ro);
}

static void test_batch_event_idx(void **state)
{
	struct fx *f = *state;
	uint32_t id, len;
	uint16_t ev;

	for (unsigned i = 0; i < 3; i++) {
		struct vqb_seg s[3] = {{HDR, 16, false},
				       {DATA + i * 0x1000, 512 * (i + 1), true},
				       {STAT + i, 1, true}};

		assert_true(vqb_add_chain(&f->b, s, 3) >= 0);
	}
	put_hdr(f, T_IN, 0);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(vqb_get_used(&f->b, &id, &len), 1);
		assert_int_equal(len, 512 * (i + 1) + 1);
		assert_int_equal(byte_at(f, STAT + i), S_OK);
	}
	assert_int_equal(vqb_get_used(&f->b, &id, &len), 0);
	assert_int_equal(f->irqs, 1);
	assert_int_equal(vqb_avail_event(&f->b, &ev), 0);
	assert_int_equal(ev, 3);
	assert_int_equal(f->blk.reads, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    BLK_TEST(test_config, NULL),
	    BLK_TEST(test_set_disk, NULL),
	    BLK_TEST(test_init_errors, NULL),
	    BLK_TEST(test_read_write, NULL),
	    BLK_TEST(test_layouts, NULL),
	    BLK_TEST(test_flush_get_id, NULL),
	    BLK_TEST(test_bounds, NULL),
	    BLK_TEST(test_unsupported, NULL),
	    BLK_TEST(test_read_only, FX_RO),
	    BLK_TEST(test_batch_event_idx, FX_EVT),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
