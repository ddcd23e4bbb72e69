/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-console's device type (vdev_type.h). */
#include "devices/virtio/console.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int console_type_create(const struct vdev_env *env, void **impl,
			       struct virtio_dev **dev, char *why,
			       size_t whylen)
{
	(void)why, (void)whylen;
	if (!env->opts)
		return -EINVAL;
	struct virtio_console *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	int r = virtio_console_init(c, env->mem, env->opts);
	if (r) {
		free(c);
		return r;
	}
	*impl = c;
	*dev = &c->dev;
	return 0;
}

static void console_type_destroy(void *impl)
{
	virtio_console_destroy(impl);
	free(impl);
}

static void console_type_save(void *impl, struct st_writer *w)
{
	virtio_console_save(impl, w);
}

static int console_type_restore(void *impl, struct st_reader *r)
{
	return virtio_console_restore(impl, r);
}

static unsigned console_type_counters(void *impl, struct vdev_counter *out)
{
	const struct virtio_console *c = impl;
	const struct vdev_counter k[] = {
	    {"tx_bytes", c->tx_bytes},
	    {"tx_chains", c->tx_chains},
	    {"rx_bytes", c->rx_bytes},
	    {"rx_chains", c->rx_chains},
	};
	memcpy(out, k, sizeof(k));
	return sizeof(k) / sizeof(k[0]);
}

const struct vdev_type virtio_console_type = {
    .name = "console",
    .host = VDEV_HOST_CONSOLE,
    .option = "console",
    .usage = "  --console             virtio-console on stdio (COM1 then goes\n"
	     "                        nowhere unless --serial file:PATH)\n",
    .trace_kind = VIRTIO_CONSOLE_TRACE_KIND,
    .create = console_type_create,
    .destroy = console_type_destroy,
    .save = console_type_save,
    .restore = console_type_restore,
    .counters = console_type_counters,
};
