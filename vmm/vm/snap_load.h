/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Opening a snapshot to restore (vm_snapshot.h), before the sandbox, as
 * host.c opens a kernel: the state file read and checked (snap_file.h),
 * the configuration made from it, the memory file opened for vm_create
 * to map (vm_host.ram_file).
 *
 * The configuration: the snapshot's machine (RAM, vCPUs, ACPI, device
 * flags, MACs, the vsock's CID, the disks' ids and read-only flags),
 * with the user's host resources where given: --disk, --net, --vsock (or
 * the API's) replace the paths the snapshot names, and must match its
 * devices in number and kind; none given: the snapshot's own.
 */
#ifndef VMM_VM_SNAP_LOAD_H
#define VMM_VM_SNAP_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/base/state.h"
#include "vmm/vm/config.h"
#include "vmm/vm/snap_file.h"
#include "vmm/vm/vm.h"

struct snap_load {
	uint8_t *buf; /* the state file */
	size_t len;
	struct st_reader vmst;	/* its VMST section, for vm_state_restore */
	struct vm_ram_file ram; /* the memory file; fd -1: not open */
};

/* Make cfg (the user's, with cfg->restore set) the snapshot's machine
 * with the user's devices, as above. 0, or -EINVAL with one line in err
 * naming the device that does not match. */
int snap_load_merge(const struct snap_machine *m, struct vm_config *cfg,
		    char *err, size_t errlen) VMM_WUR;

/* Read and check cfg->restore.state, merge (snap_load_merge), check the
 * host CPU's vendor, open cfg->restore.mem and check its size. 0, or
 * -errno with one line in err naming the file; *l is then closed. */
int snap_load_open(struct vm_config *cfg, struct snap_load *l, char *err,
		   size_t errlen) VMM_WUR;

/* Free the state file and close the memory file (after snap_load_open,
 * whatever it returned; safe twice). */
void snap_load_close(struct snap_load *l);

#endif
