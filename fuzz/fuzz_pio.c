/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the port I/O bus (vmm/base/bus.c) with the platform devices as vm.c
 * registers them: UART at 0x3f8, i8042 at 0x60, CMOS RTC at 0x70 (time
 * from the input, any int64, so the calendar code sees extreme dates),
 * debug-exit at 0xf4, the ACPI PM registers at 0x600 and pvpanic at 0x505.
 * Accesses go through bus_read_bytes / bus_write_bytes, as the vCPU loop does,
 * with any size and any port, including ones that straddle a device's end.
 *
 * Input: i64 now (RTC seconds since the epoch), then ops until the end,
 * one byte each (% 3) with operands:
 *   0/1 u8 dev, u8 off, u8 size, u64 val: an access (op 0 writes) at
 *       device dev % 7 (6: any port, u16 off then) + off % (len + 2),
 *       size % 9 bytes
 *   2   bus_reset_all
 *
 * Checks: a miss reads all-ones; a hit reads zero-extended bytes (no
 * device gives more than one byte per register); debug-exit reports the
 * low byte written; the ACPI PM registers power off exactly on SLP_EN with
 * SLP_TYP S5 and reset exactly on RESET_VALUE; pvpanic reads its events
 * and reports a panic on every PANICKED write, a crash kernel at most
 * once.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/debug_exit.h"
#include "devices/i8042.h"
#include "devices/pvpanic.h"
#include "devices/rtc.h"
#include "devices/serial.h"
#include "fuzz/fuzz.h"
#include "vmm/base/bus.h"
#include "vmm/base/layout.h"

#define PIO_MAX_OPS 4096

struct pio_fx {
	struct bus bus;
	struct serial serial;
	struct i8042 kbd;
	struct rtc rtc;
	struct debug_exit dbg;
	struct acpi_pm pm;
	struct pvpanic panic;
	int64_t now;
	int exit_value; /* last debug-exit value, -1 for none */
	unsigned poweroffs, resets, panics, crash_loaded;
};

static void ser_tx(void *opaque, uint8_t byte)
{
	(void)opaque;
	(void)byte;
}

static void ser_irq(void *opaque, int level)
{
	(void)opaque;
	FUZZ_CHECK(level == 0 || level == 1);
}

static void kbd_reset(void *opaque)
{
	(void)opaque;
}

static int64_t rtc_now(void *opaque)
{
	return ((struct pio_fx *)opaque)->now;
}

static void dbg_exit(void *opaque, uint8_t value)
{
	((struct pio_fx *)opaque)->exit_value = value;
}

static void pm_poweroff(void *opaque)
{
	((struct pio_fx *)opaque)->poweroffs++;
}

static void pm_reset(void *opaque)
{
	((struct pio_fx *)opaque)->resets++;
}

static void panicked(void *opaque)
{
	((struct pio_fx *)opaque)->panics++;
}

static void crash_loaded(void *opaque)
{
	((struct pio_fx *)opaque)->crash_loaded++;
}

static const struct {
	uint64_t base, len;
} devs[] = {
    {LAYOUT_COM1_PORT, SERIAL_NREGS},
    {LAYOUT_I8042_DATA, I8042_RANGE_LEN},
    {LAYOUT_RTC_PORT, RTC_RANGE_LEN},
    {LAYOUT_DEBUG_EXIT_PORT, DEBUG_EXIT_RANGE_LEN},
    {LAYOUT_ACPI_PM_PORT, ACPI_PM_RANGE_LEN},
    {LAYOUT_PVPANIC_PORT, PVPANIC_RANGE_LEN},
};
#define NDEVS (sizeof(devs) / sizeof(devs[0]))

