/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-rng driver (VIRTIO 1.2 section 5.4): one device-writable buffer at
 * a time on queue 0 (requestq). Failures exit through vio_fail().
 *
 * vrng_run: read 64 bytes twice; they must not be all zero and the two
 * reads must differ. Prints `testguest: virtio-rng: ok`.
 */
#ifndef TG_VRNG_H
#define TG_VRNG_H

#include <stdint.h>

#include "virtio.h"

/* Negotiate VERSION_1 only, set up queue 0, DRIVER_OK. */
void vrng_setup(struct vio_dev *d);

/* Fill buf[0..n) with device entropy (several requests if the device
 * returns less); fails with VRNG_DATA if it keeps returning nothing. */
void vrng_read(struct vio_dev *d, uint8_t *buf, uint32_t n);

void vrng_run(struct vio_dev *d);

#endif
