/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-vsock driver (VIRTIO 1.2 section 5.10): stream packets on the rx
 * (0) and tx (1) queues, the event queue (2) set up and left alone.
 * Failures exit through vio_fail() with VVSOCK (or a virtio code).
 *
 * vvsock_run, both directions of connection against the host's side of
 * tests/kvm/vsock_test.py:
 *  1. the guest connects to host port VVSOCK_HOST_PORT, sends a line and
 *     must read the same bytes back (the host echoes), then closes (SHUTDOWN
 *     both, the host answers RST);
 *  2. it waits for the host to connect to guest port VVSOCK_GUEST_PORT,
 *     accepts, echoes what it reads until the host shuts its side, then
 *     resets.
 * Prints `testguest: virtio-vsock: cid N`, `... guest connect ok`,
 * `... host connect ok`, `testguest: virtio-vsock: ok`.
 */
#ifndef TG_VVSOCK_H
#define TG_VVSOCK_H

#include "virtio.h"

#define VVSOCK_HOST_PORT  1234
#define VVSOCK_GUEST_PORT 52

void vvsock_run(struct vio_dev *d);

#endif
