/* SPDX-License-Identifier: Apache-2.0 */
/* Per-vCPU CPUID table: the backend's supported leaves with the topology,
 * PMU and hypervisor leaves adjusted. */
#include "vmm/platform/x86/cpuid.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define CPUID_LEAF_FEATURES    0x1u
#define CPUID_LEAF_PMU	       0xau
#define CPUID_LEAF_TOPO	       0xbu
#define CPUID_LEAF_TOPO_V2     0x1fu
#define CPUID_LEAF_HV	       0x40000000u
#define CPUID_LEAF_HV_FEATURES 0x40000001u
#define CPUID_LEAF_HV_LAST     0x400000ffu

#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_EDX_HTT	       (1u << 28)

/* "KVMKVMKVM\0\0\0" as ebx, ecx, edx. */
#define CPUID_KVM_SIG_EBX 0x4b4d564bu /* "KVMK" */
#define CPUID_KVM_SIG_ECX 0x564b4d56u /* "VMKV" */
#define CPUID_KVM_SIG_EDX 0x0000004du /* "M\0\0\0" */

/* Leaf 1: initial APIC id, logical processor count, HTT and hypervisor. */
static void cpuid_fix_leaf1(struct cpuid_entry *e, unsigned vcpu,
			    unsigned ncpus)
{
	e->ebx &= 0x0000ffffu;
	e->ebx |= (uint32_t)vcpu << 24 | (uint32_t)ncpus << 16;
	if (ncpus > 1)
		e->edx |= CPUID_1_EDX_HTT;
	else
		e->edx &= ~CPUID_1_EDX_HTT;
	e->ecx |= CPUID_1_ECX_HYPERVISOR;
}

/* The hypervisor range's highest leaf: the highest one `supported` has in
 * 0x40000001..0x400000ff, and at least 0x40000001. */
static uint32_t cpuid_hv_max(const struct cpuid_entry *t, unsigned n)
{
	uint32_t max = CPUID_LEAF_HV_FEATURES;
	for (unsigned i = 0; i < n; i++) {
		uint32_t f = t[i].function;
		if (f > max && f <= CPUID_LEAF_HV_LAST)
			max = f;
	}
	return max;
}

static void cpuid_set_hv_sig(struct cpuid_entry *e, uint32_t max)
{
	e->eax = max;
	e->ebx = CPUID_KVM_SIG_EBX;
	e->ecx = CPUID_KVM_SIG_ECX;
	e->edx = CPUID_KVM_SIG_EDX;
}

int cpuid_build(const struct cpuid_entry *supported, unsigned n, unsigned vcpu,
		unsigned ncpus, struct cpuid_entry *out, unsigned cap,
		unsigned *nout)
{
	/* APIC ids and the leaf-1 count are 8 bits wide; 0xff is broadcast. */
	if (ncpus == 0 || ncpus > 0xff || vcpu >= ncpus)
		return -EINVAL;
	if (n > cap)
		return -ENOSPC;

	uint32_t hv_max = cpuid_hv_max(supported, n);
	bool have_hv = false;
	for (unsigned i = 0; i < n; i++) {
		struct cpuid_entry *e = &out[i];
		*e = supported[i];
		switch (e->function) {
		case CPUID_LEAF_FEATURES:
			cpuid_fix_leaf1(e, vcpu, ncpus);
			break;
		case CPUID_LEAF_PMU:
			/* No virtual PMU: version 0 tells the guest so. */
			e->eax = e->ebx = e->ecx = e->edx = 0;
			break;
		case CPUID_LEAF_TOPO:
		case CPUID_LEAF_TOPO_V2:
			/* Every subleaf reports the x2APIC id in EDX. */
			e->edx = vcpu;
			break;
		case CPUID_LEAF_HV:
			cpuid_set_hv_sig(e, hv_max);
			have_hv = true;
			break;
		default:
			break;
		}
	}

	unsigned count = n;
	if (!have_hv) {
		if (count >= cap)
			return -ENOSPC;
		struct cpuid_entry *e = &out[count++];
		*e = (struct cpuid_entry){.function = CPUID_LEAF_HV};
		cpuid_set_hv_sig(e, hv_max);
	}
	*nout = count;
	return 0;
}

const struct cpuid_entry *cpuid_find(const struct cpuid_entry *t, unsigned n,
				     uint32_t function, uint32_t index)
{
	for (unsigned i = 0; i < n; i++) {
		if (t[i].function != function)
			continue;
		if ((t[i].flags & CPUID_FLAG_INDEXED) && t[i].index != index)
			continue;
		return &t[i];
	}
	return NULL;
}
