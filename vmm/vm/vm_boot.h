/* SPDX-License-Identifier: Apache-2.0 */
/* Loading a VM's kernel and platform tables, and the boot CPU's state
 * (the x86 machine: vm_boot_x86.c). */
#ifndef VMM_VM_BOOT_H
#define VMM_VM_BOOT_H

#include <stddef.h>

#include "vmm/base/compiler.h"

struct vm;

/* Build the final command line (with --acpi off, the virtio devices'
 * virtio_mmio.device= words), the e820 map, the MP table and (--acpi on)
 * the ACPI tables, load the kernel and initrd from vm->host, and set vCPU
 * 0's registers for the entry. 0 or -errno with a one-line reason in
 * err. */
int vm_boot_load(struct vm *vm, char *err, size_t errlen) VMM_WUR;

#endif
