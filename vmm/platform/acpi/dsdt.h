/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AML of vmm's DSDT (the definition block after the table header):
 *
 *   Name (\_S5, Package (4) {ACPI_PM_SLP_TYP_S5, 0, 0, 0})
 *   Scope (\_SB) {
 *     Device (PWRB) { _HID EISAID("PNP0C0C"), _UID 0 }
 *     Device (COM1) { _HID EISAID("PNP0501"), _UID 1, _CRS {
 *       IO (Decode16, 0x3f8, 0x3f8, 1, 8), IRQNoFlags () {4} } }
 *     Device (PS2K) { _HID EISAID("PNP0303"), _CRS {          (i8042)
 *       IO (Decode16, 0x60, 0x60, 1, 1), IO (Decode16, 0x64, 0x64, 1, 1),
 *       IRQNoFlags () {1} } }
 *     Device (PEVT) { _HID "QEMU0001", _CRS {          (pvpanic)
 *       IO (Decode16, 0x505, 0x505, 1, 1) } }
 *     Device (Vnnn) { _HID "LNRO0005", _UID nnn, _CRS {     (per device)
 *       Memory32Fixed (ReadWrite, base, size),
 *       Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) {irq} } }
 *   }
 *
 * PNP0303 is how Linux's i8042 driver finds the keyboard's IRQ on a
 * hardware-reduced platform (no legacy IRQs there).
 * QEMU0001 is QEMU's pvpanic, which Linux's pvpanic-mmio driver matches.
 * LNRO0005 is the id Linux's virtio_mmio driver matches in ACPI. The
 * interrupt is edge-triggered: vmm pulses the line or signals an irqfd,
 * and the driver reads InterruptStatus on each edge.
 */
#ifndef VMM_ACPI_DSDT_H
#define VMM_ACPI_DSDT_H

#include "vmm/platform/acpi/acpi_tables.h"
#include "vmm/platform/acpi/aml.h"

/* Append the DSDT's AML for p to a (errors stay in the builder). p must
 * already be checked (acpi_tables_build does it). */
void dsdt_aml(struct aml *a, const struct acpi_platform *p);

#endif
