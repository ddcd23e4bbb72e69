/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The machine a VM is built as, one per host architecture (the guest's:
 * KVM runs guests of its own): vm_machine_x86.c (a PC: RAM below and
 * above the 32-bit MMIO hole, COM1, i8042, CMOS RTC, debug-exit and the
 * ACPI ports) or vm_machine_arm64.c (the memory map of
 * vmm/platform/arm64/memmap.h: a 16550 UART, a PL031 RTC, debug-exit).
 * vm.c builds the parts every machine shares; vm_boot_*.c loads the
 * kernel for the same machine.
 */
#ifndef VMM_VM_MACHINE_H
#define VMM_VM_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

struct vm;

/* Allocate guest RAM (vm->cfg->mem_mib, from vm->host.ram_file when set)
 * where the machine has it and map every region into the accelerator.
 * 0 or -errno with one line in err. */
int vm_machine_memory(struct vm *vm, char *err, size_t errlen) VMM_WUR;

/* Initialise the machine's platform devices and register them on the
 * buses (each initialised one marked in vm->devices_ready, which
 * vm_machine_destroy reads). 0 or -errno with one line in err. */
int vm_machine_devices(struct vm *vm, char *err, size_t errlen) VMM_WUR;

/* Tear down what vm_machine_devices initialised (any subset of it). */
void vm_machine_destroy(struct vm *vm);

/* Where virtio-mmio device `slot` (0, 1, ... in creation order) sits and
 * the interrupt line (the accelerator's GSI) it raises: 0, or -ENOSPC
 * when the machine has no such slot. */
int vm_machine_virtio_slot(unsigned slot, uint64_t *base,
			   uint32_t *irq) VMM_WUR;

/* On the control thread: the machine's Ctrl-Alt-Del (x86: the i8042's
 * chord, delivered). 0, -ENOSPC (no room to queue it) or -ENOTSUP (the
 * machine has no keyboard). */
int vm_machine_ctrl_alt_del(struct vm *vm) VMM_WUR;

#endif
