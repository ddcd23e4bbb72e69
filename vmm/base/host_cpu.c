/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/base/host_cpu.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

void host_cpu_vendor(char out[13])
{
	unsigned a, b, c, d;
	__cpuid(0, a, b, c, d);
	(void)a;
	memcpy(out, &b, 4);
	memcpy(out + 4, &d, 4);
	memcpy(out + 8, &c, 4);
	out[12] = '\0';
}

#elif defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>

void host_cpu_vendor(char out[13])
{
	/* Linux emulates EL0 reads of the ID registers where it says so. */
	if (!(getauxval(AT_HWCAP) & HWCAP_CPUID)) {
		snprintf(out, 13, "arm64");
		return;
	}
	uint64_t midr;
	__asm__ volatile("mrs %0, midr_el1" : "=r"(midr));
	snprintf(out, 13, "arm64-impl%02x", (unsigned)(midr >> 24) & 0xff);
}
#endif
