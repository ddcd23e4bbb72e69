/* SPDX-License-Identifier: Apache-2.0 */
/* KVM backend, VM level: /dev/kvm, the VM, its platform and memory. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backends/kvm/kvm_internal.h"
#include "vmm/base/log.h"

/* Read KVM_GET_SUPPORTED_CPUID into vm->supported as our own entries. */
static int kvm_vm_load_cpuid(struct accel_vm *vm)
{
	size_t sz = sizeof(struct kvm_cpuid2) +
		    KVM_MAX_CPUID * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *c = calloc(1, sz);
	if (!c)
		return -ENOMEM;
	c->nent = KVM_MAX_CPUID;
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		int e = errno;
		free(c);
		log_error("KVM_GET_SUPPORTED_CPUID: %s", strerror(e));
		return -e;
	}
	vm->nsupported = c->nent;
	for (unsigned i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *k = &c->entries[i];
		vm->supported[i] = (struct cpuid_entry){
		    .function = k->function,
		    .index = k->index,
		    .flags = (k->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)
				 ? CPUID_FLAG_INDEXED
				 : 0,
		    .eax = k->eax,
		    .ebx = k->ebx,
		    .ecx = k->ecx,
		    .edx = k->edx,
		};
	}
	free(c);
	return 0;
}

/* One VM ioctl that must succeed; logs which step failed. */
static int kvm_vm_ioctl(struct accel_vm *vm, unsigned long req, void *arg,
			const char *what)
{
	if (ioctl(vm->vm_fd, req, arg) < 0) {
		int e = errno;
		log_error("%s: %s", what, strerror(e));
		return -e;
	}
	return 0;
}

int kvm_sys_open(struct accel_sys **out)
{
	struct accel_sys *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	int r = kvm_open_dev(&s->kvm_fd);
	if (r) {
		free(s);
		return r;
	}
	r = kvm_state_msr_index(s->kvm_fd, &s->msrs);
	if (r) {
		kvm_sys_close(s);
		return r;
	}
	*out = s;
	return 0;
}

void kvm_sys_close(struct accel_sys *s)
{
	if (!s)
		return;
	close(s->kvm_fd);
	kvm_state_msr_index_free(&s->msrs);
	free(s);
}

