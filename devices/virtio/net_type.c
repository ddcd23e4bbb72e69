/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-net's device type (vdev_type.h). */
#include "devices/virtio/net.h"

#include <errno.h>
#include <stdlib.h>

static int net_type_create(const struct vdev_env *env, void **impl,
			   struct virtio_dev **dev, char *why, size_t whylen)
{
	(void)why, (void)whylen;
	if (!env->opts)
		return -EINVAL;
	struct virtio_net *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	int r = virtio_net_init(n, env->mem, env->opts);
	if (r) {
		free(n);
		return r;
	}
	*impl = n;
	*dev = &n->dev;
	return 0;
}

static void net_type_destroy(void *impl)
{
	virtio_net_destroy(impl);
	free(impl);
}

static void net_type_save(void *impl, struct st_writer *w)
{
	virtio_net_save(impl, w);
}

static int net_type_restore(void *impl, struct st_reader *r)
{
	return virtio_net_restore(impl, r);
}

const struct vdev_type virtio_net_type = {
    .name = "net",
    .trace_kind = VIRTIO_NET_TRACE_KIND,
    .create = net_type_create,
    .destroy = net_type_destroy,
    .save = net_type_save,
    .restore = net_type_restore,
};
