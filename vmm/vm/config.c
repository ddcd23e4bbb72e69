/* SPDX-License-Identifier: Apache-2.0 */
/* The configuration's defaults and its device list (config.h). */
#include "vmm/vm/config.h"

#include <errno.h>
#include <string.h>

void config_defaults(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->machine = VM_MACHINE_HOST;
	cfg->cmdline = CONFIG_DEFAULT_CMDLINE;
	cfg->mem_mib = CONFIG_DEFAULT_MEM_MIB;
	cfg->cpus = 1;
	cfg->serial = SERIAL_STDIO;
	cfg->on_reset = RESET_EXIT;
	cfg->restart_max = CONFIG_DEFAULT_RESTART_MAX;
	cfg->log_level = LOG_WARN;
	cfg->metrics_interval_s = CONFIG_DEFAULT_METRICS_INTERVAL_S;
	cfg->eventfd = true;
	cfg->acpi = true;
}

int config_dev_add(struct vm_config *c, const struct vdev_type *t)
{
	if (config_dev_has(c, t))
		return 0;
	if (c->ndevs == CONFIG_MAX_FLAG_DEVS)
		return -ENOSPC;
	c->devs[c->ndevs++] = t;
	return 0;
}

bool config_dev_has(const struct vm_config *c, const struct vdev_type *t)
{
	for (unsigned i = 0; i < c->ndevs; i++)
		if (c->devs[i] == t)
			return true;
	return false;
}
