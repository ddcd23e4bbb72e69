/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The aarch64 machine's physical memory map (docs/arm64.md): devices in
 * the first GiB, RAM from 1 GiB up. Fixed, so that the device tree, the
 * vGIC set-up and the device bus agree without passing addresses around.
 * Interrupt numbers are GIC SPIs (INTID = 32 + SPI).
 */
#ifndef VMM_PLATFORM_ARM64_MEMMAP_H
#define VMM_PLATFORM_ARM64_MEMMAP_H

/* GICv3 distributor (64 KiB) and redistributors (128 KiB per vCPU);
 * GICv2 distributor (4 KiB used) and CPU interface (8 KiB). */
#define ARM64_GIC_DIST_BASE   0x08000000ull
#define ARM64_GIC_DIST_SIZE   0x10000ull
#define ARM64_GIC_CPU_BASE    0x08010000ull
#define ARM64_GIC_CPU_SIZE    0x2000ull
#define ARM64_GIC_REDIST_BASE 0x080a0000ull
#define ARM64_GIC_REDIST_SIZE 0x20000ull /* per vCPU */

/* The UART: a 16550 (devices/serial.c) with byte-wide registers. */
#define ARM64_UART_BASE	 0x09000000ull
#define ARM64_UART_SIZE	 0x1000ull
#define ARM64_UART_SPI	 1u
#define ARM64_UART_CLOCK 1843200u

/* The RTC: a PL031. */
#define ARM64_RTC_BASE 0x09010000ull
#define ARM64_RTC_SIZE 0x1000ull
#define ARM64_RTC_SPI  2u

/* The debug-exit register for test guests (devices/debug_exit.h): not in
 * the device tree, as the x86 port 0xf4 is in no table. */
#define ARM64_DEBUG_EXIT_BASE 0x09020000ull

/* virtio-mmio devices: ARM64_VIRTIO_STRIDE apart from ARM64_VIRTIO_BASE
 * (one transport window each, devices/virtio/mmio.h), device i on SPI
 * ARM64_VIRTIO_SPI + i. */
#define ARM64_VIRTIO_BASE   0x0a000000ull
#define ARM64_VIRTIO_STRIDE 0x1000ull
#define ARM64_VIRTIO_SPI    16u

/* Where devices may be: [0, ARM64_MMIO_END). */
#define ARM64_MMIO_END 0x40000000ull

/* RAM: from 1 GiB; at most 1 TiB of it (the boot protocol wants the DTB
 * in the first 512 GiB, which the placement keeps). */
#define ARM64_RAM_BASE 0x40000000ull
#define ARM64_RAM_MAX  (1ull << 40)

/* Limits: vCPUs a GICv3 (GICv2) can have here, SPIs a GIC offers, the
 * kernel's command line size (arm64 COMMAND_LINE_SIZE), the DTB's size
 * (the boot protocol's 2 MiB; vmm's blobs are a few KiB). */
#define ARM64_MAX_CPUS	     64u
#define ARM64_GICV2_MAX_CPUS 8u
#define ARM64_SPI_COUNT	     988u
#define ARM64_CMDLINE_MAX    2048u
#define ARM64_FDT_MAX	     0x200000ull

#endif
