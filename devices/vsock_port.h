/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stream port: the host side of virtio-vsock (devices/virtio/vsock.h).
 * The device keeps the guest's view (connections, credit, packets); the
 * port owns the host's byte streams, one per connection, named by a small
 * handle the port chooses (0 .. VSOCK_PORT_MAX_CONNS-1). The device sees
 * only this interface, never a host fd; the VM layer implements it over
 * unix sockets the way Firecracker's hybrid vsock does (vmm/vm/vsock_uds.h).
 *
 * Every op is called with the device's transport lock held, and the port's
 * owner calls the device's entry points (virtio_vsock_host_connect,
 * virtio_vsock_ready) with that lock held too. No op blocks, and no op
 * calls back into the device.
 */
#ifndef VMM_DEVICES_VSOCK_PORT_H
#define VMM_DEVICES_VSOCK_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#define VSOCK_PORT_MAX_CONNS 32

struct vsock_port;

struct vsock_port_ops {
	/* The guest connects to host port `port`: open a stream to the host
	 * service listening for it. A handle, or -errno (nothing there,
	 * refused, no slot): the device answers the guest with a reset. */
	int (*connect)(struct vsock_port *p, uint32_t port);
	/* A connection the host asked for (virtio_vsock_host_connect) was
	 * accepted by the guest; local_port is its host-side port number. */
	void (*accepted)(struct vsock_port *p, int h, uint32_t local_port);
	/* Write from iov[0, n): bytes taken (maybe fewer than given),
	 * -EAGAIN when the stream is full, another -errno when it is broken
	 * for good. */
	ssize_t (*send)(struct vsock_port *p, int h, const struct iovec *iov,
			unsigned n);
	/* Read into iov[0, n): bytes read, 0 at end of stream, -EAGAIN when
	 * nothing is waiting, another -errno when it is broken. */
	ssize_t (*recv)(struct vsock_port *p, int h, const struct iovec *iov,
			unsigned n);
	/* Tell the device (virtio_vsock_ready) when h becomes readable (rx)
	 * or writable (tx); false: stop telling. Called only on changes. A
	 * hang-up or error is told once whatever was asked. */
	void (*want)(struct vsock_port *p, int h, bool rx, bool tx);
	/* The guest sends no more: end the host's read side of the stream
	 * (shutdown SHUT_WR on our end). */
	void (*shutdown_send)(struct vsock_port *p, int h);
	/* The connection is over: close it; h is free for reuse. */
	void (*close)(struct vsock_port *p, int h);
};

struct vsock_port {
	const struct vsock_port_ops *ops; /* every op required */
};

/* The device's two entry points as the port's owner calls them
 * (virtio_vsock_sink fills one): the host asks for a connection to guest
 * port `guest_port` on handle h (0, or -errno: the owner keeps h and
 * closes it), and handle h became readable (rx), writable (tx) or hung
 * up (both). With the transport lock held, like the ops. A port owner
 * that calls through a sink can be put between the port and the device
 * (the recorder does) without the device knowing. */
struct vsock_sink {
	int (*host_connect)(void *dev, int h, uint32_t guest_port);
	void (*ready)(void *dev, int h, bool rx, bool tx);
	void *dev;
};

#endif
