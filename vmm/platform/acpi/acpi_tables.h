/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's ACPI tables (ACPI 6.5) for a hardware-reduced x86 platform:
 *
 *   RSDP (revision 2) -> XSDT -> FADT -> DSDT
 *                             -> MADT
 *
 * - FADT: HW_REDUCED_ACPI; no fixed power or sleep button; the sleep
 *   control/status registers and the reset register are the I/O ports of
 *   devices/acpi_pm.h at LAYOUT_ACPI_PM_PORT; IA-PC boot flags: legacy
 *   devices, an 8042, no VGA, no MSI, no ASPM; the RTC's century register.
 * - MADT: one enabled local APIC per vCPU (APIC id and processor UID i),
 *   the IO-APIC (id ncpus, as in the MP table) at LAYOUT_IOAPIC with GSI
 *   base 0, and LINT1 as NMI on every processor. No interrupt source
 *   overrides: ISA IRQ n is IO-APIC pin n (KVM's default GSI routing, and
 *   the MP table's), edge-triggered and active high as ISA specifies.
 * - DSDT (vmm/platform/acpi/dsdt.h): \_S5, COM1, a control-method power button
 * and each virtio-mmio device.
 *
 * The tables are laid out in [LAYOUT_ACPI, LAYOUT_ACPI_END): the RSDP at
 * LAYOUT_ACPI (inside 0xe0000-0xfffff, where Linux's legacy scan finds
 * it), then the XSDT, FADT, MADT and DSDT, each 16-byte aligned. Every
 * checksum is set.
 */
#ifndef VMM_ACPI_ACPI_TABLES_H
#define VMM_ACPI_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"

/* The IO-APIC's id is ncpus and must stay below the 0xff "all
 * processors" UID of the NMI entry. */
#define ACPI_MAX_CPUS	   254
#define ACPI_MAX_MMIO_DEVS 64
#define ACPI_IOAPIC_PINS   24 /* KVM's in-kernel IO-APIC */

/* A virtio-mmio device as the DSDT declares it. */
struct acpi_mmio_dev {
	uint64_t base; /* the window lies below 4 GiB (Memory32Fixed) */
	uint32_t size;
	uint32_t irq; /* GSI = IO-APIC pin, below ACPI_IOAPIC_PINS */
};

/* What the tables describe. */
struct acpi_platform {
	unsigned ncpus; /* 1..ACPI_MAX_CPUS */
	const struct acpi_mmio_dev *mmio;
	unsigned nmmio; /* 0..ACPI_MAX_MMIO_DEVS */
};

/* Where each table went: guest-physical addresses and lengths. */
struct acpi_layout {
	uint64_t rsdp, xsdt, fadt, madt, dsdt;
	uint32_t xsdt_len, fadt_len, madt_len, dsdt_len;
	uint64_t end; /* first byte after the DSDT */
};

/* Build every table into img, the host copy of guest memory [base, base +
 * cap), RSDP first. img is zeroed first. 0, -EINVAL (p out of range, base
 * not 16-byte aligned, or the tables would end above 4 GiB) or -ENOSPC
 * (they do not fit in cap). */
int acpi_tables_build(const struct acpi_platform *p, uint64_t base,
		      uint8_t *img, size_t cap,
		      struct acpi_layout *out) VMM_WUR;

/* Build the tables for LAYOUT_ACPI and write the whole area [LAYOUT_ACPI,
 * LAYOUT_ACPI_END) into guest memory. out->rsdp is what boot_params
 * .acpi_rsdp_addr and hvm_start_info.rsdp_paddr get. 0, -EINVAL, -ENOSPC,
 * -ENOMEM or -EFAULT (no guest RAM there). */
int acpi_tables_write(const struct guest_mem *gm, const struct acpi_platform *p,
		      struct acpi_layout *out) VMM_WUR;

/* The byte that makes buf[0..len) sum to 0 (mod 256) once stored in the
 * checksum field, which must be 0 when this is called. */
uint8_t acpi_tables_checksum(const uint8_t *buf, size_t len);

#endif
