/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/vm_boot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm/platform/acpi/acpi_tables.h"
#include "vmm/platform/x86/cpu_boot.h"
#include "vmm/platform/x86/e820.h"
#include "vmm/platform/x86/mptable.h"
#include "vmm/vm/vm_int.h"

_Static_assert(VM_MAX_VDEVS <= ACPI_MAX_MMIO_DEVS &&
		   CONFIG_MAX_CPUS <= ACPI_MAX_CPUS,
	       "the DSDT and MADT must describe every device and vCPU");

/* --acpi on: the tables for the vCPUs and the virtio devices, their area
 * reserved in e820. Sets *rsdp. */
static int vm_boot_acpi(struct vm *vm, struct e820_map *e820, uint64_t *rsdp,
			char *err, size_t errlen)
{
	struct acpi_mmio_dev devs[VM_MAX_VDEVS];
	for (unsigned i = 0; i < vm->nvdevs && i < VM_MAX_VDEVS; i++)
		devs[i] = (struct acpi_mmio_dev){.base = vm->vdevs[i]->base,
						 .size = VIRTIO_MMIO_RANGE_LEN,
						 .irq = vm->vdevs[i]->irq};
	const struct acpi_platform p = {
	    .ncpus = vm->ncpus, .mmio = devs, .nmmio = vm->nvdevs};
	struct acpi_layout l;
	int r = acpi_tables_write(&vm->mem, &p, &l);
	if (!r)
		r = e820_reserve(e820, LAYOUT_ACPI,
				 LAYOUT_ACPI_END - LAYOUT_ACPI);
	if (r) {
		snprintf(err, errlen, "writing the ACPI tables: %s",
			 strerror(-r));
		return r;
	}
	*rsdp = l.rsdp;
	return 0;
}

int vm_boot_load(struct vm *vm, char *err, size_t errlen)
{
	const char *cmdline = vm->cfg->cmdline ? vm->cfg->cmdline : "";
	size_t len = strlen(cmdline);
	if (len >= sizeof(vm->cmdline)) {
		snprintf(err, errlen, "--cmdline is %zu bytes; at most %zu fit",
			 len, sizeof(vm->cmdline) - 1);
		return -E2BIG;
	}
	memcpy(vm->cmdline, cmdline, len + 1);
	/* With ACPI the DSDT describes the virtio devices. */
	if (!vm->cfg->acpi &&
	    vm_virtio_cmdline(vm, vm->cmdline, sizeof(vm->cmdline))) {
		snprintf(err, errlen,
			 "--cmdline plus the virtio_mmio.device= entries do "
			 "not fit in %zu bytes",
			 sizeof(vm->cmdline) - 1);
		return -E2BIG;
	}

	struct e820_map e820;
	int r = e820_build(&vm->mem, &e820);
	if (r) {
		snprintf(err, errlen, "building the e820 map: %s",
			 strerror(-r));
		return r;
	}
	r = mptable_write(&vm->mem, vm->ncpus);
	if (r) {
		snprintf(err, errlen, "writing the MP table for %u vCPUs: %s",
			 vm->ncpus, strerror(-r));
		return r;
	}
	uint64_t rsdp = 0;
	if (vm->cfg->acpi && (r = vm_boot_acpi(vm, &e820, &rsdp, err, errlen)))
		return r;

	struct loader_input in = {
	    .kernel = vm->host.kernel,
	    .kernel_len = vm->host.kernel_len,
	    .initrd = vm->host.initrd,
	    .initrd_len = vm->host.initrd_len,
	    .cmdline = vm->cmdline,
	    .e820 = &e820,
	    .rsdp_gpa = rsdp,
	};
	char why[384];
	r = loader_load(&vm->mem, &in, &vm->plan, why, sizeof(why));
	if (r) {
		if (vm->plan.fault == LOADER_FAULT_INITRD)
			snprintf(err, errlen, "--initrd %s: %s",
				 vm->cfg->initrd, why);
		else if (vm->plan.fault == LOADER_FAULT_CMDLINE)
			snprintf(err, errlen, "--cmdline: %s", why);
		else
			snprintf(err, errlen, "--kernel %s: %s",
				 vm->cfg->kernel, why);
		return r;
	}

	struct accel_regs regs;
	struct accel_sregs sregs;
	r = cpu_boot_setup(&vm->mem, &vm->plan, &regs, &sregs);
	if (r) {
		snprintf(err, errlen, "setting up the boot CPU: %s",
			 strerror(-r));
		return r;
	}
	struct accel_vcpu *bsp = vm->vcpus[0].accel;
	r = vm->accel->set_sregs(bsp, &sregs);
	if (!r)
		r = vm->accel->set_regs(bsp, &regs);
	if (r) {
		snprintf(err, errlen, "setting the boot CPU's registers: %s",
			 strerror(-r));
		return r;
	}
	return 0;
}
