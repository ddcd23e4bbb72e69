/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for pvpanic (devices/pvpanic.c), driven as Linux's
 * pvpanic-mmio driver drives it (drivers/misc/pvpanic/pvpanic.c: read the
 * capability at probe, write PANICKED or, with a kdump kernel loaded,
 * CRASH_LOADED from the panic notifier), through the PIO bus at the port
 * the DSDT gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/pvpanic.h"
#include "vmm/base/bus.h"
#include "vmm/base/layout.h"

struct seen {
	unsigned panics, crash_loads;
};

static void on_panicked(void *opaque)
{
	((struct seen *)opaque)->panics++;
}

static void on_crash_loaded(void *opaque)
{
	((struct seen *)opaque)->crash_loads++;
}

struct fixture {
	struct seen s;
	struct pvpanic p;
	struct bus bus;
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));
	struct pvpanic_host h = {.panicked = on_panicked,
				 .crash_loaded = on_crash_loaded,
				 .opaque = &f->s};
	pvpanic_init(&f->p, &h);
	assert_int_equal(bus_init(&f->bus, "pio"), 0);
	assert_int_equal(bus_register(&f->bus, LAYOUT_PVPANIC_PORT,
				      PVPANIC_RANGE_LEN, &pvpanic_ops, &f->p,
				      "pvpanic"),
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

static void out8(struct fixture *f, uint8_t v)
{
	bus_write(&f->bus, LAYOUT_PVPANIC_PORT, 1, v);
}

/* The values are Linux's ABI (include/uapi/misc/pvpanic.h) and QEMU's
 * port; the capability read is what Linux keeps as its event mask. */
static void test_abi_and_capability(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(PVPANIC_PANICKED, 1);
	assert_int_equal(PVPANIC_CRASH_LOADED, 2);
	assert_int_equal(LAYOUT_PVPANIC_PORT, 0x505);
	assert_int_equal(bus_read(&f->bus, LAYOUT_PVPANIC_PORT, 1), 3);
	assert_int_equal(pvpanic_ops.read(&f->p, 0, 1), PVPANIC_EVENTS);
	assert_null(pvpanic_ops.reset);
	assert_int_equal(f->s.panics + f->s.crash_loads, 0);
}

static void test_panicked(void **state)
{
	struct fixture *f = *state;
	out8(f, PVPANIC_PANICKED);
	assert_int_equal(f->s.panics, 1);
	/* PANICKED wins over CRASH_LOADED; unknown bits do not matter. */
	out8(f, PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
	out8(f, 0xff);
	assert_int_equal(f->s.panics, 3);
	assert_int_equal(f->s.crash_loads, 0);
	/* Wider writes act on the low byte. */
	pvpanic_ops.write(&f->p, 0, 4, 0xffffff00u | PVPANIC_PANICKED);
	assert_int_equal(f->s.panics, 4);
	pvpanic_ops.write(&f->p, 0, 2, 0x0100);
	assert_int_equal(f->s.panics, 4);
}

/* CRASH_LOADED reaches the host once, however often the guest writes. */
static void test_crash_loaded_once(void **state)
{
	struct fixture *f = *state;
	for (unsigned i = 0; i < 1000; i++)
		out8(f, PVPANIC_CRASH_LOADED);
	out8(f, 0xfe); /* CRASH_LOADED and unknown bits */
	assert_int_equal(f->s.crash_loads, 1);
	assert_int_equal(f->s.panics, 0);
	/* A later panic is still reported. */
	out8(f, PVPANIC_PANICKED);
	assert_int_equal(f->s.panics, 1);
}

static void test_other_writes_ignored(void **state)
{
	struct fixture *f = *state;
	for (unsigned v = 0; v < 256; v++)
		if (!(v & PVPANIC_EVENTS))
			out8(f, (uint8_t)v);
	assert_int_equal(f->s.panics + f->s.crash_loads, 0);
	/* Nothing else on the bus next to it. */
	assert_int_equal(bus_read(&f->bus, LAYOUT_PVPANIC_PORT + 1, 1), 0xff);
	bus_write(&f->bus, LAYOUT_PVPANIC_PORT + 1, 1, PVPANIC_PANICKED);
	bus_write(&f->bus, LAYOUT_PVPANIC_PORT - 1, 1, PVPANIC_PANICKED);
	assert_int_equal(f->s.panics, 0);
}

static void test_null_callbacks(void **state)
{
	struct pvpanic p;
	(void)state;
	pvpanic_init(&p, &(struct pvpanic_host){0});
	pvpanic_ops.write(&p, 0, 1, PVPANIC_PANICKED);
	pvpanic_ops.write(&p, 0, 1, PVPANIC_CRASH_LOADED);
	assert_int_equal(pvpanic_ops.read(&p, 0, 1), PVPANIC_EVENTS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_abi_and_capability, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_panicked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_loaded_once, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_other_writes_ignored, setup,
					    teardown),
	    cmocka_unit_test(test_null_callbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
