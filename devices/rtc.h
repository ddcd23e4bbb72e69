/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal MC146818 CMOS RTC at ports 0x70 (index) and 0x71 (data): the time
 * and date registers from host->now (so replay can supply virtual time),
 * status registers A-D (24-hour, BCD unless the guest sets binary mode in
 * B), never "update in progress", and 128 bytes of plain CMOS memory for
 * the other indices. Bit 7 of the index (NMI mask) is ignored. No alarm or
 * periodic interrupts.
 */
#ifndef VMM_DEVICES_RTC_H
#define VMM_DEVICES_RTC_H

#include <pthread.h>
#include <stdint.h>

#include "vmm/base/bus.h"
#include "vmm/base/compiler.h"
#include "vmm/base/state.h"

#define RTC_RANGE_LEN 2
#define RTC_CMOS_SIZE 128

struct rtc_host {
	int64_t (*now)(void *opaque); /* seconds since the Unix epoch, UTC */
	void *opaque;
};

struct rtc {
	pthread_mutex_t lock;
	struct rtc_host host;
	uint8_t index;
	uint8_t cmos[RTC_CMOS_SIZE];
};

extern const struct bus_dev_ops rtc_ops;

/* Power-on state (status A 0x26, B 0x02: 24-hour BCD, D 0x80, other CMOS
 * bytes 0) with `host` copied. 0, -EINVAL (host->now NULL) or -errno.
 * host->now is called with the device lock held on every time-register
 * read. Writes to time registers are ignored. The reset op (RESET pin)
 * zeroes the index and the interrupt enables of status B and keeps CMOS.
 * Index reads give 0xff; wider accesses act on the byte at `off`. */
int rtc_init(struct rtc *r, const struct rtc_host *host) VMM_WUR;
void rtc_destroy(struct rtc *r);

/* Saved state (docs/devices.md "Device state"): an "RTC0" section,
 * version 1: u8 index, then the RTC_CMOS_SIZE CMOS bytes. The time is
 * not saved: it follows host->now. */
#define RTC_STATE_TAG	  "RTC0"
#define RTC_STATE_VERSION 1

/* Append the RTC's state to w (takes the lock; errors stay in w). */
void rtc_save(struct rtc *r, struct st_writer *w);

/* Restore one RTC0 section into r (initialised) under the lock. The blob
 * is hostile and must be what the registers can hold: index below 0x80,
 * status A without UIP, and the bytes no write reaches as at power-on
 * (the time registers 0, status C 0, status D 0x80). 0, or -EINVAL with
 * rd bad and r unchanged. */
int rtc_restore(struct rtc *r, struct st_reader *rd) VMM_WUR;

#endif
