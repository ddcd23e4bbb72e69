/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-vsock's insides shared by its files (vsock.c: queues and
 * packets; vsock_conn.c: connections, credit, the control ring). Every
 * function runs with the transport lock held.
 */
#ifndef VMM_DEVICES_VIRTIO_VSOCK_INT_H
#define VMM_DEVICES_VIRTIO_VSOCK_INT_H

#include <sys/uio.h>

#include "devices/virtio/vsock.h"

/* The connection named (host port, guest port), or NULL. */
struct vsock_conn *vsock_conn_find(struct virtio_vsock *v, uint32_t local,
				   uint32_t peer);

/* Its port handle (its index). */
int vsock_conn_handle(const struct virtio_vsock *v, const struct vsock_conn *c);

/* Bytes the guest can still take on c (its buf_alloc minus what it has
 * not yet forwarded; 0 when its counters make no sense). */
uint32_t vsock_conn_credit(const struct vsock_conn *c);

/* Ask the port for what c can use now (readable, writable). */
void vsock_conn_sync_want(struct virtio_vsock *v, struct vsock_conn *c);

/* Close c on the port and free it (nothing sent to the guest). */
void vsock_conn_close(struct virtio_vsock *v, struct vsock_conn *c);

/* Queue an RST for c's pair, then close it. */
void vsock_conn_reset(struct virtio_vsock *v, struct vsock_conn *c);

/* Take len payload bytes of the guest's from iov[0, n) for the port: what
 * it does not take waits in c's buffer. Resets c when the guest overran
 * its credit or the port broke. */
void vsock_conn_write(struct virtio_vsock *v, struct vsock_conn *c,
		      const struct iovec *iov, unsigned n, uint32_t len);

/* The port can take bytes: send the buffer; when it is empty, carry out a
 * shutdown the guest asked for. May close c. */
void vsock_conn_flush(struct virtio_vsock *v, struct vsock_conn *c);

/* Queue a CREDIT_UPDATE for c when a quarter of its buffer was freed
 * since the guest last heard (force: whatever was freed). */
void vsock_conn_credit_check(struct virtio_vsock *v, struct vsock_conn *c,
			     bool force);

/* Queue a control packet (op, flags) from host port `local` to guest port
 * `peer`; dropped and counted when the ring is full. */
void vsock_ctrl_push(struct virtio_vsock *v, uint16_t op, uint32_t flags,
		     uint32_t local, uint32_t peer);

/* Close every connection and drop queued control packets. */
void vsock_conn_close_all(struct virtio_vsock *v);

#endif
