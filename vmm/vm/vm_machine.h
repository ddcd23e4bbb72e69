/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The machines a VM can be built as (vm_config.machine): the PC
 * (vm_machine_x86.c: RAM below and above the 32-bit MMIO hole, COM1,
 * i8042, CMOS RTC, debug-exit and the ACPI ports) and the arm64 board
 * (vm_machine_arm64.c, on the memory map of
 * vmm/platform/arm64/memmap.h: a 16550 UART, a PL031 RTC, debug-exit).
 * Both are built on every host: KVM boots kernels on the host's own
 * (vm_boot_x86.c or vm_boot_arm64.c loads them), and the replay builds
 * the one a trace was recorded on, whatever the host. vm.c builds the
 * parts every machine shares.
 */
#ifndef VMM_VM_MACHINE_H
#define VMM_VM_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

struct vm;

/* One range of guest RAM, in a machine's layout. */
struct vm_ram_range {
	uint64_t gpa, size;
};
#define VM_MACHINE_MAX_RAM 2 /* ranges a layout has at most */

struct vm_machine {
	const char *name; /* "x86_64", "aarch64": messages, traces */
	/* Where cfg->mem_mib of RAM goes: ram[0..*n), in the order the
	 * memory file holds them (vm.c allocates and maps them). 0, or
	 * -EINVAL with one line in err for a size the machine cannot have. */
	int (*ram)(const struct vm_config *cfg, struct vm_ram_range *ram,
		   unsigned *n, char *err, size_t errlen) VMM_WUR;
	/* Initialise the platform devices and register them on the buses
	 * (each one initialised marked in vm->devices_ready, which destroy
	 * reads). 0 or -errno with one line in err. */
	int (*devices)(struct vm *vm, char *err, size_t errlen) VMM_WUR;
	/* Tear down what devices initialised (any subset of it). */
	void (*destroy)(struct vm *vm);
	/* Where virtio-mmio device `slot` (0, 1, ... in creation order)
	 * sits and the interrupt line (the accelerator's GSI) it raises:
	 * 0, or -ENOSPC when the machine has no such slot. */
	int (*virtio_slot)(unsigned slot, uint64_t *base,
			   uint32_t *irq) VMM_WUR;
	/* On the control thread: the machine's Ctrl-Alt-Del (x86: the
	 * i8042's chord, delivered). 0, -ENOSPC (no room to queue it) or
	 * -ENOTSUP (no keyboard). */
	int (*ctrl_alt_del)(struct vm *vm) VMM_WUR;
};

extern const struct vm_machine vm_machine_x86;
extern const struct vm_machine vm_machine_arm64;

/* The machine of `kind`, or NULL for a value that names none. */
const struct vm_machine *vm_machine_of(enum vm_machine_kind kind);

#endif
