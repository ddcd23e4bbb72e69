/* SPDX-License-Identifier: Apache-2.0 */
#include "fuzz/vmstfx.h"

#include <string.h>

#include "vmm/cli.h"

void vmstfx_machine(uint8_t m, struct vm_config *c, struct vm_host *h)
{
	cli_defaults(c);
	c->accel = "replay";
	c->mem_mib = 16;
	c->cpus = m & 1 ? 2 : 1;
	c->acpi = m & 2;
	c->rng = m & 4;
	c->console = m & 8;
	c->eventfd = false;
	c->serial = SERIAL_NONE;
	memset(h, 0, sizeof(*h));
	h->serial_out_fd = h->serial_in_fd = h->console_out_fd = -1;
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		h->disk_fds[i] = -1;
	for (unsigned i = 0; i < CONFIG_MAX_NETS; i++)
		h->tap_fds[i] = -1;
}
