/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-blk's device type (vdev_type.h). */
#include "devices/virtio/blk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int blk_type_create(const struct vdev_env *env, void **impl,
			   struct virtio_dev **dev, char *why, size_t whylen)
{
	if (!env->opts)
		return -EINVAL;
	struct virtio_blk *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	int r = virtio_blk_init(b, env->mem, env->opts, why, whylen);
	if (r) {
		free(b);
		return r;
	}
	*impl = b;
	*dev = &b->dev;
	return 0;
}

static void blk_type_destroy(void *impl)
{
	virtio_blk_destroy(impl);
	free(impl);
}

static void blk_type_save(void *impl, struct st_writer *w)
{
	virtio_blk_save(impl, w);
}

static int blk_type_restore(void *impl, struct st_reader *r)
{
	return virtio_blk_restore(impl, r);
}

static unsigned blk_type_counters(void *impl, struct vdev_counter *out)
{
	const struct virtio_blk *b = impl;
	const struct vdev_counter k[] = {
	    {"reads", b->reads},     {"writes", b->writes},
	    {"flushes", b->flushes}, {"discards", b->discards},
	    {"errors", b->errors},   {"io_errors", b->io_errors},
	};
	memcpy(out, k, sizeof(k));
	return sizeof(k) / sizeof(k[0]);
}

const struct vdev_type virtio_blk_type = {
    .name = "blk",
    .host = VDEV_HOST_DISK,
    .trace_kind = VIRTIO_BLK_TRACE_KIND,
    .create = blk_type_create,
    .destroy = blk_type_destroy,
    .save = blk_type_save,
    .restore = blk_type_restore,
    .counters = blk_type_counters,
};
