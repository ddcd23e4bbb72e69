/* SPDX-License-Identifier: Apache-2.0 */
/* The CPUID table a vCPU sees: the backend's supported leaves, adjusted. */
#ifndef VMM_X86_CPUID_H
#define VMM_X86_CPUID_H

#include <stdint.h>

#include "vmm/base/compiler.h"

#define CPUID_FLAG_INDEXED 0x1u /* entry applies only to its `index` */

struct cpuid_entry {
	uint32_t function, index, flags;
	uint32_t eax, ebx, ecx, edx;
};

/* From the backend's `supported` leaves, build vCPU `vcpu`'s table for a
 * VM of `ncpus` CPUs into out[0..cap):
 *  - leaf 1: initial APIC id = vcpu, logical count = ncpus, HTT set when
 *    ncpus > 1, the hypervisor bit set;
 *  - leaves 0xb and 0x1f: x2APIC id = vcpu in every subleaf;
 *  - leaf 0xa (PMU): zeroed;
 *  - leaf 0x40000000: "KVMKVMKVM\0\0\0" signature and max leaf (at least
 *    0x40000001), replaced, or appended when missing.
 * Leaves are otherwise passed through. 0 and *nout; -EINVAL (ncpus 0 or
 * above 255, vcpu >= ncpus) or -ENOSPC (the result needs more than cap). */
int cpuid_build(const struct cpuid_entry *supported, unsigned n, unsigned vcpu,
		unsigned ncpus, struct cpuid_entry *out, unsigned cap,
		unsigned *nout) VMM_WUR;

/* The entry for (function, index), or NULL. Indexed entries match only
 * their index; others match any index. */
const struct cpuid_entry *cpuid_find(const struct cpuid_entry *t, unsigned n,
				     uint32_t function, uint32_t index);

#endif
