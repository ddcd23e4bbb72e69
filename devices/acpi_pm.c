/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACPI sleep and reset registers. See acpi_pm.h for the contract. The
 * struct is immutable once registered, so there is no lock.
 */
#include "devices/acpi_pm.h"

#include <errno.h>

static uint64_t acpi_pm_read(void *dev, uint64_t off, unsigned size)
{
	(void)dev;
	(void)off;
	(void)size;
	return 0;
}

static void acpi_pm_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	const struct acpi_pm *pm = dev;
	uint8_t b = (uint8_t)val;

	(void)size;
	switch (off) {
	case ACPI_PM_SLEEP_CONTROL:
		if ((b & ACPI_PM_SLP_EN) &&
		    (b & ACPI_PM_SLP_TYP_MASK) >> ACPI_PM_SLP_TYP_SHIFT ==
			ACPI_PM_SLP_TYP_S5 &&
		    pm->poweroff)
			pm->poweroff(pm->opaque);
		break;
	case ACPI_PM_RESET:
		if (b == ACPI_PM_RESET_VALUE && pm->reset)
			pm->reset(pm->opaque);
		break;
	default:
		break; /* SLEEP_STATUS and the reserved byte */
	}
}

const struct bus_dev_ops acpi_pm_ops = {
    .read = acpi_pm_read,
    .write = acpi_pm_write,
    .reset = NULL,
};

void acpi_pm_save(const struct acpi_pm *d, struct st_writer *w)
{
	(void)d;
	st_section_end(
	    w, st_section_begin(w, ACPI_PM_STATE_TAG, ACPI_PM_STATE_VERSION));
}

int acpi_pm_restore(struct acpi_pm *d, struct st_reader *r)
{
	struct st_reader b;
	uint16_t version;

	(void)d;
	st_section_open(r, ACPI_PM_STATE_TAG, ACPI_PM_STATE_VERSION, &version,
			&b);
	st_section_close(r, &b);
	return st_ok(r) ? 0 : -EINVAL;
}
