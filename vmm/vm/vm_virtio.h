/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM's virtio-mmio devices: creating them from the configuration,
 * placing them in the MMIO window with an IRQ each, announcing them on the
 * kernel command line (with --acpi off; the DSDT declares them otherwise),
 * and their event path.
 *
 * Event path with eventfds (--eventfd on, and the backend has them): each
 * queue's QueueNotify write signals an ioeventfd served by the I/O thread,
 * and interrupts go out through an irqfd. Without (--eventfd off, or a
 * backend such as replay): the write is an ordinary MMIO exit handled on
 * the vCPU thread, and interrupts pulse the line with set_irq_line. Host
 * fds (taps) are always served by the I/O thread.
 */
#ifndef VMM_VM_VIRTIO_H
#define VMM_VM_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/vdev_type.h"
#include "vmm/base/compiler.h"

#define VM_MAX_VDEVS 16

struct vm;

struct vm_vdev;
struct vdev_res;

/* What the I/O thread's notify handler needs to find its queue. */
struct vdev_notify {
	struct vm_vdev *v;
	unsigned q;
	int fd;
};

struct vm_vdev {
	struct vm *vm;
	const struct vdev_type *type; /* devices/virtio/vdev_type.h */
	unsigned index;		      /* among its type's devices */
	void *impl;		      /* the type's; struct virtio_blk, _net,
				       * _console for those types */
	struct virtio_dev *dev;	      /* inside impl */
	struct vdev_res *res;	      /* the VM layer's part (vm_virtio.c) */
	struct virtio_mmio mmio;
	bool mmio_ready;
	uint64_t base;
	uint32_t irq;
	int irq_fd; /* irqfd eventfd, or -1 to pulse the line */
	struct vdev_notify notify[VDEV_MAX_QUEUES]; /* fd -1: MMIO exits */
	int tap_fd; /* net: what the I/O thread polls for the device's
		     * port (the tap, or a tracer's fd); -1: nothing */
};

/* Create every configured virtio device (vm->cfg, fds in vm->host) on the
 * MMIO bus and set up its event path. 0 or -errno with a reason in err. */
int vm_virtio_setup(struct vm *vm, char *err, size_t errlen) VMM_WUR;

/* Put virtio-blk `index` over the image fd (PATCH /drives): a new raw
 * backend, swapped in under the transport lock, the driver told by a
 * configuration-change interrupt (the new capacity). The VM owns fd from
 * then on (vm->host.disk_fds[index], the old one closed); on failure
 * nothing changed and fd is the caller's. On the control thread (the
 * backend's set-up calls fstat and fcntl), with the VM running or paused.
 * 0, or -errno with one line in err. */
int vm_virtio_swap_disk(struct vm *vm, unsigned index, int fd, char *err,
			size_t errlen) VMM_WUR;

/* Append " virtio_mmio.device=4K@ADDR:IRQ" for each device to the
 * NUL-terminated cmdline in buf (cap bytes). 0 or -E2BIG. */
int vm_virtio_cmdline(const struct vm *vm, char *buf, size_t cap) VMM_WUR;

/* Start / stop the I/O thread (vm_run calls these around the vCPUs). */
int vm_virtio_start(struct vm *vm) VMM_WUR;
void vm_virtio_stop(struct vm *vm);

/* Virtio-net device v's port has frames: move them into the guest
 * (virtio_net_rx under v's transport lock). The one way every caller (the
 * I/O thread, the recorder, the replay) receives. */
void vm_virtio_net_rx(struct vm_vdev *v);

/* Run fn(opaque, sink) with vsock device v's transport lock held, sink
 * calling the device (devices/vsock_port.h): how a tracer that owns the
 * vsock's host side (vm_host.vsock_port) tells the device what the host
 * did. */
struct vsock_sink;
void vm_virtio_vsock_call(struct vm_vdev *v,
			  void (*fn)(void *opaque, const struct vsock_sink *s),
			  void *opaque);

/* Feed console input to the virtio console; returns bytes taken. */
size_t vm_virtio_console_input(struct vm *vm, const uint8_t *buf, size_t len);

/* Tear down every device (after vm_virtio_stop). Safe on a partial setup. */
void vm_virtio_destroy(struct vm *vm);

#endif
