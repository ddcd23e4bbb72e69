/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The raw image disk backend (devices/disk.h): a regular file or a block
 * device opened by the host layer (vmm/vm/host.c), used byte for byte.
 *
 *  - read / write: preadv / pwritev on the guest's buffers. With O_DIRECT
 *    (direct), through a 4096-aligned bounce buffer of DISK_RAW_BOUNCE
 *    bytes, in chunks of that size; offsets and lengths must be multiples
 *    of 512 (disk.align).
 *  - flush: fdatasync(2).
 *  - discard: punches a hole (FALLOC_FL_PUNCH_HOLE | KEEP_SIZE); a file
 *    that cannot (EOPNOTSUPP, ENOSYS, EINVAL) still gets 0: discard is a
 *    hint.
 *  - write_zeroes: FALLOC_FL_ZERO_RANGE, else a hole when may_unmap, else
 *    zeroes written in 64 KiB chunks.
 *
 * The fd is borrowed: the host layer opens it before the sandbox and closes
 * it after the VM. disk_raw_init makes no call beyond fstat, fcntl(F_GETFL)
 * and BLKGETSIZE64 (and malloc), so a restart can run it under the control
 * thread's seccomp filter; the ops need preadv, pwritev, fdatasync and
 * fallocate (vmm/sandbox/policy.c).
 */
#ifndef VMM_DISK_RAW_H
#define VMM_DISK_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/disk.h"
#include "vmm/base/compiler.h"

#define DISK_RAW_BOUNCE	      (1u << 20) /* direct: bounce buffer bytes */
#define DISK_RAW_BOUNCE_ALIGN 4096u

struct disk_raw {
	struct disk disk; /* what the device gets */

	/* Private state. */
	int fd;
	bool direct;
	uint8_t *bounce; /* direct: DISK_RAW_BOUNCE bytes */
};

/* Make r->disk a backend for the image fd, which must be a regular file or
 * a block device, open for writing unless read_only and with O_DIRECT
 * exactly when direct. disk.size is the file's size or the device's
 * (BLKGETSIZE64). name is for messages. 0, or -EINVAL / -ENOMEM / -errno
 * with a message in err; r can be passed to disk_raw_destroy either way. */
int disk_raw_init(struct disk_raw *r, int fd, bool read_only, bool direct,
		  const char *name, char *err, size_t errlen) VMM_WUR;

/* For an image opened with O_DIRECT, once when it is opened (before the
 * sandbox: statx is not allowed after): -EINVAL when the kernel reports a
 * file-offset alignment over 512 or a memory alignment over the bounce
 * buffer's (every request would fail), with the reason in err. 0 when it
 * fits or the kernel does not say. */
int disk_raw_check_direct(int fd, char *err, size_t errlen) VMM_WUR;

/* After the device using r->disk is destroyed. Frees the bounce buffer;
 * does not close the fd. Safe on a zeroed or failed r, and twice. */
void disk_raw_destroy(struct disk_raw *r);

#endif