static void pio_access(struct pio_fx *f, struct fz *in, bool write)
{
	unsigned dev = fz_u8(in) % (NDEVS + 1);
	uint64_t port;
	unsigned size;
	uint8_t buf[8];
	uint64_t v;

	if (dev < NDEVS)
		port = devs[dev].base + fz_u8(in) % (devs[dev].len + 2);
	else
		port = fz_u16(in);
	size = fz_u8(in) % 9;
	v = fz_u64(in);
	memcpy(buf, &v, sizeof(buf));
	const struct bus_range *r = bus_find(&f->bus, port);
	bool hit = r && (size == 1 || size == 2 || size == 4 || size == 8) &&
		   port - r->base + size <= r->len;

	if (write) {
		unsigned off = hit ? (unsigned)(port - r->base) : 0;
		bool pm = hit && r->dev == &f->pm;
		bool s5 = (buf[0] & (ACPI_PM_SLP_EN | ACPI_PM_SLP_TYP_MASK)) ==
			  (ACPI_PM_SLP_EN |
			   ACPI_PM_SLP_TYP_S5 << ACPI_PM_SLP_TYP_SHIFT);
		unsigned offs = f->poweroffs, resets = f->resets;
		unsigned panics = f->panics;
		bool pv = hit && r->dev == &f->panic;

		f->exit_value = -1;
		bus_write_bytes(&f->bus, port, buf, size);
		if (hit && r->dev == &f->dbg)
			FUZZ_CHECK(f->exit_value == buf[0]);
		else
			FUZZ_CHECK(f->exit_value == -1);
		FUZZ_CHECK(f->poweroffs - offs ==
			   (pm && off == ACPI_PM_SLEEP_CONTROL && s5));
		FUZZ_CHECK(f->resets - resets ==
			   (pm && off == ACPI_PM_RESET &&
			    buf[0] == ACPI_PM_RESET_VALUE));
		FUZZ_CHECK(f->panics - panics ==
			   (pv && (buf[0] & PVPANIC_PANICKED)));
		FUZZ_CHECK(f->crash_loaded <= 1);
		return;
	}
	memset(buf, 0x5a, sizeof(buf));
	bus_read_bytes(&f->bus, port, buf, size);
	for (unsigned i = 0; i < size; i++)
		FUZZ_CHECK(hit ? (i == 0 || buf[i] == 0) : buf[i] == 0xff);
	if (hit && r->dev == &f->panic)
		FUZZ_CHECK(buf[0] == PVPANIC_EVENTS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	struct pio_fx *f = calloc(1, sizeof(*f));
	struct serial_host sh = {.tx = ser_tx, .set_irq = ser_irq};
	struct i8042_host kh = {.reset = kbd_reset};
	struct rtc_host rh = {.now = rtc_now};

	if (!f)
		abort();
	f->now = (int64_t)fz_u64(&in);
	rh.opaque = f;
	f->dbg = (struct debug_exit){.exit = dbg_exit, .opaque = f};
	f->pm = (struct acpi_pm){
	    .poweroff = pm_poweroff, .reset = pm_reset, .opaque = f};
	pvpanic_init(&f->panic,
		     &(struct pvpanic_host){.panicked = panicked,
					    .crash_loaded = crash_loaded,
					    .opaque = f});
	FUZZ_CHECK(bus_init(&f->bus, "pio") == 0);
	FUZZ_CHECK(serial_init(&f->serial, &sh) == 0);
	FUZZ_CHECK(i8042_init(&f->kbd, &kh) == 0);
	FUZZ_CHECK(rtc_init(&f->rtc, &rh) == 0);
	void *impl[NDEVS] = {&f->serial, &f->kbd, &f->rtc,
			     &f->dbg,    &f->pm,  &f->panic};
	const struct bus_dev_ops *ops[NDEVS] = {
	    &serial_ops,     &i8042_ops,   &rtc_ops,
	    &debug_exit_ops, &acpi_pm_ops, &pvpanic_ops};

	for (unsigned i = 0; i < NDEVS; i++)
		FUZZ_CHECK(bus_register(&f->bus, devs[i].base, devs[i].len,
					ops[i], impl[i], "dev") == 0);
	for (unsigned ops_run = 0; ops_run < PIO_MAX_OPS && !fz_empty(&in);
	     ops_run++) {
		uint8_t op = fz_u8(&in) % 3;

		if (op < 2)
			pio_access(f, &in, op == 0);
		else
			bus_reset_all(&f->bus);
	}
	rtc_destroy(&f->rtc);
	i8042_destroy(&f->kbd);
	serial_destroy(&f->serial);
	bus_destroy(&f->bus);
	free(f);
	return 0;
}
