/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared fixture for the virtio-blk unit tests (test_virtio_blk*.c).
 *
 * The device sits behind a real virtio-mmio transport (no bus) and the test
 * plays the driver through its registers (virtio_mmio_ops, 32-bit): status
 * handshake, features, queue 0 set up and ready (vq_enable), DRIVER_OK,
 * QueueNotify kicks; raise_irq counts. Rings are built and read back with
 * tests/support/vq_builder.h. The image is a temp file of pattern bytes
 * (never zero) checked with pread: 64 sectors plus a 100-byte tail that is
 * not exposed, behind the raw disk backend (vmm/vm/disk_raw.h);
 * fx_attach_disk takes any other backend instead. Include after cmocka.h.
 */
#ifndef VMM_TESTS_BLK_FIXTURE_H
#define VMM_TESTS_BLK_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <endian.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/mmio.h"
#include "tests/support/test_util.h"
#include "tests/support/vq_builder.h"
#include "vmm/vm/disk_raw.h"

#define DESC	   0x1000ull
#define AVAIL	   0x2000ull
#define USED	   0x3000ull
#define HDR	   0x10000ull  /* request header (+ data when shared) */
#define STAT	   0x11000ull  /* status bytes */
#define DATA	   0x20000ull  /* data buffers */
#define BIG	   0x200000ull /* direct mode: 2+ MiB of data */
#define QSIZE	   16
#define NSEC	   64
#define IMG_LEN	   (NSEC * 512 + 100)
#define DIRECT_LEN (4u << 20)
#define CFG(fld)   (VIRTIO_MMIO_CONFIG + offsetof(struct virtio_blk_config, fld))
#define S_OK	   VIRTIO_BLK_S_OK
#define S_IOERR	   VIRTIO_BLK_S_IOERR
#define S_UNSUPP   VIRTIO_BLK_S_UNSUPP
#define T_IN	   VIRTIO_BLK_T_IN
#define T_OUT	   VIRTIO_BLK_T_OUT
#define T_FLUSH	   VIRTIO_BLK_T_FLUSH
#define T_ID	   VIRTIO_BLK_T_GET_ID
#define T_DISCARD  VIRTIO_BLK_T_DISCARD
#define T_WZ	   VIRTIO_BLK_T_WRITE_ZEROES
#define UNMAP	   VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP
#define FEAT(f)	   (1ull << VIRTIO_BLK_F_##f)
/* Fixture flags, passed as the initial state. */
#define FX_RO  ((void *)1)
#define FX_EVT ((void *)2)

struct fx {
	struct guest_mem gm;
	struct virtio_blk blk;
	struct disk_raw raw; /* the backend over fd (fx_attach) */
	struct virtio_mmio m;
	struct vqb b;
	unsigned irqs;
	int fd;
	char path[256];
	size_t len;
	uint8_t *img; /* the bytes the image should hold */
};

static inline void count_irq(void *opaque)
{
	((struct fx *)opaque)->irqs++;
}

static inline void wr(struct fx *f, uint64_t off, uint32_t val)
{
	virtio_mmio_ops.write(&f->m, off, 4, val);
}

static inline uint64_t rd(struct fx *f, uint64_t off, unsigned size)
{
	return virtio_mmio_ops.read(&f->m, off, size);
}

/* Driver initialisation (spec 3.1.1) through the registers; also the way
 * back from NEEDS_RESET. Accepts every feature offered. */
static inline void driver_init(struct fx *f, bool event_idx)
{
	uint32_t s = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER, lo;

	wr(f, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(vqb_init(&f->b, &f->gm, QSIZE, DESC, AVAIL, USED), 0);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS, s);
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	lo = (uint32_t)rd(f, VIRTIO_MMIO_DEVICE_FEATURES, 4);
	if (!event_idx)
		lo &= ~(1u << VIRTIO_RING_F_EVENT_IDX);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, lo);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1u << (VIRTIO_F_VERSION_1 - 32));
	wr(f, VIRTIO_MMIO_STATUS, s |= VIRTIO_CONFIG_S_FEATURES_OK);
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 256);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
	wr(f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)AVAIL);
	wr(f, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)USED);
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(f, VIRTIO_MMIO_STATUS, s | VIRTIO_CONFIG_S_DRIVER_OK);
	assert_true(virtio_mmio_active(&f->m));
	f->irqs = 0;
}

/* A temp image of `len` pattern bytes in `dir` (NULL: the test_util
 * default), reopened with `flags`. 0, or -errno if that open fails. */
static inline int fx_image(struct fx *f, size_t len, const char *dir, int flags)
{
	f->len = len;
	f->img = test_malloc(len);
	for (size_t i = 0; i < len; i++)
		f->img[i] = (uint8_t)(i % 251 + 1);
	if (dir) {
		snprintf(f->path, sizeof(f->path), "%s/vmm-blk-XXXXXX", dir);
		f->fd = mkstemp(f->path);
		assert_true(f->fd >= 0);
		assert_int_equal(write(f->fd, f->img, len), (ssize_t)len);
		close(f->fd);
	} else {
		tu_write_temp(f->img, len, f->path, sizeof(f->path));
	}
	f->fd = open(f->path, flags);
	return f->fd < 0 ? -errno : 0;
}

