/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-rng: see vrng.h. */
#include "vrng.h"

#include <stdbool.h>

#include "exitcodes.h"
#include "serial.h"

#define VRNG_BYTES 64
#define VRNG_MAX_REQUESTS 256

void vrng_setup(struct vio_dev *d)
{
	vio_begin(d, 0);
	vio_queue(d, 0, 0);
	vio_driver_ok(d);
}

void vrng_read(struct vio_dev *d, uint8_t *buf, uint32_t n)
{
	uint32_t have = 0;

	for (unsigned r = 0; have < n && r < VRNG_MAX_REQUESTS; r++) {
		struct vq_buf b = { (uintptr_t)(buf + have), n - have, true };

		have += vq_xfer(d, &d->q[0], &b, 1, "virtio-rng request");
	}
	if (have < n)
		vio_fail(TG_EXIT_VRNG_DATA, "virtio-rng: expected %u bytes in "
			 "%u requests, found %u", n, VRNG_MAX_REQUESTS, have);
}

void vrng_run(struct vio_dev *d)
{
	static uint8_t a[VRNG_BYTES], b[VRNG_BYTES];
	bool nonzero = false, differ = false;

	vrng_setup(d);
	vrng_read(d, a, VRNG_BYTES);
	vrng_read(d, b, VRNG_BYTES);
	for (unsigned i = 0; i < VRNG_BYTES; i++) {
		nonzero |= a[i] != 0 || b[i] != 0;
		differ |= a[i] != b[i];
	}
	if (!nonzero || !differ)
		vio_fail(TG_EXIT_VRNG_DATA, "virtio-rng: expected two different"
			 " non-zero 64-byte reads, found %s",
			 nonzero ? "the same bytes twice" : "all zeros");
	ser_printf("testguest: virtio-rng: ok\n");
}
