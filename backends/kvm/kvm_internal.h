/* SPDX-License-Identifier: Apache-2.0 */
/* Private to backends/kvm/: the KVM backend's VM and vCPU state. */
#ifndef VMM_BACKENDS_KVM_INTERNAL_H
#define VMM_BACKENDS_KVM_INTERNAL_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "backends/accel.h"
#include "backends/kvm/kvm_common.h"
#include "backends/x86/complete.h"
#include "vmm/platform/x86/cpuid.h"

#define KVM_MAX_SLOTS 8
#define KVM_MAX_CPUID 256

/* Where KVM keeps its real-mode helpers, inside the 32-bit MMIO hole and
 * clear of the IO-APIC and LAPIC. */
#define KVM_TSS_ADDR	      0xfffbd000ULL
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000ULL

struct kvm_slot {
	uint64_t gpa, size;
	uint8_t *hva;
};

/* The MSRs a vCPU's saved state holds (kvm_state.c). */
struct kvm_msr_index {
	uint32_t *idx;
	unsigned n;
};

/* What kvm_sys_open opens once per process. */
struct accel_sys {
	int kvm_fd; /* /dev/kvm */
	/* Read here, before any sandbox: a restart's VM creation runs under
	 * the control thread's filter, which does not allow the ioctl. */
	struct kvm_msr_index msrs;
};

struct accel_vm {
	int kvm_fd;	 /* /dev/kvm: the accel_sys's, or our own */
	bool own_kvm_fd; /* opened by this VM (no accel_sys): close it */
	int vm_fd;
	int run_size; /* mmap size of struct kvm_run */
	unsigned ncpus;
	bool emul_insn_bytes; /* KVM_CAP_EXIT_ON_EMULATION_FAILURE enabled */
	bool platform;	      /* kvm_vm_platform has created the irqchip+PIT */
	struct kvm_slot slots[KVM_MAX_SLOTS];
	unsigned nslots;
	struct cpuid_entry supported[KVM_MAX_CPUID];
	unsigned nsupported;
	/* kvm_state.c: the MSRs a vCPU's state holds (the accel_sys's, or
	 * own_msrs read for this VM), and the size of its xsave area. */
	const struct kvm_msr_index *msrs;
	struct kvm_msr_index own_msrs;
	unsigned xsave_size;
	bool xsave2; /* KVM_GET_XSAVE2 (areas over 4 KiB) */
	/* Instructions completed by kvm_complete, per complete_kind. */
	_Atomic uint64_t completed[COMPLETE_NKINDS];
};

struct accel_vcpu {
	struct accel_vm *vm;
	unsigned index;
	struct kvm_cpu cpu; /* fd, kvm_run, thread (kvm_common.h) */
	/* Whether the physical CPU has them: an instruction runs on the
	 * CPU's own features whatever CPUID says to the guest (and hosts of
	 * the PVM kind show the guest the host's CPUID anyway), so that is
	 * what decides a #UD in completion. */
	bool cpu_smap, cpu_popcnt, cpu_cx16;
};

/* kvm_complete.c: on an emulation-failure exit, complete the instruction
 * (backends/x86/complete.h) and set the vCPU up to run on: true. false:
 * the VM must stop; why says what stopped the completion. */
bool kvm_complete(struct accel_vcpu *vcpu, char *why, size_t whylen);

/* Record the host CPU features completion needs (once per vCPU). */
void kvm_complete_init(struct accel_vcpu *vcpu);

/* log_info the counts of completed instructions, if any. */
void kvm_complete_report(const struct accel_vm *vm);

/* kvm_diag.c: fill exit->detail with a diagnostic for a KVM exit that
 * the vCPU cannot continue from (registers, RIP, instruction bytes). */
void kvm_diag_describe(struct accel_vcpu *vcpu, const char *what,
		       struct accel_exit *exit);

/* kvm_vcpu.c: register access shared with kvm_diag.c. */
int kvm_vcpu_get_regs(struct accel_vcpu *vcpu, struct accel_regs *r) VMM_WUR;
int kvm_vcpu_get_sregs(struct accel_vcpu *vcpu, struct accel_sregs *s) VMM_WUR;

/* kvm_vm.c: the accel_ops entries it implements. */
int kvm_sys_open(struct accel_sys **out) VMM_WUR;
void kvm_sys_close(struct accel_sys *sys);
int kvm_vm_create(const struct accel_vm_config *cfg,
		  struct accel_vm **out) VMM_WUR;
void kvm_vm_destroy(struct accel_vm *vm);
/* Create the VM's in-kernel interrupt controllers (PIC, IOAPIC) and PIT
 * once, at the first call that needs them (a vCPU, an IRQ line, an
 * irqfd): after the memory slots, which KVM sets several milliseconds
 * slower right after the irqchip's routing grace period. 0, or -errno
 * with a message logged. */
int kvm_vm_platform(struct accel_vm *vm) VMM_WUR;
int kvm_vm_map_memory(struct accel_vm *vm, uint32_t slot, uint64_t gpa,
		      uint64_t size, void *hva) VMM_WUR;
int kvm_vm_set_irq_line(struct accel_vm *vm, uint32_t gsi, int level) VMM_WUR;
int kvm_vm_ioeventfd(struct accel_vm *vm, uint64_t addr, unsigned len,
		     uint64_t data, int fd, bool assign) VMM_WUR;
int kvm_vm_irqfd(struct accel_vm *vm, uint32_t gsi, int fd,
		 bool assign) VMM_WUR;

/* kvm_state.c: the MSRs to save, from KVM_GET_MSR_INDEX_LIST on kvm_fd
 * (/dev/kvm). 0 or -errno (logged). */
int kvm_state_msr_index(int kvm_fd, struct kvm_msr_index *out) VMM_WUR;
void kvm_state_msr_index_free(struct kvm_msr_index *m);
/* kvm_state.c: what saving needs at VM creation: the MSR list (sys's, or
 * read now when sys is NULL) and the xsave size. 0 or -errno. */
int kvm_state_vm_init(struct accel_vm *vm,
		      const struct accel_sys *sys) VMM_WUR;
void kvm_state_vm_fini(struct accel_vm *vm);
/* kvm_state.c: the state accel_ops entries (backends/accel.h). */
int kvm_vcpu_save(struct accel_vcpu *vcpu, struct st_writer *w) VMM_WUR;
int kvm_vcpu_restore(struct accel_vcpu *vcpu, struct st_reader *r) VMM_WUR;
int kvm_vm_save(struct accel_vm *vm, struct st_writer *w) VMM_WUR;
int kvm_vm_restore(struct accel_vm *vm, struct st_reader *r) VMM_WUR;

/* kvm_vcpu.c: the per-vCPU accel_ops entries. */
int kvm_vcpu_create(struct accel_vm *vm, unsigned index,
		    struct accel_vcpu **out) VMM_WUR;
void kvm_vcpu_destroy(struct accel_vcpu *vcpu);
int kvm_vcpu_thread_init(struct accel_vcpu *vcpu) VMM_WUR;
int kvm_vcpu_run(struct accel_vcpu *vcpu, struct accel_exit *exit) VMM_WUR;
void kvm_vcpu_kick(struct accel_vcpu *vcpu);
int kvm_vcpu_set_regs(struct accel_vcpu *vcpu,
		      const struct accel_regs *r) VMM_WUR;
int kvm_vcpu_set_sregs(struct accel_vcpu *vcpu,
		       const struct accel_sregs *s) VMM_WUR;

#endif
