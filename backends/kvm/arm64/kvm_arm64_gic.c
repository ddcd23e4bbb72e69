/* SPDX-License-Identifier: Apache-2.0 */
/* The in-kernel vGIC (kvm_arm64.h): KVM_CREATE_DEVICE, its addresses
 * from the memory map, the SPI count, and CTRL_INIT. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/kvm/arm64/kvm_arm64.h"
#include "vmm/base/log.h"
#include "vmm/platform/arm64/memmap.h"

/* SGIs and PPIs (32) plus the SPIs: KVM takes a multiple of 32 up to
 * 1023, so 960 of the map's SPIs exist (vmm uses the first few dozen). */
_Static_assert(KVM_ARM64_GIC_NR_IRQS % 32 == 0 &&
		   KVM_ARM64_GIC_NR_IRQS <= 32 + ARM64_SPI_COUNT,
	       "KVM's SPIs are a part of the map's");

static int gic_attr(struct accel_vm *vm, uint32_t group, uint64_t attr,
		    void *val, const char *what)
{
	struct kvm_device_attr a = {
	    .group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)val};
	if (ioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &a) < 0) {
		int e = errno;
		log_error("vGICv%u: %s: %s", vm->gic_version, what,
			  strerror(e));
		return -e;
	}
	return 0;
}

/* Make the device of `type`: its fd, or -errno (not logged: v2 is the
 * fallback). */
static int gic_make(struct accel_vm *vm, uint32_t type)
{
	struct kvm_create_device d = {.type = type};
	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &d) < 0)
		return -errno;
	return (int)d.fd;
}

int kvm_arm64_gic_create(struct accel_vm *vm)
{
	int fd = vm->ncpus <= ARM64_MAX_CPUS
		     ? gic_make(vm, KVM_DEV_TYPE_ARM_VGIC_V3)
		     : -EINVAL;
	uint64_t a1, a2;
	uint64_t t1, t2;
	if (fd >= 0) {
		vm->gic_version = 3;
		a1 = ARM64_GIC_DIST_BASE, t1 = KVM_VGIC_V3_ADDR_TYPE_DIST;
		a2 = ARM64_GIC_REDIST_BASE, t2 = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	} else {
		int e3 = fd;
		if (vm->ncpus > ARM64_GICV2_MAX_CPUS) {
			log_error("no vGICv3 (%s), and a GICv2 serves at most "
				  "%u vCPUs, not %u",
				  strerror(-e3), ARM64_GICV2_MAX_CPUS,
				  vm->ncpus);
			return e3 == -EINVAL ? -EINVAL : e3;
		}
		fd = gic_make(vm, KVM_DEV_TYPE_ARM_VGIC_V2);
		if (fd < 0) {
			log_error("KVM_CREATE_DEVICE: neither a vGICv3 (%s) "
				  "nor a vGICv2 (%s)",
				  strerror(-e3), strerror(-fd));
			return fd;
		}
		vm->gic_version = 2;
		a1 = ARM64_GIC_DIST_BASE, t1 = KVM_VGIC_V2_ADDR_TYPE_DIST;
		a2 = ARM64_GIC_CPU_BASE, t2 = KVM_VGIC_V2_ADDR_TYPE_CPU;
	}
	vm->gic_fd = fd;
	uint32_t nr = KVM_ARM64_GIC_NR_IRQS;
	int r = gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, t1, &a1,
			 "the distributor's address");
	if (!r)
		r = gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, t2, &a2,
			     vm->gic_version == 3
				 ? "the redistributors' address"
				 : "the CPU interface's address");
	if (!r)
		r = gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr,
			     "the number of interrupts");
	if (!r)
		log_info("kvm: the in-kernel vGICv%u, %u SPIs", vm->gic_version,
			 KVM_ARM64_GIC_NR_IRQS - 32);
	return r;
}

int kvm_arm64_gic_init(struct accel_vm *vm)
{
	int r = gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL,
			 KVM_DEV_ARM_VGIC_CTRL_INIT, NULL, "CTRL_INIT");
	if (!r)
		vm->gic_ready = true;
	return r;
}
