/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Snapshots of a whole VM (docs/snapshot.md): a state file (snap_file.h)
 * and a memory file (guest RAM).
 *  - Taking one: the VM paused (vm_pause), vm_snapshot_create from any
 *    thread but the VM's own (the API's); the work runs on the control
 *    thread (vm_ctl), whose filter allows it.
 *  - Restoring one: snap_load.h opens the files before the sandbox and
 *    makes the configuration; vm_create maps guest RAM from the memory
 *    file (vm_host.ram_file) and vm_state_restore sets the rest.
 */
#ifndef VMM_VM_VM_SNAPSHOT_H
#define VMM_VM_VM_SNAPSHOT_H

#include <stddef.h>

#include "vmm/base/compiler.h"

struct vm;

/* Save paused VM vm into two new files the dialer creates (never
 * overwriting one): state_path is created first (if it exists nothing is
 * done), then mem_path (if that one exists, an empty state file is left);
 * guest RAM is written (zero pages as holes), then the state. 0, or -errno with
 * one line in err: not paused (-EINVAL), no dialer (-ENOTSUP), a file that
 * exists
 * (-EEXIST), a write that failed, the VM stopped (-ECANCELED). On failure the
 * files made so far are left as they are (an incomplete state file fails its
 * CRC check). */
int vm_snapshot_create(struct vm *vm, const char *state_path,
		       const char *mem_path, char *err, size_t errlen) VMM_WUR;

#endif
