/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A frame port: what a network device (virtio-net, devices/virtio/net.h)
 * sends frames to and receives frames from. The device sees only this
 * interface, never a host fd; the host layer implements it over a tap
 * (vmm/vm/net_tap.h), the recorder over the tap while recording
 * (vmm/trace/trace_port.h), the replay over the trace.
 *
 * Every frame starts with the 12-byte struct virtio_net_hdr_v1 (little
 * endian), exactly as virtio 1.x puts it in front of a packet; a frame is
 * one call, given or filled as an iovec array. Ports are not thread-safe:
 * the device calls them with its own lock held, and a port must not call
 * back into the device.
 */
#ifndef VMM_DEVICES_NET_PORT_H
#define VMM_DEVICES_NET_PORT_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>

struct net_port;

struct net_port_ops {
	/* Send one frame, header included, gathered from iov[0, n). Returns
	 * the bytes taken, -EAGAIN when the port is full (nothing taken: the
	 * caller keeps the frame and retries later), or another -errno when
	 * the port refuses the frame for good (the caller drops and counts
	 * it). Never blocks. */
	ssize_t (*send)(struct net_port *p, const struct iovec *iov,
			unsigned n);
	/* Receive the next frame into iov[0, n): the bytes stored (a frame
	 * longer than the buffers is cut to them and the rest discarded, so
	 * callers give one spare byte to see it), -EAGAIN when no frame is
	 * waiting, 0 at end of file, another -errno on an error. Never
	 * blocks. */
	ssize_t (*recv)(struct net_port *p, const struct iovec *iov,
			unsigned n);
	/* The device wants (true) or no longer wants (false) to be told when
	 * recv has a frame; while wanted, the port's owner calls the
	 * device's receive entry (virtio_net_rx) when it has. Called only on
	 * changes. */
	void (*want_rx)(struct net_port *p, bool want);
	/* Let the port hand over frames with these offloads (TUN_F_* bits,
	 * a subset of net_port.offloads): partially checksummed (TUN_F_CSUM)
	 * or TSO (TUN_F_TSO4/6) frames. 0 or -errno (nothing changed). */
	int (*set_offloads)(struct net_port *p, unsigned tun_flags);
};

struct net_port {
	const struct net_port_ops *ops; /* every op required */
	unsigned offloads;		/* TUN_F_* bits the port accepts */
};

#endif
