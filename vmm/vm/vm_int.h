/* SPDX-License-Identifier: Apache-2.0 */
/*
 * struct vm itself: the VM layer's own (the files in vmm/vm/) and its
 * tests'. The layers above use vm.h's functions instead
 * (tests/lint/layers.py keeps it so).
 */
#ifndef VMM_VM_INT_H
#define VMM_VM_INT_H

#include <stdatomic.h>

#include "devices/acpi_pm.h"
#include "devices/debug_exit.h"
#include "devices/i8042.h"
#include "devices/pl031.h"
#include "devices/pvpanic.h"
#include "devices/rtc.h"
#include "devices/serial.h"
#include "vmm/base/layout.h"
#include "vmm/platform/loader/loader.h"
#include "vmm/vm/conout.h"
#include "vmm/vm/vm.h"
#include "vmm/vm/vm_ctl.h"
#include "vmm/vm/vm_pause.h"

struct vm {
	const struct vm_config *cfg;
	const struct accel_ops *accel;
	const struct vm_machine *machine; /* cfg->machine's (vm_machine.h) */
	struct accel_vm *avm;
	struct vm_host host;
	struct guest_mem mem;
	struct bus mmio, pio;
	bool buses_ready;
	unsigned ncpus;

	struct serial serial;
	struct i8042 i8042;
	struct rtc rtc;
	struct debug_exit debug_exit;
	struct acpi_pm acpi_pm;	   /* registered with --acpi on */
	struct pvpanic pvpanic;	   /* registered with --acpi on */
	struct pl031 pl031;	   /* the arm64 machine's RTC */
	unsigned devices_ready;	   /* bitmask of initialised devices */
	struct conout serial_out;  /* COM1 to host.serial_out_fd */
	struct conout console_out; /* virtio console to host.console_out_fd */

	struct iothread io;
	bool io_ready;
	struct vm_vdev *vdevs[VM_MAX_VDEVS];
	unsigned nvdevs;
	struct vm_vdev *console_vdev; /* the virtio console, if any */

	struct boot_plan plan;

	struct vm_pause pause; /* vm_pause.h */
	struct vm_ctl ctl;     /* vm_ctl.h: work for the control thread */
	int wake_fd;	  /* eventfd: wakes the control loop (stop, RX space) */
	_Atomic int stop; /* reason << 8 | status; 0 while running */
	_Atomic int signal_seen; /* a SIGINT/SIGTERM/SIGHUP vm_run read, even
				  * one that lost the race to another stop */
	_Atomic uint64_t metrics_lost; /* lines the metrics file refused */
	/* vm_state_kick_queues_later: notify every queue once the VM runs
	 * (not paused), on the control thread (vm_run's loop). */
	_Atomic bool kick_pending;

	/* Large and mostly unused, so last: vm_create clears the struct up
	 * to here, vcpus[0..ncpus) and cmdline's first byte, not the rest
	 * (134 KiB a VM; the replay fuzz harnesses build one per input).
	 * Nothing reads vcpus[ncpus..] or cmdline past its terminator. */
	struct vcpu vcpus[CONFIG_MAX_CPUS];
	char cmdline[LAYOUT_CMDLINE_MAX];
};

/* vm.c: device host callbacks every machine uses (opaque is the vm). */
void vm_cb_serial_tx(void *opaque, uint8_t byte);   /* to serial_out */
void vm_cb_serial_rx_space(void *opaque);	    /* wakes the loop */
int64_t vm_cb_now(void *opaque);		    /* RTC time, traced */
void vm_cb_debug_exit(void *opaque, uint8_t value); /* stops the VM */
/* One platform device's range on a bus (a machine's table of them). */
struct vm_dev_range {
	uint64_t base, len; /* len 0: the device is absent */
	const struct bus_dev_ops *ops;
	void *dev;
	const char *name;
};

/* Register d[0..n) on bus (vm->pio or vm->mmio), skipping the absent
 * ones. 0 or -errno with one line in err naming the device and where. */
int vm_bus_add(struct vm *vm, struct bus *bus, const struct vm_dev_range *d,
	       size_t n, char *err, size_t errlen);

/* Drive interrupt line `irq` to `level` for device `who`: traced first,
 * a failure logged (rate-limited). */
void vm_set_line(struct vm *vm, const char *who, uint32_t irq, int level);

#endif
