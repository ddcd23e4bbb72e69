/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-rng: the entropy device (VIRTIO 1.2 section 5.4). One queue
 * (requestq, queue 0), no feature bits, no configuration space.
 *
 * The driver posts device-writable buffers; on each notification the
 * device pops every available chain, fills min(write_len,
 * VIRTIO_RNG_MAX_PER_REQ) bytes of its writable part from host->fill and
 * returns it with that length (the driver reads the used length, spec
 * 5.4.6.1). The driver is hostile:
 *  - a chain with a device-readable buffer (forbidden by spec 5.4.6.1) or
 *    with no writable buffer, or a malformed chain (vq_pop), is a violation:
 *    virtio_mmio_fail marks the device NEEDS_RESET and the rest of the
 *    queue is left alone;
 *  - a host fill error is not the guest's fault: the chain is returned with
 *    used length 0 ("no bytes"), counted in fill_errors and logged
 *    (rate-limited); the device keeps working.
 * Chains already filled before a violation are still returned and
 * signalled.
 *
 * Everything here runs with the transport lock held (the ops), so the
 * device has no lock of its own. Counters are kept across resets.
 */
#ifndef VMM_DEVICES_VIRTIO_RNG_H
#define VMM_DEVICES_VIRTIO_RNG_H

#include <stdint.h>
#include <sys/types.h>

#include "devices/virtio/vdev_type.h"
#include "devices/virtio/virtio_dev.h"
#include "devices/virtio/virtqueue.h"
#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/base/state.h"

#define VIRTIO_RNG_MAX_PER_REQ 65536 /* bytes filled per request at most */
#define VIRTIO_RNG_QUEUE_SIZE  256   /* QueueNumMax offered */

struct virtio_rng_host {
	/* Fill buf with len random bytes; return len or -errno (any other
	 * value counts as an error). Called with the transport lock held,
	 * in chunks of at most a few KiB, in guest-buffer order. NULL:
	 * getrandom(2). Replay supplies recorded bytes here. */
	ssize_t (*fill)(void *opaque, void *buf, size_t len);
	void *opaque;
};

struct virtio_rng {
	struct virtio_dev dev; /* first: the ops get &r->dev */
	struct virtqueue vq[1];
	struct virtio_rng_host host;
	struct vq_chain chain; /* scratch for the chain being served */
	uint64_t bytes;	       /* random bytes given to the guest */
	uint64_t requests;     /* chains returned (fill errors included) */
	uint64_t fill_errors;  /* chains returned empty after a fill error */
};

/* Power-on state over guest memory `mem`; `host` is copied (NULL, or a
 * NULL fill: getrandom). The transport (virtio_mmio_init) is attached
 * afterwards. 0 or -EINVAL. */
int virtio_rng_init(struct virtio_rng *r, const struct guest_mem *mem,
		    const struct virtio_rng_host *host) VMM_WUR;
/* After virtio_mmio_destroy of its transport. Nothing to free today. */
void virtio_rng_destroy(struct virtio_rng *r);

/*
 * Saved state: a "VRNG" section, version 1, holding the transport's VMIO
 * section (its registers and queue). The device itself has no state of
 * its own a guest can see: every chain is returned within the
 * notification that popped it, and the counters are host statistics.
 */
#define VIRTIO_RNG_STATE_TAG	 "VRNG"
#define VIRTIO_RNG_STATE_VERSION 1

/* Append the device's state to w (transport attached; errors stay in
 * w). */
void virtio_rng_save(struct virtio_rng *r, struct st_writer *w);

/* Restore one VRNG section into r (initialised, its transport attached,
 * not running): virtio_mmio_restore's checks. 0, or -EINVAL with rd bad
 * and r unchanged. */
int virtio_rng_restore(struct virtio_rng *r, struct st_reader *rd) VMM_WUR;

/* The type (vdev_type.h): --rng; trace device kind 3, its fills traced as
 * input records 0x12 ("rng": the bytes of one fill, none when the source
 * failed); getrandom(2) allowed to the device threads. */
#define VIRTIO_RNG_TRACE_KIND  3
#define VIRTIO_RNG_TRACE_INPUT 0x12
extern const struct vdev_type virtio_rng_type;

#endif
