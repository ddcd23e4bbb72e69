/* SPDX-License-Identifier: Apache-2.0 */
/* The aarch64 KVM backend, VM level (kvm_arm64.h): /dev/kvm, the VM and
 * its vGIC, memory, interrupt lines, and the accel_ops table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backends/kvm/arm64/kvm_arm64.h"
#include "vmm/base/compiler.h"
#include "vmm/base/log.h"

static int kvm_arm64_sys_open(struct accel_sys **out)
{
	struct accel_sys *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	int r = kvm_open_dev(&s->kvm_fd);
	if (r) {
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

static void kvm_arm64_sys_close(struct accel_sys *s)
{
	if (!s)
		return;
	close(s->kvm_fd);
	free(s);
}

static void kvm_arm64_vm_destroy(struct accel_vm *vm)
{
	if (!vm)
		return;
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->own_kvm_fd && vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm);
}

static int kvm_arm64_vm_create(const struct accel_vm_config *cfg,
			       struct accel_vm **out)
{
	struct accel_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->kvm_fd = vm->vm_fd = vm->gic_fd = -1;
	vm->ncpus = cfg->ncpus;
	int r = 0;
	if (cfg->sys)
		vm->kvm_fd = cfg->sys->kvm_fd;
	else if (!(r = kvm_open_dev(&vm->kvm_fd)))
		vm->own_kvm_fd = true;
	static const struct kvm_cap_need need[] = {
	    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
	    {KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG"},
	    {KVM_CAP_ARM_PSCI_0_2, "KVM_CAP_ARM_PSCI_0_2"},
	    {KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL"},
	    {KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD"},
	    {KVM_CAP_IRQFD, "KVM_CAP_IRQFD"},
	};
	if (r || (r = kvm_check_host(vm->kvm_fd, need, ARRAY_SIZE(need),
				     vm->ncpus, &vm->run_size)))
		goto fail;
	/* The largest guest-physical address space KVM offers (RAM may
	 * reach ARM64_RAM_BASE + 1 TiB); 0: its default, 40 bits. */
	int ipa = kvm_check_cap(vm->kvm_fd, KVM_CAP_ARM_VM_IPA_SIZE);
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM,
			  ipa > 0 ? KVM_VM_TYPE_ARM_IPA_SIZE(ipa) : 0);
	if (vm->vm_fd < 0) {
		r = -errno;
		log_error("KVM_CREATE_VM: %s", strerror(-r));
		goto fail;
	}
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &vm->target) < 0) {
		r = -errno;
		log_error("KVM_ARM_PREFERRED_TARGET: %s", strerror(-r));
		goto fail;
	}
	/* Loads and stores KVM cannot decode exit to us, for the
	 * diagnostic, instead of failing KVM_RUN. Optional. */
	if (kvm_check_cap(vm->vm_fd, KVM_CAP_ARM_NISV_TO_USER)) {
		struct kvm_enable_cap ec = {.cap = KVM_CAP_ARM_NISV_TO_USER};
		if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &ec) < 0)
			log_debug("KVM_CAP_ARM_NISV_TO_USER: %s",
				  strerror(errno));
	}
	if ((r = kvm_arm64_gic_create(vm)))
		goto fail;
	*out = vm;
	return 0;
fail:
	kvm_arm64_vm_destroy(vm);
	return r;
}

static int kvm_arm64_map_memory(struct accel_vm *vm, uint32_t slot,
				uint64_t gpa, uint64_t size, void *hva)
{
	return kvm_set_region(vm->vm_fd, slot, gpa, size, hva);
}

/* The core's GSI is the SPI's number (INTID - 32), as in the device tree
 * and in KVM's default irqfd routing. */
static int kvm_arm64_set_irq_line(struct accel_vm *vm, uint32_t gsi, int level)
{
	if (gsi >= KVM_ARM64_GIC_NR_IRQS - 32)
		return -EINVAL;
	struct kvm_irq_level irq = {
	    .irq =
		(KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (gsi + 32),
	    .level = level ? 1 : 0};
	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0 ? -errno : 0;
}

static int kvm_arm64_ioeventfd(struct accel_vm *vm, uint64_t addr, unsigned len,
			       uint64_t data, int fd, bool assign)
{
	return kvm_set_ioeventfd(vm->vm_fd, addr, len, data, fd, assign);
}

static int kvm_arm64_irqfd(struct accel_vm *vm, uint32_t gsi, int fd,
			   bool assign)
{
	return kvm_set_irqfd(vm->vm_fd, gsi, fd, assign);
}

static unsigned kvm_arm64_gic_version(struct accel_vm *vm)
{
	return vm->gic_version;
}

const struct accel_ops kvm_accel_ops = {
    .name = "kvm",
    .sys_open = kvm_arm64_sys_open,
    .sys_close = kvm_arm64_sys_close,
    .vm_create = kvm_arm64_vm_create,
    .vm_destroy = kvm_arm64_vm_destroy,
    .map_memory = kvm_arm64_map_memory,
    .set_irq_line = kvm_arm64_set_irq_line,
    .ioeventfd = kvm_arm64_ioeventfd,
    .irqfd = kvm_arm64_irqfd,
    .gic_version = kvm_arm64_gic_version,
    .vcpu_create = kvm_arm64_vcpu_create,
    .vcpu_destroy = kvm_arm64_vcpu_destroy,
    .vcpu_thread_init = kvm_arm64_vcpu_thread_init,
    .vcpu_run = kvm_arm64_vcpu_run,
    .vcpu_kick = kvm_arm64_vcpu_kick,
    .get_regs = kvm_arm64_get_regs,
    .set_regs = kvm_arm64_set_regs,
    .get_sregs = kvm_arm64_get_sregs,
    .set_sregs = kvm_arm64_set_sregs,
    /* Snapshots of aarch64 VMs are not written yet (docs/arm64.md). */
};
