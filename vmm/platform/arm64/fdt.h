/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The aarch64 machine's flattened device tree, written with libfdt: RAM,
 * the vCPUs (PSCI), PSCI itself, the GIC (v3, or v2), the architected
 * timer, the UART, the RTC, each virtio-mmio device with its interrupt
 * and /chosen. Addresses come from memmap.h; the caller says what varies.
 *
 * The config is checked before anything is written (vCPU count against
 * the GIC version, RAM inside the RAM window, devices inside the MMIO
 * window and apart, interrupts in the SPI range, the initrd inside RAM,
 * the command line's length): a bad one gets -EINVAL or -E2BIG with a
 * one-line reason, never a blob. The blob is then checked with libfdt's
 * fdt_check_full().
 */
#ifndef VMM_PLATFORM_ARM64_FDT_H
#define VMM_PLATFORM_ARM64_FDT_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

/* At most this many virtio-mmio devices in one tree. */
#define ARM64_FDT_MAX_VIRTIO 32u

/* One virtio-mmio device: its registers and its SPI. */
struct arm64_fdt_dev {
	uint64_t base, size;
	uint32_t spi;
};

struct arm64_fdt_config {
	unsigned ncpus;	      /* 1 .. ARM64_MAX_CPUS (GICv2: 8) */
	unsigned gic_version; /* 2 or 3 */
	uint64_t mem_base, mem_size;
	const struct arm64_fdt_dev *virtio;
	unsigned nvirtio;
	const char *bootargs; /* NULL: none */
	/* The initrd's guest-physical range; size 0: none. */
	uint64_t initrd_start, initrd_size;
};

/* The MPIDR affinity KVM gives vCPU `index` (Aff0 = index % 16, Aff1 =
 * index / 16): the `reg` of its cpu node. */
uint64_t arm64_fdt_mpidr(unsigned index);

/* Check cfg as described above: 0, or -EINVAL / -E2BIG with the reason in
 * err (always NUL-terminated when errlen > 0). */
int arm64_fdt_check(const struct arm64_fdt_config *cfg, char *err,
		    size_t errlen) VMM_WUR;

/* Check cfg, then write its tree into buf (cap bytes): the blob's size
 * (> 0), or -EINVAL / -E2BIG (bad config), -ENOSPC (cap too small) with
 * the reason in err. */
long arm64_fdt_build(const struct arm64_fdt_config *cfg, void *buf, size_t cap,
		     char *err, size_t errlen) VMM_WUR;

#endif
