/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal i8042 keyboard controller: ports 0x60 (data) and 0x64
 * (status/command). It answers the controller commands Linux sends at
 * probe (read/write CTR, self-test, interface tests, enable/disable ports)
 * and turns a reset request (command 0xfe, or 0xd1 with bit 0 of the
 * output port clear) into host->reset.
 *
 * A keyboard with no keys but Ctrl-Alt-Del is attached: the host presses
 * and releases that chord (i8042_send_ctrl_alt_del, the API's
 * SendCtrlAltDel), and the keyboard ACKs (0xfa) the commands a driver
 * sends it (0xff reset: 0xfa 0xaa; 0xf2 identify: 0xfa 0xab 0x83; 0xee
 * echo: 0xee). Its bytes wait in a queue of I8042_KBD_QUEUE and reach the
 * output buffer one at a time, when it is empty and the keyboard is not
 * disabled (CTR bit 4); each one pulses IRQ 1 (host->irq) when the CTR
 * enables the keyboard interrupt (bit 0). Scancodes are set 2, translated
 * to set 1 while the CTR's translation bit (6) is set, as it is at power
 * on (the state a PC BIOS hands over, which Linux's atkbd expects).
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
#define I8042_KBD_QUEUE 16 /* keyboard bytes waiting for the guest */

struct i8042_host {
	void (*reset)(void *opaque); /* the guest asked for a system reset */
	/* Pulse IRQ 1 (a keyboard byte is in the output buffer). NULL: no
	 * interrupt line. */
	void (*irq)(void *opaque);
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
	uint8_t kbd[I8042_KBD_QUEUE]; /* keyboard bytes, oldest first */
	uint8_t kbd_len;
	uint64_t resets;    /* reset requests seen */
};

extern const struct bus_dev_ops i8042_ops;

/* Power-on state (CTR 0x45, output port 0x03, output buffer and keyboard
 * queue empty) with `host` copied. 0, -EINVAL (host->reset NULL) or
 * -errno. host->reset and host->irq are called without the device lock
 * held. The reset op restores power-on state and keeps `resets`. Offsets
 * 1-3 read 0 and ignore writes; wider accesses act on the byte at `off`
 * (low byte written, read zero-extended). */
int i8042_init(struct i8042 *k, const struct i8042_host *host) VMM_WUR;
void i8042_destroy(struct i8042 *k);

/* Press Ctrl, Alt and Delete and release them (in the scancode set the
 * CTR selects): their bytes join the keyboard queue. 0, or -ENOSPC with
 * nothing queued when the queue lacks room (a guest that does not read
 * its keyboard). Nothing reaches the output buffer and host->irq is not
 * called: the first byte moves on the next i8042_kick or guest access, so
 * a thread that may not raise interrupts can call this. Takes the lock. */
int i8042_send_ctrl_alt_del(struct i8042 *k) VMM_WUR;

/* Move the next keyboard byte to a free output buffer (pulsing
 * host->irq as for any keyboard byte). Takes the lock. */
void i8042_kick(struct i8042 *k);

/* Saved state (docs/devices.md "Device state"): a "KBC0" section,
 * version 2: u8 ctr, status, out, pending_cmd, outport, then u8 n and the
 * n keyboard bytes waiting (n <= I8042_KBD_QUEUE). Version 1 (no queue)
 * restores with an empty queue. */
#define I8042_STATE_TAG	    "KBC0"
#define I8042_STATE_VERSION 2

/* Append the controller's state to w (takes the lock; errors stay in
 * w). */
void i8042_save(struct i8042 *k, struct st_writer *w);

/* Restore one KBC0 section into k (initialised) under the lock. The blob
 * is hostile: status only OBF, SYS (equal to the CTR's SYS bit) and CMD;
 * a pending command that takes a data byte (0x60, 0xd1) or none; at most
 * I8042_KBD_QUEUE keyboard bytes. 0, or -EINVAL with r bad and k
 * unchanged. */
int i8042_restore(struct i8042 *k, struct st_reader *r) VMM_WUR;

#endif
