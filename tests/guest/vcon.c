/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-console: see vcon.h. */
#include "vcon.h"

#include "serial.h"

void vcon_run(struct vio_dev *d)
{
	static const char line[] = "testguest: virtio-console: hello\n";
	struct vq_buf b = { (uintptr_t)line, sizeof(line) - 1, false };

	vio_begin(d, 0);
	vio_queue(d, 0, 0);
	vio_queue(d, 1, 1);
	vio_driver_ok(d);
	vq_xfer(d, &d->q[1], &b, 1, "virtio-console transmit");
	ser_printf("testguest: virtio-console: sent\n");
}
