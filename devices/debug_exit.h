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

#include "vmm/bus.h"

#define DEBUG_EXIT_RANGE_LEN 1

struct debug_exit {
	/* Called on the writing vCPU's thread; NULL ignores writes. */
	void (*exit)(void *opaque, uint8_t value);
	void *opaque;
};

extern const struct bus_dev_ops debug_exit_ops;

#endif
