/* SPDX-License-Identifier: Apache-2.0 */
/* The configuration's device list (config.h). */
#include "vmm/config.h"

#include <errno.h>

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
