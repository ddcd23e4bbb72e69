/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-vsock over a stream port (VIRTIO 1.2 section 5.10), stream
 * sockets only (no VIRTIO_VSOCK_F_SEQPACKET):
 *   queue 0  rx    (device to guest: device-writable buffers)
 *   queue 1  tx    (guest to device: device-readable buffers)
 *   queue 2  event (TRANSPORT_RESET after a restore)
 * The read-only config space is the guest's CID (le64). The host is CID 2;
 * the port (devices/vsock_port.h) holds the host's end of each connection.
 *
 * Transmit (tx notification): each chain is one packet, a 44-byte struct
 * virtio_vsock_hdr copied out once, then hdr.len payload bytes. A chain
 * with a writable buffer, shorter than the header, or with less payload
 * than hdr.len (or more than VIRTIO_VSOCK_MAX_PKT) is a driver violation
 * (NEEDS_RESET). A well-formed packet that is wrong for the protocol is
 * the guest's problem, not the device's: a packet whose src_cid is not
 * the guest's CID or dst_cid is not the host's is dropped (bad_packets),
 * one of another type or an unknown op is answered with a reset (RST),
 * and so is any packet but RST for a connection that does not exist.
 *
 * Connections (at most VSOCK_PORT_MAX_CONNS), named by (host port, guest
 * port):
 *  - guest REQUEST -> the port's connect: RESPONSE, or RST if refused;
 *  - the host asks (virtio_vsock_host_connect): the device picks a host
 *    port (from 2^30 up, unused), sends REQUEST, and on the guest's
 *    RESPONSE tells the port (accepted); an RST refuses it;
 *  - RW: the payload goes to the port; what it does not take at once
 *    waits in the connection's buffer (VIRTIO_VSOCK_BUF_ALLOC bytes, our
 *    buf_alloc, so a guest that respects our credit never overflows it;
 *    one that does not gets a reset). fwd_cnt counts bytes the port took;
 *    a CREDIT_UPDATE goes out when a quarter of the buffer was freed
 *    since the guest last heard, and on CREDIT_REQUEST;
 *  - host to guest: while the stream is readable, the guest has credit
 *    (peer buf_alloc - (bytes sent - peer fwd_cnt)) and rx buffers, the
 *    stream is read straight into the guest's rx buffers (after the
 *    header) as RW packets;
 *  - SHUTDOWN from the guest: SEND ends the host's read side once the
 *    buffer is drained, RCV stops reading; both: the connection closes
 *    (after the buffer drained) with an RST. End of stream on the host:
 *    SHUTDOWN (both) to the guest and the connection is gone. RST either
 *    way: gone. A port error: RST.
 * Control packets (RESPONSE, RST, REQUEST, SHUTDOWN, CREDIT_UPDATE) wait
 * in a ring of VIRTIO_VSOCK_CTRL_MAX; they go to the guest before data.
 * When the ring is full a new one is dropped and counted (ctrl_dropped):
 * a guest that posts no rx buffers can only stall itself.
 *
 * Interest: the device asks the port for readability only while it could
 * move data (established, credit, not shut, not already known readable),
 * and for writability only while its buffer holds bytes: no busy loops.
 * One call moves at most VIRTIO_VSOCK_BUDGET packets each way.
 *
 * Everything runs with the transport lock held; counters survive resets.
 * A driver reset closes every connection (the port's close).
 */
#ifndef VMM_DEVICES_VIRTIO_VSOCK_H
#define VMM_DEVICES_VIRTIO_VSOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/vdev_type.h"
#include "devices/virtio/virtio_dev.h"
#include "devices/virtio/virtqueue.h"
#include "devices/vsock_port.h"
#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/base/state.h"

#define VIRTIO_VSOCK_RXQ	0
#define VIRTIO_VSOCK_TXQ	1
#define VIRTIO_VSOCK_EVQ	2
#define VIRTIO_VSOCK_QUEUE_SIZE 256
#define VIRTIO_VSOCK_HOST_CID	2
#define VIRTIO_VSOCK_HDR_LEN	44u
#define VIRTIO_VSOCK_BUF_ALLOC	(64u * 1024)
#define VIRTIO_VSOCK_MAX_PKT	(64u * 1024) /* payload of one packet */
#define VIRTIO_VSOCK_CTRL_MAX	64
#define VIRTIO_VSOCK_BUDGET	256
#define VIRTIO_VSOCK_LOCAL_BASE (1u << 30) /* first host-chosen port */

struct virtio_vsock_opts {
	struct vsock_port *port; /* not owned: valid until destroy */
	uint64_t guest_cid;	 /* >= 3, < 2^32 - 1 */
	const char *name;	 /* for messages; NULL: "virtio-vsock" */
};

enum vsock_conn_state {
	VSOCK_CONN_FREE = 0,
	VSOCK_CONN_CONNECTING, /* host-initiated: REQUEST sent */
	VSOCK_CONN_OPEN,
};

struct vsock_conn {
	uint8_t state;
	uint32_t local_port, peer_port; /* host's, guest's */
	/* Credit (wrapping u32 counters, 5.10.6.3). */
	uint32_t peer_buf_alloc, peer_fwd_cnt;
	uint32_t rx_cnt;       /* payload bytes sent to the guest */
	uint32_t tx_cnt;       /* payload bytes taken from the guest */
	uint32_t fwd_cnt;      /* of those, bytes the port took */
	uint32_t fwd_told;     /* fwd_cnt the guest last heard */
	bool guest_no_send;    /* the guest shut its send side */
	bool guest_no_recv;    /* ... its receive side */
	bool port_shut;	       /* shutdown_send done */
	bool host_eof;	       /* the port's stream ended */
	bool readable;	       /* the port said so; cleared on -EAGAIN */
	bool want_rx, want_tx; /* last told to the port */
	bool credit_due;       /* a CREDIT_UPDATE is queued */
	uint8_t *buf;	       /* VIRTIO_VSOCK_BUF_ALLOC, or NULL */
	uint32_t buf_head, buf_len;
};

struct vsock_ctrl {
	uint16_t op;
	uint32_t flags;
	uint32_t local_port, peer_port;
};

struct virtio_vsock {
	struct virtio_dev dev; /* first: the ops get &v->dev */
	struct virtqueue vq[3];
	struct vsock_port *port;
	uint64_t guest_cid;
	struct vsock_conn conns[VSOCK_PORT_MAX_CONNS]; /* by port handle */
	struct vsock_ctrl ctrl[VIRTIO_VSOCK_CTRL_MAX];
	unsigned ctrl_head, ctrl_len;
	uint32_t next_local; /* next host-chosen port to try */
	unsigned rr;	     /* round robin over readable connections */
	bool rx_have;	     /* a popped rx chain waits in rx_chain */
	bool reset_due;	     /* TRANSPORT_RESET to send on the event queue */
	struct vq_chain rx_chain, tx_chain, ev_chain;
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t conns_opened, conns_refused, resets_sent;
	uint64_t ctrl_dropped, bad_packets, port_errors;
};

/* Power-on state over guest memory `mem` and the port in `o`. The
 * transport is attached afterwards. 0 or -EINVAL (NULL argument, no port
 * or a port op missing, a CID out of range). */
int virtio_vsock_init(struct virtio_vsock *v, const struct guest_mem *mem,
		      const struct virtio_vsock_opts *o) VMM_WUR;
/* After virtio_mmio_destroy of its transport: closes every connection. */
void virtio_vsock_destroy(struct virtio_vsock *v);

/* The host asks for a connection to guest port `guest_port` on the
 * port's handle h (free in the device): 0 (REQUEST queued), -ENOTCONN
 * (the driver is not up), -EBUSY (h in use) or -EINVAL (h out of range);
 * on error the port keeps h and closes it itself. */
int virtio_vsock_host_connect(struct virtio_vsock *v, int h,
			      uint32_t guest_port) VMM_WUR;

/* The port's handle h became readable (rx), writable (tx) or hung up
 * (both): move what can be moved. Ignores a handle with no connection. */
void virtio_vsock_ready(struct virtio_vsock *v, int h, bool rx, bool tx);

/* The two calls above as a sink (devices/vsock_port.h) over v. */
void virtio_vsock_sink(struct virtio_vsock *v, struct vsock_sink *s);

/*
 * Saved state (vsock_state.c): one VSCK section holding the guest CID (a
 * restore into a device with another is refused) and the transport's VMIO
 * section. Connections are not saved: host streams do not survive a
 * process; the restored device sends the guest a TRANSPORT_RESET (5.10.6.7)
 * so it drops its own. The rx chain held for a packet is saved unpopped.
 */
#define VIRTIO_VSOCK_STATE_TAG	   "VSCK"
#define VIRTIO_VSOCK_STATE_VERSION 1

/* Append the device's state to w (the VM paused). */
void virtio_vsock_save(struct virtio_vsock *v, struct st_writer *w);

/* Restore one VSCK section into v (initialised, transport attached, no
 * connections, not running). 0, or -EINVAL with rd bad, v unchanged. */
int virtio_vsock_restore(struct virtio_vsock *v, struct st_reader *rd) VMM_WUR;

/* The trace header's device entry kind (vdev_type.trace_kind); the
 * streams' trace records are the port's (vmm/trace/record_vsock.c). */
#define VIRTIO_VSOCK_TRACE_KIND 5

/* The type (vdev_type.h, vsock_type.c). */
extern const struct vdev_type virtio_vsock_type;

#endif
