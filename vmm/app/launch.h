/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Booting and running a configured VM, as the vmm binary does it: the
 * host files opened once, the sandbox's steps, the first VM built, the
 * lockdown, vm_run, and --on-reset restart. The command line (main.c)
 * and the API's InstanceStart (vmm/api/api_main.c) both go through
 * launch_run. Binary only: it uses the sandbox and the terminal.
 */
#ifndef VMM_LAUNCH_H
#define VMM_LAUNCH_H

#include "backends/accel.h"
#include "vmm/sandbox/sandbox.h"
#include "vmm/vm/config.h"
#include "vmm/vm/vm.h"

/* Optional observers of a run (NULL members: none). */
struct launch_hooks {
	/* r 0: a VM is built (the first one: and the sandbox locked down)
	 * and vm_run is about to start it; called again for each restart.
	 * r < 0: the run failed before its first vm_run, err says why (it
	 * is logged too) and vm is NULL. */
	void (*started)(void *opaque, struct vm *vm, int r, const char *err);
	/* vm_run returned; vm is destroyed next. */
	void (*stopped)(void *opaque, struct vm *vm);
	void *opaque;
};

/* Run cfg on accel under sb (sandbox_prepare done) until the last VM
 * stops: returns vmm's exit status (docs: VM_STATUS_*, 128+N, ...).
 * cfg must outlive the call. */
int launch_run(struct vm_config *cfg, const struct accel_ops *accel,
	       struct sandbox *sb, const struct launch_hooks *hooks);

#endif
