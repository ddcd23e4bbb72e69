/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the raw image disk backend (vmm/vm/disk_raw.c) against temp
 * files: size and flags at init, read / write over scattered iovecs,
 * flush, discard, write_zeroes and its tmpfs fallbacks, O_DIRECT through
 * the bounce buffer (where /var/tmp takes it), and every error as -errno.
 * The file is checked with pread through the page cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tests/support/test_util.h"
#include "vmm/vm/disk_raw.h"

#define LEN (64 * 512 + 100) /* 64 sectors and a partial one */

struct rfx {
	struct disk_raw raw;
	struct disk *d;
	int fd;
	char path[256];
	size_t len;
	uint8_t *img; /* what the file should hold */
};

/* A temp file of `len` pattern bytes (never zero) in dir (NULL: $TMPDIR),
 * reopened with flags. 0, or -errno if that open fails. */
static int rfx_file(struct rfx *f, size_t len, const char *dir, int flags)
{
	f->len = len;
	f->img = test_malloc(len);
	for (size_t i = 0; i < len; i++)
		f->img[i] = (uint8_t)(i % 251 + 1);
	if (dir) {
		snprintf(f->path, sizeof(f->path), "%s/vmm-raw-XXXXXX", dir);
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

static void rfx_free(struct rfx *f)
{
	disk_raw_destroy(&f->raw);
	if (f->fd >= 0)
		close(f->fd);
	unlink(f->path);
	test_free(f->img);
	test_free(f);
}

static struct rfx *rfx_new(bool ro)
{
	struct rfx *f = test_calloc(1, sizeof(*f));
	char err[160];

	assert_int_equal(rfx_file(f, LEN, NULL, ro ? O_RDONLY : O_RDWR), 0);
	assert_int_equal(
	    disk_raw_init(&f->raw, f->fd, ro, false, "t", err, sizeof(err)), 0);
	f->d = &f->raw.disk;
	return f;
}

/* The file holds f->img, but `want` (NULL: zeroes) in [off, off + len);
 * f->img is updated to match. */
static void check_file(struct rfx *f, size_t off, size_t len,
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

static ssize_t rd(struct rfx *f, struct iovec *iov, int n, uint64_t off)
{
	return f->d->ops->read(f->d->opaque, iov, n, off);
}

static ssize_t wr(struct rfx *f, struct iovec *iov, int n, uint64_t off)
{
	return f->d->ops->write(f->d->opaque, iov, n, off);
}

static void test_init(void **state)
{
	struct rfx *f = rfx_new(false), *r = rfx_new(true);
	struct disk_raw x;
	char err[160];
	int fd;

	(void)state;
	assert_int_equal(f->d->size, LEN);
	assert_false(f->d->read_only);
	assert_int_equal(f->d->align, 1);
	assert_ptr_equal(f->d->opaque, &f->raw);
	assert_true(f->d->ops->read && f->d->ops->write && f->d->ops->flush &&
		    f->d->ops->discard && f->d->ops->write_zeroes);
	assert_null(f->raw.bounce);
	assert_int_equal(r->d->size, LEN);
	assert_true(r->d->read_only);
	/* A closed fd: fstat's errno, with a message. */
	fd = dup(f->fd);
	assert_true(fd >= 0);
	close(fd);
	err[0] = 0;
	assert_int_equal(
	    disk_raw_init(&x, fd, true, false, "t", err, sizeof(err)), -EBADF);
	assert_true(err[0]);
	disk_raw_destroy(&x);
	disk_raw_destroy(&x); /* twice is fine */
	assert_int_equal(
	    disk_raw_init(NULL, f->fd, false, false, NULL, err, sizeof(err)),
	    -EINVAL);
	rfx_free(r);
	rfx_free(f);
}

static void test_read_write(void **state)
{
	struct rfx *f = rfx_new(false);
	uint8_t a[100], b[1000], c[436], got[1536];
	struct iovec iov[3] = {{a, sizeof(a)}, {b, sizeof(b)}, {c, sizeof(c)}};
	struct iovec one = {got, sizeof(got)};

	(void)state;
	/* Read sectors 2-4 into three buffers. */
	assert_int_equal(rd(f, iov, 3, 1024), 1536);
	assert_memory_equal(a, f->img + 1024, 100);
	assert_memory_equal(b, f->img + 1124, 1000);
	assert_memory_equal(c, f->img + 2124, 436);
	/* Write three buffers at sector 7. */
	for (unsigned i = 0; i < sizeof(got); i++)
		got[i] = (uint8_t)(0x80 ^ i);
	memcpy(a, got, 100);
	memcpy(b, got + 100, 1000);
	memcpy(c, got + 1100, 436);
	iov[0] = (struct iovec){a, sizeof(a)};
	iov[1] = (struct iovec){b, sizeof(b)};
	iov[2] = (struct iovec){c, sizeof(c)};
	assert_int_equal(wr(f, iov, 3, 7 * 512), 1536);
	check_file(f, 7 * 512, 1536, got);
	memset(got, 0, sizeof(got));
	assert_int_equal(rd(f, &one, 1, 7 * 512), 1536);
	assert_memory_equal(got, f->img + 7 * 512, 1536);
	/* Nothing to move is 0; the partial sector at the end reads. */
	assert_int_equal(rd(f, iov, 0, 0), 0);
	one = (struct iovec){got, 100};
	assert_int_equal(rd(f, &one, 1, 64 * 512), 100);
	assert_memory_equal(got, f->img + 64 * 512, 100);
	rfx_free(f);
}

static void test_rw_errors(void **state)
{
	struct rfx *f = rfx_new(false), *r = rfx_new(true);
	uint8_t buf[1024];
	struct iovec one = {buf, sizeof(buf)};
	int saved, dir;

	(void)state;
	/* Past the end of the image: no progress is -EIO. */
	assert_int_equal(rd(f, &one, 1, LEN), -EIO);
	/* Past what off_t holds. */
	one = (struct iovec){buf, sizeof(buf)};
	assert_int_equal(rd(f, &one, 1, UINT64_MAX - 10), -EINVAL);
	/* Writing through a read-only fd is the kernel's -EBADF. */
	one = (struct iovec){buf, sizeof(buf)};
	assert_int_equal(wr(r, &one, 1, 0), -EBADF);
	check_file(r, 0, 0, NULL);
	/* A directory behind the fd (opened read-only, as they must be):
	 * reads are -EISDIR, writes -EBADF. */
	saved = dup(f->fd);
	dir = open("/", O_RDONLY | O_DIRECTORY);
	assert_true(saved >= 0 && dir >= 0);
	assert_int_equal(dup2(dir, f->fd), f->fd);
	one = (struct iovec){buf, sizeof(buf)};
	assert_int_equal(rd(f, &one, 1, 0), -EISDIR);
	one = (struct iovec){buf, sizeof(buf)};
	assert_int_equal(wr(f, &one, 1, 0), -EBADF);
	assert_int_equal(dup2(saved, f->fd), f->fd);
	close(saved);
	close(dir);
	check_file(f, 0, 0, NULL);
	rfx_free(r);
	rfx_free(f);
}

static void test_flush(void **state)
{
	struct rfx *f = rfx_new(false);
	int saved = dup(f->fd), p[2];

	(void)state;
	assert_int_equal(f->d->ops->flush(f->d->opaque), 0);
	/* fdatasync on a pipe is -EINVAL. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[0], f->fd), f->fd);
	assert_int_equal(f->d->ops->flush(f->d->opaque), -EINVAL);
	assert_int_equal(dup2(saved, f->fd), f->fd);
	close(saved);
	close(p[0]);
	close(p[1]);
	rfx_free(f);
}

/* Discard: the range reads as zeroes (ext4 and tmpfs punch holes) and
 * nothing else changes; a real error is -errno, not a hint. */
static void discard(struct rfx *f)
{
	const struct disk *d = f->d;
	int saved = dup(f->fd), ro = open(f->path, O_RDONLY);

	assert_int_equal(d->ops->discard(d->opaque, 4096, 8192), 0);
	check_file(f, 4096, 8192, NULL);
	assert_int_equal(d->ops->discard(d->opaque, 512, 512), 0);
	check_file(f, 512, 512, NULL);
	assert_true(saved >= 0 && ro >= 0);
	assert_int_equal(dup2(ro, f->fd), f->fd);
	assert_int_equal(d->ops->discard(d->opaque, 0, 512), -EBADF);
	assert_int_equal(d->ops->write_zeroes(d->opaque, 0, 512, false),
			 -EBADF);
	assert_int_equal(dup2(saved, f->fd), f->fd);
	close(saved);
	close(ro);
	check_file(f, 0, 0, NULL);
}

/* write_zeroes with and without may_unmap: exactly its range. */
static void write_zeroes(struct rfx *f)
{
	const struct disk *d = f->d;

	assert_int_equal(
	    d->ops->write_zeroes(d->opaque, 10 * 512, 3 * 512, false), 0);
	check_file(f, 10 * 512, 3 * 512, NULL);
	assert_int_equal(d->ops->write_zeroes(d->opaque, 17 * 512, 1024, true),
			 0);
	check_file(f, 17 * 512, 1024, NULL);
	/* More than one 64 KiB chunk of the fallback: the file grows past
	 * the end only with it (KEEP_SIZE elsewhere), so stay inside. */
	assert_int_equal(d->ops->write_zeroes(d->opaque, 0, 64 * 512, false),
			 0);
	check_file(f, 0, 64 * 512, NULL);
}

static void test_discard_write_zeroes(void **state)
{
	struct rfx *f = rfx_new(false);

	(void)state;
	discard(f);
	write_zeroes(f);
	rfx_free(f);
}

/* tmpfs has no FALLOC_FL_ZERO_RANGE: write_zeroes punches (may_unmap) or
 * writes zeroes, which allocates. */
static void test_tmpfs_fallback(void **state)
{
	struct rfx *f = test_calloc(1, sizeof(*f));
	struct stat st;
	blkcnt_t before;
	char err[160];

	(void)state;
	if (access("/dev/shm", W_OK) || rfx_file(f, LEN, "/dev/shm", O_RDWR)) {
		print_message("no /dev/shm: skipped\n");
		rfx_free(f);
		skip();
	}
	assert_int_equal(
	    disk_raw_init(&f->raw, f->fd, false, false, "t", err, sizeof(err)),
	    0);
	f->d = &f->raw.disk;
	discard(f);
	write_zeroes(f);
	/* Zeroing a hole without may_unmap writes (allocates) it. */
	assert_int_equal(f->d->ops->discard(f->d->opaque, 0, 32768), 0);
	assert_int_equal(fstat(f->fd, &st), 0);
	before = st.st_blocks;
	assert_int_equal(f->d->ops->write_zeroes(f->d->opaque, 0, 32768, false),
			 0);
	assert_int_equal(fstat(f->fd, &st), 0);
	assert_true(st.st_blocks > before);
	/* ... and with may_unmap frees it. */
	before = st.st_blocks;
	assert_int_equal(f->d->ops->write_zeroes(f->d->opaque, 0, 32768, true),
			 0);
	assert_int_equal(fstat(f->fd, &st), 0);
	assert_true(st.st_blocks < before);
	check_file(f, 0, 32768, NULL);
	rfx_free(f);
}

/* O_DIRECT: init checks the flags, transfers larger than the bounce buffer
 * from and to unaligned buffers, zeroes, misaligned offsets refused. */
static void test_direct(void **state)
{
	struct rfx *f = test_calloc(1, sizeof(*f));
	const size_t n = DISK_RAW_BOUNCE + 1536, len = 4u << 20;
	uint8_t *src = test_malloc(n + 8), *dst = test_malloc(n + 8);
	struct iovec iov[3];
	struct disk_raw x;
	char err[160];
	int r;

	(void)state;
	r = rfx_file(f, len, "/var/tmp", O_RDWR | O_DIRECT);
	if (r == 0)
		r = disk_raw_check_direct(f->fd, err, sizeof(err));
	if (r == -EINVAL) {
		print_message("O_DIRECT unusable in /var/tmp: skipped\n");
		test_free(src);
		test_free(dst);
		rfx_free(f);
		skip();
	}
	assert_int_equal(r, 0);
	/* direct must match the fd's O_DIRECT both ways. */
	assert_int_equal(
	    disk_raw_init(&x, f->fd, false, false, "t", err, sizeof(err)),
	    -EINVAL);
	disk_raw_destroy(&x);
	assert_int_equal(
	    disk_raw_init(&f->raw, f->fd, false, true, "t", err, sizeof(err)),
	    0);
	f->d = &f->raw.disk;
	assert_int_equal(f->d->align, 512);
	assert_non_null(f->raw.bounce);
	assert_int_equal((uintptr_t)f->raw.bounce % DISK_RAW_BOUNCE_ALIGN, 0);
	for (size_t i = 0; i < n; i++)
		src[3 + i] = (uint8_t)(i * 7 + 3);
	iov[0] = (struct iovec){src + 3, 1000};
	iov[1] = (struct iovec){src + 1003, n - 2000};
	iov[2] = (struct iovec){src + 3 + n - 1000, 1000};
	assert_int_equal(wr(f, iov, 3, 5 * 512), (ssize_t)n);
	check_file(f, 5 * 512, n, src + 3);
	iov[0] = (struct iovec){dst + 1, 513};
	iov[1] = (struct iovec){dst + 514, n - 513};
	assert_int_equal(rd(f, iov, 2, 5 * 512), (ssize_t)n);
	assert_memory_equal(dst + 1, src + 3, n);
	/* The kernel refuses an offset O_DIRECT cannot take. */
	iov[0] = (struct iovec){dst, 512};
	assert_int_equal(rd(f, iov, 1, 100), -EINVAL);
	assert_int_equal(
	    f->d->ops->write_zeroes(f->d->opaque, 512, 1024, false), 0);
	assert_int_equal(f->d->ops->flush(f->d->opaque), 0);
	check_file(f, 512, 1024, NULL);
	test_free(src);
	test_free(dst);
	rfx_free(f);
}

static void test_check_direct(void **state)
{
	char err[160];
	int fd = open("/dev/null", O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(disk_raw_check_direct(fd, err, sizeof(err)), 0);
	close(fd);
	err[0] = 0;
	assert_int_equal(disk_raw_check_direct(fd, err, sizeof(err)), -EBADF);
	assert_true(err[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init),
	    cmocka_unit_test(test_read_write),
	    cmocka_unit_test(test_rw_errors),
	    cmocka_unit_test(test_flush),
	    cmocka_unit_test(test_discard_write_zeroes),
	    cmocka_unit_test(test_tmpfs_fallback),
	    cmocka_unit_test(test_direct),
	    cmocka_unit_test(test_check_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
