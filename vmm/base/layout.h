/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The x86 guest-physical memory map and the fixed places vmm puts boot
 * structures. docs/architecture.md has the same table; keep them in step.
 *
 *   0x0000_0000 .. 0x0000_04ff  real-mode IVT and BIOS data area (BDA)
 *   0x0000_0500                 GDT (boot segments)
 *   0x0000_0540                 IDT (empty, limit 0)
 *   0x0000_6000                 PVH hvm_start_info, module list, memmap
 *   0x0000_7000                 Linux zero page (struct boot_params)
 *   0x0000_8ff0                 initial stack top for the 64-bit entry
 *   0x0000_9000                 PML4, 0xa000 PDPT, 0xb000.. 4 PDs (4 GiB
 *                               identity map, 2 MiB pages)
 *   0x0002_0000                 kernel command line (up to 64 KiB)
 *   0x0009_f000 .. 0x0009_ffff  EBDA (4 KiB): MP floating pointer and table
 *   0x000a_0000 .. 0x000d_ffff  legacy VGA/BIOS hole (not RAM in e820)
 *   0x000e_0000 .. 0x000f_ffff  ACPI tables with --acpi on (reserved in
 *                               e820): RSDP at 0xe0000, where the legacy
 *                               RSDP scan looks, then XSDT, FADT, MADT,
 *                               DSDT, each 16-byte aligned
 *   0x0010_0000                 kernel (bzImage protected-mode part, or
 *                               ELF PT_LOAD segments at their paddr)
 *   ..            ram_low_end   initrd at the top of low RAM
 *   0xc000_0000 .. 0xffff_ffff  32-bit MMIO hole:
 *       0xd000_0000             virtio-mmio window (issue 3)
 *       0xfec0_0000             IO-APIC
 *       0xfee0_0000             local APIC
 *   0x1_0000_0000 ..            RAM above 4 GiB when --mem > 3 GiB
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#define LAYOUT_GDT	    0x500ULL
#define LAYOUT_IDT	    0x540ULL
#define LAYOUT_PVH_INFO	    0x6000ULL
#define LAYOUT_PVH_INFO_END 0x7000ULL
#define LAYOUT_ZERO_PAGE    0x7000ULL
#define LAYOUT_BOOT_STACK   0x8ff0ULL
#define LAYOUT_PML4	    0x9000ULL
#define LAYOUT_PDPT	    0xa000ULL
#define LAYOUT_PD	    0xb000ULL /* 4 pages: 0xb000..0xefff */
#define LAYOUT_CMDLINE	    0x20000ULL
#define LAYOUT_CMDLINE_MAX  0x10000ULL /* bytes, including the NUL */
#define LAYOUT_EBDA	    0x9f000ULL
#define LAYOUT_EBDA_END	    0xa0000ULL
#define LAYOUT_ACPI	    0xe0000ULL /* ACPI tables: RSDP first */
#define LAYOUT_ACPI_END	    0x100000ULL
#define LAYOUT_HIMEM	    0x100000ULL /* 1 MiB: where kernels load */
#define LAYOUT_MMIO_HOLE    0xc0000000ULL
#define LAYOUT_4G	    0x100000000ULL
#define LAYOUT_VIRTIO_MMIO  0xd0000000ULL
#define LAYOUT_IOAPIC	    0xfec00000ULL
#define LAYOUT_LAPIC	    0xfee00000ULL

/* Boot GDT selectors (Linux 64-bit boot protocol wants __BOOT_CS 0x10 and
 * __BOOT_DS 0x18; PVH wants any flat 32-bit code segment). */
#define LAYOUT_SEL_CODE32 0x08
#define LAYOUT_SEL_CODE64 0x10
#define LAYOUT_SEL_DATA	  0x18
#define LAYOUT_SEL_TSS	  0x20

/* Legacy ISA interrupt lines and ports. */
#define LAYOUT_COM1_PORT       0x3f8
#define LAYOUT_COM1_IRQ	       4
#define LAYOUT_I8042_KBD_IRQ   1 /* ISA, edge: the i8042's keyboard */
#define LAYOUT_I8042_DATA      0x60
#define LAYOUT_I8042_CMD       0x64
#define LAYOUT_RTC_PORT	       0x70
#define LAYOUT_DEBUG_EXIT_PORT 0xf4
#define LAYOUT_ACPI_PM_PORT    0x600 /* devices/acpi_pm.h, 4 ports */
#define LAYOUT_PVPANIC_PORT    0x505 /* devices/pvpanic.h, QEMU's default */

#endif
