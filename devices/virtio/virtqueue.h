/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A VIRTIO 1.x split virtqueue, device side. The guest driver is hostile.
 *
 * Every ring and buffer address comes from the guest and is checked: the
 * rings must be aligned and lie wholly in guest RAM (vq_enable), every
 * descriptor index is below the queue size, a chain (indirect tables
 * included) has at most `size` descriptors, so loops end, every buffer lies
 * wholly in guest RAM with overflow-checked arithmetic, zero-length buffers
 * are refused, device-readable buffers come before device-writable ones,
 * the total of each kind fits in u32, INDIRECT is accepted only when it was
 * negotiated (never nested, never with NEXT, table length a non-zero
 * multiple of 16), and an avail index that moves by more than `size` is
 * refused. Each descriptor is copied out of guest memory exactly once
 * before it is checked and used (no double fetch).
 *
 * A violation returns -EINVAL (malformed) or -EFAULT (outside RAM) and is
 * counted in vq->errors; the caller (the transport) then marks the device
 * NEEDS_RESET and stops using the queue until the driver resets it.
 *
 * Threading: one thread at a time uses a queue (the device's I/O thread, or
 * the vCPU exit path for backends without eventfds).
 */
#ifndef VMM_DEVICES_VIRTIO_VIRTQUEUE_H
#define VMM_DEVICES_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/base/state.h"

/* The largest queue any vmm device offers; devices may offer less. */
#define VQ_MAX_SIZE 256

/* One guest buffer of a chain, already validated to lie in guest RAM. */
struct vq_buf {
	uint64_t gpa;
	uint32_t len;
};

/* A popped descriptor chain: buf[0 .. nread) are device-readable (driver
 * to device), buf[nread .. nread + nwrite) device-writable. */
struct vq_chain {
	uint16_t head; /* the id to hand back with vq_push */
	uint16_t nread, nwrite;
	uint32_t read_len, write_len; /* byte totals of each kind */
	struct vq_buf buf[VQ_MAX_SIZE];
};

struct virtqueue {
	const struct guest_mem *mem;
	uint16_t max_size; /* what the device offers (QueueNumMax) */

	/* Set by the transport from the driver's registers. */
	uint16_t size;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool event_idx; /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;  /* VIRTIO_RING_F_INDIRECT_DESC negotiated */

	/* Device state. */
	bool enabled;         /* vq_enable succeeded since the last reset */
	uint16_t last_avail;  /* next avail ring entry to consume */
	uint16_t used_idx;    /* next used index to publish */
	uint16_t signalled;   /* used_idx when the driver was last notified */
	bool signalled_valid; /* false until the first notification */

	uint64_t popped, pushed, errors;
};

/* Power-on state for a queue of at most max_size (a power of two, 1 ..
 * VQ_MAX_SIZE) over guest memory `mem`. 0 or -EINVAL. */
int vq_init(struct virtqueue *vq, const struct guest_mem *mem,
	    uint16_t max_size) VMM_WUR;

/* Back to the state after vq_init (driver reset or queue reset); keeps
 * mem, max_size and the counters. */
void vq_reset(struct virtqueue *vq);

/* The driver set QueueReady: check size (a power of two, 1 .. max_size),
 * ring alignment (desc 16, avail 2, used 4) and that the three rings lie
 * wholly in guest RAM (event fields included), then start at index 0.
 * 0, or -EINVAL / -EFAULT (counted) and the queue stays disabled. */
int vq_enable(struct virtqueue *vq) VMM_WUR;

/* Take the next available chain into *chain. 1 when a chain was taken, 0
 * when none is available, -EINVAL / -EFAULT on a violation (counted). */
int vq_pop(struct virtqueue *vq, struct vq_chain *chain) VMM_WUR;

/* vq_pop for a device draining its queue: when no chain is available,
 * ask the driver for a notification of the next one
 * (vq_set_notification(true)) and look once more, so a buffer made
 * available in between is not missed and a driver using EVENT_IDX keeps
 * kicking. 1 when a chain was taken, 0 when the queue is empty with
 * notifications on, -errno from vq_pop or vq_set_notification. */
int vq_pop_or_arm(struct virtqueue *vq, struct vq_chain *chain) VMM_WUR;

/* Return chain `head` with `len` bytes written by the device: write the
 * used element, then (after a release barrier) the used index. 0, or
 * -EINVAL (head >= size, queue disabled) / -EFAULT. */
int vq_push(struct virtqueue *vq, uint16_t head, uint32_t len) VMM_WUR;

/* After one or more vq_push: should the driver be interrupted? Honours
 * VRING_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX (vring_need_event
 * against the last notification). Records the notification when true. */
bool vq_should_notify(struct virtqueue *vq);

/* Ask the driver for (enable) or not for (disable) notifications of new
 * buffers: VRING_USED_F_NO_NOTIFY, or avail_event with EVENT_IDX. Callers
 * re-check for buffers after enabling. 0 or -EFAULT. */
int vq_set_notification(struct virtqueue *vq, bool enable) VMM_WUR;

/* Copy `len` bytes starting `off` bytes into the chain's device-readable
 * part into dst. 0, or -EINVAL if the readable part is shorter than off +
 * len, or -EFAULT. */
int vq_chain_read(const struct virtqueue *vq, const struct vq_chain *c,
		  uint32_t off, void *dst, uint32_t len) VMM_WUR;

/* Copy `len` bytes from src into the chain's device-writable part, starting
 * `off` bytes into it. 0, or -EINVAL if it is too short, or -EFAULT. */
int vq_chain_write(const struct virtqueue *vq, const struct vq_chain *c,
		   uint32_t off, const void *src, uint32_t len) VMM_WUR;

/* The chain's device-readable (writable false) or device-writable part
 * as host pointers into guest memory, skipping its first `skip` bytes and
 * taking at most `max` bytes: fills iov (room for VQ_MAX_SIZE entries) and
 * returns the entries used (0 when nothing is left), or -EFAULT. */
int vq_chain_iov(const struct virtqueue *vq, const struct vq_chain *c,
		 bool writable, uint32_t skip, uint32_t max,
		 struct iovec *iov) VMM_WUR;

/*
 * Saved state (virtqueue_state.c, docs/devices.md "Device state"): one
 * "VQUE" section, version 1, with what the driver programmed (size, ring
 * addresses, the negotiated ring features) and the device's position in
 * the rings (enabled, last_avail, used_idx, the last notification). mem
 * and the counters are not saved.
 */
#define VQ_STATE_TAG	 "VQUE"
#define VQ_STATE_VERSION 1

/* Append vq's state to w (errors stay in w). */
void vq_save(const struct virtqueue *vq, struct st_writer *w);

/* Decode one VQUE section from r into *out: a copy of vq (its mem,
 * max_size and counters) with the saved state; vq is not changed. The
 * blob is hostile: its max_size must be vq's; an enabled queue must pass
 * exactly vq_enable's checks (size a power of two <= max_size, aligned
 * rings wholly in guest RAM), have at most `size` chains in flight
 * (last_avail - used_idx) and a notification record only when one was
 * made; a disabled one is at index 0 (what the driver programmed, which
 * vq_enable checks when it sets QueueReady, may be anything). 0, or
 * -EINVAL with r bad. */
int vq_state_decode(const struct virtqueue *vq, struct st_reader *r,
		    struct virtqueue *out) VMM_WUR;

/* vq_state_decode into vq itself: 0, or -EINVAL and vq unchanged. */
int vq_restore(struct virtqueue *vq, struct st_reader *r) VMM_WUR;

#endif