/* The device over backend `disk`, behind the transport, driver_init'ed. */
static inline int fx_attach_disk(struct fx *f, struct disk *disk,
				 const char *id, bool event_idx)
{
	struct virtio_blk_opts o = {disk, id, "blk-test"};
	struct virtio_mmio_host mh = {.raise_irq = count_irq, .opaque = f};
	char err[160];
	int r = virtio_blk_init(&f->blk, &f->gm, &o, err, sizeof(err));

	if (r) {
		print_message("virtio_blk_init: %s\n", err);
		return r;
	}
	assert_int_equal(virtio_mmio_init(&f->m, &f->blk.dev, &mh), 0);
	driver_init(f, event_idx);
	return 0;
}

/* The device over the raw backend on f->fd. */
static inline int fx_attach(struct fx *f, bool ro, const char *id, bool direct,
			    bool event_idx)
{
	char err[160];
	int r = disk_raw_init(&f->raw, f->fd, ro, direct, "blk-test", err,
			      sizeof(err));

	if (r) {
		print_message("disk_raw_init: %s\n", err);
		return r;
	}
	return fx_attach_disk(f, &f->raw.disk, id, event_idx);
}

static inline struct fx *fx_new(bool ro, bool event_idx)
{
	struct fx *f = test_calloc(1, sizeof(*f));

	tu_mem_init(&f->gm, 16);
	assert_int_equal(fx_image(f, IMG_LEN, NULL, ro ? O_RDONLY : O_RDWR), 0);
	assert_int_equal(fx_attach(f, ro, "vmm-disk-0", false, event_idx), 0);
	return f;
}

static inline void fx_free(struct fx *f)
{
	if (f->m.dev)
		virtio_mmio_destroy(&f->m);
	virtio_blk_destroy(&f->blk);
	disk_raw_destroy(&f->raw);
	if (f->fd >= 0)
		close(f->fd);
	unlink(f->path);
	gm_destroy(&f->gm);
	test_free(f->img);
	test_free(f);
}

static inline int setup(void **state)
{
	*state = fx_new(*state == FX_RO, *state == FX_EVT);
	return 0;
}

static inline int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

static inline void put(struct fx *f, uint64_t gpa, const void *p, size_t len)
{
	assert_int_equal(gm_write(&f->gm, gpa, p, len), 0);
}

static inline void put_hdr(struct fx *f, uint32_t type, uint64_t sector)
{
	struct virtio_blk_outhdr h = {htole32(type), 0, htole64(sector)};

	put(f, HDR, &h, sizeof(h));
}

static inline uint8_t byte_at(struct fx *f, uint64_t gpa)
{
	uint8_t v;

	assert_int_equal(gm_read(&f->gm, gpa, &v, 1), 0);
	return v;
}

/* Publish a chain, kick, take its used element: the used length. */
static inline uint32_t run(struct fx *f, const struct vqb_seg *s, unsigned n)
{
	uint32_t id, len;
	int head = vqb_add_chain(&f->b, s, n);

	assert_true(head >= 0);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(vqb_get_used(&f->b, &id, &len), 1);
	assert_int_equal(id, (uint32_t)head);
	return len;
}

/* Header at HDR, `len` data bytes at DATA (device-writable for IN and
 * GET_ID), status at STAT: expect status `st` and used length `used`
 * (0: any). */
static inline void rq(struct fx *f, uint32_t type, uint64_t sector,
		      uint32_t len, uint8_t st, uint32_t used)
{
	bool in = type == T_IN || type == T_ID;
	struct vqb_seg s[3] = {{HDR, 16, false}};
	unsigned n = 1;
	uint32_t u;

	put_hdr(f, type, sector);
	put(f, STAT, "\xee", 1);
	if (len)
		s[n++] = (struct vqb_seg){DATA, len, in};
	s[n++] = (struct vqb_seg){STAT, 1, true};
	u = run(f, s, n);
	assert_int_equal(byte_at(f, STAT), st);
	if (used)
		assert_int_equal(u, used);
}

/* DISCARD / WRITE_ZEROES with `nseg` copies of one segment. */
static inline void dz(struct fx *f, uint32_t type, uint64_t sector,
		      uint32_t num, uint32_t flags, unsigned nseg, uint8_t st)
{
	struct virtio_blk_discard_write_zeroes seg = {
	    htole64(sector), htole32(num), htole32(flags)};

	for (unsigned i = 0; i < nseg; i++)
		put(f, DATA + i * sizeof(seg), &seg, sizeof(seg));
	rq(f, type, 0, (uint32_t)(nseg * sizeof(seg)), st, 1);
}

/* The file holds f->img, but `want` (NULL: zeroes) in [off, off + len);
 * f->img is updated to match. Read through the page cache. */
static inline void check_file(struct fx *f, size_t off, size_t len,
			      const uint8_t *want)
{
	uint8_t *now = test_malloc(f->len);
	int fd = open(f->path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, now, f->len, 0), (ssize_t)f->len);
	close(fd);
	if (want)
		memmove(f->img + off, want, len);
	else
		memset(f->img + off, 0, len);
	assert_memory_equal(now, f->img, f->len);
	test_free(now);
}

#define BLK_TEST(fn, st)                                                       \
	cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, st)

#endif
