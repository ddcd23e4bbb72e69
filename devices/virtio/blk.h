/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-blk: a disk over a disk backend (devices/disk.h; the raw image
 * backend is vmm/vm/disk_raw.h) (VIRTIO 1.2 section 5.2). One request queue
 * (queue 0, QueueNumMax 256), served synchronously on notification with
 * the transport lock held. The device never sees a host fd: every host
 * I/O is one of the backend's ops.
 *
 * Features: FLUSH, SEG_MAX (seg_max 254), SIZE_MAX (size_max 1 MiB,
 * advisory: longer buffers are served), BLK_SIZE (512), and RO when the
 * backend is read-only, else DISCARD and WRITE_ZEROES (one segment per
 * request, at most VIRTIO_BLK_MAX_DISCARD_SECTORS / VIRTIO_BLK_MAX_WZ_SECTORS
 * sectors, discard_sector_alignment 8, write_zeroes_may_unmap 1).
 *
 * Capacity is the backend's size / 512, taken once at init: a trailing
 * partial sector of an image whose size is not a multiple of 512 is not
 * exposed (never read or written; a warning is logged).
 *
 * Requests: the device-readable part starts with struct virtio_blk_outhdr
 * and the last device-writable byte is the status; the parts are flat byte
 * streams, so header, data and status may share buffers in any split. Data
 * is the readable bytes after the header (OUT, DISCARD, WRITE_ZEROES) or
 * the writable bytes before the status (IN, GET_ID); bytes on the other side
 * are ignored. The driver is hostile:
 *  - a malformed chain (vq_pop), a readable part shorter than the header or
 *    no writable byte is a violation: virtio_mmio_fail (NEEDS_RESET), the
 *    rest of the queue is left alone; chains completed before are still
 *    returned and signalled;
 *  - everything else completes with a status. VIRTIO_BLK_S_IOERR: IN/OUT
 *    data not a multiple of 512 bytes, a sector range past capacity
 *    (overflow-checked), a write (OUT, DISCARD, WRITE_ZEROES) to a
 *    read-only device, a DISCARD / WRITE_ZEROES payload that is empty or
 *    not a multiple of 16 bytes or over the sector limit, GET_ID without
 *    data bytes, or a host I/O error (any op returning -errno; counted in
 *    io_errors, logged, rate-limited; the device carries on). Nothing is
 *    written on a read-only device. VIRTIO_BLK_S_UNSUPP: an unknown type,
 *    more than one DISCARD / WRITE_ZEROES segment, unknown segment flags,
 *    or UNMAP on a DISCARD (spec 5.2.6.2).
 *  - GET_ID writes min(20, data length) bytes of the id, NUL-padded (no
 *    terminator when it is 20 bytes long; all zeroes without an id).
 *  - IN / OUT are one read / write op over the guest's data buffers (an
 *    iovec per buffer, pointing into guest memory).
 *  - FLUSH is the flush op before the status is written: every write
 *    completed before it is then on stable storage.
 *  - DISCARD is the discard op (a hint); WRITE_ZEROES the write_zeroes op,
 *    may_unmap when the driver set VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP.
 * The used length is the number of bytes written to the guest: data + 1
 * status byte for a successful IN or GET_ID, else 1 (a failed IN may have
 * filled part of its data; only the status is reported). A notification
 * serves chains until the queue is empty (re-checked after publishing
 * avail_event), then signals the used ring once.
 *
 * Counters are kept across resets.
 */
#ifndef VMM_DEVICES_VIRTIO_BLK_H
#define VMM_DEVICES_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <linux/virtio_blk.h>

#include "devices/disk.h"
#include "devices/virtio/vdev_type.h"
#include "devices/virtio/virtio_dev.h"
#include "devices/virtio/virtqueue.h"
#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/base/state.h"

#define VIRTIO_BLK_QUEUE_SIZE	       256	  /* QueueNumMax offered */
#define VIRTIO_BLK_SEG_MAX	       254	  /* config seg_max */
#define VIRTIO_BLK_SIZE_MAX	       (1u << 20) /* config size_max */
#define VIRTIO_BLK_MAX_DISCARD_SECTORS (1u << 21) /* 1 GiB per request */
#define VIRTIO_BLK_MAX_WZ_SECTORS      (1u << 17) /* 64 MiB per request */

