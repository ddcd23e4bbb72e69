/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-vsock's device type (vdev_type.h) and saved state (vsock.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/vsock_int.h"

/* ---- saved state ---- */

static void vsock_save_fields(const struct virtio_dev *d, struct st_writer *w)
{
	st_put_u64(w, ((const struct virtio_vsock *)d)->guest_cid);
}

/* The guest's CID must not change under it. */
static void vsock_check_fields(const struct virtio_dev *d, struct st_reader *r)
{
	if (st_get_u64(r) != ((const struct virtio_vsock *)d)->guest_cid)
		st_fail(r);
}

/* Host streams did not survive: tell the guest to drop its connections. */
static void vsock_applied(struct virtio_dev *d)
{
	((struct virtio_vsock *)d)->reset_due = true;
}

static const struct virtio_mmio_dev_state vsock_state = {
    .tag = VIRTIO_VSOCK_STATE_TAG,
    .version = VIRTIO_VSOCK_STATE_VERSION,
    .save_fields = vsock_save_fields,
    .check_fields = vsock_check_fields,
    .applied = vsock_applied,
};

void virtio_vsock_save(struct virtio_vsock *v, struct st_writer *w)
{
	bool rx = v->rx_have;
	/* The held chain was popped but never returned: saved unpopped. */
	if (rx)
		v->vq[VIRTIO_VSOCK_RXQ].last_avail--;
	virtio_mmio_save_dev(&v->dev, &vsock_state, w);
	if (rx)
		v->vq[VIRTIO_VSOCK_RXQ].last_avail++;
}

int virtio_vsock_restore(struct virtio_vsock *v, struct st_reader *rd)
{
	int e = virtio_mmio_restore_dev(&v->dev, &vsock_state, rd);
	if (!e)
		v->rx_have = false;
	return e;
}

/* ---- the type ---- */

/* Its streams are read and written with readv / writev and polled with
 * epoll, which the net device's rules already allow. Guest connections
 * to the host come from the dialer (vmm/vm/vsock_dial.h): vmm itself
 * never makes a socket or connects. */
#define ARG_EQ(a, v) .eq = true, .arg = (a), .val = (v), .val_name = #v
#define ACCEPT_FLAGS (SOCK_NONBLOCK | SOCK_CLOEXEC) /* the API's too */
static const struct vdev_syscall vsock_syscalls[] = {
    {.sys = "recvmsg",
     .why = "virtio-vsock: a connected socket from the dialer",
     ARG_EQ(2, MSG_CMSG_CLOEXEC)},
    {.sys = "accept4",
     .why = "virtio-vsock: a host connection on the vsock socket",
     ARG_EQ(3, ACCEPT_FLAGS)},
    {.sys = "shutdown",
     .why = "virtio-vsock: the guest shut its send side",
     ARG_EQ(1, SHUT_WR)},
    {.sys = "close",
     .why = "virtio-vsock: a connection's socket, when it ends"},
};

static int vsock_type_create(const struct vdev_env *env, void **impl,
			     struct virtio_dev **dev, char *why, size_t whylen)
{
	(void)why, (void)whylen;
	if (!env->opts)
		return -EINVAL;
	struct virtio_vsock *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	int r = virtio_vsock_init(v, env->mem, env->opts);
	if (r) {
		free(v);
		return r;
	}
	*impl = v;
	*dev = &v->dev;
	return 0;
}

static void vsock_type_destroy(void *impl)
{
	virtio_vsock_destroy(impl);
	free(impl);
}

static void vsock_type_save(void *impl, struct st_writer *w)
{
	virtio_vsock_save(impl, w);
}

static int vsock_type_restore(void *impl, struct st_reader *r)
{
	return virtio_vsock_restore(impl, r);
}

static unsigned vsock_type_counters(void *impl, struct vdev_counter *out)
{
	const struct virtio_vsock *v = impl;
	const struct vdev_counter k[] = {
	    {"rx_packets", v->rx_packets},
	    {"rx_bytes", v->rx_bytes},
	    {"tx_packets", v->tx_packets},
	    {"tx_bytes", v->tx_bytes},
	    {"conns_opened", v->conns_opened},
	    {"conns_refused", v->conns_refused},
	    {"resets_sent", v->resets_sent},
	    {"ctrl_dropped", v->ctrl_dropped},
	    {"bad_packets", v->bad_packets},
	    {"port_errors", v->port_errors},
	};
	memcpy(out, k, sizeof(k));
	return sizeof(k) / sizeof(k[0]);
}

const struct vdev_type virtio_vsock_type = {
    .name = "vsock",
    .host = VDEV_HOST_STREAMS,
    .trace_kind = VIRTIO_VSOCK_TRACE_KIND,
    .syscalls = vsock_syscalls,
    .nsyscalls = sizeof(vsock_syscalls) / sizeof(vsock_syscalls[0]),
    .create = vsock_type_create,
    .destroy = vsock_type_destroy,
    .save = vsock_type_save,
    .restore = vsock_type_restore,
    .counters = vsock_type_counters,
};
