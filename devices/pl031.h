/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ARM PrimeCell PL031 real-time clock (the arm64 machine's RTC, at
 * ARM64_RTC_BASE; Linux's rtc-pl031 driver): a 32-bit seconds counter
 * read from host->now (so replay can supply virtual time) plus the
 * offset the guest loaded, the match, load, control and interrupt
 * registers, and the PrimeCell ID registers the AMBA bus probes.
 *
 * Registers (32-bit, at 4-byte aligned offsets): DR 0x000 (RO, the
 * time), MR 0x004, LR 0x008 (a write sets the time; reads give the last
 * value loaded), CR 0x00c (reads 1: the counter always runs), IMSC
 * 0x010 (bit 0), RIS 0x014 and MIS 0x018 (RO), ICR 0x01c (WO), the
 * peripheral ID 0xfe0-0xfec (0x31 0x10 0x14 0x00: PL031 rev 1) and the
 * PrimeCell ID 0xff0-0xffc (0x0d 0xf0 0x05 0xb1).
 *
 * Not modelled: the alarm interrupt. A match never sets RIS, so the
 * guest's wake alarm does not fire (docs/arm64.md says so); nothing
 * else is missing for reading and setting the time. Any other access
 * (another size, an unaligned offset, an unknown register) reads 0 and
 * is ignored when written.
 */
#ifndef VMM_DEVICES_PL031_H
#define VMM_DEVICES_PL031_H

#include <pthread.h>
#include <stdint.h>

#include "vmm/base/bus.h"
#include "vmm/base/compiler.h"

#define PL031_RANGE_LEN 0x1000

struct pl031_host {
	int64_t (*now)(void *opaque); /* seconds since the Unix epoch, UTC */
	void *opaque;
};

struct pl031 {
	pthread_mutex_t lock;
	struct pl031_host host;
	int64_t offset; /* guest time - host->now, from the last LR write */
	uint32_t mr, lr, imsc;
};

extern const struct bus_dev_ops pl031_ops;

/* Power-on state: the time is host->now, MR, LR and IMSC 0. `host` is
 * copied; host->now is called with the lock held on every DR read and LR
 * write. 0, -EINVAL (host->now NULL) or -errno. */
int pl031_init(struct pl031 *p, const struct pl031_host *host) VMM_WUR;
void pl031_destroy(struct pl031 *p);

#endif
