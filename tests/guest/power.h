/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tg.acpi=poweroff, tg.acpi=reset and tg.panic: the guest ends itself the
 * way a Linux kernel does, through the ACPI registers the FADT names and
 * QEMU's pvpanic port.
 *
 * The RSDP is the one the boot information gives (PVH
 * start_info.rsdp_paddr, boot_params.acpi_rsdp_addr), else the first
 * "RSD PTR " on a 16-byte boundary in [0xe0000, 0x100000) whose 20-byte
 * checksum is valid (ACPI 6.5, 5.2.5.1). None: ACPI_NONE. Then, each
 * failing with ACPI_TABLES: the RSDP's checksum, and with revision >= 2
 * its extended checksum; the XSDT (the RSDT with revision 0 or no XSDT):
 * signature, length, checksum; its entries; the first "FACP" among them:
 * length, checksum. Every table must lie below 4 GiB.
 *
 *   poweroff  writes (PW_SLP_TYP_S5 << 2) | SLP_EN (0x34) to
 *             X_SLEEP_CONTROL_REG (FADT offset 244, a hardware-reduced
 *             platform's sleep register). SLP_TYP belongs to the DSDT's
 *             \_S5 object; the guest does not interpret AML and assumes
 *             5, what vmm's \_S5 says (tests/unit/test_acpi_tables.c
 *             checks the two agree).
 *   reset     writes RESET_VALUE (offset 128) to RESET_REG (offset 116);
 *             the FADT flags must have RESET_REG_SUP (bit 10).
 *
 * A register must be a byte in system I/O (address space 1) or system
 * memory (0, below 4 GiB), at a non-zero address; else ACPI_TABLES.
 *
 * tg.panic reads the pvpanic port (PW_PVPANIC_PORT, QEMU's 0x505) and
 * prints the events it offers, then writes PVPANIC_PANICKED there as
 * Linux's panic notifier does (<misc/pvpanic.h>). The port is not looked
 * up in the DSDT (that needs AML), so this works without ACPI too.
 *
 * Each action prints a line first. If the guest is still running about a
 * second later, it fails with ACPI_POWEROFF_FAILED, ACPI_RESET_FAILED or
 * PANIC_FAILED (exitcodes.h).
 *
 * Constants only apart from pw_run, so host-side tests can include this.
 */
#ifndef TG_POWER_H
#define TG_POWER_H

#define PW_SLP_TYP_S5 5	     /* assumed value of \_S5's SLP_TYPa */
#define PW_SLP_TYP_SHIFT 2   /* SLEEP_CONTROL_REG (ACPI 6.5, 4.8.3.7) */
#define PW_SLP_EN 0x20
#define PW_PVPANIC_PORT 0x505

/* FADT fields (ACPI 6.5, 5.2.9) and the Generic Address Structure
 * (5.2.3.2) as byte offsets. */
#define PW_FADT_OFF_FLAGS 112
#define PW_FADT_OFF_RESET_REG 116
#define PW_FADT_OFF_RESET_VALUE 128
#define PW_FADT_OFF_SLEEP_CONTROL 244 /* X_SLEEP_CONTROL_REG */
#define PW_FADT_F_RESET_REG_SUP (1u << 10)
#define PW_GAS_LEN 12
#define PW_GAS_OFF_WIDTH 1
#define PW_GAS_OFF_BIT 2
#define PW_GAS_OFF_ADDRESS 4
#define PW_GAS_MEMORY 0
#define PW_GAS_IO 1

struct cmd_opts;
struct bi_info;

/* Run tg.panic, then tg.acpi, if o asks for them; returns when it asks
 * for neither, else ends the guest (tg_exit) when the VMM does not. */
void pw_run(const struct cmd_opts *o, const struct bi_info *bi);

#endif
