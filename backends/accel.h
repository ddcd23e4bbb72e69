/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The accelerator interface: everything the VMM core needs from a CPU
 * virtualisation backend (KVM today, the deterministic replay backend later).
 *
 * The core never sees a backend's own types: registers, exits and IRQs are
 * described with the plain structs of vmm/base/accel_types.h. Only
 * backends/kvm/ includes the kernel's KVM header.
 *
 * Threading: vm-level ops may be called from any thread; vcpu_run, vcpu
 * register access and vcpu_thread_init are called only on the vCPU's own
 * thread; vcpu_kick may be called from any thread.
 */
#ifndef VMM_ACCEL_H
#define VMM_ACCEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/accel_types.h"
#include "vmm/base/compiler.h"
#include "vmm/base/state.h"

struct accel_vm;
struct accel_vcpu;
struct accel_sys; /* what a backend opens once per process (sys_open) */

/* What the core asks of a new VM. */
struct accel_vm_config {
	unsigned ncpus; /* vCPUs that will be created, >= 1 */
	/* From sys_open, borrowed (it must outlive the VM); NULL: the
	 * backend opens what it needs itself and closes it with the VM. */
	struct accel_sys *sys;
};

struct accel_ops {
	const char *name;

	/* Optional (NULL when the backend needs nothing from the file
	 * system). Open, once per process, what every VM needs by path (KVM:
	 * /dev/kvm), so that vm_create with accel_vm_config.sys needs no
	 * path access: a sandboxed restart or a jail cannot open files.
	 * 0 and *out, or -errno with a message logged. */
	int (*sys_open)(struct accel_sys **out) VMM_WUR;
	/* Close what sys_open opened, after every VM using it is destroyed.
	 * NULL is a no-op. */
	void (*sys_close)(struct accel_sys *sys);

	/* Create a VM with its platform (interrupt controllers, timers).
	 * Returns 0 and sets *out, or -errno with a message logged. */
	int (*vm_create)(const struct accel_vm_config *cfg,
			 struct accel_vm **out) VMM_WUR;
	/* Destroy a VM whose vCPUs are all destroyed. NULL is a no-op. */
	void (*vm_destroy)(struct accel_vm *vm);

	/* Map host memory [hva, hva+size) at guest-physical gpa in slot `slot`.
	 * Ranges must be page aligned and not overlap. 0 or -errno. */
	int (*map_memory)(struct accel_vm *vm, uint32_t slot, uint64_t gpa,
			  uint64_t size, void *hva) VMM_WUR;

	/* Raise (level 1) or lower (level 0) interrupt line `gsi`. 0 or -errno. */
	int (*set_irq_line)(struct accel_vm *vm, uint32_t gsi, int level) VMM_WUR;

	/* Optional (NULL when the backend has none; the core then handles the
	 * access as an ordinary MMIO exit). While assigned, a guest write of
	 * `len` bytes at MMIO `addr` whose value equals `data` signals eventfd
	 * `fd` instead of exiting. assign false removes the same registration.
	 * 0 or -errno. */
	int (*ioeventfd)(struct accel_vm *vm, uint64_t addr, unsigned len,
			 uint64_t data, int fd, bool assign) VMM_WUR;
	/* Optional (NULL when the backend has none; the core then pulses the
	 * line with set_irq_line). While assigned, a write to eventfd `fd`
	 * injects an edge on `gsi`. 0 or -errno. */
	int (*irqfd)(struct accel_vm *vm, uint32_t gsi, int fd,
		     bool assign) VMM_WUR;

	/* Optional (aarch64 backends; NULL elsewhere): the version of the
	 * GIC the VM's in-kernel interrupt controller emulates, 2 or 3,
	 * fixed when vm_create returns (the device tree describes it). */
	unsigned (*gic_version)(struct accel_vm *vm);

	/* Create vCPU `index` (0 is the boot CPU) with the platform's reset
	 * state, CPUID and MSRs. 0 and *out, or -errno. */
	int (*vcpu_create)(struct accel_vm *vm, unsigned index,
			   struct accel_vcpu **out) VMM_WUR;
	/* Destroy a vCPU whose thread has stopped running it. NULL is a no-op. */
	void (*vcpu_destroy)(struct accel_vcpu *vcpu);

	/* Called once on the thread that will run the vCPU, before vcpu_run,
	 * so that vcpu_kick can reach it. 0 or -errno. */
	int (*vcpu_thread_init)(struct accel_vcpu *vcpu) VMM_WUR;
	/* Run until the next exit and describe it in *exit. Completes a pending
	 * read from the previous exit first. 0, or -errno when the backend
	 * itself failed (not the guest: guest failures are exits). */
	int (*vcpu_run)(struct accel_vcpu *vcpu, struct accel_exit *exit) VMM_WUR;
	/* Make a running or about-to-run vcpu_run return ACCEL_EXIT_INTR soon.
	 * Safe from any thread, idempotent. */
	void (*vcpu_kick)(struct accel_vcpu *vcpu);

	int (*get_regs)(struct accel_vcpu *vcpu, struct accel_regs *r) VMM_WUR;
	int (*set_regs)(struct accel_vcpu *vcpu, const struct accel_regs *r) VMM_WUR;
	int (*get_sregs)(struct accel_vcpu *vcpu, struct accel_sregs *s) VMM_WUR;
	int (*set_sregs)(struct accel_vcpu *vcpu, const struct accel_sregs *s) VMM_WUR;

	/*
	 * State, for snapshots and replay checkpoints (docs/architecture.md,
	 * "Accelerator state"). Each writes one section of the state codec
	 * (vmm/base/state.h) tagged by the backend, or reads one back; a blob
	 * is for the backend that wrote it (another's tag is refused), and what
	 * it holds is the backend's business. Restore treats the blob as
	 * untrusted: sizes and versions are checked, and what the backend
	 * cannot take fails with -EINVAL, leaving the object to be destroyed.
	 * Optional: NULL when the backend cannot (the caller says so).
	 *
	 * vcpu_save / vcpu_restore: the vCPU's whole architectural state
	 * (KVM: MP state, registers, system registers, FPU/xsave, XCRs,
	 * debug registers, LAPIC, MSRs, pending events, TSC frequency), on
	 * the vCPU's own thread while it is not in vcpu_run. Save first
	 * completes the exit handled last (the result of a read reaches the
	 * guest, RIP moves past the instruction) without running guest
	 * code, so the state is between two instructions; restore into a
	 * vCPU fresh from vcpu_create of a VM made with the same config.
	 * vm_save / vm_restore: the VM's platform (KVM: both PICs, the
	 * IO-APIC, the PIT, the clock), with every vCPU out of vcpu_run;
	 * restore into a fresh VM before its vCPUs are restored.
	 * Guest memory is the caller's: it is not part of either.
	 * 0 (save: the section appended to w) or -errno.
	 */
	int (*vcpu_save)(struct accel_vcpu *vcpu, struct st_writer *w) VMM_WUR;
	int (*vcpu_restore)(struct accel_vcpu *vcpu,
			    struct st_reader *r) VMM_WUR;
	int (*vm_save)(struct accel_vm *vm, struct st_writer *w) VMM_WUR;
	int (*vm_restore)(struct accel_vm *vm, struct st_reader *r) VMM_WUR;
};

/* The backend called `name` ("kvm", ...), or NULL if this build has none. */
const struct accel_ops *accel_find(const char *name);

/* Comma-separated names of the backends in this build, for --help. */
const char *accel_names(void);

#endif
