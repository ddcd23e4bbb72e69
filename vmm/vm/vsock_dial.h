/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-initiated vsock connections go through a dialer: a helper process
 * (started by the sandbox, vmm/sandbox/dialer.h, before any filter) that
 * connects to PATH_PORT and hands the socket back, so that vmm's own
 * threads never connect by path. Its only input is a port number: a
 * compromised vmm can reach the vsock's own service sockets and nothing
 * else.
 *
 * The dialer also opens the replacement image of a drive (the API's
 * PATCH /drives), since no vmm thread may open a path once the sandbox is
 * locked down: exactly as the command line's --disk is opened (read-only
 * or read-write, O_DIRECT or not; a regular file or a block device of at
 * least 512 bytes; a shared or exclusive flock). Its inputs are what the
 * API's client names, who could name any disk before boot too.
 *
 * And it creates a snapshot's two files (the API's PUT /snapshot/create),
 * new files only: a compromised vmm can add files where the user may,
 * never change one that exists.
 *
 * The protocol on a SOCK_SEQPACKET socket pair: a request is one message,
 * either 4 bytes, the port (host order), or VSOCK_DIAL_OPEN (4 bytes), a
 * flags byte (VSOCK_DIAL_RO, VSOCK_DIAL_DIRECT, or VSOCK_DIAL_CREATE
 * alone) and the path with its NUL;
 * the reply is one message of 4 bytes, 0 or a positive errno, with the
 * connected socket (non-blocking, close-on-exec) or the open image
 * (close-on-exec) as SCM_RIGHTS when 0.
 */
#ifndef VMM_VM_VSOCK_DIAL_H
#define VMM_VM_VSOCK_DIAL_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

/* Ask the dialer on fd for a socket connected to port: the socket, or
 * -errno (-EPIPE: the dialer is gone). Blocks until it answers, which
 * is at once: it connects without waiting. One caller at a time. */
int vsock_dial(int fd, uint32_t port) VMM_WUR;

/* An open request's first 4 bytes: port 0xffffffff (VMADDR_PORT_ANY) is
 * never connected to. */
#define VSOCK_DIAL_OPEN	    0xffffffffu
#define VSOCK_DIAL_RO	    0x01u
#define VSOCK_DIAL_DIRECT   0x02u
/* A new file for a snapshot (PUT /snapshot/create): created write-only
 * with mode 0600, never an existing one (O_EXCL: nothing is overwritten,
 * and a symbolic link is not followed); alone, without the others. */
#define VSOCK_DIAL_CREATE	0x04u
#define VSOCK_DIAL_CREATE_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC)
#define VSOCK_DIAL_PATH_MAX 4096 /* with the NUL */

/* Ask the dialer on fd to open the disk image at path (flags: the
 * VSOCK_DIAL_* bits): the fd, or -errno (-EPIPE: the dialer is gone;
 * -ENAMETOOLONG: path too long). One caller at a time. */
int vsock_dial_open(int fd, const char *path, unsigned flags) VMM_WUR;

/* The dialer's side: for each request on fd, connect to path_PORT or
 * open the image named, until fd ends; returns then. Uses read, socket
 * (AF_UNIX), connect, openat, fcntl (F_SETFL), fstat, flock, sendmsg and
 * close, and no memory allocation. path may be NULL (no vsock: connect
 * requests get ENOENT). */
void vsock_dial_serve(int fd, const char *path);

#endif
