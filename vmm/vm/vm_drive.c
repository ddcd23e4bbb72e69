/* SPDX-License-Identifier: Apache-2.0 */
/* A drive's new image (vm.h, vm_drive_replace). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"
#include "vmm/vm/vm_int.h"
#include "vmm/vm/vm_virtio.h"
#include "vmm/vm/vsock_dial.h"

struct drive_req {
	unsigned index;
	const char *path;
	char *err;
	size_t errlen;
};

/* On the control thread: the dialer opens the image, the VM swaps it in. */
static int drive_replace(struct vm *vm, void *arg)
{
	struct drive_req *q = arg;
	const struct disk_config *d = &vm->cfg->disks[q->index];
	if (vm->host.vsock_dial_fd < 0)
		return errmsg(q->err, q->errlen, -ENOTSUP,
			      "%s: no dialer to open it (vmm without the API)",
			      q->path);
	unsigned flags = (d->read_only ? VSOCK_DIAL_RO : 0) |
			 (d->direct ? VSOCK_DIAL_DIRECT : 0);
	int fd = vsock_dial_open(vm->host.vsock_dial_fd, q->path, flags);
	if (fd < 0)
		return errmsg(
		    q->err, q->errlen, fd, "%s: %s%s", q->path, strerror(-fd),
		    fd == -EWOULDBLOCK ? " (is another VM using it?)" : "");
	char why[256];
	int r = vm_virtio_swap_disk(vm, q->index, fd, why, sizeof(why));
	if (r) {
		close(fd);
		return errmsg(q->err, q->errlen, r, "%s: %s", q->path, why);
	}
	return 0;
}

int vm_drive_replace(struct vm *vm, unsigned index, const char *path, char *err,
		     size_t errlen)
{
	if (index >= vm->cfg->ndisks)
		return errmsg(err, errlen, -ENOENT, "no drive %u", index);
	struct drive_req q = {index, path, err, errlen};
	int r = vm_ctl_call(vm, drive_replace, &q);
	if (r == -ECANCELED)
		return errmsg(err, errlen, r, "the microVM stopped");
	return r;
}

int vm_disk_fd(const struct vm *vm, unsigned index)
{
	return index < vm->cfg->ndisks ? vm->host.disk_fds[index] : -1;
}
