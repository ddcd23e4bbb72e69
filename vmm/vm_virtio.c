/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm_virtio.h"

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
#include "devices/virtio/rng.h"
#include "vmm/disk_raw.h"
#include "vmm/errmsg.h"
#include "vmm/log.h"
#include "vmm/net_tap.h"
#include "vmm/vm.h"

/* IRQs for virtio devices, in order: the free ISA lines, then the
 * IO-APIC's pins 16-23. 4 is COM1; 8 the RTC; 12 the i8042 aux port. */
static const uint8_t vdev_irqs[] = {5,  6,  7,  9,  10, 11, 13, 14, 15,
				    16, 17, 18, 19, 20, 21, 22, 23};

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
	int r = vm->accel->ioeventfd(vm->avm, v->base + VIRTIO_MMIO_QUEUE_NOTIFY,
				     4, q, n->fd, true);
	if (!r)
		r = iothread_add(&vm->io, n->fd, EPOLLIN, vdev_notify_ready, n);
	return r;
}

static int vdev_event_path(struct vm_vdev *v)
{
	struct vm *vm = v->vm;
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

/* A disk's impl: the device first (impl is a struct virtio_blk *), then
 * the raw image backend it reads and writes through. */
struct vdev_blk {
	struct virtio_blk blk;
	struct disk_raw raw;
};

static int vdev_make_blk(struct vm_vdev *v, unsigned i, char *err,
			 size_t errlen)
{
	const struct disk_config *d = &v->vm->cfg->disks[i];
	struct vdev_blk *vb = calloc(1, sizeof(*vb));
	if (!vb)
		return -ENOMEM;
	v->impl = vb;
	char name[32];
	snprintf(name, sizeof(name), "virtio-blk%u", i);
	char why[256];
	int r = disk_raw_init(&vb->raw, v->vm->host.disk_fds[i], d->read_only,
			      d->direct, name, why, sizeof(why));
	struct virtio_blk_opts o = {.disk = &vb->raw.disk,
				    .id = d->id[0] ? d->id : NULL,
				    .name = name};
	if (!r)
		r = virtio_blk_init(&vb->blk, &v->vm->mem, &o, why,
				    sizeof(why));
	if (r) {
		disk_raw_destroy(&vb->raw);
		return errmsg(err, errlen, r, "--disk %s: %s", d->path, why);
	}
	v->dev = &vb->blk.dev;
	return 0;
}

/* A net's impl: the device first (impl is a struct virtio_net *), then
 * the tap port it uses when no tracer gave one (vm_host.net_ports). */
struct vdev_net {
	struct virtio_net net;
	struct net_tap tap;
};

static int vdev_make_net(struct vm_vdev *v, unsigned i)
{
	const struct net_config *c = &v->vm->cfg->nets[i];
	struct vdev_net *vn = calloc(1, sizeof(*vn));
	if (!vn)
		return -ENOMEM;
	v->impl = vn;
	v->tap_fd = v->vm->host.tap_fds[i];
	struct virtio_net_opts o = {.port = v->vm->host.net_ports[i],
				    .name = "virtio-net"};
	if (!o.port) {
		int e =
		    net_tap_init(&vn->tap, v->tap_fd,
				 v->vm->host.tap_offloads[i], vdev_want_rx, v);
		if (e)
			return e;
		o.port = &vn->tap.port;
	}
	if (c->has_mac) {
		memcpy(o.mac, c->mac, 6);
	} else {
		static const uint8_t base[6] = {0x52, 0x54, 0x00, 0, 0, 0};
		memcpy(o.mac, base, 6);
		o.mac[5] = (uint8_t)i;
	}
	int r = virtio_net_init(&vn->net, &v->vm->mem, &o);
	if (r)
		return r;
	v->dev = &vn->net.dev;
	/* Disarmed until the device asks for frames (want_rx). */
	return v->tap_fd < 0
		   ? 0
		   : iothread_add(&v->vm->io, v->tap_fd, 0, vdev_tap_ready, v);
}

static int vdev_make_rng(struct vm_vdev *v)
{
	struct virtio_rng *g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	v->impl = g;
	const struct vm_tracer *t = v->vm->host.tracer;
	struct virtio_rng_host h = {.fill = t ? t->ops->rng_fill : NULL,
				    .opaque = t ? t->opaque : NULL};
	int r = virtio_rng_init(g, &v->vm->mem, &h);
	if (!r)
		v->dev = &g->dev;
	return r;
}

static int vdev_make_console(struct vm_vdev *v)
{
	struct virtio_console *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	v->impl = c;
	struct virtio_console_host h = {.tx = vdev_console_tx,
					.rx_space = vdev_console_rx_space,
					.opaque = v};
	int r = virtio_console_init(c, &v->vm->mem, &h);
	if (!r) {
		v->dev = &c->dev;
		v->vm->console_vdev = v;
	}
	return r;
}

static int vdev_add(struct vm *vm, enum vdev_kind kind, unsigned i, char *err,
		    size_t errlen)
{
	if (vm->nvdevs == VM_MAX_VDEVS || vm->nvdevs == sizeof(vdev_irqs))
		return errmsg(err, errlen, -ENOSPC,
			      "too many virtio devices (at most %d)",
			      VM_MAX_VDEVS);
	struct vm_vdev *v = calloc(1, sizeof(*v));
	if (!v)
		return errmsg(err, errlen, -ENOMEM, "out of memory");
	vm->vdevs[vm->nvdevs++] = v;
	v->vm = vm;
	v->kind = kind;
	v->irq_fd = v->tap_fd = -1;
	for (unsigned q = 0; q < VDEV_MAX_QUEUES; q++)
		v->notify[q].fd = -1;
	v->base = LAYOUT_VIRTIO_MMIO +
		  (uint64_t)(vm->nvdevs - 1) * VIRTIO_MMIO_RANGE_LEN;
	v->irq = vdev_irqs[vm->nvdevs - 1];

	int r;
	switch (kind) {
	case VDEV_BLK:
		r = vdev_make_blk(v, i, err, errlen);
		break;
	case VDEV_NET:
		r = vdev_make_net(v, i);
		break;
	case VDEV_RNG:
		r = vdev_make_rng(v);
		break;
	default:
		r = vdev_make_console(v);
		break;
	}
	if (r)
		return err && errlen && err[0]
			   ? r
			   : errmsg(err, errlen, r, "creating a virtio device: %s",
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
	for (unsigned i = 0; i < vm->cfg->ndisks; i++)
		if ((r = vdev_add(vm, VDEV_BLK, i, err, errlen)))
			return r;
	for (unsigned i = 0; i < vm->cfg->nnets; i++)
		if ((r = vdev_add(vm, VDEV_NET, i, err, errlen)))
			return r;
	if (vm->cfg->rng && (r = vdev_add(vm, VDEV_RNG, 0, err, errlen)))
		return r;
	if (vm->cfg->console &&
	    (r = vdev_add(vm, VDEV_CONSOLE, 0, err, errlen)))
		return r;
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
	if (v->dev) {
		switch (v->kind) {
		case VDEV_BLK:
			virtio_blk_destroy(&((struct vdev_blk *)v->impl)->blk);
			disk_raw_destroy(&((struct vdev_blk *)v->impl)->raw);
			break;
		case VDEV_NET:
			virtio_net_destroy(v->impl);
			break;
		case VDEV_RNG:
			virtio_rng_destroy(v->impl);
			break;
		case VDEV_CONSOLE:
			virtio_console_destroy(v->impl);
			break;
		}
	}
	/* The eventfds die with the VM fd's registrations; close ours. */
	for (unsigned q = 0; q < VDEV_MAX_QUEUES; q++)
		if (v->notify[q].fd >= 0)
			close(v->notify[q].fd);
	if (v->irq_fd >= 0)
		close(v->irq_fd);
	free(v->impl);
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