struct virtio_blk_opts {
	struct disk *disk; /* the backend (borrowed: outlives the device);
			    * disk->read_only offers VIRTIO_BLK_F_RO and gives
			    * OUT/DISCARD/WRITE_ZEROES VIRTIO_BLK_S_IOERR */
	const char *id;	  /* serial for GET_ID (at most VIRTIO_BLK_ID_BYTES = 20
			   * bytes), or NULL */
	const char *name; /* for messages, e.g. "virtio-blk0" (copied) */
};

struct virtio_blk {
	struct virtio_dev dev; /* first: the ops get &b->dev; what the VMM
				* passes to virtio_mmio_init */
	struct virtqueue vq[1];

	/* Private state. */
	struct disk *disk;
	bool read_only;
	uint64_t capacity;	      /* in 512-byte sectors */
	struct virtio_blk_config cfg; /* little-endian, as the guest sees */
	char id[VIRTIO_BLK_ID_BYTES]; /* NUL-padded */
	char name[32];
	struct vq_chain chain;	       /* scratch for the chain served */
	struct iovec iov[VQ_MAX_SIZE]; /* scratch for the read / write ops */

	/* Counters: requests completed OK by kind, and requests completed
	 * with a status other than OK (violations are the transport's). */
	uint64_t reads, writes, flushes, discards; /* DISCARD + WRITE_ZEROES */
	uint64_t errors;
	uint64_t io_errors; /* host I/O failures among them (logged at the
			     * 1st, 2nd, 4th, 8th, ...) */
};

/* Power-on state over guest memory `mem` for the backend o->disk, whose
 * align must divide 512. Fills the config space and vq_init's the queue;
 * the transport (virtio_mmio_init on b->dev) is attached afterwards. Calls
 * no op and no system call but the write of its one warning (a trailing
 * partial sector). 0, or -EINVAL with a message in err. */
int virtio_blk_init(struct virtio_blk *b, const struct guest_mem *mem,
		    const struct virtio_blk_opts *o, char *err,
		    size_t errlen) VMM_WUR;

/* Put the device over another backend d (the API's PATCH /drives), with
 * the transport lock held: requests from now on go to d, and the capacity
 * in the config space is d's. d must be read-only exactly when the
 * device is (the guest's view of the mode cannot change) and its align
 * must divide 512. 0, or -EINVAL with a message in err and nothing
 * changed. The caller signals the change to the driver
 * (virtio_mmio_config_changed) and frees the old backend. */
int virtio_blk_set_disk(struct virtio_blk *b, struct disk *d, char *err,
			size_t errlen) VMM_WUR;

/* After virtio_mmio_destroy of its transport. Leaves the backend alone. */
void virtio_blk_destroy(struct virtio_blk *b);

/*
 * Saved state (docs/devices.md, "Device state"; blk_state.c): one VBLK
 * section holding the capacity in sectors and the read-only flag the
 * guest was given (a restore into a device over another disk size or mode
 * is refused: the guest's view would change under it), then the
 * transport's VMIO section with the queue. Requests are served whole
 * within one notification, so none is in flight to save; the counters
 * are host statistics.
 */
#define VIRTIO_BLK_STATE_TAG	 "VBLK"
#define VIRTIO_BLK_STATE_VERSION 1

/* Append the device's state to w (transport attached; errors stay in
 * w). */
void virtio_blk_save(struct virtio_blk *b, struct st_writer *w);

/* Restore one VBLK section into b (initialised, its transport attached,
 * not running): the same capacity and read-only flag, then
 * virtio_mmio_restore's checks. 0, or -EINVAL with rd bad and b
 * unchanged. */
int virtio_blk_restore(struct virtio_blk *b, struct st_reader *rd) VMM_WUR;

/* The type (vdev_type.h, blk_type.c): trace device kind 1. */
#define VIRTIO_BLK_TRACE_KIND 1
extern const struct vdev_type virtio_blk_type;

#endif
