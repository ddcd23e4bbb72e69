/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pvpanic: QEMU's ISA panic-event device (QEMU docs/specs/pvpanic.rst,
 * hw/misc/pvpanic-isa.c), one I/O port at LAYOUT_PVPANIC_PORT (0x505).
 * Linux's pvpanic-mmio driver binds it through the DSDT's QEMU0001 device
 * (vmm/platform/acpi/dsdt.c), so vmm registers it with --acpi on only.
 *
 *   read   the events the device supports, PVPANIC_EVENTS. Linux reads
 *          it at probe and only ever writes events found in it.
 *   write  a bitmap of events (the low byte of any access size):
 *          - PVPANIC_PANICKED set: the guest kernel panicked; calls
 *            host->panicked (vmm stops the VM: VM_STOP_PANIC);
 *          - else PVPANIC_CRASH_LOADED set: the kernel panicked with a
 *            kdump kernel loaded, which takes over and reboots the guest
 *            itself; calls host->crash_loaded for the first such write
 *            only (vmm logs it), so a guest cannot flood the log;
 *          - other bits, and 0, are ignored.
 *
 * The callbacks run on the writing vCPU's thread; a NULL one ignores the
 * event. Apart from the once-flag (atomic) the struct is immutable once
 * registered, so there is no lock.
 */
#ifndef VMM_DEVICES_PVPANIC_H
#define VMM_DEVICES_PVPANIC_H

#include <stdatomic.h>
#include <stdint.h>

#include <misc/pvpanic.h> /* Linux uapi: PVPANIC_PANICKED, _CRASH_LOADED */

#include "vmm/base/bus.h"
#include "vmm/base/compiler.h"
#include "vmm/base/state.h"

#define PVPANIC_RANGE_LEN 1
#define PVPANIC_EVENTS	  (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

struct pvpanic_host {
	void (*panicked)(void *opaque);
	void (*crash_loaded)(void *opaque);
	void *opaque;
};

struct pvpanic {
	struct pvpanic_host host;
	atomic_bool crash_loaded_seen;
};

/* Set up p (any previous content is ignored) to call `host`'s callbacks
 * (copied). Cannot fail. */
void pvpanic_init(struct pvpanic *p, const struct pvpanic_host *host);

extern const struct bus_dev_ops pvpanic_ops;

/* Saved state (docs/devices.md "Device state"): an empty "PVPN"
 * section, version 1. The device has no state a guest can see: the port reads
 * the constant PVPANIC_EVENTS; the once-flag only limits host logging and stays
 * as it is. */
#define PVPANIC_STATE_TAG     "PVPN"
#define PVPANIC_STATE_VERSION 1

/* Append the (empty) state section to w (errors stay in w). */
void pvpanic_save(const struct pvpanic *d, struct st_writer *w);

/* Take one empty PVPN section from r; d is not changed. 0, or -EINVAL
 * with r bad (another tag or version, a payload). */
int pvpanic_restore(struct pvpanic *d, struct st_reader *r) VMM_WUR;

#endif
