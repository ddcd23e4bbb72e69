/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM layer's half of virtio-vsock (vm_virtio.c calls it for the vsock
 * device): the port the device gets and who serves it.
 *  - Normally a unix-socket port (vsock_uds.h) over vm_host.vsock_fd,
 *    polled by the VM's I/O thread, which serves it with the device's
 *    transport lock held and tells the device through its own sink.
 *  - With vm_host.vsock_port (a tracer's: the recorder's or the replay's)
 *    that port instead, and no socket here: the tracer owns the host
 *    side and reaches the device through vm_virtio_vsock_call.
 */
#ifndef VMM_VM_VM_VSOCK_H
#define VMM_VM_VM_VSOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/virtio/vsock.h"
#include "vmm/base/compiler.h"
#include "vmm/vm/vm_virtio.h"
#include "vmm/vm/vsock_uds.h"

struct vm_vsock {
	struct vm_vdev *v;
	struct vsock_uds uds;
	bool uds_ready; /* the uds is ours (no tracer port) */
};

/* Before the device's create: choose its port and fill *o. 0, or -errno
 * with one line in err naming --vsock. */
int vm_vsock_prep(struct vm_vsock *s, struct vm_vdev *v,
		  struct virtio_vsock_opts *o, char *err,
		  size_t errlen) VMM_WUR;

/* After create (v->impl is the device): serve the uds on the I/O thread.
 * 0 or -errno. */
int vm_vsock_attach(struct vm_vsock *s) VMM_WUR;

/* After the device's destroy: close the uds's sockets. */
void vm_vsock_destroy(struct vm_vsock *s);

#endif
