/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-net's device type (vdev_type.h). */
#include "devices/virtio/net.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

static unsigned net_type_counters(void *impl, struct vdev_counter *out)
{
	const struct virtio_net *n = impl;
	const struct vdev_counter k[] = {
	    {"rx_frames", n->rx_frames},   {"rx_bytes", n->rx_bytes},
	    {"rx_dropped", n->rx_dropped}, {"tx_frames", n->tx_frames},
	    {"tx_bytes", n->tx_bytes},	   {"tx_dropped", n->tx_dropped},
	    {"tx_again", n->tx_again},	   {"tap_errors", n->tap_errors},
	};
	memcpy(out, k, sizeof(k));
	return sizeof(k) / sizeof(k[0]);
}

const struct vdev_type virtio_net_type = {
    .name = "net",
    .host = VDEV_HOST_TAP,
    .trace_kind = VIRTIO_NET_TRACE_KIND,
    .create = net_type_create,
    .destroy = net_type_destroy,
    .save = net_type_save,
    .restore = net_type_restore,
    .counters = net_type_counters,
};
