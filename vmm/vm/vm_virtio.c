/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/vm_virtio.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/virtio_mmio.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/console.h"
#include "devices/virtio/net.h"
#include "devices/virtio/vsock.h"
#include "vmm/base/errmsg.h"
#include "vmm/base/log.h"
#include "vmm/vm/disk_raw.h"
#include "vmm/vm/host_dev.h"
#include "vmm/vm/net_tap.h"
#include "vmm/vm/vm_int.h"
#include "vmm/vm/vm_machine.h"
#include "vmm/vm/vm_vsock.h"

/* ---- event path ---- */

static void vdev_raise_irq(void *opaque)
{
	struct vm_vdev *v = opaque;
	if (v->irq_fd >= 0) {
		uint64_t one = 1;
		ssize_t w = write(v->irq_fd, &one, sizeof(one));
		(void)w; /* only fails when the counter would overflow */
		return;
	}
	const struct accel_ops *a = v->vm->accel;
	const struct vm_tracer *t = v->vm->host.tracer;
	if (t)
		t->ops->irq(t->opaque, v->irq, 1);
	int r = a->set_irq_line(v->vm->avm, v->irq, 1);
	if (t)
		t->ops->irq(t->opaque, v->irq, 0);
	if (!r)
		r = a->set_irq_line(v->vm->avm, v->irq, 0);
	if (r)
		log_limited(v->vm->host.guest_log, LOG_WARN, "%s: IRQ %u: %s",
			    v->dev->name, v->irq, strerror(-r));
}

static void vdev_notify_ready(void *opaque, uint32_t events)
{
	struct vdev_notify *n = opaque;
	uint64_t count;
	(void)events;
	if (read(n->fd, &count, sizeof(count)) != sizeof(count))
		return; /* spurious wakeup: nothing pending */
	virtio_mmio_notify(&n->v->mmio, n->q);
}

static void vdev_tap_ready(void *opaque, uint32_t events)
{
	struct vm_vdev *v = opaque;
	(void)events;
	if (v->vm->host.tracer) {
		v->vm->host.tracer->ops->net_rx(v->vm->host.tracer->opaque, v);
		return;
	}
	vm_virtio_net_rx(v);
}

void vm_virtio_net_rx(struct vm_vdev *v)
{
	virtio_mmio_lock(&v->mmio);
	virtio_net_rx(v->impl);
	virtio_mmio_unlock(&v->mmio);
}

static void vdev_want_rx(void *opaque, bool want)
{
	struct vm_vdev *v = opaque;
	int r = iothread_mod(&v->vm->io, v->tap_fd, want ? EPOLLIN : 0);
	if (r)
		log_limited(v->vm->host.guest_log, LOG_WARN,
			    "%s: cannot %s the tap: %s", v->dev->name,
			    want ? "poll" : "stop polling", strerror(-r));
}

static void vdev_console_tx(void *opaque, const uint8_t *buf, size_t len)
{
	struct vm_vdev *v = opaque;
	if (v->vm->host.tracer)
		v->vm->host.tracer->ops->console_tx(v->vm->host.tracer->opaque,
						    buf, len);
	conout_write(&v->vm->console_out, buf, len);
}

static void vdev_console_rx_space(void *opaque)
{
	struct vm_vdev *v = opaque;
	uint64_t one = 1;
	ssize_t w = write(v->vm->wake_fd, &one, sizeof(one));
	(void)w; /* see vm_request_stop */
}

/* Give queue q an ioeventfd on QueueNotify (datamatch q) served by the
 * I/O thread. */
static int vdev_add_notify(struct vm_vdev *v, unsigned q)
{
	struct vm *vm = v->vm;
	struct vdev_notify *n = &v->notify[q];
	n->v = v;
	n->q = q;
	n->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->fd < 0)
		return -errno;
	int r = vm->accel->ioeventfd(
	    vm->avm, v->base + VIRTIO_MMIO_QUEUE_NOTIFY, 4, q, n->fd, true);
	if (!r)
		r = iothread_add(&vm->io, n->fd, EPOLLIN, vdev_notify_ready, n);
	return r;
}

static int vdev_event_path(struct vm_vdev *v)
{
	struct vm *vm = v->vm;
	if (v->dev->nqueues > VDEV_MAX_QUEUES)
		return -E2BIG; /* a type breaking vdev_type.h's bound */
	/* A tracer must see every notification: exits only. */
	if (!vm->cfg->eventfd || !vm->accel->ioeventfd || !vm->accel->irqfd ||
	    vm->host.tracer)
		return 0;
	v->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->irq_fd < 0)
		return -errno;
	int r = vm->accel->irqfd(vm->avm, v->irq, v->irq_fd, true);
	for (unsigned q = 0; !r && q < v->dev->nqueues; q++)
		r = vdev_add_notify(v, q);
	return r;
}

