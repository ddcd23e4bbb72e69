/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-initiated vsock connections go through a dialer: a helper process
 * (started by the sandbox, vmm/sandbox/dialer.h, before any filter) that
 * connects to PATH_PORT and hands the socket back, so that vmm's own
 * threads never connect by path. Its only input is a port number: a
 * compromised vmm can reach the vsock's own service sockets and nothing
 * else.
 *
 * The protocol on a SOCK_SEQPACKET socket pair: a request is one message
 * of 4 bytes, the port (host order); the reply one message of 4 bytes, 0
 * or a positive errno, with the connected socket (non-blocking,
 * close-on-exec) as SCM_RIGHTS when 0.
 */
#ifndef VMM_VM_VSOCK_DIAL_H
#define VMM_VM_VSOCK_DIAL_H

#include <stdint.h>

#include "vmm/base/compiler.h"

/* Ask the dialer on fd for a socket connected to port: the socket, or
 * -errno (-EPIPE: the dialer is gone). Blocks until it answers, which
 * is at once: it connects without waiting. One caller at a time. */
int vsock_dial(int fd, uint32_t port) VMM_WUR;

/* The dialer's side: connect to path_PORT for each request on fd until
 * fd ends; returns then. Uses read, socket (AF_UNIX), connect, sendmsg
 * and close, and no memory allocation. */
void vsock_dial_serve(int fd, const char *path);

#endif
