/* SPDX-License-Identifier: Apache-2.0 */
#include "fuzz/memdisk.h"

#include <string.h>

#include "fuzz/fuzz.h"

/* The range [off, off + len) must lie on the disk. */
static uint8_t *memdisk_at(struct memdisk *m, uint64_t off, uint64_t len)
{
	FUZZ_CHECK(off <= sizeof(m->bytes) && len <= sizeof(m->bytes) - off);
	return m->bytes + off;
}

static ssize_t memdisk_rw(struct memdisk *m, struct iovec *iov, int niov,
			  uint64_t off, int write)
{
	uint64_t total = 0;
	for (int i = 0; i < niov; i++) {
		uint8_t *p = memdisk_at(m, off + total, iov[i].iov_len);
		if (write)
			memcpy(p, iov[i].iov_base, iov[i].iov_len);
		else
			memcpy(iov[i].iov_base, p, iov[i].iov_len);
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

static ssize_t memdisk_read(void *opaque, struct iovec *iov, int niov,
			    uint64_t off)
{
	return memdisk_rw(opaque, iov, niov, off, 0);
}

static ssize_t memdisk_write(void *opaque, struct iovec *iov, int niov,
			     uint64_t off)
{
	return memdisk_rw(opaque, iov, niov, off, 1);
}

static int memdisk_flush(void *opaque)
{
	(void)opaque;
	return 0;
}

static int memdisk_discard(void *opaque, uint64_t off, uint64_t len)
{
	memset(memdisk_at(opaque, off, len), 0, len);
	return 0;
}

static int memdisk_write_zeroes(void *opaque, uint64_t off, uint64_t len,
				bool may_unmap)
{
	(void)may_unmap;
	return memdisk_discard(opaque, off, len);
}

static const struct disk_ops memdisk_ops = {
    .read = memdisk_read,
    .write = memdisk_write,
    .flush = memdisk_flush,
    .discard = memdisk_discard,
    .write_zeroes = memdisk_write_zeroes,
};

void memdisk_init(struct memdisk *m)
{
	memset(m->bytes, 0, sizeof(m->bytes));
	m->disk = (struct disk){.ops = &memdisk_ops,
				.opaque = m,
				.size = sizeof(m->bytes),
				.align = 1};
}
