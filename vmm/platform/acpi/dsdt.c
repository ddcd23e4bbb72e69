/* SPDX-License-Identifier: Apache-2.0 */
/* The DSDT's AML. See dsdt.h for what it declares. */
#include "vmm/platform/acpi/dsdt.h"

#include <stdio.h>

#include "devices/acpi_pm.h"
#include "devices/pvpanic.h"
#include "vmm/base/layout.h"

#define DSDT_COM1_PORTS 8

/* \_S5: SLP_TYPa and SLP_TYPb, then two reserved entries. A
 * hardware-reduced OSPM writes SLP_TYPa to SLEEP_CONTROL_REG. */
static void dsdt_s5(struct aml *a)
{
	aml_name(a, "\\_S5");
	struct aml_mark pkg = aml_package_open(a, 4);
	aml_integer(a, ACPI_PM_SLP_TYP_S5);
	aml_integer(a, 0);
	aml_integer(a, 0);
	aml_integer(a, 0);
	aml_close(a, pkg);
}

/* A control-method power button (4.8.2.2.1.2): the FADT's PWR_BUTTON
 * flag says there is no fixed one. */
static void dsdt_power_button(struct aml *a)
{
	struct aml_mark dev = aml_device_open(a, "PWRB");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0C0C");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_close(a, dev);
}

static void dsdt_com1(struct aml *a)
{
	struct aml_mark dev = aml_device_open(a, "COM1");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0501");
	aml_name(a, "_UID");
	aml_integer(a, 1);
	aml_name(a, "_CRS");
	struct aml_mark crs = aml_resources_open(a);
	aml_io(a, LAYOUT_COM1_PORT, LAYOUT_COM1_PORT, 1, DSDT_COM1_PORTS);
	aml_irq_noflags(a, LAYOUT_COM1_IRQ);
	aml_close(a, crs);
	aml_close(a, dev);
}

/* The i8042's keyboard (devices/i8042.h): on a hardware-reduced platform
 * Linux has no legacy IRQs, so its i8042 driver needs this PnP device to
 * find IRQ 1 (and takes its ports from it). */
static void dsdt_i8042(struct aml *a)
{
	struct aml_mark dev = aml_device_open(a, "PS2K");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0303");
	aml_name(a, "_CRS");
	struct aml_mark crs = aml_resources_open(a);
	aml_io(a, LAYOUT_I8042_DATA, LAYOUT_I8042_DATA, 1, 1);
	aml_io(a, LAYOUT_I8042_CMD, LAYOUT_I8042_CMD, 1, 1);
	aml_irq_noflags(a, LAYOUT_I8042_KBD_IRQ);
	aml_close(a, crs);
	aml_close(a, dev);
}

/* QEMU's ISA pvpanic (devices/pvpanic.h); Linux's pvpanic-mmio driver
 * matches QEMU0001 and takes its I/O resource. */
static void dsdt_pvpanic(struct aml *a)
{
	struct aml_mark dev = aml_device_open(a, "PEVT");
	aml_name(a, "_HID");
	aml_string(a, "QEMU0001");
	aml_name(a, "_CRS");
	struct aml_mark crs = aml_resources_open(a);
	aml_io(a, LAYOUT_PVPANIC_PORT, LAYOUT_PVPANIC_PORT, 1,
	       PVPANIC_RANGE_LEN);
	aml_close(a, crs);
	aml_close(a, dev);
}

static void dsdt_virtio_mmio(struct aml *a, unsigned i,
			     const struct acpi_mmio_dev *d)
{
	char name[8];
	snprintf(name, sizeof(name), "V%03u", i % 1000);
	struct aml_mark dev = aml_device_open(a, name);
	aml_name(a, "_HID");
	aml_string(a, "LNRO0005");
	aml_name(a, "_UID");
	aml_integer(a, i);
	aml_name(a, "_CRS");
	struct aml_mark crs = aml_resources_open(a);
	aml_memory32_fixed(a, true, (uint32_t)d->base, d->size);
	aml_interrupt(a, AML_INT_CONSUMER | AML_INT_EDGE, d->irq);
	aml_close(a, crs);
	aml_close(a, dev);
}

void dsdt_aml(struct aml *a, const struct acpi_platform *p)
{
	dsdt_s5(a);
	struct aml_mark sb = aml_scope_open(a, "\\_SB");
	dsdt_power_button(a);
	dsdt_com1(a);
	dsdt_i8042(a);
	dsdt_pvpanic(a);
	for (unsigned i = 0; i < p->nmmio; i++)
		dsdt_virtio_mmio(a, i, &p->mmio[i]);
	aml_close(a, sb);
}
