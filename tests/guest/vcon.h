/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-console driver (VIRTIO 1.2 section 5.3), port 0 only (no
 * VIRTIO_CONSOLE_F_MULTIPORT): queue 0 receiveq (set up, no buffers
 * posted), queue 1 transmitq. Failures exit through vio_fail().
 *
 * vcon_run: send the line "testguest: virtio-console: hello\n" on the
 * transmitq, wait until the device has used it, then print
 * `testguest: virtio-console: sent` on COM1.
 */
#ifndef TG_VCON_H
#define TG_VCON_H

#include "virtio.h"

void vcon_run(struct vio_dev *d);

#endif
