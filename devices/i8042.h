/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal i8042 keyboard controller: ports 0x60 (data) and 0x64
 * (status/command). No keyboard or mouse is attached. It answers the
 * controller commands Linux sends at probe (read/write CTR, self-test,
 * interface tests, enable/disable ports) and turns a reset request (command
 * 0xfe, or 0xd1 with bit 0 of the output port clear) into host->reset.
 * Registered as one range of 5 bytes at 0x60: offset 0 data, 4 command.
 */
#ifndef VMM_DEVICES_I8042_H
#define VMM_DEVICES_I8042_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/bus.h"
#include "vmm/base/compiler.h"
#include "vmm/base/state.h"

#define I8042_RANGE_LEN 5

struct i8042_host {
	void (*reset)(void *opaque); /* the guest asked for a system reset */
	void *opaque;
};

struct i8042 {
	pthread_mutex_t lock;
	struct i8042_host host;
	uint8_t ctr;        /* controller configuration byte */
	uint8_t status;
	uint8_t out;        /* output buffer, valid when status & OBF */
	uint8_t pending_cmd; /* command waiting for its data byte, or 0 */
	uint8_t outport;
	uint64_t resets;    /* reset requests seen */
};

extern const struct bus_dev_ops i8042_ops;

/* Power-on state (CTR 0x05, output port 0x03, output buffer empty) with
 * `host` copied. 0, -EINVAL (host->reset NULL) or -errno. host->reset is
 * called without the device lock held. The reset op restores power-on
 * state and keeps `resets`. Offsets 1-3 read 0 and ignore writes; wider
 * accesses act on the byte at `off` (low byte written, read zero-extended). */
int i8042_init(struct i8042 *k, const struct i8042_host *host) VMM_WUR;
void i8042_destroy(struct i8042 *k);

/* Saved state (docs/devices.md "Device state"): a "KBC0" section,
 * version 1: u8 ctr, status, out, pending_cmd, outport. */
#define I8042_STATE_TAG	    "KBC0"
#define I8042_STATE_VERSION 1

/* Append the controller's state to w (takes the lock; errors stay in
 * w). */
void i8042_save(struct i8042 *k, struct st_writer *w);

/* Restore one KBC0 section into k (initialised) under the lock. The blob
 * is hostile: status only OBF, SYS (equal to the CTR's SYS bit) and CMD;
 * a pending command that takes a data byte (0x60, 0xd1) or none. 0, or
 * -EINVAL with r bad and k unchanged. */
int i8042_restore(struct i8042 *k, struct st_reader *r) VMM_WUR;

#endif
