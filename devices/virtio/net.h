/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-net over a frame port (VIRTIO 1.2 section 5.1), one queue pair:
 *   queue 0  receiveq  (port to guest: device-writable buffers)
 *   queue 1  transmitq (guest to port: device-readable buffers)
 * The port (devices/net_port.h) is the device's only way out: a tap in a
 * normal run (vmm/vm/net_tap.h), the recorder's or the replay's port in a
 * traced one. No MRG_RXBUF, CTRL_VQ or MQ. Offered: VIRTIO_NET_F_MAC,
 * _STATUS (always LINK_UP) and, only when the port accepts them
 * (net_port.offloads): CSUM + GUEST_CSUM (TUN_F_CSUM), HOST_TSO4 +
 * GUEST_TSO4 (TUN_F_TSO4 and CSUM), HOST_TSO6 + GUEST_TSO6 (TUN_F_TSO6 and
 * CSUM). The read-only config space is mac, status, max_virtqueue_pairs
 * (1).
 *
 * Every packet starts with a 12-byte struct virtio_net_hdr_v1 (5.1.6),
 * which is also the port's frame header (a tap's vnet header), so frames
 * go through without copies into or out of host buffers.
 *
 * Activate: a driver that acked a feature without the one it depends on
 * (5.1.3.1: HOST_TSO* needs CSUM, GUEST_TSO* needs GUEST_CSUM) fails; the
 * acked GUEST_* features become the port's offloads with set_offloads
 * (GUEST_CSUM -> TUN_F_CSUM, GUEST_TSO4 -> TUN_F_TSO4, GUEST_TSO6 ->
 * TUN_F_TSO6; called only when they change), and want_rx(true).
 *
 * Transmit (transmitq notification): each chain's header is copied out
 * once and checked against the negotiated features (NEEDS_CSUM needs CSUM,
 * GSO TCPV4/TCPV6 need HOST_TSO4/6; no other flag or GSO type), then the
 * copy and the rest of the readable buffers go to the port in one send,
 * so the guest cannot change the header after the check. A frame the
 * header check or the port refuses (-EINVAL, ...), or longer than
 * VIRTIO_NET_MAX_FRAME, is counted in tx_dropped and returned: not fatal.
 * A chain with a writable buffer, or shorter than the header, is a
 * violation. -EAGAIN (the port is full; a tap's socket buffer, though tun
 * normally drops in its queue instead) keeps the chain and stops, counted
 * in tx_again: it is retried first on the next transmitq notification.
 * There is no writability wake-up, so a guest that waits for that chain
 * without notifying again stalls its own transmit path until it does
 * (documented limitation; nothing is lost).
 *
 * Receive: while the port has a frame and the receiveq a chain, the frame
 * is received (recv) straight into the chain's writable buffers,
 * num_buffers is set to 1 and the chain returned with the bytes read; one
 * interrupt at the end. A chain is popped before the read, so when the
 * port turns out to be empty (-EAGAIN) it is kept for the next frame. A
 * frame larger than the chain is consumed by the read and counted in
 * rx_dropped, and the chain reused: that only happens when the guest posts
 * buffers smaller than the spec asks (1526 bytes, 65562 with GUEST_TSO*).
 * A receive chain with a readable buffer, or smaller than the header, is
 * a violation. When the receiveq is empty the device calls the port's
 * want_rx(false) and asks the driver for notifications; the receiveq
 * notification calls want_rx(true) and reads again. So a guest that
 * posts no buffers leaves frames queued in the port (the kernel's tap
 * queue) and the VMM does not poll: no busy loop, no drops by the VMM.
 * One call reads at most 256 frames so a busy port cannot hold the lock
 * for long; the port's owner (the I/O thread) calls again while it stays
 * readable (level-triggered).
 * A recv error or end of file is counted in tap_errors, logged once, and
 * stops receive (want_rx(false)) until the next receiveq notification.
 * Frame lengths are checked with one spare host byte after the chain: a
 * recv fills at most the buffers given and drops the rest of the frame,
 * so "more than the chain" means cut.
 *
 * Violations are reported with virtio_mmio_fail (NEEDS_RESET) and the
 * device stops; chains completed before are still returned and signalled.
 * Everything runs with the transport lock held; counters survive resets.
 */
