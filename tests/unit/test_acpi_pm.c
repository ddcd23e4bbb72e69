/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the ACPI sleep and reset registers (devices/acpi_pm.c),
 * driven as ACPICA drives them (hwesleep.c: clear WAK_STS, then write
 * SLP_TYP | SLP_EN; the reset register gets RESET_VALUE), through the PIO
 * bus at the port the FADT gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/acpi_pm.h"
#include "vmm/base/bus.h"
#include "vmm/base/layout.h"

struct seen {
	unsigned poweroffs, resets;
};

static void on_poweroff(void *opaque)
{
	((struct seen *)opaque)->poweroffs++;
}

static void on_reset(void *opaque)
{
	((struct seen *)opaque)->resets++;
}

struct fixture {
	struct seen s;
	struct acpi_pm pm;
	struct bus bus;
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));
	f->pm = (struct acpi_pm){
	    .poweroff = on_poweroff, .reset = on_reset, .opaque = &f->s};
	assert_int_equal(bus_init(&f->bus, "pio"), 0);
	assert_int_equal(bus_register(&f->bus, LAYOUT_ACPI_PM_PORT,
				      ACPI_PM_RANGE_LEN, &acpi_pm_ops, &f->pm,
				      "acpi-pm"),
			 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	bus_destroy(&f->bus);
	test_free(f);
	return 0;
}

static void out8(struct fixture *f, unsigned reg, uint8_t v)
{
	bus_write(&f->bus, LAYOUT_ACPI_PM_PORT + reg, 1, v);
}

/* ACPICA's S5 sequence: WAK_STS (bit 7) to the status register, then
 * (SLP_TYP << 2) | SLP_EN to the control register. */
static void test_s5_powers_off(void **state)
{
	struct fixture *f = *state;
	out8(f, ACPI_PM_SLEEP_STATUS, 0x80);
	assert_int_equal(f->s.poweroffs, 0);
	out8(f, ACPI_PM_SLEEP_CONTROL,
	     (ACPI_PM_SLP_TYP_S5 << ACPI_PM_SLP_TYP_SHIFT) | ACPI_PM_SLP_EN);
	assert_int_equal(f->s.poweroffs, 1);
	assert_int_equal(f->s.resets, 0);
	/* 0x34: the value Linux writes for \_S5 = 5. */
	out8(f, ACPI_PM_SLEEP_CONTROL, 0x34);
	assert_int_equal(f->s.poweroffs, 2);
}

static void test_other_sleep_writes_ignored(void **state)
{
	struct fixture *f = *state;
	/* S5 type without SLP_EN, SLP_EN with other types, WAK_STS. */
	out8(f, ACPI_PM_SLEEP_CONTROL, ACPI_PM_SLP_TYP_S5 << 2);
	for (unsigned typ = 0; typ < 8; typ++)
		if (typ != ACPI_PM_SLP_TYP_S5)
			out8(f, ACPI_PM_SLEEP_CONTROL,
			     (uint8_t)(typ << 2 | ACPI_PM_SLP_EN));
	out8(f, ACPI_PM_SLEEP_CONTROL, 0x80);
	for (unsigned v = 0; v < 256; v++)
		out8(f, ACPI_PM_SLEEP_STATUS, (uint8_t)v);
	out8(f, 3, 0x34);
	assert_int_equal(f->s.poweroffs, 0);
	assert_int_equal(f->s.resets, 0);
}

static void test_reset_register(void **state)
{
	struct fixture *f = *state;
	for (unsigned v = 0; v < 256; v++)
		if (v != ACPI_PM_RESET_VALUE)
			out8(f, ACPI_PM_RESET, (uint8_t)v);
	assert_int_equal(f->s.resets, 0);
	out8(f, ACPI_PM_RESET, ACPI_PM_RESET_VALUE);
	assert_int_equal(f->s.resets, 1);
	assert_int_equal(f->s.poweroffs, 0);
	/* Wider writes act on the byte at their offset. */
	bus_write(&f->bus, LAYOUT_ACPI_PM_PORT + ACPI_PM_RESET, 2,
		  0xff00 | ACPI_PM_RESET_VALUE);
	assert_int_equal(f->s.resets, 2);
	bus_write(&f->bus, LAYOUT_ACPI_PM_PORT, 4, 0x34);
	assert_int_equal(f->s.poweroffs, 1);
}

static void test_reads_zero(void **state)
{
	struct fixture *f = *state;
	for (unsigned r = 0; r < ACPI_PM_RANGE_LEN; r++)
		assert_int_equal(bus_read(&f->bus, LAYOUT_ACPI_PM_PORT + r, 1),
				 0);
	assert_int_equal(bus_read(&f->bus, LAYOUT_ACPI_PM_PORT, 4), 0);
	assert_null(acpi_pm_ops.reset);
	assert_int_equal(f->s.poweroffs + f->s.resets, 0);
}

static void test_null_callbacks(void **state)
{
	struct acpi_pm pm = {0};
	(void)state;
	acpi_pm_ops.write(&pm, ACPI_PM_SLEEP_CONTROL, 1, 0x34);
	acpi_pm_ops.write(&pm, ACPI_PM_RESET, 1, ACPI_PM_RESET_VALUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_s5_powers_off, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_other_sleep_writes_ignored,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reset_register, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_reads_zero, setup, teardown),
	    cmocka_unit_test(test_null_callbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
