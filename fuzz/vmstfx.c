/* SPDX-License-Identifier: Apache-2.0 */
#include "fuzz/vmstfx.h"

#include <stdlib.h>
#include <string.h>

#include "devices/virtio/console.h"
#include "devices/virtio/rng.h"
#include "vmm/app/cli.h"

void vmstfx_machine(uint8_t m, struct vm_config *c, struct vm_host *h)
{
	cli_defaults(c);
	c->accel = "replay";
	c->mem_mib = 16;
	c->cpus = m & 1 ? 2 : 1;
	c->acpi = m & 2;
	int e = m & 4 ? config_dev_add(c, &virtio_rng_type) : 0;
	if (!e && (m & 8))
		e = config_dev_add(c, &virtio_console_type);
	if (e)
		abort(); /* two types into an empty list */
	c->eventfd = false;
	c->serial = SERIAL_NONE;
	memset(h, 0, sizeof(*h));
	h->serial_out_fd = h->serial_in_fd = h->console_out_fd = -1;
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		h->disk_fds[i] = -1;
	for (unsigned i = 0; i < CONFIG_MAX_NETS; i++)
		h->tap_fds[i] = -1;
}
