/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A whole VM's state but its RAM, in the state codec (vmm/base/state.h): the
 * basis of snapshots. One section "VMST" (version 1) holding
 *   u32 ncpus, bool acpi,
 *   the accelerator's VM section (accel_ops.vm_save),
 *   one accelerator vCPU section per vCPU, in index order,
 *   the platform devices: UART, i8042, RTC, debug-exit, and with ACPI
 *   the PM registers and pvpanic,
 *   u32 nvdevs, then each virtio device's section in the VM's order.
 */
#ifndef VMM_VM_STATE_H
#define VMM_VM_STATE_H

#include "vmm/base/compiler.h"
#include "vmm/base/state.h"

struct vm;

/* Save the state of a paused VM (vm_pause) into w: the vCPUs' on their
 * own threads (vm_pause_on_each_vcpu). 0; -EINVAL when not paused;
 * -EOPNOTSUPP when the backend cannot save (logged);
 * -ENOSPC when w is too small; or another -errno. */
int vm_state_save(struct vm *vm, struct st_writer *w) VMM_WUR;

/* Restore a VMST section into a VM fresh from vm_create with the same
 * configuration, before vm_run (the vCPUs' state is set from the calling
 * thread, as vm_create sets the boot registers). The blob is untrusted:
 * a count, flag or device that does not match this VM, or any section a
 * device or the backend refuses, fails with -EINVAL; the VM must then be
 * destroyed. Guest RAM is the caller's to fill. 0 or -errno. */
int vm_state_restore(struct vm *vm, struct st_reader *r) VMM_WUR;

/* After vm_state_restore, before vm_run: have vm_run's control loop
 * notify every enabled queue of every active virtio device once, as a
 * QueueNotify write would, as soon as the VM runs and is not paused (so
 * after the sandbox's lockdown, and not while paused). A notification the
 * old process had not served yet (an ioeventfd the paused I/O thread had
 * not read) did not survive it; the driver waits for requests it already
 * made, and a device finds what is new in its rings itself (a queue with
 * nothing new is a no-op, as any spurious notification). */
void vm_state_kick_queues_later(struct vm *vm);

/* vm_run's loop: do that kick now if it is due and the VM not paused. */
void vm_state_kick_due(struct vm *vm);

#endif
