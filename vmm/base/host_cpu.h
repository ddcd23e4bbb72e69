/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host CPU's maker, as a snapshot records it: a guest may use what
 * the CPU it started on has, so a snapshot restores only where the maker
 * is the same. An instruction, no system call: it works in the jail.
 */
#ifndef VMM_BASE_HOST_CPU_H
#define VMM_BASE_HOST_CPU_H

/* x86-64: CPUID leaf 0's vendor string ("GenuineIntel", "AuthenticAMD",
 * ...). aarch64: "arm64-impl" and MIDR_EL1's implementer code in hex
 * ("arm64-impl41" is Arm Ltd.), or "arm64" where the kernel does not
 * expose MIDR_EL1 (no HWCAP_CPUID). At most 12 bytes and a NUL. */
void host_cpu_vendor(char out[13]);

#endif
