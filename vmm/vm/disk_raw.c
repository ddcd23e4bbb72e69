// SPDX-License-Identifier: Apache-2.0
/*
 * The raw image disk backend; see disk_raw.h for the contract.
 *
 * Buffered mode hands the caller's iovecs (guest memory) straight to
 * preadv / pwritev. Direct mode gathers them into the bounce buffer before
 * a write and scatters the bounce buffer into them after a read, one chunk
 * at a time, so an O_DIRECT transfer always starts at an aligned address.
 */
#include "vmm/vm/disk_raw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/falloc.h>
#include <linux/fs.h>

#include "vmm/base/errmsg.h"

#define SECTOR	   512u
#define ZERO_CHUNK (64u << 10)
#define PUNCH	   (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)

/* Source for write_zeroes fallback writes; aligned for O_DIRECT. */
static const uint8_t zero_buf[ZERO_CHUNK] __attribute__((aligned(4096)));

/* Read or write all of iov[0 .. niov) at off, retrying short transfers and
 * EINTR; iov is consumed. 0 or -errno (-EIO when no progress is made). */
static int io_iov(int fd, bool wr, struct iovec *iov, int niov, off_t off)
{
	while (niov > 0) {
		ssize_t n = wr ? pwritev(fd, iov, niov, off)
			       : preadv(fd, iov, niov, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -EIO;
		off += n;
		while (niov > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			niov--;
		}
		if (niov > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* Copy n bytes between buf and the iovecs at *iov (to_buf: from them),
 * advancing *iov / *niov past what was copied. n is at most what is left. */
static void iov_copy(struct iovec **iov, int *niov, uint8_t *buf, size_t n,
		     bool to_buf)
{
	while (n && *niov > 0) {
		struct iovec *v = *iov;
		size_t take = MIN(v->iov_len, n);

		if (to_buf)
			memcpy(buf, v->iov_base, take);
		else
			memcpy(v->iov_base, buf, take);
		buf += take;
		n -= take;
		v->iov_base = (uint8_t *)v->iov_base + take;
		v->iov_len -= take;
		if (!v->iov_len) {
			(*iov)++;
			(*niov)--;
		}
	}
}

static ssize_t raw_rw(struct disk_raw *r, bool wr, struct iovec *iov, int niov,
		      uint64_t off)
{
	size_t total = 0;
	int rc;

	for (int i = 0; i < niov; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	if (off > (uint64_t)INT64_MAX - total)
		return -EINVAL; /* past what off_t can say */
	if (!total)
		return 0;
	if (!r->direct) {
		rc = io_iov(r->fd, wr, iov, niov, (off_t)off);
		return rc ? rc : (ssize_t)total;
	}
	for (size_t done = 0; done < total;) {
		size_t n = MIN(total - done, (size_t)DISK_RAW_BOUNCE);

		if (wr)
			iov_copy(&iov, &niov, r->bounce, n, true);
		rc = io_iov(r->fd, wr, &(struct iovec){r->bounce, n}, 1,
			    (off_t)(off + done));
		if (rc)
			return rc;
		if (!wr)
			iov_copy(&iov, &niov, r->bounce, n, false);
		done += n;
	}
	return (ssize_t)total;
}

static ssize_t raw_read(void *opaque, struct iovec *iov, int niov, uint64_t off)
{
	return raw_rw(opaque, false, iov, niov, off);
}

static ssize_t raw_write(void *opaque, struct iovec *iov, int niov,
			 uint64_t off)
{
	return raw_rw(opaque, true, iov, niov, off);
}

static int raw_flush(void *opaque)
{
	const struct disk_raw *r = opaque;

	return fdatasync(r->fd) ? -errno : 0;
}

static int falloc(int fd, int mode, uint64_t off, uint64_t len)
{
	if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
		return -EINVAL;
	while (fallocate(fd, mode, (off_t)off, (off_t)len) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static bool unsupported(int r)
{
	return r == -EOPNOTSUPP || r == -ENOSYS || r == -EINVAL;
}

static int raw_discard(void *opaque, uint64_t off, uint64_t len)
{
	const struct disk_raw *r = opaque;
	int rc = falloc(r->fd, PUNCH, off, len);

	return rc && !unsupported(rc) ? rc : 0;
}

static int raw_write_zeroes(void *opaque, uint64_t off, uint64_t len,
			    bool may_unmap)
{
	const struct disk_raw *r = opaque;
	int rc =
	    falloc(r->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off, len);

	if (rc && unsupported(rc) && may_unmap)
		rc = falloc(r->fd, PUNCH, off, len);
	if (!rc || !unsupported(rc))
		return rc;
	for (uint64_t done = 0; done < len; done += ZERO_CHUNK) {
		size_t n = (size_t)MIN(len - done, (uint64_t)ZERO_CHUNK);

		rc = io_iov(r->fd, true, &(struct iovec){(void *)zero_buf, n},
			    1, (off_t)(off + done));
		if (rc)
			return rc;
	}
	return 0;
}

static const struct disk_ops raw_ops = {
    .read = raw_read,
    .write = raw_write,
    .flush = raw_flush,
    .discard = raw_discard,
    .write_zeroes = raw_write_zeroes,
};

int disk_raw_check_direct(int fd, char *err, size_t errlen)
{
	unsigned off_align = 0, mem_align = 0;
	int ssz = 0;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return errmsg(err, errlen, -errno, "%s", strerror(errno));
	if (S_ISBLK(st.st_mode) && !ioctl(fd, BLKSSZGET, &ssz) && ssz > 0)
		off_align = (unsigned)ssz;
#ifdef STATX_DIOALIGN
	struct statx sx;

	if (S_ISREG(st.st_mode) &&
	    !statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) &&
	    (sx.stx_mask & STATX_DIOALIGN)) {
		/* 0: this file cannot do O_DIRECT at all. */
		off_align = sx.stx_dio_offset_align ? sx.stx_dio_offset_align
						    : UINT32_MAX;
		mem_align = sx.stx_dio_mem_align;
	}
#endif
	if (off_align > SECTOR || mem_align > DISK_RAW_BOUNCE_ALIGN)
		return errmsg(err, errlen, -EINVAL,
			      "O_DIRECT alignment of the image (offsets %u, "
			      "memory %u) does not fit 512-byte sectors",
			      off_align, mem_align);
	return 0;
}

int disk_raw_init(struct disk_raw *r, int fd, bool read_only, bool direct,
		  const char *name, char *err, size_t errlen)
{
	struct stat st;
	uint64_t size = 0;
	int fl;

	if (!name)
		name = "disk";
	if (r)
		memset(r, 0, sizeof(*r));
	if (!r || fd < 0)
		return errmsg(err, errlen, -EINVAL, "%s: bad arguments", name);
	r->fd = fd;
	r->direct = direct;
	if (fstat(fd, &st) || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &size)))
		return errmsg(err, errlen, -errno, "%s: image: %s", name,
			      strerror(errno));
	if (S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	else if (!S_ISBLK(st.st_mode))
		return errmsg(err, errlen, -EINVAL,
			      "%s: image is not a regular file or block device",
			      name);
	if ((!read_only && (fl & O_ACCMODE) == O_RDONLY) ||
	    !!(fl & O_DIRECT) != direct)
		return errmsg(err, errlen, -EINVAL,
			      "%s: image open flags do not match the options "
			      "(read-only fd for a writable disk, or O_DIRECT)",
			      name);
	if (direct && !(r->bounce = aligned_alloc(DISK_RAW_BOUNCE_ALIGN,
						  DISK_RAW_BOUNCE)))
		return errmsg(err, errlen, -ENOMEM, "%s: no bounce buffer",
			      name);
	r->disk = (struct disk){.ops = &raw_ops,
				.opaque = r,
				.size = size,
				.read_only = read_only,
				.align = direct ? SECTOR : 1};
	return 0;
}

void disk_raw_destroy(struct disk_raw *r)
{
	if (!r)
		return;
	free(r->bounce);
	r->bounce = NULL;
}
