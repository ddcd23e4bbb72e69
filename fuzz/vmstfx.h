/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The machines of the whole-VM state harness (fuzz_vm_state.c) and its
 * seeds (seedgen_vm_state.c): built on the replay backend (no KVM), with
 * no host files.
 */
#ifndef VMM_FUZZ_VMSTFX_H
#define VMM_FUZZ_VMSTFX_H

#include <stdint.h>

#include "vmm/vm/config.h"
#include "vmm/vm/vm_int.h"

/* The configuration and host side for machine byte m: bit 0 two vCPUs
 * (else one), bit 1 ACPI, bit 2 an rng, bit 3 a console; 16 MiB of RAM,
 * no serial, no eventfds. */
void vmstfx_machine(uint8_t m, struct vm_config *c, struct vm_host *h);

#endif
