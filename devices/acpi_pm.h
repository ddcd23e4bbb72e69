/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACPI power management registers of a hardware-reduced platform: the
 * sleep control and status registers (ACPI 6.5, 4.8.3.7) and the reset
 * register (4.8.3.6), which the FADT points at
 * (vmm/platform/acpi/acpi_tables.c). One range of ACPI_PM_RANGE_LEN I/O ports;
 * each register is one byte:
 *
 *   offset 0  SLEEP_CONTROL_REG. A write with SLP_EN (bit 5) set and
 *             SLP_TYP (bits 2-4) equal to ACPI_PM_SLP_TYP_S5, the value
 *             the DSDT's \_S5 package gives, calls host->poweroff. Other
 *             writes are ignored: no other sleep state is offered.
 *   offset 1  SLEEP_STATUS_REG. Reads 0 (WAK_STS is never set: the VM
 *             never wakes up); writes (OSPM clears WAK_STS before it
 *             sleeps) are ignored.
 *   offset 2  RESET_REG. A write of ACPI_PM_RESET_VALUE calls
 *             host->reset; other values are ignored.
 *   offset 3  reserved: reads 0, writes ignored.
 *
 * An access of any size acts on the byte at its offset (the low byte of a
 * write); reads return 0. The struct is immutable once registered, so
 * there is no lock; the callbacks run on the writing vCPU's thread and a
 * NULL one ignores the request.
 */
#ifndef VMM_DEVICES_ACPI_PM_H
#define VMM_DEVICES_ACPI_PM_H

#include <stdint.h>

#include "vmm/base/bus.h"
#include "vmm/base/compiler.h"
#include "vmm/base/state.h"

#define ACPI_PM_RANGE_LEN     4
#define ACPI_PM_SLEEP_CONTROL 0 /* register offsets */
#define ACPI_PM_SLEEP_STATUS  1
#define ACPI_PM_RESET	      2

/* SLEEP_CONTROL_REG fields (ACPI 6.5, 4.8.3.7). */
#define ACPI_PM_SLP_TYP_SHIFT 2
#define ACPI_PM_SLP_TYP_MASK  0x1c
#define ACPI_PM_SLP_EN	      0x20
/* The SLP_TYP value for S5 (soft off): ours to choose, given to the guest
 * in \_S5. */
#define ACPI_PM_SLP_TYP_S5 5
/* The FADT's RESET_VALUE. */
#define ACPI_PM_RESET_VALUE 0x42

struct acpi_pm {
	void (*poweroff)(void *opaque); /* S5 entered */
	void (*reset)(void *opaque);	/* RESET_VALUE written */
	void *opaque;
};

extern const struct bus_dev_ops acpi_pm_ops;

/* Saved state (docs/devices.md "Device state"): an empty "APM0"
 * section, version 1. The device has no state a guest can see: the registers
 * read 0 and writes only call the host. */
#define ACPI_PM_STATE_TAG     "APM0"
#define ACPI_PM_STATE_VERSION 1

/* Append the (empty) state section to w (errors stay in w). */
void acpi_pm_save(const struct acpi_pm *d, struct st_writer *w);

/* Take one empty APM0 section from r; d is not changed. 0, or -EINVAL
 * with r bad (another tag or version, a payload). */
int acpi_pm_restore(struct acpi_pm *d, struct st_reader *r) VMM_WUR;

#endif