/* ---- device creation ---- */

/* What the VM layer holds for a device beside the type's impl: the host
 * resource it wraps (a disk's raw backend, a net's tap port) and the
 * type-specific options create is given (vdev_env.opts). */
struct vdev_res {
	/* A disk's backend: raws[cur] is the device's; the other is free
	 * for the next image (vm_virtio_swap_disk). */
	struct disk_raw raws[2];
	bool raw_ready[2];
	unsigned cur;
	struct net_tap tap;
	struct vm_vsock vsock;
	char name[32];
	/* What a create failure names: the option that asked for the
	 * device ("--disk", with its argument), or NULL: "virtio-TYPE". */
	const char *opt, *arg;
	union {
		struct virtio_blk_opts blk;
		struct virtio_net_opts net;
		struct virtio_console_host console;
		struct virtio_vsock_opts vsock;
	} opts;
};

/* A host input of device v: through the tracer when there is one. */
static ssize_t vdev_input(void *opaque, const struct vdev_input *in, void *buf,
			  size_t len)
{
	const struct vm_tracer *t = ((struct vm_vdev *)opaque)->vm->host.tracer;
	return t ? t->ops->dev_input(t->opaque, in, buf, len)
		 : in->source(buf, len);
}

/* A disk: the raw image backend over its fd. */
static int vdev_prep_blk(struct vm_vdev *v, char *err, size_t errlen)
{
	const struct disk_config *d = &v->vm->cfg->disks[v->index];
	struct vdev_res *res = v->res;
	snprintf(res->name, sizeof(res->name), "virtio-blk%u", v->index);
	char why[256];
	int r =
	    disk_raw_init(&res->raws[0], v->vm->host.disk_fds[v->index],
			  d->read_only, d->direct, res->name, why, sizeof(why));
	if (r)
		return errmsg(err, errlen, r, "--disk %s: %s", d->path, why);
	res->raw_ready[0] = true;
	res->opt = "--disk";
	res->arg = d->path;
	res->opts.blk = (struct virtio_blk_opts){.disk = &res->raws[0].disk,
						 .id = d->id[0] ? d->id : NULL,
						 .name = res->name};
	return 0;
}

/* A net: the port a tracer gave, else the tap's. */
static int vdev_prep_net(struct vm_vdev *v, char *err, size_t errlen)
{
	const struct net_config *c = &v->vm->cfg->nets[v->index];
	struct vdev_res *res = v->res;
	unsigned i = v->index;
	v->tap_fd = v->vm->host.tap_fds[i];
	struct virtio_net_opts *o = &res->opts.net;
	o->port = v->vm->host.net_ports[i];
	o->name = "virtio-net";
	if (!o->port) {
		int e =
		    net_tap_init(&res->tap, v->tap_fd,
				 v->vm->host.tap_offloads[i], vdev_want_rx, v);
		if (e)
			return errmsg(err, errlen, e, "--net tap=%s: %s",
				      c->tap, strerror(-e));
		o->port = &res->tap.port;
	}
	if (c->has_mac) {
		memcpy(o->mac, c->mac, 6);
	} else {
		static const uint8_t base[6] = {0x52, 0x54, 0x00, 0, 0, 0};
		memcpy(o->mac, base, 6);
		o->mac[5] = (uint8_t)i;
	}
	return 0;
}

static int vdev_prep_vsock(struct vm_vdev *v, char *err, size_t errlen)
{
	return vm_vsock_prep(&v->res->vsock, v, &v->res->opts.vsock, err,
			     errlen);
}

static int vdev_prep_console(struct vm_vdev *v, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	v->res->opts.console =
	    (struct virtio_console_host){.tx = vdev_console_tx,
					 .rx_space = vdev_console_rx_space,
					 .opaque = v};
	return 0;
}

/* A net's tap into the I/O thread, disarmed until the device asks for
 * frames. */
static int vdev_attach_net(struct vm_vdev *v)
{
	return v->tap_fd >= 0
		   ? iothread_add(&v->vm->io, v->tap_fd, 0, vdev_tap_ready, v)
		   : 0;
}

static int vdev_attach_console(struct vm_vdev *v)
{
	v->vm->console_vdev = v;
	return 0;
}