#ifndef VMM_DEVICES_VIRTIO_NET_H
#define VMM_DEVICES_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/net_port.h"
#include "devices/virtio/vdev_type.h"
#include "devices/virtio/virtio_dev.h"
#include "devices/virtio/virtqueue.h"
#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/base/state.h"

#define VIRTIO_NET_RXQ	      0
#define VIRTIO_NET_TXQ	      1
#define VIRTIO_NET_QUEUE_SIZE 256 /* QueueNumMax of both queues */
/* Largest transmit frame after the header: 64 KiB GSO plus Ethernet and
 * VLAN headers (with the 12-byte header: 65562, spec 5.1.6.3.1). */
#define VIRTIO_NET_MAX_FRAME 65550u

struct virtio_net_opts {
	/* The frame port, not owned: valid until virtio_net_destroy. Its
	 * want_rx is called only on changes, with the transport lock held;
	 * while wanted, its owner calls virtio_net_rx (under the lock) when
	 * recv has a frame. */
	struct net_port *port;
	uint8_t mac[6];
	const char *name; /* for messages; NULL: "virtio-net" */
};

struct virtio_net {
	struct virtio_dev dev; /* first: the ops get &n->dev */
	struct virtqueue vq[2];
	struct net_port *port;
	unsigned port_offloads; /* what the port accepts */
	unsigned port_cur;	/* what it was last set to */
	uint8_t mac[6];
	bool rx_wanted;	       /* last want_rx value */
	bool rx_have, tx_have; /* a popped chain is waiting in rx/tx_chain */
	struct vq_chain rx_chain, tx_chain;
	uint64_t rx_frames, rx_bytes, rx_dropped; /* bytes: header included */
	uint64_t tx_frames, tx_bytes, tx_dropped;
	uint64_t tx_again;   /* sends that found the port full */
	uint64_t tap_errors; /* port recv errors and ends of file */
};

/* Power-on state over guest memory `mem` and the port in `o`. The
 * transport (virtio_mmio_init) is attached afterwards. 0 or -EINVAL (NULL
 * argument, no port, or a port op missing). */
int virtio_net_init(struct virtio_net *n, const struct guest_mem *mem,
		    const struct virtio_net_opts *o) VMM_WUR;
/* After virtio_mmio_destroy of its transport; does not touch the port. */
void virtio_net_destroy(struct virtio_net *n);

/* The port has frames (caller holds the transport lock): move them into
 * the guest's receive buffers until the port is empty or the guest has no
 * buffers (then want_rx(false)). Does nothing but want_rx(false) when the
 * device is not active. */
void virtio_net_rx(struct virtio_net *n);

/* The port as the acked features want it: its offloads (GUEST_CSUM ->
 * TUN_F_CSUM, GUEST_TSO4/6 -> TUN_F_TSO4/6; set only when they change)
 * and receive wanted. For activate, and after a restore. 0, or -errno
 * from set_offloads (logged). */
int virtio_net_sync_port(struct virtio_net *n) VMM_WUR;

/*
 * Saved state (docs/devices.md, "Device state"; net_state.c): one VNET
 * section holding the MAC (to check: a restore into a device with another
 * MAC is refused), then the transport's VMIO section. A chain the device
 * popped and holds (a receive chain waiting for a frame, a send the port
 * refused for now) is saved as not yet popped, so the restored device
 * pops it again; nothing else is in flight. After a restore into an
 * active device the port is synced (virtio_net_sync_port), which on
 * failure marks the device NEEDS_RESET. The counters are host
 * statistics.
 */
#define VIRTIO_NET_STATE_TAG	 "VNET"
#define VIRTIO_NET_STATE_VERSION 1

/* Append the device's state to w. The device must not be running (the
 * VM paused): its held chains are unpopped for the save. */
void virtio_net_save(struct virtio_net *n, struct st_writer *w);

/* Restore one VNET section into n (initialised, its transport attached,
 * not running). 0, or -EINVAL with rd bad and n unchanged. */
int virtio_net_restore(struct virtio_net *n, struct st_reader *rd) VMM_WUR;

/* The type (vdev_type.h, net_type.c): trace device kind 2. */
#define VIRTIO_NET_TRACE_KIND 2
extern const struct vdev_type virtio_net_type;

#endif
