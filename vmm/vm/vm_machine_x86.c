/* SPDX-License-Identifier: Apache-2.0 */
/* The x86 machine (vm_machine.h): RAM around the 32-bit MMIO
 * hole, the legacy platform devices on port I/O, virtio-mmio at
 * LAYOUT_VIRTIO_MMIO on ISA and IO-APIC lines. */
#include "vmm/vm/vm_machine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm/base/errmsg.h"
#include "vmm/base/log.h"
#include "vmm/vm/vm_int.h"

enum {
	DEV_SERIAL = 1u << 0,
	DEV_I8042 = 1u << 1,
	DEV_RTC = 1u << 2,
};

/* IRQs for virtio devices, in order: the free ISA lines, then the
 * IO-APIC's pins 16-23. 4 is COM1; 8 the RTC; 12 the i8042 aux port. */
static const uint8_t vdev_irqs[] = {5,	6,  7,	9,  10, 11, 13, 14, 15,
				    16, 17, 18, 19, 20, 21, 22, 23};

static int vm_x86_virtio_slot(unsigned slot, uint64_t *base, uint32_t *irq)
{
	if (slot >= sizeof(vdev_irqs))
		return -ENOSPC;
	*base = LAYOUT_VIRTIO_MMIO + (uint64_t)slot * VIRTIO_MMIO_RANGE_LEN;
	*irq = vdev_irqs[slot];
	return 0;
}

static int vm_x86_ctrl_alt_del(struct vm *vm)
{
	int r = i8042_send_ctrl_alt_del(&vm->i8042);
	if (!r)
		i8042_kick(&vm->i8042);
	return r;
}

static void vm_serial_irq(void *opaque, int level)
{
	vm_set_line(opaque, "serial", LAYOUT_COM1_IRQ, level);
}

/* The keyboard's line is edge-triggered: one pulse per byte. */
static void vm_i8042_irq(void *opaque)
{
	vm_set_line(opaque, "i8042", LAYOUT_I8042_KBD_IRQ, 1);
	vm_set_line(opaque, "i8042", LAYOUT_I8042_KBD_IRQ, 0);
}

static void vm_i8042_reset(void *opaque)
{
	vm_request_stop(opaque, VM_STOP_RESET, VM_STATUS_RESET);
}

static void vm_acpi_poweroff(void *opaque)
{
	vm_request_stop(opaque, VM_STOP_POWEROFF, VM_STATUS_OK);
}

static void vm_acpi_reset(void *opaque)
{
	vm_request_stop(opaque, VM_STOP_RESET, VM_STATUS_RESET);
}

static void vm_pvpanic_panicked(void *opaque)
{
	log_info("the guest reported a kernel panic (pvpanic); stopping the "
		 "VM");
	vm_request_stop(opaque, VM_STOP_PANIC, VM_STATUS_PANIC);
}

static void vm_pvpanic_crash_loaded(void *opaque)
{
	(void)opaque;
	log_info("the guest panicked with a crash kernel loaded (pvpanic "
		 "CRASH_LOADED); it reboots on its own");
}

/* ---- construction ---- */

static int vm_x86_ram(const struct vm_config *cfg, struct vm_ram_range *ram,
		      unsigned *n, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	uint64_t bytes = cfg->mem_mib << 20;
	uint64_t low = bytes < LAYOUT_MMIO_HOLE ? bytes : LAYOUT_MMIO_HOLE;
	ram[0] = (struct vm_ram_range){.gpa = 0, .size = low};
	*n = 1;
	if (bytes > low)
		ram[(*n)++] = (struct vm_ram_range){.gpa = LAYOUT_4G,
						    .size = bytes - low};
	return 0;
}

static int vm_x86_devices(struct vm *vm, char *err, size_t errlen)
{
	struct serial_host sh = {.tx = vm_cb_serial_tx,
				 .set_irq = vm_serial_irq,
				 .rx_space = vm_cb_serial_rx_space,
				 .opaque = vm};
	struct i8042_host kh = {
	    .reset = vm_i8042_reset, .irq = vm_i8042_irq, .opaque = vm};
	struct rtc_host rh = {.now = vm_cb_now, .opaque = vm};
	struct pvpanic_host ph = {.panicked = vm_pvpanic_panicked,
				  .crash_loaded = vm_pvpanic_crash_loaded,
				  .opaque = vm};
	int r;

	if ((r = serial_init(&vm->serial, &sh)))
		return errmsg(err, errlen, r, "serial: %s", strerror(-r));
	vm->devices_ready |= DEV_SERIAL;
	if ((r = i8042_init(&vm->i8042, &kh)))
		return errmsg(err, errlen, r, "i8042: %s", strerror(-r));
	vm->devices_ready |= DEV_I8042;
	if ((r = rtc_init(&vm->rtc, &rh)))
		return errmsg(err, errlen, r, "rtc: %s", strerror(-r));
	vm->devices_ready |= DEV_RTC;
	vm->debug_exit =
	    (struct debug_exit){.exit = vm_cb_debug_exit, .opaque = vm};
	vm->acpi_pm = (struct acpi_pm){
	    .poweroff = vm_acpi_poweroff, .reset = vm_acpi_reset, .opaque = vm};
	pvpanic_init(&vm->pvpanic, &ph);

	const struct vm_dev_range pio[] = {
	    {LAYOUT_COM1_PORT, SERIAL_NREGS, &serial_ops, &vm->serial,
	     "serial"},
	    {LAYOUT_I8042_DATA, I8042_RANGE_LEN, &i8042_ops, &vm->i8042,
	     "i8042"},
	    {LAYOUT_RTC_PORT, RTC_RANGE_LEN, &rtc_ops, &vm->rtc, "rtc"},
	    {LAYOUT_DEBUG_EXIT_PORT, DEBUG_EXIT_RANGE_LEN, &debug_exit_ops,
	     &vm->debug_exit, "debug-exit"},
	    /* Only the FADT points at it: absent (len 0) with --acpi off. */
	    {LAYOUT_ACPI_PM_PORT, vm->cfg->acpi ? ACPI_PM_RANGE_LEN : 0,
	     &acpi_pm_ops, &vm->acpi_pm, "acpi-pm"},
	    /* Linux finds it only through the DSDT's QEMU0001 device. */
	    {LAYOUT_PVPANIC_PORT, vm->cfg->acpi ? PVPANIC_RANGE_LEN : 0,
	     &pvpanic_ops, &vm->pvpanic, "pvpanic"},
	};
	return vm_bus_add(vm, &vm->pio, pio, ARRAY_SIZE(pio), err, errlen);
}

static void vm_x86_destroy(struct vm *vm)
{
	if (vm->devices_ready & DEV_SERIAL)
		serial_destroy(&vm->serial);
	if (vm->devices_ready & DEV_I8042)
		i8042_destroy(&vm->i8042);
	if (vm->devices_ready & DEV_RTC)
		rtc_destroy(&vm->rtc);
}

const struct vm_machine vm_machine_x86 = {
    .name = "x86_64",
    .ram = vm_x86_ram,
    .devices = vm_x86_devices,
    .destroy = vm_x86_destroy,
    .virtio_slot = vm_x86_virtio_slot,
    .ctrl_alt_del = vm_x86_ctrl_alt_del,
};