static int vdev_attach_vsock(struct vm_vdev *v)
{
	return vm_vsock_attach(&v->res->vsock);
}

/* The VM layer's half of each kind of host resource (vdev_type.host):
 * prep fills v->res and the type's options before create (0 or -errno
 * with a reason in err); attach hooks the created device into the VM.
 * A kind with no prep hands create no options. */
static const struct {
	int (*prep)(struct vm_vdev *v, char *err, size_t errlen);
	int (*attach)(struct vm_vdev *v);
} vdev_kinds[VDEV_HOST_KINDS] = {
    [VDEV_HOST_DISK] = {vdev_prep_blk, NULL},
    [VDEV_HOST_TAP] = {vdev_prep_net, vdev_attach_net},
    [VDEV_HOST_CONSOLE] = {vdev_prep_console, vdev_attach_console},
    [VDEV_HOST_STREAMS] = {vdev_prep_vsock, vdev_attach_vsock},
};

static int vdev_prep(struct vm_vdev *v, const void **opts, char *err,
		     size_t errlen)
{
	unsigned k = v->type->host;
	*opts = NULL;
	if (k >= VDEV_HOST_KINDS || !vdev_kinds[k].prep)
		return 0;
	*opts = &v->res->opts;
	return vdev_kinds[k].prep(v, err, errlen);
}

static int vdev_attach(struct vm_vdev *v)
{
	unsigned k = v->type->host;
	return k < VDEV_HOST_KINDS && vdev_kinds[k].attach
		   ? vdev_kinds[k].attach(v)
		   : 0;
}

/* Create device v of its type. 0 or -errno, with a reason in err. */
static int vdev_create(struct vm_vdev *v, char *err, size_t errlen)
{
	if (!(v->res = calloc(1, sizeof(*v->res))))
		return -ENOMEM;
	struct vdev_env env = {.mem = &v->vm->mem,
			       .index = v->index,
			       .input = vdev_input,
			       .opaque = v};
	int r = vdev_prep(v, &env.opts, err, errlen);
	if (r)
		return r;
	char why[256] = "";
	void *impl;
	struct virtio_dev *dev;
	r = v->type->create(&env, &impl, &dev, why, sizeof(why));
	if (r && why[0] && v->res->opt)
		return errmsg(err, errlen, r, "%s %s: %s", v->res->opt,
			      v->res->arg, why);
	if (r)
		return why[0] ? errmsg(err, errlen, r, "virtio-%s: %s",
				       v->type->name, why)
			      : r;
	v->impl = impl;
	v->dev = dev;
	return vdev_attach(v);
}

static int vdev_add(struct vm *vm, const struct vdev_type *type, unsigned i,
		    char *err, size_t errlen)
{
	uint64_t base;
	uint32_t irq;
	if (vm->nvdevs == VM_MAX_VDEVS ||
	    vm->machine->virtio_slot(vm->nvdevs, &base, &irq))
		return errmsg(err, errlen, -ENOSPC,
			      "too many virtio devices (at most %d)",
			      VM_MAX_VDEVS);
	struct vm_vdev *v = calloc(1, sizeof(*v));
	if (!v)
		return errmsg(err, errlen, -ENOMEM, "out of memory");
	vm->vdevs[vm->nvdevs++] = v;
	v->vm = vm;
	v->type = type;
	v->index = i;
	v->irq_fd = v->tap_fd = -1;
	for (unsigned q = 0; q < VDEV_MAX_QUEUES; q++)
		v->notify[q].fd = -1;
	v->base = base;
	v->irq = irq;

	int r = vdev_create(v, err, errlen);
	if (r)
		return err && errlen && err[0]
			   ? r
			   : errmsg(err, errlen, r,
				    "creating a virtio device: %s",
				    strerror(-r));
	v->dev->log = vm->host.guest_log;
	struct virtio_mmio_host mh = {.raise_irq = vdev_raise_irq, .opaque = v};
	r = virtio_mmio_init(&v->mmio, v->dev, &mh);
	if (r)
		return errmsg(err, errlen, r, "%s: transport: %s", v->dev->name,
			      strerror(-r));
	v->mmio_ready = true;
	r = bus_register(&vm->mmio, v->base, VIRTIO_MMIO_RANGE_LEN,
			 &virtio_mmio_ops, &v->mmio, v->dev->name);
	if (!r)
		r = vdev_event_path(v);
	if (r)
		return errmsg(err, errlen, r, "%s at 0x%" PRIx64 ": %s",
			      v->dev->name, v->base, strerror(-r));
	return 0;
}

