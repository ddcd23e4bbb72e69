/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal virtio-mmio driver for device tests: bring a device up as
 * Linux does (reset, ACKNOWLEDGE, DRIVER, VERSION_1 and optionally
 * EVENT_IDX, FEATURES_OK, each queue, DRIVER_OK) through the transport's
 * registers, with each queue's rings laid out by a vq_builder.
 */
#ifndef VMM_TESTS_MMIO_DRIVER_H
#define VMM_TESTS_MMIO_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/mmio.h"
#include "tests/support/vq_builder.h"

#define MMIO_DRIVER_UP                                                         \
	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |                \
	 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

/* Bring m's device up with nq queues of qsize entries, queue q's rings at
 * ring(q) (descriptors), +0x1000 (avail), +0x2000 (used), in b[q]. 0, or
 * -1 when a step fails (the status does not read back as expected). */
static inline int mmio_driver_up(struct virtio_mmio *m, struct vqb *b,
				 unsigned nq, const struct guest_mem *gm,
				 uint16_t qsize, uint64_t (*ring)(unsigned),
				 bool event_idx)
{
	const struct bus_dev_ops *o = &virtio_mmio_ops;
	o->write(m, VIRTIO_MMIO_STATUS, 4, 0);
	o->write(m, VIRTIO_MMIO_STATUS, 4, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	o->write(m, VIRTIO_MMIO_STATUS, 4,
		 VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	o->write(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 0);
	o->write(m, VIRTIO_MMIO_DRIVER_FEATURES, 4,
		 event_idx ? 1u << VIRTIO_RING_F_EVENT_IDX : 0);
	o->write(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
	o->write(m, VIRTIO_MMIO_DRIVER_FEATURES, 4,
		 1u << (VIRTIO_F_VERSION_1 - 32));
	o->write(m, VIRTIO_MMIO_STATUS, 4,
		 MMIO_DRIVER_UP & ~VIRTIO_CONFIG_S_DRIVER_OK);
	for (unsigned q = 0; q < nq; q++) {
		uint64_t r = ring(q);
		if (vqb_init(&b[q], gm, qsize, r, r + 0x1000, r + 0x2000))
			return -1;
		o->write(m, VIRTIO_MMIO_QUEUE_SEL, 4, q);
		o->write(m, VIRTIO_MMIO_QUEUE_NUM, 4, qsize);
		o->write(m, VIRTIO_MMIO_QUEUE_DESC_LOW, 4, (uint32_t)r);
		o->write(m, VIRTIO_MMIO_QUEUE_AVAIL_LOW, 4,
			 (uint32_t)(r + 0x1000));
		o->write(m, VIRTIO_MMIO_QUEUE_USED_LOW, 4,
			 (uint32_t)(r + 0x2000));
		o->write(m, VIRTIO_MMIO_QUEUE_READY, 4, 1);
	}
	o->write(m, VIRTIO_MMIO_STATUS, 4, MMIO_DRIVER_UP);
	return o->read(m, VIRTIO_MMIO_STATUS, 4) == MMIO_DRIVER_UP ? 0 : -1;
}

#endif
