/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 8250/16550A UART (COM1 at 0x3f8, IRQ 4): 8 byte-wide registers.
 *
 * Transmit is immediate: each byte written to THR goes to host->tx at once,
 * so THR is always empty afterwards (THRE/TEMT set) and a THRE interrupt
 * follows when enabled. Receive has a 16-byte FIFO that the host fills with
 * serial_rx_push; when it is full, the host keeps its bytes (nothing is
 * dropped) and host->rx_space tells it when the guest has made room.
 * In loopback (MCR bit 4) THR bytes go to the RX FIFO instead of host->tx;
 * one that finds the FIFO full is lost and sets LSR.OE (line status).
 * The interrupt line is level: host->set_irq(1) while IIR reports a
 * pending interrupt, set_irq(0) when none, called only on changes.
 * All entry points are thread safe.
 */
#ifndef VMM_DEVICES_SERIAL_H
#define VMM_DEVICES_SERIAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/bus.h"
#include "vmm/base/compiler.h"
#include "vmm/base/state.h"

#define SERIAL_NREGS 8
#define SERIAL_FIFO_SIZE 16

/* tx and rx_space are called without the device lock held and may call
 * back into the device (e.g. serial_rx_push from rx_space). set_irq is
 * called with the lock held, so levels arrive in order: it must not call
 * into this device. tx and set_irq are required. */
struct serial_host {
	void (*tx)(void *opaque, uint8_t byte);
	void (*set_irq)(void *opaque, int level);
	void (*rx_space)(void *opaque); /* may be NULL */
	void *opaque;
};

struct serial {
	pthread_mutex_t lock;
	struct serial_host host;
	uint8_t ier, iir_thri_pending, lcr, mcr, scr;
	uint8_t lsr;     /* sticky error bits only (OE); DR/THRE/TEMT computed */
	uint8_t msr;     /* delta bits only; status bits computed from MCR */
	uint8_t fcr;     /* last FIFO control written (enable bit) */
	uint16_t divisor;
	uint8_t rx[SERIAL_FIFO_SIZE];
	unsigned rx_head, rx_count;
	int irq_level;
	uint64_t tx_bytes; /* bytes given to host->tx (not loopback) */
	uint64_t rx_bytes; /* bytes taken by serial_rx_push */
};

extern const struct bus_dev_ops serial_ops;

/* Power-on state with `host` callbacks (copied). 0, -EINVAL (tx or
 * set_irq NULL) or -errno. The reset op restores power-on registers and
 * empties the RX FIFO; counters are kept. Accesses of size 2, 4 or 8 act
 * on the one register at `off`: writes use the low byte, reads return the
 * byte zero-extended. */
int serial_init(struct serial *s, const struct serial_host *host) VMM_WUR;
void serial_destroy(struct serial *s);

/* Offer up to len received bytes; returns how many the FIFO took. */
unsigned serial_rx_push(struct serial *s, const uint8_t *buf, unsigned len);
/* Free bytes in the receive FIFO now. */
unsigned serial_rx_free(struct serial *s);

/* For serial_state.c: drive the line to the level the registers give,
 * calling host->set_irq only on a change. Lock held. */
void serial_update_irq(struct serial *s);

/*
 * Saved state (serial_state.c, docs/devices.md "Device state"): a "UART"
 * section, version 1: IER, the THR-empty latch, LCR, MCR, SCR, the sticky
 * LSR bits (OE), the MSR delta bits, FCR, the divisor and the receive
 * FIFO's bytes, oldest first. The line level is not saved: it follows
 * from the registers. Host callbacks, the lock and counters are not saved.
 */
#define SERIAL_STATE_TAG     "UART"
#define SERIAL_STATE_VERSION 1

/* Append the UART's state to w (takes the lock; errors stay in w). */
void serial_save(struct serial *s, struct st_writer *w);

/* Restore one UART section into s (initialised) under the lock. The blob
 * is hostile: only bits the registers can hold (IER 0-3, MCR 0-4, LSR OE,
 * MSR deltas, FCR 0 or enable with its kept bits), latch 0 or 1, at most
 * SERIAL_FIFO_SIZE bytes. Then the line is driven to the restored level
 * (host->set_irq if it changes). 0, or -EINVAL with r bad and s
 * unchanged. */
int serial_restore(struct serial *s, struct st_reader *r) VMM_WUR;

#endif
