/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virtio devices' host resources, by kind (devices/virtio/vdev_type.h,
 * vdev_type.host): how many devices of each type the configuration asks
 * for, and opening each one's resource once, before the sandbox, for
 * host_open. One entry per kind: a disk image (--disk: opened, checked,
 * locked), a tap (--net), a listening unix socket (--vsock). A flag type
 * is on or off; its kind (the console's stdio) needs no opening here.
 */
#ifndef VMM_VM_HOST_DEV_H
#define VMM_VM_HOST_DEV_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"
#include "vmm/vm/outfile.h"
#include "vmm/vm/vm.h"

/* How many devices of type t cfg configures (0 for a type whose kind
 * has no configuration). */
unsigned host_dev_count(const struct vm_config *cfg, const struct vdev_type *t);

/* Whether cfg configures a device whose type's host resource is kind k
 * (VDEV_HOST_CONSOLE: stdin and stdout belong to a virtio console). */
bool host_dev_wants(const struct vm_config *cfg, enum vdev_host_kind k);

/* Open the host resource of every configured device, walking the type
 * table in creation order, into h (disk_fds, tap_fds and tap_offloads,
 * vsock_fd); the files go into ids. 0, or -errno with one line in err
 * naming the option and the file (what was opened is left in h for
 * host_close). */
int host_dev_open(const struct vm_config *cfg, struct vm_host *h,
		  struct file_ids *ids, char *err, size_t errlen) VMM_WUR;

#endif
