/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to backends/kvm/arm64/: the aarch64 KVM backend's VM and vCPU
 * (docs/arm64.md). The machine is vmm/platform/arm64/memmap.h's: the
 * in-kernel vGIC (v3, else v2) at its addresses, PSCI 0.2 in the kernel,
 * the architected timer; everything else is MMIO exits.
 *
 * Life cycle: vm_create makes the VM (the largest IPA size KVM offers)
 * and the vGIC with its addresses and SPI count; each vcpu_create makes
 * a vCPU of the preferred target with PSCI 0.2 (all but vCPU 0 powered
 * off, for CPU_ON), and the last one initialises the vGIC, which KVM
 * wants after every vCPU exists and before any runs.
 */
#ifndef VMM_BACKENDS_KVM_ARM64_H
#define VMM_BACKENDS_KVM_ARM64_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "backends/accel.h"
#include "backends/kvm/kvm_common.h"

/* The vGIC's interrupts: 32 SGIs and PPIs, then SPIs 0..959. */
#define KVM_ARM64_GIC_NR_IRQS 992u

struct accel_sys {
	int kvm_fd; /* /dev/kvm */
};

struct accel_vm {
	int kvm_fd;
	bool own_kvm_fd;
	int vm_fd;
	int run_size;
	unsigned ncpus, created;     /* vCPUs: asked for, made so far */
	int gic_fd;		     /* the vGIC device */
	unsigned gic_version;	     /* 2 or 3 */
	bool gic_ready;		     /* KVM_DEV_ARM_VGIC_CTRL_INIT done */
	struct kvm_vcpu_init target; /* KVM_ARM_PREFERRED_TARGET */
};

struct accel_vcpu {
	struct accel_vm *vm;
	unsigned index;
	struct kvm_cpu cpu; /* fd, kvm_run, thread (kvm_common.h) */
};

/* kvm_arm64_gic.c: create the vGIC for vm->ncpus vCPUs (v3, else v2) at
 * the memory map's addresses. 0 or -errno (logged). */
int kvm_arm64_gic_create(struct accel_vm *vm) VMM_WUR;
/* Initialise it, once every vCPU exists. 0 or -errno (logged). */
int kvm_arm64_gic_init(struct accel_vm *vm) VMM_WUR;

/* kvm_arm64_regs.c: ONE_REG access to the core registers. 0 or -errno. */
int kvm_arm64_get_regs(struct accel_vcpu *v, struct accel_regs *r) VMM_WUR;
int kvm_arm64_set_regs(struct accel_vcpu *v,
		       const struct accel_regs *r) VMM_WUR;
int kvm_arm64_get_sregs(struct accel_vcpu *v, struct accel_sregs *s) VMM_WUR;
int kvm_arm64_set_sregs(struct accel_vcpu *v,
			const struct accel_sregs *s) VMM_WUR;
/* Fill exit->detail with `what` and the vCPU's registers. */
void kvm_arm64_diag(struct accel_vcpu *v, const char *what,
		    struct accel_exit *exit);

/* kvm_arm64_vcpu.c: the per-vCPU accel_ops entries. */
int kvm_arm64_vcpu_create(struct accel_vm *vm, unsigned index,
			  struct accel_vcpu **out) VMM_WUR;
void kvm_arm64_vcpu_destroy(struct accel_vcpu *v);
int kvm_arm64_vcpu_thread_init(struct accel_vcpu *v) VMM_WUR;
int kvm_arm64_vcpu_run(struct accel_vcpu *v, struct accel_exit *exit) VMM_WUR;
void kvm_arm64_vcpu_kick(struct accel_vcpu *v);

#endif
