/* SPDX-License-Identifier: Apache-2.0 */
/* The aarch64 KVM backend, vCPU level (kvm_arm64.h): creation with
 * KVM_ARM_VCPU_INIT, run and exits, kicks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/arm64/kvm_arm64.h"
#include "backends/kvm/kvm_kick.h"
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
	v->run = MAP_FAILED;
	atomic_init(&v->thread_ready, false);
	int r;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (v->fd < 0) {
		r = -errno;
		log_error("KVM_CREATE_VCPU %u: %s", index, strerror(-r));
		goto fail;
	}
	v->run = mmap(NULL, (size_t)vm->run_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		r = -errno;
		log_error("vCPU %u: mmap kvm_run: %s", index, strerror(-r));
		goto fail;
	}
	/* PSCI 0.2 for CPU_ON and SYSTEM_OFF; the others wait for CPU_ON. */
	struct kvm_vcpu_init init = vm->target;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (index > 0)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0) {
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
	if (v->run != MAP_FAILED)
		munmap(v->run, (size_t)v->vm->run_size);
	if (v->fd >= 0)
		close(v->fd);
	free(v);
}

int kvm_arm64_vcpu_thread_init(struct accel_vcpu *v)
{
	int r = kvm_kick_thread_init(v->fd);
	if (r)
		return r;
	v->thread = pthread_self();
	atomic_store(&v->thread_ready, true);
	return 0;
}

void kvm_arm64_vcpu_kick(struct accel_vcpu *v)
{
	if (atomic_load(&v->thread_ready))
		pthread_kill(v->thread, KVM_KICK_SIGNAL);
}

/* PSCI's SYSTEM_OFF and SYSTEM_RESET (and a crash) reach us as system
 * events: 0 with exit->reason set, or 1 when `what` names an unknown one. */
static int kvm_arm64_system_event(struct accel_vcpu *v, struct accel_exit *exit,
				  char *what, size_t whatlen)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		exit->reason = ACCEL_EXIT_POWEROFF;
		return 0;
	case KVM_SYSTEM_EVENT_RESET:
		exit->reason = ACCEL_EXIT_RESET;
		return 0;
	default:
		snprintf(what, whatlen, "KVM system event %u",
			 v->run->system_event.type);
		return 1;
	}
}

int kvm_arm64_vcpu_run(struct accel_vcpu *v, struct accel_exit *exit)
{
	struct kvm_run *run = v->run;
	char what[128];

	if (ioctl(v->fd, KVM_RUN, 0) < 0) {
		int e = errno;
		if (e == EINTR || e == EAGAIN) {
			kvm_kick_eat();
			exit->reason = ACCEL_EXIT_INTR;
			return 0;
		}
		log_error("vCPU %u: KVM_RUN: %s", v->index, strerror(e));
		return -e;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		if (run->mmio.len == 0 || run->mmio.len > 8) {
			kvm_arm64_diag(v, "malformed KVM_EXIT_MMIO", exit);
			exit->reason = ACCEL_EXIT_INTERNAL_ERROR;
			return 0;
		}
		exit->reason = ACCEL_EXIT_MMIO;
		exit->io.addr = run->mmio.phys_addr;
		exit->io.size = run->mmio.len;
		exit->io.count = 1;
		exit->io.write = run->mmio.is_write;
		exit->io.data = run->mmio.data;
		return 0;
	case KVM_EXIT_INTR:
		exit->reason = ACCEL_EXIT_INTR;
		return 0;
	case KVM_EXIT_SYSTEM_EVENT:
		if (!kvm_arm64_system_event(v, exit, what, sizeof(what)))
			return 0;
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
