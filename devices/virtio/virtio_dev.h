/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a virtio device implements for the transport (devices/virtio/mmio.h).
 *
 * The transport owns the register state machine (features, status, queue
 * setup, interrupts, reset) and one lock per device. Every op below is
 * called with that lock held, from a vCPU thread (MMIO exit) or the I/O
 * thread (ioeventfd), never both at once. A device that is woken by the
 * host (a tap became readable) takes the same lock with virtio_mmio_lock.
 *
 * A device reports back to the transport with virtio_mmio_signal_used
 * (buffers returned on a queue) and virtio_mmio_fail (the driver broke the
 * rules: the device goes NEEDS_RESET and is ignored until reset).
 */
#ifndef VMM_DEVICES_VIRTIO_DEV_H
#define VMM_DEVICES_VIRTIO_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/virtqueue.h"
#include "vmm/base/compiler.h"
#include "vmm/base/log.h"

struct virtio_dev;
struct virtio_mmio;

struct virtio_dev_ops {
	/* Read `size` (1, 2, 4 or 8) bytes at `off` of the config space;
	 * the transport guarantees off + size <= config_len. */
	uint64_t (*config_read)(struct virtio_dev *d, uint32_t off,
				unsigned size);
	/* Write to the config space (same guarantees). NULL: read-only. */
	void (*config_write)(struct virtio_dev *d, uint32_t off, unsigned size,
			     uint64_t val);
	/* The driver set DRIVER_OK: acked_features is final and every queue
	 * the driver enabled is valid. 0, or -errno: the transport marks the
	 * device NEEDS_RESET. NULL: nothing to do. */
	int (*activate)(struct virtio_dev *d) VMM_WUR;
	/* The driver made buffers available on queue q (q < nqueues, the
	 * queue enabled, the device active and not NEEDS_RESET). Process
	 * what can be processed now; return 0, or -errno on a guest
	 * violation (the transport then marks NEEDS_RESET). */
	int (*queue_notify)(struct virtio_dev *d, unsigned q) VMM_WUR;
	/* The driver reset the device: drop in-flight state. The transport
	 * resets the queues and features itself. */
	void (*reset)(struct virtio_dev *d);
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	const char *name;       /* for messages, e.g. "virtio-blk0" */
	uint32_t device_id;     /* VIRTIO_ID_* from linux/virtio_ids.h */
	uint64_t host_features; /* device-specific feature bits offered; the
				 * transport adds VIRTIO_F_VERSION_1,
				 * VIRTIO_RING_F_EVENT_IDX and
				 * VIRTIO_RING_F_INDIRECT_DESC */
	uint64_t acked_features; /* valid from FEATURES_OK on */
	uint32_t config_len;
	unsigned nqueues;
	struct virtqueue *vqs; /* nqueues queues, vq_init'ed by the device */
	struct virtio_mmio *transport; /* set by virtio_mmio_init */
	/* The limiter for the device's messages, all of which a guest can
	 * trigger (vmm/base/log.h); set by whoever builds the device, NULL: no
	 * limit (unit tests). */
	struct log_limit *log;
};

#endif
