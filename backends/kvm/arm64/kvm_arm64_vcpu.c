/* SPDX-License-Identifier: Apache-2.0 */
/* The aarch64 KVM backend, vCPU level (kvm_arm64.h): creation with
 * KVM_ARM_VCPU_INIT, run and exits, kicks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/kvm/arm64/kvm_arm64.h"
#include "vmm/base/log.h"

int kvm_arm64_vcpu_create(struct accel_vm *vm, unsigned index,
			  struct accel_vcpu **out)
{
	if (vm->gic_ready || index >= vm->ncpus)
		return -EINVAL; /* every vCPU exists before the vGIC starts */
	struct accel_vcpu *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->index = index;
	int r = kvm_cpu_open(&v->cpu, vm->vm_fd, index, vm->run_size);
	if (r)
		goto fail;
	/* PSCI 0.2 for CPU_ON and SYSTEM_OFF; the others wait for CPU_ON. */
	struct kvm_vcpu_init init = vm->target;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (index > 0)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->cpu.fd, KVM_ARM_VCPU_INIT, &init) < 0) {
		r = -errno;
		log_error("vCPU %u: KVM_ARM_VCPU_INIT (target %u): %s", index,
			  init.target, strerror(-r));
		goto fail;
	}
	if (++vm->created == vm->ncpus && (r = kvm_arm64_gic_init(vm)))
		goto fail;
	*out = v;
	return 0;
fail:
	kvm_arm64_vcpu_destroy(v);
	return r;
}

void kvm_arm64_vcpu_destroy(struct accel_vcpu *v)
{
	if (!v)
		return;
	kvm_cpu_close(&v->cpu);
	free(v);
}

int kvm_arm64_vcpu_thread_init(struct accel_vcpu *v)
{
	return kvm_cpu_thread_init(&v->cpu);
}

void kvm_arm64_vcpu_kick(struct accel_vcpu *v)
{
	kvm_cpu_kick(&v->cpu);
}

int kvm_arm64_vcpu_run(struct accel_vcpu *v, struct accel_exit *exit)
{
	struct kvm_run *run = v->cpu.run;
	char what[128];

	int ran = kvm_cpu_run(&v->cpu, v->index, exit);
	if (ran <= 0)
		return ran;
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		if (!kvm_mmio_exit(run, exit)) {
			kvm_arm64_diag(v, "malformed KVM_EXIT_MMIO", exit);
			exit->reason = ACCEL_EXIT_INTERNAL_ERROR;
		}
		return 0;
	case KVM_EXIT_INTR:
		exit->reason = ACCEL_EXIT_INTR;
		return 0;
	case KVM_EXIT_SYSTEM_EVENT: /* PSCI SYSTEM_OFF, SYSTEM_RESET */
		if (kvm_system_event_exit(run, exit))
			return 0;
		snprintf(what, sizeof(what), "KVM system event %u",
			 run->system_event.type);
		break;
	case KVM_EXIT_ARM_NISV:
		/* A load or store to MMIO that the CPU gave no syndrome for
		 * (ldp, stp, writeback, ...): no device can decode it. */
		snprintf(what, sizeof(what),
			 "MMIO access at 0x%llx without a decodable syndrome "
			 "(ESR ISS 0x%llx): ldp/stp or writeback to a device",
			 (unsigned long long)run->arm_nisv.fault_ipa,
			 (unsigned long long)run->arm_nisv.esr_iss);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what),
			 "VM entry failed, hardware reason 0x%llx",
			 (unsigned long long)
			     run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(what, sizeof(what), "KVM internal error, suberror %u",
			 run->internal.suberror);
		break;
	default:
		snprintf(what, sizeof(what), "unhandled KVM exit reason %u",
			 run->exit_reason);
		break;
	}
	kvm_arm64_diag(v, what, exit);
	exit->reason = ACCEL_EXIT_INTERNAL_ERROR;
	return 0;
}
