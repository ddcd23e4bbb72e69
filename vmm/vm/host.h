/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Opening what a VM needs from the host, once, before any VM is built (and
 * before a sandbox takes file access away): the kernel and initrd read
 * into memory, the console fds, the disk images and the taps.
 */
#ifndef VMM_HOST_H
#define VMM_HOST_H

#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"
#include "vmm/vm/outfile.h"
#include "vmm/vm/vm.h"

#define HOST_MAX_KERNEL_BYTES ((size_t)512 << 20)
#define HOST_MAX_INITRD_BYTES ((size_t)4 << 30)

/* Fill *h from cfg: read --kernel (none for a snapshot restore) and
 * --initrd, open the disks (read-only
 * with ro; O_DIRECT with direct, its alignment checked; an exclusive
 * advisory lock so two VMMs cannot write one image; refused when given
 * twice or smaller than one sector) and the taps, then the outputs
 * (--serial file:, through outfile_open: never one of the inputs, and not
 * yet truncated: outfile_commit does that). With --console, stdin and
 * stdout belong to the virtio console and COM1 goes nowhere unless
 * --serial file: was given. *ids is filled with the run's files for later
 * outputs (--record). 0, or -errno with one line in err naming the option
 * and the file; nothing is left open on error. */
int host_open(const struct vm_config *cfg, struct vm_host *h,
	      struct file_ids *ids, char *err, size_t errlen) VMM_WUR;

/* Empty the --serial file: output (outfile_commit), for once the first
 * VM is built. 0, or -errno with one line in err. */
int host_commit_outputs(struct vm_host *h, char *err, size_t errlen) VMM_WUR;

/* Free the kernel and initrd copies (NULL, length 0 afterwards). For
 * after the only VM that will need them is built: they are in guest RAM
 * then, and keeping them would cost their size for the whole run. */
void host_drop_images(struct vm_host *h);

/* Close and free everything host_open opened. Safe twice. */
void host_close(struct vm_host *h);

#endif
