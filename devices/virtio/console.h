/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-console (VIRTIO 1.2 section 5.3), a single port: no feature bits
 * (no VIRTIO_CONSOLE_F_SIZE, _MULTIPORT or _EMERG_WRITE), so the device
 * has exactly port 0's two queues:
 *   queue 0  receiveq  (device to driver: device-writable buffers)
 *   queue 1  transmitq (driver to device: device-readable buffers)
 * The configuration space is a read-only struct virtio_console_config of
 * zeroes (cols/rows 0: no size is reported).
 *
 * Transmit: on a transmitq notification every available chain is popped,
 * its readable bytes go to host->tx in order (in chunks of at most
 * VIRTIO_CONSOLE_TX_CHUNK bytes), and it is returned with used length 0.
 *
 * Receive: the host offers input with virtio_console_rx_push. Each
 * receiveq chain is filled from its start with as many bytes as are on
 * offer (possibly fewer than its length) and returned at once with the
 * number written; nothing is held back in the device between calls.
 * Bytes the guest has no room for stay with the host: a receiveq
 * notification (the guest posted buffers) and activation call
 * host->rx_space so the host can push again.
 *
 * The driver is hostile: a chain with a device-writable buffer on the
 * transmitq, one with a device-readable buffer on the receiveq (spec
 * 5.3.6.1), or a malformed chain (vq_pop) is a violation: virtio_mmio_fail
 * marks the device NEEDS_RESET and the queue is left alone. Chains already
 * completed are still returned and signalled.
 *
 * Everything here runs with the transport lock held (ops, and the host
 * holding virtio_mmio_lock around rx_push), so the device has no lock of
 * its own. Counters are kept across resets.
 */
#ifndef VMM_DEVICES_VIRTIO_CONSOLE_H
#define VMM_DEVICES_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "devices/virtio/vdev_type.h"
#include "devices/virtio/virtio_dev.h"
#include "devices/virtio/virtqueue.h"
#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/base/state.h"

#define VIRTIO_CONSOLE_RXQ	  0
#define VIRTIO_CONSOLE_TXQ	  1
#define VIRTIO_CONSOLE_QUEUE_SIZE 256  /* QueueNumMax of both queues */
#define VIRTIO_CONSOLE_TX_CHUNK	  4096 /* largest host->tx call */

struct virtio_console_host {
	/* Guest output, len >= 1 bytes, called with the lock held; must not
	 * call back into the device. Required. */
	void (*tx)(void *opaque, const uint8_t *buf, size_t len);
	/* The guest posted receive buffers (or the device was activated):
	 * the host may push input again (lock held; must not call back into
	 * the device, e.g. wake the I/O thread instead). May be NULL. */
	void (*rx_space)(void *opaque);
	void *opaque;
};

struct virtio_console {
	struct virtio_dev dev; /* first: the ops get &c->dev */
	struct virtqueue vq[2];
	struct virtio_console_host host;
	struct vq_chain chain; /* scratch for the chain being served */
	/* No pending-partial-RX state: every receive chain is returned by
	 * the rx_push call that wrote into it. */
	uint64_t tx_bytes, tx_chains; /* guest output given to host->tx */
	uint64_t rx_bytes, rx_chains; /* host input taken by rx_push */
	uint64_t rx_space_calls;
};

/* Power-on state over guest memory `mem`; `host` is copied. The transport
 * (virtio_mmio_init) is attached afterwards. 0 or -EINVAL (host or
 * host->tx NULL). */
int virtio_console_init(struct virtio_console *c, const struct guest_mem *mem,
			const struct virtio_console_host *host) VMM_WUR;
/* After virtio_mmio_destroy of its transport. Nothing to free today. */
void virtio_console_destroy(struct virtio_console *c);

/* Host input: copy up to len bytes into the guest's receive buffers;
 * returns bytes taken (0 when the guest has no buffers, the device is not
 * active or has no transport, or the receiveq is not enabled). Caller
 * holds the transport lock. Never drops: bytes not taken stay with the
 * caller, who waits for host->rx_space before trying again. A guest
 * violation found here fails the device and returns what was taken
 * before it. */
size_t virtio_console_rx_push(struct virtio_console *c, const uint8_t *buf,
			      size_t len);

/*
 * Saved state: a "VCON" section, version 1, holding the transport's VMIO
 * section (registers, both queues). The device has no state of its own a
 * guest can see: no chain outlives the call that popped it, the config
 * space is constant and the counters are host statistics. After a
 * restore the host should offer its pending input again (as after
 * host->rx_space): restore calls no host callback.
 */
#define VIRTIO_CONSOLE_STATE_TAG     "VCON"
#define VIRTIO_CONSOLE_STATE_VERSION 1

/* Append the device's state to w (transport attached; errors stay in
 * w). */
void virtio_console_save(struct virtio_console *c, struct st_writer *w);

/* Restore one VCON section into c (initialised, its transport attached,
 * not running): virtio_mmio_restore's checks. 0, or -EINVAL with rd bad
 * and c unchanged. */
int virtio_console_restore(struct virtio_console *c,
			   struct st_reader *rd) VMM_WUR;

/* The type (vdev_type.h, console_type.c): trace device kind 4. */
#define VIRTIO_CONSOLE_TRACE_KIND 4
extern const struct vdev_type virtio_console_type;

#endif
