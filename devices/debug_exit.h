/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debug-exit port (0xf4, 1 byte, for test guests): a write of value V ends
 * the VM and vmm exits with status V (the low byte of whatever was written,
 * for any access size). Reads return 0. Not for production guests; see
 * docs/architecture.md. QEMU's isa-debug-exit at the same port exits with
 * (V << 1) | 1 instead.
 */
#ifndef VMM_DEVICES_DEBUG_EXIT_H
#define VMM_DEVICES_DEBUG_EXIT_H

#include <stdint.h>

#include "vmm/base/bus.h"
#include "vmm/base/compiler.h"
#include "vmm/base/state.h"

#define DEBUG_EXIT_RANGE_LEN 1

struct debug_exit {
	/* Called on the writing vCPU's thread; NULL ignores writes. */
	void (*exit)(void *opaque, uint8_t value);
	void *opaque;
};

extern const struct bus_dev_ops debug_exit_ops;

/* Saved state (docs/devices.md "Device state"): an empty "DBGX"
 * section, version 1. The device has no state a guest can see: the port reads 0
 * and a write only calls the host. */
#define DEBUG_EXIT_STATE_TAG	 "DBGX"
#define DEBUG_EXIT_STATE_VERSION 1

/* Append the (empty) state section to w (errors stay in w). */
void debug_exit_save(const struct debug_exit *d, struct st_writer *w);

/* Take one empty DBGX section from r; d is not changed. 0, or -EINVAL
 * with r bad (another tag or version, a payload). */
int debug_exit_restore(struct debug_exit *d, struct st_reader *r) VMM_WUR;

#endif
