/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal polled virtio-mmio (version 2) driver core: transport and
 * split virtqueues (VIRTIO 1.2 sections 2.7, 3.1, 4.2). No interrupts:
 * the driver notifies through QueueNotify and polls the used ring.
 *
 * Contract:
 *  - Registers are accessed with aligned 32-bit reads and writes only; the
 *    device-specific configuration space with the width of its field.
 *  - Every wait is bounded (a count of io_pause() steps or register
 *    reads). On any device misbehaviour (bad magic, refused FEATURES_OK,
 *    a queue that cannot be set up, a timeout, a bad used element) these
 *    functions print `testguest: FAIL ...` and exit through tg_exit() with
 *    a code from exitcodes.h; they return only on success.
 *  - Rings live in a static, page-aligned .bss area (physical ==
 *    virtual, below 4 GiB): one 4 KiB page per queue, VIO_MAX_QUEUES
 *    queues per device slot. vio_queue() zeroes the page.
 *  - Queue sizes are at most VQ_SIZE; descriptors are handed out from a
 *    free list and returned when their chain comes back in the used ring.
 *  - Feature negotiation accepts VIRTIO_F_VERSION_1 (required) plus what
 *    the caller asks for and the device offers; nothing else, so the
 *    rings have no event index and no indirect descriptors.
 */
#ifndef TG_VIRTIO_H
#define TG_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_ring.h>

#define VIO_MAX_DEVS 8   /* virtio_mmio.device= words handled */
#define VIO_MAX_QUEUES 3   /* queues per device the driver sets up */
#define VQ_SIZE 16       /* descriptors per queue (at most) */

/* Polling bounds, in io_pause() steps / status reads. A step is tens of
 * ns on hardware and several us on a host that emulates guest code, so
 * a wait is at most tens of seconds there and devices answer far sooner. */
#define VIO_WAIT_STEPS 4000000ul
#define VIO_STATUS_POLLS 200000ul

struct vq {
	unsigned index;   /* queue number on the device */
	uint16_t size;    /* 0: not set up */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx; /* next avail->idx to publish */
	uint16_t used_seen; /* used->idx consumed so far */
	uint16_t free_head, num_free;
	/* Per head of an outstanding chain: its length (0: not outstanding)
	 * and the bytes the device may write. */
	uint16_t chain_len[VQ_SIZE];
	uint32_t chain_wlen[VQ_SIZE];
};

struct vio_dev {
	unsigned slot;       /* 0 .. VIO_MAX_DEVS-1: selects ring pages */
	uint64_t base, size; /* MMIO window */
	uint32_t irq;
	uint32_t id;         /* VIRTIO_ID_* */
	uint64_t features;   /* negotiated */
	struct vq q[VIO_MAX_QUEUES];
};

/* One buffer of a chain: device-writable when `write`. */
struct vq_buf {
	uint64_t addr;
	uint32_t len;
	bool write;
};

uint32_t vio_read32(const struct vio_dev *d, uint32_t off);
void vio_write32(const struct vio_dev *d, uint32_t off, uint32_t val);

/* Device-specific configuration space (offset from 0x100). */
uint8_t vio_cfg8(const struct vio_dev *d, uint32_t off);
uint32_t vio_cfg32(const struct vio_dev *d, uint32_t off);
/* A 64-bit field read as two 32-bit halves, retried while
 * ConfigGeneration changes. */
uint64_t vio_cfg64(const struct vio_dev *d, uint32_t off);

/* Write 0 to Status and wait until it reads 0 (VIRTIO_RESET on timeout). */
void vio_reset(struct vio_dev *d);

/* Spec 3.1.1 steps 1-6: reset, ACKNOWLEDGE, DRIVER, negotiate
 * VERSION_1 | (want & offered), FEATURES_OK and check that it stuck.
 * Sets d->features. Clears every d->q. */
void vio_begin(struct vio_dev *d, uint64_t want);

/* Spec 4.2.3.2: set up queue `index` as d->q[slot] with min(VQ_SIZE,
 * QueueNumMax) entries (rounded down to a power of 2), QueueReady = 1. */
struct vq *vio_queue(struct vio_dev *d, unsigned slot, unsigned index);

/* Set DRIVER_OK; fails if the device reports NEEDS_RESET or FAILED. */
void vio_driver_ok(struct vio_dev *d);

/* Put a chain of n buffers on the available ring (not yet notified);
 * returns its head. */
uint16_t vq_add(struct vq *q, const struct vq_buf *b, unsigned n);

/* QueueNotify. */
void vq_kick(const struct vio_dev *d, const struct vq *q);

/* Take one used element if the device returned one within `steps`
 * pause steps: true with *id and *len (the chain's descriptors are
 * freed), false on timeout. A used element that names no outstanding
 * chain or claims more bytes than the chain can take fails with
 * VIRTIO_USED. */
bool vq_poll(const struct vio_dev *d, struct vq *q, unsigned long steps,
	     uint16_t *id, uint32_t *len);

/* vq_add + vq_kick + wait (VIO_WAIT_STEPS) for that chain; returns the
 * used length. Fails with VIRTIO_TIMEOUT naming `what`. */
uint32_t vq_xfer(const struct vio_dev *d, struct vq *q,
		 const struct vq_buf *b, unsigned n, const char *what);

/* Print `testguest: FAIL <what>: ...` (printf-style) and exit with
 * `code`. */
void vio_fail(unsigned code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

#endif
