/* SPDX-License-Identifier: Apache-2.0 */
/* The device type table and its lookups (vdev_type.h). */
#include "devices/virtio/vdev_type.h"

#include <string.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/console.h"
#include "devices/virtio/net.h"
#include "devices/virtio/rng.h"
#include "devices/virtio/vsock.h"

const struct vdev_type *const vdev_types[] = {
    &virtio_blk_type,	  &virtio_net_type,   &virtio_rng_type,
    &virtio_console_type, &virtio_vsock_type, NULL,
};

const struct vdev_type *vdev_type_find(const char *name)
{
	for (const struct vdev_type *const *t = vdev_types; *t; t++)
		if (strcmp((*t)->name, name) == 0)
			return *t;
	return NULL;
}

const struct vdev_type *vdev_type_by_trace(uint8_t kind)
{
	for (const struct vdev_type *const *t = vdev_types; *t; t++)
		if (kind && (*t)->trace_kind == kind)
			return *t;
	return NULL;
}

const struct vdev_input *vdev_input_by_trace(uint8_t type)
{
	for (const struct vdev_type *const *t = vdev_types; *t; t++)
		for (unsigned i = 0; i < (*t)->ninputs; i++)
			if ((*t)->inputs[i].trace_type == type)
				return &(*t)->inputs[i];
	return NULL;
}
