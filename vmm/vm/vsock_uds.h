/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-vsock's host side on unix sockets, as Firecracker's hybrid vsock
 * (docs/vsock.md): a stream port (devices/vsock_port.h) whose streams are
 * unix stream sockets.
 *  - The host connects to the listening socket at PATH (opened by
 *    host_open, before the sandbox) and writes "CONNECT PORT\n"; the guest
 *    is asked (the sink's host_connect) and, once it accepts, the host
 *    reads "OK LOCAL_PORT\n" and the socket is the stream. A refusal, a bad
 *    line (more than 31 bytes, not CONNECT and a decimal port) or no slot
 *    closes the socket.
 *  - A guest connection to host port P gets a socket connected to PATH_P
 *    from the dialer (vmm/vm/vsock_dial.h; a missing or refusing listener
 *    is a refusal), so vmm's threads never connect by path.
 * All of the port's sockets are served by one epoll fd of its own, which
 * the VM's I/O thread polls (vsock_uds_fd); vsock_uds_serve runs there
 * with the device's transport lock held, as every port op is. A hang-up
 * or error takes a socket out of the epoll set (told once) so nothing
 * spins on it. At most VSOCK_PORT_MAX_CONNS sockets, handshakes included.
 */
#ifndef VMM_VM_VSOCK_UDS_H
#define VMM_VM_VSOCK_UDS_H

#include <stdint.h>

#include "devices/vsock_port.h"
#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

#define VSOCK_UDS_LINE_MAX 32 /* "CONNECT 4294967295\n" and then some */

struct vsock_uds_conn {
	int fd; /* -1: free */
	uint8_t state;
	bool polled; /* in the epoll set */
	char line[VSOCK_UDS_LINE_MAX];
	unsigned len;
};

struct vsock_uds {
	struct vsock_port port;	  /* what the device gets */
	struct vsock_sink sink;	  /* set by vsock_uds_bind */
	int listen_fd;		  /* not owned */
	int dial_fd;		  /* the dialer's socket, not owned */
	int epfd;
	struct vsock_uds_conn c[VSOCK_PORT_MAX_CONNS];
	uint64_t accepted, refused;
};

/* Listen on a new unix socket at path (refused when something is there
 * already: remove a stale socket first). The fd, or -errno. */
int vsock_uds_listen(const char *path) VMM_WUR;

/* A port over listening socket listen_fd whose guest connections come
 * from the dialer on dial_fd (both kept, not closed). 0 or -errno. */
int vsock_uds_init(struct vsock_uds *u, int listen_fd, int dial_fd) VMM_WUR;

/* Where the port tells the device what the host did (after the device's
 * create): the device's own sink, or the recorder's in front of it. */
void vsock_uds_bind(struct vsock_uds *u, const struct vsock_sink *sink);

/* The fd the I/O thread polls for EPOLLIN. */
int vsock_uds_fd(const struct vsock_uds *u);

/* The fd is readable: accept, read handshakes, tell the device what is
 * ready. With the device's transport lock held. */
void vsock_uds_serve(struct vsock_uds *u);

/* Close every socket and the epoll fd (not listen_fd). */
void vsock_uds_destroy(struct vsock_uds *u);

#endif
