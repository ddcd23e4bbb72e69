/* SPDX-License-Identifier: Apache-2.0 */
/* The arm64 machine (vm_machine.h) on the memory map of
 * vmm/platform/arm64/memmap.h: one RAM region from ARM64_RAM_BASE, a
 * 16550 UART, a PL031 RTC and the test guests' debug-exit register on
 * the MMIO bus, virtio-mmio devices on their own SPIs. The GIC, the
 * timer and PSCI are the accelerator's (KVM's in-kernel vGIC). */
#include "vmm/vm/vm_machine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vmm/base/errmsg.h"
#include "vmm/platform/arm64/memmap.h"
#include "vmm/vm/vm_int.h"

_Static_assert(ARM64_VIRTIO_STRIDE >= VIRTIO_MMIO_RANGE_LEN,
	       "a virtio slot must hold the transport's window");
_Static_assert(ARM64_VIRTIO_BASE +
			   (uint64_t)VM_MAX_VDEVS * ARM64_VIRTIO_STRIDE <=
		       ARM64_MMIO_END &&
		   ARM64_VIRTIO_SPI + VM_MAX_VDEVS <= ARM64_SPI_COUNT,
	       "every virtio device must fit the map and the SPIs");

enum {
	DEV_SERIAL = 1u << 0,
	DEV_PL031 = 1u << 1,
};

static int vm_arm64_virtio_slot(unsigned slot, uint64_t *base, uint32_t *irq)
{
	if (slot >= VM_MAX_VDEVS)
		return -ENOSPC;
	*base = ARM64_VIRTIO_BASE + (uint64_t)slot * ARM64_VIRTIO_STRIDE;
	*irq = ARM64_VIRTIO_SPI + slot;
	return 0;
}

static int vm_arm64_ctrl_alt_del(struct vm *vm)
{
	(void)vm;
	return -ENOTSUP; /* no keyboard: a guest powers off through PSCI */
}

static void vm_arm64_serial_irq(void *opaque, int level)
{
	vm_set_line(opaque, "serial", ARM64_UART_SPI, level);
}

static int vm_arm64_ram(const struct vm_config *cfg, struct vm_ram_range *ram,
			unsigned *n, char *err, size_t errlen)
{
	uint64_t bytes = cfg->mem_mib << 20;
	/* The boot protocol wants the DTB 2 MiB aligned at RAM's top. */
	if (bytes % (2u << 20))
		return errmsg(err, errlen, -EINVAL,
			      "--mem %" PRIu64 " MiB: the arm64 machine's RAM "
			      "is a multiple of 2 MiB",
			      cfg->mem_mib);
	if (bytes == 0 || bytes > ARM64_RAM_MAX)
		return errmsg(err, errlen, -EINVAL,
			      "--mem %" PRIu64 " MiB: the arm64 machine has "
			      "1 MiB to %llu GiB of RAM",
			      cfg->mem_mib, ARM64_RAM_MAX >> 30);
	ram[0] = (struct vm_ram_range){.gpa = ARM64_RAM_BASE, .size = bytes};
	*n = 1;
	return 0;
}

static int vm_arm64_devices(struct vm *vm, char *err, size_t errlen)
{
	struct serial_host sh = {.tx = vm_cb_serial_tx,
				 .set_irq = vm_arm64_serial_irq,
				 .rx_space = vm_cb_serial_rx_space,
				 .opaque = vm};
	struct pl031_host rh = {.now = vm_cb_now, .opaque = vm};
	int r;

	if ((r = serial_init(&vm->serial, &sh)))
		return errmsg(err, errlen, r, "serial: %s", strerror(-r));
	vm->devices_ready |= DEV_SERIAL;
	if ((r = pl031_init(&vm->pl031, &rh)))
		return errmsg(err, errlen, r, "pl031: %s", strerror(-r));
	vm->devices_ready |= DEV_PL031;
	vm->debug_exit =
	    (struct debug_exit){.exit = vm_cb_debug_exit, .opaque = vm};

	const struct vm_dev_range mmio[] = {
	    {ARM64_UART_BASE, SERIAL_NREGS, &serial_ops, &vm->serial, "serial"},
	    {ARM64_RTC_BASE, PL031_RANGE_LEN, &pl031_ops, &vm->pl031, "pl031"},
	    {ARM64_DEBUG_EXIT_BASE, DEBUG_EXIT_RANGE_LEN, &debug_exit_ops,
	     &vm->debug_exit, "debug-exit"},
	};
	return vm_bus_add(vm, &vm->mmio, mmio, ARRAY_SIZE(mmio), err, errlen);
}

static void vm_arm64_destroy(struct vm *vm)
{
	if (vm->devices_ready & DEV_SERIAL)
		serial_destroy(&vm->serial);
	if (vm->devices_ready & DEV_PL031)
		pl031_destroy(&vm->pl031);
}

const struct vm_machine vm_machine_arm64 = {
    .name = "aarch64",
    .ram = vm_arm64_ram,
    .devices = vm_arm64_devices,
    .destroy = vm_arm64_destroy,
    .virtio_slot = vm_arm64_virtio_slot,
    .ctrl_alt_del = vm_arm64_ctrl_alt_del,
};
