/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The disk backend contract: what a block device model (virtio-blk) may ask
 * of the storage behind it. A device sees guest memory, the bus and this
 * table; the host side (a file descriptor, an O_DIRECT bounce buffer, a
 * test's fault injector) lives in the backend that fills it in. The raw
 * image backend is vmm/vm/disk_raw.h.
 *
 * All offsets and lengths are in bytes. Every op is synchronous: it returns
 * when the transfer is complete (or has failed) and the caller may reuse its
 * buffers at once. Ops are called by one thread at a time per disk (the
 * device's transport lock); a backend needs no locking of its own.
 * Errors are -errno and never leave a partial result the caller must undo:
 * a failed write or zeroing may have changed some of its range, a failed
 * read may have filled some of its buffers, nothing else.
 *
 * Asynchronous I/O (io_uring) later: the synchronous ops stay and remain
 * the fallback. An asynchronous backend would add a submit op taking a
 * request with a completion callback, and an fd the I/O thread polls to
 * reap completions; a device would then keep per-request state instead of
 * completing each chain within one notification. Nothing here assumes that
 * the buffers of a request are released before the op returns, so the
 * iovec arrays handed to read / write are already the shape io_uring's
 * IORING_OP_READV / WRITEV take.
 */
#ifndef VMM_DEVICES_DISK_H
#define VMM_DEVICES_DISK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct disk_ops {
	/* Read bytes [off, off + total) into iov[0 .. niov), where total is
	 * the sum of the iov_len, retrying short transfers and EINTR. iov may
	 * be modified (consumed). The buffers need no alignment; off and each
	 * length are multiples of disk.align. total, or -errno: -EIO when the
	 * image ends before total bytes. */
	ssize_t (*read)(void *opaque, struct iovec *iov, int niov,
			uint64_t off);
	/* Write iov[0 .. niov) at off, as read. Never called on a read-only
	 * disk. total, or -errno. */
	ssize_t (*write)(void *opaque, struct iovec *iov, int niov,
			 uint64_t off);
	/* Make every write that completed before this call durable (survives
	 * the host process being killed). 0 or -errno. */
	int (*flush)(void *opaque);
	/* A hint that [off, off + len) is no longer needed: afterwards it
	 * reads either as before or as zeroes. A backend that cannot free
	 * space returns 0. Never on a read-only disk. 0 or -errno (a real
	 * I/O error). */
	int (*discard)(void *opaque, uint64_t off, uint64_t len);
	/* Make [off, off + len) read as zeroes. may_unmap: the space may be
	 * freed (a hole) instead of written. Never on a read-only disk. 0 or
	 * -errno. */
	int (*write_zeroes)(void *opaque, uint64_t off, uint64_t len,
			    bool may_unmap);
};

struct disk {
	const struct disk_ops *ops;
	void *opaque;	/* the first argument of every op */
	uint64_t size;	/* bytes, fixed for the disk's life */
	bool read_only; /* write, discard and write_zeroes are not allowed */
	uint32_t align; /* offsets and lengths of read / write must be
			 * multiples of it (a power of two; 512 for O_DIRECT,
			 * 1 otherwise) */
};

#endif
