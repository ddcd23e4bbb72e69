/* SPDX-License-Identifier: Apache-2.0 */
/* Booting the arm64 machine (vm_boot.h): the Image and initrd placed by
 * vmm/platform/arm64/image.c, the device tree written by fdt.c where the
 * boot protocol wants it, and the boot vCPU at the kernel's entry with
 * x0 = the DTB, EL1h and every exception masked. The other vCPUs start
 * powered off and come up through PSCI CPU_ON (KVM's). */
#include "vmm/vm/vm_boot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/platform/arm64/fdt.h"
#include "vmm/platform/arm64/image.h"
#include "vmm/platform/arm64/memmap.h"
#include "vmm/vm/vm_int.h"

/* PSTATE at entry (booting.rst): EL1h, D, A, I and F masked. */
#define ARM64_BOOT_PSTATE 0x3c5u

/* Write the tree for vm and `plan` at plan->fdt_gpa. */
static int vm_boot_fdt(struct vm *vm, const struct arm64_boot_plan *plan,
		       char *err, size_t errlen)
{
	struct arm64_fdt_dev devs[VM_MAX_VDEVS];
	for (unsigned i = 0; i < vm->nvdevs && i < VM_MAX_VDEVS; i++)
		devs[i] = (struct arm64_fdt_dev){.base = vm->vdevs[i]->base,
						 .size = VIRTIO_MMIO_RANGE_LEN,
						 .spi = vm->vdevs[i]->irq};
	const struct gm_region *ram = &vm->mem.regions[0];
	struct arm64_fdt_config c = {
	    .ncpus = vm->ncpus,
	    .gic_version =
		vm->accel->gic_version ? vm->accel->gic_version(vm->avm) : 3,
	    .mem_base = ram->gpa,
	    .mem_size = ram->size,
	    .virtio = devs,
	    .nvirtio = vm->nvdevs,
	    .bootargs = vm->cmdline[0] ? vm->cmdline : NULL,
	    .initrd_start = plan->initrd_gpa,
	    .initrd_size = plan->initrd_size,
	};
	void *blob = malloc(ARM64_FDT_MAX);
	if (!blob) {
		snprintf(err, errlen, "the device tree: out of memory");
		return -ENOMEM;
	}
	char why[256];
	long n = arm64_fdt_build(&c, blob, ARM64_FDT_MAX, why, sizeof(why));
	int r = n < 0 ? (int)n
		      : gm_write(&vm->mem, plan->fdt_gpa, blob, (uint64_t)n);
	free(blob);
	if (n < 0)
		snprintf(err, errlen, "building the device tree: %s", why);
	else if (r)
		snprintf(err, errlen, "writing the device tree at 0x%llx: %s",
			 (unsigned long long)plan->fdt_gpa, strerror(-r));
	return r;
}

int vm_boot_load(struct vm *vm, char *err, size_t errlen)
{
	const char *cmdline = vm->cfg->cmdline ? vm->cfg->cmdline : "";
	size_t len = strlen(cmdline);
	if (len >= ARM64_CMDLINE_MAX) {
		snprintf(err, errlen, "--cmdline is %zu bytes; at most %u fit",
			 len, ARM64_CMDLINE_MAX - 1);
		return -E2BIG;
	}
	memcpy(vm->cmdline, cmdline, len + 1);

	const struct gm_region *ram = &vm->mem.regions[0];
	struct arm64_boot_plan plan;
	char why[256];
	int r = arm64_image_load(&vm->mem, ram->gpa, ram->size, vm->host.kernel,
				 vm->host.kernel_len, vm->host.initrd,
				 vm->host.initrd_len, &plan, why, sizeof(why));
	if (r) {
		snprintf(err, errlen, "--kernel %s: %s", vm->cfg->kernel, why);
		return r;
	}
	if ((r = vm_boot_fdt(vm, &plan, err, errlen)))
		return r;

	struct accel_regs regs = {.pc = plan.entry,
				  .pstate = ARM64_BOOT_PSTATE};
	regs.x[0] = plan.fdt_gpa;
	r = vm->accel->set_regs(vm->vcpus[0].accel, &regs);
	if (r) {
		snprintf(err, errlen, "setting the boot CPU's registers: %s",
			 strerror(-r));
		return r;
	}
	return 0;
}