int kvm_vm_create(const struct accel_vm_config *cfg, struct accel_vm **out)
{
	struct accel_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->kvm_fd = vm->vm_fd = -1;
	vm->ncpus = cfg->ncpus;
	int r;

	if (cfg->sys) {
		vm->kvm_fd = cfg->sys->kvm_fd;
	} else {
		r = kvm_open_dev(&vm->kvm_fd);
		if (r)
			goto fail;
		vm->own_kvm_fd = true;
	}
	static const struct kvm_cap_need need[] = {
	    {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
	    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
	    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
	    {KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR"},
	    {KVM_CAP_PIT2, "KVM_CAP_PIT2"},
	    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
	    {KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING"},
	    {KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD"},
	    {KVM_CAP_IRQFD, "KVM_CAP_IRQFD"},
	};
	r = kvm_check_host(vm->kvm_fd, need, ARRAY_SIZE(need), cfg->ncpus,
			   &vm->run_size);
	if (r)
		goto fail;
	r = kvm_vm_load_cpuid(vm);
	if (r)
		goto fail;
	r = kvm_state_vm_init(vm, cfg->sys);
	if (r)
		goto fail;

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		r = -errno;
		log_error("KVM_CREATE_VM: %s", strerror(-r));
		goto fail;
	}
	r = kvm_vm_ioctl(vm, KVM_SET_TSS_ADDR, (void *)(uintptr_t)KVM_TSS_ADDR,
			 "KVM_SET_TSS_ADDR");
	if (r)
		goto fail;
	uint64_t idmap = KVM_IDENTITY_MAP_ADDR;
	r = kvm_vm_ioctl(vm, KVM_SET_IDENTITY_MAP_ADDR, &idmap,
			 "KVM_SET_IDENTITY_MAP_ADDR");
	if (r)
		goto fail;
	/* The interrupt controllers and the PIT come later, at the first
	 * call that needs them (kvm_vm_platform): after the memory slots. */
	/* Ask for the instruction bytes on emulation failures, for the
	 * diagnostic. Optional: without it, kvm_diag reads guest memory. */
	if (kvm_check_cap(vm->vm_fd, KVM_CAP_EXIT_ON_EMULATION_FAILURE)) {
		struct kvm_enable_cap ec = {
		    .cap = KVM_CAP_EXIT_ON_EMULATION_FAILURE, .args = {1}};
		vm->emul_insn_bytes = ioctl(vm->vm_fd, KVM_ENABLE_CAP, &ec) == 0;
	}
	*out = vm;
	return 0;
fail:
	kvm_vm_destroy(vm);
	return r;
}

int kvm_vm_platform(struct accel_vm *vm)
{
	if (vm->platform)
		return 0;
	int r =
	    kvm_vm_ioctl(vm, KVM_CREATE_IRQCHIP, NULL, "KVM_CREATE_IRQCHIP");
	if (r)
		return r;
	struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
	r = kvm_vm_ioctl(vm, KVM_CREATE_PIT2, &pit, "KVM_CREATE_PIT2");
	if (r)
		return r;
	/* Lost PIT ticks are dropped, not re-injected (QEMU's
	 * lost_tick_policy=discard): guests keep time from kvmclock or the
	 * TSC, re-injection makes KVM inhibit AVIC, and turning it off here
	 * spares the VM's teardown two back-to-back SRCU grace periods
	 * (up to 30 ms seen at exit on emulating hosts). */
	struct kvm_reinject_control rc = {.pit_reinject = 0};
	r = kvm_vm_ioctl(vm, KVM_REINJECT_CONTROL, &rc, "KVM_REINJECT_CONTROL");
	if (r)
		return r;
	vm->platform = true;
	return 0;
}

void kvm_vm_destroy(struct accel_vm *vm)
{
	if (!vm)
		return;
	kvm_complete_report(vm);
	kvm_state_vm_fini(vm);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->own_kvm_fd && vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm);
}

int kvm_vm_map_memory(struct accel_vm *vm, uint32_t slot, uint64_t gpa,
		      uint64_t size, void *hva)
{
	if (vm->nslots == KVM_MAX_SLOTS)
		return -ENOSPC;
	int r = kvm_set_region(vm->vm_fd, slot, gpa, size, hva);
	if (r)
		return r;
	vm->slots[vm->nslots++] =
	    (struct kvm_slot){.gpa = gpa, .size = size, .hva = hva};
	return 0;
}

int kvm_vm_set_irq_line(struct accel_vm *vm, uint32_t gsi, int level)
{
	struct kvm_irq_level irq = {.irq = gsi, .level = level ? 1 : 0};
	int r = kvm_vm_platform(vm);
	if (r)
		return r;
	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		return -errno;
	return 0;
}

int kvm_vm_ioeventfd(struct accel_vm *vm, uint64_t addr, unsigned len,
		     uint64_t data, int fd, bool assign)
{
	return kvm_set_ioeventfd(vm->vm_fd, addr, len, data, fd, assign);
}

int kvm_vm_irqfd(struct accel_vm *vm, uint32_t gsi, int fd, bool assign)
{
	int r = kvm_vm_platform(vm);
	return r ? r : kvm_set_irqfd(vm->vm_fd, gsi, fd, assign);
}

const struct accel_ops kvm_accel_ops = {
    .name = "kvm",
    .sys_open = kvm_sys_open,
    .sys_close = kvm_sys_close,
    .vm_create = kvm_vm_create,
    .vm_destroy = kvm_vm_destroy,
    .map_memory = kvm_vm_map_memory,
    .set_irq_line = kvm_vm_set_irq_line,
    .ioeventfd = kvm_vm_ioeventfd,
    .irqfd = kvm_vm_irqfd,
    .vcpu_create = kvm_vcpu_create,
    .vcpu_destroy = kvm_vcpu_destroy,
    .vcpu_thread_init = kvm_vcpu_thread_init,
    .vcpu_run = kvm_vcpu_run,
    .vcpu_kick = kvm_vcpu_kick,
    .get_regs = kvm_vcpu_get_regs,
    .set_regs = kvm_vcpu_set_regs,
    .get_sregs = kvm_vcpu_get_sregs,
    .set_sregs = kvm_vcpu_set_sregs,
    .vcpu_save = kvm_vcpu_save,
    .vcpu_restore = kvm_vcpu_restore,
    .vm_save = kvm_vm_save,
    .vm_restore = kvm_vm_restore,
};
