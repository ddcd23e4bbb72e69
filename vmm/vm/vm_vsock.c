/* SPDX-License-Identifier: Apache-2.0 */
/* The VM layer's half of virtio-vsock; see vm_vsock.h. */
#include "vmm/vm/vm_vsock.h"

#include <string.h>
#include <sys/epoll.h>

#include "vmm/base/errmsg.h"
#include "vmm/vm/vm_int.h"

int vm_vsock_prep(struct vm_vsock *s, struct vm_vdev *v,
		  struct virtio_vsock_opts *o, char *err, size_t errlen)
{
	const struct vsock_config *vs = &v->vm->cfg->vsock;
	s->v = v;
	*o = (struct virtio_vsock_opts){.port = v->vm->host.vsock_port,
					.guest_cid = vs->cid};
	if (o->port)
		return 0;
	int r = vsock_uds_init(&s->uds, v->vm->host.vsock_fd,
			       v->vm->host.vsock_dial_fd);
	if (r)
		return errmsg(err, errlen, r, "--vsock uds=%s: %s",
			      vs->uds_path, strerror(-r));
	s->uds_ready = true;
	o->port = &s->uds.port;
	return 0;
}

static void vm_vsock_ready(void *opaque, uint32_t events)
{
	struct vm_vsock *s = opaque;
	(void)events;
	virtio_mmio_lock(&s->v->mmio);
	vsock_uds_serve(&s->uds);
	virtio_mmio_unlock(&s->v->mmio);
}

int vm_vsock_attach(struct vm_vsock *s)
{
	if (!s->uds_ready)
		return 0;
	struct vsock_sink sink;
	virtio_vsock_sink(s->v->impl, &sink);
	vsock_uds_bind(&s->uds, &sink);
	return iothread_add(&s->v->vm->io, vsock_uds_fd(&s->uds), EPOLLIN,
			    vm_vsock_ready, s);
}

void vm_vsock_destroy(struct vm_vsock *s)
{
	if (s->uds_ready)
		vsock_uds_destroy(&s->uds);
	s->uds_ready = false;
}

void vm_virtio_vsock_call(struct vm_vdev *v,
			  void (*fn)(void *opaque, const struct vsock_sink *s),
			  void *opaque)
{
	struct vsock_sink sink;
	virtio_vsock_sink(v->impl, &sink);
	virtio_mmio_lock(&v->mmio);
	fn(opaque, &sink);
	virtio_mmio_unlock(&v->mmio);
}