int vm_virtio_setup(struct vm *vm, char *err, size_t errlen)
{
	int r = iothread_init(&vm->io);
	if (r)
		return errmsg(err, errlen, r, "I/O thread: %s", strerror(-r));
	vm->io_ready = true;
	/* In table order, whatever order the options came in. */
	for (const struct vdev_type *const *t = vdev_types; *t; t++) {
		unsigned n = host_dev_count(vm->cfg, *t);
		for (unsigned i = 0; i < n; i++)
			if ((r = vdev_add(vm, *t, i, err, errlen)))
				return r;
	}
	return 0;
}

int vm_virtio_cmdline(const struct vm *vm, char *buf, size_t cap)
{
	size_t len = strlen(buf);
	for (unsigned i = 0; i < vm->nvdevs; i++) {
		const struct vm_vdev *v = vm->vdevs[i];
		int n = snprintf(buf + len, cap - len,
				 " virtio_mmio.device=4K@0x%" PRIx64 ":%u",
				 v->base, v->irq);
		if (n < 0 || (size_t)n >= cap - len)
			return -E2BIG;
		len += (size_t)n;
	}
	return 0;
}

int vm_virtio_start(struct vm *vm)
{
	return vm->io_ready ? iothread_start(&vm->io) : 0;
}

void vm_virtio_stop(struct vm *vm)
{
	if (vm->io_ready)
		iothread_stop(&vm->io);
}

size_t vm_virtio_console_input(struct vm *vm, const uint8_t *buf, size_t len)
{
	struct vm_vdev *v = vm->console_vdev;
	if (!v)
		return 0;
	virtio_mmio_lock(&v->mmio);
	size_t n = virtio_console_rx_push(v->impl, buf, len);
	virtio_mmio_unlock(&v->mmio);
	return n;
}

static void vdev_destroy(struct vm_vdev *v)
{
	if (v->mmio_ready)
		virtio_mmio_destroy(&v->mmio);
	if (v->dev)
		v->type->destroy(v->impl);
	for (unsigned k = 0; v->res && k < 2; k++)
		if (v->res->raw_ready[k])
			disk_raw_destroy(&v->res->raws[k]);
	if (v->res)
		vm_vsock_destroy(&v->res->vsock);
	/* The eventfds die with the VM fd's registrations; close ours. */
	for (unsigned q = 0; q < VDEV_MAX_QUEUES; q++)
		if (v->notify[q].fd >= 0)
			close(v->notify[q].fd);
	if (v->irq_fd >= 0)
		close(v->irq_fd);
	free(v->res);
	free(v);
}

void vm_virtio_destroy(struct vm *vm)
{
	vm_virtio_stop(vm);
	for (unsigned i = 0; i < vm->nvdevs; i++)
		vdev_destroy(vm->vdevs[i]);
	vm->nvdevs = 0;
	vm->console_vdev = NULL;
	if (vm->io_ready)
		iothread_destroy(&vm->io);
	vm->io_ready = false;
}

int vm_virtio_swap_disk(struct vm *vm, unsigned index, int fd, char *err,
			size_t errlen)
{
	struct vm_vdev *v = NULL;
	for (unsigned i = 0; i < vm->nvdevs && !v; i++)
		if (vm->vdevs[i]->type->host == VDEV_HOST_DISK &&
		    vm->vdevs[i]->index == index)
			v = vm->vdevs[i];
	if (!v || index >= vm->cfg->ndisks)
		return errmsg(err, errlen, -ENOENT, "no drive %u", index);
	const struct disk_config *d = &vm->cfg->disks[index];
	struct vdev_res *res = v->res;
	unsigned next = res->cur ^ 1;
	char why[256];
	int r = disk_raw_init(&res->raws[next], fd, d->read_only, d->direct,
			      res->name, why, sizeof(why));
	if (r) {
		disk_raw_destroy(&res->raws[next]);
		return errmsg(err, errlen, r, "%s", why);
	}
	res->raw_ready[next] = true;
	virtio_mmio_lock(&v->mmio);
	r = virtio_blk_set_disk(v->impl, &res->raws[next].disk, why,
				sizeof(why));
	if (!r)
		virtio_mmio_config_changed(&v->mmio);
	virtio_mmio_unlock(&v->mmio);
	unsigned old = r ? next : res->cur;
	disk_raw_destroy(&res->raws[old]);
	res->raw_ready[old] = false;
	if (r)
		return errmsg(err, errlen, r, "%s", why);
	res->cur = next;
	close(vm->host.disk_fds[index]);
	vm->host.disk_fds[index] = fd;
	return 0;
}
